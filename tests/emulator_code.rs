//! `--code` against the emulator: functions and a layer whose packages hold real vulnerable
//! and fixed packages' metadata and a committed key pair (seed.py --code-packages), behind
//! the proxy that points GetFunction's and GetLayerVersion's locations at those zips with a
//! presigned-looking query (moto's own locations are unreachable, see EMULATOR.md). The
//! advisories are the repository's real OSV advisories.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::support::emulator::{self, Found, Moto, Parapet, Proxy};
use crate::support::osv::{database, today, validate_cyclonedx};

/// The proxy's request count of GetFunction (`GET /2015-03-31/functions/{}`) and of
/// GetLayerVersion.
fn code_requests(stats: &Value) -> u64 {
    let by_action = stats["by_action"].as_object().expect("by_action");
    by_action
        .iter()
        .filter(|(k, _)| {
            k.as_str() == "lambda:GET /2015-03-31/functions/{}"
                || k.starts_with("lambda:GET /2018-10-31/layers/")
        })
        .map(|(_, v)| v.as_u64().unwrap_or(0))
        .sum()
}

fn downloads(stats: &Value) -> u64 {
    stats["code_downloads"]
        .as_object()
        .map_or(0, |d| d.values().map(|v| v.as_u64().unwrap_or(0)).sum())
}

fn by_check<'a>(found: &'a [Found], check: &str) -> Vec<&'a Found> {
    found.iter().filter(|f| f.check_id == check).collect()
}

fn status_of(found: &[Found], check: &str, resource: &str) -> String {
    let hits = emulator::find(found, check, resource);
    assert_eq!(hits.len(), 1, "{check} on {resource}: {hits:?}");
    hits[0].status.clone()
}

