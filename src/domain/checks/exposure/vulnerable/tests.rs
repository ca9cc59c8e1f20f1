//! Unit tests of the code join: a public way in × a critical or high advisory.

use std::sync::Arc;

use crate::domain::checks::testing::{
    assert_filled, code_of, ev, eval, one, report, vulnerability,
};
use crate::domain::failure::Failure;
use crate::domain::finding::{Severity, Status};
use crate::domain::inventory::{Function, FunctionUrl, Inventory, LayerCode};

const REGION: &str = "us-east-1";
const LAYER: &str = "arn:aws:lambda:us-east-1:111122223333:layer:shared-deps:1";
const ID: &str = "exposure.public-entry-vulnerable-function";

fn func(name: &str, public: bool) -> Function {
    Function {
        name: name.into(),
        arn: format!("arn:aws:lambda:{REGION}:111122223333:function:{name}"),
        region: REGION.into(),
        role_arn: "arn:aws:iam::111122223333:role/r".into(),
        url: Ok(public.then(|| FunctionUrl {
            url: format!("https://{name}.lambda-url.us-east-1.on.aws/"),
            auth_type: "NONE".into(),
            ..Default::default()
        })),
        layers: vec![LAYER.into()],
        ..Default::default()
    }
}

fn inventory(
    f: Function,
    own: crate::domain::inventory::Fetched<Arc<crate::domain::inventory::CodeReport>>,
    layer: crate::domain::inventory::Fetched<Arc<crate::domain::inventory::CodeReport>>,
) -> Inventory {
    Inventory {
        account_id: "111122223333".into(),
        function_code: vec![code_of(&f, own)],
        layer_code: vec![Arc::new(LayerCode {
            arn: LAYER.into(),
            region: REGION.into(),
            report: layer,
        })],
        functions: vec![f.into()],
        ..Default::default()
    }
}

fn clean() -> crate::domain::inventory::Fetched<Arc<crate::domain::inventory::CodeReport>> {
    report(2, vec![], vec![], vec![])
}

#[test]
fn a_public_function_with_a_high_advisory_in_a_layer_fails_with_the_path() {
    let lodash = vulnerability(
        "lodash",
        "4.17.15",
        Severity::High,
        "GHSA-35jh-r3h4-6jhm",
        Some("4.17.21"),
    );
    let inv = inventory(
        func("checkout", true),
        clean(),
        report(1, vec![lodash], vec![], vec![]),
    );
    let f = one(ID, &inv);
    assert_eq!((f.status, f.severity), (Status::Fail, Severity::Critical));
    assert!(
        f.message.contains(
            "→ function checkout → lodash@4.17.15 (layer shared-deps:1) → GHSA-35jh-r3h4-6jhm"
        ),
        "{}",
        f.message
    );
    assert!(ev(&f, "Entry").unwrap().contains("URL"), "{:?}", f.evidence);
    assert!(
        ev(&f, "Vulnerable package")
            .unwrap()
            .starts_with("layer shared-deps:1: npm lodash@4.17.15")
    );
    assert!(f.remediation().console[1].contains("lodash to 4.17.21"));
    assert_filled(&f);
}

#[test]
fn only_critical_and_high_advisories_count() {
    let medium = vulnerability("qs", "6.0.0", Severity::Medium, "GHSA-m", None);
    let inv = inventory(
        func("checkout", true),
        report(1, vec![medium], vec![], vec![]),
        clean(),
    );
    let f = one(ID, &inv);
    assert_eq!(f.status, Status::Pass);
    assert!(f.message.contains("publicly reachable"), "{}", f.message);
}

#[test]
fn a_private_function_passes_whatever_it_holds() {
    let critical = vulnerability(
        "minimist",
        "1.2.5",
        Severity::Critical,
        "GHSA-xvch-5gv4-984h",
        Some("1.2.6"),
    );
    let inv = inventory(
        func("internal", false),
        report(1, vec![critical], vec![], vec![]),
        clean(),
    );
    let f = one(ID, &inv);
    assert_eq!(f.status, Status::Pass);
    assert_eq!(ev(&f, "Public ways in").as_deref(), Some("(none)"));
}

#[test]
fn a_public_function_whose_packages_could_not_all_be_judged_is_unknown() {
    let inv = inventory(
        func("checkout", true),
        clean(),
        Err(Failure::parse(
            "AccessDenied: missing lambda:GetLayerVersion",
        )),
    );
    let f = one(ID, &inv);
    assert_eq!(f.status, Status::Unknown);
    assert!(
        f.message.contains("layer shared-deps:1 could not be read"),
        "{}",
        f.message
    );
    // A layer the code area did not read at all is not a pass either.
    let mut inv = inventory(func("checkout", true), clean(), clean());
    inv.layer_code.clear();
    assert_eq!(one(ID, &inv).status, Status::Unknown);
    // Stale advisories for the function's own packages.
    let inv = inventory(
        func("checkout", true),
        report(1, vec![], vec![], vec!["stale".into()]),
        clean(),
    );
    assert_eq!(one(ID, &inv).status, Status::Unknown);
}

#[test]
fn without_the_code_area_the_join_has_no_findings() {
    let mut inv = inventory(func("checkout", true), clean(), clean());
    inv.function_code.clear();
    inv.layer_code.clear();
    assert!(eval(ID, &inv).is_empty());
}
