use super::*;

#[test]
fn display_is_path_then_reason_on_one_line() {
    let e = ExportError::new(Path::new("/tmp/a\nb.json"), ExportErrorKind::NotFound);
    assert_eq!(e.to_string(), "/tmp/a b.json: no such file");
    let e = ExportError::new(
        Path::new("s.json"),
        ExportErrorKind::Snapshot(crate::domain::snapshot::SnapshotError::NewerSchema { found: 3 }),
    );
    assert_eq!(
        e.to_string(),
        "s.json: written by a newer Parapet (schema 3 > 2); upgrade Parapet to open it"
    );
    assert!(std::error::Error::source(&e).is_some());
}

/// Issue 18, 8 and 19: every read is capped, devices are refused, a FIFO without a writer
/// does not block, a byte order mark is skipped.
#[cfg(unix)]
#[test]
fn reads_are_capped_and_devices_refused() {
    let dir = tempfile::tempdir().unwrap();
    for device in ["/dev/zero", "/dev/urandom", "/dev/null"] {
        let e = read_text(Path::new(device), MAX_SETTINGS_BYTES).unwrap_err();
        assert!(
            matches!(
                e,
                ExportErrorKind::NotRegular {
                    kind: "a character device"
                }
            ),
            "{device}: {e:?}"
        );
    }
    let big = dir.path().join("big.toml");
    fs::write(&big, vec![b'#'; 2048]).unwrap();
    assert!(matches!(
        read_text(&big, 1024),
        Err(ExportErrorKind::TooLarge { cap: 1024 })
    ));
    assert_eq!(read_text(&big, 2048).unwrap().len(), 2048);

    let fifo = dir.path().join("fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: mkfifo on a path this test owns.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    // No writer: read as empty, at once.
    assert_eq!(read_text(&fifo, 1024).unwrap(), "");
    // A writer that never stops is cut at the cap.
    let writer = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            use std::io::Write;
            // Opened once the reader has it open; fails with EPIPE when it closes.
            for _ in 0..100 {
                if let Ok(mut f) = fs::OpenOptions::new().write(true).open(&fifo) {
                    while f.write_all(&[b'x'; 4096]).is_ok() {}
                    return;
                }
            }
        })
    };
    let mut result = read_text(&fifo, 64 * 1024);
    for _ in 0..50 {
        if matches!(result, Err(ExportErrorKind::TooLarge { .. })) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        result = read_text(&fifo, 64 * 1024);
    }
    assert!(
        matches!(result, Err(ExportErrorKind::TooLarge { cap: 65536 })),
        "{result:?}"
    );
    writer.join().unwrap();

    let bom = dir.path().join("bom.json");
    fs::write(&bom, "\u{feff}{\"a\": 1}").unwrap();
    assert_eq!(read_text(&bom, 1024).unwrap(), "{\"a\": 1}");
}

#[test]
fn an_output_that_is_an_input_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    fs::write(&a, "{}").unwrap();
    let same = dir.path().join(".").join("a.json");
    let e = refuse_input(&same, &[Path::new("/nonexistent"), &a]).unwrap_err();
    assert!(e.to_string().contains("is also an input"), "{e}");
    assert!(refuse_input(&dir.path().join("b.json"), &[&a]).is_ok());
}

#[test]
fn io_errors_read_plainly() {
    let e = ExportError::new(
        Path::new("x.json"),
        ExportErrorKind::Io(io::Error::from(io::ErrorKind::PermissionDenied)),
    );
    assert_eq!(e.to_string(), "x.json: permission denied");
}
