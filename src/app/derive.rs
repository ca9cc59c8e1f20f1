//! What the screens show, derived from the assessment once per change (not per frame):
//! one row per check and per resource with counts, status, impact and finding indices.

use std::collections::{BTreeMap, HashMap};

use crate::domain::checks;
use crate::domain::finding::{Category, Finding, ResourceKind, Service, Severity, Status};
use crate::domain::inventory::Area;
use crate::domain::score::{self, Score};

pub use crate::domain::score::Counts;

#[derive(Clone, Debug, PartialEq)]
pub struct CheckRow {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub category: Category,
    pub service: Service,
    pub status: Status,
    pub counts: Counts,
    /// Score points gained if every failing resource of this check passed.
    pub impact: f64,
    /// Indices into `assessment.findings`, worst first.
    pub findings: Vec<usize>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ResourceRow {
    pub id: String,
    pub name: String,
    pub kind: ResourceKind,
    pub service: Service,
    pub region: String,
    pub counts: Counts,
    /// Sum of the severity weights of failing findings (sort key "worst first").
    pub risk: u32,
    pub worst: Option<Severity>,
    /// Indices into `assessment.findings`, worst first.
    pub findings: Vec<usize>,
}

/// How far an account's collection got: what the Organization overview's last column shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum AccountState {
    /// Could not be scanned at all (its role, its credentials): see `error`.
    NotScanned,
    Failed,
    Partial,
    Collecting,
    Ok,
}

impl AccountState {
    pub fn label(self) -> &'static str {
        match self {
            AccountState::NotScanned => "✘ not scanned",
            AccountState::Failed => "✘ failed",
            AccountState::Partial => "◐ partial",
            AccountState::Collecting => "⟳ collecting",
            AccountState::Ok => "✔ ok",
        }
    }
}

/// One account of the Organization overview.
#[derive(Clone, Debug, PartialEq)]
pub struct AccountRow {
    pub id: String,
    /// The account's name, profile, or id.
    pub name: String,
    pub score: Option<u32>,
    pub grade: Option<char>,
    /// Failing findings of critical and of high severity.
    pub critical: usize,
    pub high: usize,
    pub coverage: u32,
    pub findings: usize,
    pub state: AccountState,
    /// Why it could not be scanned, with what to do.
    pub error: Option<String>,
}

/// Everything the screens list, for the current region (and account) filter.
#[derive(Clone, Debug, PartialEq)]
pub struct Derived {
    pub checks: Vec<CheckRow>,
    pub resources: Vec<ResourceRow>,
    pub score: Score,
    /// One row per account, for several accounts (empty for one: no screen shows it).
    pub accounts: Vec<AccountRow>,
}

impl Default for Derived {
    fn default() -> Self {
        derive(&[], None)
    }
}

/// The Organization overview's rows: each account's score, failures and coverage over its
/// findings in `region` (all regions when `None`), and how its collection went.
pub fn account_rows(
    findings: &[Finding],
    region: Option<&str>,
    accounts: &[crate::domain::accounts::Account],
) -> Vec<AccountRow> {
    use crate::domain::collection::CollectionState;
    let severity_of = |id: &str| checks::find(id).map(|c| c.severity);
    let mut by_account: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
    for f in findings
        .iter()
        .filter(|f| region.is_none_or(|r| f.region == r))
    {
        by_account.entry(f.account_id.as_str()).or_default().push(f);
    }
    accounts
        .iter()
        .map(|account| {
            let a = &account.info;
            let own = by_account.remove(a.id.as_str()).unwrap_or_default();
            let s = score::score(own.iter().copied(), &severity_of);
            let failing = |sev: Severity| {
                own.iter()
                    .filter(|f| f.shown() == Status::Fail && f.severity == sev)
                    .count()
            };
            let statuses = account.statuses();
            let state = if a.error.is_some() {
                AccountState::NotScanned
            } else {
                statuses
                    .map(|c| match c.status {
                        CollectionState::Failed => AccountState::Failed,
                        CollectionState::Partial => AccountState::Partial,
                        CollectionState::Pending | CollectionState::Running => {
                            AccountState::Collecting
                        }
                        CollectionState::Ok => AccountState::Ok,
                    })
                    .min()
                    .unwrap_or(AccountState::Collecting)
            };
            AccountRow {
                id: a.id.clone(),
                name: a.label().to_string(),
                score: s.overall,
                grade: s.grade,
                critical: failing(Severity::Critical),
                high: failing(Severity::High),
                coverage: s.coverage.percent,
                findings: own.len(),
                state,
                error: a
                    .error
                    .as_ref()
                    .map(|e| format!("{} — {}", e.message, e.hint)),
            }
        })
        .collect()
}

/// Worst first: fail, unknown, muted, pass, not applicable.
pub fn status_rank(s: Status) -> u8 {
    match s {
        Status::Fail => 0,
        Status::Unknown => 1,
        Status::Muted => 2,
        Status::Pass => 3,
        Status::NotApplicable => 4,
    }
}

/// The poll area that collects the data a check decides on (what `r` refreshes): the first
/// its catalogue entry names; a check this version does not know refreshes everything.
pub fn area_of_check(check_id: &str) -> Option<Area> {
    checks::find(check_id).and_then(|def| def.areas.first().copied())
}

