use super::*;
use crate::demo;
use crate::domain::finding::Category;
use crate::domain::source::Batch;

fn finding(status: Status, severity: Severity) -> Finding {
    Finding {
        severity,
        category: Category::ALL[0],
        resource_id: "arn".into(),
        ..Finding::sample("lambda.public-url", "us-east-1", "fn", status)
    }
}

#[test]
fn a_scan_that_listed_nothing_is_an_error() {
    let status = |area, region: &str, status, error: Option<&str>| CollectionStatus {
        account_id: String::new(),
        area,
        region: region.into(),
        status,
        error: error.map(crate::domain::failure::Failure::from),
        duration_ms: Some(1),
        progress: None,
    };
    let denied = Some("AccessDenied: missing lambda:ListFunctions");
    let mut collection = Vec::new();
    for region in ["us-east-1", "eu-west-1"] {
        for area in [Area::Functions, Area::Gateways, Area::Secrets] {
            collection.push(status(area, region, CollectionState::Failed, denied));
        }
        // Areas that only read what the others found have nothing to fail on.
        collection.push(status(Area::Throttles, region, CollectionState::Ok, None));
        collection.push(status(Area::Encryption, region, CollectionState::Ok, None));
    }
    assert_eq!(nothing_listed(&collection).as_deref(), denied);
    // One listing that worked anywhere is a (degraded) scan, not an error.
    let secrets_eu = collection
        .iter_mut()
        .find(|c| c.area == Area::Secrets && c.region == "eu-west-1")
        .unwrap();
    secrets_eu.status = CollectionState::Partial;
    assert_eq!(nothing_listed(&collection), None);
    assert_eq!(nothing_listed(&[]), None);
}

#[test]
fn fail_on_counts_failing_findings_at_that_severity_or_worse() {
    let findings = vec![
        finding(Status::Fail, Severity::Medium),
        finding(Status::Fail, Severity::High),
        finding(Status::Unknown, Severity::Critical),
        finding(Status::Muted, Severity::Critical),
        finding(Status::Pass, Severity::Critical),
    ];
    assert!(breaches(&findings, Some(90), Some(Severity::Critical), None).is_empty());
    assert_eq!(
        breaches(&findings, Some(90), Some(Severity::High), None),
        ["1 failing finding at high or worse (--fail-on high)"]
    );
    assert_eq!(
        breaches(&findings, Some(90), Some(Severity::Low), None),
        ["2 failing findings at low or worse (--fail-on low)"]
    );
    assert!(breaches(&findings, Some(90), None, None).is_empty());
}

#[test]
fn fail_under_compares_the_score_and_ignores_a_missing_one() {
    assert_eq!(
        breaches(&[], Some(79), None, Some(80)),
        ["score 79 is below 80 (--fail-under 80)"]
    );
    assert!(breaches(&[], Some(80), None, Some(80)).is_empty());
    assert!(breaches(&[], None, None, Some(100)).is_empty());
    let both = breaches(
        &[finding(Status::Fail, Severity::Critical)],
        Some(10),
        Some(Severity::Critical),
        Some(50),
    );
    assert_eq!(both.len(), 2);
}

fn demo_snapshot() -> (Snapshot, ScanResult) {
    let now = OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
    let inventory = demo::inventory(now);
    let config = Config::default();
    let assessment = Assessment::evaluate(&inventory, &config.context(now), &[]);
    let mut collection: Vec<CollectionStatus> = demo::batches(now)
        .into_iter()
        .map(|b| CollectionStatus {
            account_id: String::new(),
            area: b.area,
            region: b.region,
            status: b.status,
            error: b.error,
            duration_ms: Some(10),
            progress: None,
        })
        .collect();
    collection[0].status = CollectionState::Partial;
    collection[0].error = Some("AccessDenied: missing lambda:GetPolicy".into());
    let snapshot = Snapshot::of(
        assessment.clone(),
        inventory.account_id.clone(),
        Some("prod".into()),
        inventory.regions.clone(),
        collection,
        now,
    );
    let result = ScanResult {
        calls: 42,
        elapsed: Duration::from_millis(1500),
        ..ScanResult::default()
    };
    (snapshot, result)
}

