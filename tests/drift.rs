//! `parapet diff` on real demo exports: one setting changed between them, and the diff reports
//! exactly the findings whose status changed, in text, JSON and Markdown, with the
//! `--fail-on-new` exit code.

use std::collections::BTreeSet;
use std::path::Path;
use std::process::{Command, Output};

use serde_json::Value;

fn parapet(config_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parapet"))
        .args(args)
        .env("PARAPET_CONFIG_DIR", config_dir)
        .output()
        .expect("run parapet")
}

/// Exports the demo with `config_toml` into `dir/name.json`.
fn export(dir: &Path, name: &str, config_toml: &str) -> String {
    let config = dir.join(name);
    std::fs::create_dir_all(&config).unwrap();
    std::fs::write(config.join("config.toml"), config_toml).unwrap();
    let file = dir.join(format!("{name}.json"));
    let out = parapet(&config, &["--demo", "--export", file.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    file.to_str().unwrap().to_string()
}

type Key = (String, String, String);

fn statuses(file: &str) -> std::collections::BTreeMap<Key, String> {
    let v: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap().to_string();
            ((s("check_id"), s("region"), s("resource_id")), s("status"))
        })
        .collect()
}

#[test]
fn diff_of_two_demo_exports_with_one_setting_changed_reports_exactly_that_change() {
    let dir = tempfile::tempdir().unwrap();
    let before = export(dir.path(), "before", "");
    // The one change: the warehouse partner's account becomes trusted.
    let after = export(
        dir.path(),
        "after",
        "trusted_accounts = [\"444455556666\"]\n",
    );

    // What changed, read straight from the two files.
    let (old, new) = (statuses(&before), statuses(&after));
    assert_eq!(
        old.keys().collect::<Vec<_>>(),
        new.keys().collect::<Vec<_>>()
    );
    let changed: BTreeSet<&Key> = old.keys().filter(|k| old[*k] != new[*k]).collect();
    assert!(!changed.is_empty());
    assert!(
        changed
            .iter()
            .all(|k| old[*k] == "fail" && new[*k] == "pass"),
        "{changed:?}"
    );

    let out = parapet(dir.path(), &["diff", &before, &after, "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let drift: Value = serde_json::from_slice(&out.stdout).unwrap();
    let reported: BTreeSet<Key> = drift["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            assert_eq!(c["change"], "resolved", "{c}");
            assert_eq!(
                (c["old"].as_str(), c["new"].as_str()),
                (Some("fail"), Some("pass"))
            );
            let s = |k: &str| c[k].as_str().unwrap().to_string();
            (s("check_id"), s("region"), s("resource_id"))
        })
        .collect();
    assert_eq!(reported.iter().collect::<BTreeSet<_>>(), changed);
    assert_eq!(drift["counts"]["resolved"], changed.len());
    assert_eq!(drift["counts"]["new_failure"], 0);
    let delta = drift["new"]["score"].as_i64().unwrap() - drift["old"]["score"].as_i64().unwrap();
    assert_eq!(drift["score_delta"], delta);
    assert!(delta >= 0, "trusting the partner never lowers the score");
    // It raises the least-privilege category (the partner's layers and invoke grants).
    let privilege = |file: &str| {
        let v: Value = serde_json::from_str(&std::fs::read_to_string(file).unwrap()).unwrap();
        v["score"]["categories"]["privilege"].as_i64().unwrap()
    };
    assert!(
        privilege(&after) > privilege(&before),
        "trusting the partner raises the privilege score"
    );

    // The text names every change; nothing is gated when nothing fails anew.
    let out = parapet(
        dir.path(),
        &["diff", &before, &after, "--fail-on-new", "low"],
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&format!("Resolved failures ({})", changed.len())),
        "{text}"
    );
    for (check, _, _) in &changed {
        assert!(text.contains(check.as_str()), "{check} missing:\n{text}");
    }

    // Backwards, the same findings are regressions (pass → fail): exit 3 at their severity.
    let out = parapet(
        dir.path(),
        &["diff", &after, &before, "--fail-on-new", "high"],
    );
    assert_eq!(
        out.status.code(),
        Some(3),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("--fail-on-new high"));
    let out = parapet(
        dir.path(),
        &["diff", &after, &before, "--fail-on-new", "critical"],
    );
    assert_eq!(out.status.code(), Some(0), "no critical finding changed");

    // Markdown, read back by markdown-it-py: one section, one table row per change.
    let out = parapet(
        dir.path(),
        &["diff", &before, &after, "--format", "markdown"],
    );
    assert_eq!(out.status.code(), Some(0));
    let file = dir.path().join("drift.md");
    std::fs::write(&file, &out.stdout).unwrap();
    let read = crate::formats::read_back("markdown", &file);
    let headings: Vec<&str> = read["headings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h[1].as_str().unwrap())
        .collect();
    assert_eq!(headings.len(), 2, "{headings:?}");
    assert_eq!(
        headings[1],
        format!("Resolved failures ({})", changed.len())
    );
    assert_eq!(read["tables"][0]["rows"], changed.len() + 1);
}

#[test]
fn diff_of_a_snapshot_with_itself_is_empty_and_bad_files_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let snapshot = export(dir.path(), "only", "");
    let out = parapet(dir.path(), &["diff", &snapshot, &snapshot]);
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("No finding changed."));

    let missing = dir.path().join("missing.json");
    let out = parapet(dir.path(), &["diff", &snapshot, missing.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("missing.json"), "{err}");
    let out = parapet(
        dir.path(),
        &["diff", &snapshot, &snapshot, "--fail-on-new", "severe"],
    );
    assert_eq!(
        out.status.code(),
        Some(2),
        "a bad severity is a usage error"
    );
}

/// `parapet open NEW --baseline OLD` reads OLD before the terminal starts: a broken one is a
/// one-line error naming it, exit 2.
#[test]
fn open_with_a_broken_baseline_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let new = export(dir.path(), "new", "");
    let old = dir.path().join("old.json");
    std::fs::write(&old, "{\"schema_version\": 1").unwrap();
    let out = parapet(
        dir.path(),
        &["open", &new, "--baseline", old.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("parapet: ") && err.contains("old.json"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "{err}");
}
