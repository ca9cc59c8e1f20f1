//! The real binary, end to end, for everything that does not need a terminal.

use std::path::Path;
use std::process::{Command, Output};

use parapet::demo;

fn parapet(config_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_parapet"))
        .args(args)
        .env("PARAPET_CONFIG_DIR", config_dir)
        .env_remove("NO_COLOR")
        .output()
        .expect("run parapet")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Each cause said once: no clause of an error message (the parts between `: `) repeats.
fn assert_said_once(what: &str, msg: &str) {
    let clauses: Vec<&str> = msg.trim().split(": ").collect();
    for (i, clause) in clauses.iter().enumerate() {
        assert!(
            !clauses[i + 1..].contains(clause),
            "{what}: `{clause}` is said twice in: {msg}"
        );
    }
}

#[test]
fn demo_export_writes_a_private_snapshot_without_secret_values() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.json");
    let out = parapet(dir.path(), &["--demo", "--export", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("findings, score"), "{}", stderr(&out));

    let text = std::fs::read_to_string(&file).unwrap();
    for secret in demo::secret_values()
        .into_iter()
        .chain(demo::committed_secret_values())
    {
        assert!(!text.contains(secret), "export leaks a demo secret value");
        // Nor a long enough piece of it to be useful.
        let piece = &secret[..secret.len().min(12)];
        assert!(
            !text.contains(piece),
            "export leaks a prefix of a demo secret"
        );
    }
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);

    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(json["schema_version"], 2);
    assert_eq!(json["accounts"][0]["id"], demo::DEMO_ACCOUNT);
    assert!(json["findings"].as_array().unwrap().len() > 100);
}

