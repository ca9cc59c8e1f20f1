//! The JSON snapshot: everything a scan decided, in one versioned document that the TUI's `e`,
//! `parapet --demo --export FILE` and `parapet scan` write, and `parapet open FILE` reads.
//!
//! Pure serde, no I/O (files are `crate::export`'s job). The score is stored *and* recomputable
//! from `findings` alone ([`Snapshot::to_assessment`]); `schema/snapshot.schema.json` documents
//! the format.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::{OffsetDateTime, UtcOffset};

use super::assessment::{Assessment, Mute};
use super::checks;
use super::collection::CollectionStatus;
use super::finding::{Category, Finding, Severity, Text};
use super::score::{self, Coverage, Score};

/// Version of the snapshot format. Bump it when a change would make an older Parapet misread
/// a file (renamed or retyped fields); adding optional fields does not need a bump, since
/// readers ignore fields they do not know. Version 2 holds several accounts (`accounts`);
/// version 1 files (one `account`) are still read, as a one-account snapshot.
pub const SCHEMA_VERSION: u32 = 2;

/// The oldest version [`Snapshot::parse`] reads.
pub const OLDEST_READABLE_VERSION: u32 = 1;

/// The score formula in one line, stored in every snapshot so a reader can recompute it.
pub const SCORE_FORMULA: &str = "overall = round(100 × Σ w·pass/(pass+fail) / Σ w) over checks \
    with at least one pass or fail, w = score.weights[check_id], the weight of the check's \
    catalogue severity (critical 10 · high 5 · medium 3 · low 1; a finding's own severity may \
    be adjusted per resource, its check's weight is not); unknown and not_applicable \
    findings, and muted ones (with a `mute`, whatever their status), are left out (see \
    coverage); category scores likewise over the \
    category's checks; grade A ≥ 90, B ≥ 80, C ≥ 70, D ≥ 60, else F; an account's score is \
    the formula over its own findings, the snapshot's (the organization's) over every \
    account's findings together";

pub const TOOL_NAME: &str = "parapet";

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// Why an account could not be scanned at all (its role could not be assumed, its
/// credentials were rejected): every area of it is `unknown` with this reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountError {
    pub message: String,
    pub hint: String,
}

/// Who an account is and how it was reached: what a scan knows before scoring.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AccountInfo {
    /// The 12-digit id; empty only for a profile whose identity could not be read.
    pub id: String,
    /// The Organizations account name, or the profile's name.
    pub name: Option<String>,
    /// AWS profile used; `None` for the demo, environment credentials or a role.
    pub profile: Option<String>,
    /// The role assumed in the account, when the scan assumed one.
    pub role_arn: Option<String>,
    pub regions: Vec<String>,
    pub error: Option<AccountError>,
}

/// A score without its formula (the snapshot's `score` carries it once).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountScore {
    pub overall: Option<u32>,
    pub grade: Option<String>,
    pub categories: BTreeMap<Category, Option<u32>>,
}

/// One account of a snapshot, with its own score and coverage.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccountEntry {
    pub id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default)]
    pub profile: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_arn: Option<String>,
    pub regions: Vec<String>,
    pub score: AccountScore,
    pub coverage: Coverage,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<AccountError>,
}

/// The name to show for an account: its name, else its profile, else its id.
fn label_of<'a>(id: &'a str, name: Option<&'a str>, profile: Option<&'a str>) -> &'a str {
    name.or(profile).filter(|n| !n.is_empty()).unwrap_or(id)
}

impl AccountInfo {
    /// The name to show: the account's name, else its profile, else its id.
    pub fn label(&self) -> &str {
        label_of(&self.id, self.name.as_deref(), self.profile.as_deref())
    }
}

impl AccountEntry {
    /// The name to show: the account's name, else its profile, else its id.
    pub fn label(&self) -> &str {
        label_of(&self.id, self.name.as_deref(), self.profile.as_deref())
    }

