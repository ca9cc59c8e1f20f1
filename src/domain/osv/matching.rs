//! Whether an advisory affects a package at a version, by the OSV schema's evaluation
//! algorithm (`IsVulnerable`, schema 1.6 "Evaluation"): a version is affected when it is
//! listed in `versions` or lies in one of the `ranges`. A range's events, sorted by version
//! (`introduced: "0"` first), are walked in order: at or past an `introduced` the version is
//! affected, at or past a `fixed` or past a `last_affected` it is not; a range with `limit`
//! events only counts below one of them. Withdrawn advisories affect nothing.

use std::cmp::Ordering;

use super::advisory::{Advisory, Affected, Event, Range, RangeKind};
use super::versions::{Ecosystem, Scheme};

/// What an advisory says of one package version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Affected {
        /// The lowest `fixed` version above the package's in the range that matched, if any.
        fixed: Option<String>,
    },
    NotAffected,
    /// A version (the package's, or one of the advisory's bounds it had to compare with)
    /// could not be read in the ecosystem's order, so nothing can be said.
    Undecided(String),
}

/// Does `advisory` affect package `name` of `ecosystem` at `version`?
pub fn verdict(advisory: &Advisory, ecosystem: Ecosystem, name: &str, version: &str) -> Verdict {
    if advisory.withdrawn.is_some() {
        return Verdict::NotAffected;
    }
    let mut undecided = None;
    for affected in &advisory.affected {
        let Some(package) = &affected.package else {
            continue;
        };
        if Ecosystem::parse(&package.ecosystem) != Some(ecosystem)
            || !ecosystem.same_name(&package.name, name)
        {
            continue;
        }
        match in_affected(affected, ecosystem, version) {
            Verdict::NotAffected => {}
            Verdict::Undecided(why) => undecided = Some(why),
            hit => return hit,
        }
    }
    match undecided {
        Some(why) => Verdict::Undecided(why),
        None => Verdict::NotAffected,
    }
}

fn in_affected(affected: &Affected, ecosystem: Ecosystem, version: &str) -> Verdict {
    let listed = affected
        .versions
        .iter()
        .any(|v| ecosystem.scheme().equal(v, version));
    let mut undecided = None;
    for range in &affected.ranges {
        let scheme = match range.kind {
            RangeKind::Semver => Scheme::SemVer,
            RangeKind::Ecosystem => ecosystem.scheme(),
            // Commit ranges need the repository; the `versions` list covers them.
            RangeKind::Git | RangeKind::Other => continue,
        };
        match in_range(range, scheme, version) {
            Ok(Some(fixed)) => return Verdict::Affected { fixed },
            Ok(None) => {}
            Err(why) => undecided = Some(why),
        }
    }
    if listed {
        return Verdict::Affected {
            fixed: first_fixed_above(affected, ecosystem, version),
        };
    }
    match undecided {
        Some(why) => Verdict::Undecided(why),
        None => Verdict::NotAffected,
    }
}

/// `Ok(Some(fixed))` when `version` lies in `range` (with the lowest fix above it, if any),
/// `Ok(None)` when not, `Err` when a version could not be ordered.
fn in_range(
    range: &Range,
    scheme: Scheme,
    version: &str,
) -> Result<Option<Option<String>>, String> {
    let cmp = |a: &str, b: &str| -> Result<Ordering, String> {
        scheme
            .compare(a, b)
            .ok_or_else(|| format!("cannot order {a:?} and {b:?} as {} versions", scheme.name()))
    };
    // BeforeLimits: with limit events, only versions below one of them are in range.
    let limits: Vec<&str> = range
        .events
        .iter()
        .filter_map(|e| match e {
            Event::Limit(v) => Some(v.as_str()),
            _ => None,
        })
        .collect();
    if !limits.is_empty() {
        let mut below = false;
        for limit in limits {
            if limit.contains('*') || cmp(version, limit)? == Ordering::Less {
                below = true;
                break;
            }
        }
        if !below {
            return Ok(None);
        }
    }
    let mut events: Vec<&Event> = range
        .events
        .iter()
        .filter(|e| !matches!(e, Event::Limit(_) | Event::Unknown))
        .collect();
    // Sorted by version, "0" before everything; equal versions keep their order.
    let mut failed = None;
    events.sort_by(|a, b| {
        let (a, b) = (a.version().unwrap_or("0"), b.version().unwrap_or("0"));
        match (a == "0", b == "0") {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
            (false, false) => scheme.compare(a, b).unwrap_or_else(|| {
                failed.get_or_insert_with(|| {
                    format!("cannot order {a:?} and {b:?} as {} versions", scheme.name())
                });
                Ordering::Equal
            }),
        }
    });
    if let Some(why) = failed {
        return Err(why);
    }
    let mut vulnerable = false;
    for event in &events {
        match event {
            Event::Introduced(v) => {
                if v == "0" || cmp(version, v)? != Ordering::Less {
                    vulnerable = true;
                }
            }
            Event::Fixed(v) => {
                if cmp(version, v)? != Ordering::Less {
                    vulnerable = false;
                }
            }
            Event::LastAffected(v) => {
                if cmp(version, v)? == Ordering::Greater {
                    vulnerable = false;
                }
            }
            Event::Limit(_) | Event::Unknown => {}
        }
    }
    if !vulnerable {
        return Ok(None);
    }
    // The first fix above the version: the next `fixed` in the timeline.
    let mut fixed = None;
    for event in &events {
        if let Event::Fixed(v) = event
            && cmp(version, v)? == Ordering::Less
        {
            fixed = Some(v.clone());
            break;
        }
    }
    Ok(Some(fixed))
}

