//! Unit tests of `lambda_trust.rs`: pass, fail, unknown and not_applicable for every check,
//! and the traps CHECKS.md names.

use super::*;
use crate::domain::checks::testing::{eval, one};
use crate::domain::finding::Status;
use crate::domain::inventory::{Alias, CodeSigning, Role, RolePolicy};
use serde_json::json;
use std::sync::Arc;

const ACCT: &str = "111122223333";
const ROLE: &str = "arn:aws:iam::111122223333:role/orders-role";

fn func(name: &str) -> Function {
    Function {
        name: name.into(),
        arn: format!("arn:aws:lambda:us-east-1:{ACCT}:function:{name}"),
        region: "us-east-1".into(),
        package_type: Some("Zip".into()),
        role_arn: ROLE.into(),
        ..Default::default()
    }
}

fn inv_of(f: Function) -> Inventory {
    Inventory {
        account_id: ACCT.into(),
        regions: vec!["us-east-1".into()],
        functions: vec![Arc::new(f)],
        ..Default::default()
    }
}

fn policy(statements: serde_json::Value) -> Option<String> {
    Some(json!({"Version": "2012-10-17", "Statement": statements}).to_string())
}

fn grant(sid: &str, service: &str, condition: serde_json::Value) -> serde_json::Value {
    json!({
        "Sid": sid, "Effect": "Allow", "Principal": {"Service": service},
        "Action": "lambda:InvokeFunction",
        "Resource": format!("arn:aws:lambda:us-east-1:{ACCT}:function:orders"),
        "Condition": condition
    })
}

// ───────────────────────────── service grants ─────────────────────────────

