use super::*;

fn spec(
    profiles: &[&str],
    accounts: Option<&str>,
    role: Option<&str>,
    external: Option<&str>,
) -> Result<AccountsSpec, String> {
    let profiles: Vec<String> = profiles.iter().map(|p| p.to_string()).collect();
    AccountsSpec::from_flags(&profiles, accounts, role, external)
}

#[test]
fn flags_become_a_spec_or_a_clear_error() {
    assert_eq!(spec(&[], None, None, None), Ok(AccountsSpec::Base));
    assert_eq!(spec(&["a"], None, None, None), Ok(AccountsSpec::Base));
    assert_eq!(
        spec(&["a", "b"], None, None, None),
        Ok(AccountsSpec::Profiles(vec!["a".into(), "b".into()]))
    );
    let role = RoleSpec {
        name: "Audit".into(),
        external_id: Some("x1".into()),
    };
    assert_eq!(
        spec(&["base"], Some("ORG"), Some("Audit"), Some("x1")),
        Ok(AccountsSpec::Organization { role: role.clone() })
    );
    assert_eq!(
        spec(
            &[],
            Some("333333333333, 111111111111,333333333333,"),
            Some("Audit"),
            Some("x1")
        ),
        Ok(AccountsSpec::Listed {
            ids: vec!["111111111111".into(), "333333333333".into()],
            role
        }),
        "sorted, without repeats"
    );
    for (flags, want) in [
        (spec(&[], Some("org"), None, None), "needs --assume-role"),
        (spec(&[], None, Some("R"), None), "needs --accounts"),
        (spec(&[], None, None, Some("x")), "--external-id needs"),
        (
            spec(&["a", "b"], Some("org"), Some("R"), None),
            "one --profile",
        ),
        (
            spec(&[], Some("12345"), Some("R"), None),
            "`12345` is not a 12-digit",
        ),
        (spec(&[], Some(" , "), Some("R"), None), "no account id"),
        (
            spec(&[], Some("org"), Some("arn:aws:iam::1:role/R"), None),
            "not an ARN",
        ),
    ] {
        let e = flags.unwrap_err();
        assert!(e.contains(want), "{e}");
    }
    assert!(AccountsSpec::Profiles(Vec::new()).is_multi());
    assert!(!AccountsSpec::Base.is_multi());
}

#[tokio::test]
async fn listed_accounts_each_get_the_role_in_the_regions_partition() {
    let base = AwsOptions {
        regions: vec!["cn-north-1".into()],
        profile: Some("base".into()),
        ..AwsOptions::default()
    };
    let role = RoleSpec {
        name: "/audit/Reader/".into(),
        external_id: None,
    };
    let spec = AccountsSpec::Listed {
        ids: vec!["111111111111".into(), "222222222222".into()],
        role,
    };
    let targets = resolve(&base, &spec).await.unwrap();
    assert_eq!(targets.len(), 2);
    assert_eq!(
        targets[1].role_arn.as_deref(),
        Some("arn:aws-cn:iam::222222222222:role/audit/Reader")
    );
    assert_eq!(targets[0].key(), "111111111111");
    assert_eq!(targets[0].aws.profile.as_deref(), Some("base"));
    assert!(
        targets[0].aws.in_flight.is_shared_with(&base.in_flight),
        "one cap for the run"
    );
    let profiles = resolve(&base, &AccountsSpec::Profiles(vec!["p1".into()]))
        .await
        .unwrap();
    assert_eq!(profiles[0].key(), "p1");
    assert_eq!(profiles[0].aws.profile.as_deref(), Some("p1"));
}
