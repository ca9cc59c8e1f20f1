//! Unit tests of `lambda.rs`, kept apart so the module itself stays readable.

use super::*;
use crate::domain::finding::Status;
use crate::domain::inventory::Role;
use crate::domain::inventory::{
    EventInvokeConfig, FunctionUrl, Key, KeyDetails, RestApi, RestMethod, RestResource, RestStage,
    RolePolicy,
};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::sync::Arc;
use time::macros::datetime;

const ACCT: &str = "111122223333";
const OTHER: &str = "444455556666";
const ROLE: &str = "arn:aws:iam::111122223333:role/orders-role";

fn ctx() -> Context {
    Context::new(datetime!(2026-01-15 12:00 UTC))
}

fn func(name: &str) -> Function {
    Function {
        name: name.into(),
        arn: format!("arn:aws:lambda:us-east-1:{ACCT}:function:{name}"),
        region: "us-east-1".into(),
        runtime: Some("python3.13".into()),
        package_type: Some("Zip".into()),
        role_arn: ROLE.into(),
        ..Default::default()
    }
}

/// Functions as collected: reserved concurrency read and unreserved unless a test says.
fn inv(functions: Vec<Function>) -> Inventory {
    let mut reserved_concurrency: BTreeMap<
        String,
        BTreeMap<String, crate::domain::inventory::Fetched<Option<i32>>>,
    > = BTreeMap::new();
    for f in &functions {
        reserved_concurrency
            .entry(f.region.clone())
            .or_default()
            .insert(f.arn.clone(), Ok(None));
    }
    Inventory {
        account_id: ACCT.into(),
        regions: vec!["us-east-1".into()],
        functions: functions.into_iter().map(Arc::new).collect(),
        reserved_concurrency,
        ..Default::default()
    }
}

fn with_concurrency(
    f: Function,
    reserved: crate::domain::inventory::Fetched<Option<i32>>,
) -> Inventory {
    let mut inventory = inv(vec![f.clone()]);
    inventory
        .reserved_concurrency
        .get_mut(&f.region)
        .expect("region present")
        .insert(f.arn.clone(), reserved);
    inventory
}

fn def(id: &str) -> &'static CheckDef {
    CHECKS.iter().find(|c| c.id == id).expect("check exists")
}

fn run_with(id: &str, inventory: &Inventory, ctx: &Context) -> Vec<Finding> {
    let d = def(id);
    (d.evaluate)(d, inventory, ctx)
}

fn one(id: &str, f: Function) -> Finding {
    one_in(id, &inv(vec![f]))
}

fn one_in(id: &str, inventory: &Inventory) -> Finding {
    let mut findings = run_with(id, inventory, &ctx());
    assert_eq!(findings.len(), 1, "{id}: one finding per function");
    findings.remove(0)
}

fn with_policy(mut f: Function, policy: Value) -> Function {
    f.policy = Ok(Some(policy.to_string()));
    f
}

fn stmt(extra: Value) -> Value {
    let mut s = json!({
        "Sid": "s1",
        "Effect": "Allow",
        "Action": "lambda:InvokeFunction",
        "Resource": format!("arn:aws:lambda:us-east-1:{ACCT}:function:orders"),
    });
    for (k, v) in extra.as_object().unwrap() {
        s[k] = v.clone();
    }
    s
}

fn policy(statements: Vec<Value>) -> Value {
    json!({"Version": "2012-10-17", "Statement": statements})
}

fn evidence(f: &Finding) -> String {
    f.evidence
        .iter()
        .map(|e| format!("{}={}", e.field, e.value))
        .collect::<Vec<_>>()
        .join("\n")
}

// ─── catalogue ───

/// `{word}` placeholders left in a filled template.
fn unfilled(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(i) = rest.find('{') {
        rest = &rest[i + 1..];
        if let Some(j) = rest.find('}') {
            let inner = &rest[..j];
            if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                out.push(inner.to_string());
            }
        }
    }
    out
}

#[test]
fn every_remediation_is_fully_filled_for_every_status() {
    let mut bad = func("bad-fn");
    bad.env = BTreeMap::from([("K".into(), format!("AKIA{}", "IOSFODNN7EXAMPLE"))]);
    bad.layers = vec![format!("arn:aws:lambda:us-east-1:{OTHER}:layer:shared:3")];
    bad.runtime = Some("python3.8".into());
    bad.url = Ok(Some(FunctionUrl {
        url: "https://abc.lambda-url.us-east-1.on.aws/".into(),
        auth_type: "NONE".into(),
        cors_allow_origins: vec!["*".into()],
        cors_allow_credentials: true,
    }));
    let bad = with_policy(
        bad,
        policy(vec![
            stmt(json!({"Principal": "*"})),
            stmt(json!({"Sid": "x", "Principal": {"AWS": OTHER}})),
            stmt(json!({"Sid": "sns", "Principal": {"Service": "sns.amazonaws.com"}})),
        ]),
    );
    let good = func("good-fn");
    let mut inventory = inv(vec![bad, good]);
    inventory.roles.insert(
        ROLE.into(),
        Ok(Role {
            arn: ROLE.into(),
            name: "orders-role".into(),
            policies: vec![RolePolicy {
                name: "AdministratorAccess".into(),
                arn: Some("arn:aws:iam::aws:policy/AdministratorAccess".into()),
                document: Ok(
                    json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})
                        .to_string(),
                ),
            }],
        })
        .into(),
    );
    for c in CHECKS {
        for f in run_with(c.id, &inventory, &ctx()) {
            let r = f.remediation();
            let all = format!("{}\n{}\n{}", r.console.join("\n"), r.cli, r.terraform);
            assert!(
                unfilled(&all).is_empty(),
                "{} {}: {:?}",
                c.id,
                f.resource_name,
                unfilled(&all)
            );
            assert!(
                !all.contains("IOSFODNN7EXAMPLE"),
                "{}: secret leaked into remediation",
                c.id
            );
        }
    }
}

