//! `listed_enum!`: a field-less enum declared together with `ALL`, every variant in
//! declaration order, so a new variant cannot be missing from the list the screens, formats
//! and pollers iterate (issue 20).

/// Declares the enum as written (attributes and doc comments pass through) and
/// `impl Name { pub const ALL: [Name; N] }` with every variant, in declaration order.
macro_rules! listed_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: [$name; [$(stringify!($variant)),+].len()] = [$($name::$variant),+];
        }
    };
}
pub(crate) use listed_enum;

#[cfg(test)]
mod tests;
