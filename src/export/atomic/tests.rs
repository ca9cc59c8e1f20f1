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
