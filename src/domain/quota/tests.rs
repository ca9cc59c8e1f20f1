use super::*;

#[test]
fn shares_are_fractions_in_0_to_1() {
    assert_eq!(parse_share("0.25"), Ok(0.25));
    assert_eq!(parse_share("1"), Ok(1.0));
    for bad in ["0", "-0.5", "1.5", "half", "", "NaN", "inf"] {
        let e = parse_share(bad).unwrap_err();
        assert!(e.contains("above 0 and at most 1"), "{bad}: {e}");
    }
}
