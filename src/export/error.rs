//! Why a file could not be written or read, as one line naming the file. A leaf of the export
//! layer: the atomic writer and the readers report through it without importing each other.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};

use crate::domain::snapshot::SnapshotError;

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
    /// The path has no file name (`..`).
    NoFileName,
    /// The path is written as a directory (`out/`).
    DirectoryName,
    /// What is at the path (or a link's target) is a device, a FIFO or a socket: never
    /// replaced, and never read as a file.
    NotRegular {
        kind: &'static str,
    },
    /// Symbolic links that loop or go on for more than 40 steps.
    TooManyLinks,
    /// The output is one of the command's inputs: writing it would destroy what is read.
    IsInput {
        input: PathBuf,
    },
    NotUtf8,
    /// Longer than the reader's cap (for a pipe or a device: it went on past it).
    TooLarge {
        cap: u64,
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
            ExportErrorKind::DirectoryName => {
                "names a directory (ends in /); give a file name, e.g. DIR/scan.json".into()
            }
            ExportErrorKind::NotRegular { kind } => {
                format!("is {kind}, not a regular file; not written to or replaced")
            }
            ExportErrorKind::TooManyLinks => "too many levels of symbolic links".into(),
            ExportErrorKind::IsInput { input } => format!(
                "is also an input of this command ({}); write the output to another file",
                input.display()
            ),
            ExportErrorKind::NotUtf8 => "not a Parapet snapshot: not UTF-8 text".into(),
            ExportErrorKind::TooLarge { cap } => {
                format!("larger than {} MiB: not read", cap / (1024 * 1024))
            }
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
