use super::*;
use crate::domain::finding::Status;
use crate::domain::inventory::{Key, KeyDetails};
use std::sync::Arc;
use time::Duration;
use time::macros::datetime;

const ACCOUNT: &str = "111122223333";
const OTHER: &str = "999988887777";
const NOW: OffsetDateTime = datetime!(2025-06-01 12:00 UTC);

fn ctx() -> Context {
    Context::new(NOW)
}

fn days_ago(n: i64) -> Option<OffsetDateTime> {
    Some(NOW - Duration::days(n))
}

fn secret(name: &str) -> Secret {
    Secret {
        name: name.into(),
        arn: format!("arn:aws:secretsmanager:eu-west-1:{ACCOUNT}:secret:{name}-AbCdEf"),
        region: "eu-west-1".into(),
        kms_key_id: Some("alias/payments".into()),
        rotation_enabled: Some(true),
        rotation_lambda_arn: Some(format!(
            "arn:aws:lambda:eu-west-1:{ACCOUNT}:function:rotate-db"
        )),
        rotation_days: Some(30),
        created: days_ago(400),
        last_rotated: days_ago(10),
        last_accessed: days_ago(1),
        next_rotation: Some(NOW + Duration::days(20)),
        policy: Ok(None),
    }
}

fn key(aliases: &[&str], manager: Option<&str>) -> Key {
    Key {
        reference: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd".into(),
        region: "eu-west-1".into(),
        details: Ok(KeyDetails {
            arn: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd".into(),
            id: "1234abcd".into(),
            aliases: aliases.iter().map(|a| a.to_string()).collect(),
            manager: manager.map(Into::into),
            ..Default::default()
        }),
    }
}

fn inventory(secrets: Vec<Secret>, keys: Vec<Key>) -> Inventory {
    Inventory {
        account_id: ACCOUNT.into(),
        regions: vec!["eu-west-1".into()],
        secrets: secrets.into_iter().map(Arc::new).collect(),
        keys: keys.into_iter().map(Arc::new).collect(),
        ..Default::default()
    }
}

fn eval_with(id: &str, s: Secret, keys: Vec<Key>, ctx: &Context) -> Finding {
    let def = CHECKS.iter().find(|c| c.id == id).expect("check exists");
    let mut f = (def.evaluate)(def, &inventory(vec![s], keys), ctx);
    assert_eq!(f.len(), 1, "one finding per secret");
    f.remove(0)
}

fn eval(id: &str, s: Secret) -> Finding {
    eval_with(
        id,
        s,
        vec![key(&["alias/payments"], Some("CUSTOMER"))],
        &ctx(),
    )
}

fn with_policy(policy: &str) -> Secret {
    Secret {
        policy: Ok(Some(policy.to_string())),
        ..secret("db-password")
    }
}

// ── secrets.public-policy ──

#[test]
fn public_policy_pass_without_policy() {
    let f = eval("secrets.public-policy", secret("db"));
    assert_eq!(f.status, Status::Pass);
    assert_eq!(f.resource_name, "db");
    assert!(f.resource_id.starts_with("arn:aws:secretsmanager:"));
    let f = eval("secrets.public-policy", with_policy("  "));
    assert_eq!(f.status, Status::Pass, "empty policy string is no policy");
}

#[test]
fn public_policy_shapes() {
    let cases = [
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#,
            Status::Fail,
        ),
        (
            r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"secretsmanager:*"}}"#,
            Status::Fail,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":"secretsmanager:GetSecretValue"}]}"#,
            Status::Fail,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"secretsmanager:GetSecretValue"}]}"#,
            Status::Fail,
        ),
        // Unrelated condition: still public.
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}"#,
            Status::Fail,
        ),
        // Conditions that do not scope.
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}}]}"#,
            Status::Fail,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Condition":{"StringEqualsIfExists":{"aws:PrincipalOrgID":"o-abc123"}}}]}"#,
            Status::Fail,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Condition":{"StringLike":{"aws:PrincipalOrgID":"*"}}}]}"#,
            Status::Fail,
        ),
        // Scoped.
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]}"#,
            Status::Pass,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Condition":{"StringEquals":{"aws:principalaccount":["111122223333"]}}}]}"#,
            Status::Pass,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:lambda:eu-west-1:111122223333:function:*"}}}]}"#,
            Status::Pass,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}"#,
            Status::Pass,
        ),
        (
            r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"secretsmanager:*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
            Status::Pass,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"secretsmanager:GetSecretValue"}]}"#,
            Status::Pass,
        ),
        (r#"{"Version":"2012-10-17"}"#, Status::Pass),
        // Double-encoded, as some APIs return it.
        (
            r#""{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"secretsmanager:GetSecretValue\"}]}""#,
            Status::Fail,
        ),
    ];
    for (policy, status) in cases {
        assert_eq!(
            eval("secrets.public-policy", with_policy(policy)).status,
            status,
            "{policy}"
        );
    }
}

