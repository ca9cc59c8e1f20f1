//! What a hostile pass over the command line found (issue 18), each example reproduced with
//! the real binary: outputs that would destroy inputs or special files, unbounded reads,
//! closed and full outputs, odd merges, unclear messages. Every failure is one line on
//! stderr and exit 2; a closed pipe is a normal end.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use parapet::demo::DEMO_ACCOUNT;

fn parapet(config_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parapet"))
        .args(args)
        .env("PARAPET_CONFIG_DIR", config_dir)
        .env_remove("NO_COLOR")
        .env_remove("AWS_ENDPOINT_URL")
        .stdin(Stdio::null())
        .output()
        .expect("run parapet")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Exit 2 with one line on stderr that contains every one of `words`, and no panic.
#[track_caller]
fn refused(o: &Output, words: &[&str]) -> String {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    assert!(!err.contains("panicked"), "{err}");
    for w in words {
        assert!(err.contains(w), "`{w}` missing in: {err}");
    }
    err
}

/// The demo account's snapshot at `path`, optionally as another account id.
fn demo_snapshot(dir: &Path, path: &Path, account: Option<&str>) {
    let out = parapet(dir, &["--demo", "--export", path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    if let Some(id) = account {
        let text = std::fs::read_to_string(path).unwrap();
        std::fs::write(path, text.replace(DEMO_ACCOUNT, id)).unwrap();
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Item 6: an output that is one of the inputs overwrote the input.
#[test]
fn an_output_that_is_an_input_is_refused_even_with_force() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    let b = dir.path().join("b.json");
    demo_snapshot(dir.path(), &a, None);
    demo_snapshot(dir.path(), &b, Some("444455556666"));
    let before = std::fs::read(&a).unwrap();

    let out = parapet(
        dir.path(),
        &["convert", s(&a), "--format", "csv", "-o", s(&a), "--force"],
    );
    refused(&out, &["a.json", "is also an input"]);
    let out = parapet(dir.path(), &["merge", s(&a), s(&b), "-o", s(&a), "--force"]);
    refused(&out, &["is also an input"]);
    // Through another spelling of the same file, and through a link to it.
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&a, &link).unwrap();
    let dotted = dir.path().join(".").join("a.json");
    let out = parapet(
        dir.path(),
        &[
            "convert",
            s(&link),
            "--format",
            "csv",
            "-o",
            s(&dotted),
            "--force",
        ],
    );
    refused(&out, &["is also an input"]);
    assert_eq!(std::fs::read(&a).unwrap(), before, "the input is untouched");

    // The files a run reads besides AWS: the mutes file, the mutelist, config.toml.
    let mutes = dir.path().join("team-mutes.toml");
    std::fs::write(&mutes, "# ours\n").unwrap();
    let out = parapet(
        dir.path(),
        &[
            "--demo",
            "--export",
            s(&mutes),
            "--mutes",
            s(&mutes),
            "--force",
        ],
    );
    refused(&out, &["is also an input"]);
    let config = dir.path().join("config.toml");
    std::fs::write(&config, "theme = \"dark\"\n").unwrap();
    let out = parapet(dir.path(), &["--demo", "--export", s(&config), "--force"]);
    refused(&out, &["is also an input"]);
    assert_eq!(std::fs::read_to_string(&mutes).unwrap(), "# ours\n");
    assert_eq!(
        std::fs::read_to_string(&config).unwrap(),
        "theme = \"dark\"\n"
    );
}

/// Item 3: `--force` replaced a device node or a link to the process's own output.
#[test]
fn force_never_replaces_a_special_file_and_writes_through_links() {
    let dir = tempfile::tempdir().unwrap();
    let to_stdout = dir.path().join("out.json");
    std::os::unix::fs::symlink("/proc/self/fd/1", &to_stdout).unwrap();
    let out = parapet(
        dir.path(),
        &["--demo", "--export", s(&to_stdout), "--force"],
    );
    refused(&out, &["out.json", "not a regular file"]);
    assert!(
        std::fs::symlink_metadata(&to_stdout)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let out = parapet(dir.path(), &["--demo", "--export", "/dev/null", "--force"]);
    refused(&out, &["/dev/null", "a character device"]);

    // A link to a regular file: the file gets the snapshot, the link stays.
    let real = dir.path().join("real.json");
    std::fs::write(&real, "old").unwrap();
    let link = dir.path().join("latest.json");
    std::os::unix::fs::symlink("real.json", &link).unwrap();
    let out = parapet(dir.path(), &["--demo", "--export", s(&link), "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&real)
            .unwrap()
            .contains("schema_version")
    );
}

/// Item 18: `-o newdir/` said "Not a directory (os error 20)".
#[test]
fn a_directory_name_as_output_says_to_give_a_file_name() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    demo_snapshot(dir.path(), &a, None);
    let newdir = format!("{}/newdir/", dir.path().display());
    let out = parapet(
        dir.path(),
        &["convert", s(&a), "--format", "csv", "-o", &newdir],
    );
    let err = refused(&out, &["newdir/", "give a file name"]);
    assert!(!err.contains("os error"), "{err}");
}

/// Items 8 and 19: reads from devices and FIFOs had no cap and no end; a byte order mark
/// made a snapshot "not JSON".
#[test]
fn every_read_is_bounded_and_a_byte_order_mark_is_fine() {
    let dir = tempfile::tempdir().unwrap();
    for device in ["/dev/zero", "/dev/urandom"] {
        let out = parapet(dir.path(), &["convert", device, "--format", "csv"]);
        refused(&out, &[device, "character device"]);
        let out = parapet(
            dir.path(),
            &["--demo", "--export", "x.json", "--mutelist", device],
        );
        refused(&out, &[device, "character device"]);
        let out = parapet(
            dir.path(),
            &["--demo", "--export", "x.json", "--mutes", device],
        );
        refused(&out, &[device, "character device"]);
    }
    // A FIFO nobody writes to reads as empty instead of waiting forever.
    let fifo = dir.path().join("fifo.json");
    let c = std::ffi::CString::new(s(&fifo)).unwrap();
    // SAFETY: mkfifo on a path this test owns.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let out = parapet(dir.path(), &["convert", s(&fifo), "--format", "csv"]);
    refused(&out, &["fifo.json", "empty"]);

    let a = dir.path().join("a.json");
    demo_snapshot(dir.path(), &a, None);
    let bom = dir.path().join("bom.json");
    let mut text = "\u{feff}".to_string();
    text.push_str(&std::fs::read_to_string(&a).unwrap());
    std::fs::write(&bom, text).unwrap();
    let out = parapet(dir.path(), &["convert", s(&bom), "--format", "markdown"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// Item 20: after `merge DIR -o DIR/org.json`, `open DIR` (the same reader as `merge DIR`)
/// refused because of the merged file; a stray file blocked it without saying which.
#[test]
fn a_directory_merges_again_beside_its_merge_and_a_stray_file_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let shards = dir.path().join("scans");
    std::fs::create_dir(&shards).unwrap();
    demo_snapshot(dir.path(), &shards.join("a.json"), None);
    demo_snapshot(dir.path(), &shards.join("b.json"), Some("444455556666"));
    let org = shards.join("org.json");
    let out = parapet(dir.path(), &["merge", s(&shards), "-o", s(&org)]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Again, into the same file: the earlier merge is not an input.
    let out = parapet(dir.path(), &["merge", s(&shards), "-o", s(&org), "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    // Without -o the earlier merge is in the folder: left out, with a note.
    let out = parapet(dir.path(), &["merge", s(&shards)]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("left out"), "{}", stderr(&out));
    assert!(stderr(&out).contains("org.json"), "{}", stderr(&out));
    let merged: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(merged["accounts"].as_array().unwrap().len(), 2);

    std::fs::write(shards.join("notes.json"), "{\"todo\": 1}").unwrap();
    let out = parapet(dir.path(), &["merge", s(&shards)]);
    refused(&out, &["notes.json", "move this one out"]);
}

/// Item 21: a missing `--mutes` file applied nothing without a word; config values out of
/// range were accepted.
#[test]
fn a_missing_mutes_file_and_out_of_range_settings_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let out = parapet(
        dir.path(),
        &["--demo", "--export", "x.json", "--mutes", "nope.toml"],
    );
    refused(&out, &["nope.toml", "no such mutes file"]);
    for (config, words) in [
        ("max_secret_age_days = -5\n", "max_secret_age_days"),
        (
            "[[mute]]\ncheck = \"lambda.no-vpc\"\nreason = \"\"\n",
            "needs a reason",
        ),
        (
            "[intervals]\nfunctions = 18446744073709551615\n",
            "longer than a week",
        ),
    ] {
        std::fs::write(dir.path().join("config.toml"), config).unwrap();
        let out = parapet(dir.path(), &["--demo", "--export", "x.json"]);
        refused(&out, &["config.toml", words]);
    }
    std::fs::remove_file(dir.path().join("config.toml")).unwrap();
    assert!(!dir.path().join("x.json").exists());
}

/// Item 10: `--interval` near the integer limit panicked the poller.
#[test]
fn an_interval_past_a_week_is_refused_by_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let out = parapet(
        dir.path(),
        &["--demo", "--interval", "18446744073709551615"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--interval"), "{err}");
    assert!(err.contains("604800"), "{err}");
}
