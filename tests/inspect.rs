//! `parapet inspect`, the real binary: a function's package and a layer built from real
//! packages' metadata (`tests/data/packages/`), against an OSV database of real advisories
//! (`tests/data/osv/`) exported as OSV does, one JSON file per advisory in `all.zip`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

use crate::support::osv::{database, today, validate_cyclonedx, zip_of};

fn data(path: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
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

/// A one-thread HTTP server for OSV exports: `GET /<ecosystem>/all.zip` answers what
/// `answers` holds for that path (status, announced length, body), else 404.
fn serve(answers: Vec<(String, u16, Option<usize>, Vec<u8>)>) -> u16 {
    use std::io::{BufRead, BufReader};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            // Drain the headers.
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let path = request.split_whitespace().nth(1).unwrap_or("/").to_string();
            let (status, length, body) = answers
                .iter()
                .find(|(p, ..)| *p == path)
                .map(|(_, s, l, b)| (*s, l.unwrap_or(b.len()), b.clone()))
                .unwrap_or((404, 9, b"not found".to_vec()));
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {length}\r\nConnection: close\r\n\r\n"
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    port
}

fn osv_db(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parapet"))
        .arg("osv-db")
        .args(args)
        .env_remove("PARAPET_DATA_DIR")
        .output()
        .expect("run parapet osv-db")
}

#[test]
fn an_update_replaces_only_what_downloaded_whole_and_reads() {
    let dir = tempfile::tempdir().expect("dir");
    // The mirror's npm export: fresh.
    let mirror = dir.path().join("mirror");
    database(&mirror, &today());
    let npm = std::fs::read(mirror.join("npm/all.zip")).expect("npm export");
    // The database already holds a PyPI export.
    let db = dir.path().join("osv");
    database(&db, &today());
    std::fs::remove_dir_all(db.join("npm")).expect("no npm yet");
    let pypi_before = std::fs::read(db.join("PyPI/all.zip")).expect("PyPI export");
    let port = serve(vec![
        ("/npm/all.zip".into(), 200, None, npm.clone()),
        // A captive portal's page instead of a zip.
        (
            "/PyPI/all.zip".into(),
            200,
            None,
            b"<html>sign in</html>".to_vec(),
        ),
        // A connection that ends early.
        (
            "/Go/all.zip".into(),
            200,
            Some(npm.len()),
            npm[..100].to_vec(),
        ),
    ]);
    let source = format!("http://127.0.0.1:{port}");
    let out = osv_db(&[
        "update",
        "--osv-source",
        &source,
        "--osv-db",
        s(&db),
        "--ecosystem",
        "npm",
        "--ecosystem",
        "PyPI",
        "--ecosystem",
        "Go",
        "--ecosystem",
        "Maven",
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("npm        3 advisories"), "{stderr}");
    assert!(
        stderr.contains("PyPI       failed") && stderr.contains("not a readable export"),
        "{stderr}"
    );
    // hyper notices the connection closing before the announced length.
    assert!(
        stderr.contains("Go         failed") && stderr.contains("broke off"),
        "{stderr}"
    );
    assert!(
        stderr.contains("Maven      failed") && stderr.contains("404"),
        "{stderr}"
    );
    assert!(stderr.contains("the previous export is kept"), "{stderr}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    // npm is in place and indexed; PyPI is the old one; nothing half-written is left.
    assert_eq!(std::fs::read(db.join("npm/all.zip")).expect("npm"), npm);
    assert!(db.join("npm/parapet-index.json").is_file());
    assert_eq!(
        std::fs::read(db.join("PyPI/all.zip")).expect("PyPI"),
        pypi_before
    );
    assert!(!db.join("Go/all.zip").exists() && !db.join("Maven/all.zip").exists());
    for eco in ["npm", "PyPI", "Go", "Maven"] {
        let leftovers: Vec<_> = std::fs::read_dir(db.join(eco))
            .map(|d| d.filter_map(Result::ok).map(|e| e.file_name()).collect())
            .unwrap_or_default();
        assert!(
            leftovers
                .iter()
                .all(|n| !n.to_string_lossy().contains("download")),
            "{eco}: {leftovers:?}"
        );
    }
    let status = osv_db(&["status", "--osv-db", s(&db)]);
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(text.contains("npm        3 advisories"), "{text}");
    assert!(text.contains("Maven      none"), "{text}");
}

#[test]
fn plain_http_goes_only_to_a_local_mirror() {
    let dir = tempfile::tempdir().expect("dir");
    let out = osv_db(&[
        "update",
        "--osv-source",
        "http://mirror.example.com",
        "--osv-db",
        s(dir.path()),
        "--ecosystem",
        "npm",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("refusing plain http to mirror.example.com"),
        "{stderr}"
    );
}

#[test]
fn a_committed_credential_is_reported_by_file_and_line_never_by_value() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("osv");
    database(&db, &today());
    let live_key = "sk_live_4eC39HqLyjWDarjtT1zdp7dc";
    let function = dir.path().join("function.zip");
    std::fs::write(
        &function,
        zip_of(&[
            (
                "index.js",
                b"const config = require('./config');\n".to_vec(),
            ),
            (
                "config.js",
                format!("module.exports = {{\n  stripeKey: '{live_key}',\n}};\n").into_bytes(),
            ),
            // A dependency's test fixture: not a leak of this function's.
            (
                "node_modules/stripe/test/fixtures.js",
                format!("exports.key = '{live_key}';\n").into_bytes(),
            ),
            (
                "node_modules/@hapi/hoek/package.json",
                data("packages/hapi-hoek-9.0.0.package.json"),
            ),
        ]),
    )
    .expect("function.zip");
    let out = inspect(&[s(&function), "--osv-db", s(&db), "--fail-on", "critical"]);
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !text.contains(live_key) && !text.contains("4eC39HqL"),
        "{text}"
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("json report");
    assert_eq!(report["vulnerable"], Value::Array(vec![]));
    assert_eq!(
        report["secrets"],
        serde_json::json!([{
            "file": function.display().to_string(),
            "path": "config.js",
            "line": 2,
            "detector": "stripe-live-key",
            "masked": "sk_l****"
        }])
    );
    let md = inspect(&[s(&function), "--osv-db", s(&db), "--format", "markdown"]);
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains("**1 credential in the code**"), "{md}");
    assert!(md.contains("| stripe-live-key |"), "{md}");
    assert!(!md.contains(live_key), "{md}");
}

#[test]
fn a_cyclonedx_sbom_passes_cyclonedx_own_validator() {
    let dir = tempfile::tempdir().expect("dir");
    let db = dir.path().join("osv");
    database(&db, &today());
    let (function, layer) = packages(dir.path());
    let bom = dir.path().join("bom.json");
    let out = inspect(&[
        s(&function),
        "--layer",
        s(&layer),
        "--osv-db",
        s(&db),
        "--format",
        "cyclonedx",
        "-o",
        s(&bom),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(validate_cyclonedx(&bom), "valid");
    let sbom: Value = serde_json::from_slice(&std::fs::read(&bom).expect("bom")).expect("json");
    let purls: Vec<&str> = sbom["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["purl"].as_str().unwrap())
        .collect();
    assert_eq!(
        purls,
        [
            "pkg:npm/%40hapi/hoek@9.0.0",
            "pkg:npm/lodash@4.17.15",
            "pkg:npm/minimist@1.2.5",
            "pkg:pypi/requests@2.25.0",
            "pkg:pypi/urllib3@1.26.4",
        ]
    );
    let vulns: Vec<(&str, &str)> = sbom["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            (
                v["id"].as_str().unwrap(),
                v["affects"][0]["ref"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        vulns,
        [
            ("GHSA-xvch-5gv4-984h", "pkg:npm/minimist@1.2.5"),
            ("GHSA-35jh-r3h4-6jhm", "pkg:npm/lodash@4.17.15"),
            ("GHSA-v845-jxx5-vc9f", "pkg:pypi/urllib3@1.26.4"),
        ]
    );
    assert_eq!(
        sbom["vulnerabilities"][0]["references"][0]["id"],
        "CVE-2021-44906"
    );
    assert_eq!(sbom["components"][0]["group"], "@hapi");
}

#[cfg(unix)]
#[test]
fn an_update_writes_through_a_linked_export_and_keeps_the_link() {
    let dir = tempfile::tempdir().expect("dir");
    let mirror = dir.path().join("mirror");
    database(&mirror, &today());
    let npm = std::fs::read(mirror.join("npm/all.zip")).expect("npm export");
    // The user keeps the export elsewhere and links it in.
    let elsewhere = dir.path().join("shared/npm-all.zip");
    std::fs::create_dir_all(elsewhere.parent().unwrap()).expect("mkdir");
    std::fs::write(&elsewhere, b"old").expect("old export");
    let db = dir.path().join("osv");
    std::fs::create_dir_all(db.join("npm")).expect("mkdir");
    std::os::unix::fs::symlink(&elsewhere, db.join("npm/all.zip")).expect("link");
    let port = serve(vec![("/npm/all.zip".into(), 200, None, npm.clone())]);
    let source = format!("http://127.0.0.1:{port}");
    let out = osv_db(&[
        "update",
        "--osv-source",
        &source,
        "--osv-db",
        s(&db),
        "--ecosystem",
        "npm",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let link = std::fs::symlink_metadata(db.join("npm/all.zip")).expect("link");
    assert!(link.file_type().is_symlink());
    assert_eq!(std::fs::read(&elsewhere).expect("target"), npm);
}

/// An https download goes through the proxy HTTPS_PROXY names (a CONNECT tunnel), trusting
/// the roots SSL_CERT_FILE adds; NO_PROXY exempts a host. The fixture is a throwaway CA, an
/// HTTPS mirror signed by it and a counting CONNECT proxy (tests/support/https_proxy_fixture.py).
#[test]
fn https_downloads_go_through_the_proxy_https_proxy_names() {
    use std::io::{BufRead, BufReader};
    let dir = tempfile::tempdir().expect("dir");
    let mirror = dir.path().join("mirror");
    database(&mirror, &today());
    let ca = dir.path().join("ca.pem");
    let mut fixture = Command::new(crate::support::emulator::python())
        .arg(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/support/https_proxy_fixture.py"
        ))
        .arg("--dir")
        .arg(&mirror)
        .arg("--ca")
        .arg(&ca)
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start the fixture");
    let mut line = String::new();
    BufReader::new(fixture.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("ports");
    let ports = line.trim().strip_prefix("PORTS=").expect("PORTS=");
    let (https, proxy) = ports.split_once(',').expect("two ports");
    let tunnels = || {
        let (status, body) = crate::support::emulator::http(
            proxy.parse().unwrap(),
            "GET",
            "/__tunnels",
            "text/plain",
            "",
        );
        assert_eq!(status, 200);
        body.trim().parse::<u32>().expect("a count")
    };
    let update = |db: &Path, no_proxy: &str| {
        Command::new(env!("CARGO_BIN_EXE_parapet"))
            .args(["osv-db", "update", "--ecosystem", "npm", "--osv-source"])
            .arg(format!("https://localhost:{https}"))
            .arg("--osv-db")
            .arg(db)
            .env_remove("PARAPET_DATA_DIR")
            .env_remove("HTTP_PROXY")
            .env_remove("http_proxy")
            .env_remove("no_proxy")
            .env_remove("https_proxy")
            .env("HTTPS_PROXY", format!("http://127.0.0.1:{proxy}"))
            .env("NO_PROXY", no_proxy)
            .env("SSL_CERT_FILE", &ca)
            .output()
            .expect("run parapet osv-db update")
    };
    let out = update(&dir.path().join("osv"), "");
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let through = tunnels();
    // NO_PROXY exempts the host: straight there, no new tunnel.
    let direct = update(&dir.path().join("osv-direct"), "localhost");
    let after = tunnels();
    let _ = fixture.kill();
    let _ = fixture.wait();
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("npm        3 advisories"), "{stderr}");
    assert_eq!(
        std::fs::read(dir.path().join("osv/npm/all.zip")).unwrap(),
        std::fs::read(mirror.join("npm/all.zip")).unwrap()
    );
    assert_eq!(through, 1, "one CONNECT tunnel");
    assert_eq!(
        direct.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&direct.stderr)
    );
    assert_eq!(after, 1, "NO_PROXY: no tunnel");
}
