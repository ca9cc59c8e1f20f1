//! `parapet inspect`, the real binary: a function's package and a layer built from real
//! packages' metadata (`tests/data/packages/`), against an OSV database of real advisories
//! (`tests/data/osv/`) exported as OSV does, one JSON file per advisory in `all.zip`.

use std::io::{Cursor, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;
use zip::write::SimpleFileOptions;

fn data(path: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn zip_of(files: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for (name, content) in files {
        w.start_file(*name, SimpleFileOptions::default())
            .expect("start");
        w.write_all(content).expect("write");
    }
    w.finish().expect("finish").into_inner()
}

/// The OSV exports of `ecosystems` in `dir`, their advisories last modified `modified`
/// (RFC 3339), which decides the database's age.
fn database(dir: &Path, modified: &str) {
    for ecosystem in ["npm", "PyPI"] {
        let source = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/osv")
            .join(ecosystem);
        let mut files = Vec::new();
        for entry in std::fs::read_dir(&source).expect("advisories") {
            let path = entry.expect("entry").path();
            let mut advisory: Value =
                serde_json::from_slice(&std::fs::read(&path).expect("read")).expect("json");
            advisory["modified"] = Value::String(modified.to_string());
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            files.push((name, serde_json::to_vec(&advisory).expect("json")));
        }
        let files: Vec<(&str, Vec<u8>)> =
            files.iter().map(|(n, c)| (n.as_str(), c.clone())).collect();
        std::fs::create_dir_all(dir.join(ecosystem)).expect("mkdir");
        std::fs::write(dir.join(ecosystem).join("all.zip"), zip_of(&files)).expect("all.zip");
    }
}

fn today() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.format(&time::format_description::well_known::Rfc3339)
        .expect("format")
}

/// A Node function with lodash 4.17.15, minimist 1.2.5 and @hapi/hoek 9.0.0, and a Python
/// layer with urllib3 1.26.4 and requests 2.25.0.
fn packages(dir: &Path) -> (PathBuf, PathBuf) {
    let function = dir.join("function.zip");
    std::fs::write(
        &function,
        zip_of(&[
            ("index.js", b"exports.handler = async () => ({});".to_vec()),
            (
                "node_modules/lodash/package.json",
                data("packages/lodash-4.17.15.package.json"),
            ),
            (
                "node_modules/minimist/package.json",
                data("packages/minimist-1.2.5.package.json"),
            ),
            (
                "node_modules/@hapi/hoek/package.json",
                data("packages/hapi-hoek-9.0.0.package.json"),
            ),
        ]),
    )
    .expect("function.zip");
    let layer = dir.join("layer.zip");
    std::fs::write(
        &layer,
        zip_of(&[
            (
                "python/urllib3-1.26.4.dist-info/METADATA",
                data("packages/urllib3-1.26.4.METADATA"),
            ),
            (
                "python/requests-2.25.0.dist-info/METADATA",
                data("packages/requests-2.25.0.METADATA"),
            ),
        ]),
    )
    .expect("layer.zip");
    (function, layer)
}

fn inspect(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parapet"))
        .arg("inspect")
        .args(args)
        .env_remove("PARAPET_DATA_DIR")
        .output()
        .expect("run parapet inspect")
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn reports_exactly_the_advisories_that_apply_each_once() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("osv");
    database(&db, &today());
    let (function, layer) = packages(dir.path());
    let out = inspect(&[s(&function), "--layer", s(&layer), "--osv-db", s(&db)]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("json report");
    let vulnerable: Vec<(String, String, String, Vec<String>, String)> = report["vulnerable"]
        .as_array()
        .expect("vulnerable")
        .iter()
        .map(|v| {
            (
                v["package"].as_str().unwrap().to_string(),
                v["version"].as_str().unwrap().to_string(),
                v["severity"].as_str().unwrap().to_string(),
                v["ids"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| i.as_str().unwrap().to_string())
                    .collect(),
                v["fixed"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let strs = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // minimist 1.2.5 is past GHSA-vh95's fix (1.2.3) but before GHSA-xvch's (1.2.6);
    // urllib3 1.26.4 is PYSEC-2021-59's fix but before GHSA-v845's (1.26.17), whose alias
    // PYSEC-2023-192 is reported with it, not again. hoek and requests have no advisory.
    assert_eq!(
        vulnerable,
        vec![
            (
                "minimist".into(),
                "1.2.5".into(),
                "critical".into(),
                strs(&["GHSA-xvch-5gv4-984h", "CVE-2021-44906"]),
                "1.2.6".into()
            ),
            (
                "lodash".into(),
                "4.17.15".into(),
                "high".into(),
                strs(&["GHSA-35jh-r3h4-6jhm", "CVE-2021-23337"]),
                "4.17.21".into()
            ),
            (
                "urllib3".into(),
                "1.26.4".into(),
                "medium".into(),
                strs(&["GHSA-v845-jxx5-vc9f", "CVE-2023-43804", "PYSEC-2023-192"]),
                "1.26.17".into()
            ),
        ]
    );
    assert_eq!(report["packages"].as_array().unwrap().len(), 5);
    assert_eq!(report["unknown"], Value::Array(vec![]));
    assert_eq!(
        report["vulnerable"][2]["file"],
        Value::String(layer.display().to_string())
    );
    assert_eq!(
        report["vulnerable"][2]["path"],
        "python/urllib3-1.26.4.dist-info/METADATA"
    );
}

#[test]
fn fail_on_gates_the_exit_code_and_markdown_summarizes() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("osv");
    database(&db, &today());
    let (function, layer) = packages(dir.path());
    let base = [s(&function), "--layer", s(&layer), "--osv-db", s(&db)];
    let with = |extra: &[&str]| {
        let mut args = base.to_vec();
        args.extend_from_slice(extra);
        inspect(&args)
    };
    assert_eq!(with(&["--fail-on", "critical"]).status.code(), Some(3));
    assert_eq!(with(&["--fail-on", "medium"]).status.code(), Some(3));
    // The layer alone: urllib3's medium advisory passes a high threshold.
    let layer_only = inspect(&[s(&layer), "--osv-db", s(&db), "--fail-on", "high"]);
    assert_eq!(
        layer_only.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&layer_only.stderr)
    );

    let out = dir.path().join("report.md");
    let md = with(&["--format", "markdown", "-o", s(&out)]);
    assert!(
        md.status.success(),
        "{}",
        String::from_utf8_lossy(&md.stderr)
    );
    let text = std::fs::read_to_string(&out).expect("report.md");
    assert!(text.contains("**3 vulnerable packages**"), "{text}");
    assert!(
        text.contains(
            "| critical | `npm:minimist` | 1.2.5 | 1.2.6 | GHSA-xvch-5gv4-984h, CVE-2021-44906 |"
        ),
        "{text}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&out).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}

#[test]
fn no_database_or_an_old_one_is_never_a_pass() {
    let dir = tempfile::tempdir().expect("dir");
    let (function, _) = packages(dir.path());
    let empty = dir.path().join("empty");
    let out = inspect(&[s(&function), "--osv-db", s(&empty), "--fail-on", "low"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no OSV database for npm"), "{stderr}");
    assert!(stderr.contains("parapet osv-db update"), "{stderr}");
    let report: Value = serde_json::from_slice(&out.stdout).expect("json report");
    assert_eq!(report["vulnerable"], Value::Array(vec![]));
    assert_eq!(report["unknown"][0]["ecosystem"], "npm");

    let old = dir.path().join("old");
    database(&old, "2020-01-01T00:00:00Z");
    let out = inspect(&[s(&function), "--osv-db", s(&old), "--fail-on", "low"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("days old (more than 30)"));
}

#[test]
fn a_damaged_package_is_a_clear_error() {
    let dir = tempfile::tempdir().expect("dir");
    let bad = dir.path().join("bad.zip");
    std::fs::write(&bad, b"PK\x03\x04 not really").expect("write");
    let out = inspect(&[s(&bad), "--osv-db", s(dir.path())]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("bad.zip") && stderr.contains("not a readable zip"),
        "{stderr}"
    );
    let missing = inspect(&[s(&dir.path().join("nope.zip")), "--osv-db", s(dir.path())]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("nope.zip"));
}
