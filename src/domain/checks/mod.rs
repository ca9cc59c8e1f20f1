//! The catalogue, one module per service, and the evaluation of all checks.

pub mod apigw;
pub mod apigwv2;
pub mod appsync;
pub mod code;
mod code_report;
pub mod cognito;
pub mod events;
pub mod exposure;
pub mod gateway;
pub mod kms;
pub mod lambda;
pub mod layer;
pub mod secrets;
pub mod sfn;
mod variables;

use std::collections::HashMap;
use std::sync::LazyLock;

use super::catalogue::{CheckDef, Context, Target};
use super::finding::{Finding, Interner, ResourceKind, Status};
use super::inventory::Inventory;

/// Every check, in catalogue order; built once.
pub fn catalogue() -> &'static [&'static CheckDef] {
    &CATALOGUE.checks
}

/// A check by id.
pub fn find(id: &str) -> Option<&'static CheckDef> {
    CATALOGUE.by_id.get(id).map(|&i| CATALOGUE.checks[i])
}

/// The kind of resource a finding is about: as its check declares it, or for a check this
/// version does not know, as its resource's ARN says.
pub fn resource_kind(f: &Finding) -> ResourceKind {
    match find(&f.check_id) {
        Some(def) => def.resource_kind(f),
        None => crate::domain::arn::Arn::parse(&f.resource_id)
            .and_then(|arn| ResourceKind::of_arn(&arn))
            .unwrap_or(ResourceKind::Other),
    }
}

struct Catalogue {
    checks: Vec<&'static CheckDef>,
    by_id: HashMap<&'static str, usize>,
}

/// The check families in catalogue order: each is the folder of this module named by its
/// checks' id prefix (`lambda.*` in `lambda/`), and lists its checks one file at a time.
pub const FAMILIES: &[(&str, &[CheckDef])] = &[
    ("lambda", lambda::CHECKS),
    ("lambda", lambda::trust::CHECKS),
    ("lambda", lambda::logs::CHECKS),
    ("apigw", apigw::CHECKS),
    ("apigwv2", apigwv2::CHECKS),
    ("secrets", secrets::CHECKS),
    ("kms", kms::CHECKS),
    ("events", events::CHECKS),
    ("exposure", exposure::CHECKS),
    ("exposure", exposure::event_paths::CHECKS),
    ("exposure", exposure::graphql_paths::CHECKS),
    ("exposure", exposure::machine_paths::CHECKS),
    ("exposure", exposure::vulnerable::CHECKS),
    ("code", code::CHECKS),
    ("layer", layer::CHECKS),
    ("sfn", sfn::CHECKS),
    ("appsync", appsync::CHECKS),
    ("cognito", cognito::CHECKS),
];

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    let checks: Vec<&'static CheckDef> = FAMILIES
        .iter()
        .flat_map(|(_, checks)| checks.iter())
        .collect();
    let by_id = checks.iter().enumerate().map(|(i, c)| (c.id, i)).collect();
    Catalogue { checks, by_id }
});

/// Runs one check, adding an `unknown` finding per region where the listing its service
/// depends on failed (so a denied ListFunctions never reads as "no failing functions"): a
/// failed listing of the check's service in one of the areas the check reads.
pub fn run(def: &CheckDef, inventory: &Inventory, ctx: &Context) -> Vec<Finding> {
    let mut findings = (def.evaluate)(def, inventory, ctx);
    // A check of an opt-in area (`--code`) is absent from a run without it: only its own
    // area's failures (which that area records, the listings it reads included) count.
    let opt_in = def.areas.first().is_some_and(|a| a.opt_in());
    for failure in &inventory.list_failures {
        if failure.service == def.service
            && def.areas.contains(&failure.area)
            && (!opt_in || failure.area.opt_in())
        {
            let target = Target::listing(failure.service, &failure.region);
            findings.push(def.unknown(
                inventory,
                &target,
                format!("{} failed: {}", failure.call, failure.reason),
            ));
        }
    }
    findings
}

/// Runs the whole catalogue. Equal strings of the findings share one allocation (see
/// [`Finding::intern`]): a 10,000-function account has 300,000 findings.
pub fn evaluate_all(inventory: &Inventory, ctx: &Context) -> Vec<Finding> {
    let mut interner = Interner::default();
    let mut all = Vec::new();
    for def in catalogue().iter() {
        let mut found = run(def, inventory, ctx);
        for f in &mut found {
            f.intern(&mut interner);
        }
        all.append(&mut found);
    }
    all
}

/// Counts of a check's findings by status, for tests and the checklist.
pub fn count(findings: &[Finding], check_id: &str, status: Status) -> usize {
    findings
        .iter()
        .filter(|f| f.check_id == check_id && f.status == status)
        .count()
}

