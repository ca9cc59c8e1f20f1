//! The AWS emulator harness for tests: moto 5.2.5 in `target/moto-venv` (installed on first use
//! by `scripts/emulator/ensure-moto`, under a lock shared by parallel test binaries), one server
//! per test on a free loopback port, seeded through boto3 (`scripts/emulator/seed.py`), an
//! optional fault-injecting proxy (`scripts/emulator/fault_proxy.py`), and the real `parapet`
//! binary run against it with dummy credentials and no access to the user's ~/.aws.
//!
//! Every child process is killed by PID when its handle drops; the Python side also exits when
//! its parent (the test binary) goes away.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::OnceLock;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use serde_json::Value;

pub const REGION: &str = "us-east-1";
pub const ACCOUNT: &str = "123456789012";

pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn script(name: &str) -> PathBuf {
    repo().join("scripts/emulator").join(name)
}

/// Runs a helper to completion, killing it (by PID) and failing the test when it takes longer
/// than `deadline`: a hung emulator must fail the run, not hang it.
fn output_within(mut cmd: Command, deadline: Duration, what: &str) -> std::process::Output {
    let dir = tempfile::tempdir().expect("temp dir");
    let (out_path, err_path) = (dir.path().join("stdout"), dir.path().join("stderr"));
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("stderr file"))
        .spawn()
        .unwrap_or_else(|e| panic!("start {what}: {e}"));
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if start.elapsed() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{what} did not finish within {deadline:?}; stderr:\n{}",
                std::fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    std::process::Output {
        status,
        stdout: std::fs::read(&out_path).unwrap_or_default(),
        stderr: std::fs::read(&err_path).unwrap_or_default(),
    }
}

/// The moto venv's python, installing moto on first use.
pub fn python() -> PathBuf {
    static PYTHON: OnceLock<PathBuf> = OnceLock::new();
    PYTHON
        .get_or_init(|| {
            let out = Command::new(script("ensure-moto"))
                .stdin(Stdio::null())
                .stderr(Stdio::inherit())
                .output()
                .expect("run scripts/emulator/ensure-moto");
            assert!(
                out.status.success(),
                "scripts/emulator/ensure-moto failed (see its output above)"
            );
            PathBuf::from(String::from_utf8_lossy(&out.stdout).trim())
        })
        .clone()
}

/// A child process that announced its port on stdout (`KEY=PORT`), logging stderr to a file.
struct Listening {
    child: Child,
    port: u16,
    log: tempfile::NamedTempFile,
    what: &'static str,
}

impl Listening {
    fn spawn(mut cmd: Command, key: &'static str, what: &'static str) -> Listening {
        let log = tempfile::NamedTempFile::new().expect("log file");
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log.reopen().expect("reopen log"))
            .spawn()
            .unwrap_or_else(|e| panic!("start {what}: {e}"));
        let stdout = child.stdout.take().expect("stdout");
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut sent = false;
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if !sent && let Some(port) = line.strip_prefix(&format!("{key}=")) {
                    let _ = tx.send(port.trim().parse::<u16>().ok());
                    sent = true;
                }
            }
        });
        let mut me = Listening {
            child,
            port: 0,
            log,
            what,
        };
        match rx.recv_timeout(Duration::from_secs(60)) {
            Ok(Some(port)) => me.port = port,
            _ => panic!("{what} did not start:\n{}", me.log_tail(40)),
        }
        me
    }

    fn log_tail(&self, lines: usize) -> String {
        let text = std::fs::read_to_string(self.log.path()).unwrap_or_default();
        let all: Vec<&str> = text.lines().collect();
        all[all.len().saturating_sub(lines)..].join("\n")
    }
}

impl Drop for Listening {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        if std::thread::panicking() {
            eprintln!(
                "--- last lines of the {} log ---\n{}",
                self.what,
                self.log_tail(30)
            );
        }
    }
}

/// A minimal HTTP/1.1 request to 127.0.0.1:port; returns (status, body).
pub fn http(port: u16, method: &str, path: &str, content_type: &str, body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )
    .expect("send");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read response");
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

/// One moto server on a free loopback port.
pub struct Moto {
    proc: Listening,
}

impl Moto {
    pub fn start() -> Moto {
        Moto::start_with(&[])
    }

    /// With extra moto_launcher.py arguments (e.g. `--secrets-clock-offset-days 200`).
    pub fn start_with(args: &[&str]) -> Moto {
        let mut cmd = Command::new(python());
        cmd.arg(script("moto_launcher.py"))
            .args(args)
            .env("MOTO_IAM_LOAD_MANAGED_POLICIES", "true");
        let moto = Moto {
            proc: Listening::spawn(cmd, "MOTO_PORT", "moto server"),
        };
        // Functions must never try to run in docker (rotation invokes a Lambda).
        let (status, body) = http(
            moto.port(),
            "POST",
            "/moto-api/config",
            "application/json",
            r#"{"lambda":{"use_docker":false}}"#,
        );
        assert!((200..300).contains(&status), "moto config: {status} {body}");
        moto
    }

