//! Unit tests of the layer family: one finding per layer version, naming its functions.

use std::sync::Arc;

use crate::domain::checks::testing::{
    assert_filled, ev, eval, key_in_config, one, report, vulnerability,
};
use crate::domain::failure::Failure;
use crate::domain::finding::{Severity, Status};
use crate::domain::inventory::{Function, Inventory, LayerCode};

const REGION: &str = "us-east-1";
const LAYER: &str = "arn:aws:lambda:us-east-1:111122223333:layer:shared-deps:3";

fn func(name: &str, layers: &[&str]) -> Arc<Function> {
    Function {
        name: name.into(),
        arn: format!("arn:aws:lambda:{REGION}:111122223333:function:{name}"),
        region: REGION.into(),
        layers: layers.iter().map(|l| l.to_string()).collect(),
        ..Default::default()
    }
    .into()
}

fn inventory(
    report: crate::domain::inventory::Fetched<Arc<crate::domain::inventory::CodeReport>>,
) -> Inventory {
    Inventory {
        account_id: "111122223333".into(),
        functions: vec![
            func("checkout", &[LAYER]),
            func("refunds", &[LAYER]),
            func("other", &[]),
        ],
        layer_code: vec![Arc::new(LayerCode {
            arn: LAYER.into(),
            region: REGION.into(),
            report,
        })],
        ..Default::default()
    }
}

#[test]
fn a_vulnerable_layer_fails_once_listing_every_function_that_uses_it() {
    let vulns = vec![vulnerability(
        "lodash",
        "4.17.15",
        Severity::High,
        "GHSA-35jh-r3h4-6jhm",
        Some("4.17.21"),
    )];
    let f = one(
        "layer.vulnerable-dependency",
        &inventory(report(2, vulns, vec![], vec![])),
    );
    assert_eq!((f.status, f.severity), (Status::Fail, Severity::High));
    assert_eq!(&*f.resource_id, LAYER);
    assert_eq!(&*f.resource_name, "shared-deps:3");
    let users: Vec<String> = f
        .evidence
        .iter()
        .filter(|e| &*e.field == "Used by")
        .map(|e| e.value.to_string())
        .collect();
    assert_eq!(users, ["checkout", "refunds"]);
    let r = f.remediation();
    assert!(
        r.cli
            .contains("publish-layer-version --layer-name shared-deps"),
        "{}",
        r.cli
    );
    assert!(r.cli.contains("checkout, refunds"));
    assert!(r.console[0].contains("lodash to 4.17.21"));
    assert_filled(&f);
    assert_eq!(
        crate::domain::checks::resource_kind(&f),
        crate::domain::finding::ResourceKind::Layer
    );
}

#[test]
fn a_clean_layer_passes_an_unreadable_one_is_unknown_and_none_is_absent() {
    let f = one(
        "layer.vulnerable-dependency",
        &inventory(report(2, vec![], vec![], vec![])),
    );
    assert_eq!(f.status, Status::Pass);
    let f = one(
        "layer.secrets-in-package",
        &inventory(Err(Failure::parse(
            "AccessDenied: missing lambda:GetLayerVersion",
        ))),
    );
    assert_eq!(f.status, Status::Unknown);
    assert!(f.message.contains("lambda:GetLayerVersion"));
    let none = Inventory {
        functions: vec![func("checkout", &[LAYER])],
        ..Default::default()
    };
    assert!(eval("layer.vulnerable-dependency", &none).is_empty());
}

#[test]
fn a_credential_in_a_layer_fails_critical() {
    let f = one(
        "layer.secrets-in-package",
        &inventory(report(1, vec![], vec![key_in_config()], vec![])),
    );
    assert_eq!((f.status, f.severity), (Status::Fail, Severity::Critical));
    assert!(ev(&f, "Credential").unwrap().contains("AKIA****"));
    assert!(f.remediation().cli.contains("--version-number 3"));
    assert_filled(&f);
}
