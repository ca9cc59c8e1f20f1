//! What runs inside the demo's functions and layers (what `--code` reads in a live account):
//! each Zip package's dependencies as their metadata files name them, a Stripe key committed
//! in payments-refund's settings, the shop's shared Node layer with an old lodash, and the
//! warehouse operator's layer with an old urllib3 and an AWS key pair in its settings. The
//! packages are judged against a small embedded advisory set (real OSV advisories from the
//! GitHub and PyPI databases), through the same `domain::osv::Judge` a live scan uses, and
//! the committed files are read by the same detectors (`domain::code_secrets`).

use std::sync::Arc;

use super::fixture::*;
use crate::domain::code_secrets::scan_file;
use crate::domain::inventory::{CodeReport, FunctionCode, LayerCode};
use crate::domain::osv::{Advisory, Ecosystem, Judge};
use crate::domain::packages::{Contents, Package};

/// The embedded advisories: lodash's command injection, minimist's prototype pollutions,
/// urllib3's cookie leak and proxy-certificate bug, as OSV publishes them.
const ADVISORIES: &[&str] = &[
    include_str!("advisories/GHSA-35jh-r3h4-6jhm.json"),
    include_str!("advisories/GHSA-xvch-5gv4-984h.json"),
    include_str!("advisories/GHSA-vh95-rmgr-6w4m.json"),
    include_str!("advisories/GHSA-v845-jxx5-vc9f.json"),
    include_str!("advisories/PYSEC-2021-59.json"),
];

fn advisories() -> Vec<Advisory> {
    ADVISORIES
        .iter()
        .map(|a| serde_json::from_str(a).expect("an embedded advisory parses"))
        .collect()
}

fn npm(name: &str, version: &str, root: &str) -> Package {
    Package {
        ecosystem: Ecosystem::Npm,
        name: name.into(),
        version: version.into(),
        path: format!("{root}node_modules/{name}/package.json"),
    }
}

fn pypi(name: &str, version: &str, root: &str) -> Package {
    let dist = name.replace('-', "_");
    Package {
        ecosystem: Ecosystem::PyPI,
        name: name.into(),
        version: version.into(),
        path: format!("{root}{dist}-{version}.dist-info/METADATA"),
    }
}

fn maven(name: &str, version: &str) -> Package {
    let (group, artifact) = name.split_once(':').unwrap_or(("", name));
    Package {
        ecosystem: Ecosystem::Maven,
        name: name.into(),
        version: version.into(),
        path: format!(
            "lib/{artifact}-{version}.jar!/META-INF/maven/{group}/{artifact}/pom.properties"
        ),
    }
}

/// What each Zip function's own package holds (image functions have none).
fn packages_of(name: &str) -> Option<Vec<Package>> {
    let py_clean = || {
        vec![
            pypi("stripe", "9.9.0", ""),
            pypi("requests", "2.32.3", ""),
            pypi("urllib3", "2.2.2", ""),
        ]
    };
    Some(match name {
        "payments-charge" | "payments-refund" => py_clean(),
        // The webhook pins an old minimist through its CLI helper: critical, and public.
        "payments-webhook" => vec![npm("minimist", "1.2.5", ""), npm("stripe", "15.12.0", "")],
        "orders-create" => vec![
            npm("lodash", "4.17.21", ""),
            npm("minimist", "1.2.8", ""),
            npm("uuid", "9.0.1", ""),
        ],
        "orders-get" => vec![npm("express", "4.19.2", "")],
        "inventory-sync" => vec![pypi("boto3", "1.34.0", "")],
        // requests 2.25 pulled in urllib3 1.26.4: one advisory affects it, one is fixed.
        "inventory-reserve" => vec![
            pypi("requests", "2.25.0", ""),
            pypi("urllib3", "1.26.4", ""),
        ],
        "notifications-email" => vec![npm("nodemailer", "6.9.13", "")],
        "notifications-sms" => vec![pypi("twilio", "9.0.0", "")],
        "notifications-push" => vec![npm("firebase-admin", "12.1.0", "")],
        "image-resize" => Vec::new(),
        "auth-authorizer" => vec![npm("jsonwebtoken", "9.0.2", "")],
        "legacy-export" => vec![
            maven("commons-io:commons-io", "2.16.1"),
            maven("org.apache.commons:commons-lang3", "3.14.0"),
        ],
        "orders-fulfil" | "deploy-hook" => vec![pypi("aws-lambda-powertools", "2.39.1", "")],
        "clickstream-ingest" => vec![npm("@aws-sdk/client-firehose", "3.600.0", "")],
        _ => return None,
    })
}

