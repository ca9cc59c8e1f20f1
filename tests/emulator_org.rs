//! A whole Organization on the emulator: three accounts with different postures, one of them
//! out of reach (the scanner may not assume its role), scanned in one run with
//! `--accounts org --assume-role`, in shards merged back together, with `--accounts ID,…`, and
//! with one `--profile` per account. IAM enforcement is on, so every request is signed by a
//! known identity and allowed by its policies: the scanner holds exactly
//! `parapet policy --base`, each account's role exactly `parapet policy`.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::support::emulator::{Moto, Parapet, Run};

const ROLE: &str = "ParapetReadOnly";

struct Org {
    moto: Moto,
    manifest: Value,
}

impl Org {
    fn start() -> Org {
        let moto = Moto::start();
        let plain = Parapet::default();
        let read_only = plain.run(&["policy"]).stdout;
        let base = plain
            .run(&["policy", "--base", "--assume-role", ROLE])
            .stdout;
        assert!(base.contains("organizations:ListAccounts"), "{base}");
        let manifest = moto.organization(ROLE, &read_only, &base);
        moto.enforce_iam(true);
        Org { moto, manifest }
    }

    fn id(&self, name: &str) -> String {
        self.manifest["accounts"][name]
            .as_str()
            .unwrap()
            .to_string()
    }

    fn management(&self) -> String {
        self.manifest["management"].as_str().unwrap().to_string()
    }

    fn user(&self, name: &str) -> Parapet {
        let user = &self.manifest["users"][name];
        Parapet {
            access_key: user["access_key_id"].as_str().unwrap().into(),
            secret_key: user["secret_access_key"].as_str().unwrap().into(),
            ..Parapet::default()
        }
    }

    fn scan(&self, args: &[&str]) -> Run {
        self.user("scanner").scan(&self.moto.endpoint(), args)
    }
}

fn accounts(snapshot: &Value) -> Vec<&Value> {
    snapshot["accounts"].as_array().unwrap().iter().collect()
}

fn account<'a>(snapshot: &'a Value, id: &str) -> &'a Value {
    accounts(snapshot)
        .into_iter()
        .find(|a| a["id"] == id)
        .unwrap_or_else(|| panic!("no account {id} in {}", snapshot["accounts"]))
}

fn findings_of<'a>(snapshot: &'a Value, id: &str) -> Vec<&'a Value> {
    snapshot["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["account_id"] == id)
        .collect()
}

/// What two runs must agree on, finding for finding: everything but timings.
fn decided(snapshot: &Value) -> Value {
    let mut s = snapshot.clone();
    let map = s.as_object_mut().unwrap();
    for key in ["generated_at", "shard"] {
        map.remove(key);
    }
    for c in map["collection"].as_array_mut().unwrap() {
        c.as_object_mut().unwrap().remove("duration_ms");
    }
    s
}

