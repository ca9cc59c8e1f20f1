use super::*;

#[test]
fn a_reason_read_as_text_gets_the_kind_its_head_names() {
    let f = Failure::parse("AccessDenied: missing lambda:GetPolicy");
    assert_eq!(f.kind, FailureKind::Denied);
    assert_eq!(f.short(), "AccessDenied");
    assert_eq!(
        Failure::parse("Throttled: kms:ListKeys still throttled after retries").kind,
        FailureKind::Throttled
    );
    assert_eq!(
        Failure::parse("Unparsable response to lambda:GetPolicy: no policy").kind,
        FailureKind::Unparsable
    );
    let other = Failure::parse("ValidationException: bad name");
    assert_eq!(other.kind, FailureKind::Other);
    assert_eq!(other.short(), "Validation");
}

#[test]
fn a_failure_reads_and_writes_as_its_reason_alone() {
    let f = Failure::new(
        FailureKind::Denied,
        Some("lambda:GetPolicy"),
        "AccessDenied: missing lambda:GetPolicy",
    );
    let json = serde_json::to_string(&f).unwrap();
    assert_eq!(json, "\"AccessDenied: missing lambda:GetPolicy\"");
    let back: Failure = serde_json::from_str(&json).unwrap();
    assert_eq!(back.kind, FailureKind::Denied);
    assert_eq!(back.to_string(), f.to_string());
    assert_eq!(
        String::from(f.clone().with_suffix(" (and 2 more)")),
        format!("{f} (and 2 more)")
    );
}

#[test]
fn every_kind_but_other_is_found_again_from_its_label() {
    for kind in FailureKind::ALL {
        let f = Failure::parse(&format!("{}: something", kind.label()));
        let expected = if kind == FailureKind::Other {
            FailureKind::Other
        } else {
            kind
        };
        assert_eq!(f.kind, expected, "{kind:?}");
    }
}
