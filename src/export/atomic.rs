//! Atomic, private file writes: a reader sees the old file or the complete new one, never a
//! half-written file, and nobody but the owner can read it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use super::error::{ExportError, ExportErrorKind};

/// Mode of every file Parapet exports: snapshots describe an account's weak spots.
pub const FILE_MODE: u32 = 0o600;

static TEMP_COUNTER: AtomicU32 = AtomicU32::new(0);

/// The mode a written file gets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// [`FILE_MODE`] (0600), whatever the file had: snapshots and exports.
    Private,
    /// The replaced file's own permission bits (0600 for a new file): a file the user keeps
    /// and may share, such as the mutes file.
    KeepExisting,
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, created with
/// mode 0600, written, fsynced, then renamed over `path`. Without `force` an existing `path` is
/// never replaced ([`ExportErrorKind::AlreadyExists`]), not even one created while writing.
/// See [`write_atomic_with`] for symbolic links and special files.
pub fn write_atomic(path: &Path, bytes: &[u8], force: bool) -> Result<(), ExportError> {
    write_atomic_with(path, force, |w| {
        w.write_all(bytes).map_err(ExportErrorKind::Io)
    })
}

/// [`write_atomic`], with the content produced by `write` straight into the (buffered)
/// temporary file, so a large snapshot is never held in memory as one string.
///
/// A symbolic link is written through: its final target gets the content and the link
/// stays. Anything at `path` that is not a regular file (a device, a FIFO, a socket, a link
/// to one such as `/proc/self/fd/1`) is refused, `force` or not: renaming over it would
/// replace it, and writing into it would not be atomic.
pub fn write_atomic_with(
    path: &Path,
    force: bool,
    write: impl FnOnce(&mut dyn Write) -> Result<(), ExportErrorKind>,
) -> Result<(), ExportError> {
    write_atomic_mode(path, force, Mode::Private, write)
}

/// [`write_atomic_with`] with the file's [`Mode`] chosen.
pub fn write_atomic_mode(
    path: &Path,
    force: bool,
    mode: Mode,
    write: impl FnOnce(&mut dyn Write) -> Result<(), ExportErrorKind>,
) -> Result<(), ExportError> {
    let err = |kind| ExportError::new(path, kind);
    let (target, existing) = resolve(path).map_err(err)?;
    if ends_in_separator(path) {
        return Err(err(ExportErrorKind::DirectoryName));
    }
    if existing.is_some() && !force {
        return Err(err(ExportErrorKind::AlreadyExists));
    }
    let dir = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match fs::metadata(&dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(err(ExportErrorKind::ParentNotDirectory)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(err(ExportErrorKind::NoParentDirectory));
        }
        Err(e) if e.kind() == io::ErrorKind::NotADirectory => {
            return Err(err(ExportErrorKind::ParentNotDirectory));
        }
        Err(e) => return Err(err(ExportErrorKind::Io(e))),
    }
    let file_name = target
        .file_name()
        .ok_or_else(|| err(ExportErrorKind::NoFileName))?;
    let bits = match (mode, &existing) {
        #[cfg(unix)]
        (Mode::KeepExisting, Some(meta)) => {
            use std::os::unix::fs::PermissionsExt;
            meta.permissions().mode() & 0o7777
        }
        _ => FILE_MODE,
    };

    let (tmp_path, file) =
        create_temp(&dir, &file_name.to_string_lossy()).map_err(|e| err(ExportErrorKind::Io(e)))?;
    let result =
        write_and_sync(file, bits, write).and_then(|()| publish(&tmp_path, &target, force));
    if let Err(kind) = result {
        let _ = fs::remove_file(&tmp_path);
        return Err(err(kind));
    }
    sync_dir(&dir);
    Ok(())
}

/// Whether `path` is written as a directory name (`out/`, `out/.`): a file cannot be
/// written there, and the OS would only say "Not a directory".
fn ends_in_separator(path: &Path) -> bool {
    let text = path.as_os_str().as_encoded_bytes();
    text.ends_with(b"/") || text.ends_with(b"/.") || text == b"." || text == b".."
}

/// Symbolic links followed at most this many times (Linux's own limit).
const MAX_LINKS: usize = 40;

