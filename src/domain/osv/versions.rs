//! The package ecosystems Parapet reads, spelled as OSV spells them, and each one's own
//! version order: SemVer 2.0 precedence (npm, Go, crates.io, and every `SEMVER` range), PEP 440
//! (PyPI), Maven's `ComparableVersion`, RubyGems' `Gem::Version` and NuGet's.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

/// A package ecosystem, as OSV names it (and as it reads and writes).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Ecosystem {
    #[serde(rename = "npm")]
    Npm,
    PyPI,
    Maven,
    Go,
    NuGet,
    RubyGems,
    #[serde(rename = "crates.io")]
    CratesIo,
}

impl Ecosystem {
    pub const ALL: [Ecosystem; 7] = [
        Ecosystem::Npm,
        Ecosystem::PyPI,
        Ecosystem::Maven,
        Ecosystem::Go,
        Ecosystem::NuGet,
        Ecosystem::RubyGems,
        Ecosystem::CratesIo,
    ];

    /// The name OSV gives it (and the folder of its export, `DIR/<name>/all.zip`).
    pub fn osv_name(self) -> &'static str {
        match self {
            Ecosystem::Npm => "npm",
            Ecosystem::PyPI => "PyPI",
            Ecosystem::Maven => "Maven",
            Ecosystem::Go => "Go",
            Ecosystem::NuGet => "NuGet",
            Ecosystem::RubyGems => "RubyGems",
            Ecosystem::CratesIo => "crates.io",
        }
    }

    /// An OSV ecosystem string; a `:suffix` (`Maven:https://maven.google.com`) names a
    /// repository of the same ecosystem.
    pub fn parse(s: &str) -> Option<Ecosystem> {
        let base = s.split(':').next().unwrap_or(s);
        Ecosystem::ALL.into_iter().find(|e| e.osv_name() == base)
    }

    /// How the ecosystem orders its versions.
    pub fn scheme(self) -> Scheme {
        match self {
            Ecosystem::Npm | Ecosystem::Go | Ecosystem::CratesIo => Scheme::SemVer,
            Ecosystem::PyPI => Scheme::Pep440,
            Ecosystem::Maven => Scheme::Maven,
            Ecosystem::NuGet => Scheme::NuGet,
            Ecosystem::RubyGems => Scheme::RubyGems,
        }
    }

    /// A package's name in the form the ecosystem compares names in: PyPI's normalized
    /// form (PEP 503: lower case, runs of `-`, `_`, `.` as one `-`), NuGet's and
    /// crates.io's case-insensitive names (crates.io also folds `-` and `_`), and the
    /// others as written.
    pub fn normalize(self, name: &str) -> String {
        match self {
            Ecosystem::PyPI => {
                let mut out = String::with_capacity(name.len());
                let mut sep = false;
                for c in name.trim().chars() {
                    if matches!(c, '-' | '_' | '.') {
                        sep = true;
                    } else {
                        if sep && !out.is_empty() {
                            out.push('-');
                        }
                        sep = false;
                        out.push(c.to_ascii_lowercase());
                    }
                }
                out
            }
            Ecosystem::NuGet => name.trim().to_ascii_lowercase(),
            Ecosystem::CratesIo => name.trim().to_ascii_lowercase().replace('_', "-"),
            Ecosystem::Npm | Ecosystem::Maven | Ecosystem::Go | Ecosystem::RubyGems => {
                name.trim().to_string()
            }
        }
    }

    /// Whether two names denote the same package.
    pub fn same_name(self, a: &str, b: &str) -> bool {
        self.normalize(a) == self.normalize(b)
    }
}

impl fmt::Display for Ecosystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.osv_name())
    }
}

/// A version order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
    SemVer,
    Pep440,
    Maven,
    RubyGems,
    NuGet,
}

