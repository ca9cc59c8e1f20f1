//! An assessment: the findings of the whole catalogue over an inventory, with user mutes
//! applied, and the score. The only thing front ends read.

use serde::{Deserialize, Serialize};

use super::catalogue::Context;
use super::checks;
use super::finding::{Finding, Severity, Status};
use super::inventory::Inventory;
use super::score::{self, Score};

/// A user's decision to suppress a check (for one resource, or all with `resource: None`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mute {
    pub check_id: String,
    /// Matches a finding's resource_id or resource_name; `None` mutes the check everywhere.
    #[serde(default)]
    pub resource: Option<String>,
    pub reason: String,
}

impl Mute {
    pub fn matches(&self, f: &Finding) -> bool {
        self.check_id == f.check_id
            && self
                .resource
                .as_ref()
                .is_none_or(|r| *r == f.resource_id || *r == f.resource_name)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    pub findings: Vec<Finding>,
    pub score: Score,
}

impl Assessment {
    pub fn evaluate(inventory: &Inventory, ctx: &Context, mutes: &[Mute]) -> Assessment {
        let mut findings = checks::evaluate_all(inventory, ctx);
        apply_mutes(&mut findings, mutes);
        Assessment::from_findings(findings)
    }

    /// Scores findings by their checks' catalogue severities.
    pub fn from_findings(findings: Vec<Finding>) -> Assessment {
        Assessment::from_findings_with(findings, &|id| checks::find(id).map(|c| c.severity))
    }

    /// Scores findings with the given check severities (a snapshot's stored weights).
    pub fn from_findings_with(
        findings: Vec<Finding>,
        severity_of: &dyn Fn(&str) -> Option<Severity>,
    ) -> Assessment {
        let score = score::score(&findings, severity_of);
        Assessment { findings, score }
    }
}

/// Failing and unknown findings matched by a mute become `muted` with the reason; passes stay.
pub fn apply_mutes(findings: &mut [Finding], mutes: &[Mute]) {
    for f in findings.iter_mut() {
        if !matches!(f.status, Status::Fail | Status::Unknown) {
            continue;
        }
        if let Some(m) = mutes.iter().find(|m| m.matches(f)) {
            f.status = Status::Muted;
            f.mute_reason = Some(m.reason.clone());
        }
    }
}
