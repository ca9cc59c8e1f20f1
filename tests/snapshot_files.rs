//! Snapshot files end to end: write → read round trip, file mode, no clobbering, bad files, and
//! the written JSON against schema/snapshot.schema.json.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use parapet::domain::assessment::{Assessment, Mute};
use parapet::domain::catalogue::Context;
use parapet::domain::collection::{CollectionState, CollectionStatus};
use parapet::domain::finding::{Category, Severity, Status};
use parapet::domain::inventory::{Area, Function, Inventory, Key, KeyDetails, Secret};
use parapet::domain::snapshot::{SCHEMA_VERSION, Snapshot};
use parapet::export::{ExportErrorKind, read_snapshot, write_snapshot};
use serde_json::Value;
use time::Duration;
use time::macros::datetime;

const ACCOUNT: &str = "111122223333";
const PLANTED_SECRET: &str = "hunter2-Zq9vXb7LmN3pR8sT";

fn inventory() -> Inventory {
    let now = datetime!(2025-06-01 12:00 UTC);
    Inventory {
        account_id: ACCOUNT.into(),
        regions: vec!["eu-west-1".into()],
        functions: vec![Function {
            name: "checkout".into(),
            arn: format!("arn:aws:lambda:eu-west-1:{ACCOUNT}:function:checkout"),
            region: "eu-west-1".into(),
            runtime: Some("python3.12".into()),
            role_arn: format!("arn:aws:iam::{ACCOUNT}:role/checkout"),
            env: BTreeMap::from([("DB_PASSWORD".to_string(), PLANTED_SECRET.to_string())]),
            ..Default::default()
        }.into()],
        secrets: vec![
            Secret {
                name: "prod/db".into(),
                arn: format!("arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:prod/db-AbCdEf"),
                region: "eu-west-1".into(),
                rotation_enabled: Some(false),
                created: Some(now - Duration::days(400)),
                last_accessed: Some(now - Duration::days(200)),
                policy: Ok(Some(
                    r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue"}]}"#
                        .into(),
                )),
                ..Default::default()
            }.into(),
            Secret {
                name: "prod/stripe".into(),
                arn: format!("arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:prod/stripe-XyZ"),
                region: "eu-west-1".into(),
                kms_key_id: Some("alias/payments".into()),
                rotation_enabled: Some(true),
                created: Some(now - Duration::days(30)),
                last_rotated: Some(now - Duration::days(5)),
                next_rotation: Some(now + Duration::days(25)),
                policy: Err("AccessDenied: secretsmanager:GetResourcePolicy".into()),
                ..Default::default()
            }.into(),
        ],
        keys: vec![Key {
            reference: "alias/payments".into(),
            region: "eu-west-1".into(),
            details: Ok(KeyDetails {
                arn: format!("arn:aws:kms:eu-west-1:{ACCOUNT}:key/k1"),
                id: "k1".into(),
                aliases: vec!["alias/payments".into()],
                manager: Some("CUSTOMER".into()),
                state: Some("PendingDeletion".into()),
                spec: Some("SYMMETRIC_DEFAULT".into()),
                rotation_enabled: Ok(false),
                policy: Ok(r#"{"Statement":[]}"#.into()),
            }),
        }.into()],
        ..Default::default()
    }
}

fn snapshot() -> Snapshot {
    let inv = inventory();
    let ctx = Context::new(datetime!(2025-06-01 12:00 UTC));
    let mutes = vec![Mute {
        check_id: "kms.rotation-disabled".into(),
        resource: Some("payments".into()),
        reason: "key is being retired".into(),
        ..Default::default()
    }];
    let assessment = Assessment::evaluate(&inv, &ctx, &mutes);
    Snapshot::of(
        assessment.clone(),
        &inv.account_id,
        None,
        inv.regions.clone(),
        vec![
            CollectionStatus {
                account_id: String::new(),
                area: Area::Secrets,
                region: "eu-west-1".into(),
                status: CollectionState::Partial,
                error: Some("AccessDenied: secretsmanager:GetResourcePolicy".into()),
                duration_ms: Some(1200),
                progress: None,
            },
            CollectionStatus {
                account_id: String::new(),
                area: Area::Encryption,
                region: "eu-west-1".into(),
                status: CollectionState::Ok,
                error: None,
                duration_ms: Some(300),
                progress: Some(100),
            },
        ],
        datetime!(2025-06-01 12:00:07 UTC),
    )
    .with_mutes(mutes)
}

fn written(dir: &Path) -> (PathBuf, Snapshot) {
    let path = dir.join("snapshot.json");
    let s = snapshot();
    write_snapshot(&path, &s, false).expect("write");
    (path, s)
}

#[test]
fn round_trip_write_then_read_is_equal() {
    let dir = tempfile::tempdir().unwrap();
    let (path, s) = written(dir.path());
    let back = read_snapshot(&path).expect("read");
    assert_eq!(back, s);
    // The fixture exercises every status shown, so the round trip covers them all.
    for status in Status::ALL {
        assert!(
            back.findings.iter().any(|f| f.shown() == status),
            "no {status} finding in the fixture"
        );
    }
    assert!(back.findings.iter().any(|f| {
        f.mute
            .as_ref()
            .is_some_and(|m| m.reason == "key is being retired")
            && f.status != Status::Muted
    }));
}

#[test]
fn score_recomputed_from_the_file_equals_the_stored_one() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = written(dir.path());
    let back = read_snapshot(&path).unwrap();
    let recomputed = back.to_assessment().score;
    assert_eq!(recomputed.overall, back.score.overall);
    assert_eq!(recomputed.grade.map(String::from), back.score.grade);
    assert_eq!(recomputed.categories, back.score.categories);
    assert_eq!(recomputed.coverage, back.coverage);
}