impl Scheme {
    pub fn name(self) -> &'static str {
        match self {
            Scheme::SemVer => "SemVer",
            Scheme::Pep440 => "PEP 440",
            Scheme::Maven => "Maven",
            Scheme::RubyGems => "RubyGems",
            Scheme::NuGet => "NuGet",
        }
    }

    /// `a` against `b`; `None` when either is not a version of this scheme.
    pub fn compare(self, a: &str, b: &str) -> Option<Ordering> {
        match self {
            Scheme::SemVer => Some(semver(a)?.cmp_precedence(&semver(b)?)),
            Scheme::Pep440 => {
                let a = pep440_rs::Version::from_str(a.trim()).ok()?;
                let b = pep440_rs::Version::from_str(b.trim()).ok()?;
                Some(a.cmp(&b))
            }
            Scheme::Maven => Some(maven::compare(a, b)),
            Scheme::RubyGems => Some(rubygems::parse(a)?.cmp(&rubygems::parse(b)?)),
            Scheme::NuGet => Some(nuget::parse(a)?.cmp(&nuget::parse(b)?)),
        }
    }

    /// Whether `a` and `b` are the same version (or the same text).
    pub fn equal(self, a: &str, b: &str) -> bool {
        a.trim() == b.trim() || self.compare(a, b) == Some(Ordering::Equal)
    }
}

/// A SemVer version as written by npm, Go (`v1.2.3`, pseudo-versions) and Cargo: a leading
/// `v` or `=` is dropped.
fn semver(v: &str) -> Option<semver::Version> {
    let v = v.trim().trim_start_matches(['v', '=']);
    semver::Version::parse(v).ok()
}

mod maven {
    //! Maven's `ComparableVersion`: the version is split into items at `.` and `-` and where
    //! digits meet letters; numbers compare as numbers, qualifiers in the order alpha <
    //! beta < milestone < rc = cr < snapshot < (release) = ga = final = release < sp < any
    //! other qualifier (alphabetically); a `-` opens a sub-list; trailing zeros and release
    //! qualifiers are dropped. As Maven 3.8's `ComparableVersion`, which
    //! `tests/osv_reference.rs` checks it against.

    use std::cmp::Ordering;

    #[derive(Clone, Debug, PartialEq, Eq)]
    enum Item {
        Int(u128),
        Str(String),
        List(Vec<Item>),
    }

    /// Known qualifiers in order; a release ("") sits at `RELEASE`.
    const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
    const RELEASE: usize = 5;

    fn qualifier_rank(q: &str) -> (usize, &str) {
        match QUALIFIERS.iter().position(|k| *k == q) {
            Some(i) => (i, ""),
            // Unknown qualifiers come after every known one, in alphabetical order.
            None => (QUALIFIERS.len(), q),
        }
    }

    fn str_item(s: &str, followed_by_digit: bool) -> Item {
        let s = if followed_by_digit && s.len() == 1 {
            match s {
                "a" => "alpha",
                "b" => "beta",
                "m" => "milestone",
                other => other,
            }
        } else {
            s
        };
        let s = match s {
            "ga" | "final" | "release" => "",
            "cr" => "rc",
            other => other,
        };
        Item::Str(s.to_string())
    }

    fn is_null(item: &Item) -> bool {
        match item {
            Item::Int(n) => *n == 0,
            Item::Str(s) => s.is_empty(),
            Item::List(l) => l.is_empty(),
        }
    }

    /// Maven's `normalize`: from the end, drops null items (0, "", empty lists), stepping
    /// over sub-lists that are not null, until another item.
    fn normalize(list: &mut Vec<Item>) {
        let mut i = list.len();
        while i > 0 {
            i -= 1;
            if is_null(&list[i]) {
                list.remove(i);
            } else if !matches!(list[i], Item::List(_)) {
                break;
            }
        }
    }

