//! Snapshot files: writing (atomic, mode 0600, no clobbering without force) and reading (every
//! failure a one-line message naming the file).

pub mod atomic;
mod error;
pub mod formats;
pub mod stdout;

use std::fs;
use std::io;
use std::path::Path;

use crate::domain::snapshot::Snapshot;

pub use atomic::write_atomic;
pub use error::{ExportError, ExportErrorKind};

/// Snapshots larger than this are refused on read (a 10,000-function account's snapshot, of
/// about 300,000 findings, is ~500 MB).
pub const MAX_SNAPSHOT_BYTES: u64 = 512 * 1024 * 1024;

/// Every other file Parapet reads (config.toml, keys.toml, themes, the mutes file, a Prowler
/// mutelist) is refused beyond this: a hand-written settings file is a few kilobytes.
pub const MAX_SETTINGS_BYTES: u64 = 16 * 1024 * 1024;

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

/// Reads and validates a snapshot file (at most [`MAX_SNAPSHOT_BYTES`]).
pub fn read_snapshot(path: &Path) -> Result<Snapshot, ExportError> {
    let err = |kind| ExportError::new(path, kind);
    let text = read_text(path, MAX_SNAPSHOT_BYTES).map_err(err)?;
    Snapshot::parse_shared(std::sync::Arc::new(text)).map_err(|e| err(ExportErrorKind::Snapshot(e)))
}

/// The whole of a text file Parapet reads, at most `cap` bytes, without a leading UTF-8 byte
/// order mark. A regular file is read if its size is within the cap; a pipe (a FIFO, `<(…)`,
/// `/dev/stdin` from a pipe) is read up to the cap and refused past it; a device or a socket
/// (`/dev/zero`, a terminal) is refused: it has no end. Opening a FIFO without a writer does
/// not wait for one (it reads as empty).
pub fn read_text(path: &Path, cap: u64) -> Result<String, ExportErrorKind> {
    let bytes = read_bytes(path, cap)?;
    let mut text = String::from_utf8(bytes).map_err(|_| ExportErrorKind::NotUtf8)?;
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(text)
}

/// The whole of a file Parapet reads as bytes (a deployment package), at most `cap` bytes;
/// as [`read_text`] for pipes, devices and sockets.
pub fn read_bytes(path: &Path, cap: u64) -> Result<Vec<u8>, ExportErrorKind> {
    use std::io::Read;
    let (meta, fifo) = regular_or_fifo(path)?;
    if meta.is_file() && meta.len() > cap {
        return Err(ExportErrorKind::TooLarge { cap });
    }
    let file = open_for_reading(path, fifo).map_err(ExportErrorKind::Io)?;
    let mut bytes = Vec::new();
    file.take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(ExportErrorKind::Io)?;
    if bytes.len() as u64 > cap {
        return Err(ExportErrorKind::TooLarge { cap });
    }
    Ok(bytes)
}

/// A regular file opened for reading in place (a database read by random access, never
/// whole); anything else is refused as [`read_text`] refuses it, a pipe included.
pub fn open_regular(path: &Path) -> Result<(fs::File, fs::Metadata), ExportErrorKind> {
    let (meta, fifo) = regular_or_fifo(path)?;
    if fifo {
        return Err(ExportErrorKind::NotRegular { kind: "a pipe" });
    }
    let file = fs::File::open(path).map_err(ExportErrorKind::Io)?;
    Ok((file, meta))
}

/// The file's metadata and whether it is a FIFO; directories, devices and sockets refused.
fn regular_or_fifo(path: &Path) -> Result<(fs::Metadata, bool), ExportErrorKind> {
    let meta = fs::metadata(path).map_err(|e| match e.kind() {
        io::ErrorKind::NotFound => ExportErrorKind::NotFound,
        _ => ExportErrorKind::Io(e),
    })?;
    if meta.is_dir() {
        return Err(ExportErrorKind::IsDirectory);
    }
    let fifo = is_fifo(&meta);
    if !meta.is_file() && !fifo {
        return Err(ExportErrorKind::NotRegular {
            kind: atomic::special_kind(&meta),
        });
    }
    Ok((meta, fifo))
}

#[cfg(unix)]
fn is_fifo(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::FileTypeExt;
    meta.file_type().is_fifo()
}

#[cfg(not(unix))]
fn is_fifo(_: &fs::Metadata) -> bool {
    false
}

/// A FIFO is opened without waiting for a writer, then read blocking as usual.
fn open_for_reading(path: &Path, fifo: bool) -> io::Result<fs::File> {
    #[cfg(unix)]
    if fifo {
        use std::os::fd::AsRawFd;
        use std::os::unix::fs::OpenOptionsExt;
        let file = fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)?;
        let fd = file.as_raw_fd();
        // SAFETY: fcntl on a descriptor this function owns; only its status flags change.
        unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            if flags < 0 || libc::fcntl(fd, libc::F_SETFL, flags & !libc::O_NONBLOCK) < 0 {
                return Err(io::Error::last_os_error());
            }
        }
        return Ok(file);
    }
    let _ = fifo;
    fs::File::open(path)
}

/// Refuses an `output` that is the same file as one of `inputs` (links followed): writing it
/// would destroy what the command reads, whatever `--force` says.
pub fn refuse_input(output: &Path, inputs: &[&Path]) -> Result<(), ExportError> {
    for input in inputs {
        if same_file(output, input) {
            return Err(ExportError::new(
                output,
                ExportErrorKind::IsInput {
                    input: input.to_path_buf(),
                },
            ));
        }
    }
    Ok(())
}

/// Whether two paths name one existing file.
pub fn same_file(a: &Path, b: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        match (fs::metadata(a), fs::metadata(b)) {
            (Ok(x), Ok(y)) => x.dev() == y.dev() && x.ino() == y.ino(),
            _ => false,
        }
    }
    #[cfg(not(unix))]
    {
        matches!(
            (fs::canonicalize(a), fs::canonicalize(b)),
            (Ok(x), Ok(y)) if x == y
        )
    }
}

#[cfg(test)]
mod tests;