// ─── lambda.public-resource-policy ───

const PUBLIC: &str = "lambda.public-resource-policy";

#[test]
fn public_policy_no_policy_passes() {
    assert_eq!(one(PUBLIC, func("orders")).status, Status::Pass);
}

#[test]
fn public_policy_star_principal_shapes_fail() {
    for principal in [
        json!("*"),
        json!({"AWS": "*"}),
        json!({"AWS": ["*"]}),
        json!(["*"]),
    ] {
        let f = with_policy(
            func("orders"),
            policy(vec![stmt(json!({"Principal": principal}))]),
        );
        let finding = one(PUBLIC, f);
        assert_eq!(finding.status, Status::Fail, "{principal}");
        assert!(
            finding.remediation().cli.contains("--statement-id s1"),
            "{}",
            finding.remediation().cli
        );
        assert!(finding.remediation().cli.contains("--function-name orders"));
        let ev = evidence(&finding);
        assert!(ev.contains("Statement s1 Principal=*"), "{ev}");
        assert!(
            ev.contains("Statement s1 Action=lambda:InvokeFunction"),
            "{ev}"
        );
        assert!(ev.contains("Statement s1 Condition=none"), "{ev}");
    }
}

#[test]
fn public_policy_not_principal_fails() {
    let f = with_policy(
        func("orders"),
        policy(vec![stmt(
            json!({"NotPrincipal": {"AWS": format!("arn:aws:iam::{ACCT}:root")}}),
        )]),
    );
    assert_eq!(one(PUBLIC, f).status, Status::Fail);
}

#[test]
fn public_policy_restricting_conditions_pass() {
    for cond in [
        json!({"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::orders-bucket"}}),
        json!({"StringEquals": {"aws:SourceAccount": ACCT}}),
        json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}),
        json!({"StringEquals": {"lambda:EventSourceToken": "tok-123"}}),
        json!({"StringEquals": {"aws:SourceOwner": ACCT}}),
        json!({"StringEquals": {"aws:PrincipalAccount": ACCT}}),
    ] {
        let f = with_policy(
            func("orders"),
            policy(vec![stmt(json!({"Principal": "*", "Condition": cond}))]),
        );
        assert_eq!(one(PUBLIC, f).status, Status::Pass, "{cond}");
    }
}

