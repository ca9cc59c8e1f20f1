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
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_leaves_neither_the_file_nor_a_temp_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        let e = write_atomic_with(&path, false, |w| {
            w.write_all(b"{\"half\": ").map_err(ExportErrorKind::Io)?;
            Err(ExportErrorKind::Serialize("boom".into()))
        })
        .unwrap_err();
        assert!(
            e.to_string()
                .ends_with("cannot serialize the snapshot: boom"),
            "{e}"
        );
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
        // Streamed content arrives whole.
        write_atomic_with(&path, false, |w| {
            for i in 0..10_000 {
                writeln!(w, "{i}").map_err(ExportErrorKind::Io)?;
            }
            Ok(())
        })
        .unwrap();
        let text = fs::read_to_string(&path).unwrap();
        assert_eq!(text.lines().count(), 10_000);
        assert!(text.ends_with("9999\n"));
    }

    #[test]
    fn writes_and_refuses_to_clobber() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.json");
        write_atomic(&path, b"one", false).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"one");
        let e = write_atomic(&path, b"two", false).unwrap_err();
        assert!(matches!(e.kind, ExportErrorKind::AlreadyExists));
        assert_eq!(fs::read(&path).unwrap(), b"one");
        write_atomic(&path, b"three", true).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"three");
        // No temp files left behind.
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("out.json")]);
    }

    #[test]
    fn publish_without_force_keeps_a_file_that_appeared_meanwhile() {
        let dir = tempfile::tempdir().unwrap();
        let tmp = dir.path().join(".x.tmp");
        let path = dir.path().join("x.json");
        fs::write(&tmp, b"new").unwrap();
        fs::write(&path, b"theirs").unwrap();
        assert!(matches!(
            publish(&tmp, &path, false),
            Err(ExportErrorKind::AlreadyExists)
        ));
        assert_eq!(fs::read(&path).unwrap(), b"theirs");
    }

    #[cfg(unix)]
    #[test]
    fn mode_is_0600() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("private.json");
        write_atomic(&path, b"{}", false).unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        // Overwriting a world-readable file leaves a private one.
        let public = dir.path().join("public.json");
        fs::write(&public, b"old").unwrap();
        fs::set_permissions(&public, fs::Permissions::from_mode(0o644)).unwrap();
        write_atomic(&public, b"new", true).unwrap();
        assert_eq!(
            fs::metadata(&public).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    /// Issue 18, 3: `--force` used to replace whatever was at the path.
    #[cfg(unix)]
    #[test]
    fn links_are_written_through_and_special_files_are_never_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.json");
        fs::write(&real, b"old").unwrap();
        let link = dir.path().join("link.json");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let e = write_atomic(&link, b"new", false).unwrap_err();
        assert!(matches!(e.kind, ExportErrorKind::AlreadyExists), "{e}");
        write_atomic(&link, b"new", true).unwrap();
        assert!(
            fs::symlink_metadata(&link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert_eq!(fs::read(&real).unwrap(), b"new");

        // A device, through a link or not, and the process's own standard output.
        let null_link = dir.path().join("null.json");
        std::os::unix::fs::symlink("/dev/null", &null_link).unwrap();
        // A link to one of the process's descriptors that is a pipe (as /proc/self/fd/1 is
        // when the output is piped; when it is a file, the file is written, as through any
        // link).
        let mut fds = [0; 2];
        // SAFETY: pipe(2) fills the two descriptors; they are closed at the end of the test.
        assert_eq!(unsafe { libc::pipe(fds.as_mut_ptr()) }, 0);
        let stdout_link = dir.path().join("stdout.json");
        std::os::unix::fs::symlink(format!("/proc/self/fd/{}", fds[1]), &stdout_link).unwrap();
        for target in [Path::new("/dev/null"), &null_link, &stdout_link] {
            let e = write_atomic(target, b"x", true).unwrap_err();
            assert!(
                matches!(e.kind, ExportErrorKind::NotRegular { .. }),
                "{}: {e}",
                target.display()
            );
            assert!(e.to_string().contains("not a regular file"), "{e}");
        }
        assert!(
            fs::symlink_metadata(&null_link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        assert!(
            fs::symlink_metadata(&stdout_link)
                .unwrap()
                .file_type()
                .is_symlink()
        );
        let fifo = dir.path().join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo on a path this test owns.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = write_atomic(&fifo, b"x", true).unwrap_err();
        assert!(e.to_string().contains("a pipe (FIFO)"), "{e}");

        // Links that loop.
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        let e = write_atomic(&a, b"x", true).unwrap_err();
        assert!(matches!(e.kind, ExportErrorKind::TooManyLinks), "{e}");
    }

    /// Issue 18, 18: `-o newdir/` said "Not a directory (os error 20)".
    #[test]
    fn a_directory_name_is_not_a_file_name() {
        let dir = tempfile::tempdir().unwrap();
        let e = write_atomic(&dir.path().join("newdir/"), b"x", true).unwrap_err();
        assert!(matches!(e.kind, ExportErrorKind::DirectoryName), "{e}");
        assert!(e.to_string().contains("give a file name"), "{e}");
        assert_eq!(fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[cfg(unix)]
    #[test]
    fn the_mode_of_a_kept_file_stays() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.toml");
        fs::write(&path, b"old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o664)).unwrap();
        write_atomic_mode(&path, true, Mode::KeepExisting, |w| {
            w.write_all(b"new").map_err(ExportErrorKind::Io)
        })
        .unwrap();
        assert_eq!(
            fs::metadata(&path).unwrap().permissions().mode() & 0o777,
            0o664
        );
        let fresh = dir.path().join("fresh.toml");
        write_atomic_mode(&fresh, false, Mode::KeepExisting, |w| {
            w.write_all(b"x").map_err(ExportErrorKind::Io)
        })
        .unwrap();
        assert_eq!(
            fs::metadata(&fresh).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }

    #[test]
    fn bad_destinations() {
        let dir = tempfile::tempdir().unwrap();
        let e = write_atomic(dir.path(), b"x", true).unwrap_err();
        assert!(matches!(e.kind, ExportErrorKind::IsDirectory));
        let e = write_atomic(&dir.path().join("missing/out.json"), b"x", false).unwrap_err();
        assert!(matches!(e.kind, ExportErrorKind::NoParentDirectory));
        let file = dir.path().join("plain");
        fs::write(&file, b"").unwrap();
        let e = write_atomic(&file.join("out.json"), b"x", false).unwrap_err();
        assert!(matches!(e.kind, ExportErrorKind::ParentNotDirectory));
        let msg = e.to_string();
        assert!(
            msg.contains("plain/out.json") && !msg.contains('\n'),
            "{msg}"
        );
    }
}
