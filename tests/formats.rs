//! The export formats, read back by independent implementations (`tests/support/formats.py`
//! in the emulator's venv): OCSF by py-ocsf-models, ASFF by botocore's Security Hub model,
//! CSV by Python's csv module, Markdown by markdown-it-py. Each runs the real binary:
//! `parapet --demo --export FILE --format FMT`.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::support::emulator;

/// The real binary with `args`, its config dir `dir`.
fn parapet(dir: &Path, args: &[&std::ffi::OsStr]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_parapet"))
        .args(args)
        .env("PARAPET_CONFIG_DIR", dir)
        .output()
        .expect("run parapet")
}

/// Exports the demo account in `format` into `dir` and returns the file.
fn export(dir: &Path, format: &str) -> std::path::PathBuf {
    let file = dir.join(format!("demo.{format}"));
    let out = parapet(
        dir,
        &[
            "--demo".as_ref(),
            "--export".as_ref(),
            file.as_os_str(),
            "--format".as_ref(),
            format.as_ref(),
        ],
    );
    assert!(
        out.status.success(),
        "{format}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "{format} file mode");
    file
}

/// `tests/support/formats.py KIND FILE`, run with the emulator venv's python.
fn formats_py(kind: &str, file: &Path) -> std::process::Output {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/support/formats.py");
    Command::new(emulator::python())
        .arg(script)
        .arg(kind)
        .arg(file)
        .output()
        .expect("run formats.py")
}

/// What `formats.py KIND FILE` read, or a panic with its complaints.
pub fn read_back(kind: &str, file: &Path) -> Value {
    let out = formats_py(kind, file);
    assert!(
        out.status.success(),
        "{kind} does not read back:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("formats.py prints JSON")
}

/// The demo snapshot, with mutes from a config file so the muted mapping is exercised too.
fn setup() -> (tempfile::TempDir, Value) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "[[mute]]\ncheck = \"lambda.no-tracing\"\nreason = \"sampled at the gateway\"\n",
    )
    .unwrap();
    let json = export(dir.path(), "json");
    let snapshot: Value = serde_json::from_str(&std::fs::read_to_string(json).unwrap()).unwrap();
    (dir, snapshot)
}

fn findings(snapshot: &Value) -> &Vec<Value> {
    snapshot["findings"].as_array().unwrap()
}

#[test]
fn ocsf_export_of_the_demo_validates_finding_by_finding() {
    let (dir, snapshot) = setup();
    let read = read_back("ocsf", &export(dir.path(), "ocsf"));
    let findings = findings(&snapshot);
    assert_eq!(read["ocsf_version"], "1.5.0");
    assert_eq!(read["count"].as_u64().unwrap() as usize, findings.len());
    let uids: Vec<&str> = read["uids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u.as_str().unwrap())
        .collect();
    for (uid, f) in uids.iter().zip(findings) {
        assert!(
            uid.starts_with(&format!("{}/", f["check_id"].as_str().unwrap())),
            "{uid}"
        );
    }
    let statuses: BTreeSet<(String, u64)> = read["statuses"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s[0].as_str().unwrap().to_string(), s[1].as_u64().unwrap()))
        .collect();
    for want in [
        ("FAIL", 1),
        ("PASS", 1),
        ("UNKNOWN", 1),
        ("NOT_APPLICABLE", 1),
        // A muted finding keeps its real status code and is Suppressed.
        ("FAIL", 3),
        ("PASS", 3),
    ] {
        assert!(
            statuses.contains(&(want.0.to_string(), want.1)),
            "no {want:?} in {statuses:?}"
        );
    }
}