#[test]
fn public_policy_conditions_that_do_not_restrict_fail() {
    for cond in [
        json!({"StringNotEquals": {"aws:SourceAccount": OTHER}}),
        json!({"ArnLike": {"aws:SourceArn": "*"}}),
        json!({"StringEqualsIfExists": {"aws:SourceAccount": ACCT}}),
        json!({"Null": {"aws:SourceArn": "false"}}),
        json!({"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}),
        json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}),
        json!({"ArnLike": {"aws:SourceArn": "arn:aws:execute-api:*:*:*"}}),
        json!({"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
    ] {
        let f = with_policy(
            func("orders"),
            policy(vec![stmt(json!({"Principal": "*", "Condition": cond}))]),
        );
        assert_eq!(one(PUBLIC, f).status, Status::Fail, "{cond}");
    }
}

#[test]
fn public_policy_function_url_auth_type_as_statement_key_fails() {
    // moto puts FunctionUrlAuthType beside Action instead of in a Condition.
    let f = with_policy(
        func("orders"),
        policy(vec![stmt(json!({
            "Principal": "*",
            "Action": "lambda:InvokeFunctionUrl",
            "FunctionUrlAuthType": "NONE"
        }))]),
    );
    let finding = one(PUBLIC, f);
    assert_eq!(finding.status, Status::Fail);
    assert!(
        evidence(&finding).contains("FunctionUrlAuthType = NONE"),
        "{}",
        evidence(&finding)
    );
}

#[test]
fn public_policy_actions_and_not_actions() {
    let cases = [
        (json!({"Action": "lambda:*"}), Status::Fail),
        (json!({"Action": "*"}), Status::Fail),
        (json!({"Action": ["lambda:Invoke*"]}), Status::Fail),
        (json!({"Action": "LAMBDA:invokefunction"}), Status::Fail),
        (json!({"Action": "lambda:InvokeAsync"}), Status::Fail),
        (json!({"Action": "lambda:GetFunction"}), Status::Pass),
        (json!({"NotAction": "lambda:GetPolicy"}), Status::Fail),
        (json!({"NotAction": ["lambda:*"]}), Status::Pass),
    ];
    for (extra, want) in cases {
        let mut s = stmt(json!({"Principal": "*"}));
        s.as_object_mut().unwrap().remove("Action");
        for (k, v) in extra.as_object().unwrap() {
            s[k] = v.clone();
        }
        let f = with_policy(func("orders"), policy(vec![s]));
        assert_eq!(one(PUBLIC, f).status, want, "{extra}");
    }
}

#[test]
fn public_policy_service_principal_and_deny_pass() {
    let f = with_policy(
        func("orders"),
        policy(vec![
            stmt(json!({"Principal": {"Service": "secretsmanager.amazonaws.com"}})),
            stmt(json!({"Sid": "deny", "Effect": "Deny", "Principal": "*"})),
        ]),
    );
    assert_eq!(one(PUBLIC, f).status, Status::Pass);
}

#[test]
fn public_policy_json_encoded_string_and_single_statement_object() {
    let doc = json!({"Version": "2012-10-17", "Statement": stmt(json!({"Principal": "*"}))});
    let mut f = func("orders");
    // GetPolicy returns the policy as a string; some layers encode it once more.
    f.policy = Ok(Some(Value::String(doc.to_string()).to_string()));
    assert_eq!(one(PUBLIC, f).status, Status::Fail);
}

#[test]
fn public_policy_unknown_on_error_or_garbage() {
    let mut f = func("orders");
    f.policy = Err("AccessDenied: missing lambda:GetPolicy".into());
    let finding = one(PUBLIC, f);
    assert_eq!(finding.status, Status::Unknown);
    assert!(finding.message.contains("lambda:GetPolicy"));
    let mut f = func("orders");
    f.policy = Ok(Some("{not json".into()));
    assert_eq!(one(PUBLIC, f).status, Status::Unknown);
    let mut f = func("orders");
    f.policy = Ok(Some(json!({"Statement": [{"Action": "x"}]}).to_string()));
    assert_eq!(
        one(PUBLIC, f).status,
        Status::Unknown,
        "statement without Effect"
    );
}

#[test]
fn public_policy_names_every_public_statement() {
    let f = with_policy(
        func("orders"),
        policy(vec![
            stmt(json!({"Sid": "a", "Principal": "*"})),
            stmt(
                json!({"Sid": "b", "Principal": {"AWS": "*"}, "Action": "lambda:InvokeFunctionUrl"}),
            ),
        ]),
    );
    let finding = one(PUBLIC, f);
    assert_eq!(finding.status, Status::Fail);
    assert!(finding.message.contains("a, b"), "{}", finding.message);
    assert!(finding.remediation().cli.contains("--statement-id a"));
}

// ─── function URL ───

fn with_url(auth: &str, origins: &[&str]) -> Function {
    let mut f = func("orders");
    f.url = Ok(Some(FunctionUrl {
        url: "https://abc.lambda-url.us-east-1.on.aws/".into(),
        auth_type: auth.into(),
        cors_allow_origins: origins.iter().map(|s| s.to_string()).collect(),
        cors_allow_credentials: false,
    }));
    f
}

#[test]
fn function_url_auth() {
    const ID: &str = "lambda.function-url-no-auth";
    assert_eq!(one(ID, with_url("NONE", &[])).status, Status::Fail);
    assert_eq!(one(ID, with_url("none", &[])).status, Status::Fail);
    assert_eq!(one(ID, with_url("AWS_IAM", &[])).status, Status::Pass);
    // An auth type Parapet does not know (or a missing one) decides nothing.
    for odd in ["", "CUSTOM"] {
        let f = one(ID, with_url(odd, &[]));
        assert_eq!(f.status, Status::Unknown, "{odd:?}");
        assert!(
            f.message.contains("neither AWS_IAM nor NONE"),
            "{}",
            f.message
        );
    }
    assert_eq!(one(ID, func("orders")).status, Status::NotApplicable);
    let mut f = func("orders");
    f.url = Err("AccessDenied".into());
    assert_eq!(one(ID, f).status, Status::Unknown);
    let fail = one(ID, with_url("NONE", &[]));
    assert!(fail.remediation().cli.contains("--auth-type AWS_IAM"));
    assert!(fail.remediation().cli.contains("--region us-east-1"));
}

#[test]
fn function_url_cors() {
    const ID: &str = "lambda.function-url-cors-wildcard";
    assert_eq!(
        one(ID, with_url("AWS_IAM", &["https://a.example", "*"])).status,
        Status::Fail
    );
    assert_eq!(
        one(ID, with_url("AWS_IAM", &["https://a.example"])).status,
        Status::Pass
    );
    assert_eq!(one(ID, with_url("AWS_IAM", &[])).status, Status::Pass);
    assert_eq!(one(ID, func("orders")).status, Status::NotApplicable);
    let mut f = func("orders");
    f.url = Err("throttled".into());
    assert_eq!(one(ID, f).status, Status::Unknown);
}

// ─── lambda.cross-account-invoke ───

const XACCT: &str = "lambda.cross-account-invoke";

#[test]
fn cross_account_principal_shapes_fail() {
    for principal in [
        json!(OTHER),
        json!({"AWS": OTHER}),
        json!({"AWS": format!("arn:aws:iam::{OTHER}:root")}),
        json!({"AWS": [format!("arn:aws:iam::{ACCT}:root"), format!("arn:aws:iam::{OTHER}:role/caller")]}),
    ] {
        let f = with_policy(
            func("orders"),
            policy(vec![stmt(json!({"Sid": "x", "Principal": principal}))]),
        );
        let finding = one(XACCT, f);
        assert_eq!(finding.status, Status::Fail, "{principal}");
        assert!(finding.message.contains(OTHER));
        assert!(finding.remediation().cli.contains("--statement-id x"));
        assert!(finding.remediation().console.join(" ").contains(OTHER));
    }
}

#[test]
fn cross_account_own_trusted_and_service_pass() {
    let own = with_policy(
        func("orders"),
        policy(vec![stmt(json!({"Principal": {"AWS": ACCT}}))]),
    );
    assert_eq!(one(XACCT, own).status, Status::Pass);
    let svc = with_policy(
        func("orders"),
        policy(vec![stmt(json!({
            "Principal": {"Service": "s3.amazonaws.com"},
            "Condition": {"StringEquals": {"AWS:SourceAccount": ACCT}}
        }))]),
    );
    assert_eq!(one(XACCT, svc).status, Status::Pass);
    assert_eq!(one(XACCT, func("orders")).status, Status::Pass);

    let other = with_policy(
        func("orders"),
        policy(vec![stmt(json!({"Principal": OTHER}))]),
    );
    let mut c = ctx();
    c.trusted_accounts = vec![OTHER.into()];
    let findings = run_with(XACCT, &inv(vec![other]), &c);
    assert_eq!(findings[0].status, Status::Pass);
}

#[test]
fn cross_account_service_pinned_to_other_account_fails() {
    let f = with_policy(
        func("orders"),
        policy(vec![stmt(json!({
            "Principal": {"Service": "sns.amazonaws.com"},
            "Condition": {"ArnLike": {"aws:SourceArn": format!("arn:aws:sns:us-east-1:{OTHER}:topic")}}
        }))]),
    );
    assert_eq!(one(XACCT, f).status, Status::Fail);
}

#[test]
fn cross_account_ignores_non_invoke_and_deny() {
    let f = with_policy(
        func("orders"),
        policy(vec![
            stmt(json!({"Principal": OTHER, "Action": "lambda:GetFunction"})),
            stmt(json!({"Sid": "d", "Principal": OTHER, "Effect": "Deny"})),
        ]),
    );
    assert_eq!(one(XACCT, f).status, Status::Pass);
    let mut f = func("orders");
    f.policy = Err("AccessDenied".into());
    assert_eq!(one(XACCT, f).status, Status::Unknown);
}

// ─── lambda.secrets-in-env ───

#[test]
fn secrets_in_env_fails_without_revealing_the_value() {
    const ID: &str = "lambda.secrets-in-env";
    let secret = format!("sk_live_{}", "4eC39HqLyjWDarjtT1zdp7dc");
    let mut f = func("payments");
    f.env = BTreeMap::from([
        ("STRIPE_KEY".into(), secret.clone()),
        ("TABLE".into(), "orders".into()),
        (
            "DB_SECRET_ARN".into(),
            format!("arn:aws:secretsmanager:us-east-1:{ACCT}:secret:db-AbCdEf"),
        ),
    ]);
    let finding = one(ID, f);
    assert_eq!(finding.status, Status::Fail);
    assert!(
        finding.message.contains("STRIPE_KEY"),
        "{}",
        finding.message
    );
    assert!(finding.message.contains("stripe-live-key"));
    assert!(finding.message.contains("sk_l****"));
    let everything = format!("{finding:?}");
    assert!(!everything.contains(&secret), "the value leaked");
    assert!(!everything.contains("4eC39Hq"), "part of the value leaked");
    assert!(finding.remediation().cli.contains("STRIPE_KEY"));
}

#[test]
fn secrets_in_env_pass_and_not_applicable() {
    const ID: &str = "lambda.secrets-in-env";
    let mut f = func("orders");
    f.env = BTreeMap::from([
        ("TABLE".into(), "orders".into()),
        ("STAGE".into(), "prod".into()),
    ]);
    assert_eq!(one(ID, f).status, Status::Pass);
    assert_eq!(one(ID, func("orders")).status, Status::NotApplicable);
}

// ─── lambda.env-not-encrypted-cmk ───

#[test]
fn env_cmk() {
    const ID: &str = "lambda.env-not-encrypted-cmk";
    assert_eq!(one(ID, func("orders")).status, Status::NotApplicable);
    let mut f = func("orders");
    f.env = BTreeMap::from([("TABLE".into(), "orders".into())]);
    assert_eq!(one(ID, f.clone()).status, Status::Fail);
    f.kms_key_arn = Some(String::new());
    assert_eq!(
        one(ID, f.clone()).status,
        Status::Fail,
        "empty KMSKeyArn is no key"
    );
    let cmk = format!("arn:aws:kms:us-east-1:{ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab");
    f.kms_key_arn = Some(cmk.clone());
    assert_eq!(one(ID, f.clone()).status, Status::Pass);
    // The ARN of the AWS managed key, as the inventory describes it.
    let mut inventory = inv(vec![f]);
    inventory.keys.push(
        Key {
            reference: cmk.clone(),
            region: "us-east-1".into(),
            details: Ok(KeyDetails {
                arn: cmk,
                manager: Some("AWS".into()),
                aliases: vec!["alias/aws/lambda".into()],
                ..Default::default()
            }),
        }
        .into(),
    );
    assert_eq!(one_in(ID, &inventory).status, Status::Fail);
}

// ─── lambda.deprecated-runtime ───

const RUNTIME: &str = "lambda.deprecated-runtime";

fn with_runtime(rt: Option<&str>, package: Option<&str>) -> Function {
    let mut f = func("orders");
    f.runtime = rt.map(str::to_string);
    f.package_type = package.map(Into::into);
    f
}

#[test]
fn deprecated_runtime_is_high() {
    let finding = one(RUNTIME, with_runtime(Some("python3.8"), Some("Zip")));
    assert_eq!(finding.status, Status::Fail);
    assert_eq!(finding.severity, Severity::High);
    assert!(
        finding.message.contains("2024-10-14"),
        "{}",
        finding.message
    );
    assert!(
        finding.remediation().cli.contains("--runtime python3.14"),
        "{}",
        finding.remediation().cli
    );
    let java8 = one(RUNTIME, with_runtime(Some("java8"), Some("Zip")));
    assert_eq!(java8.status, Status::Fail);
    assert_eq!(
        one(RUNTIME, with_runtime(Some("java8.al2"), Some("Zip"))).status,
        Status::Pass
    );
}

#[test]
fn runtime_deprecating_within_ninety_days_is_medium() {
    // ruby3.2 is deprecated on 2026-03-31, 75 days after the test clock.
    let finding = one(RUNTIME, with_runtime(Some("ruby3.2"), Some("Zip")));
    assert_eq!(finding.status, Status::Fail);
    assert_eq!(finding.severity, Severity::Medium);
    assert!(finding.message.contains("75 days"), "{}", finding.message);
}

#[test]
fn runtime_pass_na_unknown() {
    assert_eq!(
        one(RUNTIME, with_runtime(Some("python3.13"), Some("Zip"))).status,
        Status::Pass
    );
    assert_eq!(
        one(RUNTIME, with_runtime(None, Some("Image"))).status,
        Status::NotApplicable
    );
    assert_eq!(
        one(RUNTIME, with_runtime(Some("python3.8"), Some("Image"))).status,
        Status::NotApplicable
    );
    // Neither field reported: nothing to decide on.
    assert_eq!(
        one(RUNTIME, with_runtime(None, None)).status,
        Status::Unknown
    );
    assert_eq!(
        one(RUNTIME, with_runtime(None, Some("Zip"))).status,
        Status::Unknown
    );
    assert_eq!(
        one(RUNTIME, with_runtime(Some("cobol85"), Some("Zip"))).status,
        Status::Unknown
    );
}

// ─── lambda.cross-account-layer ───

#[test]
fn layers() {
    const ID: &str = "lambda.cross-account-layer";
    assert_eq!(one(ID, func("orders")).status, Status::NotApplicable);
    let mut f = func("orders");
    f.layers = vec![format!("arn:aws:lambda:us-east-1:{ACCT}:layer:common:4")];
    assert_eq!(one(ID, f.clone()).status, Status::Pass);
    f.layers
        .push(format!("arn:aws:lambda:us-east-1:{OTHER}:layer:tracing:12"));
    let finding = one(ID, f.clone());
    assert_eq!(finding.status, Status::Fail);
    assert!(finding.message.contains(OTHER));
    assert!(
        finding.remediation().cli.contains("--layer-name tracing"),
        "{}",
        finding.remediation().cli
    );
    let mut c = ctx();
    c.trusted_accounts = vec![OTHER.into()];
    assert_eq!(run_with(ID, &inv(vec![f]), &c)[0].status, Status::Pass);
    let mut g = func("orders");
    g.layers = vec!["not-an-arn".into()];
    assert_eq!(one(ID, g).status, Status::Unknown);
}

// ─── lambda.no-vpc / lambda.no-tracing ───

#[test]
fn vpc_and_tracing() {
    assert_eq!(one("lambda.no-vpc", func("orders")).status, Status::Fail);
    let mut f = func("orders");
    f.vpc_subnet_ids = vec!["subnet-1".into()];
    assert_eq!(one("lambda.no-vpc", f).status, Status::Pass);

    assert_eq!(
        one("lambda.no-tracing", func("orders")).status,
        Status::Fail
    );
    for (mode, want) in [
        ("Active", Status::Pass),
        ("active", Status::Pass),
        ("PassThrough", Status::Fail),
    ] {
        let mut f = func("orders");
        f.tracing_mode = Some(mode.into());
        assert_eq!(one("lambda.no-tracing", f).status, want, "{mode}");
    }
}

// ─── lambda.no-failure-destination ───

const DLQ: &str = "lambda.no-failure-destination";

fn sns_invoked() -> Function {
    with_policy(
        func("notify"),
        policy(vec![stmt(json!({
            "Principal": {"Service": "sns.amazonaws.com"},
            "Condition": {"ArnLike": {"AWS:SourceArn": format!("arn:aws:sns:us-east-1:{ACCT}:orders")}}
        }))]),
    )
}

#[test]
fn async_function_without_destination_fails() {
    let finding = one(DLQ, sns_invoked());
    assert_eq!(finding.status, Status::Fail);
    assert!(evidence(&finding).contains("sns.amazonaws.com"));
    let mut f = sns_invoked();
    f.event_invoke = Ok(Some(EventInvokeConfig {
        maximum_retry_attempts: Some(0),
        ..Default::default()
    }));
    assert_eq!(one(DLQ, f).status, Status::Fail, "config without OnFailure");
}

#[test]
fn async_function_with_dlq_or_on_failure_passes() {
    let mut f = sns_invoked();
    f.dead_letter_target = Some(format!("arn:aws:sqs:us-east-1:{ACCT}:dlq"));
    assert_eq!(one(DLQ, f).status, Status::Pass);
    let mut f = sns_invoked();
    f.event_invoke = Ok(Some(EventInvokeConfig {
        on_failure_destination: Some(format!("arn:aws:sqs:us-east-1:{ACCT}:failures")),
        ..Default::default()
    }));
    assert_eq!(one(DLQ, f).status, Status::Pass);
    // Without an async grant, an event invoke config (read only when the policy could not be)
    // marks the function as asynchronously invoked.
    let mut f = func("worker");
    f.policy = Err("AccessDenied".into());
    f.event_invoke = Ok(Some(EventInvokeConfig {
        on_failure_destination: Some(format!("arn:aws:sqs:us-east-1:{ACCT}:failures")),
        ..Default::default()
    }));
    assert_eq!(one(DLQ, f).status, Status::Pass);
}

#[test]
fn event_invoke_config_is_read_only_where_it_can_change_the_verdict() {
    use crate::domain::iam::reads_event_invoke;
    let sns = sns_invoked();
    assert!(reads_event_invoke(&sns.policy, None), "async grant, no DLQ");
    assert!(
        !reads_event_invoke(&sns.policy, Some("arn:aws:sqs:us-east-1:1:dlq")),
        "a DLQ already decides"
    );
    assert!(
        !reads_event_invoke(&Ok(None), None),
        "no policy: nothing invokes it asynchronously"
    );
    assert!(!reads_event_invoke(&func("api").policy, None));
    assert!(
        reads_event_invoke(&Err("AccessDenied".into()), None),
        "cannot tell"
    );
    assert!(
        reads_event_invoke(&Ok(Some("{not json".into())), None),
        "cannot tell"
    );
    // What the poller skips never mattered: with a config present but unread, the verdict is
    // the same.
    for mut f in [func("api"), {
        let mut f = sns_invoked();
        f.dead_letter_target = Some(format!("arn:aws:sqs:us-east-1:{ACCT}:dlq"));
        f
    }] {
        assert!(!reads_event_invoke(
            &f.policy,
            f.dead_letter_target.as_deref()
        ));
        let unread = one(DLQ, f.clone()).status;
        f.event_invoke = Ok(Some(EventInvokeConfig {
            maximum_retry_attempts: Some(0),
            ..Default::default()
        }));
        assert_eq!(one(DLQ, f).status, unread);
    }
}

#[test]
fn sync_function_not_applicable_and_errors_unknown() {
    assert_eq!(one(DLQ, func("api")).status, Status::NotApplicable);
    let api_gw = with_policy(
        func("api"),
        policy(vec![stmt(
            json!({"Principal": {"Service": "apigateway.amazonaws.com"}}),
        )]),
    );
    assert_eq!(one(DLQ, api_gw).status, Status::NotApplicable);
    let mut f = func("api");
    f.policy = Err("AccessDenied".into());
    assert_eq!(one(DLQ, f).status, Status::Unknown);
    // The config is not read for a function nothing invokes asynchronously.
    let mut f = func("api");
    f.event_invoke = Err("AccessDenied".into());
    assert_eq!(one(DLQ, f).status, Status::NotApplicable);
    // Known async invoker, but the event invoke config could not be read and there is no DLQ.
    let mut f = sns_invoked();
    f.event_invoke = Err("AccessDenied".into());
    assert_eq!(one(DLQ, f).status, Status::Unknown);
}

// ─── roles ───

fn role_with(policies: Vec<RolePolicy>) -> Inventory {
    let mut inventory = inv(vec![func("orders")]);
    inventory.roles.insert(
        ROLE.into(),
        Ok(Role {
            arn: ROLE.into(),
            name: "orders-role".into(),
            policies,
        })
        .into(),
    );
    inventory
}

fn inline(name: &str, doc: Value) -> RolePolicy {
    RolePolicy {
        name: name.into(),
        arn: None,
        document: Ok(doc.to_string()),
    }
}

fn allow(action: Value, resource: Value) -> Value {
    json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})
}

