//! Snapshot files: writing (atomic, mode 0600, no clobbering without force) and reading (every
//! failure a one-line message naming the file).

pub mod atomic;
pub mod formats;

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use crate::domain::snapshot::{Snapshot, SnapshotError};

pub use atomic::write_atomic;

/// Snapshots larger than this are refused on read (a 10,000-finding snapshot is ~30 MB).
pub const MAX_SNAPSHOT_BYTES: u64 = 512 * 1024 * 1024;

/// Why a file could not be written or read.
#[derive(Debug)]
pub enum ExportErrorKind {
    /// The target exists and `force` was not given.
    AlreadyExists,
    /// The file to read does not exist.
    NotFound,
    IsDirectory,
    /// The directory to write into does not exist.
    NoParentDirectory,
    ParentNotDirectory,
    /// The path ends in `..` or `/`.
    NoFileName,
    NotUtf8,
    TooLarge {
        bytes: u64,
    },
    /// The file was read but is not a usable snapshot.
    Snapshot(SnapshotError),
    Serialize(String),
    Io(io::Error),
}

/// An export or import failure: the file and the reason. Displays as one line:
/// `<path>: <reason>`.
#[derive(Debug)]
pub struct ExportError {
    pub path: PathBuf,
    pub kind: ExportErrorKind,
}

impl ExportError {
    pub fn new(path: &Path, kind: ExportErrorKind) -> ExportError {
        ExportError {
            path: path.to_path_buf(),
            kind,
        }
    }

    /// The target exists and was left alone (the caller may ask, then retry with force).
    pub fn is_already_exists(&self) -> bool {
        matches!(self.kind, ExportErrorKind::AlreadyExists)
    }

    /// The reason alone, without the path.
    pub fn reason(&self) -> String {
        let r = match &self.kind {
            ExportErrorKind::AlreadyExists => {
                "already exists; not overwritten (use --force)".into()
            }
            ExportErrorKind::NotFound => "no such file".into(),
            ExportErrorKind::IsDirectory => "is a directory, not a file".into(),
            ExportErrorKind::NoParentDirectory => "its directory does not exist".into(),
            ExportErrorKind::ParentNotDirectory => "its parent is not a directory".into(),
            ExportErrorKind::NoFileName => "not a file name".into(),
            ExportErrorKind::NotUtf8 => "not a Parapet snapshot: not UTF-8 text".into(),
            ExportErrorKind::TooLarge { bytes } => format!(
                "too large for a snapshot ({} MiB > {} MiB)",
                bytes / (1024 * 1024),
                MAX_SNAPSHOT_BYTES / (1024 * 1024)
            ),
            ExportErrorKind::Snapshot(e) => e.to_string(),
            ExportErrorKind::Serialize(e) => format!("cannot serialize the snapshot: {e}"),
            ExportErrorKind::Io(e) => io_reason(e),
        };
        one_line(&r)
    }
}

fn io_reason(e: &io::Error) -> String {
    match e.kind() {
        io::ErrorKind::NotFound => "no such file or directory".into(),
        io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Control characters (newlines in a path or a message) would break the one-line promise.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

impl fmt::Display for ExportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            one_line(&self.path.display().to_string()),
            self.reason()
        )
    }
}

/// The message already says the cause; `source()` still hands it on for callers that match
/// on it. Reporters print the chain with [`crate::report::error_chain`], which says each cause
/// once.
impl std::error::Error for ExportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ExportErrorKind::Io(e) => Some(e),
            ExportErrorKind::Snapshot(e) => Some(e),
            _ => None,
        }
    }
}

/// Writes `snapshot` as pretty JSON to `path` (atomic, mode 0600). Without `force` an existing
/// file is left alone and the error [`ExportError::is_already_exists`].
pub fn write_snapshot(path: &Path, snapshot: &Snapshot, force: bool) -> Result<(), ExportError> {
    atomic::write_atomic_with(path, force, |w| {
        snapshot.write_json_pretty(w).map_err(|e| {
            if e.is_io() {
                ExportErrorKind::Io(e.into())
            } else {
                ExportErrorKind::Serialize(e.to_string())
            }
        })
    })
}

/// Writes `snapshot` to `path` in `format` (atomic, mode 0600), like [`write_snapshot`].
pub fn write_as(
    path: &Path,
    snapshot: &Snapshot,
    format: formats::Format,
    force: bool,
) -> Result<(), ExportError> {
    if format == formats::Format::Json {
        return write_snapshot(path, snapshot, force);
    }
    atomic::write_atomic_with(path, force, |w| {
        formats::write(snapshot, format, w).map_err(ExportErrorKind::Io)
    })
}

/// Reads and validates a snapshot file.
pub fn read_snapshot(path: &Path) -> Result<Snapshot, ExportError> {
    let err = |kind| ExportError::new(path, kind);
    let meta = fs::metadata(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => err(ExportErrorKind::NotFound),
        _ => err(ExportErrorKind::Io(e)),
    })?;
    if meta.is_dir() {
        return Err(err(ExportErrorKind::IsDirectory));
    }
    if meta.is_file() && meta.len() > MAX_SNAPSHOT_BYTES {
        return Err(err(ExportErrorKind::TooLarge { bytes: meta.len() }));
    }
    let bytes = fs::read(path).map_err(|e| err(ExportErrorKind::Io(e)))?;
    let text = String::from_utf8(bytes).map_err(|_| err(ExportErrorKind::NotUtf8))?;
    Snapshot::parse_shared(std::sync::Arc::new(text)).map_err(|e| err(ExportErrorKind::Snapshot(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_is_path_then_reason_on_one_line() {
        let e = ExportError::new(Path::new("/tmp/a\nb.json"), ExportErrorKind::NotFound);
        assert_eq!(e.to_string(), "/tmp/a b.json: no such file");
        let e = ExportError::new(
            Path::new("s.json"),
            ExportErrorKind::Snapshot(SnapshotError::NewerSchema { found: 3 }),
        );
        assert_eq!(
            e.to_string(),
            "s.json: written by a newer Parapet (schema 3 > 2); upgrade Parapet to open it"
        );
        assert!(std::error::Error::source(&e).is_some());
    }

    #[test]
    fn io_errors_read_plainly() {
        let e = ExportError::new(
            Path::new("x.json"),
            ExportErrorKind::Io(io::Error::from(io::ErrorKind::PermissionDenied)),
        );
        assert_eq!(e.to_string(), "x.json: permission denied");
    }
}
