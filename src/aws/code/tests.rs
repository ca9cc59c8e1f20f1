//! Unit tests of the code area: GetFunction and GetLayerVersion answered by the fake
//! endpoint, the packages served by a local HTTP server, advisories from a database of real
//! OSV advisories (lodash's, urllib3's).

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};

use base64::Engine;

use super::*;
use crate::aws::fake::{self as testing, ACCOUNT, Reply, Router, Seen};
use crate::domain::finding::Severity;
use crate::domain::inventory::Function;
use crate::domain::packages::testing::zip_of;

const REGION: &str = "us-east-1";
/// What a presigned location's query carries; it must never be kept or shown.
const SIGNATURE: &str = "X-Amz-Signature=f00dfeedcafe&X-Amz-Security-Token=FwoGZXIvTOKEN";

fn data(path: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn sha(bytes: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
}

/// A Node function's package: minimist 1.2.5 (fixed in 1.2.6 for GHSA-xvch… — not in this
/// database) and a committed key pair in its config.
fn node_package() -> Vec<u8> {
    zip_of(&[
        ("index.js", b"exports.handler = async () => 'ok';\n".to_vec()),
        (
            "node_modules/minimist/package.json",
            data("packages/minimist-1.2.5.package.json"),
        ),
        (
            "config/settings.json",
            b"{\n  \"region\": \"us-east-1\",\n  \"aws_access_key_id\": \"AKIAQ7EXAMPLECODEKEY\",\n  \"aws_secret_access_key\": \"fAkE7sEcReT/pArApEt+CoDeScAn/EXAMPLEk3y9\"\n}\n"
                .to_vec(),
        ),
    ])
}

/// A Node layer with lodash 4.17.15 (GHSA-35jh-r3h4-6jhm, fixed in 4.17.21).
fn layer_package() -> Vec<u8> {
    zip_of(&[(
        "nodejs/node_modules/lodash/package.json",
        data("packages/lodash-4.17.15.package.json"),
    )])
}

/// A local HTTP server: `GET /<name>` answers `files[name]` (ignoring the query), else
/// 404; counts the requests per name.
struct Files {
    port: u16,
    hits: Arc<Mutex<BTreeMap<String, usize>>>,
}

fn serve(files: BTreeMap<String, Vec<u8>>) -> Files {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let hits: Arc<Mutex<BTreeMap<String, usize>>> = Arc::default();
    let counted = Arc::clone(&hits);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().expect("clone"));
            let mut request = String::new();
            if reader.read_line(&mut request).is_err() {
                continue;
            }
            let mut line = String::new();
            while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                line.clear();
            }
            let target = request.split_whitespace().nth(1).unwrap_or("/");
            let name = target
                .split('?')
                .next()
                .unwrap_or("")
                .trim_start_matches('/')
                .to_string();
            *counted.lock().unwrap().entry(name.clone()).or_default() += 1;
            let (status, body) = match files.get(&name) {
                Some(b) => (200, b.clone()),
                None => (404, b"no such key".to_vec()),
            };
            let head = format!(
                "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    Files { port, hits }
}

impl Files {
    fn location(&self, name: &str) -> String {
        format!("http://127.0.0.1:{}/{name}?{SIGNATURE}", self.port)
    }
    fn downloads(&self) -> usize {
        self.hits.lock().unwrap().values().sum()
    }
}

/// An OSV database in `dir` holding the repository's real npm advisories, modified today.
fn database(dir: &std::path::Path) -> OsvDb {
    let source = format!("{}/tests/data/osv/npm", env!("CARGO_MANIFEST_DIR"));
    let today = time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap();
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&source).expect("advisories") {
        let path = entry.expect("entry").path();
        let mut a: serde_json::Value =
            serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
        a["modified"] = serde_json::Value::String(today.clone());
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        files.push((name, serde_json::to_vec(&a).unwrap()));
    }
    let files: Vec<(&str, Vec<u8>)> = files.iter().map(|(n, c)| (n.as_str(), c.clone())).collect();
    std::fs::create_dir_all(dir.join("npm")).unwrap();
    std::fs::write(dir.join("npm/all.zip"), zip_of(&files)).unwrap();
    OsvDb::at(dir)
}

const LAYER: &str = "arn:aws:lambda:us-east-1:123456789012:layer:shared-deps:1";

fn function(name: &str, sha: Option<&str>, layers: &[&str], image: bool) -> Arc<Function> {
    Function {
        name: name.into(),
        arn: format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:{name}"),
        region: REGION.into(),
        package_type: Some(if image { "Image" } else { "Zip" }.into()),
        layers: layers.iter().map(|l| l.to_string()).collect(),
        code_sha256: sha.map(str::to_string),
        ..Function::default()
    }
    .into()
}