/// Issue 19: the summary says the quota floor the requests allowed and which bucket.
#[test]
fn the_summary_names_the_quota_floor() {
    let (snapshot, mut result) = demo_snapshot();
    let quiet = summary(&snapshot, &result, None, Format::Json.noun(), &[]);
    assert!(
        !quiet.contains("quotas:"),
        "nothing sent, nothing said: {quiet}"
    );
    result.share = 0.5;
    result.floor = Some((
        Duration::from_secs(267),
        "lambda.control-plane in us-east-1".into(),
    ));
    let text = summary(&snapshot, &result, None, Format::Json.noun(), &[]);
    assert!(
        text.contains("quotas: share 0.5 · floor 4m 27s (lambda.control-plane in us-east-1"),
        "{text}"
    );
}

#[test]
fn the_summary_names_account_score_fails_unknowns_problems_and_output() {
    let (snapshot, result) = demo_snapshot();
    let breached = vec!["score 40 is below 80 (--fail-under 80)".to_string()];
    let text = summary(
        &snapshot,
        &result,
        Some(Path::new("out.json")),
        Format::Json.noun(),
        &breached,
    );
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with(&format!(
        "parapet scan: account {} · profile prod · regions ",
        snapshot.primary_id()
    )));
    let grade = snapshot.score.grade.clone().unwrap();
    assert!(
        text.contains(&format!(
            "score {} ({grade})",
            snapshot.score.overall.unwrap()
        )),
        "{text}"
    );
    assert!(text.contains(&format!("coverage {}%", snapshot.coverage.percent)));
    assert!(text.contains("42 requests in 1.5s"));
    let critical = snapshot
        .findings
        .iter()
        .filter(|f| f.status == Status::Fail && f.severity == Severity::Critical)
        .count();
    assert!(
        text.contains(&format!("fail: {critical} critical, ")),
        "{text}"
    );
    assert!(text.contains(&format!("unknown {}", snapshot.coverage.unknown)));
    let troubled = snapshot
        .collection
        .iter()
        .filter(|c| c.status != CollectionState::Ok)
        .count();
    assert!(
        text.contains(&format!(
            "collection: {troubled} of {} area/region collections incomplete",
            snapshot.collection.len()
        )),
        "{text}"
    );
    assert!(text.contains("partial: AccessDenied: missing lambda:GetPolicy"));
    assert!(text.contains("snapshot written to out.json"));
    assert!(text.ends_with("threshold breached: score 40 is below 80 (--fail-under 80)\n"));

    let text = summary(&snapshot, &result, None, Format::Markdown.noun(), &[]);
    assert!(
        text.contains("Markdown summary written to stdout"),
        "{text}"
    );
    assert!(!text.contains("threshold breached"));
}

#[test]
fn progress_lines_show_area_region_outcome_and_time() {
    let batch = |status, error: Option<&str>| {
        SourceEvent::Batch(Box::new(Batch {
            area: Area::Functions,
            region: "us-east-1".into(),
            status,
            error: error.map(crate::domain::failure::Failure::from),
            duration: Duration::from_millis(420),
            inventory: Inventory::default(),
            requests: Default::default(),
        }))
    };
    assert_eq!(
        progress_line(&batch(CollectionState::Ok, None)).unwrap(),
        "functions  us-east-1       ✔ 0.4s"
    );
    assert!(
        progress_line(&batch(CollectionState::Failed, Some("Unreachable: x")))
            .unwrap()
            .ends_with("✘ 0.4s failed: Unreachable: x")
    );
    assert!(
        progress_line(&batch(
            CollectionState::Partial,
            Some("AccessDenied: missing y")
        ))
        .unwrap()
        .ends_with("◐ 0.4s partial: AccessDenied: missing y")
    );
    assert_eq!(
        progress_line(&SourceEvent::Started {
            area: Area::Functions,
            region: "us-east-1".into()
        }),
        None
    );
}
