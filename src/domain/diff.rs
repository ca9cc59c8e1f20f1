//! Drift between two assessments of an account: which findings changed, how, and the score.
//!
//! Findings are matched by (account, check id, region, resource id). A change is one of:
//!
//! - **new failure**: fails now, and before it was absent, unknown, not applicable or muted;
//! - **regression**: a pass that now fails, or a decided finding (pass or fail) that is now
//!   unknown: the account got worse, or Parapet can no longer tell;
//! - **resolved**: failed before, and now passes, is not applicable or is gone;
//! - **improvement**: was unknown and is now decided as pass or not applicable (an unknown
//!   that now fails is a new failure);
//! - **muted**: failed before and is muted now (accepted, not fixed).
//!
//! Everything else (a new resource that passes, a passing resource that went away, a finding
//! that keeps its status) is unchanged. Pure: the CLI (`parapet diff`) and the TUI (baseline
//! markers) render it.

use std::collections::BTreeMap;

use serde::Serialize;

use super::finding::{Finding, Severity, Status};
use super::listed::listed_enum;
use super::snapshot::Snapshot;

listed_enum! {
    /// How a finding changed between the old and the new assessment.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Change {
        NewFailure,
        Regression,
        Resolved,
        Improvement,
        Muted,
    }
}

impl Change {
    pub fn as_str(self) -> &'static str {
        match self {
            Change::NewFailure => "new_failure",
            Change::Regression => "regression",
            Change::Resolved => "resolved",
            Change::Improvement => "improvement",
            Change::Muted => "muted",
        }
    }

    /// Heading of the change's section in text and Markdown.
    pub fn title(self) -> &'static str {
        match self {
            Change::NewFailure => "New failures",
            Change::Regression => "Regressions",
            Change::Resolved => "Resolved failures",
            Change::Improvement => "Improvements",
            Change::Muted => "Newly muted",
        }
    }

    /// A marker for the TUI's baseline view: glyph and word, never colour alone.
    pub fn marker(self) -> &'static str {
        match self {
            Change::NewFailure => "+NEW",
            Change::Regression => "▼REG",
            Change::Resolved => "✔FIXED",
            Change::Improvement => "▲IMP",
            Change::Muted => "–MUTED",
        }
    }

    /// What changing from `old` to `new` is, if anything.
    pub fn of(old: Option<Status>, new: Option<Status>) -> Option<Change> {
        use Status::*;
        match (old, new) {
            (Some(Pass), Some(Fail)) => Some(Change::Regression),
            (o, Some(Fail)) if o != Some(Fail) => Some(Change::NewFailure),
            (Some(Fail), Some(Pass | NotApplicable) | None) => Some(Change::Resolved),
            (Some(Fail), Some(Muted)) => Some(Change::Muted),
            (Some(Pass | Fail), Some(Unknown)) => Some(Change::Regression),
            (Some(Unknown), Some(Pass | NotApplicable)) => Some(Change::Improvement),
            _ => None,
        }
    }

    /// Whether this change puts a failing finding where there was none (what
    /// `--fail-on-new` gates on).
    pub fn is_new_failure(self, new: Option<Status>) -> bool {
        match self {
            Change::NewFailure => true,
            Change::Regression => new == Some(Status::Fail),
            _ => false,
        }
    }
}

/// The key findings are matched by: account, check, region, resource.
pub type Key = (String, String, String, String);

pub fn key(f: &Finding) -> Key {
    (
        f.account_id.to_string(),
        f.check_id.to_string(),
        f.region.to_string(),
        f.resource_id.to_string(),
    )
}

/// One changed finding.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Changed {
    pub change: Change,
    pub account_id: String,
    pub check_id: String,
    pub severity: Severity,
    pub region: String,
    pub resource_id: String,
    pub resource_name: String,
    /// `None`: the finding was not in the old assessment.
    pub old: Option<Status>,
    /// `None`: the finding is not in the new assessment (the resource went away).
    pub new: Option<Status>,
    /// The new finding's message (the old one's when it went away).
    pub message: String,
}