const ADMIN: &str = "lambda.admin-execution-role";
const OVER: &str = "lambda.overprivileged-role";

#[test]
fn administrator_access_by_arn_fails_even_unread() {
    let inventory = role_with(vec![RolePolicy {
        name: "AdministratorAccess".into(),
        arn: Some("arn:aws:iam::aws:policy/AdministratorAccess".into()),
        document: Err("AccessDenied: iam:GetPolicyVersion".into()),
    }]);
    let finding = one_in(ADMIN, &inventory);
    assert_eq!(finding.status, Status::Fail);
    assert!(
        finding
            .remediation()
            .cli
            .contains("--role-name orders-role")
    );
    assert_eq!(
        finding.message.matches("AdministratorAccess").count(),
        1,
        "{}",
        finding.message
    );
    // What AdministratorAccess grants is known without its document.
    assert_eq!(one_in(OVER, &inventory).status, Status::Fail);
    let Some(Ok(role)) = inventory.role(ROLE) else {
        panic!("role present")
    };
    let p = role_privileges(role);
    assert!(p.unreadable.is_empty());
    assert_eq!(p.can_read_secrets, ["*"]);
}

#[test]
fn star_on_star_inline_fails() {
    let inventory = role_with(vec![inline("everything", allow(json!("*"), json!(["*"])))]);
    assert_eq!(one_in(ADMIN, &inventory).status, Status::Fail);
    assert_eq!(one_in(OVER, &inventory).status, Status::Fail);
}