#[test]
fn a_service_grant_without_a_source_fails_and_one_with_a_source_passes() {
    let mut f = func("orders");
    f.policy = Ok(policy(json!([grant(
        "s3",
        "s3.amazonaws.com",
        json!({"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}})
    ),])));
    assert_eq!(
        one("lambda.service-invoke-no-source", &inv_of(f.clone())).status,
        Status::Pass
    );

    f.policy = Ok(policy(json!([
        grant(
            "s3",
            "s3.amazonaws.com",
            json!({"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}})
        ),
        grant("sns-any", "sns.amazonaws.com", json!({})),
    ])));
    let x = one("lambda.service-invoke-no-source", &inv_of(f.clone()));
    assert_eq!(x.status, Status::Fail);
    assert!(x.message.contains("sns.amazonaws.com"), "{}", x.message);
    assert!(x.remediation().cli.contains("--statement-id sns-any"));
    assert!(
        x.remediation()
            .cli
            .contains("--principal sns.amazonaws.com")
    );
    // A condition that does not pin the source (a wildcard account) does not count.
    f.policy = Ok(policy(json!([grant(
        "events",
        "events.amazonaws.com",
        json!({"ArnLike": {"aws:SourceArn": "arn:aws:events:us-east-1:*:rule/*"}})
    )])));
    assert_eq!(
        one("lambda.service-invoke-no-source", &inv_of(f)).status,
        Status::Fail
    );
}

#[test]
fn a_grant_on_an_alias_counts_and_names_the_alias() {
    let mut f = func("orders");
    f.policy = Ok(None);
    f.aliases = Ok(vec![Alias {
        name: "live".into(),
        arn: format!("{}:live", f.arn),
        url: Ok(None),
        policy: Ok(policy(json!([grant(
            "apigw",
            "apigateway.amazonaws.com",
            json!({})
        )]))),
    }]);
    let x = one("lambda.service-invoke-no-source", &inv_of(f));
    assert_eq!(x.status, Status::Fail);
    assert!(x.message.contains("alias live"), "{}", x.message);
    assert!(x.evidence[0].field.contains("alias live"));
    assert!(
        x.remediation()
            .cli
            .contains("--function-name orders --qualifier live")
    );
}

#[test]
fn service_grants_unknown_and_not_applicable() {
    // Nobody but accounts (or nobody at all) may invoke: not applicable.
    let mut f = func("orders");
    f.policy = Ok(policy(json!([{
        "Sid": "acct", "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{ACCT}:root")},
        "Action": "lambda:InvokeFunction"
    }])));
    assert_eq!(
        one("lambda.service-invoke-no-source", &inv_of(f.clone())).status,
        Status::NotApplicable
    );
    // A policy that could not be read, or aliases that could not be listed: unknown.
    f.policy = Err("AccessDenied: lambda:GetPolicy".into());
    let x = one("lambda.service-invoke-no-source", &inv_of(f.clone()));
    assert_eq!(x.status, Status::Unknown);
    assert!(x.message.contains("lambda:GetPolicy"));
    f.policy = Ok(None);
    f.aliases = Err("AccessDenied: lambda:ListAliases".into());
    assert_eq!(
        one("lambda.service-invoke-no-source", &inv_of(f.clone())).status,
        Status::Unknown
    );
    // ... unless what could be read already fails.
    f.policy = Ok(policy(json!([grant("s3", "s3.amazonaws.com", json!({}))])));
    assert_eq!(
        one("lambda.service-invoke-no-source", &inv_of(f)).status,
        Status::Fail
    );
}

// ───────────────────────────── escalation ─────────────────────────────

fn with_role(documents: &[(&str, serde_json::Value)]) -> Inventory {
    let mut inv = inv_of(func("orders"));
    let policies = documents
        .iter()
        .map(|(name, statements)| RolePolicy {
            name: name.to_string(),
            arn: None,
            document: Ok(json!({"Version": "2012-10-17", "Statement": statements}).to_string()),
        })
        .collect();
    inv.roles.insert(
        ROLE.into(),
        Arc::new(Ok(Role {
            arn: ROLE.into(),
            name: "orders-role".into(),
            policies,
        })),
    );
    inv
}

fn allow(actions: serde_json::Value, resources: serde_json::Value) -> serde_json::Value {
    json!({"Effect": "Allow", "Action": actions, "Resource": resources})
}

#[test]
fn a_role_that_may_rewrite_its_own_inline_policy_escalates_though_the_resource_is_named() {
    let inv = with_role(&[(
        "self-edit",
        json!([allow(json!("iam:PutRolePolicy"), json!(ROLE))]),
    )]);
    let x = one("lambda.role-can-escalate", &inv);
    assert_eq!(x.status, Status::Fail);
    assert!(x.message.contains("its own role"), "{}", x.message);
    assert!(x.message.contains("self-edit"), "{}", x.message);
    // On another named role it is not an escalation of this one.
    let inv = with_role(&[(
        "other",
        json!([allow(
            json!("iam:PutRolePolicy"),
            json!("arn:aws:iam::111122223333:role/other")
        )]),
    )]);
    assert_eq!(one("lambda.role-can-escalate", &inv).status, Status::Pass);
    // A wildcard that covers it is.
    let inv = with_role(&[(
        "roles",
        json!([allow(
            json!("iam:Attach*"),
            json!("arn:aws:iam::111122223333:role/*")
        )]),
    )]);
    assert_eq!(one("lambda.role-can-escalate", &inv).status, Status::Fail);
}

#[test]
fn pass_role_needs_create_function_and_a_way_to_run_it() {
    let pass = allow(json!("iam:PassRole"), json!("*"));
    let create = allow(json!("lambda:CreateFunction"), json!("*"));
    let run = allow(json!("lambda:CreateEventSourceMapping"), json!("*"));
    let inv = with_role(&[("p", json!([pass.clone(), create.clone()]))]);
    assert_eq!(one("lambda.role-can-escalate", &inv).status, Status::Pass);
    let inv = with_role(&[
        ("p", json!([pass, create.clone()])),
        ("r", json!([run.clone()])),
    ]);
    let x = one("lambda.role-can-escalate", &inv);
    assert_eq!(x.status, Status::Fail);
    assert!(
        x.message.contains("create a function with any role"),
        "{}",
        x.message
    );
    // PassRole on one named role is no path.
    let named = allow(
        json!("iam:PassRole"),
        json!("arn:aws:iam::111122223333:role/worker"),
    );
    let inv = with_role(&[("p", json!([named, create, run]))]);
    assert_eq!(one("lambda.role-can-escalate", &inv).status, Status::Pass);
}

#[test]
fn updating_other_functions_escalates_updating_itself_does_not() {
    let own = format!("arn:aws:lambda:us-east-1:{ACCT}:function:orders");
    let inv = with_role(&[(
        "self",
        json!([allow(
            json!("lambda:UpdateFunctionCode"),
            json!([own.clone(), format!("{own}:*")])
        )]),
    )]);
    assert_eq!(one("lambda.role-can-escalate", &inv).status, Status::Pass);
    let inv = with_role(&[("all", json!([allow(json!("lambda:Update*"), json!("*"))]))]);
    let x = one("lambda.role-can-escalate", &inv);
    assert_eq!(x.status, Status::Fail);
    assert!(
        x.message.contains("take over other functions"),
        "{}",
        x.message
    );
    // An unconditional Deny in the same document removes it.
    let inv = with_role(&[(
        "all",
        json!([
            allow(json!("lambda:*"), json!("*")),
            {"Effect": "Deny", "Action": "lambda:Update*", "Resource": "*"}
        ]),
    )]);
    assert_eq!(one("lambda.role-can-escalate", &inv).status, Status::Pass);
}

#[test]
fn an_administrator_escalates_and_unreadable_roles_are_unknown() {
    let mut inv = with_role(&[]);
    inv.roles.insert(
        ROLE.into(),
        Arc::new(Ok(Role {
            arn: ROLE.into(),
            name: "orders-role".into(),
            policies: vec![RolePolicy {
                name: "AdministratorAccess".into(),
                arn: Some("arn:aws:iam::aws:policy/AdministratorAccess".into()),
                document: Err("not read: its content is known".into()),
            }],
        })),
    );
    assert_eq!(one("lambda.role-can-escalate", &inv).status, Status::Fail);
    // A policy that could not be read, with nothing else failing: unknown.
    let mut inv = with_role(&[]);
    inv.roles.insert(
        ROLE.into(),
        Arc::new(Ok(Role {
            arn: ROLE.into(),
            name: "orders-role".into(),
            policies: vec![RolePolicy {
                name: "inline".into(),
                arn: None,
                document: Err("AccessDenied: iam:GetRolePolicy".into()),
            }],
        })),
    );
    let x = one("lambda.role-can-escalate", &inv);
    assert_eq!(x.status, Status::Unknown);
    assert!(x.message.contains("iam:GetRolePolicy"));
    // A role that was not collected at all: unknown too.
    let inv = inv_of(func("orders"));
    assert_eq!(
        one("lambda.role-can-escalate", &inv).status,
        Status::Unknown
    );
    // Escalation has no not-applicable case: every function runs as a role.
    assert!(
        eval("lambda.role-can-escalate", &with_role(&[]))
            .iter()
            .all(|f| f.status != Status::NotApplicable)
    );
}

// ───────────────────────────── code signing ─────────────────────────────

#[test]
fn code_signing_enforce_passes_warn_and_none_fail() {
    let signing = |policy: &str| {
        Ok(Some(CodeSigning {
            config_arn: format!("arn:aws:lambda:us-east-1:{ACCT}:code-signing-config:csc-1"),
            untrusted_artifact_on_deployment: policy.into(),
        }))
    };
    let mut f = func("orders");
    f.code_signing = signing("Enforce");
    assert_eq!(
        one("lambda.no-code-signing", &inv_of(f.clone())).status,
        Status::Pass
    );
    f.code_signing = signing("Warn");
    let x = one("lambda.no-code-signing", &inv_of(f.clone()));
    assert_eq!(x.status, Status::Fail);
    assert!(x.message.contains("Warn"));
    f.code_signing = Ok(None);
    assert_eq!(
        one("lambda.no-code-signing", &inv_of(f.clone())).status,
        Status::Fail
    );
    f.code_signing = Err("NotImplemented: ListCodeSigningConfigs (HTTP 404)".into());
    let x = one("lambda.no-code-signing", &inv_of(f.clone()));
    assert_eq!(x.status, Status::Unknown);
    assert!(x.message.contains("ListCodeSigningConfigs"));
    f.package_type = Some("Image".into());
    assert_eq!(
        one("lambda.no-code-signing", &inv_of(f)).status,
        Status::NotApplicable
    );
}
