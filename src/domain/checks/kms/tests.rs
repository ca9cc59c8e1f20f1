use super::*;
use crate::domain::checks::count;
use crate::domain::finding::Status;
use crate::domain::inventory::{is_aws_alias, is_aws_managed};
use std::sync::Arc;
use time::macros::datetime;

const ACCOUNT: &str = "111122223333";

fn ctx() -> Context {
    Context::new(datetime!(2025-06-01 12:00 UTC))
}

fn details(id: &str) -> KeyDetails {
    KeyDetails {
        arn: format!("arn:aws:kms:eu-west-1:{ACCOUNT}:key/{id}"),
        id: id.to_string(),
        aliases: vec![format!("alias/{id}-alias")],
        manager: Some("CUSTOMER".into()),
        state: Some("Enabled".into()),
        spec: Some("SYMMETRIC_DEFAULT".into()),
        rotation_enabled: Ok(true),
        policy: Ok(format!(
            r#"{{"Statement":[{{"Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{ACCOUNT}:root"}},"Action":"kms:*","Resource":"*"}}]}}"#
        )),
    }
}

fn key(d: KeyDetails) -> Key {
    Key {
        reference: d.arn.clone(),
        region: "eu-west-1".into(),
        details: Ok(d),
    }
}

fn inv(keys: Vec<Key>) -> Inventory {
    Inventory {
        account_id: ACCOUNT.into(),
        regions: vec!["eu-west-1".into()],
        keys: keys.into_iter().map(Arc::new).collect(),
        ..Default::default()
    }
}

fn run(id: &str, keys: Vec<Key>) -> Vec<Finding> {
    let def = CHECKS.iter().find(|c| c.id == id).expect("check exists");
    (def.evaluate)(def, &inv(keys), &ctx())
}

fn only(id: &str, k: Key) -> Finding {
    let mut f = run(id, vec![k]);
    assert_eq!(f.len(), 1, "one finding per key");
    f.remove(0)
}

// ── is_aws_managed ──

#[test]
fn manager_decides_when_plausible() {
    let mut d = details("k1");
    assert_eq!(is_aws_managed(&d), Some(false));
    d.manager = Some("AWS".into());
    d.aliases = vec!["alias/aws/lambda".into()];
    assert_eq!(is_aws_managed(&d), Some(true));
    d.manager = Some("aws".into());
    d.aliases.clear();
    assert_eq!(
        is_aws_managed(&d),
        Some(true),
        "case-insensitive, no alias needed"
    );
}

#[test]
fn customer_manager_with_aws_alias_is_aws_managed() {
    let mut d = details("k1");
    d.aliases = vec!["alias/aws/secretsmanager".into()];
    assert_eq!(is_aws_managed(&d), Some(true));
}

#[test]
fn missing_or_odd_manager_falls_back_to_aliases() {
    let mut d = details("k1");
    d.manager = None;
    assert_eq!(is_aws_managed(&d), Some(false), "customer alias");
    d.aliases = vec!["alias/aws/lambda".into()];
    assert_eq!(is_aws_managed(&d), Some(true));
    d.manager = Some("SOMETHING".into());
    assert_eq!(is_aws_managed(&d), Some(true));
    d.aliases.clear();
    assert_eq!(is_aws_managed(&d), None, "nothing to decide from");
    d.manager = None;
    assert_eq!(is_aws_managed(&d), None);
}

#[test]
fn aws_alias_formats() {
    assert!(is_aws_alias("alias/aws/secretsmanager"));
    assert!(is_aws_alias(
        "arn:aws:kms:eu-west-1:111122223333:alias/aws/lambda"
    ));
    assert!(!is_aws_alias("alias/awsome-key"));
    assert!(!is_aws_alias("alias/payments"));
    assert!(!is_aws_alias(
        "arn:aws:kms:eu-west-1:111122223333:key/aws-looking-id"
    ));
    assert!(!is_aws_alias("1234abcd-12ab-34cd-56ef-1234567890ab"));
}

#[test]
fn reference_fallback_when_details_missing() {
    let k = Key {
        reference: "alias/aws/lambda".into(),
        region: "eu-west-1".into(),
        details: Err("AccessDenied".into()),
    };
    assert_eq!(key_is_aws_managed(&k), Some(true));
    let k = Key {
        reference: "alias/payments".into(),
        ..k
    };
    assert_eq!(key_is_aws_managed(&k), None);
}