#[test]
fn public_policy_fail_has_filled_remediation() {
    let f = eval(
        "secrets.public-policy",
        with_policy(
            r#"{"Statement":[{"Sid":"Open","Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue"}]}"#,
        ),
    );
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.evidence[0].field, "Statement Open");
    assert!(f.remediation().cli.contains("--secret-id db-password"));
    assert!(
        f.remediation()
            .cli
            .contains("--block-public-policy --region eu-west-1")
    );
    assert!(f.remediation().terraform.contains("\"db_password\""));
    assert!(f.remediation().terraform.contains(f.resource_id.as_str()));
}

#[test]
fn public_policy_unknown() {
    let s = Secret {
        policy: Err("AccessDenied: secretsmanager:GetResourcePolicy".into()),
        ..secret("db")
    };
    let f = eval("secrets.public-policy", s);
    assert_eq!(f.status, Status::Unknown);
    assert!(f.message.contains("GetResourcePolicy"));
    let f = eval("secrets.public-policy", with_policy(r#"{"Statement":"#));
    assert_eq!(f.status, Status::Unknown);
    assert!(f.message.contains("resource policy"));
    let f = eval(
        "secrets.public-policy",
        with_policy(r#"{"Statement":[{"Principal":"*"}]}"#),
    );
    assert_eq!(f.status, Status::Unknown, "statement without Effect");
}

// ── secrets.cross-account-access ──

#[test]
fn cross_account_principal_shapes() {
    let cases = [
        (format!(r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OTHER}:root"}},"Action":"secretsmanager:GetSecretValue"}}]}}"#), Status::Fail),
        (format!(r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"{OTHER}"}},"Action":"secretsmanager:GetSecretValue"}}]}}"#), Status::Fail),
        (format!(r#"{{"Statement":[{{"Effect":"Allow","Principal":"{OTHER}","Action":"secretsmanager:GetSecretValue"}}]}}"#), Status::Fail),
        (format!(r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":["arn:aws:iam::{ACCOUNT}:role/app","arn:aws:iam::{OTHER}:role/reader"]}},"Action":"secretsmanager:GetSecretValue"}}]}}"#), Status::Fail),
        (format!(r#"{{"Statement":[{{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Condition":{{"StringEquals":{{"aws:PrincipalAccount":"{OTHER}"}}}}}}]}}"#), Status::Fail),
        (r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue"}]}"#.to_string(), Status::Fail),
        (format!(r#"{{"Statement":[{{"Effect":"Deny","Principal":{{"AWS":"arn:aws:iam::{OTHER}:root"}},"Action":"secretsmanager:*"}}]}}"#), Status::Pass),
        (format!(r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:role/app"}},"Action":"secretsmanager:GetSecretValue"}}]}}"#), Status::Pass),
        (r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"lambda.amazonaws.com"},"Action":"secretsmanager:GetSecretValue"}]}"#.to_string(), Status::Pass),
        (r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc123"}}}]}"#.to_string(), Status::Pass),
    ];
    for (policy, status) in cases {
        assert_eq!(
            eval("secrets.cross-account-access", with_policy(&policy)).status,
            status,
            "{policy}"
        );
    }
}

#[test]
fn cross_account_trusted_list() {
    let policy = format!(
        r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{OTHER}:role/reader"}},"Action":"secretsmanager:GetSecretValue"}}]}}"#
    );
    let f = eval("secrets.cross-account-access", with_policy(&policy));
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains(OTHER));
    assert!(f.evidence[0].value.contains("role/reader"));
    assert!(f.remediation().console.iter().any(|l| l.contains(OTHER)));
    let mut trusted = ctx();
    trusted.trusted_accounts = vec![OTHER.into()];
    let f = eval_with(
        "secrets.cross-account-access",
        with_policy(&policy),
        vec![],
        &trusted,
    );
    assert_eq!(f.status, Status::Pass);
}

#[test]
fn cross_account_unknown() {
    let s = Secret {
        policy: Err("Throttling".into()),
        ..secret("db")
    };
    assert_eq!(
        eval("secrets.cross-account-access", s).status,
        Status::Unknown
    );
    assert_eq!(
        eval("secrets.cross-account-access", with_policy("[1,2]")).status,
        Status::Unknown
    );
    assert_eq!(
        eval("secrets.cross-account-access", secret("db")).status,
        Status::Pass
    );
}

// ── secrets.rotation-disabled ──

#[test]
fn rotation_disabled() {
    assert_eq!(
        eval("secrets.rotation-disabled", secret("db")).status,
        Status::Pass
    );
    for flag in [Some(false), None] {
        let s = Secret {
            rotation_enabled: flag,
            rotation_lambda_arn: None,
            ..secret("api-key")
        };
        let f = eval("secrets.rotation-disabled", s);
        assert_eq!(f.status, Status::Fail, "{flag:?}");
        assert!(
            f.remediation()
                .cli
                .starts_with("aws secretsmanager rotate-secret --secret-id api-key")
        );
        assert!(f.remediation().cli.contains("<rotation-function-arn>"));
    }
    let f = eval(
        "secrets.rotation-disabled",
        Secret {
            rotation_enabled: Some(false),
            ..secret("db")
        },
    );
    assert!(
        f.remediation().terraform.contains(":function:rotate-db"),
        "known rotation function filled in"
    );
}

// ── secrets.not-rotated-recently ──

#[test]
fn not_rotated_recently() {
    assert_eq!(
        eval("secrets.not-rotated-recently", secret("db")).status,
        Status::Pass
    );
    let old = Secret {
        last_rotated: days_ago(120),
        ..secret("db")
    };
    let f = eval("secrets.not-rotated-recently", old);
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("120 days"));
    // Never rotated: CreatedDate decides.
    let young = Secret {
        last_rotated: None,
        created: days_ago(30),
        ..secret("db")
    };
    assert_eq!(
        eval("secrets.not-rotated-recently", young).status,
        Status::Pass
    );
    let never = Secret {
        last_rotated: None,
        created: days_ago(91),
        ..secret("db")
    };
    let f = eval("secrets.not-rotated-recently", never);
    assert_eq!(f.status, Status::Fail);
    assert!(f.evidence[0].field.contains("CreatedDate"));
    // Exactly at the limit still passes.
    let edge = Secret {
        last_rotated: days_ago(90),
        ..secret("db")
    };
    assert_eq!(
        eval("secrets.not-rotated-recently", edge).status,
        Status::Pass
    );
}

#[test]
fn not_rotated_recently_threshold_and_unknown() {
    let mut strict = ctx();
    strict.max_secret_age_days = 7;
    let f = eval_with(
        "secrets.not-rotated-recently",
        secret("db"),
        vec![],
        &strict,
    );
    assert_eq!(f.status, Status::Fail);
    let none = Secret {
        last_rotated: None,
        created: None,
        ..secret("db")
    };
    assert_eq!(
        eval("secrets.not-rotated-recently", none).status,
        Status::Unknown
    );
    let future = Secret {
        last_rotated: Some(NOW + Duration::days(2)),
        ..secret("db")
    };
    assert_eq!(
        eval("secrets.not-rotated-recently", future).status,
        Status::Pass,
        "clock skew"
    );
}

// ── secrets.rotation-overdue ──

#[test]
fn rotation_overdue() {
    assert_eq!(
        eval("secrets.rotation-overdue", secret("db")).status,
        Status::Pass
    );
    let overdue = Secret {
        next_rotation: days_ago(3),
        ..secret("db")
    };
    let f = eval("secrets.rotation-overdue", overdue);
    assert_eq!(f.status, Status::Fail);
    assert!(f.remediation().cli.contains("/aws/lambda/rotate-db"));
    let disabled = Secret {
        rotation_enabled: Some(false),
        next_rotation: days_ago(3),
        ..secret("db")
    };
    assert_eq!(
        eval("secrets.rotation-overdue", disabled).status,
        Status::NotApplicable
    );
    let unset = Secret {
        rotation_enabled: None,
        ..secret("db")
    };
    assert_eq!(
        eval("secrets.rotation-overdue", unset).status,
        Status::NotApplicable
    );
    let no_date = Secret {
        next_rotation: None,
        ..secret("db")
    };
    assert_eq!(
        eval("secrets.rotation-overdue", no_date).status,
        Status::Unknown
    );
}

#[test]
fn rotation_function_name_from_versioned_arn() {
    let s = Secret {
        next_rotation: days_ago(1),
        rotation_lambda_arn: Some(format!(
            "arn:aws:lambda:eu-west-1:{ACCOUNT}:function:rotator:live"
        )),
        ..secret("db")
    };
    let f = eval("secrets.rotation-overdue", s);
    assert!(
        f.remediation().cli.contains("/aws/lambda/rotator "),
        "{}",
        f.remediation().cli
    );
}

// ── secrets.unused ──

#[test]
fn unused() {
    assert_eq!(eval("secrets.unused", secret("db")).status, Status::Pass);
    let stale = Secret {
        last_accessed: days_ago(200),
        ..secret("db")
    };
    let f = eval("secrets.unused", stale);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.remediation()
            .cli
            .contains("delete-secret --secret-id db --recovery-window-in-days 30")
    );
    let old_never_read = Secret {
        last_accessed: None,
        created: days_ago(91),
        ..secret("db")
    };
    assert_eq!(eval("secrets.unused", old_never_read).status, Status::Fail);
    let young_never_read = Secret {
        last_accessed: None,
        created: days_ago(10),
        ..secret("db")
    };
    assert_eq!(
        eval("secrets.unused", young_never_read).status,
        Status::Unknown
    );
    let nothing = Secret {
        last_accessed: None,
        created: None,
        ..secret("db")
    };
    assert_eq!(eval("secrets.unused", nothing).status, Status::Unknown);
}

#[test]
fn unused_threshold_is_configurable() {
    let mut c = ctx();
    c.unused_secret_days = 30;
    let s = Secret {
        last_accessed: days_ago(45),
        ..secret("db")
    };
    assert_eq!(
        eval_with("secrets.unused", s.clone(), vec![], &c).status,
        Status::Fail
    );
    assert_eq!(eval("secrets.unused", s).status, Status::Pass);
}

// ── secrets.aws-managed-key ──

#[test]
fn aws_managed_key_references() {
    let cases: [(Option<&str>, Status); 6] = [
        (None, Status::Fail),
        (Some(""), Status::Fail),
        (Some("alias/aws/secretsmanager"), Status::Fail),
        (
            Some("arn:aws:kms:eu-west-1:111122223333:alias/aws/secretsmanager"),
            Status::Fail,
        ),
        (Some("alias/payments"), Status::Pass),
        (
            Some("arn:aws:kms:eu-west-1:111122223333:key/1234abcd"),
            Status::Pass,
        ),
    ];
    for (reference, status) in cases {
        let s = Secret {
            kms_key_id: reference.map(str::to_string),
            ..secret("db")
        };
        assert_eq!(
            eval("secrets.aws-managed-key", s).status,
            status,
            "{reference:?}"
        );
    }
}

#[test]
fn aws_managed_key_decided_by_key_details() {
    let by_arn = |k: Key| {
        let s = Secret {
            kms_key_id: Some("arn:aws:kms:eu-west-1:111122223333:key/1234abcd".into()),
            ..secret("db")
        };
        eval_with("secrets.aws-managed-key", s, vec![k], &ctx())
    };
    assert_eq!(by_arn(key(&[], Some("AWS"))).status, Status::Fail);
    // Emulators: CUSTOMER manager on the aws/ key.
    let f = by_arn(key(&["alias/aws/secretsmanager"], Some("CUSTOMER")));
    assert_eq!(f.status, Status::Fail);
    assert!(f.evidence.iter().any(|e| e.field == "Aliases"));
    assert_eq!(by_arn(key(&["alias/payments"], None)).status, Status::Pass);
    assert_eq!(by_arn(key(&[], Some("CUSTOMER"))).status, Status::Pass);
    assert_eq!(by_arn(key(&[], None)).status, Status::Unknown);
    let denied = Key {
        reference: "arn:aws:kms:eu-west-1:111122223333:key/1234abcd".into(),
        region: "eu-west-1".into(),
        details: Err("AccessDenied: kms:DescribeKey".into()),
    };
    let f = by_arn(denied);
    assert_eq!(f.status, Status::Unknown);
    assert!(f.message.contains("kms:DescribeKey"));
}

#[test]
fn aws_managed_key_unknown_when_key_not_collected() {
    let s = Secret {
        kms_key_id: Some("arn:aws:kms:eu-west-1:111122223333:key/other".into()),
        ..secret("db")
    };
    let f = eval_with("secrets.aws-managed-key", s, vec![], &ctx());
    assert_eq!(f.status, Status::Unknown);
    assert!(f.message.contains("key/other"));
}

#[test]
fn aws_managed_key_remediation_names_secret() {
    let s = Secret {
        kms_key_id: None,
        ..secret("prod/stripe")
    };
    let f = eval("secrets.aws-managed-key", s);
    assert!(
        f.remediation()
            .cli
            .contains("update-secret --secret-id prod/stripe")
    );
    assert!(
        f.remediation()
            .terraform
            .contains("aws_kms_key.prod_stripe.arn")
    );
    assert_eq!(f.severity, Severity::Low);
}

#[test]
fn every_check_emits_one_finding_per_secret() {
    let inv = inventory(
        vec![secret("a"), secret("b")],
        vec![key(&["alias/payments"], Some("CUSTOMER"))],
    );
    for def in CHECKS {
        let findings = (def.evaluate)(def, &inv, &ctx());
        assert_eq!(findings.len(), 2, "{}", def.id);
        assert!(
            findings.iter().all(|f| f.status == Status::Pass),
            "{}: {findings:#?}",
            def.id
        );
    }
}