    pub fn port(&self) -> u16 {
        self.proc.port
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port())
    }

    /// Runs seed.py with these arguments; returns its manifest.
    pub fn seed(&self, args: &[&str]) -> Value {
        let mut cmd = Command::new(python());
        cmd.arg(script("seed.py"))
            .arg("--endpoint")
            .arg(self.endpoint())
            .args(args);
        let out = output_within(cmd, Duration::from_secs(240), "seed.py");
        assert!(
            out.status.success(),
            "seed.py {args:?} failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("seed manifest is JSON")
    }

    /// Creates an IAM user with exactly `policy` inline and returns its access key pair.
    pub fn create_user(&self, name: &str, policy: &Value) -> (String, String) {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), serde_json::to_vec_pretty(policy).unwrap()).unwrap();
        let mut cmd = Command::new(python());
        cmd.arg(script("iam_user.py"))
            .arg("--endpoint")
            .arg(self.endpoint())
            .arg("--user")
            .arg(name)
            .arg("--policy-file")
            .arg(file.path());
        let out = output_within(cmd, Duration::from_secs(60), "iam_user.py");
        assert!(
            out.status.success(),
            "iam_user.py failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        (
            v["access_key_id"].as_str().unwrap().to_string(),
            v["secret_access_key"].as_str().unwrap().to_string(),
        )
    }

    /// Runs organization.py: a three-account Organization (the management account seeded
    /// with the small fixture, two created members with other postures), the read-only role
    /// `role` holding `read_only` in each, users `scanner` (`base` minus workload-c's role)
    /// and `reader` (`read_only`). Returns its manifest.
    pub fn organization(&self, role: &str, read_only: &str, base: &str) -> Value {
        let dir = tempfile::tempdir().unwrap();
        let (ro, bp) = (
            dir.path().join("read-only.json"),
            dir.path().join("base.json"),
        );
        std::fs::write(&ro, read_only).unwrap();
        std::fs::write(&bp, base).unwrap();
        let mut cmd = Command::new(python());
        cmd.arg(script("organization.py"))
            .arg("--endpoint")
            .arg(self.endpoint())
            .arg("--role")
            .arg(role)
            .arg("--policy-file")
            .arg(&ro)
            .arg("--base-policy-file")
            .arg(&bp);
        let out = output_within(cmd, Duration::from_secs(240), "organization.py");
        assert!(
            out.status.success(),
            "organization.py failed:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).expect("organization manifest is JSON")
    }

    /// IAM enforcement on (every request must be signed by a known user and allowed by its
    /// policies) or off.
    pub fn enforce_iam(&self, on: bool) {
        let (status, body) = http(
            self.port(),
            "POST",
            "/moto-api/reset-auth",
            "text/plain",
            if on { "0" } else { "inf" },
        );
        assert!((200..300).contains(&status), "reset-auth: {status} {body}");
    }
}

/// The fault-injecting / latency / counting proxy in front of an upstream.
pub struct Proxy {
    proc: Listening,
}

impl Proxy {
    pub fn start(upstream: &str, args: &[&str]) -> Proxy {
        let mut cmd = Command::new(python());
        cmd.arg(script("fault_proxy.py"))
            .arg("--upstream")
            .arg(upstream)
            .args(args);
        Proxy {
            proc: Listening::spawn(cmd, "PROXY_PORT", "fault proxy"),
        }
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.proc.port)
    }

    pub fn stats(&self) -> Value {
        let (status, body) = http(self.proc.port, "GET", "/__proxy/stats", "text/plain", "");
        assert_eq!(status, 200, "proxy stats: {body}");
        serde_json::from_str(&body).expect("stats JSON")
    }
}

/// One run of the real `parapet` binary.
pub struct Run {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// The snapshot written with --output, when the run wrote one.
    pub snapshot: Option<Value>,
    pub elapsed: Duration,
    pub timed_out: bool,
}

impl Run {
    pub fn snapshot(&self) -> &Value {
        self.snapshot
            .as_ref()
            .unwrap_or_else(|| panic!("no snapshot written; stderr:\n{}", self.stderr))
    }
}