#[test]
fn scoped_role_passes_both() {
    let inventory = role_with(vec![inline(
        "table",
        allow(
            json!(["dynamodb:GetItem", "dynamodb:PutItem"]),
            json!(format!("arn:aws:dynamodb:us-east-1:{ACCT}:table/orders")),
        ),
    )]);
    assert_eq!(one_in(ADMIN, &inventory).status, Status::Pass);
    assert_eq!(one_in(OVER, &inventory).status, Status::Pass);
}

#[test]
fn role_missing_or_unreadable_is_unknown() {
    let missing = inv(vec![func("orders")]);
    assert_eq!(one_in(ADMIN, &missing).status, Status::Unknown);
    assert_eq!(one_in(OVER, &missing).status, Status::Unknown);
    let mut errored = inv(vec![func("orders")]);
    errored
        .roles
        .insert(ROLE.into(), Err("AccessDenied: iam:GetRole".into()).into());
    let finding = one_in(ADMIN, &errored);
    assert_eq!(finding.status, Status::Unknown);
    assert!(finding.message.contains("iam:GetRole"));
    let partly = role_with(vec![
        inline("table", allow(json!("dynamodb:GetItem"), json!("*"))),
        RolePolicy {
            name: "other".into(),
            arn: None,
            document: Err("AccessDenied".into()),
        },
    ]);
    assert_eq!(one_in(ADMIN, &partly).status, Status::Unknown);
    assert_eq!(one_in(OVER, &partly).status, Status::Unknown);
    let mut no_role = func("orders");
    no_role.role_arn = String::new();
    assert_eq!(one(ADMIN, no_role).status, Status::Unknown);
}