    fn parse(version: &str) -> Vec<Item> {
        let v = version.trim().to_lowercase();
        let chars: Vec<char> = v.chars().collect();
        // A stack of lists: the outermost first; `-` opens a new sub-list.
        let mut stack: Vec<Vec<Item>> = vec![Vec::new()];
        let mut start = 0;
        let mut is_digit = false;
        let push_token = |stack: &mut Vec<Vec<Item>>, tok: &str, digit: bool, next_digit: bool| {
            let list = stack.last_mut().expect("a list");
            if tok.is_empty() {
                list.push(Item::Int(0));
            } else if digit {
                list.push(Item::Int(tok.parse().unwrap_or(u128::MAX)));
            } else {
                list.push(str_item(tok, next_digit));
            }
        };
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            if c == '.' {
                let tok: String = chars[start..i].iter().collect();
                push_token(&mut stack, &tok, is_digit, false);
                start = i + 1;
            } else if c == '-' {
                let tok: String = chars[start..i].iter().collect();
                push_token(&mut stack, &tok, is_digit, false);
                start = i + 1;
                stack.push(Vec::new());
            } else if c.is_ascii_digit() {
                if !is_digit && i > start {
                    // Letters then digits: the letters end an item, a sub-list starts.
                    let tok: String = chars[start..i].iter().collect();
                    push_token(&mut stack, &tok, false, true);
                    start = i;
                    stack.push(Vec::new());
                }
                is_digit = true;
            } else {
                if is_digit && i > start {
                    let tok: String = chars[start..i].iter().collect();
                    push_token(&mut stack, &tok, true, false);
                    start = i;
                    stack.push(Vec::new());
                }
                is_digit = false;
            }
            i += 1;
        }
        if chars.len() > start {
            // A qualifier at the end after a `.` reads as after a `-` (`1.0.x` is `1.0-x`).
            if !is_digit && !stack.last().expect("a list").is_empty() {
                stack.push(Vec::new());
            }
            let tok: String = chars[start..].iter().collect();
            push_token(&mut stack, &tok, is_digit, false);
        }
        // Close the sub-lists from the innermost out, normalizing each.
        while stack.len() > 1 {
            let mut inner = stack.pop().expect("a sub-list");
            normalize(&mut inner);
            stack.last_mut().expect("a list").push(Item::List(inner));
        }
        let mut top = stack.pop().expect("the outer list");
        normalize(&mut top);
        top
    }

    /// `item` against `other` (`None`: the other list has ended here).
    fn cmp_item(item: &Item, other: Option<&Item>) -> Ordering {
        match (item, other) {
            (Item::Int(n), None) => {
                if *n == 0 {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            (Item::Int(a), Some(Item::Int(b))) => a.cmp(b),
            (Item::Int(_), Some(Item::Str(_))) => Ordering::Greater,
            (Item::Int(_), Some(Item::List(_))) => Ordering::Greater,
            (Item::Str(s), None) => qualifier_rank(s).cmp(&(RELEASE, "")),
            (Item::Str(_), Some(Item::Int(_))) => Ordering::Less,
            (Item::Str(a), Some(Item::Str(b))) => qualifier_rank(a).cmp(&qualifier_rank(b)),
            (Item::Str(_), Some(Item::List(_))) => Ordering::Less,
            // Every item against nothing, not just the first (MNG-6964).
            (Item::List(l), None) => l
                .iter()
                .map(|i| cmp_item(i, None))
                .find(|o| *o != Ordering::Equal)
                .unwrap_or(Ordering::Equal),
            (Item::List(_), Some(Item::Int(_))) => Ordering::Less,
            (Item::List(_), Some(Item::Str(_))) => Ordering::Greater,
            (Item::List(a), Some(Item::List(b))) => cmp_lists(a, b),
        }
    }

    fn cmp_lists(a: &[Item], b: &[Item]) -> Ordering {
        let n = a.len().max(b.len());
        for i in 0..n {
            let ord = match (a.get(i), b.get(i)) {
                (Some(x), y) => cmp_item(x, y),
                (None, Some(y)) => cmp_item(y, None).reverse(),
                (None, None) => Ordering::Equal,
            };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    }

    pub fn compare(a: &str, b: &str) -> Ordering {
        cmp_lists(&parse(a), &parse(b))
    }
}

mod rubygems {
    //! RubyGems' `Gem::Version`: segments are runs of digits or of letters; a letter
    //! segment makes the version a prerelease, which sorts before the release; trailing zero
    //! segments do not count; numbers compare as numbers, letters as strings, and a letter
    //! segment sorts before a number.

    use std::cmp::Ordering;

    #[derive(Clone, Debug, PartialEq, Eq)]
    enum Segment {
        Num(u128),
        Str(String),
    }

    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Version(Vec<Segment>);

    pub fn parse(v: &str) -> Option<Version> {
        let v = v.trim();
        let valid = !v.is_empty()
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-'))
            && v.starts_with(|c: char| c.is_ascii_digit());
        if !valid {
            return None;
        }
        // `1.0-1` means `1.0.pre.1` to RubyGems.
        let v = v.replace('-', ".pre.");
        let mut segments = Vec::new();
        for part in v.split('.') {
            let mut rest = part;
            while !rest.is_empty() {
                let digits = rest.starts_with(|c: char| c.is_ascii_digit());
                let end = rest
                    .find(|c: char| c.is_ascii_digit() != digits)
                    .unwrap_or(rest.len());
                let (run, tail) = rest.split_at(end);
                segments.push(if digits {
                    Segment::Num(run.parse().unwrap_or(u128::MAX))
                } else {
                    Segment::Str(run.to_string())
                });
                rest = tail;
            }
        }
        // Canonical form: trailing zeros dropped, and zeros just before the first letter
        // segment too (`1.0.a` is `1.a`).
        while matches!(segments.last(), Some(Segment::Num(0))) {
            segments.pop();
        }
        if let Some(first_str) = segments.iter().position(|s| matches!(s, Segment::Str(_))) {
            let mut head: Vec<Segment> = segments[..first_str].to_vec();
            while matches!(head.last(), Some(Segment::Num(0))) {
                head.pop();
            }
            head.extend_from_slice(&segments[first_str..]);
            segments = head;
        }
        Some(Version(segments))
    }

    impl Ord for Version {
        fn cmp(&self, other: &Self) -> Ordering {
            let n = self.0.len().max(other.0.len());
            for i in 0..n {
                let ord = match (self.0.get(i), other.0.get(i)) {
                    (Some(Segment::Num(a)), Some(Segment::Num(b))) => a.cmp(b),
                    (Some(Segment::Str(a)), Some(Segment::Str(b))) => a.cmp(b),
                    (Some(Segment::Str(_)), Some(Segment::Num(_))) => Ordering::Less,
                    (Some(Segment::Num(_)), Some(Segment::Str(_))) => Ordering::Greater,
                    // A missing segment is 0 against a number; a letter segment (a
                    // prerelease) sorts before the version without it.
                    (Some(Segment::Num(a)), None) => a.cmp(&0),
                    (None, Some(Segment::Num(b))) => 0.cmp(b),
                    (Some(Segment::Str(_)), None) => Ordering::Less,
                    (None, Some(Segment::Str(_))) => Ordering::Greater,
                    (None, None) => Ordering::Equal,
                };
                if ord != Ordering::Equal {
                    return ord;
                }
            }
            Ordering::Equal
        }
    }

    impl PartialOrd for Version {
        fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
            Some(self.cmp(other))
        }
    }
}

mod nuget {
    //! NuGet's order: up to four numeric parts (missing ones are 0), then SemVer 2.0
    //! prerelease precedence with labels compared case-insensitively; build metadata is
    //! ignored.

    use std::cmp::Ordering;

    #[derive(Clone, Debug, PartialEq, Eq)]
    pub struct Version {
        parts: [u64; 4],
        pre: Vec<String>,
    }

    pub fn parse(v: &str) -> Option<Version> {
        let v = v.trim();
        let v = v.split('+').next()?;
        let (core, pre) = match v.split_once('-') {
            Some((core, pre)) => (core, Some(pre)),
            None => (v, None),
        };
        let nums: Vec<&str> = core.split('.').collect();
        if nums.is_empty() || nums.len() > 4 {
            return None;
        }
        let mut parts = [0u64; 4];
        for (i, n) in nums.iter().enumerate() {
            if n.is_empty() || !n.chars().all(|c| c.is_ascii_digit()) {
                return None;
            }
            parts[i] = n.parse().ok()?;
        }
        let pre = match pre {
            Some("") => return None,
            Some(p) => p.split('.').map(str::to_ascii_lowercase).collect(),
            None => Vec::new(),
        };
        Some(Version { parts, pre })
    }

    fn cmp_label(a: &str, b: &str) -> Ordering {
        let num = |s: &str| -> Option<u64> {
            if !s.is_empty() && s.chars().all(|c| c.is_ascii_digit()) {
                s.parse().ok()
            } else {
                None
            }
        };
        match (num(a), num(b)) {
            (Some(x), Some(y)) => x.cmp(&y),
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (None, None) => a.cmp(b),
        }
    }

    impl Ord for Version {
        fn cmp(&self, other: &Self) -> Ordering {
            self.parts.cmp(&other.parts).then_with(|| {
                match (self.pre.is_empty(), other.pre.is_empty()) {
                    (true, true) => Ordering::Equal,
                    (true, false) => Ordering::Greater,
                    (false, true) => Ordering::Less,
                    (false, false) => {
                        for (a, b) in self.pre.iter().zip(&other.pre) {
                            let ord = cmp_label(a, b);
                            if ord != Ordering::Equal {
                                return ord;
                            }
                        }
                        self.pre.len().cmp(&other.pre.len())
                    }
                }
            })
        }
    }

    impl PartialOrd for Version {
        fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
            Some(self.cmp(other))
        }
    }
}
