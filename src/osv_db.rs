//! The offline OSV database: OSV's per-ecosystem exports where OSV's own scanner keeps them
//! offline (`DIR/<ecosystem>/all.zip`, the ecosystem spelled as OSV spells it), and beside each
//! an index Parapet builds once (`parapet-index.json`: which advisories name which package),
//! so that looking up a package reads only its advisories, never the whole export. The
//! index is rebuilt when its export changes (size or modification time).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::domain::osv::{Advisory, Ecosystem};
use crate::export;

pub mod cache;
pub mod download;

/// Where OSV publishes its exports (`<source>/<ecosystem>/all.zip`).
pub const OSV_SOURCE: &str = "https://osv-vulnerabilities.storage.googleapis.com";

/// A database older than this many days cannot say a package is clean.
pub const MAX_AGE_DAYS: i64 = 30;

/// The largest advisory Parapet reads (OSV's largest are tens of kilobytes).
const ADVISORY_CAP: u64 = 4 * 1024 * 1024;

const INDEX_FILE: &str = "parapet-index.json";
const INDEX_VERSION: u32 = 1;

/// Why an ecosystem's advisories cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DbError {
    Missing { ecosystem: Ecosystem, path: PathBuf },
    Stale { ecosystem: Ecosystem, days: i64 },
    Damaged { path: PathBuf, why: String },
}

impl fmt::Display for DbError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DbError::Missing { ecosystem, path } => write!(
                f,
                "no OSV database for {ecosystem} ({} is missing): run `parapet osv-db update`",
                path.display()
            ),
            DbError::Stale { ecosystem, days } => write!(
                f,
                "the OSV database for {ecosystem} is {days} days old (more than {MAX_AGE_DAYS}): \
                 run `parapet osv-db update`"
            ),
            DbError::Damaged { path, why } => write!(
                f,
                "the OSV database {} cannot be read ({why}): run `parapet osv-db update`",
                path.display()
            ),
        }
    }
}

impl std::error::Error for DbError {}

/// What is known of one ecosystem's export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Status {
    pub ecosystem: Ecosystem,
    pub present: bool,
    pub bytes: u64,
    pub advisories: Option<usize>,
    /// The newest advisory's modification time: how current the data is.
    pub newest: Option<OffsetDateTime>,
}

impl Status {
    /// Whole days since the newest advisory, at `now`.
    pub fn age_days(&self, now: OffsetDateTime) -> Option<i64> {
        self.newest.map(|n| (now - n).whole_days())
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Index {
    version: u32,
    zip_len: u64,
    zip_modified: u64,
    advisories: usize,
    newest: Option<String>,
    /// Normalized package name → the zip entries of its advisories.
    names: BTreeMap<String, Vec<u32>>,
}

/// An OSV database directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OsvDb {
    pub dir: PathBuf,
}

impl OsvDb {
    pub fn at(dir: impl Into<PathBuf>) -> OsvDb {
        OsvDb { dir: dir.into() }
    }

    /// Parapet's data directory's `osv/` (`PARAPET_DATA_DIR`, else the platform's data
    /// directory, as `directories` finds it).
    pub fn default_dir() -> PathBuf {
        std::env::var_os("PARAPET_DATA_DIR")
            .map(PathBuf::from)
            .or_else(|| {
                directories::ProjectDirs::from("", "", "parapet")
                    .map(|p| p.data_dir().to_path_buf())
            })
            .unwrap_or_else(|| PathBuf::from(".parapet"))
            .join("osv")
    }

    pub fn export_path(&self, ecosystem: Ecosystem) -> PathBuf {
        self.dir.join(ecosystem.osv_name()).join("all.zip")
    }

    fn index_path(&self, ecosystem: Ecosystem) -> PathBuf {
        self.dir.join(ecosystem.osv_name()).join(INDEX_FILE)
    }

    /// What is there for `ecosystem` (building its index if it has none yet).
    pub fn status(&self, ecosystem: Ecosystem) -> Status {
        self.status_of(ecosystem, self.index(ecosystem).ok().as_ref())
    }

    fn status_of(&self, ecosystem: Ecosystem, index: Option<&Index>) -> Status {
        let meta = std::fs::metadata(self.export_path(ecosystem)).ok();
        Status {
            ecosystem,
            present: meta.as_ref().is_some_and(|m| m.is_file()),
            bytes: meta.map_or(0, |m| m.len()),
            advisories: index.map(|i| i.advisories),
            newest: index.and_then(newest_of),
        }
    }

