use super::*;
use std::fmt;

#[derive(Debug)]
struct Outer {
    says_cause: bool,
    inner: std::io::Error,
}

impl fmt::Display for Outer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.says_cause {
            write!(f, "x.json: {}", self.inner)
        } else {
            f.write_str("cannot set up the terminal")
        }
    }
}

impl std::error::Error for Outer {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.inner)
    }
}

#[test]
fn each_cause_is_said_once() {
    let inner = || std::io::Error::other("not JSON: expected value at line 1 column 1");
    let said = Outer {
        says_cause: true,
        inner: inner(),
    };
    assert_eq!(
        error_chain(&said),
        "x.json: not JSON: expected value at line 1 column 1"
    );
    let context = Outer {
        says_cause: false,
        inner: inner(),
    };
    assert_eq!(
        error_chain(&context),
        "cannot set up the terminal: not JSON: expected value at line 1 column 1"
    );
}