/// Where a write to `path` lands, and what is there now: `path` itself, or the final target
/// of a symbolic link (which may not exist yet). A directory or a file that is not regular is
/// refused.
fn resolve(path: &Path) -> Result<(PathBuf, Option<fs::Metadata>), ExportErrorKind> {
    let mut at = path.to_path_buf();
    for _ in 0..MAX_LINKS {
        let meta = match fs::symlink_metadata(&at) {
            Ok(meta) => meta,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) =>
            {
                // Missing (or a parent that is not a directory: the caller's parent check
                // says which).
                return Ok((at, None));
            }
            Err(e) => return Err(ExportErrorKind::Io(e)),
        };
        let kind = meta.file_type();
        if kind.is_symlink() {
            // A link to something that exists is followed by the OS (which also knows the
            // kernel's own links, such as /proc/self/fd/1); a dangling one by hand.
            match fs::metadata(&at) {
                Ok(real) => {
                    check_kind(&real)?;
                    let target = fs::canonicalize(&at).map_err(ExportErrorKind::Io)?;
                    return Ok((target, Some(real)));
                }
                Err(_) => {
                    let link = fs::read_link(&at).map_err(ExportErrorKind::Io)?;
                    at = match at.parent() {
                        Some(dir) if link.is_relative() => dir.join(link),
                        _ => link,
                    };
                    continue;
                }
            }
        }
        check_kind(&meta)?;
        return Ok((at, Some(meta)));
    }
    Err(ExportErrorKind::TooManyLinks)
}

/// A regular file may be replaced; a directory or a special file may not.
fn check_kind(meta: &fs::Metadata) -> Result<(), ExportErrorKind> {
    if meta.is_dir() {
        return Err(ExportErrorKind::IsDirectory);
    }
    if meta.is_file() {
        return Ok(());
    }
    Err(ExportErrorKind::NotRegular {
        kind: special_kind(meta),
    })
}

/// What a file that is neither regular nor a directory is, in words.
pub fn special_kind(meta: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_fifo() {
            return "a pipe (FIFO)";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    let _ = meta;
    "not a regular file"
}

/// A new file `.<name>.<pid>.<n>.tmp` next to the target, readable by the owner only from the
/// moment it exists.
fn create_temp(dir: &Path, name: &str) -> io::Result<(PathBuf, File)> {
    let pid = std::process::id();
    let mut attempts = 0;
    loop {
        attempts += 1;
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let tmp = dir.join(format!(".{name}.{pid}.{n}.tmp"));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(FILE_MODE);
        }
        match options.open(&tmp) {
            Ok(file) => return Ok((tmp, file)),
            // A stale temp file of a crashed run with the same pid: take the next name.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && attempts < 100 => continue,
            Err(e) => return Err(e),
        }
    }
}

fn write_and_sync(
    file: File,
    mode: u32,
    write: impl FnOnce(&mut dyn Write) -> Result<(), ExportErrorKind>,
) -> Result<(), ExportErrorKind> {
    // The umask can only narrow the creation mode; set it exactly in case it narrowed too
    // much (or to the replaced file's mode).
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(mode))
            .map_err(ExportErrorKind::Io)?;
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut out = io::BufWriter::new(file);
    write(&mut out)?;
    let file = out
        .into_inner()
        .map_err(|e| ExportErrorKind::Io(e.into_error()))?;
    file.sync_all().map_err(ExportErrorKind::Io)
}

/// Moves the finished temp file into place. Without `force`, a hard link publishes it only if
/// nothing exists at `path` (atomic no-clobber); filesystems without hard links fall back to a
/// check and a rename.
fn publish(tmp: &Path, path: &Path, force: bool) -> Result<(), ExportErrorKind> {
    if force {
        return fs::rename(tmp, path).map_err(ExportErrorKind::Io);
    }
    match fs::hard_link(tmp, path) {
        Ok(()) => {
            let _ = fs::remove_file(tmp);
            Ok(())
        }
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(ExportErrorKind::AlreadyExists),
        Err(_) => {
            if fs::symlink_metadata(path).is_ok() {
                return Err(ExportErrorKind::AlreadyExists);
            }
            fs::rename(tmp, path).map_err(ExportErrorKind::Io)
        }
    }
}

/// Makes the rename durable. Best effort: not every platform can open a directory.
fn sync_dir(dir: &Path) {
    #[cfg(unix)]
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

#[cfg(test)]
mod tests;