    /// Who the account is, without its scores.
    pub fn info(&self) -> AccountInfo {
        AccountInfo {
            id: self.id.clone(),
            name: self.name.clone(),
            profile: self.profile.clone(),
            role_arn: self.role_arn.clone(),
            regions: self.regions.clone(),
            error: self.error.clone(),
        }
    }
}

/// Which share of an account list a sharded scan (`parapet scan --shard I/N`) took: what
/// `parapet merge` checks the parts of one organization snapshot against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShardInfo {
    /// 0-based, below `count`.
    pub index: u32,
    pub count: u32,
    /// The whole resolved account list every shard shared, in order.
    pub accounts: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SnapshotScore {
    /// 0-100; `None` when no check had a pass or fail.
    pub overall: Option<u32>,
    /// `A`..`F`; `None` with `overall`.
    pub grade: Option<String>,
    /// Every category, in UI order; `None` for a category without decided checks.
    pub categories: BTreeMap<Category, Option<u32>>,
    /// [`SCORE_FORMULA`] at the time of writing.
    pub formula: String,
    /// The score weight of every check with findings in the file, by check id: what the
    /// formula needs besides the findings. Absent in files from before it was added (the
    /// catalogue's severities apply then).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub weights: BTreeMap<String, u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Snapshot {
    pub schema_version: u32,
    pub tool: Tool,
    #[serde(with = "time::serde::rfc3339")]
    pub generated_at: OffsetDateTime,
    /// Every account, in the order they were listed; one for a one-account scan.
    pub accounts: Vec<AccountEntry>,
    /// Every account's regions, in order of first appearance.
    pub regions: Vec<String>,
    /// The organization's score: the formula over every account's findings.
    pub score: SnapshotScore,
    pub coverage: Coverage,
    /// Per (account, area, region): status, error, duration.
    pub collection: Vec<CollectionStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<ShardInfo>,
    pub findings: Vec<Finding>,
    /// The user's mutes in force when the snapshot was taken (muted findings carry their reason
    /// too); absent when there were none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mutes: Option<Vec<Mute>>,
}

/// The file name of a snapshot of `account_id` taken at `at`:
/// `parapet-<account>-<YYYYMMDDTHHMMSSZ>.json` (`unknown` for an account not known yet).
pub fn file_name(account_id: &str, at: OffsetDateTime) -> String {
    let t = at.to_offset(UtcOffset::UTC);
    let account: String = account_id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let account = if account.is_empty() {
        "unknown".to_string()
    } else {
        account
    };
    format!(
        "parapet-{account}-{:04}{:02}{:02}T{:02}{:02}{:02}Z.json",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second()
    )
}

/// The severity a snapshot weighs `id` with: its stored weight, else the catalogue's.
fn severity_in(weights: &BTreeMap<String, u32>, id: &str) -> Option<Severity> {
    weights
        .get(id)
        .and_then(|w| Severity::from_weight(*w))
        .or_else(|| checks::find(id).map(|c| c.severity))
}

fn account_score(score: &Score) -> AccountScore {
    AccountScore {
        overall: score.overall,
        grade: score.grade.map(String::from),
        categories: score.categories.clone(),
    }
}

impl Snapshot {
    /// A one-account snapshot taking `assessment` over. `generated_at` is stored in UTC, to
    /// the second; the live progress of running collections is dropped (it is not part of
    /// the file).
    pub fn of(
        assessment: Assessment,
        account_id: impl Into<String>,
        profile: Option<String>,
        regions: Vec<String>,
        collection: Vec<CollectionStatus>,
        generated_at: OffsetDateTime,
    ) -> Snapshot {
        let account = AccountInfo {
            id: account_id.into(),
            profile,
            regions,
            ..AccountInfo::default()
        };
        Snapshot::of_accounts(assessment.findings, vec![account], collection, generated_at)
    }