#[test]
fn asff_export_of_the_demo_is_valid_batch_import_input() {
    let (dir, snapshot) = setup();
    let read = read_back("asff", &export(dir.path(), "asff"));
    let findings = findings(&snapshot);
    assert_eq!(read["count"].as_u64().unwrap() as usize, findings.len());
    let regions = read["regions"].as_object().unwrap();
    let want: BTreeSet<&str> = findings
        .iter()
        .map(|f| f["region"].as_str().unwrap())
        .collect();
    assert_eq!(
        regions.keys().map(String::as_str).collect::<BTreeSet<_>>(),
        want
    );
    // At least one batch per region, at most 100 findings a batch.
    let batches = read["batches"].as_u64().unwrap() as usize;
    assert!(batches >= regions.len().max(findings.len().div_ceil(100)));
    let ids: BTreeSet<&str> = read["ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i.as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), findings.len(), "finding Ids are unique");
}

#[test]
fn csv_export_of_the_demo_reads_back_row_for_finding() {
    let (dir, snapshot) = setup();
    let read = read_back("csv", &export(dir.path(), "csv"));
    let header: Vec<&str> = read["header"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h.as_str().unwrap())
        .collect();
    assert_eq!(header, parapet::export::formats::CSV_COLUMNS);
    let rows = read["rows"].as_array().unwrap();
    let findings = findings(&snapshot);
    assert_eq!(rows.len(), findings.len());
    for (row, f) in rows.iter().zip(findings) {
        for (column, field) in [
            ("check_id", "check_id"),
            ("status", "status"),
            ("severity", "severity"),
            ("region", "region"),
            ("resource_id", "resource_id"),
            ("resource_name", "resource_name"),
            ("message", "message"),
        ] {
            assert_eq!(row[column], f[field], "{column} of {}", f["check_id"]);
        }
        assert_eq!(row["fix"], f["remediation"]["summary"]);
        assert_eq!(
            row["remediation_cli"], f["remediation"]["cli"],
            "multi-line commands survive"
        );
        assert_eq!(
            row["muted"],
            if f["mute"].is_object() {
                "true"
            } else {
                "false"
            }
        );
        assert_eq!(row["account_id"], snapshot["accounts"][0]["id"]);
    }
}

#[test]
fn markdown_export_of_the_demo_parses_as_commonmark_with_its_tables() {
    let (dir, snapshot) = setup();
    let file = export(dir.path(), "markdown");
    let read = read_back("markdown", &file);
    let headings: Vec<String> = read["headings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h[1].as_str().unwrap().to_string())
        .collect();
    assert_eq!(headings.len(), 3, "{headings:?}");
    assert!(headings[0].contains(&format!("score {}", snapshot["score"]["overall"])));
    assert_eq!(headings[1..], ["Failing checks", "Top fixes"]);
    let tables = read["tables"].as_array().unwrap();
    assert_eq!(tables.len(), 2, "severity counts and failing checks");
    // Header + checks + findings rows; header + one row per failing check (at most 15).
    assert_eq!(tables[0]["rows"], 3);
    let failing: BTreeSet<&str> = findings(&snapshot)
        .iter()
        .filter(|f| f["status"] == "fail")
        .map(|f| f["check_id"].as_str().unwrap())
        .collect();
    let rows = tables[1]["rows"].as_u64().unwrap() as usize;
    assert_eq!(
        rows,
        1 + failing
            .len()
            .min(parapet::export::formats::MARKDOWN_MAX_CHECK_ROWS)
    );
    // Each row's cells: severity, check, resources (the parser saw 3 cells per row).
    assert_eq!(tables[1]["cells"].as_array().unwrap().len(), rows * 3);
    assert_eq!(read["list_items"], 5, "top fixes");
    assert!(read["chars"].as_u64().unwrap() < 8_000);
}

/// What `formats.py KIND FILE` complained about; panics when it accepted the file.
fn rejection(kind: &str, file: &Path) -> String {
    let out = formats_py(kind, file);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{kind}: a broken file was accepted"
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The readers are not vacuous: each rejects an export broken the way a writer bug would.
#[test]
fn the_readers_reject_broken_exports() {
    let (dir, _) = setup();
    let ocsf = export(dir.path(), "ocsf");
    let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(&ocsf).unwrap()).unwrap();
    let resource = doc[3]["resources"][0].as_object_mut().unwrap();
    let uid = resource.remove("uid").unwrap();
    resource.insert("arn".into(), uid);
    doc[5]["severity_id"] = Value::from(7);
    std::fs::write(&ocsf, doc.to_string()).unwrap();
    let why = rejection("ocsf", &ocsf);
    assert!(
        why.contains("finding[3]") && why.contains("resources[0].arn: unknown field"),
        "{why}"
    );
    assert!(
        why.contains("finding[5]") && why.contains("severity_id"),
        "{why}"
    );

    let asff = export(dir.path(), "asff");
    let text = std::fs::read_to_string(&asff).unwrap();
    let mut batch: Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    batch["Findings"][0]["Severity"]["Label"] = Value::from("SEVERE");
    batch["Findings"][1]
        .as_object_mut()
        .unwrap()
        .remove("Title");
    std::fs::write(&asff, format!("{batch}\n")).unwrap();
    let why = rejection("asff", &asff);
    assert!(why.contains("'SEVERE' not one of"), "{why}");
    assert!(
        why.contains("Missing required parameter") && why.contains("Title"),
        "{why}"
    );

    let csv = export(dir.path(), "csv");
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text.push_str("111122223333,us-east-1,one-field-short\n");
    std::fs::write(&csv, text).unwrap();
    assert!(rejection("csv", &csv).contains("3 fields, header has 20"));
}

/// `parapet convert` writes a snapshot file in each other format (read back like the exports),
/// to stdout or a private file, and refuses a broken snapshot with exit 2.
#[test]
fn convert_turns_a_snapshot_into_each_format() {
    let (dir, _) = setup();
    let json = dir.path().join("demo.json");
    for format in ["ocsf", "asff", "csv", "markdown"] {
        let out = parapet(
            dir.path(),
            &[
                "convert".as_ref(),
                json.as_os_str(),
                "--format".as_ref(),
                format.as_ref(),
            ],
        );
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let file = dir.path().join(format!("converted.{format}"));
        std::fs::write(&file, &out.stdout).unwrap();
        read_back(format, &file);
    }
    let markdown = dir.path().join("summary.md");
    let out = parapet(
        dir.path(),
        &[
            "convert".as_ref(),
            json.as_os_str(),
            "--format".as_ref(),
            "markdown".as_ref(),
            "--output".as_ref(),
            markdown.as_os_str(),
        ],
    );
    assert!(out.status.success());
    assert!(
        std::fs::read_to_string(&markdown)
            .unwrap()
            .starts_with("## Parapet")
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&markdown).unwrap().permissions().mode() & 0o777,
        0o600
    );

    std::fs::write(&json, "{\"schema_version\": 1, \"findings\": [").unwrap();
    let out = parapet(
        dir.path(),
        &[
            "convert".as_ref(),
            json.as_os_str(),
            "--format".as_ref(),
            "csv".as_ref(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("parapet: ") && err.contains("demo.json"),
        "{err}"
    );
}

// ─── The writers on the demo snapshot, in process ───

use parapet::domain::assessment::Mute;
use parapet::domain::catalogue::Context;
use parapet::domain::finding::Status;
use parapet::domain::snapshot::Snapshot;
use parapet::export::formats::{ASFF_BATCH_SIZE, CSV_COLUMNS, Format, write};
use time::OffsetDateTime;

fn demo_snapshot() -> Snapshot {
    let now = OffsetDateTime::UNIX_EPOCH + time::Duration::days(20_000);
    let mutes = vec![Mute {
        check_id: "lambda.no-tracing".into(),
        resource: None,
        reason: "tracing is sampled at the gateway".into(),
        ..Default::default()
    }];
    parapet::demo::snapshot(now, &Context::new(now), mutes, None)
}

fn render_in_process(snapshot: &Snapshot, format: Format) -> String {
    let mut out = Vec::new();
    write(snapshot, format, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn in_process_no_format_carries_a_secret_value() {
    let snapshot = demo_snapshot();
    for format in Format::ALL {
        let text = render_in_process(&snapshot, format);
        for secret in parapet::demo::secret_values()
            .into_iter()
            .chain(parapet::demo::committed_secret_values())
        {
            let piece = &secret[..secret.len().min(12)];
            assert!(
                !text.contains(piece),
                "{} leaks a demo secret",
                format.as_str()
            );
        }
    }
}

#[test]
fn in_process_ocsf_has_one_finding_per_finding_with_the_check_id_as_uid_prefix() {
    let snapshot = demo_snapshot();
    let doc: serde_json::Value =
        serde_json::from_str(&render_in_process(&snapshot, Format::Ocsf)).unwrap();
    let items = doc.as_array().unwrap();
    assert_eq!(items.len(), snapshot.findings.len());
    let uids: BTreeSet<&str> = items
        .iter()
        .map(|i| i["finding_info"]["uid"].as_str().unwrap())
        .collect();
    assert_eq!(uids.len(), items.len(), "finding_info.uid is unique");
    for (item, f) in items.iter().zip(&snapshot.findings) {
        let uid = item["finding_info"]["uid"].as_str().unwrap();
        assert!(uid.starts_with(&format!("{}/", f.check_id)), "{uid}");
        assert_eq!(item["resources"][0]["uid"], f.resource_id.as_str());
        assert_eq!(item["cloud"]["account"]["uid"], snapshot.primary_id());
        let muted = f.is_muted();
        assert_eq!(item["status_id"], if muted { 3 } else { 1 });
    }
    // The FSBP anchor is a compliance reference.
    let public = items
        .iter()
        .find(|i| i["metadata"]["event_code"] == "lambda.public-resource-policy")
        .unwrap();
    assert_eq!(
        public["unmapped"]["compliance"]["AWS-Foundational-Security-Best-Practices"],
        serde_json::json!(["Lambda.1"])
    );
}

#[test]
fn in_process_asff_batches_hold_at_most_100_findings_of_one_region() {
    let mut snapshot = demo_snapshot();
    // Enough findings for several batches per region.
    let copies: Vec<_> = snapshot
        .findings
        .iter()
        .cycle()
        .take(250)
        .enumerate()
        .map(|(i, f)| {
            let mut f = f.clone();
            f.resource_id = format!("{}#{i}", f.resource_id).into();
            f
        })
        .collect();
    snapshot.findings.extend(copies);
    let text = render_in_process(&snapshot, Format::Asff);
    let mut total = 0;
    for line in text.lines() {
        let doc: serde_json::Value = serde_json::from_str(line).unwrap();
        let batch = doc["Findings"].as_array().unwrap();
        assert!((1..=ASFF_BATCH_SIZE).contains(&batch.len()));
        let regions: BTreeSet<&str> = batch
            .iter()
            .map(|f| f["Region"].as_str().unwrap())
            .collect();
        assert_eq!(regions.len(), 1, "{regions:?}");
        let region = regions.first().unwrap();
        for f in batch {
            assert_eq!(
                f["ProductArn"],
                format!(
                    "arn:aws:securityhub:{region}:{0}:product/{0}/default",
                    snapshot.primary_id()
                )
            );
        }
        total += batch.len();
    }
    assert_eq!(total, snapshot.findings.len());
}

#[test]
fn in_process_csv_has_the_documented_header_and_a_row_per_finding() {
    let snapshot = demo_snapshot();
    let text = render_in_process(&snapshot, Format::Csv);
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    assert_eq!(header, CSV_COLUMNS);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), snapshot.findings.len());
    for (row, f) in rows.iter().zip(&snapshot.findings) {
        assert_eq!(&row[2], f.check_id);
        assert_eq!(&row[7], f.status.as_str());
        assert_eq!(&row[11], f.resource_id);
        assert_eq!(&row[13], f.message, "multi-line and quoted text survives");
    }
}

#[test]
fn in_process_markdown_is_short_and_names_score_and_the_worst_checks() {
    let snapshot = demo_snapshot();
    let text = render_in_process(&snapshot, Format::Markdown);
    let score = snapshot.score.overall.unwrap();
    let grade = snapshot.score.grade.clone().unwrap();
    assert!(text.starts_with(&format!(
        "## Parapet · account `{}` · score {score} ({grade})",
        snapshot.primary_id()
    )));
    assert!(
        text.contains("lambda.secrets-in-env"),
        "a critical failing check is listed"
    );
    assert!(text.contains("### Top fixes"));
    assert!(text.contains("muted (not scored)"));
    // A GitHub comment holds 65,536 characters; a summary should fit a screen or two.
    assert!(text.lines().count() < 60, "{} lines", text.lines().count());
    assert!(text.len() < 8_000, "{} bytes", text.len());

    let mut clean = snapshot.clone();
    clean.findings.retain(|f| f.status != Status::Fail);
    assert!(render_in_process(&clean, Format::Markdown).contains("No failing checks."));
}
