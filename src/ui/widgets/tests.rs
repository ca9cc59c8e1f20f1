use super::*;

#[test]
fn fit_and_pad() {
    assert_eq!(fit("payments-webhook", 8), "payment…");
    assert_eq!(fit("abc", 3), "abc");
    assert_eq!(fit("abc", 0), "");
    assert_eq!(pad("ab", 4, true), "  ab");
    assert_eq!(pad("abcdef", 4, false), "abc…");
}

#[test]
fn columns_share_the_rest() {
    assert_eq!(
        col_widths(&[Col::Fixed(4), Col::Fill, Col::Fixed(2)], 20),
        vec![4, 12, 2]
    );
    assert_eq!(col_widths(&[Col::Fill, Col::Fill], 6), vec![3, 2]);
    assert_eq!(col_widths(&[Col::Fixed(10), Col::Fill], 5), vec![10, 0]);
}

#[test]
fn wrapping() {
    assert_eq!(wrap_words("aa bb cc", 5), vec!["aa bb", "cc"]);
    assert_eq!(wrap_words("abcdefgh", 3), vec!["abc", "def", "gh"]);
    assert_eq!(wrap_words("", 3), vec![""]);
    assert_eq!(wrap_code("abcdefghij", 6), vec!["abcdef", "↪ ghij"]);
    let items: Vec<String> = ["aa", "bb", "cc", "dd"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(wrap_items(&items, 7, 5), vec!["aa · bb", "cc · dd"]);
    assert_eq!(wrap_items(&items, 2, 2), vec!["aa", "b…"]);
}

#[test]
fn relative_times() {
    let t = OffsetDateTime::UNIX_EPOCH;
    assert_eq!(ago(t, t + time::Duration::seconds(12)), "12s ago");
    assert_eq!(ago(t, t + time::Duration::minutes(3)), "3m ago");
    assert_eq!(ago(t + time::Duration::seconds(5), t), "0s ago");
}
