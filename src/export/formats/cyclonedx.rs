//! CycloneDX 1.6 SBOMs of what deployment packages hold: `parapet inspect --format
//! cyclonedx` (one package and its layers, the BOM's subject) and `parapet scan --code
//! --format cyclonedx` (an account: each function an application component whose nested
//! components are the packages of its package and layers). Each package is one component
//! per subject, by package URL, with where it was found; each vulnerability names its ids,
//! rating, the components it affects and the version that fixes it. Validated in the tests
//! by CycloneDX's own validator (cyclonedx-python-lib).

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::domain::finding::Severity;

/// One package found: its ecosystem as OSV spells it, name, version, package URL, and where
/// (`function.zip: node_modules/lodash/package.json`).
pub struct Package<'a> {
    pub ecosystem: &'a str,
    pub name: &'a str,
    pub version: &'a str,
    pub purl: &'a str,
    pub found_in: String,
}

/// One vulnerability of one package (by its package URL).
pub struct Vulnerability<'a> {
    /// Its own id first, then its aliases.
    pub ids: &'a [String],
    pub purl: &'a str,
    pub package: &'a str,
    pub severity: Severity,
    pub score: Option<f64>,
    pub summary: Option<&'a str>,
    pub fixed: Option<&'a str>,
}

/// The components of `packages`, each package URL once with every place it was found;
/// bom-refs are `prefix` + package URL (unique in the BOM when each subject has its prefix).
pub fn components(packages: &[Package], prefix: &str) -> Vec<Value> {
    let mut by_purl: BTreeMap<&str, (&Package, Vec<Value>)> = BTreeMap::new();
    for p in packages {
        let entry = by_purl.entry(p.purl).or_insert((p, Vec::new()));
        entry
            .1
            .push(json!({"name": "parapet:found-in", "value": p.found_in}));
    }
    by_purl
        .into_iter()
        .map(|(purl, (p, properties))| {
            // Maven's group and npm's scope are CycloneDX's group.
            let split = match p.ecosystem {
                "Maven" => p.name.split_once(':'),
                "npm" if p.name.starts_with('@') => p.name.split_once('/'),
                _ => None,
            };
            let (group, name) = split.map_or((None, p.name), |(g, n)| (Some(g), n));
            let mut c = json!({
                "type": "library",
                "bom-ref": format!("{prefix}{purl}"),
                "name": name,
                "version": p.version,
                "purl": purl,
                "properties": properties,
            });
            if let Some(group) = group {
                c["group"] = json!(group);
            }
            c
        })
        .collect()
}

/// The vulnerabilities, each (id, package URL) once, affecting `prefix` + package URL.
pub fn vulnerabilities(found: &[Vulnerability], prefix: &str) -> Vec<Value> {
    let osv = |id: &str| format!("https://osv.dev/vulnerability/{id}");
    let mut seen = BTreeSet::new();
    found
        .iter()
        .filter(|v| seen.insert((v.ids.first().cloned(), v.purl)))
        .map(|v| {
            let id = v.ids.first().map_or("", String::as_str);
            let mut rating = json!({"severity": v.severity.as_str()});
            if let Some(score) = v.score {
                rating["score"] = json!(score);
            }
            let mut out = json!({
                "bom-ref": format!("{id}@{prefix}{}", v.purl),
                "id": id,
                "source": {"name": "OSV", "url": osv(id)},
                "ratings": [rating],
                "affects": [{"ref": format!("{prefix}{}", v.purl)}],
            });
            let others: Vec<Value> = v
                .ids
                .iter()
                .skip(1)
                .map(|other| json!({"id": other, "source": {"name": "OSV", "url": osv(other)}}))
                .collect();
            if !others.is_empty() {
                out["references"] = json!(others);
            }
            if let Some(summary) = v.summary {
                out["description"] = json!(summary);
            }
            if let Some(fixed) = v.fixed {
                out["recommendation"] =
                    json!(format!("Upgrade {} to {fixed} or later.", v.package));
            }
            out
        })
        .collect()
}

/// The BOM document: `subject` is what it describes (metadata.component).
pub fn document(
    subject: Value,
    components: Vec<Value>,
    vulnerabilities: Vec<Value>,
    now: OffsetDateTime,
) -> Value {
    json!({
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "version": 1,
        "metadata": {
            "timestamp": now.replace_nanosecond(0).unwrap_or(now).format(&Rfc3339).unwrap_or_default(),
            "tools": {"components": [{
                "type": "application",
                "name": "parapet",
                "version": env!("CARGO_PKG_VERSION"),
            }]},
            "component": subject,
        },
        "components": components,
        "vulnerabilities": vulnerabilities,
    })
}

/// The functions the code area read in `inventory`, each an application component (its
/// bom-ref the function's ARN) whose nested components are the packages of its package and
/// layers, and the vulnerabilities of all of them.
pub fn functions(inventory: &crate::domain::inventory::Inventory) -> (Vec<Value>, Vec<Value>) {
    let mut out = Vec::new();
    let mut found_all = Vec::new();
    let index = inventory.code_index();
    for f in &inventory.functions {
        let Some(reports) = index.reports(f) else {
            continue;
        };
        let prefix = format!("{}#", f.arn);
        let mut owned: Vec<(String, String, &crate::domain::packages::Package)> = Vec::new();
        let mut not_read = Vec::new();
        let mut vulnerable: Vec<&crate::domain::osv::Vulnerability> = Vec::new();
        for (place, report) in &reports {
            match report {
                Some(Ok(r)) => {
                    owned.extend(
                        r.contents
                            .packages
                            .iter()
                            .map(|p| (p.purl(), format!("{place}: {}", p.path), p)),
                    );
                    vulnerable.extend(r.vulnerabilities.iter());
                }
                Some(Err(e)) => not_read.push(format!("{place}: {e}")),
                None => not_read.push(format!("{place}: not read")),
            }
        }
        let packages: Vec<Package> = owned
            .iter()
            .map(|(purl, found_in, p)| Package {
                ecosystem: p.ecosystem.osv_name(),
                name: &p.name,
                version: &p.version,
                purl,
                found_in: found_in.clone(),
            })
            .collect();
        let purl_of = |v: &crate::domain::osv::Vulnerability| {
            owned
                .iter()
                .find(|(_, _, p)| {
                    p.ecosystem == v.ecosystem && p.name == v.package && p.version == v.version
                })
                .map(|(purl, _, _)| purl.as_str())
        };
        let found: Vec<Vulnerability> = vulnerable
            .iter()
            .filter_map(|v| {
                Some(Vulnerability {
                    ids: &v.ids,
                    purl: purl_of(v)?,
                    package: &v.package,
                    severity: v.severity,
                    score: v.score,
                    summary: v.summary.as_deref(),
                    fixed: v.fixed.as_deref(),
                })
            })
            .collect();
        found_all.extend(vulnerabilities(&found, &prefix));
        let mut properties = vec![json!({"name": "parapet:region", "value": f.region})];
        properties.extend(
            not_read
                .iter()
                .map(|why| json!({"name": "parapet:not-read", "value": why})),
        );
        out.push(json!({
            "type": "application",
            "bom-ref": f.arn,
            "name": f.name,
            "properties": properties,
            "components": components(&packages, &prefix),
        }));
    }
    (out, found_all)
}
