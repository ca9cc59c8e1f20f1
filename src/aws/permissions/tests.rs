use super::*;
use wildmatch::WildMatch;

/// Actions that read secret values or code, invoke, or write. None may be granted, not
/// even through a pattern (the code: except by `parapet policy --code`).
const FORBIDDEN: &[&str] = &[
    "secretsmanager:GetSecretValue",
    "secretsmanager:PutSecretValue",
    "secretsmanager:DeleteSecret",
    "secretsmanager:UpdateSecret",
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey",
    "kms:CreateGrant",
    "kms:PutKeyPolicy",
    "lambda:InvokeFunction",
    "lambda:InvokeAsync",
    "lambda:InvokeFunctionUrl",
    "lambda:GetFunction",
    "lambda:UpdateFunctionCode",
    "lambda:UpdateFunctionConfiguration",
    "lambda:AddPermission",
    "lambda:CreateFunction",
    "lambda:DeleteFunction",
    "lambda:PutFunctionConcurrency",
    "apigateway:POST",
    "apigateway:PUT",
    "apigateway:PATCH",
    "apigateway:DELETE",
    "apigateway:UpdateRestApiPolicy",
    "iam:PassRole",
    "iam:CreateUser",
    "iam:AttachRolePolicy",
    "iam:PutRolePolicy",
    "iam:UpdateAssumeRolePolicy",
    "sts:AssumeRole",
    // The triggers area reads configuration; it never reads, sends or deletes messages
    // or events, nor changes a source or mapping.
    "sqs:ReceiveMessage",
    "sqs:SendMessage",
    "sqs:DeleteMessage",
    "sqs:PurgeQueue",
    "sqs:SetQueueAttributes",
    "sns:Publish",
    "sns:Subscribe",
    "sns:SetTopicAttributes",
    "events:PutEvents",
    "events:PutRule",
    "events:PutTargets",
    "events:PutPermission",
    "lambda:CreateEventSourceMapping",
    "lambda:UpdateEventSourceMapping",
];

fn policy(code: bool) -> serde_json::Value {
    serde_json::from_str(&policy_json(code)).expect("the policy is JSON")
}

#[test]
fn the_policy_is_a_valid_iam_document_with_one_statement_per_service() {
    for code in [false, true] {
        one_statement_per_service(policy(code));
    }
}

#[test]
fn the_code_policy_adds_exactly_get_function_and_get_layer_version() {
    let (base, code) = (policy_actions(false), policy_actions(true));
    let added: Vec<&str> = code.iter().copied().filter(|a| !base.contains(a)).collect();
    assert_eq!(added, ["lambda:GetFunction", "lambda:GetLayerVersion"]);
    assert!(
        base.iter().all(|a| code.contains(a)),
        "nothing is taken away"
    );
}

fn one_statement_per_service(p: serde_json::Value) {
    assert_eq!(p["Version"], "2012-10-17");
    let statements = p["Statement"].as_array().unwrap();
    let mut sids = Vec::new();
    let mut services = Vec::new();
    let (allows, denies): (Vec<_>, Vec<_>) =
        statements.iter().partition(|s| s["Effect"] == "Allow");
    // The one Deny: API key values, which apigateway:GET on * would otherwise read.
    assert_eq!(denies.len(), 1);
    assert_eq!(denies[0]["Action"], serde_json::json!(["apigateway:GET"]));
    assert_eq!(
        denies[0]["Resource"],
        serde_json::json!([
            "arn:aws:apigateway:*::/apikeys",
            "arn:aws:apigateway:*::/apikeys/*"
        ])
    );
    sids.push(denies[0]["Sid"].as_str().unwrap().to_string());
    for s in allows {
        assert_eq!(s["Resource"], "*");
        let sid = s["Sid"].as_str().unwrap();
        assert!(
            !sid.is_empty() && sid.chars().all(|c| c.is_ascii_alphanumeric()),
            "{sid}"
        );
        sids.push(sid.to_string());
        let actions = s["Action"].as_array().unwrap();
        assert!(!actions.is_empty());
        let service = actions[0].as_str().unwrap().split(':').next().unwrap();
        assert!(
            actions
                .iter()
                .all(|a| a.as_str().unwrap().starts_with(&format!("{service}:"))),
            "{sid} mixes services"
        );
        services.push(service.to_string());
    }
    let mut unique = services.clone();
    unique.dedup();
    assert_eq!(unique, services, "one Allow statement per service");
    sids.sort();
    sids.dedup();
    assert_eq!(sids.len(), statements.len(), "Sids are unique");
}