    /// A snapshot of several accounts: `findings` name their accounts; each account is scored
    /// over its own findings, the snapshot over all of them. Collections without an account
    /// are the first account's.
    pub fn of_accounts(
        findings: Vec<Finding>,
        accounts: Vec<AccountInfo>,
        collection: Vec<CollectionStatus>,
        generated_at: OffsetDateTime,
    ) -> Snapshot {
        let utc = generated_at.to_offset(UtcOffset::UTC);
        let generated_at = utc.replace_nanosecond(0).unwrap_or(utc);
        let weights: BTreeMap<String, u32> = findings
            .iter()
            .filter_map(|f| {
                checks::find(&f.check_id).map(|c| (f.check_id.to_string(), c.severity.weight()))
            })
            .collect();
        let first = accounts.first().map(|a| a.id.clone()).unwrap_or_default();
        let mut regions: Vec<String> = Vec::new();
        for r in accounts.iter().flat_map(|a| &a.regions) {
            if !regions.contains(r) {
                regions.push(r.clone());
            }
        }
        let mut snapshot = Snapshot {
            schema_version: SCHEMA_VERSION,
            tool: Tool {
                name: TOOL_NAME.to_string(),
                version: env!("CARGO_PKG_VERSION").to_string(),
            },
            generated_at,
            accounts: Vec::new(),
            regions,
            score: SnapshotScore {
                overall: None,
                grade: None,
                categories: BTreeMap::new(),
                formula: SCORE_FORMULA.to_string(),
                weights,
            },
            coverage: Coverage::default(),
            collection: collection
                .into_iter()
                .map(|c| CollectionStatus {
                    progress: None,
                    account_id: if c.account_id.is_empty() {
                        first.clone()
                    } else {
                        c.account_id
                    },
                    ..c
                })
                .collect(),
            shard: None,
            findings,
            mutes: None,
        };
        snapshot.accounts = accounts
            .into_iter()
            .map(|a| AccountEntry {
                id: a.id,
                name: a.name,
                profile: a.profile,
                role_arn: a.role_arn,
                regions: a.regions,
                score: AccountScore {
                    overall: None,
                    grade: None,
                    categories: BTreeMap::new(),
                },
                coverage: Coverage::default(),
                error: a.error,
            })
            .collect();
        snapshot.rescore();
        snapshot
    }

    /// Recomputes every stored score and coverage from the findings.
    pub fn rescore(&mut self) {
        let org = self.recomputed_score();
        self.score.overall = org.overall;
        self.score.grade = org.grade.map(String::from);
        self.score.categories = org.categories;
        self.coverage = org.coverage;
        for i in 0..self.accounts.len() {
            let s = self.account_score(&self.accounts[i].id);
            self.accounts[i].score = account_score(&s);
            self.accounts[i].coverage = s.coverage;
        }
    }

    /// The score of one account's findings, with the snapshot's weights.
    pub fn account_score(&self, account_id: &str) -> Score {
        let weights = &self.score.weights;
        score::score(
            self.findings.iter().filter(|f| f.account_id == account_id),
            &|id| severity_in(weights, id),
        )
    }

    /// Who each account is, without its scores (what a view of the snapshot starts from).
    pub fn account_infos(&self) -> Vec<AccountInfo> {
        self.accounts.iter().map(AccountEntry::info).collect()
    }

    /// The account with this id.
    pub fn account(&self, id: &str) -> Option<&AccountEntry> {
        self.accounts.iter().find(|a| a.id == id)
    }

    /// The first account (the only one of a one-account snapshot).
    pub fn primary(&self) -> Option<&AccountEntry> {
        self.accounts.first()
    }

    /// The first account's id, empty for a snapshot without accounts.
    pub fn primary_id(&self) -> &str {
        self.primary().map_or("", |a| a.id.as_str())
    }

    /// The first account's profile.
    pub fn primary_profile(&self) -> Option<&str> {
        self.primary().and_then(|a| a.profile.as_deref())
    }

    /// What the snapshot covers, for headers: `account ID` or `N accounts`.
    pub fn scope(&self) -> String {
        match self.accounts.as_slice() {
            [one] => format!("account {}", one.id),
            many => format!("{} accounts", many.len()),
        }
    }

