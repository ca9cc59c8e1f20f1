use super::*;

fn finding(check: &str, status: Status, sev: Severity, resource: &str, region: &str) -> Finding {
    Finding {
        severity: sev,
        category: Category::Auth,
        resource_id: format!("arn:aws:lambda:{region}:1:function:{resource}").into(),
        ..Finding::sample(check, region, resource, status)
    }
}

#[test]
fn counts_status_and_impact() {
    let fs = vec![
        finding("x.a", Status::Fail, Severity::High, "f1", "r1"),
        finding("x.a", Status::Pass, Severity::High, "f2", "r1"),
        finding("x.b", Status::Pass, Severity::High, "f1", "r1"),
        finding("x.c", Status::Unknown, Severity::Low, "f1", "r2"),
    ];
    let d = derive(&fs, None);
    let a = d.checks.iter().find(|c| c.id == "x.a").unwrap();
    assert_eq!(a.status, Status::Fail);
    assert_eq!((a.counts.fail, a.counts.total()), (1, 2));
    // weights: x.a 5 (rate .5), x.b 5 (rate 1) → score 75; fixing x.a gains 25.
    assert_eq!(d.score.overall, Some(75));
    assert!((a.impact - 25.0).abs() < 1e-9);
    let c = d.checks.iter().find(|c| c.id == "x.c").unwrap();
    assert_eq!(c.status, Status::Unknown);
    assert_eq!(c.impact, 0.0);
    let f1 = d.resources.iter().find(|r| r.name == "f1").unwrap();
    assert_eq!(f1.kind, ResourceKind::Function);
    assert_eq!(
        (f1.counts.fail, f1.counts.pass, f1.counts.unknown),
        (1, 1, 0)
    );
    assert_eq!(f1.risk, 5);
    // worst first inside the check
    assert_eq!(fs[a.findings[0]].status, Status::Fail);
}

#[test]
fn region_filter_limits_rows_and_score() {
    let fs = vec![
        finding("x.a", Status::Fail, Severity::High, "f1", "r1"),
        finding("x.a", Status::Pass, Severity::High, "f2", "r2"),
    ];
    let d = derive(&fs, Some("r2"));
    assert_eq!(d.score.overall, Some(100));
    assert_eq!(d.resources.len(), 1);
}

#[test]
fn every_catalogue_check_has_a_row_even_without_findings() {
    let d = derive(&[], None);
    assert_eq!(d.checks.len(), checks::catalogue().len());
    assert!(d.checks.windows(2).all(|w| w[0].category <= w[1].category));
    assert_eq!(d.score.overall, None);
}
