//! A check's findings grouped by the advisory they name (the `Advisory` evidence of the
//! code checks: `lodash 4.17.15 · GHSA-35jh-r3h4-6jhm`), for the check detail's
//! "lodash 4.17.15 — 12 functions". Generic over findings: any check whose findings carry
//! that evidence is grouped the same way.

use std::collections::{BTreeMap, BTreeSet};

use super::finding::{Finding, Severity, Status};

/// The evidence field a finding names an advisory in.
pub const FIELD: &str = "Advisory";
/// The evidence field a layer's finding names a function that uses it in.
pub const USED_BY: &str = "Used by";

/// One advisory and the resources whose failing findings name it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AdvisoryGroup {
    /// `lodash 4.17.15 · GHSA-35jh-r3h4-6jhm`.
    pub advisory: String,
    /// The worst severity of the findings that name it.
    pub severity: Severity,
    /// The resources (functions, layers) whose findings name it.
    pub resources: usize,
    /// The functions that use those resources, where the findings say (a layer's).
    pub functions: usize,
}

impl AdvisoryGroup {
    /// How many functions it reaches: the layers' users, else the resources themselves.
    pub fn reach(&self) -> usize {
        if self.functions > 0 {
            self.functions
        } else {
            self.resources
        }
    }
}

/// The failing findings' advisories, most functions first, then most severe.
pub fn advisory_groups<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Vec<AdvisoryGroup> {
    type Seen<'b> = (Severity, BTreeSet<&'b str>, BTreeSet<&'b str>);
    let mut groups: BTreeMap<&str, Seen> = BTreeMap::new();
    for f in findings.into_iter().filter(|f| f.status == Status::Fail) {
        let users: Vec<&str> = f
            .evidence
            .iter()
            .filter(|e| &*e.field == USED_BY)
            .map(|e| &*e.value)
            .collect();
        for e in f.evidence.iter().filter(|e| &*e.field == FIELD) {
            let g =
                groups
                    .entry(&e.value)
                    .or_insert((f.severity, BTreeSet::new(), BTreeSet::new()));
            g.0 = g.0.min(f.severity);
            g.1.insert(&f.resource_id);
            g.2.extend(users.iter().copied());
        }
    }
    let mut out: Vec<AdvisoryGroup> = groups
        .into_iter()
        .map(
            |(advisory, (severity, resources, functions))| AdvisoryGroup {
                advisory: advisory.to_string(),
                severity,
                resources: resources.len(),
                functions: functions.len(),
            },
        )
        .collect();
    out.sort_by(|a, b| {
        b.reach()
            .cmp(&a.reach())
            .then(a.severity.cmp(&b.severity))
            .then_with(|| a.advisory.cmp(&b.advisory))
    });
    out
}

#[cfg(test)]
mod tests;
