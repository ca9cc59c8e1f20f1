use super::*;
use crate::domain::finding::{Category, Evidence, Remediation, Service};

fn finding(resource: &str, status: Status, severity: Severity, ev: &[(&str, &str)]) -> Finding {
    Finding {
        account_id: "111122223333".into(),
        check_id: "layer.vulnerable-dependency".into(),
        status,
        severity,
        category: Category::Hygiene,
        service: Service::Lambda,
        region: "us-east-1".into(),
        resource_id: resource.into(),
        resource_name: resource.into(),
        message: "m".into(),
        evidence: ev.iter().map(|(k, v)| Evidence::new(*k, *v)).collect(),
        remediation: Remediation::default(),
        mute_reason: None,
        mute: None,
        mute_expired: None,
    }
}

#[test]
fn failing_findings_are_grouped_by_advisory_counting_the_functions_reached() {
    let lodash = "lodash 4.17.15 · GHSA-35jh-r3h4-6jhm";
    let minimist = "minimist 1.2.5 · GHSA-xvch-5gv4-984h";
    let findings = [
        // Two layers with the same lodash, used by three functions in all.
        finding(
            "layer-a",
            Status::Fail,
            Severity::High,
            &[(FIELD, lodash), (USED_BY, "f1"), (USED_BY, "f2")],
        ),
        finding(
            "layer-b",
            Status::Fail,
            Severity::High,
            &[(FIELD, lodash), (USED_BY, "f2"), (USED_BY, "f3")],
        ),
        finding(
            "layer-c",
            Status::Fail,
            Severity::Critical,
            &[(FIELD, minimist), (USED_BY, "f4")],
        ),
        // Passing findings name nothing that counts.
        finding(
            "layer-d",
            Status::Pass,
            Severity::High,
            &[(FIELD, minimist)],
        ),
    ];
    let groups = advisory_groups(&findings);
    assert_eq!(
        groups,
        [
            AdvisoryGroup {
                advisory: lodash.into(),
                severity: Severity::High,
                resources: 2,
                functions: 3,
            },
            AdvisoryGroup {
                advisory: minimist.into(),
                severity: Severity::Critical,
                resources: 1,
                functions: 1,
            },
        ]
    );
    // A function's own finding has no users: it reaches itself.
    let own = [finding(
        "fn",
        Status::Fail,
        Severity::Critical,
        &[(FIELD, minimist)],
    )];
    assert_eq!(advisory_groups(&own)[0].reach(), 1);
}
