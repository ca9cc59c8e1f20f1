//! Live-mode CLI behaviour that needs no emulator: `parapet policy`, and how `parapet scan`
//! and plain `parapet` fail when AWS cannot be used (no credentials, no region, unreachable
//! endpoint): exit 2 with one line saying what is wrong and what to do; in the TUI a banner.
//!
//! Every run gets a clean environment (no AWS variables, an empty HOME, IMDS off), so the
//! machine's own AWS setup can neither help nor hang these tests.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use parapet::aws::permissions::{CALLS, COMPAT};

fn clean_env(cmd: &mut Command, home: &Path) {
    cmd.env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", home)
        .env("PARAPET_CONFIG_DIR", home.join("parapet"))
        .env("AWS_CONFIG_FILE", home.join("no-aws-config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.join("no-aws-credentials"),
        )
        .env("AWS_EC2_METADATA_DISABLED", "true");
}

fn parapet(home: &Path, env: &[(&str, &str)], args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_parapet"));
    clean_env(&mut cmd, home);
    cmd.envs(env.iter().copied()).args(args);
    cmd.output().expect("run parapet")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A local port nothing listens on.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

const DUMMY_KEYS: [(&str, &str); 2] = [
    ("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE"),
    ("AWS_SECRET_ACCESS_KEY", "not-a-real-secret"),
];

/// Exit 2, nothing on stdout, exactly one stderr line `parapet: <message> — <hint>`.
fn assert_one_line_error(out: &Output, message: &str, hint: &str) {
    let err = stderr(out);
    // Each cause said once: no clause of the message repeats.
    let said = err.split(" — ").next().unwrap_or_default();
    let clauses: Vec<&str> = said.trim().split(": ").collect();
    for (i, clause) in clauses.iter().enumerate() {
        assert!(
            !clauses[i + 1..].contains(clause),
            "`{clause}` said twice: {err}"
        );
    }
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty(), "stdout: {:?}", out.stdout);
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    let line = err.trim_end();
    assert!(line.starts_with("parapet: "), "{line}");
    let (msg, h) = line
        .split_once(" — ")
        .unwrap_or_else(|| panic!("no hint in {line:?}"));
    assert!(msg.contains(message), "message {msg:?} lacks {message:?}");
    assert!(h.contains(hint), "hint {h:?} lacks {hint:?}");
}

#[test]
fn policy_is_valid_json_granting_every_call_and_nothing_that_writes_or_reads_values() {
    let home = tempfile::tempdir().unwrap();
    let actions_of = |args: &[&str]| -> Vec<String> {
        let out = parapet(home.path(), &[], args);
        assert!(out.status.success(), "{}", stderr(&out));
        let policy: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["Effect"] == "Allow")
            .flat_map(|s| s["Action"].as_array().unwrap().clone())
            .map(|a| a.as_str().unwrap().to_string())
            .collect()
    };
    // `--code` adds exactly the two calls the code area makes.
    let (plain, code) = (actions_of(&["policy"]), actions_of(&["policy", "--code"]));
    let added: Vec<&String> = code.iter().filter(|a| !plain.contains(a)).collect();
    assert_eq!(added, ["lambda:GetFunction", "lambda:GetLayerVersion"]);
    assert_eq!(code.len(), plain.len() + 2);
    let out = parapet(home.path(), &[], &["policy"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let policy: serde_json::Value = serde_json::from_slice(&out.stdout).expect("policy is JSON");
    assert_eq!(policy["Version"], "2012-10-17");
    let mut actions = Vec::new();
    for statement in policy["Statement"].as_array().unwrap() {
        if statement["Effect"] == "Deny" {
            // Only ever narrowing: API key values stay out of reach.
            assert_eq!(statement["Sid"], "NeverReadApiKeyValues");
            continue;
        }
        assert_eq!(statement["Effect"], "Allow");
        assert_eq!(statement["Resource"], "*");
        for a in statement["Action"].as_array().unwrap() {
            actions.push(a.as_str().unwrap().to_string());
        }
    }
    let opt_in = |p: &&parapet::aws::permissions::Permission| p.areas.iter().any(|a| a.opt_in());
    for p in CALLS.iter().chain(COMPAT).filter(|p| !opt_in(p)) {
        assert!(
            actions.iter().any(|a| a == p.action),
            "{} missing",
            p.action
        );
    }
    assert_eq!(
        actions.len(),
        CALLS.iter().chain(COMPAT).filter(|p| !opt_in(p)).count(),
        "{actions:?}"
    );
    for action in &actions {
        let (service, name) = action.split_once(':').unwrap();
        assert!(!service.contains('*') && name != "*", "wildcard: {action}");
        for bad in ["Put", "Create", "Update", "Delete", "Invoke"] {
            assert!(!name.starts_with(bad), "{action}");
        }
        assert!(
            !name.contains("GetSecretValue") && !name.contains("Decrypt"),
            "{action}"
        );
    }
    // The same policy every time (the README embeds it).
    let again = parapet(home.path(), &[], &["policy"]);
    assert_eq!(again.stdout, out.stdout);
}

#[test]
fn scan_against_an_unreachable_endpoint_exits_2_quickly_with_a_hint() {
    let home = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}", closed_port());
    let started = Instant::now();
    let out = parapet(
        home.path(),
        &DUMMY_KEYS,
        &["scan", "--region", "us-east-1", "--endpoint-url", &url],
    );
    assert_one_line_error(
        &out,
        "cannot reach AWS",
        &format!("is the endpoint {url} up?"),
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "gave up after {:?}",
        started.elapsed()
    );
}

#[test]
fn scan_via_aws_endpoint_url_names_that_endpoint() {
    let home = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}", closed_port());
    let mut env = DUMMY_KEYS.to_vec();
    env.push(("AWS_ENDPOINT_URL", &url));
    env.push(("AWS_REGION", "eu-west-1"));
    let out = parapet(home.path(), &env, &["scan"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with(&format!("parapet: cannot reach AWS at {url} (")),
        "{err}"
    );
    assert!(err.contains(&format!("is the endpoint {url} up?")), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn scan_without_credentials_says_how_to_get_them() {
    let home = tempfile::tempdir().unwrap();
    let url = format!("http://127.0.0.1:{}", closed_port());
    let out = parapet(
        home.path(),
        &[],
        &["scan", "--region", "us-east-1", "--endpoint-url", &url],
    );
    assert_one_line_error(&out, "no AWS credentials found", "aws configure");
}

#[test]
fn scan_without_a_region_asks_for_one() {
    let home = tempfile::tempdir().unwrap();
    let out = parapet(home.path(), &DUMMY_KEYS, &["scan"]);
    assert_one_line_error(&out, "no AWS region configured", "--region");
}

#[test]
fn scan_refuses_an_existing_output_before_scanning() {
    let home = tempfile::tempdir().unwrap();
    let file = home.path().join("scan.json");
    std::fs::write(&file, "keep me").unwrap();
    let url = format!("http://127.0.0.1:{}", closed_port());
    let out = parapet(
        home.path(),
        &DUMMY_KEYS,
        &[
            "scan",
            "--region",
            "us-east-1",
            "--endpoint-url",
            &url,
            "--output",
            file.to_str().unwrap(),
        ],
    );
    // Refused up front: the (unreachable) endpoint is never tried.
    assert_one_line_error(&out, "already exists", "--force");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "keep me");

    // With --force the file may be replaced, so the scan runs (and fails on the endpoint).
    let out = parapet(
        home.path(),
        &DUMMY_KEYS,
        &[
            "scan",
            "--region",
            "us-east-1",
            "--endpoint-url",
            &url,
            "--output",
            file.to_str().unwrap(),
            "--force",
        ],
    );
    assert_one_line_error(&out, "cannot reach AWS", "is the endpoint");
    assert_eq!(
        std::fs::read_to_string(&file).unwrap(),
        "keep me",
        "a failed scan writes nothing"
    );
}

#[test]
fn scan_rejects_bad_thresholds_as_usage_errors() {
    let home = tempfile::tempdir().unwrap();
    for args in [
        &["scan", "--fail-on", "severe"][..],
        &["scan", "--fail-under", "101"][..],
        &["scan", "--format", "xml"][..],
    ] {
        let out = parapet(home.path(), &DUMMY_KEYS, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("error:"), "{}", stderr(&out));
        assert!(out.stdout.is_empty());
    }
    let out = parapet(home.path(), &DUMMY_KEYS, &["scan", "--fail-on", "severe"]);
    assert!(
        stderr(&out).contains("critical, high, medium, low"),
        "{}",
        stderr(&out)
    );
}

/// A private tmux server, killed on drop.
struct Tmux {
    socket: String,
}

impl Tmux {
    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .env_remove("TMUX")
            .output()
            .expect("tmux is required (scripts/test installs it)")
    }

    fn screen(&self) -> String {
        String::from_utf8_lossy(&self.run(&["capture-pane", "-p", "-t", "live"]).stdout)
            .into_owned()
    }

    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let screen = self.screen();
            if screen.contains(text) {
                return screen;
            }
            assert!(
                Instant::now() < deadline,
                "{text:?} never appeared; screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// Plain `parapet` is live mode; without credentials the TUI stays up and says what to do.
#[test]
fn plain_parapet_is_live_and_shows_a_setup_error_as_a_banner_with_the_hint() {
    let home = tempfile::tempdir().unwrap();
    let conf = home.path().join("tmux.conf");
    std::fs::write(&conf, "set -g status off\nset -g escape-time 0\n").unwrap();
    let url = format!("http://127.0.0.1:{}", closed_port());
    let script = home.path().join("run.sh");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\nenv -i PATH=\"$PATH\" TERM=xterm-256color HOME='{home}' \
             PARAPET_CONFIG_DIR='{home}/parapet' AWS_CONFIG_FILE='{home}/none' \
             AWS_SHARED_CREDENTIALS_FILE='{home}/none' AWS_EC2_METADATA_DISABLED=true \
             '{bin}' --profile ci --region us-east-1 --endpoint-url {url}\n\
             echo PARAPET-EXIT=$?\nsleep 30\n",
            home = home.path().display(),
            bin = env!("CARGO_BIN_EXE_parapet"),
        ),
    )
    .unwrap();
    let tmux = Tmux {
        socket: format!("parapet-live-{}", std::process::id()),
    };
    let out = tmux.run(&[
        "-f",
        conf.to_str().unwrap(),
        "new-session",
        "-d",
        "-s",
        "live",
        "-x",
        "120",
        "-y",
        "40",
        &format!("sh {}", script.display()),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let screen = tmux.wait_for("no AWS credentials found");
    assert!(screen.contains("aws configure"), "{screen}");
    assert!(screen.contains("profile `ci`"), "{screen}");
    // The header says this is live, against which endpoint, for which profile.
    let header = screen.lines().next().unwrap_or_default();
    assert!(header.contains(&format!("live · {url}")), "{header}");
    assert!(header.contains("ci"), "{header}");

    tmux.run(&["send-keys", "-t", "live", "Q"]);
    let screen = tmux.wait_for("PARAPET-EXIT=");
    assert!(screen.contains("PARAPET-EXIT=0"), "{screen}");
}