/// What a user does with `jq` or a few lines of Python: the score from the JSON text alone,
/// without Parapet's types or catalogue. The demo account has findings whose severity is
/// adjusted per resource (a runtime only about to be deprecated is medium), so this fails if
/// the file does not carry the check weights the formula needs.
#[test]
fn score_recomputed_from_the_raw_json_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.json");
    let now = datetime!(2025-06-01 12:00 UTC);
    let inv = parapet::demo::inventory(now);
    let assessment = Assessment::evaluate(&inv, &Context::new(now), &[]);
    let snapshot = Snapshot::of(
        assessment.clone(),
        ACCOUNT,
        None,
        inv.regions.clone(),
        Vec::new(),
        now,
    );
    write_snapshot(&path, &snapshot, false).unwrap();
    let json: Value = serde_json::from_str(&fs::read_to_string(&path).unwrap()).unwrap();

    let weights = json["score"]["weights"].as_object().expect("score.weights");
    let findings = json["findings"].as_array().unwrap();
    assert!(
        findings.iter().any(
            |f| weights[f["check_id"].as_str().unwrap()].as_u64().unwrap()
                != match f["severity"].as_str().unwrap() {
                    "critical" => 10,
                    "high" => 5,
                    "medium" => 3,
                    _ => 1,
                }
        ),
        "the demo should have a finding whose severity differs from its check's"
    );
    let recompute = |category: Option<&str>| -> Option<u64> {
        let mut per_check: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
        for f in findings {
            // Muted findings (with a `mute`) are counted beside the score, never in it.
            if category.is_some_and(|c| f["category"] != c) || f["mute"].is_object() {
                continue;
            }
            let e = per_check
                .entry(f["check_id"].as_str().unwrap())
                .or_default();
            match f["status"].as_str().unwrap() {
                "pass" => e.0 += 1.0,
                "fail" => e.1 += 1.0,
                _ => {}
            }
        }
        let (mut num, mut den) = (0.0, 0.0);
        for (id, (pass, fail)) in per_check {
            if pass + fail > 0.0 {
                let w = weights[id].as_f64().unwrap();
                num += w * pass / (pass + fail);
                den += w;
            }
        }
        (den > 0.0).then(|| (100.0 * num / den).round() as u64)
    };
    assert_eq!(recompute(None), json["score"]["overall"].as_u64());
    for (category, score) in json["score"]["categories"].as_object().unwrap() {
        assert_eq!(recompute(Some(category)), score.as_u64(), "{category}");
    }
}

