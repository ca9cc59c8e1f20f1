//! The files under deploy/ and the snapshot schema, checked by published validators (in the
//! emulator's venv, pinned in scripts/emulator/ensure-moto), not by our reading of the specs:
//! the Kubernetes Job by kubernetes-validate against the Kubernetes 1.37 API schemas it ships
//! (strict: an unknown field is an error), the GitHub workflow by check-jsonschema's vendored
//! GitHub-workflow schema, real snapshots by check-jsonschema against schema/. And the Job's
//! arguments are parsed by Parapet's own command line.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use clap::Parser;
use yaml_rust2::{Yaml, YamlLoader};

use crate::support::emulator;

fn repo_file(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

fn python(module: &str, args: &[&std::ffi::OsStr]) -> Output {
    Command::new(emulator::python())
        .arg("-m")
        .arg(module)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run {module}: {e}"))
}

fn kubernetes_validate(file: &Path) -> Output {
    python(
        "kubernetes_validate",
        &[
            "--strict".as_ref(),
            "-k".as_ref(),
            "1.37".as_ref(),
            file.as_os_str(),
        ],
    )
}

fn workflow_validate(file: &Path) -> Output {
    python(
        "check_jsonschema",
        &[
            "--builtin-schema".as_ref(),
            "vendor.github-workflows".as_ref(),
            file.as_os_str(),
        ],
    )
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn yaml_docs(path: &Path) -> Vec<Yaml> {
    YamlLoader::load_from_str(&std::fs::read_to_string(path).unwrap()).expect("YAML")
}

/// A copy of `path` with `from` replaced by `to` (which must occur).
fn broken(dir: &Path, path: &Path, from: &str, to: &str) -> PathBuf {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains(from), "{from:?} not in {}", path.display());
    let out = dir.join(path.file_name().unwrap());
    std::fs::write(&out, text.replacen(from, to, 1)).unwrap();
    out
}

#[test]
fn the_kubernetes_job_passes_the_published_api_schemas_and_typos_do_not() {
    for (file, resources) in [
        (
            "deploy/kubernetes/job.yaml",
            &[
                "namespace/parapet",
                "serviceaccount/parapet",
                "persistentvolumeclaim/parapet-results",
                "job/parapet-scan",
            ][..],
        ),
        (
            "deploy/kubernetes/merge-job.yaml",
            &["job/parapet-merge"][..],
        ),
    ] {
        let out = kubernetes_validate(&repo_file(file));
        let said = text(&out);
        assert!(out.status.success(), "{file}:\n{said}");
        // An unknown kind only warns: every resource must say it passed.
        for r in resources {
            assert!(
                said.contains(&format!("passed for resource {r} against version 1.37")),
                "{file}: {r} not validated:\n{said}"
            );
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let job = repo_file("deploy/kubernetes/job.yaml");
    for (from, to) in [
        ("completionMode: Indexed", "completionsMode: Indexed"),
        (
            "readOnlyRootFilesystem: true",
            "readOnlyRootFileSystem: true",
        ),
        ("completions: 4", "completions: four"),
    ] {
        let out = kubernetes_validate(&broken(dir.path(), &job, from, to));
        assert!(!out.status.success(), "{to:?} passed:\n{}", text(&out));
    }
}

#[test]
fn the_github_workflow_passes_the_published_schema_and_typos_do_not() {
    let workflow = repo_file("deploy/github/parapet-org-scan.yml");
    let out = workflow_validate(&workflow);
    assert!(out.status.success(), "{}", text(&out));
    let dir = tempfile::tempdir().unwrap();
    for (from, to) in [
        ("strategy:", "stratgy:"),
        ("runs-on: ubuntu-latest", "runs_on: ubuntu-latest"),
        ("id-token: write", "id-token: writ"),
        ("needs: scan", "needs: {job: scan}"),
    ] {
        let out = workflow_validate(&broken(dir.path(), &workflow, from, to));
        assert!(!out.status.success(), "{to:?} passed:\n{}", text(&out));
    }
}

#[test]
fn the_release_workflow_passes_the_published_schema_and_typos_do_not() {
    let workflow = repo_file(".github/workflows/release.yml");
    let out = workflow_validate(&workflow);
    assert!(out.status.success(), "{}", text(&out));
    let dir = tempfile::tempdir().unwrap();
    for (from, to) in [
        ("tags: [\"v*\"]", "tag: [\"v*\"]"),
        ("runs-on: ${{ matrix.os }}", "run-on: ${{ matrix.os }}"),
        ("packages: write", "packages: writ"),
        ("needs: binaries", "needs: {job: binaries}"),
    ] {
        let out = workflow_validate(&broken(dir.path(), &workflow, from, to));
        assert!(!out.status.success(), "{to:?} passed:\n{}", text(&out));
    }
}

/// What a release holds: a locked release build of the one binary for Linux and macOS on
/// both architectures, each archive with its checksum, and the image of deploy/Dockerfile.
#[test]
fn the_release_workflow_builds_linux_and_macos_with_checksums_and_the_image() {
    let docs = yaml_docs(&repo_file(".github/workflows/release.yml"));
    let jobs = &docs[0]["jobs"];
    let include = jobs["binaries"]["strategy"]["matrix"]["include"]
        .as_vec()
        .expect("a matrix of targets");
    let targets: Vec<&str> = include
        .iter()
        .map(|t| t["target"].as_str().expect("target"))
        .collect();
    for wanted in [
        "x86_64-unknown-linux-gnu",
        "aarch64-unknown-linux-gnu",
        "x86_64-apple-darwin",
        "aarch64-apple-darwin",
    ] {
        assert!(
            targets.contains(&wanted),
            "{wanted} missing from {targets:?}"
        );
    }
    let runs: Vec<String> = jobs["binaries"]["steps"]
        .as_vec()
        .expect("steps")
        .iter()
        .filter_map(|s| s["run"].as_str().map(str::to_string))
        .collect();
    let all = runs.join("\n");
    assert!(
        all.contains("build --release --locked --bin parapet"),
        "{all}"
    );
    assert!(
        all.contains("sha256sum") && all.contains("shasum -a 256"),
        "{all}"
    );
    let publish = format!("{:?}", jobs["publish"]["steps"]);
    assert!(publish.contains("SHA256SUMS") && publish.contains("gh release create"));
    let image = format!("{:?}", jobs["image"]["steps"]);
    assert!(image.contains("deploy/Dockerfile") && image.contains("push"));
}

/// The Job's container arguments, `$(JOB_COMPLETION_INDEX)` set to `index`.
fn job_args(doc: &Yaml, index: u32) -> Vec<String> {
    let container = &doc["spec"]["template"]["spec"]["containers"][0];
    let args = container["args"].as_vec().expect("args");
    args.iter()
        .map(|a| {
            a.as_str()
                .expect("string arg")
                .replace("$(JOB_COMPLETION_INDEX)", &index.to_string())
        })
        .collect()
}

#[test]
fn the_job_runs_a_command_parapet_accepts_with_one_shard_per_completion() {
    let docs = yaml_docs(&repo_file("deploy/kubernetes/job.yaml"));
    let job = docs
        .iter()
        .find(|d| d["kind"].as_str() == Some("Job"))
        .expect("a Job");
    let completions = job["spec"]["completions"].as_i64().unwrap() as u32;
    assert_eq!(
        job["spec"]["parallelism"].as_i64().unwrap() as u32,
        completions
    );
    assert_eq!(job["spec"]["completionMode"].as_str(), Some("Indexed"));
    let account = docs
        .iter()
        .find(|d| d["kind"].as_str() == Some("ServiceAccount"))
        .unwrap();
    let role = account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
        .as_str()
        .expect("IRSA annotation");
    assert!(
        role.starts_with("arn:aws:iam::") && role.contains(":role/"),
        "{role}"
    );
    assert_eq!(
        job["spec"]["template"]["spec"]["serviceAccountName"].as_str(),
        account["metadata"]["name"].as_str()
    );
    let mut outputs = Vec::new();
    for index in 0..completions {
        let args = job_args(job, index);
        let cli = parapet::cli::Cli::try_parse_from(
            std::iter::once("parapet".to_string()).chain(args.clone()),
        )
        .unwrap_or_else(|e| panic!("{args:?}: {e}"));
        assert!(cli.accounts_spec().unwrap().is_multi());
        match cli.command {
            Some(parapet::cli::Command::Scan { shard, output, .. }) => {
                let shard = shard.expect("--shard");
                assert_eq!((shard.index, shard.count), (index, completions));
                outputs.push(output.expect("--output"));
            }
            other => panic!("not a scan: {other:?}"),
        }
    }
    outputs.dedup();
    assert_eq!(outputs.len() as u32, completions, "one file per shard");

    // The merge job reads exactly what the shards write.
    let merge = &yaml_docs(&repo_file("deploy/kubernetes/merge-job.yaml"))[0];
    let script = merge["spec"]["template"]["spec"]["containers"][0]["args"][0]
        .as_str()
        .unwrap();
    assert!(
        script.contains("parapet merge /results/shard-*.json"),
        "{script}"
    );
    assert!(
        outputs
            .iter()
            .all(|o| o.to_string_lossy().starts_with("/results/shard-"))
    );
}

#[test]
fn the_workflow_matrix_has_one_job_per_shard() {
    let docs = yaml_docs(&repo_file("deploy/github/parapet-org-scan.yml"));
    let wf = &docs[0];
    let shards: i64 = wf["env"]["SHARDS"].as_str().unwrap().parse().unwrap();
    let matrix: Vec<i64> = wf["jobs"]["scan"]["strategy"]["matrix"]["shard"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(matrix, (0..shards).collect::<Vec<_>>());
    assert_eq!(wf["jobs"]["merge"]["needs"].as_str(), Some("scan"));
}

#[test]
fn real_snapshots_validate_against_the_schema_with_an_independent_validator() {
    let dir = tempfile::tempdir().unwrap();
    let demo = dir.path().join("demo.json");
    let out = Command::new(env!("CARGO_BIN_EXE_parapet"))
        .args(["--demo", "--export"])
        .arg(&demo)
        .env("PARAPET_CONFIG_DIR", dir.path())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let schema = repo_file("schema/snapshot.schema.json");
    let check = |file: &Path| {
        python(
            "check_jsonschema",
            &[
                "--schemafile".as_ref(),
                schema.as_os_str(),
                file.as_os_str(),
            ],
        )
    };
    let ok = check(&demo);
    assert!(ok.status.success(), "{}", text(&ok));
    // And it is not a validator that accepts anything.
    let mut value: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&demo).unwrap()).unwrap();
    value["accounts"][0]["id"] = "not-an-id".into();
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, value.to_string()).unwrap();
    assert!(!check(&bad).status.success());
}
