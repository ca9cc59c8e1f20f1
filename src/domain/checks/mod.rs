//! The catalogue, one module per service, and the evaluation of all checks.

pub mod apigw;
pub mod apigwv2;
pub mod exposure;
pub mod kms;
pub mod lambda;
pub mod secrets;

use super::catalogue::{CheckDef, Context, Target};
use super::finding::{Finding, Status};
use super::inventory::Inventory;

/// Every check, in catalogue order.
pub fn catalogue() -> Vec<&'static CheckDef> {
    lambda::CHECKS
        .iter()
        .chain(apigw::CHECKS)
        .chain(apigwv2::CHECKS)
        .chain(secrets::CHECKS)
        .chain(kms::CHECKS)
        .chain(exposure::CHECKS)
        .collect()
}

pub fn find(id: &str) -> Option<&'static CheckDef> {
    catalogue().into_iter().find(|c| c.id == id)
}

/// Runs one check, adding an `unknown` finding per region where the listing its service
/// depends on failed (so a denied ListFunctions never reads as "no failing functions").
pub fn run(def: &CheckDef, inventory: &Inventory, ctx: &Context) -> Vec<Finding> {
    let mut findings = (def.evaluate)(def, inventory, ctx);
    for failure in &inventory.list_failures {
        if failure.service == def.service {
            let target = Target::new(
                &failure.region,
                format!("{}:{}", failure.service, failure.region),
                format!("all {} in {}", failure.service, failure.region),
            );
            findings.push(def.unknown(
                inventory,
                &target,
                format!("{} failed: {}", failure.call, failure.reason),
            ));
        }
    }
    findings
}

/// Runs the whole catalogue.
pub fn evaluate_all(inventory: &Inventory, ctx: &Context) -> Vec<Finding> {
    catalogue()
        .into_iter()
        .flat_map(|def| run(def, inventory, ctx))
        .collect()
}

/// Counts of a check's findings by status, for tests and the checklist.
pub fn count(findings: &[Finding], check_id: &str, status: Status) -> usize {
    findings
        .iter()
        .filter(|f| f.check_id == check_id && f.status == status)
        .count()
}