#[test]
fn no_secret_value_in_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = written(dir.path());
    let text = fs::read_to_string(path).unwrap();
    assert!(!text.contains(PLANTED_SECRET));
    assert!(!text.contains(&PLANTED_SECRET[4..]));
}

#[cfg(unix)]
#[test]
fn file_mode_is_0600() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = written(dir.path());
    let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "mode {mode:o}");
}

#[test]
fn existing_file_is_not_overwritten_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keep.json");
    fs::write(&path, "precious").unwrap();
    let e = write_snapshot(&path, &snapshot(), false).unwrap_err();
    assert!(e.is_already_exists());
    let msg = e.to_string();
    assert!(
        msg.contains("keep.json") && msg.contains("already exists"),
        "{msg}"
    );
    assert!(!msg.contains('\n'));
    assert_eq!(fs::read_to_string(&path).unwrap(), "precious");
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temp file left"
    );
}

#[test]
fn existing_file_is_replaced_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("replace.json");
    fs::write(&path, "old").unwrap();
    let s = snapshot();
    write_snapshot(&path, &s, true).unwrap();
    assert_eq!(read_snapshot(&path).unwrap(), s);
    assert_eq!(
        fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temp file left"
    );
}

/// Writes `content` to a file and returns the error of reading it back as a snapshot.
fn read_error(dir: &Path, name: &str, content: &[u8]) -> (String, ExportErrorKind) {
    let path = dir.join(name);
    fs::write(&path, content).unwrap();
    let e = read_snapshot(&path).expect_err(name);
    let msg = e.to_string();
    assert!(msg.contains(name), "message must name the file: {msg}");
    assert!(!msg.contains('\n'), "one line: {msg:?}");
    (msg, e.kind)
}

#[test]
fn bad_files_give_one_line_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let good = snapshot().to_json_pretty().unwrap();

    let (msg, _) = read_error(
        dir.path(),
        "truncated.json",
        &good.as_bytes()[..good.len() / 3],
    );
    assert!(msg.contains("truncated") && msg.contains("line"), "{msg}");

    let (msg, _) = read_error(dir.path(), "corrupt.json", b"{\"schema_version\": 1, oops}");
    assert!(
        msg.contains("not JSON") && msg.contains("line 1 column"),
        "{msg}"
    );

    let (msg, _) = read_error(dir.path(), "garbage.json", b"\x00\x01binary\xff");
    assert!(msg.contains("not UTF-8"), "{msg}");

    let newer = good.replacen("\"schema_version\": 2", "\"schema_version\": 3", 1);
    let (msg, _) = read_error(dir.path(), "newer.json", newer.as_bytes());
    assert!(msg.contains("newer Parapet (schema 3 > 2)"), "{msg}");

    let (msg, _) = read_error(dir.path(), "empty.json", b"");
    assert!(msg.contains("empty"), "{msg}");

    let (msg, _) = read_error(dir.path(), "array.json", b"[{\"schema_version\": 1}]");
    assert!(msg.contains("not an object"), "{msg}");

    let (msg, _) = read_error(dir.path(), "other.json", b"{\"name\": \"package\"}");
    assert!(msg.contains("not a Parapet snapshot"), "{msg}");

    let missing_findings = {
        let mut v: Value = serde_json::from_str(&good).unwrap();
        v.as_object_mut().unwrap().remove("findings");
        serde_json::to_string_pretty(&v).unwrap()
    };
    let (msg, _) = read_error(dir.path(), "partial.json", missing_findings.as_bytes());
    assert!(msg.contains("missing field `findings`"), "{msg}");

    let bad_status = good.replacen("\"status\": \"fail\"", "\"status\": \"exploded\"", 1);
    let (msg, _) = read_error(dir.path(), "status.json", bad_status.as_bytes());
    assert!(msg.contains("exploded") && msg.contains("line"), "{msg}");
}