    /// Records the mutes in force (an empty list records none).
    pub fn with_mutes(mut self, mutes: Vec<Mute>) -> Snapshot {
        self.mutes = (!mutes.is_empty()).then_some(mutes);
        self
    }

    /// The organization's score recomputed from the findings and the stored weights, read in
    /// place (a copy of 300,000 findings to score them doubled a large scan's memory).
    pub fn recomputed_score(&self) -> Score {
        let weights = &self.score.weights;
        score::score(&self.findings, &|id| severity_in(weights, id))
    }

    /// The organization's assessment, with scores recomputed from the findings and the
    /// stored weights (the catalogue's for checks the file does not weigh).
    pub fn to_assessment(&self) -> Assessment {
        let weights = &self.score.weights;
        Assessment::from_findings_with(self.findings.clone(), &|id| severity_in(weights, id))
    }

    /// Whether the stored scores and coverages (the organization's and every account's)
    /// equal those recomputed from the findings (a hand edited or foreign file may disagree;
    /// readers should trust the recomputed one).
    pub fn score_is_consistent(&self) -> bool {
        let s = self.recomputed_score();
        s.overall == self.score.overall
            && s.grade.map(String::from) == self.score.grade
            && s.categories == self.score.categories
            && s.coverage == self.coverage
            && self.accounts.iter().all(|a| {
                let s = self.account_score(&a.id);
                account_score(&s) == a.score && s.coverage == a.coverage
            })
    }

    /// Pretty JSON with a trailing newline, as written to files.
    pub fn to_json_pretty(&self) -> Result<String, serde_json::Error> {
        let mut s = serde_json::to_string_pretty(self)?;
        s.push('\n');
        Ok(s)
    }

    /// [`Snapshot::to_json_pretty`] streamed into `w`, for files and stdout: a scan of a large
    /// account never holds the whole document as one string.
    pub fn write_json_pretty(&self, w: &mut dyn std::io::Write) -> Result<(), serde_json::Error> {
        serde_json::to_writer_pretty(&mut *w, self)?;
        w.write_all(b"\n").map_err(serde_json::Error::io)
    }

    /// A file name for the snapshot: `parapet-<account>-<YYYYMMDDTHHMMSSZ>.json`.
    /// Several accounts are named `parapet-org-…` (`parapet-org-shard-I-of-N-…` for a shard).
    pub fn default_file_name(&self) -> String {
        let scope = match (&self.shard, self.accounts.as_slice()) {
            (Some(s), _) => format!("org-shard-{}-of-{}", s.index, s.count),
            (None, [one]) => one.id.clone(),
            (None, _) => "org".to_string(),
        };
        file_name(&scope, self.generated_at)
    }

    /// [`Snapshot::parse`] of a file's whole text, which the findings' remediations then
    /// point into instead of copying it out (see `finding::Stored`).
    pub fn parse_shared(text: std::sync::Arc<String>) -> Result<Snapshot, SnapshotError> {
        super::finding::reading_from(&text, Snapshot::parse)
    }

