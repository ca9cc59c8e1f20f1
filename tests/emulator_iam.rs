//! Least privilege for Parapet itself, on the emulator with IAM enforcement on: a user holding
//! exactly `parapet policy` scans the seeded account without a single AccessDenied and decides
//! the same as an unrestricted scan; a user missing one permission gets `unknown` (naming the
//! missing action) on exactly the checks that permission feeds, never `pass`.

use crate::support::emulator::{self, Moto, Parapet};
use serde_json::Value;

/// IAM action matching: `*`/`?` wildcards, case-insensitive (as IAM does).
fn action_matches(pattern: &str, action: &str) -> bool {
    fn go(p: &[u8], a: &[u8]) -> bool {
        match (p.first(), a.first()) {
            (None, None) => true,
            (Some(b'*'), _) => go(&p[1..], a) || (!a.is_empty() && go(p, &a[1..])),
            (Some(b'?'), Some(_)) => go(&p[1..], &a[1..]),
            (Some(x), Some(y)) if x.eq_ignore_ascii_case(y) => go(&p[1..], &a[1..]),
            _ => false,
        }
    }
    go(pattern.as_bytes(), action.as_bytes())
}

/// The policy without `action` and without any pattern that would still grant it.
fn without(policy: &Value, action: &str) -> Value {
    let mut p = policy.clone();
    let mut removed = 0;
    for statement in p["Statement"].as_array_mut().expect("Statement array") {
        let actions = match &statement["Action"] {
            Value::String(s) => vec![s.clone()],
            Value::Array(a) => a
                .iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect(),
            other => panic!("unexpected Action {other}"),
        };
        let kept: Vec<Value> = actions
            .iter()
            .filter(|a| {
                let drop = action_matches(a, action);
                removed += drop as usize;
                !drop
            })
            .map(|a| Value::String(a.clone()))
            .collect();
        statement["Action"] = Value::Array(kept);
    }
    assert!(removed > 0, "{action} is not in the policy");
    p["Statement"]
        .as_array_mut()
        .unwrap()
        .retain(|s| !s["Action"].as_array().unwrap().is_empty());
    p
}

fn denied(f: &emulator::Found) -> bool {
    f.message.contains("AccessDenied") || f.message.contains("not authorized")
}

/// A scan without `action`: every finding keeps the reference status or becomes `unknown`
/// naming the missing action (never pass, fail or not_applicable instead), and each of
/// `checks` has at least one such unknown. Returns how many findings became unknown.
fn only_unknowns_naming(
    reference: &Value,
    run: &emulator::Run,
    action: &str,
    checks: &[&str],
) -> usize {
    assert_eq!(run.code, Some(0), "without {action}: {}", run.stderr);
    let reference = emulator::by_key(reference);
    let got = emulator::by_key(run.snapshot());
    let mut unknown: Vec<&emulator::Found> = Vec::new();
    for (k, want) in &reference {
        let have = got.get(k).unwrap_or_else(|| {
            panic!(
                "without {action}: {} on {} missing",
                k.0, want.resource_name
            )
        });
        if have.status == want.status {
            continue;
        }
        assert_eq!(
            have.status, "unknown",
            "without {action}, {} on {} went from {} to {} ({})",
            k.0, want.resource_name, want.status, have.status, have.message
        );
        assert!(
            have.message.contains(action),
            "without {action}, {} on {} is unknown for another reason: {}",
            k.0,
            want.resource_name,
            have.message
        );
        unknown.push(have);
    }
    assert_eq!(
        got.len(),
        reference.len(),
        "without {action}: findings added"
    );
    for check in checks {
        assert!(
            unknown.iter().any(|f| f.check_id == *check),
            "without {action}, no {check} finding became unknown: {unknown:#?}"
        );
    }
    unknown.len()
}