#[test]
fn missing_file_and_directory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("nope.json");
    let msg = read_snapshot(&path).unwrap_err().to_string();
    assert!(
        msg.contains("nope.json") && msg.contains("no such file"),
        "{msg}"
    );
    let msg = read_snapshot(dir.path()).unwrap_err().to_string();
    assert!(msg.contains("directory"), "{msg}");
}

// ── the written file against schema/snapshot.schema.json ──

fn schema() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/snapshot.schema.json");
    serde_json::from_str(&fs::read_to_string(path).expect("schema file")).expect("schema is JSON")
}

fn required(schema: &Value) -> Vec<String> {
    schema["required"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default()
}

fn enum_strings(schema: &Value) -> Vec<String> {
    schema["enum"]
        .as_array()
        .expect("enum")
        .iter()
        .filter_map(|v| v.as_str().map(String::from))
        .collect()
}

/// A small JSON Schema validator for the keywords the snapshot schema uses: `$ref` (local),
/// `type`, `const`, `enum`, `required`, `properties`, `additionalProperties`,
/// `propertyNames`, `items`, `minimum`, `maximum` and `format: date-time`.
fn validate(root: &Value, schema: &Value, value: &Value, at: &str, errors: &mut Vec<String>) {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        let target = r
            .strip_prefix("#/")
            .expect("local $ref")
            .split('/')
            .fold(root, |node, part| &node[part]);
        assert!(!target.is_null(), "dangling $ref {r}");
        validate(root, target, value, at, errors);
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => panic!("bad type keyword at {at}"),
        };
        let ok = types.iter().any(|t| match *t {
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "integer" => value.is_u64() || value.is_i64(),
            "number" => value.is_number(),
            "boolean" => value.is_boolean(),
            "null" => value.is_null(),
            other => panic!("unsupported type {other}"),
        });
        if !ok {
            errors.push(format!("{at}: {value} is not of type {types:?}"));
            return;
        }
    }
    if let Some(c) = schema.get("const")
        && c != value
    {
        errors.push(format!("{at}: {value} != const {c}"));
    }
    if let Some(Value::Array(options)) = schema.get("enum")
        && !options.contains(value)
    {
        errors.push(format!("{at}: {value} not in enum"));
    }
    if let Some(n) = value.as_f64() {
        if schema
            .get("minimum")
            .and_then(Value::as_f64)
            .is_some_and(|m| n < m)
        {
            errors.push(format!("{at}: {n} below minimum"));
        }
        if schema
            .get("maximum")
            .and_then(Value::as_f64)
            .is_some_and(|m| n > m)
        {
            errors.push(format!("{at}: {n} above maximum"));
        }
    }
    if schema.get("format").and_then(Value::as_str) == Some("date-time") {
        let s = value.as_str().unwrap_or_default();
        if time::OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).is_err() {
            errors.push(format!("{at}: {s:?} is not RFC 3339"));
        }
    }
    if let Value::Object(map) = value {
        for key in required(schema) {
            if !map.contains_key(&key) {
                errors.push(format!("{at}: missing required key {key}"));
            }
        }
        let props = schema.get("properties").and_then(Value::as_object);
        for (key, v) in map {
            let here = format!("{at}.{key}");
            if let Some(names) = schema.get("propertyNames") {
                validate(root, names, &Value::String(key.clone()), &here, errors);
            }
            match props.and_then(|p| p.get(key)) {
                Some(sub) => validate(root, sub, v, &here, errors),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => errors.push(format!("{here}: key not in schema")),
                    Some(sub @ Value::Object(_)) => validate(root, sub, v, &here, errors),
                    _ => {}
                },
            }
        }
    }
    if let (Value::Array(items), Some(item_schema)) = (value, schema.get("items")) {
        for (i, item) in items.iter().enumerate() {
            validate(root, item_schema, item, &format!("{at}[{i}]"), errors);
        }
    }
}

