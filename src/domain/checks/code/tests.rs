//! Unit tests of the code family: pass, fail, unknown, not_applicable, and absence without
//! the code area.

use std::sync::Arc;

use crate::domain::checks::testing::{
    assert_filled, code_of, ev, eval, key_in_config, one, report, vulnerability,
};
use crate::domain::failure::{Failure, FailureKind};
use crate::domain::finding::{Severity, Status};
use crate::domain::inventory::{Function, Inventory};

const REGION: &str = "us-east-1";

fn func(name: &str) -> Function {
    Function {
        name: name.into(),
        arn: format!("arn:aws:lambda:{REGION}:111122223333:function:{name}"),
        region: REGION.into(),
        package_type: Some("Zip".into()),
        ..Default::default()
    }
}

fn inventory(
    f: Function,
    code: Option<crate::domain::inventory::Fetched<Arc<crate::domain::inventory::CodeReport>>>,
) -> Inventory {
    let mut inv = Inventory {
        account_id: "111122223333".into(),
        ..Default::default()
    };
    if let Some(report) = code {
        inv.function_code.push(code_of(&f, report));
    }
    inv.functions.push(f.into());
    inv
}

#[test]
fn without_the_code_area_the_checks_have_no_findings() {
    let inv = inventory(func("api"), None);
    assert!(eval("code.vulnerable-dependency", &inv).is_empty());
    assert!(eval("code.secrets-in-package", &inv).is_empty());
}

#[test]
fn a_vulnerable_package_fails_at_its_worst_advisorys_severity() {
    let vulns = vec![
        vulnerability(
            "minimist",
            "1.2.5",
            Severity::Critical,
            "GHSA-xvch-5gv4-984h",
            Some("1.2.6"),
        ),
        vulnerability(
            "lodash",
            "4.17.15",
            Severity::High,
            "GHSA-35jh-r3h4-6jhm",
            Some("4.17.21"),
        ),
    ];
    let inv = inventory(func("api"), Some(report(3, vulns, vec![], vec![])));
    let f = one("code.vulnerable-dependency", &inv);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.severity, Severity::Critical, "the worst advisory's");
    assert!(f.message.contains("minimist@1.2.5"), "{}", f.message);
    assert!(f.message.contains("GHSA-xvch-5gv4-984h"));
    assert!(f.message.contains("fixed in 1.2.6"));
    assert!(f.message.contains("and 1 more"));
    let evidence = ev(&f, "Vulnerable package").unwrap();
    assert!(
        evidence.contains("node_modules/minimist/package.json"),
        "{evidence}"
    );
    assert!(
        evidence.contains("CVE-GHSA-xvch-5gv4-984h"),
        "aliases too: {evidence}"
    );
    let r = f.remediation();
    assert!(r.cli.contains("update-function-code --function-name api"));
    assert!(
        r.console[0].contains("minimist to 1.2.6"),
        "{}",
        r.console[0]
    );
    assert_filled(&f);

    // A moderate advisory only: still a fail, at medium.
    let vulns = vec![vulnerability(
        "qs",
        "6.0.0",
        Severity::Medium,
        "GHSA-1",
        None,
    )];
    let inv = inventory(func("api"), Some(report(1, vulns, vec![], vec![])));
    let f = one("code.vulnerable-dependency", &inv);
    assert_eq!((f.status, f.severity), (Status::Fail, Severity::Medium));
    assert!(
        ev(&f, "Vulnerable package")
            .unwrap()
            .contains("no fixed version")
    );
}

#[test]
fn clean_packages_pass_and_undecided_ones_are_unknown() {
    let inv = inventory(func("api"), Some(report(4, vec![], vec![], vec![])));
    let f = one("code.vulnerable-dependency", &inv);
    assert_eq!(f.status, Status::Pass);
    assert_eq!(ev(&f, "Packages").as_deref(), Some("4"));

    // No usable database for npm: never a pass.
    let stale = "the npm advisories are 45 days old: run `parapet osv-db update`".to_string();
    let inv = inventory(func("api"), Some(report(4, vec![], vec![], vec![stale])));
    let f = one("code.vulnerable-dependency", &inv);
    assert_eq!(f.status, Status::Unknown);
    assert!(f.message.contains("parapet osv-db update"), "{}", f.message);

    // A vulnerability still fails when another package could not be judged.
    let vulns = vec![vulnerability(
        "lodash",
        "4.17.15",
        Severity::High,
        "GHSA-35jh-r3h4-6jhm",
        None,
    )];
    let inv = inventory(
        func("api"),
        Some(report(4, vulns, vec![], vec!["x@?: unordered".into()])),
    );
    let f = one("code.vulnerable-dependency", &inv);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(ev(&f, "Not decided").as_deref(), Some("x@?: unordered"));
}