/// What the check families' unit tests share: run one check of the catalogue by id.
#[cfg(test)]
pub(crate) mod testing {
    use super::*;
    use time::OffsetDateTime;

    /// The findings of check `id` over `inv`, at the Unix epoch.
    pub fn eval(id: &str, inv: &Inventory) -> Vec<Finding> {
        let def = find(id).expect("check exists");
        (def.evaluate)(def, inv, &Context::new(OffsetDateTime::UNIX_EPOCH))
    }

    /// The one finding of check `id` over `inv`.
    pub fn one(id: &str, inv: &Inventory) -> Finding {
        let mut f = eval(id, inv);
        assert_eq!(f.len(), 1, "{f:#?}");
        f.remove(0)
    }

    /// The value of a finding's evidence `field`, as text.
    pub fn ev(f: &Finding, field: &str) -> Option<String> {
        f.evidence
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.value.to_string())
    }

    /// A vulnerability of npm `package@version` at `severity`, fixed in `fixed`.
    pub fn vulnerability(
        package: &str,
        version: &str,
        severity: crate::domain::finding::Severity,
        id: &str,
        fixed: Option<&str>,
    ) -> crate::domain::osv::Vulnerability {
        crate::domain::osv::Vulnerability {
            ecosystem: crate::domain::osv::Ecosystem::Npm,
            package: package.into(),
            version: version.into(),
            path: format!("node_modules/{package}/package.json"),
            ids: vec![id.into(), format!("CVE-{id}")],
            severity,
            score: None,
            fixed: fixed.map(str::to_string),
            summary: None,
        }
    }

    /// A read package holding `packages` npm packages, with these vulnerabilities, secrets
    /// and undecided packages.
    pub fn report(
        packages: usize,
        vulnerabilities: Vec<crate::domain::osv::Vulnerability>,
        secrets: Vec<crate::domain::code_secrets::CodeSecret>,
        undecided: Vec<String>,
    ) -> crate::domain::inventory::Fetched<std::sync::Arc<crate::domain::inventory::CodeReport>>
    {
        let packages = (0..packages)
            .map(|i| crate::domain::packages::Package {
                ecosystem: crate::domain::osv::Ecosystem::Npm,
                name: format!("pkg{i}"),
                version: "1.0.0".into(),
                path: format!("node_modules/pkg{i}/package.json"),
            })
            .collect();
        Ok(std::sync::Arc::new(crate::domain::inventory::CodeReport {
            contents: crate::domain::packages::Contents { packages, secrets },
            vulnerabilities,
            undecided,
        }))
    }

    /// A committed AWS access key id in `config/settings.json`, line 4.
    pub fn key_in_config() -> crate::domain::code_secrets::CodeSecret {
        crate::domain::code_secrets::CodeSecret {
            path: "config/settings.json".into(),
            line: 4,
            detector: "aws-access-key-id".into(),
            masked: "AKIA****".into(),
        }
    }

    /// What the code area read for function `f`.
    pub fn code_of(
        f: &crate::domain::inventory::Function,
        report: crate::domain::inventory::Fetched<
            std::sync::Arc<crate::domain::inventory::CodeReport>,
        >,
    ) -> std::sync::Arc<crate::domain::inventory::FunctionCode> {
        std::sync::Arc::new(crate::domain::inventory::FunctionCode {
            function_arn: f.arn.clone(),
            region: f.region.clone(),
            code_sha256: format!("sha-of-{}", f.name),
            report,
        })
    }

    /// Every placeholder a remediation template of the gateway and code families may hold.
    const PLACEHOLDERS: [&str; 24] = [
        "{package}",
        "{fixed}",
        "{functions}",
        "{layer_name}",
        "{layer_version}",
        "{entry}",
        "{api_id}",
        "{stage}",
        "{region}",
        "{account}",
        "{tf}",
        "{name}",
        "{arn}",
        "{domain}",
        "{resource_id}",
        "{http_method}",
        "{variable}",
        "{condition_key}",
        "{condition_value}",
        "{deny_operator}",
        "{route_id}",
        "{route_key}",
        "{auth_type}",
        "{integration_id}",
    ];

    /// Asserts that a finding's remediation (CLI, Terraform, console steps) has every
    /// placeholder filled in.
    pub fn assert_filled(f: &Finding) {
        let r = f.remediation();
        for text in [&r.cli, &r.terraform].into_iter().chain(r.console.iter()) {
            for p in PLACEHOLDERS {
                assert!(!text.contains(p), "{} left {p} in {text}", f.check_id);
            }
        }
    }
}

#[cfg(test)]
mod tests;