#[test]
fn overprivileged_grants() {
    let cases = [
        (
            allow(json!("s3:*"), json!(format!("arn:aws:s3:::orders/*"))),
            Status::Fail,
        ),
        (allow(json!("SecretsManager:*"), json!("*")), Status::Fail),
        (allow(json!("iam:PassRole"), json!("*")), Status::Fail),
        (allow(json!("kms:Decrypt"), json!("*")), Status::Fail),
        (
            allow(json!("secretsmanager:GetSecretValue"), json!("*")),
            Status::Fail,
        ),
        (
            allow(json!("secretsmanager:Get*"), json!("*")),
            Status::Fail,
        ),
        (
            allow(
                json!("secretsmanager:GetSecretValue"),
                json!(format!(
                    "arn:aws:secretsmanager:us-east-1:{ACCT}:secret:orders-AbCdEf"
                )),
            ),
            Status::Pass,
        ),
        (
            allow(
                json!("kms:Decrypt"),
                json!(format!("arn:aws:kms:us-east-1:{ACCT}:key/k")),
            ),
            Status::Pass,
        ),
        (allow(json!("s3:GetObject"), json!("*")), Status::Pass),
        (
            json!({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}),
            Status::Fail,
        ),
        (
            json!({"Statement": [
                {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
                {"Effect": "Deny", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}
            ]}),
            Status::Pass,
        ),
    ];
    for (doc, want) in cases {
        let inventory = role_with(vec![inline("p", doc.clone())]);
        assert_eq!(one_in(OVER, &inventory).status, want, "{doc}");
        assert_eq!(
            one_in(ADMIN, &inventory).status,
            Status::Pass,
            "not admin: {doc}"
        );
    }
}

#[test]
fn url_encoded_documents_are_read() {
    let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
    let inventory = role_with(vec![RolePolicy {
        name: "managed".into(),
        arn: Some(format!("arn:aws:iam::{ACCT}:policy/managed")),
        document: Ok(encoded.into()),
    }]);
    let finding = one_in(OVER, &inventory);
    assert_eq!(finding.status, Status::Fail);
    assert!(finding.message.contains("iam:*"), "{}", finding.message);
}

#[test]
fn role_privileges_lists_readable_secrets() {
    let role = Role {
        arn: ROLE.into(),
        name: "orders-role".into(),
        policies: vec![
            inline(
                "secrets",
                allow(
                    json!("secretsmanager:GetSecretValue"),
                    json!([
                        format!("arn:aws:secretsmanager:us-east-1:{ACCT}:secret:prod/orders-*"),
                        format!("arn:aws:dynamodb:us-east-1:{ACCT}:table/orders")
                    ]),
                ),
            ),
            inline("logs", allow(json!("logs:PutLogEvents"), json!("*"))),
        ],
    };
    let p = role_privileges(&role);
    assert_eq!(
        p.can_read_secrets,
        [format!(
            "arn:aws:secretsmanager:us-east-1:{ACCT}:secret:prod/orders-*"
        )]
    );
    assert!(!p.is_admin() && !p.is_overprivileged());
    assert!(p.unreadable.is_empty());
}

// ─── lambda.unbounded-concurrency-public ───

const UNBOUNDED: &str = "lambda.unbounded-concurrency-public";

#[test]
fn public_url_without_reserved_concurrency_fails() {
    let finding = one(UNBOUNDED, with_url("NONE", &[]));
    assert_eq!(finding.status, Status::Fail);
    assert!(
        finding.message.contains("function URL"),
        "{}",
        finding.message
    );
    let f = with_url("NONE", &[]);
    let pass = with_concurrency(f.clone(), Ok(Some(20)));
    assert_eq!(one_in(UNBOUNDED, &pass).status, Status::Pass);
    let denied = with_concurrency(
        f.clone(),
        Err("AccessDenied: lambda:GetFunctionConcurrency".into()),
    );
    assert_eq!(one_in(UNBOUNDED, &denied).status, Status::Unknown);
    let mut not_collected = inv(vec![f]);
    not_collected.reserved_concurrency.clear();
    assert_eq!(one_in(UNBOUNDED, &not_collected).status, Status::Unknown);
}

#[test]
fn public_policy_or_rest_method_counts_as_reachable() {
    let f = with_policy(
        func("orders"),
        policy(vec![stmt(json!({"Principal": "*"}))]),
    );
    assert_eq!(one(UNBOUNDED, f).status, Status::Fail);

    let f = func("orders");
    let mut inventory = inv(vec![f.clone()]);
    inventory.rest_apis.push(RestApi {
        id: "a1".into(),
        name: "orders-api".into(),
        region: "us-east-1".into(),
        endpoint_type: "REGIONAL".into(),
        resources: Ok(vec![RestResource {
            id: "r1".into(),
            path: "/orders".into(),
            methods: vec![RestMethod {
                http_method: "POST".into(),
                authorization_type: "NONE".into(),
                integration_uri: Some(format!(
                    "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{}/invocations",
                    f.arn
                )),
                ..Default::default()
            }],
        }]),
        stages: Ok(vec![RestStage {
            name: "prod".into(),
            ..Default::default()
        }]),
        ..Default::default()
    }.into());
    let finding = one_in(UNBOUNDED, &inventory);
    assert_eq!(finding.status, Status::Fail);
    assert!(
        finding
            .message
            .contains("REST orders-api POST /orders (NONE)"),
        "{}",
        finding.message
    );
}

#[test]
fn unreachable_is_not_applicable_even_if_concurrency_unknown() {
    let f = with_concurrency(func("orders"), Err("AccessDenied".into()));
    assert_eq!(one_in(UNBOUNDED, &f).status, Status::NotApplicable);
    let f = with_url("AWS_IAM", &[]);
    assert_eq!(one(UNBOUNDED, f).status, Status::NotApplicable);
}

#[test]
fn unknown_reachability_is_unknown() {
    let mut f = func("orders");
    f.url = Err("AccessDenied: lambda:GetFunctionUrlConfig".into());
    let finding = one(UNBOUNDED, f);
    assert_eq!(finding.status, Status::Unknown);
    assert!(finding.message.contains("GetFunctionUrlConfig"));
}

// ───────────────────────────── aliases ─────────────────────────────

fn alias(name: &str, f: &Function) -> crate::domain::inventory::Alias {
    crate::domain::inventory::Alias {
        name: name.into(),
        arn: format!("{}:{name}", f.arn),
        url: Ok(None),
        policy: Ok(None),
    }
}

/// CHECKS.md: a URL or policy on an alias exposes the function as much as one on `$LATEST`;
/// the finding stays on the function and names the alias.
#[test]
fn a_public_alias_policy_or_open_alias_url_fails_the_function() {
    let mut f = func("orders");
    let mut live = alias("live", &f);
    live.policy = Ok(Some(
        json!({"Statement": [{"Sid": "open", "Effect": "Allow", "Principal": "*",
            "Action": "lambda:InvokeFunction"}]})
        .to_string(),
    ));
    live.url = Ok(Some(FunctionUrl {
        url: "https://live.lambda-url.us-east-1.on.aws/".into(),
        auth_type: "NONE".into(),
        cors_allow_origins: vec!["*".into()],
        cors_allow_credentials: false,
    }));
    f.aliases = Ok(vec![alias("blue", &f), live]);
    let inv = inv(vec![f]);

    let p = one_in("lambda.public-resource-policy", &inv);
    assert_eq!(p.status, Status::Fail);
    assert!(p.message.contains("alias live"), "{}", p.message);
    assert!(
        p.remediation()
            .cli
            .contains("--function-name orders --statement-id open --qualifier live"),
        "{}",
        p.remediation().cli
    );
    assert_eq!(p.evidence[0].field, "Alias");

    let u = one_in("lambda.function-url-no-auth", &inv);
    assert_eq!(u.status, Status::Fail);
    assert!(u.message.contains("of alias live"), "{}", u.message);
    assert_eq!(u.evidence[0].field, "FunctionUrl (alias live)");
    assert_eq!(
        one_in("lambda.function-url-cors-wildcard", &inv).status,
        Status::Fail
    );
}

#[test]
fn cross_account_grants_on_an_alias_count() {
    let mut f = func("orders");
    let mut live = alias("live", &f);
    live.policy = Ok(Some(
        json!({"Statement": [{"Sid": "partner", "Effect": "Allow",
            "Principal": {"AWS": format!("arn:aws:iam::{OTHER}:root")},
            "Action": "lambda:InvokeFunction"}]})
        .to_string(),
    ));
    f.aliases = Ok(vec![live]);
    let x = one_in("lambda.cross-account-invoke", &inv(vec![f]));
    assert_eq!(x.status, Status::Fail);
    assert!(x.message.contains("through alias live"), "{}", x.message);
    assert!(x.message.contains(OTHER));
}

#[test]
fn unreadable_aliases_make_a_pass_unknown_but_never_hide_a_failure() {
    // The aliases could not be listed: $LATEST passes, so the verdict is unknown.
    let mut f = func("orders");
    f.aliases = Err("AccessDenied: missing lambda:ListAliases".into());
    let inv1 = inv(vec![f.clone()]);
    let p = one_in("lambda.public-resource-policy", &inv1);
    assert_eq!(p.status, Status::Unknown);
    assert!(p.message.contains("lambda:ListAliases"), "{}", p.message);
    // One alias's policy could not be read.
    f.aliases = Ok(vec![crate::domain::inventory::Alias {
        policy: Err("Throttling: rate exceeded".into()),
        ..alias("live", &f)
    }]);
    let x = one_in("lambda.cross-account-invoke", &inv(vec![f.clone()]));
    assert_eq!(x.status, Status::Unknown);
    assert!(
        x.message.contains("alias live: Throttling"),
        "{}",
        x.message
    );
    // $LATEST itself fails: that stands whatever the aliases say.
    f.url = Ok(Some(FunctionUrl {
        url: "https://x.lambda-url.us-east-1.on.aws/".into(),
        auth_type: "NONE".into(),
        ..Default::default()
    }));
    f.aliases = Err("AccessDenied".into());
    assert_eq!(
        one_in("lambda.function-url-no-auth", &inv(vec![f])).status,
        Status::Fail
    );
}

#[test]
fn an_alias_url_behind_iam_makes_the_url_checks_decidable() {
    let mut f = func("orders");
    let mut live = alias("live", &f);
    live.url = Ok(Some(FunctionUrl {
        url: "https://live.lambda-url.us-east-1.on.aws/".into(),
        auth_type: "AWS_IAM".into(),
        cors_allow_origins: vec!["https://shop.example.com".into()],
        cors_allow_credentials: false,
    }));
    f.aliases = Ok(vec![live]);
    let inv = inv(vec![f]);
    // No URL on $LATEST (not applicable), one on the alias: decided by the alias.
    let u = one_in("lambda.function-url-no-auth", &inv);
    assert_eq!(u.status, Status::Pass);
    assert_eq!(u.evidence[0].field, "FunctionUrl (alias live)");
    assert_eq!(
        one_in("lambda.function-url-cors-wildcard", &inv).status,
        Status::Pass
    );
}
