use super::*;

#[test]
fn a_prowler_anchor_and_a_parapet_id_both_mute_and_unknown_names_are_reported() {
    let text = r#"
Mutelist:
  Accounts:
    "*":
      Checks:
        awslambda_function_url_public:
          Regions: ["*"]
          Resources: ["orders-api"]
          Description: "public by design: the storefront"
        "lambda.no-tracing":
          Regions: ["eu-west-1"]
          Resources: ["*"]
        awslambda_function_made_up:
          Regions: ["*"]
          Resources: ["*"]
        lambda_function_using_supported_runtimes:
          Regions: ["*"]
          Resources: ["*"]
          Tags: ["env=dev"]
"#;
    let m = Mutelist::parse(text, "mutelist.yaml").unwrap();
    let finding = |check: &str, region: &str, name: &str| {
        Finding::sample(check, region, name, crate::domain::finding::Status::Fail)
    };
    let url = finding("lambda.function-url-no-auth", "us-east-1", "orders-api");
    let mark = m
        .mute_for("111122223333", &url)
        .expect("muted through its Prowler anchor");
    assert_eq!(mark.reason, "public by design: the storefront");
    assert_eq!(mark.source.as_deref(), Some("mutelist.yaml"));
    assert!(
        m.mute_for(
            "111122223333",
            &finding("lambda.function-url-no-auth", "us-east-1", "billing")
        )
        .is_none()
    );
    assert!(
        m.mute_for("1", &finding("lambda.no-tracing", "eu-west-1", "x"))
            .is_some(),
        "a Parapet id"
    );
    assert!(
        m.mute_for("1", &finding("lambda.no-tracing", "us-east-1", "x"))
            .is_none()
    );
    // Tags cannot match: Parapet reads none.
    assert!(
        m.mute_for("1", &finding("lambda.deprecated-runtime", "us-east-1", "x"))
            .is_none()
    );
    assert_eq!(m.unknown_checks(), ["awslambda_function_made_up"]);
    assert_eq!(m.warnings.len(), 2, "{:?}", m.warnings);
    assert!(
        m.warnings
            .iter()
            .any(|w| w.contains("awslambda_function_made_up"))
    );
    assert!(m.warnings.iter().any(|w| w.contains("tags")));
}

#[test]
fn a_broken_mutelist_is_an_error_not_an_empty_one() {
    for (text, words) in [
        ("Mutelist: [", "line"),
        ("Accounts: {}", "no top-level `Mutelist`"),
        (
            "Mutelist:\n  Accounts:\n    '*':\n      Checks:\n        c:\n          Regions: ['*']\n",
            "`Resources` is required",
        ),
        (
            "Mutelist:\n  Accounts:\n    '*':\n      Checks:\n        c:\n          Regions: ['*']\n          Resources: ['*']\n          Region: x\n",
            "unknown field `Region`",
        ),
    ] {
        let e = Mutelist::parse(text, "m.yaml").unwrap_err();
        assert!(e.to_string().contains(words), "{e}");
    }
}