/// The changes between two sets of findings, most urgent first (by change, then severity,
/// check and resource).
pub fn changes(old: &[Finding], new: &[Finding]) -> Vec<Changed> {
    let old_by_key: BTreeMap<Key, &Finding> = old.iter().map(|f| (key(f), f)).collect();
    let new_by_key: BTreeMap<Key, &Finding> = new.iter().map(|f| (key(f), f)).collect();
    let mut out = Vec::new();
    for (k, n) in &new_by_key {
        let o = old_by_key.get(k);
        if let Some(change) = Change::of(o.map(|f| f.shown()), Some(n.shown())) {
            out.push(changed(change, n, o.map(|f| f.shown()), Some(n.shown())));
        }
    }
    for (k, o) in &old_by_key {
        if !new_by_key.contains_key(k)
            && let Some(change) = Change::of(Some(o.shown()), None)
        {
            out.push(changed(change, o, Some(o.shown()), None));
        }
    }
    out.sort_by(|a, b| {
        (
            a.change,
            a.severity,
            &a.check_id,
            &a.region,
            &a.resource_name,
        )
            .cmp(&(
                b.change,
                b.severity,
                &b.check_id,
                &b.region,
                &b.resource_name,
            ))
    });
    out
}

fn changed(change: Change, f: &Finding, old: Option<Status>, new: Option<Status>) -> Changed {
    Changed {
        change,
        account_id: f.account_id.to_string(),
        check_id: f.check_id.to_string(),
        severity: f.severity,
        region: f.region.to_string(),
        resource_id: f.resource_id.to_string(),
        resource_name: f.resource_name.to_string(),
        old,
        new,
        message: f.message.to_string(),
    }
}

/// The changes that put a failing finding at `at_least` or worse where there was none.
pub fn new_failures_at(changes: &[Changed], at_least: Severity) -> Vec<&Changed> {
    changes
        .iter()
        .filter(|c| c.change.is_new_failure(c.new) && c.severity <= at_least)
        .collect()
}

/// The change of each finding of `new` against `baseline`, for markers, plus the findings
/// that went away resolved (keyed as they were).
pub fn markers(baseline: &[Finding], new: &[Finding]) -> BTreeMap<Key, Change> {
    changes(baseline, new)
        .into_iter()
        .map(|c| {
            (
                (c.account_id, c.check_id, c.region, c.resource_id),
                c.change,
            )
        })
        .collect()
}

/// One side of a drift: the snapshot's account, time, score and coverage.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Side {
    /// The account ids, comma-separated (one for a one-account snapshot).
    pub account: String,
    /// RFC 3339.
    pub generated_at: String,
    pub score: Option<u32>,
    pub grade: Option<String>,
    pub coverage_percent: u32,
    pub findings: usize,
}

impl Side {
    fn of(s: &Snapshot) -> Side {
        Side {
            account: s
                .accounts
                .iter()
                .map(|a| a.id.as_str())
                .collect::<Vec<_>>()
                .join(","),
            generated_at: s
                .generated_at
                .format(&time::format_description::well_known::Rfc3339)
                .unwrap_or_default(),
            score: s.score.overall,
            grade: s.score.grade.clone(),
            coverage_percent: s.coverage.percent,
            findings: s.findings.len(),
        }
    }
}

/// Everything `parapet diff` reports: both sides, the score delta, counts per change and the
/// changes themselves (`--format json` is this, serialized).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Drift {
    pub old: Side,
    pub new: Side,
    /// New score minus old; `None` when either has no score.
    pub score_delta: Option<i64>,
    /// Every change, with 0 for those that did not occur.
    pub counts: BTreeMap<Change, usize>,
    pub changes: Vec<Changed>,
}

impl Drift {
    pub fn between(old: &Snapshot, new: &Snapshot) -> Drift {
        let changes = changes(&old.findings, &new.findings);
        let mut counts: BTreeMap<Change, usize> = Change::ALL.iter().map(|c| (*c, 0)).collect();
        for c in &changes {
            *counts.entry(c.change).or_default() += 1;
        }
        Drift {
            old: Side::of(old),
            new: Side::of(new),
            score_delta: old
                .score
                .overall
                .zip(new.score.overall)
                .map(|(o, n)| i64::from(n) - i64::from(o)),
            counts,
            changes,
        }
    }

    pub fn of(&self, change: Change) -> impl Iterator<Item = &Changed> {
        self.changes.iter().filter(move |c| c.change == change)
    }
}

#[cfg(test)]
mod tests;