/// The GetFunction / GetLayerVersion answers for `files`, whose packages are `node` (for
/// functions `api` and `worker`) and `layer`.
fn router(files: &Files, node_sha: String, layer_sha: String) -> Router {
    let (api, layer) = (files.location("api.zip"), files.location("layer.zip"));
    Router::new(move |s: &Seen| match s.path.as_str() {
        "/2015-03-31/functions/api" | "/2015-03-31/functions/worker" => Reply::json(
            &serde_json::json!({
                "Configuration": {"CodeSha256": node_sha},
                "Code": {"RepositoryType": "S3", "Location": api},
            })
            .to_string(),
        ),
        "/2018-10-31/layers/shared-deps/versions/1" => Reply::json(
            &serde_json::json!({
                "LayerVersionArn": LAYER,
                "Content": {"Location": layer, "CodeSha256": layer_sha, "CodeSize": 1},
            })
            .to_string(),
        ),
        "/2015-03-31/functions/denied" => Reply::denied_xml("lambda:GetFunction"),
        _ => Reply::json_error(404, "ResourceNotFoundException"),
    })
}

fn options(db: OsvDb, cache: Option<&std::path::Path>) -> CodeOptions {
    CodeOptions {
        db,
        cache: cache.map(PackageCache::at),
        plain_http: PlainHttp::Anywhere,
    }
}

#[tokio::test]
async fn each_package_is_read_once_judged_and_a_second_scan_asks_for_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let (node, layer) = (node_package(), layer_package());
    let node_sha = sha(&node);
    let files = serve(BTreeMap::from([
        ("api.zip".to_string(), node.clone()),
        ("layer.zip".to_string(), layer.clone()),
    ]));
    let router = router(&files, node_sha.clone(), sha(&layer));
    let config = testing::sdk_config(router.clone(), REGION);
    let clients = testing::region_clients(&config, REGION);
    // api and worker deploy the same package (one listed CodeSha256); both use the layer;
    // `image` has no package.
    let current = Inventory {
        account_id: ACCOUNT.into(),
        functions: vec![
            function("api", Some(&node_sha), &[LAYER], false),
            function("worker", Some(&node_sha), &[LAYER], false),
            function("image", None, &[], true),
        ],
        ..Inventory::default()
    };
    let db = database(&dir.path().join("osv"));
    let cache = dir.path().join("cache");

    let shared = testing::shared(&config);
    let collected = collect(
        &shared,
        &clients,
        &current,
        &options(db.clone(), Some(&cache)),
    )
    .await;
    assert!(collected.failures.is_empty(), "{:?}", collected.failures);
    let inv = &collected.inventory;
    assert_eq!(
        router.count(|s| s.path.starts_with("/2015-03-31/functions/")),
        1,
        "one GetFunction per distinct CodeSha256"
    );
    assert_eq!(
        router.count(|s| s.path.starts_with("/2018-10-31/layers/")),
        1
    );
    assert_eq!(files.downloads(), 2, "each package downloaded once");
    assert_eq!(shared.calls.load(Ordering::Relaxed), 2);

    assert_eq!(inv.function_code.len(), 2, "the image function has none");
    for code in &inv.function_code {
        assert_eq!(code.code_sha256, node_sha);
        let report = code.report.as_ref().expect("read");
        let names: Vec<&str> = report
            .contents
            .packages
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["minimist"]);
        // minimist 1.2.5: GHSA-xvch-5gv4-984h affects it; GHSA-vh95-rmgr-6w4m (fixed in
        // 1.2.3) does not.
        let ids: Vec<&str> = report.vulnerabilities.iter().map(|v| v.id()).collect();
        assert_eq!(ids, ["GHSA-xvch-5gv4-984h"]);
        assert_eq!(report.vulnerabilities[0].severity, Severity::Critical);
        assert_eq!(report.vulnerabilities[0].fixed.as_deref(), Some("1.2.6"));
        let secrets: Vec<(&str, usize, &str)> = report
            .contents
            .secrets
            .iter()
            .map(|s| (s.path.as_str(), s.line, s.detector.as_str()))
            .collect();
        assert_eq!(
            secrets,
            [
                ("config/settings.json", 3, "aws-access-key-id"),
                ("config/settings.json", 4, "aws-secret-access-key")
            ]
        );
    }
    assert_eq!(inv.layer_code.len(), 1);
    let layer_report = inv.layer_code[0].report.as_ref().expect("layer read");
    let lodash = &layer_report.vulnerabilities[0];
    assert_eq!(
        (
            lodash.package.as_str(),
            lodash.version.as_str(),
            lodash.id()
        ),
        ("lodash", "4.17.15", "GHSA-35jh-r3h4-6jhm")
    );
    assert!(
        lodash.ids.contains(&"CVE-2021-23337".to_string()),
        "aliases too"
    );
    assert!(
        layer_report.undecided.is_empty(),
        "{:?}",
        layer_report.undecided
    );

    // Neither the location nor a credential is kept anywhere.
    let text = serde_json::to_string(inv).unwrap();
    for leak in [
        "X-Amz-Signature",
        "f00dfeedcafe",
        "AKIAQ7EXAMPLECODEKEY",
        "fAkE7sEcReT",
    ] {
        assert!(!text.contains(leak), "{leak} kept");
    }
    let cached: String = std::fs::read_dir(&cache)
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    assert!(cached.contains("minimist") && cached.contains("lodash"));
    for leak in [
        "X-Amz-Signature",
        "AKIAQ7EXAMPLECODEKEY",
        "fAkE7sEcReT",
        "exports.handler",
    ] {
        assert!(!cached.contains(leak), "the cache keeps {leak}");
    }

    // The second scan: every package is in the cache, so no request and no download.
    let again = testing::shared(&config);
    let second = collect(&again, &clients, &current, &options(db, Some(&cache))).await;
    assert_eq!(again.calls.load(Ordering::Relaxed), 0, "no request at all");
    assert_eq!(files.downloads(), 2, "nothing downloaded again");
    assert_eq!(second.inventory, collected.inventory);
}