#[test]
fn written_file_validates_against_the_schema() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = written(dir.path());
    let doc: Value = serde_json::from_str(&fs::read_to_string(path).unwrap()).unwrap();
    let schema = schema();

    // Key shape, spelled out: top-level required keys, and each finding's keys.
    for key in required(&schema) {
        assert!(doc.get(&key).is_some(), "top-level key {key} missing");
    }
    let finding_schema = &schema["$defs"]["finding"];
    let finding_required = required(finding_schema);
    let finding_known: Vec<&String> = finding_schema["properties"]
        .as_object()
        .unwrap()
        .keys()
        .collect();
    let findings = doc["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        let keys: Vec<&String> = f.as_object().unwrap().keys().collect();
        for r in &finding_required {
            assert!(keys.contains(&r), "finding lacks {r}: {f}");
        }
        for k in keys {
            assert!(finding_known.contains(&k), "finding key {k} not in schema");
        }
    }

    // And the whole document, keyword by keyword.
    let mut errors = Vec::new();
    validate(&schema, &schema, &doc, "$", &mut errors);
    assert!(errors.is_empty(), "{errors:#?}");
}

#[test]
fn validator_rejects_a_broken_document() {
    let mut doc: Value = serde_json::from_str(&snapshot().to_json_pretty().unwrap()).unwrap();
    doc["findings"][0]["status"] = Value::String("exploded".into());
    doc["findings"][0]["extra"] = Value::Bool(true);
    doc["score"]["categories"]["nonsense"] = Value::from(3);
    doc.as_object_mut().unwrap().remove("coverage");
    let schema = schema();
    let mut errors = Vec::new();
    validate(&schema, &schema, &doc, "$", &mut errors);
    let all = errors.join("\n");
    assert!(all.contains("missing required key coverage"), "{all}");
    assert!(all.contains("$.findings[0].status"), "{all}");
    assert!(
        all.contains("$.findings[0].extra: key not in schema"),
        "{all}"
    );
    assert!(all.contains("$.score.categories.nonsense"), "{all}");
}

#[test]
fn schema_enums_match_the_code() {
    let schema = schema();
    let defs = &schema["$defs"];
    let finding = &defs["finding"]["properties"];
    let names =
        |it: &mut dyn Iterator<Item = &'static str>| it.map(String::from).collect::<Vec<_>>();
    assert_eq!(
        enum_strings(&finding["status"]),
        names(
            &mut [
                Status::Pass,
                Status::Fail,
                Status::Unknown,
                Status::Muted,
                Status::NotApplicable
            ]
            .into_iter()
            .map(Status::as_str)
        )
    );
    assert_eq!(
        enum_strings(&finding["severity"]),
        names(&mut Severity::ALL.into_iter().map(Severity::as_str))
    );
    assert_eq!(
        enum_strings(&defs["category"]),
        names(&mut Category::ALL.into_iter().map(Category::as_str))
    );
    assert_eq!(
        enum_strings(&defs["collection_status"]["properties"]["area"]),
        names(&mut Area::ALL.into_iter().map(Area::as_str))
    );
    let states: Vec<String> = [
        CollectionState::Pending,
        CollectionState::Running,
        CollectionState::Ok,
        CollectionState::Partial,
        CollectionState::Failed,
    ]
    .iter()
    .map(|s| {
        serde_json::to_value(s)
            .unwrap()
            .as_str()
            .unwrap()
            .to_string()
    })
    .collect();
    assert_eq!(
        enum_strings(&defs["collection_status"]["properties"]["status"]),
        states
    );
    assert_eq!(
        schema["properties"]["schema_version"]["const"],
        Value::from(SCHEMA_VERSION)
    );
}