    /// [`OsvDb::status`] and [`OsvDb::advisories`] together, reading the index once.
    pub fn lookup(
        &self,
        ecosystem: Ecosystem,
        names: &BTreeSet<String>,
        now: OffsetDateTime,
    ) -> (Status, Result<Vec<Advisory>, DbError>) {
        match self.index(ecosystem) {
            Ok(index) => (
                self.status_of(ecosystem, Some(&index)),
                self.read_advisories(ecosystem, &index, names, now),
            ),
            Err(e) => (self.status_of(ecosystem, None), Err(e)),
        }
    }

    /// The index of `ecosystem`'s export, read or (re)built.
    fn index(&self, ecosystem: Ecosystem) -> Result<Index, DbError> {
        let zip_path = self.export_path(ecosystem);
        let (file, meta) = export::open_regular(&zip_path).map_err(|e| match e {
            export::ExportErrorKind::NotFound => DbError::Missing {
                ecosystem,
                path: zip_path.clone(),
            },
            other => DbError::Damaged {
                path: zip_path.clone(),
                why: reason(&zip_path, other),
            },
        })?;
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs());
        let index_path = self.index_path(ecosystem);
        if let Ok(text) = export::read_text(&index_path, 256 * 1024 * 1024)
            && let Ok(index) = serde_json::from_str::<Index>(&text)
            && index.version == INDEX_VERSION
            && index.zip_len == meta.len()
            && index.zip_modified == modified
        {
            return Ok(index);
        }
        let index =
            build_index(file, ecosystem, meta.len(), modified).map_err(|why| DbError::Damaged {
                path: zip_path.clone(),
                why,
            })?;
        // An index that cannot be saved is rebuilt next time; the lookup goes on.
        if let Ok(json) = serde_json::to_vec(&index) {
            let _ = export::atomic::write_atomic(&index_path, &json, true);
        }
        Ok(index)
    }

    /// Every advisory of `ecosystem` that names one of `names`, read from the export; an error
    /// when the export is missing, damaged, or older than [`MAX_AGE_DAYS`] at `now`.
    pub fn advisories(
        &self,
        ecosystem: Ecosystem,
        names: &BTreeSet<String>,
        now: OffsetDateTime,
    ) -> Result<Vec<Advisory>, DbError> {
        self.read_advisories(ecosystem, &self.index(ecosystem)?, names, now)
    }

    fn read_advisories(
        &self,
        ecosystem: Ecosystem,
        index: &Index,
        names: &BTreeSet<String>,
        now: OffsetDateTime,
    ) -> Result<Vec<Advisory>, DbError> {
        let days = newest_of(index).map_or(i64::MAX, |n| (now - n).whole_days());
        if days > MAX_AGE_DAYS {
            return Err(DbError::Stale { ecosystem, days });
        }
        let entries: BTreeSet<u32> = names
            .iter()
            .filter_map(|n| index.names.get(&ecosystem.normalize(n)))
            .flatten()
            .copied()
            .collect();
        let zip_path = self.export_path(ecosystem);
        let damaged = |why: String| DbError::Damaged {
            path: zip_path.clone(),
            why,
        };
        let (file, _) =
            export::open_regular(&zip_path).map_err(|e| damaged(reason(&zip_path, e)))?;
        let mut archive = zip::ZipArchive::new(file).map_err(|e| damaged(e.to_string()))?;
        let mut out = Vec::with_capacity(entries.len());
        for i in entries {
            let entry = archive
                .by_index(i as usize)
                .map_err(|e| damaged(e.to_string()))?;
            let text = read_entry(entry).map_err(&damaged)?;
            out.push(serde_json::from_str(&text).map_err(|e| damaged(e.to_string()))?);
        }
        Ok(out)
    }
}

impl OsvDb {
    /// Downloads `ecosystem`'s export from `source` (`<source>/<ecosystem>/all.zip`), checks
    /// that it reads, indexes it and only then puts it in place of the previous one: a
    /// download that fails or an archive that is damaged leaves the database as it was, and
    /// the error says why.
    pub async fn update(
        &self,
        ecosystem: Ecosystem,
        source: &str,
        progress: download::Progress<'_>,
    ) -> Result<Status, String> {
        let dir = self.dir.join(ecosystem.osv_name());
        std::fs::create_dir_all(&dir)
            .map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
        let url = format!(
            "{}/{}/all.zip",
            source.trim_end_matches('/'),
            ecosystem.osv_name()
        );
        // An export that is a link to elsewhere is replaced where it points, and stays a link.
        let dest = std::fs::canonicalize(self.export_path(ecosystem))
            .unwrap_or_else(|_| self.export_path(ecosystem));
        let temp = dest
            .parent()
            .unwrap_or(&dir)
            .join(format!("all.zip.download-{}", std::process::id()));
        let result = self
            .fetch_into(ecosystem, &url, (&temp, &dest), progress)
            .await;
        if result.is_err() {
            let _ = std::fs::remove_file(&temp);
        }
        let kept = if self.export_path(ecosystem).is_file() {
            "the previous export is kept"
        } else {
            "nothing was written"
        };
        result.map_err(|why| format!("{url}: {why}; {kept}"))?;
        Ok(self.status(ecosystem))
    }

