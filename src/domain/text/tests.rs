use super::*;

#[test]
fn text_reads_compares_and_serializes_as_a_string() {
    let t = Text::from("lambda.public-url");
    assert_eq!(t, "lambda.public-url");
    assert_eq!("lambda.public-url", t);
    assert_eq!(t, String::from("lambda.public-url"));
    assert!(t.starts_with("lambda."));
    assert_eq!(
        format!("{t} {t:?}"),
        "lambda.public-url \"lambda.public-url\""
    );
    let json = serde_json::to_string(&t).unwrap();
    assert_eq!(json, "\"lambda.public-url\"");
    assert_eq!(serde_json::from_str::<Text>(&json).unwrap(), t);
    // Escaped input takes the owned path of the parser.
    assert_eq!(
        serde_json::from_str::<Text>("\"a\\\"b\"").unwrap(),
        Text::from("a\"b")
    );
    assert!(serde_json::from_str::<Text>("3").is_err());
}

#[test]
fn interned_equal_texts_share_one_allocation() {
    let mut interner = Interner::default();
    let mut a = Text::from(String::from("arn:aws:lambda:us-east-1:1:function:f"));
    let mut b = Text::from("arn:aws:lambda:us-east-1:1:function:f");
    let mut c = Text::from("other");
    assert!(!Arc::ptr_eq(&a.0, &b.0));
    interner.intern(&mut a);
    interner.intern(&mut b);
    interner.intern(&mut c);
    assert!(Arc::ptr_eq(&a.0, &b.0));
    assert_eq!(b, "arn:aws:lambda:us-east-1:1:function:f");
    assert_eq!(c, "other");
    assert_eq!(interner.len(), 2);
}

#[test]
fn printable_escapes_control_characters_but_the_kept_ones() {
    assert!(matches!(printable("orders-api", &[]), Cow::Borrowed(_)));
    assert_eq!(
        printable("a\x1b]0;owned\x07b\u{9b}2J\nc", &['\n']),
        "a\\x1b]0;owned\\x07b\\u{9b}2J\nc"
    );
    assert_eq!(printable("x\ny", &[]), "x\\x0ay");
}

#[test]
fn urls_lose_their_credentials_and_queries_only() {
    assert_eq!(
        redact_urls("cannot reach AWS at http://user:password@127.0.0.1:5000/x (refused)"),
        "cannot reach AWS at http://***@127.0.0.1:5000/x (refused)"
    );
    assert_eq!(
        redact_urls("GET https://bucket.s3.amazonaws.com/k?X-Amz-Signature=abc&t=1#f done"),
        "GET https://bucket.s3.amazonaws.com/k?***#f done"
    );
    assert_eq!(
        redact_urls("http://h:1?token=s3cret and https://a@b/c"),
        "http://h:1?*** and https://***@b/c"
    );
    assert!(matches!(redact_urls("no url here"), Cow::Borrowed(_)));
    assert_eq!(
        redact_urls("http://127.0.0.1:5000"),
        "http://127.0.0.1:5000"
    );
}
