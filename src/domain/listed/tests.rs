listed_enum! {
    /// A doc comment and derives pass through.
    #[derive(Clone, Copy, Debug, PartialEq)]
    enum Probe {
        First,
        /// A variant's own attributes too.
        #[allow(dead_code)]
        Second,
        Third,
    }
}

#[test]
fn all_holds_every_variant_in_declaration_order() {
    assert_eq!(Probe::ALL, [Probe::First, Probe::Second, Probe::Third]);
}