#[test]
fn export_refuses_to_overwrite_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("demo.json");
    std::fs::write(&file, "keep me").unwrap();
    let out = parapet(dir.path(), &["--demo", "--export", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("already exists"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");

    let out = parapet(
        dir.path(),
        &["--demo", "--export", file.to_str().unwrap(), "--force"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("schema_version")
    );
}

#[test]
fn open_rejects_bad_files_with_one_line_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("corrupt.json", "{not json at all".to_string()),
        (
            "truncated.json",
            "{\"schema_version\": 1, \"tool\": {\"na".to_string(),
        ),
        (
            "newer.json",
            "{\"schema_version\": 99, \"tool\": {\"name\": \"parapet\"}}".to_string(),
        ),
        ("empty.json", String::new()),
    ];
    for (name, content) in cases {
        let file = dir.path().join(name);
        std::fs::write(&file, content).unwrap();
        let out = parapet(dir.path(), &["open", file.to_str().unwrap()]);
        assert_eq!(out.status.code(), Some(2), "{name}: {}", stderr(&out));
        let err = stderr(&out);
        assert_eq!(err.trim_end().lines().count(), 1, "{name}: {err}");
        assert!(err.contains(name), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        assert_said_once(name, &err);
    }
    let out = parapet(dir.path(), &["open", "/nonexistent/snap.json"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/nonexistent/snap.json"));
    assert_said_once("missing file", &stderr(&out));
    let out = parapet(dir.path(), &["open", dir.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert_said_once("a directory", &stderr(&out));
}

#[test]
fn broken_config_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "theme = \"dark\"\nmax_secret_age = 30\n",
    )
    .unwrap();
    let file = dir.path().join("x.json");
    let out = parapet(dir.path(), &["--demo", "--export", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("config.toml:2"), "{err}");
    assert!(err.contains("max_secret_age"), "{err}");
    assert_said_once("config", &err);
    assert!(!file.exists());
}

#[test]
fn config_mutes_reach_the_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "[[mute]]\ncheck = \"lambda.no-vpc\"\nreason = \"no private resources\"\n",
    )
    .unwrap();
    let file = dir.path().join("x.json");
    let out = parapet(dir.path(), &["--demo", "--export", file.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let novpc: Vec<&serde_json::Value> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["check_id"] == "lambda.no-vpc")
        .collect();
    // Muted with the reason and where it was made; the real status stays underneath.
    assert!(
        novpc
            .iter()
            .all(|f| f["mute"]["reason"] == "no private resources")
    );
    assert!(novpc.iter().all(|f| f["mute"]["source"] == "config.toml"));
    assert!(novpc.iter().any(|f| f["status"] == "fail"));
    assert!(novpc.iter().all(|f| f["status"] != "muted"));
    assert!(json["coverage"]["muted"].as_u64().unwrap() > 0);
}

#[test]
fn checks_prints_the_catalogue_in_three_formats() {
    let dir = tempfile::tempdir().unwrap();
    let table = parapet(dir.path(), &["checks"]);
    assert!(table.status.success());
    let table = String::from_utf8(table.stdout).unwrap();
    assert!(table.contains("lambda.public-resource-policy"));
    let n = parapet::domain::checks::catalogue().len();
    assert!(table.contains(&format!("{n} checks")), "{table}");

    let json = parapet(dir.path(), &["checks", "--format", "json"]);
    let rows: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(rows.len(), n);
    assert!(
        rows.iter()
            .all(|r| r["docs_url"].as_str().unwrap().starts_with("https://"))
    );

    let md = parapet(dir.path(), &["checks", "--format", "markdown"]);
    assert!(
        String::from_utf8(md.stdout)
            .unwrap()
            .contains("| `kms.public-key-policy` |")
    );
}

#[test]
fn info_shows_the_config_paths_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let out = parapet(dir.path(), &["info"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&dir.path().join("keys.toml").display().to_string()),
        "{text}"
    );
    assert!(
        text.contains(&dir.path().join("themes").display().to_string()),
        "{text}"
    );
}

/// `parapet completions bash` is loaded by bash itself, whose completion function then
/// completes subcommands, flags and values; the other shells' scripts are checked for their
/// shell's registration and the same words (zsh also parses its script: `zsh -n`).
#[test]
fn completions_complete_subcommands_flags_and_values_in_bash() {
    let dir = tempfile::tempdir().unwrap();
    let out = parapet(dir.path(), &["completions", "bash"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let script = dir.path().join("parapet.bash");
    std::fs::write(&script, &out.stdout).unwrap();
    let complete = |words: &[&str]| -> Vec<String> {
        let line = words.join(" ");
        let cword = words.len() - 1;
        let quoted: Vec<String> = words.iter().map(|w| format!("'{w}'")).collect();
        let program = format!(
            "source '{}'\ncomplete -p parapet >/dev/null || exit 9\n\
             COMP_WORDS=({})\nCOMP_CWORD={cword}\nCOMP_LINE='{line}'\nCOMP_POINT=${{#COMP_LINE}}\n\
             _parapet parapet '{}' '{}'\nprintf '%s\\n' \"${{COMPREPLY[@]}}\"",
            script.display(),
            quoted.join(" "),
            words[cword],
            words[cword.saturating_sub(1)],
        );
        let out = Command::new("bash")
            .args(["--norc", "--noprofile", "-c", &program])
            .output()
            .expect("run bash");
        assert!(out.status.success(), "bash: {}", stderr(&out));
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect()
    };
    assert_eq!(complete(&["parapet", "sc"]), ["scan"]);
    let flags = complete(&["parapet", "scan", "--fail-"]);
    assert!(
        flags.contains(&"--fail-on".to_string()) && flags.contains(&"--fail-under".to_string()),
        "{flags:?}"
    );
    let shells = complete(&["parapet", "completions", ""]);
    for shell in ["bash", "zsh", "fish", "powershell"] {
        assert!(shells.contains(&shell.to_string()), "{shells:?}");
    }
    assert!(!shells.contains(&"scan".to_string()), "{shells:?}");
    assert_eq!(complete(&["parapet", "completions", "z"]), ["zsh"]);

    for (shell, marker) in [
        ("zsh", "#compdef parapet"),
        ("fish", "complete -c parapet"),
        ("powershell", "Register-ArgumentCompleter"),
    ] {
        let out = parapet(dir.path(), &["completions", shell]);
        assert!(out.status.success(), "{shell}: {}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap();
        for word in [marker, "scan", "fail-on", "completions", "profile"] {
            assert!(text.contains(word), "{shell} script lacks `{word}`");
        }
        if shell == "zsh" {
            let file = dir.path().join("_parapet");
            std::fs::write(&file, &text).unwrap();
            let check = Command::new("zsh")
                .arg("-n")
                .arg(&file)
                .output()
                .expect("run zsh (scripts/test installs it when missing)");
            assert!(check.status.success(), "zsh -n: {}", stderr(&check));
        }
    }
    let out = parapet(dir.path(), &["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("possible values"), "{}", stderr(&out));
}

/// `parapet man` is a roff page that groff renders without a warning, naming every subcommand.
#[test]
fn man_page_renders_with_groff_and_names_every_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let out = parapet(dir.path(), &["man"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = dir.path().join("parapet.1");
    std::fs::write(&page, &out.stdout).unwrap();
    let rendered = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww"])
        .arg(&page)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("run groff (scripts/test installs it when missing)");
    assert!(rendered.status.success(), "{}", stderr(&rendered));
    assert_eq!(stderr(&rendered), "", "groff warns about the page");
    // groff marks bold and underline with backspaces in -Tutf8: strip them.
    let raw = String::from_utf8_lossy(&rendered.stdout);
    let mut text = String::new();
    for c in raw.chars() {
        if c == '\u{8}' {
            text.pop();
        } else {
            text.push(c);
        }
    }
    for word in [
        "NAME",
        "SYNOPSIS",
        "SUBCOMMANDS",
        "parapet-scan",
        "parapet-completions",
        "parapet-man",
        "--profile",
        "--demo",
    ] {
        assert!(
            text.contains(word),
            "the rendered page lacks `{word}`:\n{text}"
        );
    }
}

/// `--mutes FILE` (or mutes.toml in the config dir) reaches exports with the mute's source and
/// expiry; an expired mute no longer applies and says so; a broken file is exit 2 naming its
/// line, before anything else happens.
#[test]
fn the_mutes_file_reaches_exports_and_a_broken_one_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let team = dir.path().join("team-mutes.toml");
    std::fs::write(
        &team,
        "# shared with the team\n[[mute]]\ncheck = \"lambda.no-vpc\"\nreason = \"no private resources\"\nexpires = 2999-01-01\n\n\
         [[mute]]\ncheck = \"lambda.no-tracing\"\nreason = \"old decision\"\nexpires = 2020-01-01\n",
    )
    .unwrap();
    let file = dir.path().join("x.json");
    let out = parapet(
        dir.path(),
        &[
            "--demo",
            "--export",
            file.to_str().unwrap(),
            "--mutes",
            team.to_str().unwrap(),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let of = |check: &'static str| findings.iter().filter(move |f| f["check_id"] == check);
    assert!(of("lambda.no-vpc").count() > 0 && of("lambda.no-tracing").count() > 0);
    for f in of("lambda.no-vpc") {
        assert_eq!(f["mute"]["source"], team.display().to_string());
        assert_eq!(f["mute"]["expires"], "2999-01-01");
    }
    for f in of("lambda.no-tracing") {
        assert!(f["mute"].is_null(), "an expired mute does not apply");
        assert_eq!(f["mute_expired"]["reason"], "old decision");
    }

    std::fs::write(
        &team,
        "[[mute]]\ncheck = \"lambda.no-vpc\"\nreason = \"x\"\nexpires = \"soon\"\n",
    )
    .unwrap();
    let out = parapet(
        dir.path(),
        &[
            "--demo",
            "--export",
            dir.path().join("y.json").to_str().unwrap(),
            "--mutes",
            team.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("team-mutes.toml:1") && err.contains("`soon` is not a date"),
        "{err}"
    );
    assert!(!dir.path().join("y.json").exists());
}
