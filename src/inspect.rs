//! `parapet inspect`: what `--code` sees inside a function, run on local deployment packages
//! (a function's zip and its layers) before they are deployed: the packages they hold, the
//! OSV advisories that affect them and the credentials committed in their files, as JSON or
//! Markdown, gated by `--fail-on`.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::domain::finding::Severity;
use crate::domain::osv::{self, Ecosystem};
use crate::domain::packages::{self, Limits, Package};
use crate::domain::text::printable;
use crate::export;
use crate::export::formats::{markdown_cell as cell, markdown_code as code};
use crate::osv_db::{DbError, OsvDb};

/// The largest package read: Lambda's limit on what a function's code unzips to, which its
/// zip cannot exceed.
pub const PACKAGE_CAP: u64 = 262_144_000;

/// What was inspected, found and could not be decided.
#[derive(Debug, Serialize)]
pub struct Report {
    pub inspected: Vec<Inspected>,
    pub database: Database,
    /// Vulnerable packages, most severe first.
    pub vulnerable: Vec<Vulnerable>,
    /// Credentials in the packages' files (critical, as `code.secrets-in-package`).
    pub secrets: Vec<Secret>,
    /// What could not be decided (no usable database, a version that cannot be ordered).
    pub unknown: Vec<Unknown>,
    pub packages: Vec<Listed>,
}

#[derive(Debug, Serialize)]
pub struct Inspected {
    pub file: String,
    /// `function` or `layer`.
    pub kind: &'static str,
    pub packages: usize,
}

#[derive(Debug, Serialize)]
pub struct Database {
    pub dir: String,
    pub ecosystems: Vec<DatabaseStatus>,
}

#[derive(Debug, Serialize)]
pub struct DatabaseStatus {
    pub ecosystem: String,
    pub advisories: Option<usize>,
    pub newest: Option<String>,
    pub age_days: Option<i64>,
}

#[derive(Debug, Serialize)]
pub struct Listed {
    pub file: String,
    pub ecosystem: String,
    pub name: String,
    pub version: String,
    pub path: String,
    pub purl: String,
}

#[derive(Debug, Serialize)]
pub struct Vulnerable {
    pub file: String,
    pub ecosystem: String,
    pub package: String,
    pub version: String,
    pub path: String,
    pub purl: String,
    pub severity: Severity,
    pub score: Option<f64>,
    /// Every id of the vulnerability (its advisories' and their aliases), each once.
    pub ids: Vec<String>,
    /// The lowest version that fixes it, if one does.
    pub fixed: Option<String>,
    pub summary: Option<String>,
}

/// A credential in a file: where, and which detector; never the value, at most its first
/// four characters.
#[derive(Debug, Serialize)]
pub struct Secret {
    pub file: String,
    pub path: String,
    pub line: usize,
    pub detector: String,
    pub masked: String,
}

#[derive(Debug, Serialize)]
pub struct Unknown {
    pub ecosystem: String,
    pub reason: String,
}

/// How the report meets `--fail-on`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gate {
    Pass,
    /// A vulnerable package at the threshold or worse.
    Breached,
    /// Nothing breached, but something could not be decided: not a pass.
    Undecided,
}

fn clean(s: &str) -> String {
    printable(s, &[]).into_owned()
}

