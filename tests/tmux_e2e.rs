//! The real binary in a real terminal: `parapet --demo` inside a detached tmux session of
//! 120×40, driven with keystrokes, asserted on the captured screen, the exported file and the
//! terminal state after quitting.
//!
//! tmux is required: without it this test fails (scripts/test installs it), it never skips.

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use parapet::demo;
use parapet::domain::assessment::Assessment;
use parapet::domain::finding::Status;
use time::OffsetDateTime;

const COLS: u16 = 120;
const ROWS: u16 = 40;
const CHECK: &str = "lambda.secrets-in-env";
/// Printed by the pane's shell once parapet has exited.
const EXIT_MARKER: &str = "PARAPET-EXIT=";

/// A private tmux server (own socket, own config) killed on drop, whatever happens.
struct Tmux {
    socket: String,
    target: String,
}

impl Tmux {
    fn start(work: &Path, command: &str) -> Tmux {
        let version = Command::new("tmux").arg("-V").output();
        match version {
            Ok(o) if o.status.success() => {}
            _ => panic!(
                "tmux is required by the real-terminal test and was not found; \
                 install it (scripts/test does: apt-get install tmux)"
            ),
        }
        let conf = work.join("tmux.conf");
        // No status line, so the pane is the whole 120×40; keep it after the shell exits.
        std::fs::write(
            &conf,
            "set -g status off\nset -g escape-time 0\nset -g history-limit 100\n",
        )
        .unwrap();
        // One server per test: tests of this binary run in parallel.
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let tmux = Tmux {
            socket: format!("parapet-test-{}-{n}", std::process::id()),
            target: "e2e".to_string(),
        };
        let out = tmux.run(&[
            "-f",
            conf.to_str().unwrap(),
            "new-session",
            "-d",
            "-s",
            "e2e",
            "-x",
            &COLS.to_string(),
            "-y",
            &ROWS.to_string(),
            command,
        ]);
        assert!(
            out.status.success(),
            "tmux new-session failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        tmux
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new("tmux")
            .arg("-L")
            .arg(&self.socket)
            .args(args)
            .env_remove("TMUX")
            .output()
            .expect("run tmux")
    }

    /// The visible screen as text.
    fn capture(&self) -> String {
        let out = self.run(&["capture-pane", "-p", "-t", &self.target]);
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    fn display(&self, format: &str) -> String {
        let out = self.run(&["display-message", "-p", "-t", &self.target, format]);
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }

    /// Named keys (`Enter`, `Tab`, `Escape`).
    fn keys(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.target];
        args.extend_from_slice(keys);
        assert!(self.run(&args).status.success(), "send-keys {keys:?}");
    }

    /// Literal text, one key per character.
    fn type_text(&self, text: &str) {
        let args = ["send-keys", "-t", &self.target, "-l", text];
        assert!(self.run(&args).status.success(), "send-keys -l {text:?}");
    }

    /// Polls the screen until `ok` holds; fails with the last screen after `timeout`, or at
    /// once if parapet has exited.
    fn wait_for(&self, what: &str, timeout: Duration, ok: impl Fn(&str) -> bool) -> String {
        self.poll(what, timeout, ok, false)
    }

    /// Polls the screen until `ok` holds, parapet having exited or not.
    fn poll(
        &self,
        what: &str,
        timeout: Duration,
        ok: impl Fn(&str) -> bool,
        exit_expected: bool,
    ) -> String {
        let deadline = Instant::now() + timeout;
        loop {
            let screen = self.capture();
            assert_no_secret(&screen);
            if ok(&screen) {
                return screen;
            }
            if !exit_expected && screen.contains(EXIT_MARKER) {
                panic!("parapet exited while waiting for {what}; the screen was:\n{screen}");
            }
            if Instant::now() > deadline {
                panic!("timed out waiting for {what}; the screen was:\n{screen}");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.run(&["kill-server"]);
    }
}

/// No demo secret value, nor a recognisable piece of one, on the screen.
fn assert_no_secret(text: &str) {
    for secret in demo::secret_values()
        .into_iter()
        .chain(demo::committed_secret_values())
    {
        let piece = &secret[..secret.len().min(12)];
        assert!(
            !text.contains(piece),
            "the screen shows (a prefix of) a demo secret value:\n{text}"
        );
    }
}

/// All poll areas are done: no area still waiting or loading in the status strip.
fn loaded(screen: &str) -> bool {
    screen.contains("parapet")
        && screen.contains("secrets ")
        && !screen.contains('⟳')
        && !screen.contains("waiting")
}

fn quote(p: &Path) -> String {
    format!("'{}'", p.display().to_string().replace('\'', r"'\''"))
}

/// The JSON files under `dir`.
fn json_files(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn demo_in_tmux_drill_down_export_and_quit() {
    let started = Instant::now();
    let work = tempfile::tempdir().unwrap();
    let config_dir = work.path().join("config");
    std::fs::create_dir_all(&config_dir).unwrap();

    // What the check detail must show: the demo's failing resources for the check.
    let now = OffsetDateTime::now_utc();
    let assessment = Assessment::evaluate(
        &demo::inventory(now),
        &parapet::config::Config::default().context(now),
        &[],
    );
    let failing: Vec<String> = assessment
        .findings
        .iter()
        .filter(|f| f.check_id == CHECK && f.status == Status::Fail)
        .map(|f| f.resource_name.to_string())
        .collect();
    assert!(!failing.is_empty(), "the demo fails {CHECK} somewhere");

    // The pane's shell reports the exit code and the tty modes once parapet is gone.
    let command = format!(
        "env -u NO_COLOR PARAPET_CONFIG_DIR={} {} --demo; echo \"{EXIT_MARKER}$?\"; \
         stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo; sleep 60",
        quote(&config_dir),
        quote(Path::new(env!("CARGO_BIN_EXE_parapet"))),
    );
    let tmux = Tmux::start(work.path(), &command);

    // 1. The dashboard appears in the alternate screen and every area finishes loading.
    // Every wait is for all that is asserted after it: a frame may be captured half drawn.
    let overview = tmux.wait_for("the dashboard to load", Duration::from_secs(10), |s| {
        loaded(s) && s.contains("Overview") && s.contains(demo::DEMO_ACCOUNT)
    });
    assert!(overview.contains("Overview"), "{overview}");
    assert!(overview.contains(demo::DEMO_ACCOUNT), "{overview}");
    assert_eq!(
        tmux.display("#{alternate_on}"),
        "1",
        "the TUI uses the alternate screen"
    );

    // 2. Checklist, filtered to the failing check.
    tmux.keys(&["Tab"]);
    tmux.wait_for("the checklist", Duration::from_secs(5), |s| {
        s.contains("Checklist") && s.contains("FAIL")
    });
    tmux.type_text("/");
    tmux.type_text("secrets-in-env");
    tmux.keys(&["Enter"]);
    let filtered = tmux.wait_for("the filtered checklist", Duration::from_secs(5), |s| {
        s.contains("Environment variable holds a credential")
            && !s.contains("Runtime is deprecated")
            && s.contains("FAIL")
    });
    assert!(filtered.contains("FAIL"), "{filtered}");

    // 3. Drill down: the detail names the check, the failing resources and the evidence.
    tmux.keys(&["Enter"]);
    let detail = tmux.wait_for("the check detail", Duration::from_secs(5), |s| {
        let shown = |f: &&parapet::domain::finding::Finding| {
            f.check_id == CHECK
                && f.status == Status::Fail
                && s.lines()
                    .any(|l| l.contains("evidence & fix") && l.contains(&*f.resource_name))
                && f.evidence
                    .first()
                    .is_some_and(|e| s.contains(e.field.as_str()))
        };
        s.contains(CHECK)
            && s.contains("EVIDENCE")
            && s.contains("FAIL")
            && failing.iter().all(|name| s.contains(name.as_str()))
            && assessment.findings.iter().any(|f| shown(&f))
    });
    let fix_title = detail
        .lines()
        .find(|l| l.contains("evidence & fix"))
        .unwrap();
    let selected = failing
        .iter()
        .find(|name| fix_title.contains(name.as_str()))
        .unwrap_or_else(|| {
            panic!("the fix pane is not about a failing resource ({failing:?}):\n{detail}")
        })
        .clone();
    assert!(detail.contains("EVIDENCE"), "{detail}");
    let finding = assessment
        .findings
        .iter()
        .find(|f| f.check_id == CHECK && f.resource_name == selected)
        .unwrap();
    let evidence = finding
        .evidence
        .first()
        .expect("a failing finding has evidence");
    assert!(
        detail.contains(evidence.field.as_str()),
        "the evidence `{}` is shown:\n{detail}",
        evidence.field
    );
    assert!(detail.contains("FAIL"), "{detail}");
    for name in &failing {
        assert!(
            detail.contains(name.as_str()),
            "{name} is listed:\n{detail}"
        );
    }

    // 4. The remediation has the real function name filled in: scroll the fix pane to it.
    let cli = format!("--function-name {selected}");
    tmux.keys(&["Tab"]);
    let deadline = Instant::now() + Duration::from_secs(5);
    let with_cli = loop {
        let screen = tmux.capture();
        assert_no_secret(&screen);
        if screen.contains(&cli) && screen.contains("aws lambda update-function-configuration") {
            break screen;
        }
        assert!(
            Instant::now() < deadline,
            "the CLI fix `{cli}` never showed:\n{screen}"
        );
        tmux.keys(&["j", "j", "j"]);
        std::thread::sleep(Duration::from_millis(60));
    };
    assert!(
        !with_cli.contains("{name}"),
        "unfilled template:\n{with_cli}"
    );

    // 5. Export with `e`: a 0600 JSON snapshot in <config dir>/snapshots.
    let exports = config_dir.join("snapshots");
    tmux.keys(&["e"]);
    tmux.wait_for("the export message", Duration::from_secs(5), |s| {
        s.contains("exported")
    });
    let files = json_files(&exports);
    assert_eq!(files.len(), 1, "one snapshot in {}", exports.display());
    let file = &files[0];
    let mode = std::fs::metadata(file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600, "snapshot mode");
    let text = std::fs::read_to_string(file).unwrap();
    assert_no_secret(&text);
    let json: serde_json::Value = serde_json::from_str(&text).expect("snapshot is JSON");
    assert_eq!(json["schema_version"], 2);
    assert_eq!(json["accounts"][0]["id"], demo::DEMO_ACCOUNT);
    let findings = json["findings"].as_array().expect("findings");
    assert!(
        findings.iter().any(|f| f["check_id"] == CHECK
            && f["status"] == "fail"
            && f["resource_name"] == selected.as_str()),
        "the snapshot has the failing finding shown on screen"
    );

    // 6. Quit: the process ends, the alternate screen is left, the tty is cooked again.
    tmux.keys(&["Q"]);
    let exited = |s: &str| s.contains(EXIT_MARKER) && s.lines().any(|l| l.contains("icanon"));
    let after = tmux.poll("parapet to exit", Duration::from_secs(5), exited, true);
    assert!(
        after.contains(&format!("{EXIT_MARKER}0")),
        "exit status 0:\n{after}"
    );
    assert_eq!(
        tmux.display("#{alternate_on}"),
        "0",
        "alternate screen left"
    );
    assert_eq!(tmux.display("#{cursor_flag}"), "1", "cursor shown again");
    let modes = after.lines().find(|l| l.contains("icanon")).unwrap();
    let modes: Vec<&str> = modes.split_whitespace().collect();
    assert!(
        modes.contains(&"icanon") && modes.contains(&"echo"),
        "raw mode left on after exit: {modes:?}"
    );
    assert!(
        !after.contains("evidence & fix") && !after.contains("◆ parapet"),
        "the dashboard is gone from the screen:\n{after}"
    );

    eprintln!("real-terminal test took {:?}", started.elapsed());
}

/// Several accounts live: `parapet --accounts org --assume-role ROLE` on the emulator's
/// three-account Organization (one account's role out of reach), in a real terminal. The
/// Organization overview fills in as each account's areas report; the unreachable account
/// says why; Enter opens one account's dashboard and q comes back.
#[test]
fn an_organization_live_in_tmux() {
    use crate::support::emulator::{Moto, Parapet, REGION};
    let moto = Moto::start();
    let plain = Parapet::default();
    let read_only = plain.run(&["policy"]).stdout;
    let base = plain
        .run(&["policy", "--base", "--assume-role", "ParapetReadOnly"])
        .stdout;
    let manifest = moto.organization("ParapetReadOnly", &read_only, &base);
    moto.enforce_iam(true);
    let scanner = &manifest["users"]["scanner"];
    let lost = manifest["accounts"]["workload-c"].as_str().unwrap();

    let work = tempfile::tempdir().unwrap();
    let config_dir = work.path().join("config");
    std::fs::create_dir_all(&config_dir).unwrap();
    let command = format!(
        "env -i PATH=\"$PATH\" HOME={home} TERM=xterm-256color PARAPET_CONFIG_DIR={config} \
         AWS_ACCESS_KEY_ID={key} AWS_SECRET_ACCESS_KEY={secret} AWS_REGION={REGION} \
         AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE={home}/none \
         AWS_SHARED_CREDENTIALS_FILE={home}/none \
         {bin} --endpoint-url {endpoint} --region {REGION} --accounts org \
         --assume-role ParapetReadOnly; echo \"{EXIT_MARKER}$?\"; sleep 60",
        home = quote(work.path()),
        config = quote(&config_dir),
        key = scanner["access_key_id"].as_str().unwrap(),
        secret = scanner["secret_access_key"].as_str().unwrap(),
        bin = quote(Path::new(env!("CARGO_BIN_EXE_parapet"))),
        endpoint = moto.endpoint(),
    );
    let tmux = Tmux::start(work.path(), &command);
    let overview = tmux.wait_for("every account to report", Duration::from_secs(60), |s| {
        let graded = |name: &str| {
            s.lines().any(|l| {
                l.contains(name) && [" A", " B", " C", " D", " F"].iter().any(|g| l.contains(g))
            })
        };
        s.contains("Organization [3/3 accounts]")
            && s.contains("workload-b")
            && s.contains("✘ not scanned")
            && !s.contains("⟳ collecting")
            && s.contains("organization 3 accounts")
            && s.lines()
                .any(|l| l.contains(lost) && l.contains("✘ not scanned"))
            && graded("master")
            && graded("workload-b")
    });
    assert!(overview.contains("organization 3 accounts"), "{overview}");
    let row = |name: &str| {
        overview
            .lines()
            .find(|l| l.contains(name))
            .unwrap_or_else(|| panic!("no row for {name}:\n{overview}"))
            .to_string()
    };
    assert!(row(lost).contains("✘ not scanned"), "{overview}");
    for name in ["master", "workload-b"] {
        let r = row(name);
        assert!(
            r.contains(" A")
                || r.contains(" B")
                || r.contains(" C")
                || r.contains(" D")
                || r.contains(" F"),
            "{name} has a grade: {r}"
        );
    }
    // The worst score is first: open it.
    tmux.keys(&["Enter"]);
    let dashboard = tmux.wait_for("one account's dashboard", Duration::from_secs(10), |s| {
        s.contains("of 3 accounts")
            && s.contains("Score")
            && s.contains("Public exposure")
            && s.contains("account 123456789012")
    });
    assert!(dashboard.contains("Public exposure"), "{dashboard}");
    assert!(
        dashboard.contains("account 123456789012"),
        "the worst account first: {dashboard}"
    );
    tmux.keys(&["q"]);
    tmux.wait_for("the Organization again", Duration::from_secs(10), |s| {
        s.contains("Organization [3/3 accounts]")
    });
    tmux.keys(&["Q"]);
    let after = tmux.poll(
        "parapet to exit",
        Duration::from_secs(10),
        |s| s.contains(EXIT_MARKER),
        true,
    );
    assert!(after.contains(&format!("{EXIT_MARKER}0")), "{after}");
}

/// Issue 18, 12: a signal ends the TUI with 128 + its number and a cooked terminal; SIGQUIT
/// used to leave it raw (`-icanon -echo`), the others exited 0.
#[test]
fn signals_restore_the_terminal_and_exit_128_plus_the_signal() {
    let work = tempfile::tempdir().unwrap();
    let config_dir = work.path().join("config");
    std::fs::create_dir_all(&config_dir).unwrap();
    for (name, number) in [("TERM", 15), ("HUP", 1), ("INT", 2), ("QUIT", 3)] {
        let command = format!(
            "env -u NO_COLOR PARAPET_CONFIG_DIR={} {} --demo; echo \"{EXIT_MARKER}$?\"; \
             stty -a | tr ' ;' '\\n\\n' | grep -E '^-?(icanon|echo)$' | tr '\\n' ' '; echo; \
             sleep 60",
            quote(&config_dir),
            quote(Path::new(env!("CARGO_BIN_EXE_parapet"))),
        );
        let tmux = Tmux::start(work.path(), &command);
        tmux.wait_for("the dashboard to load", Duration::from_secs(10), loaded);
        let shell = tmux.display("#{pane_pid}");
        let child = Command::new("pgrep")
            .args(["-P", &shell])
            .output()
            .expect("pgrep");
        let pid = String::from_utf8_lossy(&child.stdout).trim().to_string();
        assert!(!pid.is_empty() && !pid.contains('\n'), "one child: {pid:?}");
        let kill = Command::new("kill")
            .args([&format!("-{name}"), &pid])
            .status()
            .unwrap();
        assert!(kill.success());
        let exited = |s: &str| s.contains(EXIT_MARKER) && s.lines().any(|l| l.contains("icanon"));
        let after = tmux.poll("parapet to exit", Duration::from_secs(5), exited, true);
        assert!(
            after.contains(&format!("{EXIT_MARKER}{}", 128 + number)),
            "SIG{name}: exit {}:\n{after}",
            128 + number
        );
        let modes = after.lines().find(|l| l.contains("icanon")).unwrap();
        let modes: Vec<&str> = modes.split_whitespace().collect();
        assert!(
            modes.contains(&"icanon") && modes.contains(&"echo"),
            "SIG{name} left raw mode on: {modes:?}"
        );
        assert_eq!(tmux.display("#{alternate_on}"), "0", "SIG{name}");
    }
}
