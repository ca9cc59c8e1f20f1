//! A set of packages judged against the advisories of their ecosystems: what the code area,
//! the demo and `parapet inspect` all report, in one owned form ([`Vulnerability`]) that
//! inventories, caches and reports can keep.

use std::collections::{BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use super::advisory::Advisory;
use super::matching::vulnerabilities;
use super::versions::Ecosystem;
use crate::domain::finding::Severity;
use crate::domain::packages::extract::Package;

/// One vulnerability of one package: every id of it (aliases merged), how severe the worst
/// of its advisories is, and the lowest version that fixes it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Vulnerability {
    pub ecosystem: Ecosystem,
    pub package: String,
    pub version: String,
    /// Where in the deployment package or layer its metadata file is.
    pub path: String,
    /// The advisories' own ids first, then their aliases, each once.
    pub ids: Vec<String>,
    pub severity: Severity,
    /// The highest CVSS base score among its advisories.
    pub score: Option<f64>,
    pub fixed: Option<String>,
    pub summary: Option<String>,
}

impl Vulnerability {
    /// The id shown first: the advisory's own (a GHSA, PYSEC… id).
    pub fn id(&self) -> &str {
        self.ids.first().map_or("", String::as_str)
    }
}

/// The advisories of one ecosystem, by the normalized names of the packages they affect.
pub struct Judge<'a> {
    ecosystem: Ecosystem,
    by_name: HashMap<String, Vec<&'a Advisory>>,
}

impl<'a> Judge<'a> {
    pub fn new(ecosystem: Ecosystem, advisories: &'a [Advisory]) -> Judge<'a> {
        let mut by_name: HashMap<String, Vec<&'a Advisory>> = HashMap::new();
        for a in advisories {
            let names: BTreeSet<String> = a
                .affected
                .iter()
                .filter_map(|af| af.package.as_ref())
                .filter(|p| Ecosystem::parse(&p.ecosystem) == Some(ecosystem))
                .map(|p| ecosystem.normalize(&p.name))
                .collect();
            for name in names {
                by_name.entry(name).or_default().push(a);
            }
        }
        Judge { ecosystem, by_name }
    }

    /// The vulnerabilities of `p` (a package of this judge's ecosystem), and why any
    /// advisory of its name could not decide (`name@version: ID: reason`).
    pub fn package(&self, p: &Package) -> (Vec<Vulnerability>, Vec<String>) {
        let Some(candidates) = self.by_name.get(&self.ecosystem.normalize(&p.name)) else {
            return (Vec::new(), Vec::new());
        };
        let (matches, undecided) = vulnerabilities(candidates, self.ecosystem, &p.name, &p.version);
        let found = matches
            .iter()
            .map(|m| {
                let (severity, score) = m.severity();
                Vulnerability {
                    ecosystem: self.ecosystem,
                    package: p.name.clone(),
                    version: p.version.clone(),
                    path: p.path.clone(),
                    ids: m.ids().into_iter().map(str::to_string).collect(),
                    severity,
                    score,
                    fixed: m.fixed.clone(),
                    summary: m.summary().map(str::to_string),
                }
            })
            .collect();
        let undecided = undecided
            .into_iter()
            .map(|why| format!("{}@{}: {why}", p.name, p.version))
            .collect();
        (found, undecided)
    }
}

/// The names of `packages` in `ecosystem`: what to look up in its database.
pub fn names(packages: &[Package], ecosystem: Ecosystem) -> BTreeSet<String> {
    packages
        .iter()
        .filter(|p| p.ecosystem == ecosystem)
        .map(|p| p.name.clone())
        .collect()
}