// ── kms.rotation-disabled ──

#[test]
fn rotation_pass_and_fail() {
    let f = only("kms.rotation-disabled", key(details("k1")));
    assert_eq!(f.status, Status::Pass);
    let mut d = details("k2");
    d.rotation_enabled = Ok(false);
    let f = only("kms.rotation-disabled", key(d));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.resource_name, "k2-alias");
    assert_eq!(
        f.resource_id,
        format!("arn:aws:kms:eu-west-1:{ACCOUNT}:key/k2")
    );
    assert_eq!(
        f.remediation().cli,
        "aws kms enable-key-rotation --key-id k2 --region eu-west-1"
    );
    assert!(
        f.remediation()
            .terraform
            .contains("resource \"aws_kms_key\" \"k2_alias\"")
    );
    assert!(
        f.evidence
            .iter()
            .any(|e| e.field == "KeyRotationEnabled" && e.value == "false")
    );
}

#[test]
fn rotation_unknown_when_status_or_details_missing() {
    let mut d = details("k1");
    d.rotation_enabled = Err("AccessDenied: kms:GetKeyRotationStatus".into());
    let f = only("kms.rotation-disabled", key(d));
    assert_eq!(f.status, Status::Unknown);
    assert!(f.message.contains("kms:GetKeyRotationStatus"));

    let k = Key {
        reference: "alias/payments".into(),
        region: "eu-west-1".into(),
        details: Err("AccessDenied: kms:DescribeKey".into()),
    };
    let f = only("kms.rotation-disabled", k);
    assert_eq!(f.status, Status::Unknown);
    assert_eq!(f.resource_name, "alias/payments");

    let mut d = details("k3");
    d.manager = None;
    d.aliases.clear();
    d.rotation_enabled = Ok(false);
    assert_eq!(
        only("kms.rotation-disabled", key(d)).status,
        Status::Unknown
    );
}

#[test]
fn rotation_not_applicable_to_aws_managed_and_asymmetric() {
    let mut d = details("k1");
    d.aliases = vec!["alias/aws/lambda".into()];
    d.rotation_enabled = Ok(false); // emulators say CUSTOMER + rotation off for aws/ keys
    assert_eq!(
        only("kms.rotation-disabled", key(d)).status,
        Status::NotApplicable
    );

    let mut d = details("k2");
    d.spec = Some("RSA_2048".into());
    d.rotation_enabled = Ok(false);
    assert_eq!(
        only("kms.rotation-disabled", key(d)).status,
        Status::NotApplicable
    );

    let mut d = details("k3");
    d.spec = Some("HMAC_256".into());
    d.rotation_enabled = Err("UnsupportedOperationException".into());
    assert_eq!(
        only("kms.rotation-disabled", key(d)).status,
        Status::NotApplicable
    );
}

#[test]
fn rotation_missing_spec_is_treated_as_symmetric() {
    let mut d = details("k1");
    d.spec = None;
    d.rotation_enabled = Ok(false);
    assert_eq!(only("kms.rotation-disabled", key(d)).status, Status::Fail);
}

#[test]
fn display_name_is_alias_else_id() {
    let mut d = details("k1");
    d.aliases.clear();
    d.rotation_enabled = Ok(false);
    d.manager = Some("CUSTOMER".into());
    let f = only("kms.rotation-disabled", key(d));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.resource_name, "k1");
}

// ── kms.pending-deletion ──

#[test]
fn pending_deletion_states() {
    for (state, status) in [
        ("Enabled", Status::Pass),
        ("Updating", Status::Pass),
        ("PendingDeletion", Status::Fail),
        ("PendingReplicaDeletion", Status::Fail),
        ("Disabled", Status::Fail),
        ("Unavailable", Status::Fail),
        ("Weird", Status::Unknown),
    ] {
        let mut d = details("k1");
        d.state = Some(state.into());
        let f = only("kms.pending-deletion", key(d));
        assert_eq!(f.status, status, "state {state}");
    }
}

