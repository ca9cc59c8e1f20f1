use super::*;
use crate::domain::finding::Status;
use time::macros::date;

fn f(check: &str, resource: &str, status: Status) -> Finding {
    Finding::sample(check, "us-east-1", resource, status)
}

fn mute(check: &str, resource: Option<&str>, expires: Option<&str>) -> Mute {
    Mute {
        check_id: check.into(),
        resource: resource.map(str::to_string),
        reason: format!("accepted: {check}"),
        expires: expires.map(str::to_string),
        source: Some("mutes.toml".into()),
    }
}

#[test]
fn a_muted_finding_keeps_its_real_status_and_leaves_the_score() {
    let mut findings = vec![
        f("lambda.no-vpc", "a", Status::Fail),
        f("lambda.no-vpc", "b", Status::Pass),
        f("lambda.no-tracing", "a", Status::Fail),
        f("lambda.no-tracing", "b", Status::Pass),
    ];
    apply_mutes(
        &mut findings,
        &[mute("lambda.no-vpc", None, None)],
        date!(2026 - 12 - 02),
    );
    assert_eq!(findings[0].status, Status::Fail, "the real status stays");
    assert_eq!(
        findings[1].status,
        Status::Pass,
        "a muted pass is still a pass"
    );
    assert!(findings[0].is_muted() && findings[1].is_muted());
    assert_eq!(findings[0].shown(), Status::Muted);
    assert_eq!(
        findings[0].mute.as_ref().unwrap().source.as_deref(),
        Some("mutes.toml")
    );
    assert!(!findings[2].is_muted());

    let a = Assessment::from_findings(findings);
    // Only no-tracing is scored (1 pass of 2); the muted check is counted beside it.
    assert_eq!(a.score.overall, Some(50));
    assert_eq!(a.score.coverage.muted, 2);
    assert_eq!(
        (a.score.coverage.pass, a.score.coverage.fail),
        (1, 1),
        "never as pass"
    );
}

#[test]
fn a_mute_applies_until_the_day_before_it_expires_and_then_says_so() {
    let m = mute("lambda.no-vpc", Some("a"), Some("2026-10-01"));
    for (today, muted) in [
        (date!(2026 - 09 - 30), true),
        (date!(2026 - 10 - 01), false),
        (date!(2027 - 01 - 01), false),
    ] {
        let mut findings = vec![f("lambda.no-vpc", "a", Status::Fail)];
        apply_mutes(&mut findings, std::slice::from_ref(&m), today);
        assert_eq!(findings[0].is_muted(), muted, "{today}");
        assert_eq!(findings[0].mute_expired.is_some(), !muted, "{today}");
    }
    let mut findings = vec![f("lambda.no-vpc", "a", Status::Fail)];
    apply_mutes(&mut findings, &[m], date!(2026 - 10 - 01));
    let expired = findings[0].mute_expired.as_ref().unwrap();
    assert_eq!(expired.expires.as_deref(), Some("2026-10-01"));
    assert_eq!(
        findings[0].shown(),
        Status::Fail,
        "an expired mute does not apply"
    );
}

#[test]
fn a_live_mute_wins_over_an_expired_one_and_only_matching_resources_are_muted() {
    let mutes = [
        mute("lambda.no-vpc", Some("a"), Some("2020-01-01")),
        mute(
            "lambda.no-vpc",
            Some("arn:aws:lambda:us-east-1:111122223333:function:a"),
            None,
        ),
    ];
    let mut findings = vec![
        f("lambda.no-vpc", "a", Status::Fail),
        f("lambda.no-vpc", "b", Status::Fail),
    ];
    apply_mutes(&mut findings, &mutes, date!(2026 - 12 - 02));
    assert!(findings[0].is_muted() && findings[0].mute_expired.is_none());
    assert!(!findings[1].is_muted() && findings[1].mute_expired.is_none());
    assert_eq!(parse_date("2026-02-30"), None);
    assert_eq!(parse_date(" 2026-02-28 "), Some(date!(2026 - 02 - 28)));
}

#[test]
fn findings_of_old_snapshots_stored_as_muted_stay_muted() {
    let mut old = f("lambda.no-vpc", "a", Status::Muted);
    old.mute_reason = Some("legacy".into());
    assert!(old.is_muted());
    assert_eq!(old.mute_text(), Some("legacy"));
    let mut findings = vec![old];
    apply_mutes(
        &mut findings,
        &[mute("lambda.no-vpc", None, Some("2020-01-01"))],
        date!(2026 - 12 - 02),
    );
    assert_eq!(findings[0].shown(), Status::Muted);
    assert!(findings[0].mute_expired.is_none());
}
