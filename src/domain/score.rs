//! The score formula of CHECKS.md, computable from a snapshot's findings alone.
//!
//! Weights: critical 10, high 5, medium 3, low 1. Per check, pass rate = pass / (pass + fail)
//! over its resources; the score is the weighted mean of pass rates over checks with at least
//! one pass or fail, ×100, rounded. `unknown` and `muted` stay out and are reported as coverage.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::finding::{Category, Finding, Severity, Status};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// decided (pass + fail) / (pass + fail + unknown), in percent, rounded.
    pub percent: u32,
    pub pass: usize,
    pub fail: usize,
    pub unknown: usize,
    pub muted: usize,
    pub not_applicable: usize,
}

/// Findings (of a check, a resource, a whole assessment) by the status they show.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub fail: usize,
    pub unknown: usize,
    pub pass: usize,
    pub muted: usize,
    pub not_applicable: usize,
}

impl Counts {
    pub fn add(&mut self, status: Status) {
        match status {
            Status::Fail => self.fail += 1,
            Status::Unknown => self.unknown += 1,
            Status::Pass => self.pass += 1,
            Status::Muted => self.muted += 1,
            Status::NotApplicable => self.not_applicable += 1,
        }
    }

    /// Resources the check looked at (everything but not-applicable).
    pub fn total(&self) -> usize {
        self.fail + self.unknown + self.pass + self.muted
    }

    /// The status a whole row shows: any fail fails; else any unknown is unknown; else pass;
    /// else muted; else not applicable.
    pub fn status(&self) -> Status {
        if self.fail > 0 {
            Status::Fail
        } else if self.unknown > 0 {
            Status::Unknown
        } else if self.pass > 0 {
            Status::Pass
        } else if self.muted > 0 {
            Status::Muted
        } else {
            Status::NotApplicable
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Score {
    /// `None` when no check has a decided result yet.
    pub overall: Option<u32>,
    pub grade: Option<char>,
    pub categories: BTreeMap<Category, Option<u32>>,
    pub coverage: Coverage,
}

pub fn grade(score: u32) -> char {
    match score {
        90.. => 'A',
        80..=89 => 'B',
        70..=79 => 'C',
        60..=69 => 'D',
        _ => 'F',
    }
}

/// Weighted mean over checks. `severity_of` gives each check's catalogue severity (findings
/// whose check is unknown to the catalogue use their own severity).
pub fn weighted_score<'a>(
    findings: impl IntoIterator<Item = &'a Finding>,
    severity_of: &dyn Fn(&str) -> Option<Severity>,
) -> Option<u32> {
    let mut per_check: BTreeMap<&str, (usize, usize, Severity)> = BTreeMap::new();
    for f in findings {
        let entry = per_check.entry(&f.check_id).or_insert((
            0,
            0,
            severity_of(&f.check_id).unwrap_or(f.severity),
        ));
        match f.shown() {
            Status::Pass => entry.0 += 1,
            Status::Fail => entry.1 += 1,
            _ => {}
        }
    }
    weighted(per_check.into_values())
}

/// The weighted mean of pass rates over (pass, fail, severity) per check, in their order.
fn weighted(per_check: impl Iterator<Item = (usize, usize, Severity)>) -> Option<u32> {
    let (mut num, mut den) = (0.0f64, 0.0f64);
    for (pass, fail, sev) in per_check {
        if pass + fail == 0 {
            continue;
        }
        let w = f64::from(sev.weight());
        num += w * (pass as f64) / ((pass + fail) as f64);
        den += w;
    }
    (den > 0.0).then(|| (100.0 * num / den).round() as u32)
}

pub fn coverage<'a>(findings: impl IntoIterator<Item = &'a Finding>) -> Coverage {
    let mut counts = Counts::default();
    for f in findings {
        counts.add(f.shown());
    }
    Coverage::of(counts)
}

impl Coverage {
    fn of(c: Counts) -> Coverage {
        Coverage {
            percent: coverage_percent(&c),
            pass: c.pass,
            fail: c.fail,
            unknown: c.unknown,
            muted: c.muted,
            not_applicable: c.not_applicable,
        }
    }
}

fn coverage_percent(c: &Counts) -> u32 {
    let decided = c.pass + c.fail;
    let considered = decided + c.unknown;
    if considered == 0 {
        100
    } else {
        (100.0 * decided as f64 / considered as f64).round() as u32
    }
}

/// The score of `findings` (a slice, or a filtered view of one) in one pass: the same as
/// [`weighted_score`] over all of them and over each category's, and [`coverage`]. One pass
/// with the last check remembered, because a snapshot holds 300,000 findings in runs of the
/// same check.
pub fn score<'a, I>(findings: I, severity_of: &dyn Fn(&str) -> Option<Severity>) -> Score
where
    I: IntoIterator<Item = &'a Finding>,
{
    // Per (category, check), in order of first appearance: pass, fail, and the severity of
    // its first finding (as `weighted_score` takes it).
    let mut tallies: Vec<(Category, &str, usize, usize, Severity)> = Vec::new();
    let mut index: HashMap<(Category, &str), usize> = HashMap::new();
    let mut last: Option<usize> = None;
    let mut counts = Counts::default();
    for f in findings {
        let shown = f.shown();
        counts.add(shown);
        let at = match last {
            Some(i) if tallies[i].0 == f.category && tallies[i].1 == f.check_id.as_str() => i,
            _ => *index.entry((f.category, &f.check_id)).or_insert_with(|| {
                tallies.push((
                    f.category,
                    &f.check_id,
                    0,
                    0,
                    severity_of(&f.check_id).unwrap_or(f.severity),
                ));
                tallies.len() - 1
            }),
        };
        last = Some(at);
        match shown {
            Status::Pass => tallies[at].2 += 1,
            Status::Fail => tallies[at].3 += 1,
            _ => {}
        }
    }
    // Overall, per check: the first appearance's severity, as if the categories were one.
    let mut per_check: BTreeMap<&str, (usize, usize, Severity)> = BTreeMap::new();
    for &(_, check, pass, fail, severity) in &tallies {
        let entry = per_check.entry(check).or_insert((0, 0, severity));
        entry.0 += pass;
        entry.1 += fail;
    }
    let overall = weighted(per_check.values().copied());
    let categories = Category::ALL
        .into_iter()
        .map(|cat| {
            // In check-id order, as `weighted_score` sums them.
            let of_cat: BTreeMap<&str, (usize, usize, Severity)> = tallies
                .iter()
                .filter(|t| t.0 == cat)
                .map(|&(_, check, pass, fail, severity)| (check, (pass, fail, severity)))
                .collect();
            (cat, weighted(of_cat.into_values()))
        })
        .collect();
    Score {
        overall,
        grade: overall.map(grade),
        categories,
        coverage: Coverage::of(counts),
    }
}

#[cfg(test)]
mod tests;
