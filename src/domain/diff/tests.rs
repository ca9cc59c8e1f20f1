use super::*;

fn f(check: &str, resource: &str, status: Status, severity: Severity) -> Finding {
    Finding {
        severity,
        message: format!("{check} on {resource}: {status}").into(),
        ..Finding::sample(check, "us-east-1", resource, status)
    }
}

#[test]
fn every_transition_has_its_change() {
    use Status::*;
    let all = [
        None,
        Some(Pass),
        Some(Fail),
        Some(Unknown),
        Some(Muted),
        Some(NotApplicable),
    ];
    for old in all {
        for new in all {
            let want = match (old, new) {
                (Some(Pass), Some(Fail)) => Some(Change::Regression),
                (None | Some(Unknown | Muted | NotApplicable), Some(Fail)) => {
                    Some(Change::NewFailure)
                }
                (Some(Fail), None | Some(Pass | NotApplicable)) => Some(Change::Resolved),
                (Some(Fail), Some(Muted)) => Some(Change::Muted),
                (Some(Pass | Fail), Some(Unknown)) => Some(Change::Regression),
                (Some(Unknown), Some(Pass | NotApplicable)) => Some(Change::Improvement),
                _ => None,
            };
            assert_eq!(Change::of(old, new), want, "{old:?} → {new:?}");
        }
    }
}

#[test]
fn changes_match_by_check_region_and_resource_and_sort_worst_first() {
    use Severity::*;
    use Status::*;
    let old = vec![
        f("lambda.public-resource-policy", "a", Pass, Critical),
        f("lambda.no-tracing", "a", Fail, Low),
        f("lambda.no-vpc", "gone", Fail, Medium),
        f("lambda.no-vpc", "a", Pass, Medium),
        f("lambda.deprecated-runtime", "a", Unknown, High),
        f("lambda.secrets-in-env", "a", Pass, Critical),
    ];
    let new = vec![
        f("lambda.public-resource-policy", "a", Fail, Critical),
        f("lambda.no-tracing", "a", Pass, Low),
        f("lambda.no-vpc", "a", Pass, Medium),
        f("lambda.deprecated-runtime", "a", Pass, High),
        f("lambda.secrets-in-env", "a", Unknown, Critical),
        f("lambda.secrets-in-env", "b", Fail, Critical),
        f("lambda.no-vpc", "new-passing", Pass, Medium),
    ];
    let got: Vec<(Change, String, String)> = changes(&old, &new)
        .into_iter()
        .map(|c| (c.change, c.check_id, c.resource_name))
        .collect();
    let want = [
        (Change::NewFailure, "lambda.secrets-in-env", "b"),
        (Change::Regression, "lambda.public-resource-policy", "a"),
        (Change::Regression, "lambda.secrets-in-env", "a"),
        (Change::Resolved, "lambda.no-vpc", "gone"),
        (Change::Resolved, "lambda.no-tracing", "a"),
        (Change::Improvement, "lambda.deprecated-runtime", "a"),
    ]
    .map(|(c, k, r)| (c, k.to_string(), r.to_string()));
    assert_eq!(got, want);

    let all = changes(&old, &new);
    let gated: Vec<&str> = new_failures_at(&all, High)
        .iter()
        .map(|c| c.resource_name.as_str())
        .collect();
    // The new failure and the pass → fail regression, not the pass → unknown one.
    assert_eq!(gated, ["b", "a"]);
    assert_eq!(new_failures_at(&all, Critical).len(), 2);
    assert!(changes(&new, &new).is_empty(), "nothing changed");

    // The same resource id in another account is another finding.
    let mut other = f("lambda.no-vpc", "a", Fail, Medium);
    other.account_id = "444455556666".into();
    let both = [f("lambda.no-vpc", "a", Pass, Medium), other.clone()];
    let got = changes(&both[..1], &both);
    assert_eq!(got.len(), 1);
    assert_eq!(
        (got[0].change, got[0].account_id.as_str()),
        (Change::NewFailure, "444455556666")
    );
}
