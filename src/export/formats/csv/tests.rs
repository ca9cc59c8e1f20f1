use super::*;

/// Issue 18, 14: formulas and terminal escapes in attacker-chosen names.
#[test]
fn cells_cannot_be_formulas_or_terminal_escapes() {
    for (raw, safe) in [
        ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"),
        ("+1+2", "'+1+2"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("orders-api", "orders-api"),
        ("a\x1b[2Jb", "a\\x1b[2Jb"),
        ("\x1b]0;x", "\\x1b]0;x"),
    ] {
        assert_eq!(safe_cell(raw), safe, "{raw:?}");
    }
}
