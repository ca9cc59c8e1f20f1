use super::*;
use crate::domain::catalogue::Context;
use crate::domain::collection::CollectionState;
use crate::domain::finding::Status;
use crate::domain::inventory::{Area, Inventory, Key, KeyDetails, Secret};
use time::macros::datetime;

const NOW: OffsetDateTime = datetime!(2025-06-01 12:00:30.5 +02:00);

fn inventory() -> Inventory {
    Inventory {
        account_id: "111122223333".into(),
        regions: vec!["eu-west-1".into()],
        secrets: vec![
            Secret {
                name: "prod/db".into(),
                arn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/db-AbCdEf".into(),
                region: "eu-west-1".into(),
                rotation_enabled: Some(false),
                ..Default::default()
            }
            .into(),
            Secret {
                name: "prod/stripe".into(),
                arn: "arn:aws:secretsmanager:eu-west-1:111122223333:secret:prod/stripe-XyZ".into(),
                region: "eu-west-1".into(),
                kms_key_id: Some("alias/payments".into()),
                rotation_enabled: Some(true),
                ..Default::default()
            }
            .into(),
        ],
        keys: vec![
            Key {
                reference: "alias/payments".into(),
                region: "eu-west-1".into(),
                details: Ok(KeyDetails {
                    arn: "arn:aws:kms:eu-west-1:111122223333:key/k1".into(),
                    id: "k1".into(),
                    aliases: vec!["alias/payments".into()],
                    manager: Some("CUSTOMER".into()),
                    state: Some("Enabled".into()),
                    spec: Some("SYMMETRIC_DEFAULT".into()),
                    rotation_enabled: Ok(false),
                    policy: Ok(r#"{"Statement":[]}"#.into()),
                }),
            }
            .into(),
        ],
        ..Default::default()
    }
}

fn snapshot() -> Snapshot {
    let inv = inventory();
    let ctx = Context::new(datetime!(2025-06-01 12:00 UTC));
    let mutes = vec![Mute {
        check_id: "secrets.unused".into(),
        resource: None,
        reason: "new secrets".into(),
        ..Default::default()
    }];
    let a = Assessment::evaluate(&inv, &ctx, &mutes);
    Snapshot::of(
        a.clone(),
        &inv.account_id,
        Some("prod".into()),
        inv.regions.clone(),
        vec![CollectionStatus {
            account_id: String::new(),
            area: Area::Secrets,
            region: "eu-west-1".into(),
            status: CollectionState::Ok,
            error: None,
            duration_ms: Some(840),
            progress: Some(100),
        }],
        NOW,
    )
    .with_mutes(mutes)
}

#[test]
fn new_fills_header_and_score() {
    let s = snapshot();
    assert_eq!(s.schema_version, SCHEMA_VERSION);
    assert_eq!(s.tool.name, "parapet");
    assert_eq!(s.tool.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(s.generated_at, datetime!(2025-06-01 10:00:30 UTC));
    assert_eq!(s.primary_profile(), Some("prod"));
    assert_eq!(s.accounts.len(), 1);
    assert_eq!(s.accounts[0].score.overall, s.score.overall);
    assert_eq!(s.accounts[0].coverage, s.coverage);
    assert_eq!(s.collection[0].account_id, "111122223333");
    assert_eq!(s.score.categories.len(), Category::ALL.len());
    assert!(s.score.overall.is_some());
    assert_eq!(s.score.formula, SCORE_FORMULA);
    assert!(
        s.findings
            .iter()
            .any(|f| f.is_muted() && f.status != Status::Muted)
    );
    assert!(s.findings.iter().any(|f| f.status == Status::Fail));
}

#[test]
fn score_recomputed_from_findings_equals_stored() {
    let s = snapshot();
    let recomputed = s.to_assessment();
    assert_eq!(recomputed.score.overall, s.score.overall);
    assert_eq!(recomputed.score.grade.map(String::from), s.score.grade);
    assert_eq!(recomputed.score.categories, s.score.categories);
    assert_eq!(recomputed.score.coverage, s.coverage);
    assert!(s.score_is_consistent());
    let mut edited = s.clone();
    edited.score.overall = Some(100);
    edited.score.grade = Some("A".into());
    assert!(!edited.score_is_consistent());
}

#[test]
fn every_finding_names_its_account_and_older_files_get_the_snapshots() {
    let s = snapshot();
    assert!(s.findings.iter().all(|f| f.account_id == s.primary_id()));
    let text = s.to_json_pretty().unwrap();
    assert!(text.contains(&format!("\"account_id\": \"{}\"", s.primary_id())));
    // A file from before findings named their account.
    let mut value: Value = serde_json::from_str(&text).unwrap();
    for f in value["findings"].as_array_mut().unwrap() {
        f.as_object_mut().unwrap().remove("account_id");
    }
    let old = Snapshot::parse(&value.to_string()).unwrap();
    assert_eq!(old, s, "read back with the snapshot's account");
}

/// The same snapshot as version 1 wrote it: one `account`, no `accounts`, collections
/// and findings without their account.
fn as_version_1(s: &Snapshot) -> String {
    let mut value: Value = serde_json::from_str(&s.to_json_pretty().unwrap()).unwrap();
    let map = value.as_object_mut().unwrap();
    map.insert("schema_version".into(), 1.into());
    let accounts = map.remove("accounts").unwrap();
    let first = &accounts[0];
    map.insert(
        "account".into(),
        serde_json::json!({"id": first["id"], "profile": first["profile"]}),
    );
    for key in ["findings", "collection"] {
        for item in map[key].as_array_mut().unwrap() {
            item.as_object_mut().unwrap().remove("account_id");
        }
    }
    value.to_string()
}

#[test]
fn version_1_files_open_as_one_account_snapshots() {
    let s = snapshot();
    let old = Snapshot::parse(&as_version_1(&s)).unwrap();
    assert_eq!(old, s);
    assert!(old.score_is_consistent());
    // A version-1 file whose stored score disagrees keeps what it stored (readers
    // recompute), for the account too.
    let mut value: Value = serde_json::from_str(&as_version_1(&s)).unwrap();
    value["score"]["overall"] = 3.into();
    let edited = Snapshot::parse(&value.to_string()).unwrap();
    assert_eq!(edited.accounts[0].score.overall, Some(3));
    assert!(!edited.score_is_consistent());
}

#[test]
fn each_account_is_scored_over_its_own_findings_and_the_organization_over_all() {
    let ctx = Context::new(datetime!(2025-06-01 12:00 UTC));
    let a = inventory();
    let mut b = inventory();
    b.account_id = "444455556666".into();
    // The second account rotates its secret: a better score than the first.
    b.secrets.truncate(1);
    let mut secret = (*b.secrets[0]).clone();
    secret.rotation_enabled = Some(true);
    secret.arn = secret.arn.replace("111122223333", "444455556666");
    b.secrets[0] = secret.into();
    let mut findings = Assessment::evaluate(&a, &ctx, &[]).findings;
    findings.extend(Assessment::evaluate(&b, &ctx, &[]).findings);
    let info = |id: &str, name: &str| AccountInfo {
        id: id.into(),
        name: Some(name.into()),
        regions: vec!["eu-west-1".into()],
        ..AccountInfo::default()
    };
    let s = Snapshot::of_accounts(
        findings.clone(),
        vec![info("111122223333", "prod"), info("444455556666", "dev")],
        Vec::new(),
        NOW,
    );
    assert_eq!(s.scope(), "2 accounts");
    assert_eq!(s.accounts[1].label(), "dev");
    let alone = |id: &str| {
        Assessment::from_findings(
            findings
                .iter()
                .filter(|f| f.account_id == id)
                .cloned()
                .collect(),
        )
        .score
    };
    for account in &s.accounts {
        let own = alone(&account.id);
        assert_eq!(account.score.overall, own.overall, "{}", account.id);
        assert_eq!(account.coverage, own.coverage);
    }
    assert_ne!(s.accounts[0].score.overall, s.accounts[1].score.overall);
    assert_eq!(
        s.score.overall,
        Assessment::from_findings(findings).score.overall
    );
    assert_eq!(
        s.coverage.pass,
        s.accounts[0].coverage.pass + s.accounts[1].coverage.pass
    );
    assert!(s.score_is_consistent());
    let mut edited = s.clone();
    edited.accounts[1].score.overall = Some(1);
    assert!(
        !edited.score_is_consistent(),
        "a wrong account score is caught"
    );
    assert_eq!(s.default_file_name(), "parapet-org-20250601T100030Z.json");
    assert_eq!(Snapshot::parse(&s.to_json_pretty().unwrap()).unwrap(), s);
}

#[test]
fn json_round_trip() {
    let s = snapshot();
    let text = s.to_json_pretty().unwrap();
    assert!(text.contains("\"generated_at\": \"2025-06-01T10:00:30Z\""));
    assert!(text.ends_with("}\n"));
    assert_eq!(Snapshot::parse(&text).unwrap(), s);
}

#[test]
fn a_read_file_keeps_remediations_in_its_text_and_shows_and_writes_them_the_same() {
    use crate::domain::finding::Remediation;
    let s = snapshot();
    assert!(!s.findings.is_empty());
    let text = s.to_json_pretty().unwrap();
    let shared = Snapshot::parse_shared(std::sync::Arc::new(text.clone())).unwrap();
    assert!(
        shared
            .findings
            .iter()
            .all(|f| matches!(f.remediation, Remediation::Stored(_)))
    );
    assert_eq!(shared, s);
    for (read, made) in shared.findings.iter().zip(&s.findings) {
        assert_eq!(read.remediation(), made.remediation());
        assert_eq!(read.remediation.summary(), made.remediation.summary());
    }
    assert_eq!(shared.to_json_pretty().unwrap(), text);
    // Outside a shared read (a plain parse) the text is copied out, and reads the same.
    let plain = Snapshot::parse(&text).unwrap();
    assert!(matches!(
        plain.findings[0].remediation,
        Remediation::Text(_)
    ));
    assert_eq!(plain, shared);
    // A malformed remediation still fails the read, with where.
    let bad = text.replacen("\"cli\": \"", "\"cli\": 3, \"was\": \"", 1);
    match Snapshot::parse_shared(std::sync::Arc::new(bad)) {
        Err(SnapshotError::Invalid { line, message, .. }) => {
            assert!(line > 1, "{line}");
            assert!(
                message.contains("remediation: invalid type: integer"),
                "{message}"
            );
        }
        other => panic!("expected an invalid snapshot, got {other:?}"),
    }
}

#[test]
fn categories_serialize_as_names_in_ui_order() {
    let text = snapshot().to_json_pretty().unwrap();
    let section = &text[text.find("\"categories\"").unwrap()..];
    let positions: Vec<usize> = Category::ALL
        .iter()
        .map(|c| section.find(&format!("\"{}\":", c.as_str())).unwrap())
        .collect();
    assert!(positions.windows(2).all(|w| w[0] < w[1]), "{positions:?}");
}

#[test]
fn no_mutes_means_no_field() {
    let s = snapshot().with_mutes(Vec::new());
    assert!(!s.to_json_pretty().unwrap().contains("\"mutes\""));
}

#[test]
fn default_file_name() {
    assert_eq!(
        snapshot().default_file_name(),
        "parapet-111122223333-20250601T100030Z.json"
    );
}

fn with_version(v: &str) -> String {
    let text = snapshot().to_json_pretty().unwrap();
    text.replacen(
        "\"schema_version\": 2",
        &format!("\"schema_version\": {v}"),
        1,
    )
}

#[test]
fn parse_errors() {
    let text = snapshot().to_json_pretty().unwrap();
    assert_eq!(Snapshot::parse(""), Err(SnapshotError::Empty));
    assert_eq!(Snapshot::parse(" \n"), Err(SnapshotError::Empty));
    assert!(matches!(
        Snapshot::parse(&text[..text.len() / 2]),
        Err(SnapshotError::Truncated { .. })
    ));
    assert!(matches!(
        Snapshot::parse("{\"schema_version\": 1,,}"),
        Err(SnapshotError::NotJson { line: 1, .. })
    ));
    assert!(matches!(
        Snapshot::parse("hello"),
        Err(SnapshotError::NotJson { .. })
    ));
    assert_eq!(
        Snapshot::parse("[1, 2]"),
        Err(SnapshotError::NotAnObject { found: "an array" })
    );
    assert_eq!(
        Snapshot::parse(r#"{"name": "x"}"#),
        Err(SnapshotError::NotASnapshot)
    );
    assert_eq!(
        Snapshot::parse(&with_version("3")),
        Err(SnapshotError::NewerSchema { found: 3 })
    );
    assert!(matches!(
        Snapshot::parse(&with_version("\"1\"")),
        Err(SnapshotError::BadVersion { .. })
    ));
    assert!(matches!(
        Snapshot::parse(&with_version("0")),
        Err(SnapshotError::BadVersion { .. })
    ));
    assert!(matches!(
        Snapshot::parse(&with_version("-3")),
        Err(SnapshotError::BadVersion { .. })
    ));
}

/// Issue 18, 19: a duplicated `schema_version` was reported as a newer version.
#[test]
fn a_repeated_top_level_key_is_named() {
    let text = with_version("2, \"schema_version\": 9");
    assert_eq!(
        Snapshot::parse(&text),
        Err(SnapshotError::DuplicateKey {
            key: "schema_version".into()
        })
    );
    let e = Snapshot::parse(&text).unwrap_err().to_string();
    assert!(e.contains("`schema_version` appears twice"), "{e}");
}

#[test]
fn newer_schema_is_reported_before_unknown_fields() {
    let text = r#"{"schema_version": 7, "something": "new"}"#;
    let e = Snapshot::parse(text).unwrap_err();
    assert_eq!(
        e.to_string(),
        "written by a newer Parapet (schema 7 > 2); upgrade Parapet to open it"
    );
}

#[test]
fn missing_field_names_field_and_position() {
    let e =
        Snapshot::parse(r#"{"schema_version": 2, "tool": {"name": "parapet", "version": "0"}}"#)
            .unwrap_err();
    let msg = e.to_string();
    assert!(matches!(e, SnapshotError::Invalid { .. }));
    assert!(msg.contains("missing field `generated_at`"), "{msg}");
    assert!(msg.contains("line 1 column"), "{msg}");
}

#[test]
fn every_message_is_one_line() {
    let bad_status = snapshot().to_json_pretty().unwrap().replacen(
        "\"status\": \"fail\"",
        "\"status\": \"bad\\nvalue\"",
        1,
    );
    let inputs = [
        "".to_string(),
        "{".to_string(),
        "nope".to_string(),
        "42".to_string(),
        "{}".to_string(),
        r#"{"schema_version": [1]}"#.to_string(),
        r#"{"schema_version": "line1\nline2"}"#.to_string(),
        with_version("9"),
        bad_status,
    ];
    for input in inputs {
        let msg = Snapshot::parse(&input).unwrap_err().to_string();
        assert!(!msg.contains('\n'), "{msg:?}");
        assert!(!msg.is_empty());
    }
}

#[test]
fn unknown_fields_are_ignored_within_a_version() {
    let text = snapshot().to_json_pretty().unwrap().replacen(
        "{\n",
        "{\n  \"future_field\": {\"x\": 1},\n",
        1,
    );
    assert_eq!(Snapshot::parse(&text).unwrap(), snapshot());
}
