//! One OSV advisory as the OSV schema writes it (<https://ossf.github.io/osv-schema/>): only
//! the fields matching and reporting read. Unknown fields are ignored, so a newer schema
//! version still reads.

use serde::Deserialize;
use serde_json::Value;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct Advisory {
    pub id: String,
    #[serde(default)]
    pub modified: String,
    /// When the advisory was withdrawn; a withdrawn advisory affects nothing.
    #[serde(default)]
    pub withdrawn: Option<String>,
    /// The same vulnerability's ids in other databases (CVE, GHSA, PYSEC…).
    #[serde(default)]
    pub aliases: Vec<String>,
    #[serde(default)]
    pub summary: Option<String>,
    #[serde(default)]
    pub severity: Vec<Severity>,
    #[serde(default)]
    pub affected: Vec<Affected>,
    /// The database's own fields; GitHub's advisories say `severity` (`LOW`, `MODERATE`,
    /// `HIGH`, `CRITICAL`) here.
    #[serde(default)]
    pub database_specific: Option<Value>,
}

/// A quantitative severity: `type` (`CVSS_V2`, `CVSS_V3`, `CVSS_V4`, `Ubuntu`) and its score
/// (a CVSS vector for the CVSS types).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Severity {
    #[serde(rename = "type")]
    pub kind: String,
    pub score: String,
}

/// The versions of one package an advisory affects.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct Affected {
    /// Absent for advisories that only name git commits.
    #[serde(default)]
    pub package: Option<Package>,
    /// A per-package severity (then the advisory has none of its own).
    #[serde(default)]
    pub severity: Vec<Severity>,
    #[serde(default)]
    pub ranges: Vec<Range>,
    /// Affected versions listed one by one.
    #[serde(default)]
    pub versions: Vec<String>,
    #[serde(default)]
    pub database_specific: Option<Value>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Deserialize)]
pub struct Package {
    /// As OSV spells it (`npm`, `PyPI`, `Maven`, `Go`, `NuGet`, `RubyGems`, `crates.io`…),
    /// possibly with a `:suffix` (`Maven:https://maven.google.com`).
    pub ecosystem: String,
    pub name: String,
}

#[derive(Clone, Debug, Deserialize)]
pub struct Range {
    #[serde(rename = "type")]
    pub kind: RangeKind,
    #[serde(default)]
    pub events: Vec<Event>,
}

/// How a range's versions are ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum RangeKind {
    /// SemVer 2.0 precedence.
    Semver,
    /// The package ecosystem's own order.
    Ecosystem,
    /// Commit hashes: needs the repository, so never matched against a package version.
    Git,
    #[serde(other)]
    Other,
}

/// One point of a range's timeline. The schema allows one kind per event object; an
/// object with none Parapet knows is kept as `Unknown` and plays no part.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(from = "RawEvent")]
pub enum Event {
    Introduced(String),
    Fixed(String),
    LastAffected(String),
    Limit(String),
    Unknown,
}

#[derive(Deserialize)]
struct RawEvent {
    introduced: Option<String>,
    fixed: Option<String>,
    last_affected: Option<String>,
    limit: Option<String>,
}

impl From<RawEvent> for Event {
    fn from(e: RawEvent) -> Event {
        match (e.introduced, e.fixed, e.last_affected, e.limit) {
            (Some(v), None, None, None) => Event::Introduced(v),
            (None, Some(v), None, None) => Event::Fixed(v),
            (None, None, Some(v), None) => Event::LastAffected(v),
            (None, None, None, Some(v)) => Event::Limit(v),
            // None, or several kinds in one object (invalid by the schema).
            _ => Event::Unknown,
        }
    }
}

impl Event {
    /// The event's version, `None` for `Unknown`.
    pub fn version(&self) -> Option<&str> {
        match self {
            Event::Introduced(v) | Event::Fixed(v) | Event::LastAffected(v) | Event::Limit(v) => {
                Some(v)
            }
            Event::Unknown => None,
        }
    }
}

impl Advisory {
    /// Every id this vulnerability goes by: its own, then its aliases.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.id.as_str()).chain(self.aliases.iter().map(String::as_str))
    }
}