fn merge(files: &[&Path], out: &Path) -> Run {
    let mut args = vec!["merge".to_string()];
    args.extend(files.iter().map(|f| f.display().to_string()));
    args.extend(["--output".into(), out.display().to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Parapet::default().run(&args)
}

#[test]
fn an_organization_scans_in_one_run_in_shards_by_id_and_by_profile() {
    let org = Org::start();
    let (mgmt, b, c) = (org.management(), org.id("workload-b"), org.id("workload-c"));

    // ── One run over the Organization ──
    let run = org.scan(&["--accounts", "org", "--assume-role", ROLE]);
    assert_eq!(run.code, Some(0), "stderr:\n{}", run.stderr);
    let single = run.snapshot();
    assert_eq!(single["schema_version"], 2);
    let ids: Vec<&str> = accounts(single)
        .iter()
        .map(|a| a["id"].as_str().unwrap())
        .collect();
    let mut sorted = vec![mgmt.as_str(), b.as_str(), c.as_str()];
    sorted.sort_unstable();
    assert_eq!(ids, sorted, "every ACTIVE account, by id");
    assert_eq!(account(single, &b)["name"], "workload-b");
    assert_eq!(
        account(single, &b)["role_arn"],
        format!("arn:aws:iam::{b}:role/{ROLE}")
    );

    // The account out of reach: an error with a hint, every area failed, every finding
    // unknown with the reason; never a pass.
    let lost = account(single, &c);
    let error = lost["error"]["message"].as_str().unwrap();
    assert!(
        error.contains(&format!("arn:aws:iam::{c}:role/{ROLE}")) && error.contains("AccessDenied"),
        "{error}"
    );
    assert!(
        lost["error"]["hint"]
            .as_str()
            .unwrap()
            .contains("trust policy")
    );
    assert_eq!(lost["score"]["overall"], Value::Null);
    let lost_findings = findings_of(single, &c);
    assert!(!lost_findings.is_empty());
    for f in &lost_findings {
        assert_eq!(f["status"], "unknown", "{f}");
        assert!(
            f["message"].as_str().unwrap().contains("cannot assume")
                || f["evidence"].to_string().contains("cannot assume"),
            "{f}"
        );
    }
    let lost_collection: Vec<&Value> = single["collection"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|x| x["account_id"] == c.as_str())
        .collect();
    assert_eq!(lost_collection.len(), 10, "every area of its one region");
    assert!(lost_collection.iter().all(|x| x["status"] == "failed"));
    assert!(run.stderr.contains("✘ not scanned"), "{}", run.stderr);

    // The other two went on, with their own postures.
    for id in [&mgmt, &b] {
        let a = account(single, id);
        assert!(a.get("error").is_none(), "{a}");
        assert!(a["score"]["overall"].is_u64(), "{a}");
        assert!(
            findings_of(single, id)
                .iter()
                .any(|f| f["status"] == "fail")
        );
        assert!(
            findings_of(single, id)
                .iter()
                .any(|f| f["status"] == "pass")
        );
        for f in findings_of(single, id) {
            assert!(
                !f["message"].as_str().unwrap().contains("AccessDenied"),
                "the role's policy is enough: {f}"
            );
        }
    }
    assert_ne!(
        account(single, &mgmt)["score"],
        account(single, &b)["score"],
        "different postures"
    );
    let resources = |id: &str| -> BTreeSet<String> {
        findings_of(single, id)
            .iter()
            .map(|f| f["resource_id"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(
        resources(&b).iter().all(|r| !r.contains(&mgmt)),
        "an account's findings are its own resources"
    );
    // The organization's coverage adds up the accounts'.
    let pass: u64 = accounts(single)
        .iter()
        .map(|a| a["coverage"]["pass"].as_u64().unwrap())
        .sum();
    assert_eq!(single["coverage"]["pass"].as_u64().unwrap(), pass);

    // ── The same scan in three shards, merged ──
    let dir = tempfile::tempdir().unwrap();
    let mut files = Vec::new();
    for i in 0..3 {
        let shard = format!("{i}/3");
        let run = org.scan(&[
            "--accounts",
            "org",
            "--assume-role",
            ROLE,
            "--shard",
            &shard,
        ]);
        assert_eq!(run.code, Some(0), "shard {shard}:\n{}", run.stderr);
        let snapshot = run.snapshot();
        assert_eq!(snapshot["shard"]["index"], i);
        assert_eq!(accounts(snapshot).len(), 1, "one account per shard");
        let file = dir.path().join(format!("shard-{i}.json"));
        std::fs::write(&file, serde_json::to_vec(snapshot).unwrap()).unwrap();
        files.push(file);
    }
    let merged_file = dir.path().join("org.json");
    let paths: Vec<&Path> = files.iter().map(|f| f.as_path()).collect();
    let merged = merge(&paths, &merged_file);
    assert_eq!(merged.code, Some(0), "{}", merged.stderr);
    let merged: Value = serde_json::from_slice(&std::fs::read(&merged_file).unwrap()).unwrap();
    assert_eq!(
        decided(&merged),
        decided(single),
        "the merged shards equal the single run"
    );
    assert_eq!(
        merged["findings"], single["findings"],
        "finding for finding"
    );

    // Both are what the published schema describes (an independent validator's word).
    let single_file = dir.path().join("single.json");
    std::fs::write(&single_file, serde_json::to_vec(single).unwrap()).unwrap();
    let schema = crate::support::emulator::repo().join("schema/snapshot.schema.json");
    let valid = std::process::Command::new(crate::support::emulator::python())
        .args(["-m", "check_jsonschema", "--schemafile"])
        .args([&schema, &single_file, &merged_file, &files[0]])
        .output()
        .unwrap();
    assert!(
        valid.status.success(),
        "{}{}",
        String::from_utf8_lossy(&valid.stdout),
        String::from_utf8_lossy(&valid.stderr)
    );

    // A shard missing, or an account twice: refused, nothing written.
    let partial = merge(&paths[..2], &dir.path().join("partial.json"));
    assert_eq!(partial.code, Some(2));
    assert!(
        partial.stderr.contains("shard 2 of 3 missing"),
        "{}",
        partial.stderr
    );
    assert!(!dir.path().join("partial.json").exists());
    let twice = merge(
        &[&single_file, &merged_file],
        &dir.path().join("twice.json"),
    );
    assert_eq!(twice.code, Some(2));
    assert!(twice.stderr.contains("is in both"), "{}", twice.stderr);

    // ── The same accounts by id ──
    let listed = org.scan(&["--accounts", &format!("{b},{mgmt}"), "--assume-role", ROLE]);
    assert_eq!(listed.code, Some(0), "{}", listed.stderr);
    let listed = listed.snapshot();
    for id in [&mgmt, &b] {
        let f = |s: &Value| -> Vec<Value> { findings_of(s, id).into_iter().cloned().collect() };
        assert_eq!(f(listed), f(single), "account {id} by id");
    }
    assert!(
        account(listed, &b).get("name").is_none(),
        "no Organization call, no name"
    );

    // ── One account per profile: one good, one whose keys AWS rejects ──
    let reader = &org.manifest["users"]["reader"];
    let profiles = Parapet {
        aws_credentials: Some(format!(
            "[reader]\naws_access_key_id = {}\naws_secret_access_key = {}\n\n\
             [revoked]\naws_access_key_id = AKIAREVOKEDREVOKED00\n\
             aws_secret_access_key = revoked\n",
            reader["access_key_id"].as_str().unwrap(),
            reader["secret_access_key"].as_str().unwrap(),
        )),
        ..Parapet::default()
    };
    let run = profiles.scan(
        &org.moto.endpoint(),
        &["--profile", "reader", "--profile", "revoked"],
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let by_profile = run.snapshot();
    let [good, bad] = accounts(by_profile)[..] else {
        panic!("two accounts: {}", by_profile["accounts"]);
    };
    assert_eq!(
        (&good["id"], &good["profile"]),
        (&Value::from(mgmt.clone()), &Value::from("reader"))
    );
    assert_eq!(bad["profile"], "revoked");
    assert_eq!(bad["id"], "", "no identity to name it by");
    // AWS answers an unknown key with InvalidClientTokenId ("rejected the credentials");
    // moto with enforcement on answers AccessDenied. Either way the account is named as not
    // scanned, with the call that failed.
    let message = bad["error"]["message"].as_str().unwrap();
    assert!(
        message.contains("rejected the credentials") || message.contains("sts:GetCallerIdentity"),
        "{}",
        bad["error"]
    );
    assert_eq!(
        findings_of(by_profile, &mgmt)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>(),
        findings_of(single, &mgmt)
            .into_iter()
            .cloned()
            .collect::<Vec<_>>(),
        "the management account read by its own user or through the role decides the same"
    );
}

#[test]
fn a_base_identity_that_cannot_list_the_organization_is_told_what_to_do() {
    let moto = Moto::start();
    // Not in an Organization at all.
    let run = Parapet::default().scan(
        &moto.endpoint(),
        &["--accounts", "org", "--assume-role", ROLE],
    );
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.snapshot.is_none());
    // moto lists no account outside an Organization; AWS answers
    // AWSOrganizationsNotInUseException. Both are named, with what to do instead.
    assert!(
        run.stderr
            .contains("the Organization lists no ACTIVE account")
            || run.stderr.contains("not in an AWS Organization"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("--accounts ID"), "{}", run.stderr);
}