/// The files committed with credentials: (function or layer, path, text).
fn committed_files() -> Vec<(String, &'static str, String)> {
    vec![
        (
            "payments-refund".into(),
            "settings.py",
            format!(
                "import os\n\nREFUNDS_TABLE = os.environ[\"REFUNDS_TABLE\"]\n\
                 STRIPE_API_KEY = \"{FAKE_CODE_STRIPE_KEY}\"  # TODO move to Secrets Manager\n"
            ),
        ),
        (
            wms_layer(),
            "python/wms_client/settings.py",
            format!(
                "WMS_REGION = \"eu-west-1\"\n\
                 aws_access_key_id = \"{FAKE_LAYER_KEY_ID}\"\n\
                 aws_secret_access_key = \"{FAKE_LAYER_SECRET_KEY}\"\n"
            ),
        ),
    ]
}

fn wms_layer() -> String {
    format!("arn:aws:lambda:{EUW1}:{PARTNER_ACCOUNT}:layer:wms-client-sdk:12")
}

fn sharp_layer() -> String {
    format!("arn:aws:lambda:{USE1}:{DEMO_ACCOUNT}:layer:sharp-libvips:7")
}

/// What each layer version the functions use holds.
fn layers() -> Vec<(String, &'static str, Vec<Package>)> {
    vec![
        (
            shop_node_common_layer(),
            USE1,
            vec![
                npm("lodash", "4.17.15", "nodejs/"),
                npm("dayjs", "1.11.11", "nodejs/"),
            ],
        ),
        (sharp_layer(), USE1, vec![npm("sharp", "0.33.4", "nodejs/")]),
        (
            wms_layer(),
            EUW1,
            vec![
                pypi("urllib3", "1.26.4", "python/"),
                pypi("wms-client", "3.2.0", "python/"),
            ],
        ),
    ]
}

/// `packages` with the committed files of `owner`, judged against the embedded advisories.
fn report(owner: &str, packages: Vec<Package>, advisories: &[Advisory]) -> Arc<CodeReport> {
    let secrets = committed_files()
        .into_iter()
        .filter(|(o, _, _)| o == owner)
        .flat_map(|(_, path, text)| scan_file(path, text.as_bytes(), false))
        .collect();
    let mut report = CodeReport {
        contents: Contents { packages, secrets },
        ..CodeReport::default()
    };
    for eco in [Ecosystem::Npm, Ecosystem::PyPI, Ecosystem::Maven] {
        let judge = Judge::new(eco, advisories);
        for p in report
            .contents
            .packages
            .iter()
            .filter(|p| p.ecosystem == eco)
        {
            let (found, undecided) = judge.package(p);
            report.vulnerabilities.extend(found);
            report.undecided.extend(undecided);
        }
    }
    report.vulnerabilities.sort_by_key(|v| v.severity);
    Arc::new(report)
}

/// What the code area reads in the demo account's functions and layers.
pub(super) fn code(functions: &[Function]) -> (Vec<Arc<FunctionCode>>, Vec<Arc<LayerCode>>) {
    let advisories = advisories();
    let function_code = functions
        .iter()
        .filter_map(|f| {
            let packages = packages_of(&f.name)?;
            (f.package_type != Some("Image".into())).then(|| {
                Arc::new(FunctionCode {
                    function_arn: f.arn.clone(),
                    region: f.region.clone(),
                    code_sha256: demo_sha(&f.name),
                    report: Ok(report(&f.name, packages, &advisories)),
                })
            })
        })
        .collect();
    let layer_code = layers()
        .into_iter()
        .map(|(arn, region, packages)| {
            Arc::new(LayerCode {
                report: Ok(report(&arn, packages, &advisories)),
                arn,
                region: region.into(),
            })
        })
        .collect();
    (function_code, layer_code)
}

/// A stable, made-up `CodeSha256` (base64 of 32 bytes) per function.
fn demo_sha(name: &str) -> String {
    use base64::Engine;
    let mut bytes = [0u8; 32];
    for (i, b) in name.bytes().enumerate() {
        bytes[i % 32] = bytes[i % 32].wrapping_mul(31).wrapping_add(b);
    }
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
