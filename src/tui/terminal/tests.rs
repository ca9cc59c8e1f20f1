use super::*;

#[test]
fn osc52_encodes_the_text() {
    assert_eq!(osc52("aws lambda"), "\x1b]52;c;YXdzIGxhbWJkYQ==\x07");
}
