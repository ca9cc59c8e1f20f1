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

/// The binary with its standard output on `out`.
fn parapet_into(config_dir: &Path, args: &[&str], out: Stdio) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parapet"))
        .args(args)
        .env("PARAPET_CONFIG_DIR", config_dir)
        .env_remove("AWS_ENDPOINT_URL")
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(Stdio::piped())
        .output()
        .expect("run parapet")
}

fn full_device() -> Stdio {
    Stdio::from(
        std::fs::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full"),
    )
}

/// Item 11: printing commands panicked on a full device ("failed printing to stdout", exit
/// 101); `--help` there exited 0.
#[test]
fn a_full_device_is_an_error_for_every_printing_command() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    demo_snapshot(dir.path(), &a, None);
    let commands: Vec<Vec<&str>> = vec![
        vec!["checks"],
        vec!["checks", "--format", "json"],
        vec!["policy"],
        vec!["info"],
        vec!["diff", s(&a), s(&a)],
        vec!["convert", s(&a), "--format", "csv"],
        vec!["merge", s(&a)],
        vec!["completions", "bash"],
        vec!["man"],
        vec!["--help"],
        vec!["--version"],
        vec!["scan", "--help"],
    ];
    for args in commands {
        let out = parapet_into(dir.path(), &args, full_device());
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("No space left on device"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// Item 11: a pipe closed by the reader (`| head`) printed "Broken pipe" with exit 2.
#[test]
fn a_reader_that_stops_early_is_a_normal_end() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    demo_snapshot(dir.path(), &a, None);
    // Each prints far more than a pipe holds, so the write after the reader is gone fails.
    for args in [
        vec!["convert", s(&a), "--format", "csv"],
        vec!["convert", s(&a), "--format", "ocsf"],
        vec!["merge", s(&a)],
        vec!["diff", s(&a), s(&a), "--format", "json"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_parapet"))
            .args(&args)
            .env("PARAPET_CONFIG_DIR", dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Read one byte, then hang up, as `head -c 1` does.
        use std::io::Read;
        let mut first = [0u8; 1];
        child.stdout.take().unwrap().read_exact(&mut first).unwrap();
        let out = child.wait_with_output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
        assert!(err.trim().is_empty(), "{args:?}: {err}");
    }
}

/// Item 5: `scan` with standard output closed said "snapshot written to stdout", exit 0.
#[test]
fn a_closed_standard_output_is_refused_before_any_work() {
    use std::os::unix::process::CommandExt;
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    demo_snapshot(dir.path(), &a, None);
    for args in [
        vec!["scan", "--region", "eu-west-1"],
        vec!["checks"],
        vec!["convert", s(&a), "--format", "markdown"],
        vec!["--help"],
    ] {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_parapet"));
        cmd.args(&args)
            .env("PARAPET_CONFIG_DIR", dir.path())
            .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
            .env("AWS_SECRET_ACCESS_KEY", "secret")
            .stdin(Stdio::null())
            .stderr(Stdio::piped());
        // SAFETY: only close(2) between fork and exec.
        unsafe {
            cmd.pre_exec(|| {
                libc::close(1);
                Ok(())
            });
        }
        let out = cmd.output().unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains("standard output is closed"), "{args:?}: {err}");
        assert!(!err.contains("written to stdout"), "{args:?}: {err}");
    }
}

/// Item 13: a password or token in `--endpoint-url` was printed on stderr (twice).
#[test]
fn credentials_in_an_endpoint_url_are_never_printed() {
    let dir = tempfile::tempdir().unwrap();
    for url in [
        "http://user:hunter2secret@127.0.0.1:9",
        "http://127.0.0.1:9/?token=hunter2secret",
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_parapet"))
            .args(["scan", "--region", "eu-west-1", "--endpoint-url", url])
            .env("PARAPET_CONFIG_DIR", dir.path())
            .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
            .env("AWS_SECRET_ACCESS_KEY", "secret")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env_remove("AWS_PROFILE")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(
            err.contains("127.0.0.1:9"),
            "still names the endpoint: {err}"
        );
        assert!(!err.contains("hunter2secret"), "{err}");
        assert!(
            !String::from_utf8_lossy(&out.stdout).contains("hunter2secret"),
            "stdout"
        );
    }
}

/// Item 14: terminal escapes in resource names reached the terminal through Markdown (and
/// the text diff); CSV cells could be spreadsheet formulas.
#[test]
fn account_text_cannot_drive_the_terminal_or_a_spreadsheet() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    demo_snapshot(dir.path(), &a, None);
    let text = std::fs::read_to_string(&a).unwrap();
    // Every resource named orders-… gets a title-setting escape and a screen clear.
    let hostile = text.replace(
        "\"resource_name\": \"orders",
        "\"resource_name\": \"=cmd|' /C calc'!A0\\u001b]0;owned\\u0007\\u009b2Jorders",
    );
    assert_ne!(hostile, text, "the demo has resources named orders-…");
    let h = dir.path().join("hostile.json");
    std::fs::write(&h, hostile).unwrap();
    // Against a baseline without findings, every failing finding is new and listed.
    let mut none: serde_json::Value = serde_json::from_str(&text).unwrap();
    none["findings"] = serde_json::Value::Array(Vec::new());
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, none.to_string()).unwrap();
    for args in [
        vec!["convert", s(&h), "--format", "markdown"],
        vec!["convert", s(&h), "--format", "csv"],
        vec!["diff", s(&empty), s(&h)],
        vec!["diff", s(&empty), s(&h), "--format", "markdown"],
    ] {
        let out = parapet(dir.path(), &args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let shown = String::from_utf8_lossy(&out.stdout);
        assert!(
            !shown.contains('\u{1b}') && !shown.contains('\u{9b}') && !shown.contains('\u{7}'),
            "{args:?} prints control characters"
        );
        assert!(shown.contains("\\x1b]0;owned"), "{args:?}: shown, escaped");
    }
    let csv = parapet(dir.path(), &["convert", s(&h), "--format", "csv"]);
    let mut reader = csv::Reader::from_reader(&csv.stdout[..]);
    let names = reader
        .headers()
        .unwrap()
        .iter()
        .position(|c| c == "resource_name")
        .unwrap();
    let mut hostile_rows = 0;
    for row in reader.records() {
        let cell = row.unwrap()[names].to_string();
        assert!(!cell.starts_with(['=', '+', '-', '@']), "{cell}");
        if cell.starts_with("'=cmd") {
            hostile_rows += 1;
        }
    }
    assert!(hostile_rows > 0);
}

/// Item 15: convert and diff trusted a stored score ("score 9999"; "298 pass · 154 fail"
/// for an empty findings list).
#[test]
fn every_reader_scores_the_findings_not_the_stored_score() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.json");
    demo_snapshot(dir.path(), &a, None);
    let mut json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&a).unwrap()).unwrap();
    let real = json["score"]["overall"].as_u64().unwrap();
    json["score"]["overall"] = 9999.into();
    let edited = dir.path().join("edited.json");
    std::fs::write(&edited, json.to_string()).unwrap();
    let out = parapet(dir.path(), &["convert", s(&edited), "--format", "markdown"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(!md.contains("9999"), "{md}");
    assert!(md.contains(&format!("score {real} (")), "{md}");
    assert!(stderr(&out).contains("recomputed"), "{}", stderr(&out));
    let out = parapet(dir.path(), &["diff", s(&a), s(&edited)]);
    assert!(!String::from_utf8_lossy(&out.stdout).contains("9999"));

    json["findings"] = serde_json::Value::Array(Vec::new());
    let empty = dir.path().join("empty.json");
    std::fs::write(&empty, json.to_string()).unwrap();
    let out = parapet(dir.path(), &["convert", s(&empty), "--format", "markdown"]);
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("0 pass · 0 fail"), "{md}");
}