    /// Reads a snapshot. The version is checked before anything else, so a file from a newer
    /// Parapet says so instead of failing on a field it does not know.
    pub fn parse(text: &str) -> Result<Snapshot, SnapshotError> {
        if text.trim().is_empty() {
            return Err(SnapshotError::Empty);
        }
        // A file of this version parses in one pass; everything else (an older or newer
        // version, a broken file) goes through the diagnosis below, which parses twice.
        if let Ok(snapshot) = serde_json::from_str::<Snapshot>(text)
            && snapshot.schema_version == SCHEMA_VERSION
        {
            return Ok(snapshot.with_accounts_filled());
        }
        let value: Value = serde_json::from_str(text).map_err(|e| {
            let (line, column) = (e.line(), e.column());
            if e.classify() == serde_json::error::Category::Eof {
                SnapshotError::Truncated { line, column }
            } else {
                SnapshotError::NotJson {
                    line,
                    column,
                    message: strip_position(&e.to_string()),
                }
            }
        })?;
        let Value::Object(map) = &value else {
            return Err(SnapshotError::NotAnObject {
                found: json_kind(&value),
            });
        };
        // A repeated key (the Value keeps the last one) would decide the version by a guess.
        if let Ok(TopKeys(keys)) = serde_json::from_str::<TopKeys>(text) {
            let mut seen = std::collections::BTreeSet::new();
            if let Some(twice) = keys.into_iter().find(|k| !seen.insert(k.clone())) {
                return Err(SnapshotError::DuplicateKey {
                    key: one_line(&twice),
                });
            }
        }
        match map.get("schema_version") {
            None => return Err(SnapshotError::NotASnapshot),
            Some(v) => match v.as_u64() {
                Some(n) if n > u64::from(SCHEMA_VERSION) => {
                    return Err(SnapshotError::NewerSchema { found: n });
                }
                Some(n) if n == u64::from(SCHEMA_VERSION) => {}
                Some(n) if n >= u64::from(OLDEST_READABLE_VERSION) => {
                    return v1::parse(text).map(Snapshot::from);
                }
                _ => {
                    return Err(SnapshotError::BadVersion { found: compact(v) });
                }
            },
        }
        // Parse the text again (not the Value) so field errors carry a line and column.
        let snapshot =
            serde_json::from_str::<Snapshot>(text).map_err(|e| SnapshotError::Invalid {
                line: e.line(),
                column: e.column(),
                message: strip_position(&e.to_string()),
            })?;
        Ok(snapshot.with_accounts_filled())
    }

    /// Findings and collections without an account are the first account's.
    fn with_accounts_filled(mut self) -> Snapshot {
        let first = self.primary_id().to_string();
        let shared = Text::from(first.as_str());
        for f in self.findings.iter_mut().filter(|f| f.account_id.is_empty()) {
            f.account_id = shared.clone();
        }
        for c in self
            .collection
            .iter_mut()
            .filter(|c| c.account_id.is_empty())
        {
            c.account_id.clone_from(&first);
        }
        self
    }
}

/// Version 1: one account (`account`), its score at the top.
mod v1 {
    use super::*;

    #[derive(Deserialize)]
    pub struct Account {
        pub id: String,
        #[serde(default)]
        pub profile: Option<String>,
    }

    #[derive(Deserialize)]
    pub struct V1 {
        pub tool: Tool,
        #[serde(with = "time::serde::rfc3339")]
        pub generated_at: OffsetDateTime,
        pub account: Account,
        pub regions: Vec<String>,
        pub score: SnapshotScore,
        pub coverage: Coverage,
        pub collection: Vec<CollectionStatus>,
        pub findings: Vec<Finding>,
        #[serde(default)]
        pub mutes: Option<Vec<Mute>>,
    }

    pub fn parse(text: &str) -> Result<V1, SnapshotError> {
        serde_json::from_str::<V1>(text).map_err(|e| SnapshotError::Invalid {
            line: e.line(),
            column: e.column(),
            message: strip_position(&e.to_string()),
        })
    }

    impl From<V1> for Snapshot {
        /// A one-account version-2 snapshot, scores and collection as stored.
        fn from(old: V1) -> Snapshot {
            let id = old.account.id;
            let mut findings = old.findings;
            let shared = Text::from(id.as_str());
            for f in findings.iter_mut().filter(|f| f.account_id.is_empty()) {
                f.account_id = shared.clone();
            }
            Snapshot {
                schema_version: SCHEMA_VERSION,
                tool: old.tool,
                generated_at: old.generated_at,
                accounts: vec![AccountEntry {
                    id: id.clone(),
                    name: None,
                    profile: old.account.profile,
                    role_arn: None,
                    regions: old.regions.clone(),
                    score: AccountScore {
                        overall: old.score.overall,
                        grade: old.score.grade.clone(),
                        categories: old.score.categories.clone(),
                    },
                    coverage: old.coverage.clone(),
                    error: None,
                }],
                regions: old.regions,
                score: old.score,
                coverage: old.coverage,
                collection: old
                    .collection
                    .into_iter()
                    .map(|c| CollectionStatus {
                        account_id: id.clone(),
                        ..c
                    })
                    .collect(),
                shard: None,
                findings,
                mutes: old.mutes,
            }
        }
    }
}

