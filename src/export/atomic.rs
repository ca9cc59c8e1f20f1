//! Atomic, private file writes: a reader sees the old file or the complete new one, never a
//! half-written file, and nobody but the owner can read it.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use super::{ExportError, ExportErrorKind};

/// Mode of every file Parapet exports: snapshots describe an account's weak spots.
pub const FILE_MODE: u32 = 0o600;

static TEMP_COUNTER: AtomicU32 = AtomicU32::new(0);

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, created with
/// mode 0600, written, fsynced, then renamed over `path`. Without `force` an existing `path` is
/// never replaced ([`ExportErrorKind::AlreadyExists`]), not even one created while writing.
pub fn write_atomic(path: &Path, bytes: &[u8], force: bool) -> Result<(), ExportError> {
    write_atomic_with(path, force, |w| {
        w.write_all(bytes).map_err(ExportErrorKind::Io)
    })
}

/// [`write_atomic`], with the content produced by `write` straight into the (buffered)
/// temporary file, so a large snapshot is never held in memory as one string.
pub fn write_atomic_with(
    path: &Path,
    force: bool,
    write: impl FnOnce(&mut dyn Write) -> Result<(), ExportErrorKind>,
) -> Result<(), ExportError> {
    let err = |kind| ExportError::new(path, kind);
    match fs::symlink_metadata(path) {
        Ok(meta) if meta.is_dir() => return Err(err(ExportErrorKind::IsDirectory)),
        Ok(_) if !force => return Err(err(ExportErrorKind::AlreadyExists)),
        Ok(_) => {}
        // Missing, or a parent that is not a directory: the parent check below says which.
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) => {}
        Err(e) => return Err(err(ExportErrorKind::Io(e))),
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    match fs::metadata(&dir) {
        Ok(meta) if meta.is_dir() => {}
        Ok(_) => return Err(err(ExportErrorKind::ParentNotDirectory)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(err(ExportErrorKind::NoParentDirectory));
        }
        Err(e) => return Err(err(ExportErrorKind::Io(e))),
    }
    let file_name = path
        .file_name()
        .ok_or_else(|| err(ExportErrorKind::NoFileName))?;

    let (tmp_path, file) =
        create_temp(&dir, &file_name.to_string_lossy()).map_err(|e| err(ExportErrorKind::Io(e)))?;
    let result = write_and_sync(file, write).and_then(|()| publish(&tmp_path, path, force));
    if let Err(kind) = result {
        let _ = fs::remove_file(&tmp_path);
        return Err(err(kind));
    }
    sync_dir(&dir);
    Ok(())
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
    write: impl FnOnce(&mut dyn Write) -> Result<(), ExportErrorKind>,
) -> Result<(), ExportErrorKind> {
    // The umask can only narrow the creation mode; set it exactly in case it narrowed too much.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        file.set_permissions(fs::Permissions::from_mode(FILE_MODE))
            .map_err(ExportErrorKind::Io)?;
    }
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
