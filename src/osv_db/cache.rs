//! What each package read by the code area held, kept between runs: a second scan of an
//! unchanged account downloads nothing. Keyed by what makes a package immutable (a
//! function's `CodeSha256`, a layer version's ARN); it keeps the package list and the masked
//! credentials `domain::packages::Contents` holds, never the code. One file per package
//! (`<key>.json`, mode 0600), written atomically; a file that cannot be read, or was
//! written by another version of Parapet's reader, is read again from the account.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::domain::packages::Contents;
use crate::export;

/// The largest cache file read back (a package lists at most thousands of packages).
const ENTRY_CAP: u64 = 64 * 1024 * 1024;

/// A package-list cache directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackageCache {
    pub dir: PathBuf,
}

#[derive(Serialize, Deserialize)]
struct Entry {
    /// The Parapet version whose reader listed the package: a newer reader may find more.
    reader: String,
    key: String,
    contents: Contents,
}

fn reader() -> String {
    env!("CARGO_PKG_VERSION").to_string()
}

impl PackageCache {
    pub fn at(dir: impl Into<PathBuf>) -> PackageCache {
        PackageCache { dir: dir.into() }
    }

    /// `PARAPET_CACHE_DIR`, else the platform's cache directory (as `directories` finds
    /// it), then `code/`.
    pub fn default_dir() -> PathBuf {
        std::env::var_os("PARAPET_CACHE_DIR")
            .map(PathBuf::from)
            .or_else(|| {
                directories::ProjectDirs::from("", "", "parapet")
                    .map(|p| p.cache_dir().to_path_buf())
            })
            .unwrap_or_else(|| PathBuf::from(".parapet-cache"))
            .join("code")
    }

    /// The file of `key`: its characters that are not safe in a file name (a base64
    /// `CodeSha256`'s `/` and `+`, an ARN's `:`) spelled out.
    fn path(&self, key: &str) -> PathBuf {
        let name: String = key
            .chars()
            .map(|c| match c {
                'a'..='z' | 'A'..='Z' | '0'..='9' | '-' | '.' => c.to_string(),
                '_' => "__".to_string(),
                other => format!("_{:x}", u32::from(other)),
            })
            .collect();
        self.dir.join(format!("{name}.json"))
    }

    /// What the package of `key` held, when this version's reader listed it.
    pub fn get(&self, key: &str) -> Option<Contents> {
        let text = export::read_text(&self.path(key), ENTRY_CAP).ok()?;
        let entry: Entry = serde_json::from_str(&text).ok()?;
        (entry.reader == reader() && entry.key == key).then_some(entry.contents)
    }

    /// Keeps what the package of `key` held. A cache that cannot be written costs the next
    /// run a download, nothing else: the reason is returned for the caller to say once.
    pub fn put(&self, key: &str, contents: &Contents) -> Result<(), String> {
        let entry = Entry {
            reader: reader(),
            key: key.to_string(),
            contents: contents.clone(),
        };
        let json = serde_json::to_vec(&entry).map_err(|e| e.to_string())?;
        std::fs::create_dir_all(&self.dir)
            .map_err(|e| format!("cannot create {}: {e}", self.dir.display()))?;
        export::atomic::write_atomic(&self.path(key), &json, true).map_err(|e| e.to_string())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

#[cfg(test)]
mod tests;