#[tokio::test]
async fn what_cannot_be_read_is_said_without_the_location() {
    let dir = tempfile::tempdir().unwrap();
    let node = node_package();
    // The server has no layer, and serves api.zip with other bytes than AWS describes.
    let files = serve(BTreeMap::from([("api.zip".to_string(), node.clone())]));
    let router = router(&files, sha(b"other bytes"), sha(b"layer"));
    let config = testing::sdk_config(router.clone(), REGION);
    let clients = testing::region_clients(&config, REGION);
    let current = Inventory {
        account_id: ACCOUNT.into(),
        functions: vec![
            function("api", None, &[LAYER], false),
            function("denied", None, &[], false),
        ],
        ..Inventory::default()
    };
    let shared = testing::shared(&config);
    let collected = collect(
        &shared,
        &clients,
        &current,
        &options(database(dir.path()), None),
    )
    .await;
    let inv = &collected.inventory;
    let reason = |name: &str| {
        inv.function_code
            .iter()
            .find(|c| c.function_arn.ends_with(name))
            .map(|c| c.report.clone().expect_err("not read").to_string())
            .unwrap()
    };
    let mismatch = reason(":api");
    assert!(mismatch.contains("not the one AWS describes"), "{mismatch}");
    assert_eq!(
        reason(":denied"),
        "AccessDenied: missing lambda:GetFunction"
    );
    let layer = inv.layer_code[0]
        .report
        .clone()
        .expect_err("no layer")
        .to_string();
    assert!(layer.contains("404"), "{layer}");
    let all = format!("{mismatch} {layer} {:?}", collected.failures);
    assert!(
        !all.contains("X-Amz") && !all.contains("f00dfeedcafe"),
        "{all}"
    );

    // Over https only, unless the account is an emulator.
    let strict = CodeOptions {
        plain_http: PlainHttp::Never,
        ..options(database(dir.path()), None)
    };
    let shared = testing::shared(&config);
    let collected = collect(&shared, &clients, &current, &strict).await;
    let why = collected.inventory.layer_code[0]
        .report
        .clone()
        .expect_err("refused")
        .to_string();
    assert!(why.contains("https only"), "{why}");
}

#[tokio::test]
async fn no_database_leaves_the_advisories_undecided_never_clean() {
    let dir = tempfile::tempdir().unwrap();
    let layer = layer_package();
    let files = serve(BTreeMap::from([("layer.zip".to_string(), layer.clone())]));
    let router = router(&files, String::new(), sha(&layer));
    let config = testing::sdk_config(router.clone(), REGION);
    let clients = testing::region_clients(&config, REGION);
    let current = Inventory {
        account_id: ACCOUNT.into(),
        functions: vec![function("denied", None, &[LAYER], false)],
        ..Inventory::default()
    };
    let shared = testing::shared(&config);
    let empty = OsvDb::at(dir.path().join("none"));
    let collected = collect(&shared, &clients, &current, &options(empty, None)).await;
    let report = collected.inventory.layer_code[0].report.as_ref().unwrap();
    assert!(report.vulnerabilities.is_empty());
    assert_eq!(report.undecided.len(), 1, "{:?}", report.undecided);
    assert!(
        report.undecided[0].contains("parapet osv-db update"),
        "{}",
        report.undecided[0]
    );
}

#[tokio::test]
async fn a_region_whose_functions_could_not_be_listed_says_so_for_the_code_checks() {
    let dir = tempfile::tempdir().unwrap();
    let router = Router::new(|_: &Seen| Reply::json_error(404, "ResourceNotFoundException"));
    let config = testing::sdk_config(router.clone(), REGION);
    let clients = testing::region_clients(&config, REGION);
    let current = Inventory {
        account_id: ACCOUNT.into(),
        list_failures: vec![ListFailure {
            service: Service::Lambda,
            area: Area::Functions,
            region: REGION.into(),
            call: "lambda:ListFunctions".into(),
            reason: "AccessDenied: missing lambda:ListFunctions".into(),
        }],
        ..Inventory::default()
    };
    let shared = testing::shared(&config);
    let collected = collect(
        &shared,
        &clients,
        &current,
        &options(database(dir.path()), None),
    )
    .await;
    let failures = &collected.inventory.list_failures;
    assert_eq!(failures.len(), 1);
    assert_eq!(
        (failures[0].area, failures[0].call.as_str()),
        (Area::Code, "lambda:ListFunctions")
    );
    assert_eq!(router.requests().len(), 0, "nothing to ask for");
}