/// For a version listed one by one: the lowest `fixed` of the package's ranges above it.
fn first_fixed_above(affected: &Affected, ecosystem: Ecosystem, version: &str) -> Option<String> {
    let scheme = ecosystem.scheme();
    affected
        .ranges
        .iter()
        .flat_map(|r| &r.events)
        .filter_map(|e| match e {
            Event::Fixed(v) if scheme.compare(version, v) == Some(Ordering::Less) => Some(v),
            _ => None,
        })
        .min_by(|a, b| scheme.compare(a, b).unwrap_or(Ordering::Equal))
        .cloned()
}

/// One vulnerability found in a package: the advisories that describe it (the same
/// vulnerability in several databases, linked by their aliases) and the lowest fixed
/// version any of them names above the package's.
#[derive(Clone, Debug)]
pub struct Match<'a> {
    pub advisories: Vec<&'a Advisory>,
    pub fixed: Option<String>,
}

impl Match<'_> {
    /// Every id of the vulnerability, each once: the advisories' own ids first, then their
    /// aliases, in the order met.
    pub fn ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::new();
        let own = self.advisories.iter().map(|a| a.id.as_str());
        let aliases = self
            .advisories
            .iter()
            .flat_map(|a| a.aliases.iter())
            .map(String::as_str);
        for id in own.chain(aliases) {
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        ids
    }
}

/// The advisories that affect one package version, each vulnerability once: advisories that
/// share an id (one's id is another's alias, or both name the same CVE) are one match.
pub fn merge<'a>(found: Vec<(&'a Advisory, Option<String>)>, scheme: Scheme) -> Vec<Match<'a>> {
    let mut out: Vec<Match<'a>> = Vec::new();
    for (advisory, fixed) in found {
        let same: Vec<usize> = out
            .iter()
            .enumerate()
            .filter(|(_, m)| {
                m.advisories
                    .iter()
                    .any(|a| a.ids().any(|id| advisory.ids().any(|other| other == id)))
            })
            .map(|(i, _)| i)
            .collect();
        let mut merged = Match {
            advisories: vec![advisory],
            fixed,
        };
        // An advisory can join two matches that were apart until now.
        for i in same.into_iter().rev() {
            let m = out.remove(i);
            merged.fixed = lower(merged.fixed, m.fixed, scheme);
            let mut advisories = m.advisories;
            advisories.append(&mut merged.advisories);
            merged.advisories = advisories;
        }
        out.push(merged);
    }
    out
}

fn lower(a: Option<String>, b: Option<String>, scheme: Scheme) -> Option<String> {
    match (a, b) {
        (Some(a), Some(b)) => Some(if scheme.compare(&b, &a) == Some(Ordering::Less) {
            b
        } else {
            a
        }),
        (a, b) => a.or(b),
    }
}

impl Match<'_> {
    /// The worst of its advisories' severities, with the highest base score among them.
    pub fn severity(&self) -> (crate::domain::finding::Severity, Option<f64>) {
        let rated: Vec<_> = self
            .advisories
            .iter()
            .map(|a| super::severity::of_advisory(a))
            .collect();
        let severity = rated
            .iter()
            .map(|(s, _)| *s)
            .min()
            .unwrap_or(crate::domain::finding::Severity::High);
        let score = rated
            .iter()
            .filter_map(|(_, s)| *s)
            .fold(None, |best: Option<f64>, s| {
                Some(best.map_or(s, |b| b.max(s)))
            });
        (severity, score)
    }

    /// The first summary any of its advisories gives.
    pub fn summary(&self) -> Option<&str> {
        self.advisories
            .iter()
            .find_map(|a| a.summary.as_deref())
            .map(str::trim)
            .filter(|s| !s.is_empty())
    }
}

/// The vulnerabilities of package `name` at `version` among `advisories`, each once (aliases
/// merged), and why any advisory could not decide.
pub fn vulnerabilities<'a>(
    advisories: &[&'a Advisory],
    ecosystem: Ecosystem,
    name: &str,
    version: &str,
) -> (Vec<Match<'a>>, Vec<String>) {
    let mut found = Vec::new();
    let mut undecided = Vec::new();
    for &a in advisories {
        match verdict(a, ecosystem, name, version) {
            Verdict::Affected { fixed } => found.push((a, fixed)),
            Verdict::NotAffected => {}
            Verdict::Undecided(why) => undecided.push(format!("{}: {why}", a.id)),
        }
    }
    (merge(found, ecosystem.scheme()), undecided)
}