#[test]
fn a_package_that_could_not_be_read_is_unknown_for_both_checks() {
    let over = Failure::new(
        FailureKind::Other,
        Some("lambda:GetFunction"),
        "the package unzips to more than 262144000 bytes",
    );
    let inv = inventory(func("big"), Some(Err(over)));
    for id in ["code.vulnerable-dependency", "code.secrets-in-package"] {
        let f = one(id, &inv);
        assert_eq!(f.status, Status::Unknown, "{id}");
        assert!(f.message.contains("262144000"), "{}", f.message);
    }
}

#[test]
fn image_functions_are_not_applicable_where_the_code_area_ran() {
    let mut image = func("image-fn");
    image.package_type = Some("Image".into());
    let mut inv = inventory(image.clone(), None);
    // Nothing read in the region yet: absent, like a run without --code.
    assert!(eval("code.secrets-in-package", &inv).is_empty());
    let zip = func("zip-fn");
    inv.function_code
        .push(code_of(&zip, report(1, vec![], vec![], vec![])));
    inv.functions.push(zip.into());
    let findings = eval("code.secrets-in-package", &inv);
    let image_finding = findings
        .iter()
        .find(|f| &*f.resource_name == "image-fn")
        .unwrap();
    assert_eq!(image_finding.status, Status::NotApplicable);
    let zip_finding = findings
        .iter()
        .find(|f| &*f.resource_name == "zip-fn")
        .unwrap();
    assert_eq!(zip_finding.status, Status::Pass);
}

#[test]
fn a_committed_credential_fails_naming_file_line_and_detector_never_the_value() {
    let inv = inventory(
        func("api"),
        Some(report(1, vec![], vec![key_in_config()], vec![])),
    );
    let f = one("code.secrets-in-package", &inv);
    assert_eq!((f.status, f.severity), (Status::Fail, Severity::Critical));
    assert!(
        f.message
            .contains("aws-access-key-id at config/settings.json:4"),
        "{}",
        f.message
    );
    assert_eq!(
        ev(&f, "Credential").as_deref(),
        Some("config/settings.json:4 aws-access-key-id (AKIA****)")
    );
    assert_filled(&f);
    let inv = inventory(func("api"), Some(report(1, vec![], vec![], vec![])));
    assert_eq!(one("code.secrets-in-package", &inv).status, Status::Pass);
}

#[test]
fn a_failed_functions_listing_is_unknown_only_where_the_code_area_ran() {
    use crate::domain::catalogue::Context;
    use crate::domain::inventory::{Area, ListFailure};
    use crate::domain::vocabulary::Service;
    let def = crate::domain::checks::find("code.vulnerable-dependency").unwrap();
    let ctx = Context::new(time::OffsetDateTime::UNIX_EPOCH);
    let failure = |area| ListFailure {
        service: Service::Lambda,
        area,
        region: REGION.into(),
        call: "lambda:ListFunctions".into(),
        reason: "AccessDenied: missing lambda:ListFunctions".into(),
    };
    // Without --code: the functions area's failure leaves the code checks absent.
    let mut inv = inventory(func("api"), None);
    inv.list_failures.push(failure(Area::Functions));
    assert!(crate::domain::checks::run(def, &inv, &ctx).is_empty());
    // With it, the code area records the listing it could not read: unknown there.
    inv.list_failures.push(failure(Area::Code));
    let found = crate::domain::checks::run(def, &inv, &ctx);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].status, Status::Unknown);
    assert!(found[0].message.contains("lambda:ListFunctions"));
}