/// Reads `package` and `layers`, and matches what they hold against `db` at `now`.
pub fn inspect(
    package: &Path,
    layers: &[PathBuf],
    db: &OsvDb,
    now: OffsetDateTime,
) -> anyhow::Result<Report> {
    let mut files: Vec<(String, &'static str, Vec<Package>)> = Vec::new();
    let mut secrets = Vec::new();
    let inputs =
        std::iter::once((package, "function")).chain(layers.iter().map(|l| (l.as_path(), "layer")));
    for (path, kind) in inputs {
        let bytes =
            export::read_bytes(path, PACKAGE_CAP).map_err(|e| export::ExportError::new(path, e))?;
        let contents = packages::contents(&bytes, Limits::default())
            .map_err(|e| anyhow::anyhow!("{}: {e}", path.display()))?;
        let file = clean(&path.display().to_string());
        secrets.extend(contents.secrets.into_iter().map(|s| Secret {
            file: file.clone(),
            path: clean(&s.path),
            line: s.line,
            detector: s.detector,
            masked: clean(&s.masked),
        }));
        files.push((file, kind, contents.packages));
    }
    let ecosystems: BTreeSet<Ecosystem> = files
        .iter()
        .flat_map(|(_, _, p)| p.iter().map(|p| p.ecosystem))
        .collect();
    let mut report = Report {
        inspected: files
            .iter()
            .map(|(file, kind, p)| Inspected {
                file: file.clone(),
                kind,
                packages: p.len(),
            })
            .collect(),
        database: Database {
            dir: clean(&db.dir.display().to_string()),
            ecosystems: Vec::new(),
        },
        vulnerable: Vec::new(),
        secrets,
        unknown: Vec::new(),
        packages: Vec::new(),
    };
    for ecosystem in ecosystems {
        let of_eco: Vec<(&String, &Package)> = files
            .iter()
            .flat_map(|(file, _, p)| p.iter().map(move |p| (file, p)))
            .filter(|(_, p)| p.ecosystem == ecosystem)
            .collect();
        let names: BTreeSet<String> = of_eco.iter().map(|(_, p)| p.name.clone()).collect();
        let (status, found) = db.lookup(ecosystem, &names, now);
        report.database.ecosystems.push(DatabaseStatus {
            ecosystem: ecosystem.to_string(),
            advisories: status.advisories,
            newest: status.newest.and_then(|n| n.format(&Rfc3339).ok()),
            age_days: status.age_days(now),
        });
        let advisories = match found {
            Ok(a) => a,
            Err(e) => {
                report.unknown.push(unknown(ecosystem, &e));
                continue;
            }
        };
        let judge = osv::Judge::new(ecosystem, &advisories);
        for (file, p) in of_eco {
            let (found, undecided) = judge.package(p);
            report
                .unknown
                .extend(undecided.into_iter().map(|why| Unknown {
                    ecosystem: ecosystem.to_string(),
                    reason: clean(&format!("{why} (in {file})")),
                }));
            report
                .vulnerable
                .extend(found.into_iter().map(|v| Vulnerable {
                    file: file.clone(),
                    ecosystem: ecosystem.to_string(),
                    package: clean(&v.package),
                    version: clean(&v.version),
                    path: clean(&v.path),
                    purl: clean(&p.purl()),
                    severity: v.severity,
                    score: v.score,
                    ids: v.ids.iter().map(|id| clean(id)).collect(),
                    fixed: v.fixed.as_deref().map(clean),
                    summary: v.summary.as_deref().map(clean),
                }));
        }
    }
    for (file, _, found) in &files {
        report.packages.extend(found.iter().map(|p| Listed {
            file: file.clone(),
            ecosystem: p.ecosystem.to_string(),
            name: clean(&p.name),
            version: clean(&p.version),
            path: clean(&p.path),
            purl: clean(&p.purl()),
        }));
    }
    report.vulnerable.sort_by(|a, b| {
        (a.severity, &a.package, &a.version, &a.file)
            .cmp(&(b.severity, &b.package, &b.version, &b.file))
    });
    Ok(report)
}

fn unknown(ecosystem: Ecosystem, e: &DbError) -> Unknown {
    Unknown {
        ecosystem: ecosystem.to_string(),
        reason: clean(&e.to_string()),
    }
}

impl Report {
    pub fn gate(&self, fail_on: Severity) -> Gate {
        // A committed credential is critical: it breaches every threshold.
        if !self.secrets.is_empty() || self.vulnerable.iter().any(|v| v.severity <= fail_on) {
            Gate::Breached
        } else if !self.unknown.is_empty() {
            Gate::Undecided
        } else {
            Gate::Pass
        }
    }

    pub fn write_json(&self, w: &mut dyn Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *w, self)?;
        w.write_all(b"\n")
    }

    /// The packages as a CycloneDX 1.6 SBOM: the function as the BOM's subject, each package
    /// once (by package URL) with where it was found, and every vulnerability with its ids,
    /// rating, the package it affects and the version that fixes it.
    pub fn cyclonedx(&self, now: OffsetDateTime) -> serde_json::Value {
        use crate::export::formats::cyclonedx;
        use serde_json::json;
        let packages: Vec<cyclonedx::Package> = self
            .packages
            .iter()
            .map(|p| cyclonedx::Package {
                ecosystem: &p.ecosystem,
                name: &p.name,
                version: &p.version,
                purl: &p.purl,
                found_in: format!("{}: {}", p.file, p.path),
            })
            .collect();
        let found: Vec<cyclonedx::Vulnerability> = self
            .vulnerable
            .iter()
            .map(|v| cyclonedx::Vulnerability {
                ids: &v.ids,
                purl: &v.purl,
                package: &v.package,
                severity: v.severity,
                score: v.score,
                summary: v.summary.as_deref(),
                fixed: v.fixed.as_deref(),
            })
            .collect();
        let subject = self
            .inspected
            .first()
            .map_or("package", |i| i.file.as_str());
        let subject = json!({
            "type": "application",
            "bom-ref": "function",
            "name": subject,
            "properties": self.inspected.iter().map(|i| json!({
                "name": format!("parapet:{}", i.kind),
                "value": i.file,
            })).collect::<Vec<_>>(),
        });
        cyclonedx::document(
            subject,
            cyclonedx::components(&packages, ""),
            cyclonedx::vulnerabilities(&found, ""),
            now,
        )
    }

    pub fn markdown(&self) -> String {
        let mut md = String::from("# Parapet inspect\n\n");
        let files: Vec<String> = self
            .inspected
            .iter()
            .map(|i| {
                let s = if i.packages == 1 { "" } else { "s" };
                format!("{} ({}, {} package{s})", code(&i.file), i.kind, i.packages)
            })
            .collect();
        md.push_str(&format!("Inspected {}.\n\n", files.join(", ")));
        if self.vulnerable.is_empty() {
            md.push_str("No package is affected by a known advisory.\n");
        } else {
            md.push_str(&format!(
                "**{} vulnerable package{}**\n\n",
                self.vulnerable.len(),
                if self.vulnerable.len() == 1 { "" } else { "s" }
            ));
            md.push_str("| Severity | Package | Version | Fixed in | Advisories | Where |\n");
            md.push_str("|---|---|---|---|---|---|\n");
            for v in &self.vulnerable {
                md.push_str(&format!(
                    "| {} | {} | {} | {} | {} | {} |\n",
                    v.severity,
                    code(&format!("{}:{}", v.ecosystem, v.package)),
                    cell(&v.version),
                    v.fixed.as_deref().map_or("—".to_string(), cell),
                    cell(&v.ids.join(", ")),
                    code(&format!("{}: {}", v.file, v.path)),
                ));
            }
        }
        if !self.secrets.is_empty() {
            md.push_str(&format!(
                "\n**{} credential{} in the code** (critical: remove it, read it from Secrets \
                 Manager at runtime, and rotate it now)\n\n",
                self.secrets.len(),
                if self.secrets.len() == 1 { "" } else { "s" }
            ));
            md.push_str("| Detector | Where | Value |\n|---|---|---|\n");
            for s in &self.secrets {
                md.push_str(&format!(
                    "| {} | {} | {} |\n",
                    s.detector,
                    code(&format!("{}: {}:{}", s.file, s.path, s.line)),
                    code(&s.masked)
                ));
            }
        }
        if !self.unknown.is_empty() {
            md.push_str("\n## Not decided\n\n");
            for u in &self.unknown {
                md.push_str(&format!("- {}: {}\n", u.ecosystem, cell(&u.reason)));
            }
        }
        printable(&md, &['\n']).into_owned()
    }
}
