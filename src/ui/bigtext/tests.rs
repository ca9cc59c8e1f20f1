use super::*;

#[test]
fn renders_digits_side_by_side() {
    let r = render("72");
    assert_eq!(r[0], "▀▀█ ▀▀█");
    assert_eq!(r[2], "  █ █▄▄");
    assert_eq!(width("72"), 7);
}
