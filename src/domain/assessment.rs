//! An assessment: the findings of the whole catalogue over an inventory, with user mutes
//! applied, and the score. The only thing front ends read.

use serde::{Deserialize, Serialize};

use super::catalogue::Context;
use super::checks;
use super::finding::{Finding, MuteMark, Severity};
use super::inventory::Inventory;
use super::mutelist::Mutelist;
use super::score::{self, Score};

/// A user's decision to suppress a check (for one resource, or all with `resource: None`),
/// optionally until a date.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mute {
    pub check_id: String,
    /// Matches a finding's resource_id or resource_name; `None` mutes the check everywhere.
    #[serde(default)]
    pub resource: Option<String>,
    pub reason: String,
    /// `YYYY-MM-DD`: from that day on the mute no longer applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Where it comes from (a mutes file's path, `config.toml`, a Prowler mutelist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Mute {
    pub fn matches(&self, f: &Finding) -> bool {
        self.check_id == f.check_id
            && self
                .resource
                .as_ref()
                .is_none_or(|r| *r == f.resource_id || *r == f.resource_name)
    }

    /// The expiry date, when there is a valid one.
    pub fn expiry(&self) -> Option<time::Date> {
        self.expires.as_deref().and_then(parse_date)
    }

    /// Whether the mute has stopped applying on `today` (it applies until the day before its
    /// expiry date).
    pub fn is_expired(&self, today: time::Date) -> bool {
        self.expiry().is_some_and(|d| today >= d)
    }

    pub fn mark(&self) -> MuteMark {
        MuteMark {
            reason: self.reason.clone(),
            expires: self.expires.clone(),
            source: self.source.clone(),
        }
    }
}

/// A `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Option<time::Date> {
    time::Date::parse(
        text.trim(),
        &time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    pub findings: Vec<Finding>,
    pub score: Score,
}

impl Assessment {
    pub fn evaluate(inventory: &Inventory, ctx: &Context, mutes: &[Mute]) -> Assessment {
        let mut findings = checks::evaluate_all(inventory, ctx);
        apply_mutes(&mut findings, mutes, ctx.now.date());
        Assessment::from_findings(findings)
    }

    /// Applies a Prowler mutelist for `account` over the mutes already in place, and scores
    /// again.
    pub fn with_mutelist(self, list: Option<&Mutelist>, account: &str) -> Assessment {
        match list {
            None => self,
            Some(list) => {
                let mut findings = self.findings;
                list.apply(account, &mut findings);
                Assessment::from_findings(findings)
            }
        }
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

/// Marks the findings a mute in force on `today` matches (the first that matches wins); their
/// status stays the real one. A finding only expired mutes match says so in `mute_expired`.
/// Marks already on a finding (a snapshot's, as loaded) stay.
pub fn apply_mutes(findings: &mut [Finding], mutes: &[Mute], today: time::Date) {
    for f in findings.iter_mut() {
        if f.is_muted() {
            continue;
        }
        let matching: Vec<&Mute> = mutes.iter().filter(|m| m.matches(f)).collect();
        for m in matching {
            if m.is_expired(today) {
                if f.mute_expired.is_none() {
                    f.mute_expired = Some(Box::new(m.mark()));
                }
            } else {
                f.mute = Some(Box::new(m.mark()));
                f.mute_expired = None;
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests;