#[test]
fn every_call_is_in_the_policy_once() {
    let actions = policy_actions(true);
    for p in CALLS {
        assert_eq!(
            actions.iter().filter(|a| **a == p.action).count(),
            1,
            "{}",
            p.action
        );
        assert!(!p.purpose.is_empty());
    }
    // API Gateway: the real IAM action and the emulator pattern, both.
    assert!(actions.contains(&"apigateway:GET"));
    assert!(actions.contains(&"apigateway:Get*"));
}

#[test]
fn nothing_reads_secret_values_invokes_or_writes() {
    for (code, action) in policy_actions(false)
        .into_iter()
        .map(|a| (false, a))
        .chain(policy_actions(true).into_iter().map(|a| (true, a)))
    {
        let (service, name) = action.split_once(':').expect("service:Action");
        assert!(!service.contains('*') && !name.is_empty(), "{action}");
        assert_ne!(name, "*", "{action}: a service wildcard");
        for verb in [
            "Put", "Create", "Update", "Delete", "Invoke", "Tag", "Untag",
        ] {
            assert!(!name.starts_with(verb), "{action} writes or invokes");
        }
        for word in ["GetSecretValue", "Decrypt"] {
            assert!(!name.contains(word), "{action}");
        }
        // Patterns must not reach a forbidden action either (IAM matches ignore case).
        let pattern = WildMatch::new(&action.to_ascii_lowercase());
        for forbidden in FORBIDDEN {
            // `--code` reads a function's code: what GetFunction is for, and all it adds.
            if code && *forbidden == "lambda:GetFunction" && action == *forbidden {
                continue;
            }
            assert!(
                !pattern.matches(&forbidden.to_ascii_lowercase()),
                "{action} grants {forbidden}"
            );
        }
    }
}

#[test]
fn the_emulator_pattern_equals_the_real_action_in_iam() {
    let pattern = WildMatch::new(&"apigateway:Get*".to_ascii_lowercase());
    assert!(pattern.matches("apigateway:get"));
    assert!(pattern.matches(&"apigateway:GetRestApis".to_ascii_lowercase()));
}

/// Every `"service:Action"` string literal in the live source's code (tests excluded) must
/// be granted by the policy, so it can never fall behind a poller. (Listing failures name
/// the API operation, e.g. `apigateway:GetRestApis`; the emulator pattern covers those.)
#[test]
fn every_action_the_code_names_is_granted() {
    let sources = [
        ("accounts.rs", include_str!("../accounts.rs")),
        ("aliases.rs", include_str!("../aliases.rs")),
        ("client.rs", include_str!("../client.rs")),
        ("code.rs", include_str!("../code.rs")),
        ("code_signing.rs", include_str!("../code_signing.rs")),
        ("functions.rs", include_str!("../functions.rs")),
        ("gateways.rs", include_str!("../gateways.rs")),
        ("qualified.rs", include_str!("../qualified.rs")),
        ("quotas.rs", include_str!("../quotas.rs")),
        ("roles.rs", include_str!("../roles.rs")),
        ("throttles.rs", include_str!("../throttles.rs")),
        ("encryption.rs", include_str!("../encryption.rs")),
        ("secrets.rs", include_str!("../secrets.rs")),
        ("triggers.rs", include_str!("../triggers.rs")),
    ];
    // The base identity's actions are granted by its own policy (`--base`).
    let granted: Vec<WildMatch> = policy_actions(true)
        .into_iter()
        .chain(base_policy_actions())
        .map(|a| WildMatch::new(&a.to_ascii_lowercase()))
        .collect();
    let mut seen = 0;
    for (file, text) in sources {
        let code = text.split("#[cfg(test)]").next().unwrap_or(text);
        for service in [
            "organizations",
            "sts",
            "lambda",
            "iam",
            "apigateway",
            "secretsmanager",
            "kms",
        ] {
            let needle = format!("\"{service}:");
            for (at, _) in code.match_indices(&needle) {
                let rest = &code[at + 1..];
                let end = rest.find('"').unwrap_or(rest.len());
                let action = &rest[..end];
                seen += 1;
                assert!(
                    granted
                        .iter()
                        .any(|g| g.matches(&action.to_ascii_lowercase())),
                    "{file} calls {action}, which `parapet policy` does not grant: add it to CALLS"
                );
            }
        }
    }
    // client.rs names sts:GetCallerIdentity at least.
    assert!(seen >= 1);
}

#[test]
fn policy_json_is_stable_text() {
    for code in [false, true] {
        let text = policy_json(code);
        assert!(text.starts_with("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": ["));
        assert!(text.ends_with("}\n"));
        assert_eq!(text, policy_json(code));
    }
}