    async fn fetch_into(
        &self,
        ecosystem: Ecosystem,
        url: &str,
        (temp, dest): (&Path, &Path),
        progress: download::Progress<'_>,
    ) -> Result<(), String> {
        // A new file only: never through a link or over something already there.
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(temp)
            .map_err(|e| format!("cannot write {}: {e}", temp.display()))?;
        let mut out = std::io::BufWriter::new(file);
        download::get(url, download::PlainHttp::Loopback, &mut out, progress).await?;
        let file = out.into_inner().map_err(|e| format!("cannot write: {e}"))?;
        file.sync_all().map_err(|e| format!("cannot write: {e}"))?;
        drop(file);
        let file = std::fs::File::open(temp).map_err(|e| e.to_string())?;
        let meta = file.metadata().map_err(|e| e.to_string())?;
        let modified = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_secs());
        let index = build_index(file, ecosystem, meta.len(), modified)
            .map_err(|why| format!("the download is not a readable export ({why})"))?;
        if index.advisories == 0 {
            return Err("the download holds no advisory".into());
        }
        std::fs::rename(temp, dest).map_err(|e| e.to_string())?;
        if let Ok(json) = serde_json::to_vec(&index) {
            let _ = export::atomic::write_atomic(&self.index_path(ecosystem), &json, true);
        }
        Ok(())
    }
}

fn reason(path: &Path, kind: export::ExportErrorKind) -> String {
    export::ExportError::new(path, kind).reason()
}

fn newest_of(index: &Index) -> Option<OffsetDateTime> {
    index
        .newest
        .as_deref()
        .and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok())
}

fn read_entry(entry: zip::read::ZipFile<'_, std::fs::File>) -> Result<String, String> {
    let name = entry.name().map(|n| n.to_string()).unwrap_or_default();
    let mut text = String::new();
    entry
        .take(ADVISORY_CAP + 1)
        .read_to_string(&mut text)
        .map_err(|e| format!("{name}: {e}"))?;
    if text.len() as u64 > ADVISORY_CAP {
        return Err(format!("{name} is larger than {ADVISORY_CAP} bytes"));
    }
    Ok(text)
}

/// Reads every advisory of an export once: which package names each one affects, how many
/// there are and the newest modification time.
fn build_index(
    file: std::fs::File,
    ecosystem: Ecosystem,
    zip_len: u64,
    zip_modified: u64,
) -> Result<Index, String> {
    let mut archive = zip::ZipArchive::new(file).map_err(|e| e.to_string())?;
    let mut names: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut advisories = 0;
    let mut newest: Option<(OffsetDateTime, String)> = None;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| e.to_string())?;
        if !entry.is_file() || !entry.name().is_ok_and(|n| n.ends_with(".json")) {
            continue;
        }
        let text = read_entry(entry)?;
        let advisory: Advisory = match serde_json::from_str(&text) {
            Ok(a) => a,
            // One unreadable record does not make the export unusable.
            Err(_) => continue,
        };
        advisories += 1;
        if let Ok(t) = OffsetDateTime::parse(&advisory.modified, &Rfc3339)
            && newest.as_ref().is_none_or(|(n, _)| t > *n)
        {
            newest = Some((t, advisory.modified.clone()));
        }
        let mut seen = BTreeSet::new();
        for affected in &advisory.affected {
            let Some(package) = &affected.package else {
                continue;
            };
            if Ecosystem::parse(&package.ecosystem) != Some(ecosystem) {
                continue;
            }
            let name = ecosystem.normalize(&package.name);
            if seen.insert(name.clone()) {
                names.entry(name).or_default().push(i as u32);
            }
        }
    }
    Ok(Index {
        version: INDEX_VERSION,
        zip_len,
        zip_modified,
        advisories,
        newest: newest.map(|(_, text)| text),
        names,
    })
}

#[cfg(test)]
mod tests;