/// How to run parapet: credentials, config file, deadline.
pub struct Parapet {
    pub access_key: String,
    pub secret_key: String,
    pub config_toml: Option<String>,
    /// An AWS shared credentials file (profiles) for the run; none by default.
    pub aws_credentials: Option<String>,
    pub deadline: Duration,
    /// More environment variables for the run (`PARAPET_QUOTA_SCALE`).
    pub env: Vec<(String, String)>,
}

impl Default for Parapet {
    fn default() -> Self {
        Parapet {
            access_key: "testing".into(),
            secret_key: "testing".into(),
            config_toml: None,
            aws_credentials: None,
            deadline: Duration::from_secs(120),
            env: Vec::new(),
        }
    }
}

impl Parapet {
    /// `parapet scan --endpoint-url URL --region us-east-1 --output FILE ARGS...`
    pub fn scan(&self, endpoint: &str, args: &[&str]) -> Run {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("snapshot.json");
        let mut full = vec![
            "scan".to_string(),
            "--endpoint-url".into(),
            endpoint.to_string(),
            "--region".into(),
            REGION.into(),
            "--output".into(),
            out.display().to_string(),
        ];
        full.extend(args.iter().map(|s| s.to_string()));
        let mut run = self.run_in(dir.path(), &full);
        run.snapshot = std::fs::read(&out)
            .ok()
            .map(|b| serde_json::from_slice(&b).expect("snapshot is JSON"));
        run
    }

    /// Any parapet command, with a clean environment (no ~/.aws, no real credentials).
    pub fn run(&self, args: &[&str]) -> Run {
        let dir = tempfile::tempdir().unwrap();
        let args: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        self.run_in(dir.path(), &args)
    }

    fn run_in(&self, dir: &Path, args: &[String]) -> Run {
        let config = dir.join("config");
        std::fs::create_dir_all(&config).unwrap();
        if let Some(toml) = &self.config_toml {
            std::fs::write(config.join("config.toml"), toml).unwrap();
        }
        let credentials = dir.join("aws-credentials");
        if let Some(text) = &self.aws_credentials {
            std::fs::write(&credentials, text).unwrap();
        }
        let stdout_file = dir.join("stdout");
        let stderr_file = dir.join("stderr");
        let start = Instant::now();
        let mut child = Command::new(env!("CARGO_BIN_EXE_parapet"))
            .args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", dir)
            .env("PARAPET_CONFIG_DIR", &config)
            .env("AWS_ACCESS_KEY_ID", &self.access_key)
            .env("AWS_SECRET_ACCESS_KEY", &self.secret_key)
            .env("AWS_REGION", REGION)
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", dir.join("no-aws-config"))
            .env("AWS_SHARED_CREDENTIALS_FILE", credentials)
            .env("RUST_BACKTRACE", "1")
            .envs(self.env.iter().map(|(k, v)| (k.as_str(), v.as_str())))
            .stdin(Stdio::null())
            .stdout(std::fs::File::create(&stdout_file).unwrap())
            .stderr(std::fs::File::create(&stderr_file).unwrap())
            .spawn()
            .expect("start parapet");
        let mut timed_out = false;
        let status = loop {
            if let Some(status) = child.try_wait().expect("wait parapet") {
                break Some(status);
            }
            if start.elapsed() > self.deadline {
                timed_out = true;
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        Run {
            code: status.and_then(|s| s.code()),
            stdout: std::fs::read_to_string(&stdout_file).unwrap_or_default(),
            stderr: std::fs::read_to_string(&stderr_file).unwrap_or_default(),
            snapshot: None,
            elapsed: start.elapsed(),
            timed_out,
        }
    }
}

/// A snapshot finding, reduced to what the tests compare.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Found {
    pub check_id: String,
    pub resource_name: String,
    pub resource_id: String,
    pub status: String,
    pub message: String,
}

pub fn findings(snapshot: &Value) -> Vec<Found> {
    snapshot["findings"]
        .as_array()
        .expect("findings array")
        .iter()
        .map(|f| Found {
            check_id: f["check_id"].as_str().unwrap_or_default().to_string(),
            resource_name: f["resource_name"].as_str().unwrap_or_default().to_string(),
            resource_id: f["resource_id"].as_str().unwrap_or_default().to_string(),
            status: f["status"].as_str().unwrap_or_default().to_string(),
            message: f["message"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}

/// (check id, resource id) → finding.
pub fn by_key(snapshot: &Value) -> BTreeMap<(String, String), Found> {
    findings(snapshot)
        .into_iter()
        .map(|f| ((f.check_id.clone(), f.resource_id.clone()), f))
        .collect()
}

/// Every finding of `check` on the resource named `resource`.
pub fn find<'a>(all: &'a [Found], check: &str, resource: &str) -> Vec<&'a Found> {
    all.iter()
        .filter(|f| f.check_id == check && f.resource_name == resource)
        .collect()
}
