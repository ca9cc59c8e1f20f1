//! Parapet's reading of Prowler's mutelist against Prowler itself: every vector of
//! `tests/data/prowler_mutelist_vectors.json` was decided by Prowler 5.46.0's
//! `AWSMutelist.is_muted` (`scripts/prowler-mutelist-vectors` regenerates the file), and
//! `Mutelist::is_muted` must decide each the same way.

use parapet::domain::mutelist::Mutelist;
use yaml_rust2::{YamlEmitter, YamlLoader};

#[test]
fn the_mutelist_decides_every_prowler_vector_as_prowler_does() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/prowler_mutelist_vectors.json"
    ))
    .unwrap();
    // YAML reads the JSON file with its key order, which the mutelist's meaning depends on.
    let doc = &YamlLoader::load_from_str(&text).unwrap()[0];
    assert_eq!(doc["prowler"].as_str(), Some("5.46.0"));
    let cases = doc["cases"].as_vec().unwrap();
    assert_eq!(cases.len(), 10);
    let mut checked = 0;
    let mut wrong = Vec::new();
    for (n, case) in cases.iter().enumerate() {
        let mut yaml = String::new();
        YamlEmitter::new(&mut yaml).dump(&case["mutelist"]).unwrap();
        let list =
            Mutelist::parse(&yaml, "vectors").unwrap_or_else(|e| panic!("case {n}: {e}\n{yaml}"));
        for v in case["vectors"].as_vec().unwrap() {
            let s = |k: &str| v[k].as_str().unwrap().to_string();
            let want = v["muted"].as_bool().unwrap();
            let got = list.is_muted(
                &s("account"),
                &s("check"),
                &s("region"),
                &s("resource"),
                &s("tags"),
            );
            if got != want {
                wrong.push(format!(
                    "case {n}: {v:?}: Prowler says {want}, Parapet {got}"
                ));
            }
            checked += 1;
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(checked, 35, "every vector was checked");
}

/// Issue 18, 21: a key Prowler's schema rejects (`Acounts:`) was silently ignored. Every file
/// of the vectors' `schema` list was read by Prowler 5.46.0 itself, as `prowler -w FILE`
/// reads one; Parapet refuses exactly the files Prowler rejects.
#[test]
fn the_mutelist_accepts_exactly_the_files_prowler_accepts() {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/prowler_mutelist_vectors.json"
    ))
    .unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    let schema = doc["schema"].as_array().unwrap();
    assert_eq!(schema.len(), 12);
    let mut wrong = Vec::new();
    for case in schema {
        let what = case["what"].as_str().unwrap();
        let parsed = Mutelist::parse(case["yaml"].as_str().unwrap(), "m.yaml");
        if parsed.is_ok() != case["accepted"].as_bool().unwrap() {
            wrong.push(format!(
                "{what}: Prowler accepts: {}, Parapet: {parsed:?}",
                case["accepted"]
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert!(schema.iter().any(|c| c["accepted"] == false));
    assert!(schema.iter().any(|c| c["accepted"] == true));
}

/// Issue 18, 7: an alias bomb grew until memory ran out; anchors and aliases within reason
/// still work.
#[test]
fn a_yaml_alias_bomb_is_refused_at_once() {
    let mut bomb =
        String::from("a: &a [\"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\", \"x\"]\n");
    let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
    let mut prev = "a";
    for n in names {
        bomb.push_str(&format!(
            "{n}: &{n} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
        ));
        prev = n;
    }
    bomb.push_str("Mutelist:\n  Accounts:\n    \"*\":\n      Checks:\n        c:\n          Regions: *i\n          Resources: [\"*\"]\n");
    // 9^9 nodes once expanded: counted from the parser's events, never built.
    let e = Mutelist::parse(&bomb, "bomb.yaml").unwrap_err();
    assert!(e.message.contains("expands to more than"), "{e}");
}

/// `--mutelist` on a real export: a Prowler check name mutes the Parapet checks that name it
/// as anchor, a Parapet id mutes its check, a name that matches nothing is reported once, and
/// a broken file is exit 2 naming it.
#[test]
fn a_prowler_mutelist_mutes_what_it_says_in_an_export() {
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("mutelist.yaml");
    std::fs::write(
        &list,
        r#"Mutelist:
  Accounts:
    "111122223333":
      Checks:
        awslambda_function_url_public:
          Regions: ["us-east-1"]
          Resources: ["payments-.*"]
          Description: "payment webhooks are public by design"
    "*":
      Checks:
        "secrets.rotation-disabled":
          Regions: ["*"]
          Resources: ["^staging/"]
        awslambda_function_no_such_check:
          Regions: ["*"]
          Resources: ["*"]
"#,
    )
    .unwrap();
    let file = dir.path().join("demo.json");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_parapet"))
        .args(["--demo", "--export"])
        .arg(&file)
        .arg("--mutelist")
        .arg(&list)
        .env("PARAPET_CONFIG_DIR", dir.path())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(
        stderr.matches("awslambda_function_no_such_check").count(),
        1,
        "{stderr}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let mut muted = std::collections::BTreeSet::new();
    for f in json["findings"].as_array().unwrap() {
        let (check, name, region) = (
            f["check_id"].as_str().unwrap(),
            f["resource_name"].as_str().unwrap(),
            f["region"].as_str().unwrap(),
        );
        let want = (check == "lambda.function-url-no-auth"
            && region == "us-east-1"
            && name.starts_with("payments-"))
            || (check == "secrets.rotation-disabled" && name.starts_with("staging/"));
        assert_eq!(f["mute"].is_object(), want, "{check} on {name} in {region}");
        if want {
            assert_eq!(f["mute"]["source"], list.display().to_string());
            muted.insert(check.to_string());
        }
    }
    assert_eq!(muted.len(), 2, "both entries muted something: {muted:?}");

    std::fs::write(
        &list,
        "Mutelist:\n  Accounts:\n    '*':\n      Checks:\n        c:\n          Regions: ['*']\n",
    )
    .unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_parapet"))
        .args(["--demo", "--export"])
        .arg(dir.path().join("other.json"))
        .arg("--mutelist")
        .arg(&list)
        .env("PARAPET_CONFIG_DIR", dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("mutelist.yaml") && err.contains("`Resources` is required"),
        "{err}"
    );
}