/// Why a text is not a readable snapshot. Each message is one line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SnapshotError {
    /// Nothing but whitespace.
    Empty,
    /// Valid JSON so far, then the text ends.
    Truncated { line: usize, column: usize },
    NotJson {
        line: usize,
        column: usize,
        message: String,
    },
    /// JSON, but not an object (`found`: array, string, number, ...).
    NotAnObject { found: &'static str },
    /// A JSON object without `schema_version`.
    NotASnapshot,
    /// `schema_version` is not a supported version (0, negative, not a number).
    BadVersion { found: String },
    /// Written by a newer Parapet.
    NewerSchema { found: u64 },
    /// A top-level key given twice (which value counts would be a guess).
    DuplicateKey { key: String },
    /// The right version but a missing or mistyped field.
    Invalid {
        line: usize,
        column: usize,
        message: String,
    },
}

impl fmt::Display for SnapshotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SnapshotError::Empty => write!(f, "empty file, not a Parapet snapshot"),
            SnapshotError::Truncated { line, column } => write!(
                f,
                "truncated: the JSON ends early at line {line} column {column}"
            ),
            SnapshotError::NotJson {
                line,
                column,
                message,
            } => write!(f, "not JSON: {message} at line {line} column {column}"),
            SnapshotError::NotAnObject { found } => {
                write!(
                    f,
                    "not a Parapet snapshot: the JSON is {found}, not an object"
                )
            }
            SnapshotError::NotASnapshot => {
                write!(f, "not a Parapet snapshot: no schema_version field")
            }
            SnapshotError::BadVersion { found } => write!(
                f,
                "unsupported schema_version {found} (this Parapet reads versions {OLDEST_READABLE_VERSION} to {SCHEMA_VERSION})"
            ),
            SnapshotError::NewerSchema { found } => write!(
                f,
                "written by a newer Parapet (schema {found} > {SCHEMA_VERSION}); upgrade Parapet to open it"
            ),
            SnapshotError::Invalid {
                line,
                column,
                message,
            } => write!(
                f,
                "invalid snapshot: {message} at line {line} column {column}"
            ),
            SnapshotError::DuplicateKey { key } => write!(
                f,
                "invalid snapshot: the key `{key}` appears twice at the top level"
            ),
        }
    }
}

impl std::error::Error for SnapshotError {}

/// The top-level keys of a JSON object, in order, repeats included.
struct TopKeys(Vec<String>);

impl<'de> Deserialize<'de> for TopKeys {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<TopKeys, D::Error> {
        struct Keys;
        impl<'de> serde::de::Visitor<'de> for Keys {
            type Value = TopKeys;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut m: A,
            ) -> Result<TopKeys, A::Error> {
                let mut keys = Vec::new();
                while let Some(k) = m.next_key::<String>()? {
                    m.next_value::<serde::de::IgnoredAny>()?;
                    keys.push(k);
                }
                Ok(TopKeys(keys))
            }
        }
        d.deserialize_map(Keys)
    }
}

/// Control characters become spaces: a message stays one line.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// serde_json appends " at line L column C"; the errors above place the position themselves.
/// Control characters (a newline inside a quoted bad value) become spaces: one line only.
fn strip_position(message: &str) -> String {
    let m = match message.rfind(" at line ") {
        Some(i) => &message[..i],
        None => message,
    };
    m.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// A short one-line rendering of a JSON value for messages.
fn compact(v: &Value) -> String {
    let s: String = v
        .to_string()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s
    }
}

#[cfg(test)]
mod tests;