#[test]
fn the_shipped_policy_is_enough_and_every_permission_in_it_counts() {
    let moto = Moto::start();
    moto.seed(&[]);

    let printed = Parapet::default().run(&["policy"]);
    assert_eq!(printed.code, Some(0), "parapet policy:\n{}", printed.stderr);
    let policy: Value =
        serde_json::from_str(&printed.stdout).expect("`parapet policy` prints JSON");
    let reduced = without(&policy, "secretsmanager:GetResourcePolicy");
    // Permissions whose loss reaches checks through joins: reserved concurrency of public
    // functions, and managed policy documents behind the role and exposure checks.
    let derived = [
        (
            "lambda:GetFunctionConcurrency",
            vec!["lambda.unbounded-concurrency-public"],
        ),
        (
            "iam:GetPolicyVersion",
            vec![
                "lambda.admin-execution-role",
                "lambda.overprivileged-role",
                "exposure.public-entry-privileged-function",
            ],
        ),
        // The triggers area: each source read feeds its own checks and the joins through it.
        (
            "sqs:GetQueueAttributes",
            vec![
                "events.queue-public-send",
                "events.queue-not-encrypted",
                "events.no-dead-letter",
                "exposure.public-event-source-privileged-function",
            ],
        ),
        (
            "sns:GetTopicAttributes",
            vec![
                "events.topic-public-publish",
                "events.topic-not-encrypted",
                "exposure.public-event-source-secret-reader",
            ],
        ),
        (
            "events:DescribeEventBus",
            vec!["events.bus-public-put", "events.source-cross-account"],
        ),
        // The front doors of issue 22: a state machine's description, an API's keys, a
        // user pool's sign-up setting.
        (
            "states:DescribeStateMachine",
            vec!["sfn.logging-off", "sfn.no-tracing", "sfn.privileged-role"],
        ),
        ("appsync:ListApiKeys", vec!["appsync.api-key-long-lived"]),
        (
            "cognito-idp:DescribeUserPool",
            vec!["cognito.self-signup-authorizer"],
        ),
        ("logs:DescribeLogGroups", vec!["lambda.log-retention-unset"]),
    ];
    let only_identity = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}
    ]});

    // Reference: the same account scanned before enforcement, with the dummy admin keys.
    let admin = Parapet::default().scan(&moto.endpoint(), &[]);
    assert_eq!(admin.code, Some(0), "{}", admin.stderr);

    let (key, secret) = moto.create_user("parapet-reader", &policy);
    let (key2, secret2) = moto.create_user("parapet-reader-no-secret-policies", &reduced);
    let derived_users: Vec<(&str, Vec<&str>, Parapet)> = derived
        .iter()
        .enumerate()
        .map(|(i, (action, checks))| {
            let (access_key, secret_key) = moto.create_user(
                &format!("parapet-reader-derived-{i}"),
                &without(&policy, action),
            );
            let user = Parapet {
                access_key,
                secret_key,
                ..Parapet::default()
            };
            (*action, checks.clone(), user)
        })
        .collect();
    let (key3, secret3) = moto.create_user("parapet-identity-only", &only_identity);
    moto.enforce_iam(true);

    // Enforcement is really on: keys the emulator does not know are refused at the door.
    let stranger = Parapet::default().scan(&moto.endpoint(), &[]);
    assert_eq!(
        stranger.code,
        Some(2),
        "unknown keys must not get in with enforcement on:\n{}",
        stranger.stderr
    );

    // 1. Exactly the shipped policy: no AccessDenied anywhere, same decisions as the admin.
    let reader = Parapet {
        access_key: key,
        secret_key: secret,
        ..Parapet::default()
    };
    let run = reader.scan(&moto.endpoint(), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let found = emulator::findings(run.snapshot());
    let denials: Vec<_> = found.iter().filter(|f| denied(f)).collect();
    assert!(
        denials.is_empty(),
        "{} AccessDenied unknown(s) with the shipped policy:\n{:#?}",
        denials.len(),
        denials
    );
    for c in run.snapshot()["collection"].as_array().unwrap() {
        let error = c["error"].as_str().unwrap_or_default();
        assert!(
            !error.contains("AccessDenied"),
            "collection {}: {error}",
            c["area"]
        );
    }
    let reference = emulator::by_key(admin.snapshot());
    let got = emulator::by_key(run.snapshot());
    assert_eq!(
        reference.len(),
        got.len(),
        "the least-privilege scan saw a different number of findings"
    );
    for (k, want) in &reference {
        let have = &got[k];
        assert_eq!(
            have.status, want.status,
            "{} on {}: admin {} ({}), least privilege {} ({})",
            k.0, want.resource_name, want.status, want.message, have.status, have.message
        );
    }

    // 2. Without secretsmanager:GetResourcePolicy: the two policy checks are unknown on every
    //    secret, naming the missing action; nothing else changes.
    let partial = Parapet {
        access_key: key2,
        secret_key: secret2,
        ..Parapet::default()
    };
    let run = partial.scan(&moto.endpoint(), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let got = emulator::by_key(run.snapshot());
    let affected = ["secrets.public-policy", "secrets.cross-account-access"];
    let mut unknown = 0;
    for (k, want) in &reference {
        let have = got
            .get(k)
            .unwrap_or_else(|| panic!("{} on {} missing", k.0, want.resource_name));
        if affected.contains(&k.0.as_str()) {
            assert_eq!(
                have.status, "unknown",
                "{} on {} without GetResourcePolicy: {}",
                k.0, want.resource_name, have.message
            );
            assert!(
                have.message.contains("secretsmanager:GetResourcePolicy"),
                "the reason names the missing action: {}",
                have.message
            );
            unknown += 1;
        } else {
            assert_eq!(
                have.status, want.status,
                "{} on {} changed without GetResourcePolicy: {}",
                k.0, want.resource_name, have.message
            );
        }
    }
    assert!(
        unknown >= 10,
        "only {unknown} policy findings became unknown"
    );
    let secrets = run.snapshot()["collection"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["area"] == "secrets")
        .cloned()
        .unwrap();
    assert_eq!(secrets["status"], "partial", "{secrets}");

    // 3. Permissions that feed joined checks: what they fed becomes unknown naming them.
    for (action, checks, user) in &derived_users {
        let run = user.scan(&moto.endpoint(), &[]);
        let n = only_unknowns_naming(admin.snapshot(), &run, action, checks);
        assert!(n >= checks.len(), "without {action}: {n} unknown");
    }

    // 4. Credentials that can list nothing: the scan decided nothing, which is an error (exit
    //    2), not a clean bill of health.
    let nobody = Parapet {
        access_key: key3,
        secret_key: secret3,
        ..Parapet::default()
    };
    let run = nobody.scan(&moto.endpoint(), &[]);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr
            .contains("parapet: no function, API or secret could be listed in any region"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("parapet policy"), "{}", run.stderr);
    let snapshot = run.snapshot();
    assert!(
        emulator::findings(snapshot)
            .iter()
            .all(|f| f.status == "unknown" || f.status == "not_applicable"),
        "nothing listed, yet something was decided"
    );
}

#[test]
fn action_patterns_match_like_iam() {
    assert!(action_matches("apigateway:Get*", "apigateway:GET"));
    assert!(action_matches(
        "secretsmanager:GetResourcePolicy",
        "secretsmanager:getresourcepolicy"
    ));
    assert!(!action_matches(
        "secretsmanager:List*",
        "secretsmanager:GetResourcePolicy"
    ));
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": ["secretsmanager:ListSecrets", "secretsmanager:Get*"], "Resource": "*"},
        {"Effect": "Allow", "Action": "secretsmanager:GetResourcePolicy", "Resource": "*"}
    ]});
    let reduced = without(&policy, "secretsmanager:GetResourcePolicy");
    assert_eq!(
        reduced["Statement"],
        serde_json::json!([{"Effect": "Allow", "Action": ["secretsmanager:ListSecrets"], "Resource": "*"}])
    );
}