/// The evidence values of the finding of `check` on `resource` under `field`.
fn evidence(snapshot: &Value, check: &str, resource: &str, field: &str) -> Vec<String> {
    snapshot["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check_id"] == check && f["resource_name"] == resource)
        .flat_map(|f| f["evidence"].as_array().unwrap().clone())
        .filter(|e| e["field"] == field)
        .map(|e| e["value"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_code_scan_reports_exactly_the_advisories_that_apply_and_leaks_nothing() {
    let moto = Moto::start();
    let zips = tempfile::tempdir().unwrap();
    let manifest = moto.seed(&[
        "--profile",
        "none",
        "--code-packages",
        zips.path().to_str().unwrap(),
    ]);
    let code = &manifest["code"];
    let proxy = Proxy::start(
        &moto.endpoint(),
        &["--code-dir", zips.path().to_str().unwrap()],
    );
    let work = tempfile::tempdir().unwrap();
    let osv = work.path().join("osv");
    database(&osv, &today());
    let cache = work.path().join("cache");
    let parapet = Parapet {
        env: vec![("PARAPET_CACHE_DIR".into(), cache.display().to_string())],
        ..Parapet::default()
    };
    let osv_arg = osv.display().to_string();

    // Without --code: not one code request, no download, no code check.
    let plain = parapet.scan(&proxy.endpoint(), &["--osv-db", &osv_arg]);
    assert_eq!(plain.code, Some(0), "{}", plain.stderr);
    let stats = proxy.stats();
    assert_eq!(code_requests(&stats), 0, "{stats}");
    assert_eq!(downloads(&stats), 0, "{stats}");
    let found = emulator::findings(plain.snapshot());
    assert!(
        found
            .iter()
            .all(|f| !f.check_id.starts_with("code.") && !f.check_id.starts_with("layer.")),
        "code checks without --code"
    );

    // With --code.
    let run = parapet.scan(&proxy.endpoint(), &["--code", "--osv-db", &osv_arg]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let snapshot = run.snapshot();
    let found = emulator::findings(snapshot);
    let stats = proxy.stats();
    // One GetFunction per Zip function (each has its own package), one GetLayerVersion,
    // and each package downloaded once.
    let zips_seeded = code["functions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["package_type"] == "Zip")
        .count() as u64;
    assert_eq!(downloads(&stats), zips_seeded + 1, "{stats}");

    let want = [
        ("code.vulnerable-dependency", "code-node-vulnerable", "fail"),
        ("code.vulnerable-dependency", "code-node-fixed", "pass"),
        (
            "code.vulnerable-dependency",
            "code-python-vulnerable",
            "fail",
        ),
        ("code.vulnerable-dependency", "code-python-fixed", "pass"),
        (
            "code.vulnerable-dependency",
            "code-secret-in-config",
            "pass",
        ),
        ("code.vulnerable-dependency", "code-image", "not_applicable"),
        ("code.secrets-in-package", "code-secret-in-config", "fail"),
        ("code.secrets-in-package", "code-node-vulnerable", "pass"),
        ("code.secrets-in-package", "code-image", "not_applicable"),
        ("layer.vulnerable-dependency", "shared-deps:1", "fail"),
        ("layer.secrets-in-package", "shared-deps:1", "pass"),
        (
            "exposure.public-entry-vulnerable-function",
            "code-node-vulnerable",
            "fail",
        ),
        (
            "exposure.public-entry-vulnerable-function",
            "code-node-fixed",
            "pass",
        ),
        (
            "exposure.public-entry-vulnerable-function",
            "code-python-vulnerable",
            "pass",
        ),
    ];
    let mut wrong = Vec::new();
    for (check, resource, status) in want {
        let got = status_of(&found, check, resource);
        if got != status {
            wrong.push(format!("{check} on {resource}: want {status}, got {got}"));
        }
    }
    assert!(
        wrong.is_empty(),
        "{wrong:#?}\n{:#?}",
        by_check(&found, "code.vulnerable-dependency")
    );

    // Exactly the advisories the seed's manifest derives from the advisories' ranges: for
    // each package, every id that affects it once, none for a fixed version.
    let expected_ids = |packages: &Value| -> BTreeSet<String> {
        packages
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|p| p["affected_by"].as_array().unwrap().clone())
            .map(|id| id.as_str().unwrap().to_string())
            .collect()
    };
    let reported = |check: &str, resource: &str| -> Vec<String> {
        evidence(snapshot, check, resource, "Vulnerable package")
            .iter()
            .map(|e| {
                // `npm minimist@1.2.5 (path): GHSA-…, CVE-… — critical 9.8, fixed in 1.2.6`
                let ids = e.split("): ").nth(1).unwrap().split(" — ").next().unwrap();
                ids.split(", ").next().unwrap().to_string()
            })
            .collect()
    };
    for (name, packages) in code["expected"]["functions"].as_object().unwrap() {
        let got = reported("code.vulnerable-dependency", name);
        let unique: BTreeSet<String> = got.iter().cloned().collect();
        assert_eq!(
            got.len(),
            unique.len(),
            "{name}: an advisory twice: {got:?}"
        );
        assert_eq!(unique, expected_ids(packages), "{name}");
    }
    for (name, packages) in code["expected"]["layers"].as_object().unwrap() {
        let got: BTreeSet<String> = reported("layer.vulnerable-dependency", name)
            .into_iter()
            .collect();
        assert_eq!(got, expected_ids(packages), "{name}");
    }
    // The layer's finding lists the functions that use it.
    let users: BTreeSet<String> = evidence(
        snapshot,
        "layer.vulnerable-dependency",
        "shared-deps:1",
        "Used by",
    )
    .into_iter()
    .collect();
    assert_eq!(
        users,
        BTreeSet::from([
            "code-node-vulnerable".to_string(),
            "code-secret-in-config".to_string()
        ])
    );
    // The committed pair: file, line and detector, each as the manifest places it.
    let credentials = evidence(
        snapshot,
        "code.secrets-in-package",
        "code-secret-in-config",
        "Credential",
    );
    for s in code["expected"]["secrets"].as_array().unwrap() {
        let at = format!(
            "{}:{} {}",
            s["path"].as_str().unwrap(),
            s["line"],
            s["detector"].as_str().unwrap()
        );
        assert!(
            credentials.iter().any(|c| c.starts_with(&at)),
            "{at} not in {credentials:?}"
        );
    }
    // The join names the way in and the package.
    let join = emulator::find(
        &found,
        "exposure.public-entry-vulnerable-function",
        "code-node-vulnerable",
    );
    assert!(
        join[0].message.contains("function URL") && join[0].message.contains("minimist@1.2.5"),
        "{}",
        join[0].message
    );

    // Nothing leaks: no planted value, no code location, anywhere the run wrote.
    let written = format!(
        "{}{}{}",
        serde_json::to_string(snapshot).unwrap(),
        run.stdout,
        run.stderr
    );
    let cached: String = std::fs::read_dir(cache.join("code"))
        .expect("the cache was written")
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    for text in [&written, &cached] {
        for secret in code["planted_secret_values"].as_array().unwrap() {
            assert!(
                !text.contains(secret.as_str().unwrap()),
                "a planted secret leaked"
            );
        }
        for location in [
            "X-Amz-Signature",
            "X-Amz-Credential",
            "/__code/",
            "FwoGZXIvYXdzEFAKETOKEN",
        ] {
            assert!(!text.contains(location), "{location} leaked");
        }
    }

    // A second scan of the unchanged account: nothing asked, nothing downloaded, same findings.
    let before = (code_requests(&stats), downloads(&stats));
    let again = parapet.scan(&proxy.endpoint(), &["--code", "--osv-db", &osv_arg]);
    assert_eq!(again.code, Some(0), "{}", again.stderr);
    let stats = proxy.stats();
    assert_eq!(
        (code_requests(&stats), downloads(&stats)),
        before,
        "{stats}"
    );
    let code_findings = |f: &[Found]| -> Vec<Found> {
        f.iter()
            .filter(|f| f.check_id.starts_with("code.") || f.check_id.starts_with("layer."))
            .cloned()
            .collect()
    };
    assert_eq!(
        code_findings(&emulator::findings(again.snapshot())),
        code_findings(&found)
    );

    // The scan's SBOM: each Zip function an application with the packages of its package and
    // layers, valid by CycloneDX's own validator, with the vulnerabilities found.
    let sbom_dir = tempfile::tempdir().unwrap();
    let sbom_path = sbom_dir.path().join("sbom.json");
    let out = parapet.run(&[
        "scan",
        "--endpoint-url",
        &proxy.endpoint(),
        "--region",
        emulator::REGION,
        "--code",
        "--osv-db",
        &osv_arg,
        "--format",
        "cyclonedx",
        "-o",
        sbom_path.to_str().unwrap(),
    ]);
    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(validate_cyclonedx(&sbom_path), "valid");
    let sbom: Value = serde_json::from_slice(&std::fs::read(&sbom_path).unwrap()).unwrap();
    let functions = sbom["components"].as_array().unwrap();
    assert_eq!(
        functions.len() as u64,
        zips_seeded,
        "one component per Zip function"
    );
    let purls_of = |name: &str| -> BTreeSet<String> {
        let f = functions.iter().find(|f| f["name"] == name).unwrap();
        f["components"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["purl"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        purls_of("code-node-vulnerable"),
        BTreeSet::from([
            "pkg:npm/%40hapi/hoek@9.0.0".to_string(),
            "pkg:npm/lodash@4.17.15".to_string(),
            "pkg:npm/minimist@1.2.5".to_string(),
        ]),
        "its own packages and its layer's"
    );
    let affected: BTreeSet<String> = sbom["vulnerabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| {
            let at = v["affects"][0]["ref"].as_str().unwrap();
            let function = at.split('#').next().unwrap().rsplit(':').next().unwrap();
            format!("{function} {}", v["id"].as_str().unwrap())
        })
        .collect();
    assert!(
        affected.contains("code-node-vulnerable GHSA-xvch-5gv4-984h"),
        "{affected:?}"
    );
    assert!(
        affected.contains("code-secret-in-config GHSA-35jh-r3h4-6jhm"),
        "{affected:?}"
    );
    assert!(
        !affected.iter().any(|a| a.starts_with("code-node-fixed")),
        "{affected:?}"
    );
    let text = String::from_utf8(std::fs::read(&sbom_path).unwrap()).unwrap();
    for secret in code["planted_secret_values"].as_array().unwrap() {
        assert!(!text.contains(secret.as_str().unwrap()));
    }
    assert!(!text.contains("X-Amz-Signature"));
}