/// Builds rows from findings, keeping only `region` when given.
pub fn derive(findings: &[Finding], region: Option<&str>) -> Derived {
    derive_in(findings, region, None)
}

/// [`derive`], keeping only `account`'s findings when given.
/// The indices `visible` grouped by `key`, groups in order of first appearance. Hashed, with
/// the last group remembered: a snapshot's findings come in runs of one check or resource,
/// and ordered maps spent most of a 300,000-finding open comparing ARNs.
fn group_by<'a>(
    findings: &'a [Finding],
    visible: &[usize],
    key: impl Fn(&'a Finding) -> &'a str,
) -> impl Iterator<Item = (&'a str, Vec<usize>)> {
    let mut at: HashMap<&str, usize> = HashMap::new();
    let mut groups: Vec<(&str, Vec<usize>)> = Vec::new();
    let mut last: Option<usize> = None;
    for &i in visible {
        let k = key(&findings[i]);
        let g = match last {
            Some(g) if groups[g].0 == k => g,
            _ => *at.entry(k).or_insert_with(|| {
                groups.push((k, Vec::new()));
                groups.len() - 1
            }),
        };
        groups[g].1.push(i);
        last = Some(g);
    }
    groups.into_iter()
}

pub fn derive_in(findings: &[Finding], region: Option<&str>, account: Option<&str>) -> Derived {
    let in_view = |f: &Finding| {
        region.is_none_or(|r| f.region == r) && account.is_none_or(|a| f.account_id == a)
    };
    let severity_of = |id: &str| checks::find(id).map(|c| c.severity);
    let visible: Vec<usize> = (0..findings.len())
        .filter(|&i| in_view(&findings[i]))
        .collect();
    let worst_first = |a: &usize, b: &usize| {
        let (fa, fb) = (&findings[*a], &findings[*b]);
        status_rank(fa.shown())
            .cmp(&status_rank(fb.shown()))
            .then(fa.severity.cmp(&fb.severity))
            .then_with(|| fa.resource_name.cmp(&fb.resource_name))
            .then_with(|| fa.check_id.cmp(&fb.check_id))
    };

    // Checks: the catalogue in category order, then ids only the findings know (a snapshot
    // from a newer version).
    let mut by_check: HashMap<&str, Vec<usize>> =
        group_by(findings, &visible, |f| &f.check_id).collect();
    let mut rows: Vec<CheckRow> = checks::catalogue()
        .iter()
        .map(|def| CheckRow {
            id: def.id.to_string(),
            title: def.title.to_string(),
            severity: def.severity,
            category: def.category,
            service: def.service,
            status: Status::NotApplicable,
            counts: Counts::default(),
            impact: 0.0,
            findings: by_check.remove(def.id).unwrap_or_default(),
        })
        .collect();
    let mut unknown_ids: Vec<(&str, Vec<usize>)> = by_check.into_iter().collect();
    unknown_ids.sort_unstable_by(|a, b| a.0.cmp(b.0));
    for (id, idx) in unknown_ids {
        let f = &findings[idx[0]];
        rows.push(CheckRow {
            id: id.to_string(),
            title: id.to_string(),
            severity: f.severity,
            category: f.category,
            service: f.service,
            status: Status::NotApplicable,
            counts: Counts::default(),
            impact: 0.0,
            findings: idx,
        });
    }
    rows.sort_by_key(|r| r.category);
    let mut weight_sum = 0.0;
    for row in &mut rows {
        for &i in &row.findings {
            row.counts.add(findings[i].shown());
        }
        row.findings.sort_by(worst_first);
        row.status = row.counts.status();
        if row.counts.pass + row.counts.fail > 0 {
            weight_sum += f64::from(row.severity.weight());
        }
    }
    for row in &mut rows {
        let decided = row.counts.pass + row.counts.fail;
        if decided > 0 && weight_sum > 0.0 {
            row.impact = 100.0 * f64::from(row.severity.weight()) * row.counts.fail as f64
                / decided as f64
                / weight_sum;
        }
    }

    // Resources: one row per resource id.
    let mut by_resource: Vec<(&str, Vec<usize>)> =
        group_by(findings, &visible, |f| &f.resource_id).collect();
    by_resource.sort_unstable_by(|a, b| a.0.cmp(b.0));
    let resources = by_resource
        .into_iter()
        .map(|(id, mut idx)| {
            idx.sort_by(worst_first);
            let first = &findings[idx[0]];
            let mut counts = Counts::default();
            let mut risk = 0;
            let mut worst: Option<Severity> = None;
            for &i in &idx {
                let f = &findings[i];
                counts.add(f.shown());
                if f.shown() == Status::Fail {
                    risk += f.severity.weight();
                    worst = Some(worst.map_or(f.severity, |w| w.min(f.severity)));
                }
            }
            ResourceRow {
                id: id.to_string(),
                name: first.resource_name.to_string(),
                kind: checks::resource_kind(first),
                service: first.service,
                region: first.region.to_string(),
                counts,
                risk,
                worst,
                findings: idx,
            }
        })
        .collect();

    let score = score::score(visible.iter().map(|&i| &findings[i]), &severity_of);
    Derived {
        checks: rows,
        resources,
        score,
        accounts: Vec::new(),
    }
}

#[cfg(test)]
mod tests;