#[test]
fn pending_deletion_fail_has_real_commands() {
    let mut d = details("k9");
    d.state = Some("PendingDeletion".into());
    let f = only("kms.pending-deletion", key(d));
    assert_eq!(f.severity, Severity::Critical);
    assert_eq!(f.category, Category::Resilience);
    assert!(
        f.remediation()
            .cli
            .contains("aws kms cancel-key-deletion --key-id k9 --region eu-west-1")
    );
    assert!(f.message.contains("k9-alias"));
}

#[test]
fn pending_deletion_unknown() {
    let k = Key {
        reference: "arn:aws:kms:eu-west-1:111122223333:key/abc".into(),
        region: "eu-west-1".into(),
        details: Err("AccessDenied: kms:DescribeKey".into()),
    };
    let f = only("kms.pending-deletion", k);
    assert_eq!(f.status, Status::Unknown);
    assert!(f.message.contains("kms:DescribeKey"));
    let mut d = details("k1");
    d.state = None;
    assert_eq!(only("kms.pending-deletion", key(d)).status, Status::Unknown);
}

// ── kms.public-key-policy ──

fn with_policy(policy: &str) -> Key {
    let mut d = details("k1");
    d.policy = Ok(policy.to_string());
    key(d)
}

#[test]
fn public_policy_shapes() {
    let cases = [
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}]}"#,
            Status::Fail,
        ),
        (
            r#"{"Statement":{"Sid":"Open","Effect":"Allow","Principal":{"AWS":"*"},"Action":"kms:*","Resource":"*"}}"#,
            Status::Fail,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","*"]},"Action":"kms:*"}]}"#,
            Status::Fail,
        ),
        // AWS managed key policies: Principal * scoped by conditions.
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Decrypt"],"Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"lambda.eu-west-1.amazonaws.com"}}}]}"#,
            Status::Pass,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}"#,
            Status::Pass,
        ),
        // Conditions that do not pin the caller leave the key open to every account.
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}"#,
            Status::Fail,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"StringEquals":{"kms:ViaService":"secretsmanager.eu-west-1.amazonaws.com"}}}]}"#,
            Status::Fail,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"StringNotEquals":{"kms:CallerAccount":"111122223333"}}}]}"#,
            Status::Fail,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"StringLike":{"kms:CallerAccount":"*"}}}]}"#,
            Status::Fail,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Condition":{"StringEqualsIfExists":{"aws:PrincipalAccount":"111122223333"}}}]}"#,
            Status::Fail,
        ),
        (
            r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"kms:*","Resource":"*"}]}"#,
            Status::Pass,
        ),
        (
            r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"logs.amazonaws.com"},"Action":"kms:Encrypt*"}]}"#,
            Status::Pass,
        ),
        (r#"{"Statement":[]}"#, Status::Pass),
        // A JSON string holding the policy (double-encoded).
        (
            r#""{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"kms:*\"}]}""#,
            Status::Fail,
        ),
    ];
    for (policy, status) in cases {
        assert_eq!(
            only("kms.public-key-policy", with_policy(policy)).status,
            status,
            "{policy}"
        );
    }
}

#[test]
fn public_policy_fail_names_statement() {
    let f = only(
        "kms.public-key-policy",
        with_policy(
            r#"{"Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":["kms:Decrypt","kms:Encrypt"]}]}"#,
        ),
    );
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.evidence[0].field, "Statement Everyone");
    assert!(f.evidence[0].value.contains("kms:Decrypt, kms:Encrypt"));
    assert!(f.remediation().cli.contains("put-key-policy --key-id k1"));
    assert!(
        f.remediation()
            .terraform
            .contains("arn:aws:iam::111122223333:root")
    );
}

#[test]
fn public_policy_unknown() {
    let mut d = details("k1");
    d.policy = Err("AccessDenied: kms:GetKeyPolicy".into());
    assert_eq!(
        only("kms.public-key-policy", key(d)).status,
        Status::Unknown
    );
    let f = only("kms.public-key-policy", with_policy("{not json"));
    assert_eq!(f.status, Status::Unknown);
    assert!(f.message.contains("key policy"));
}

#[test]
fn one_finding_per_key_for_every_check() {
    let keys = vec![key(details("a")), key(details("b")), key(details("c"))];
    let inventory = inv(keys);
    for def in CHECKS {
        let findings = (def.evaluate)(def, &inventory, &ctx());
        assert_eq!(findings.len(), 3, "{}", def.id);
        assert_eq!(count(&findings, def.id, Status::Pass), 3, "{}", def.id);
    }
}
