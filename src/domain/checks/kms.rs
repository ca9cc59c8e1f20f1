//! Checks for the KMS keys that functions and secrets use (see ../shared/CHECKS.md).
//!
//! Every key in `inventory.keys` is "in use": sources only collect keys that a function or a
//! secret refers to.

use crate::domain::catalogue::{CheckDef, Context, Target, tf_ident};
use crate::domain::finding::{Category, Evidence, Finding, ResourceKind, Service, Severity};
use crate::domain::inventory::{Area, Inventory, Key, KeyDetails, key_is_aws_managed};
use crate::domain::policy::PolicyDocument;

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "kms.rotation-disabled",
        title: "Customer-managed key has automatic rotation off",
        severity: Severity::Medium,
        category: Category::Encryption,
        service: Service::Kms,
        areas: &[Area::Encryption],
        resource: ResourceKind::Key,
        rationale: "Automatic rotation replaces a symmetric key's material every year without changing \
            its id, ARN or policy, which limits how much data a single compromised key version \
            protects. AWS managed keys rotate on their own; customer-managed keys only when \
            rotation is turned on.",
        fix: "Enable automatic key rotation: `aws kms enable-key-rotation`.",
        console: &[
            "Open the KMS console in {region} → Customer managed keys.",
            "Select the key {name} ({key_id}) → Key rotation tab.",
            "Tick \"Automatically rotate this KMS key every year\" (or set a rotation period) → Save.",
        ],
        cli: "aws kms enable-key-rotation --key-id {key_id} --region {region}",
        terraform: "resource \"aws_kms_key\" \"{tf}\" {\n  # ... existing arguments ...\n  enable_key_rotation = true\n}",
        fsbp: Some("KMS.4"),
        prowler: Some("kms_cmk_rotation_enabled"),
        docs_url: "https://docs.aws.amazon.com/kms/latest/developerguide/rotating-keys-enable.html",
        evaluate: rotation_disabled,
    },
    CheckDef {
        id: "kms.pending-deletion",
        title: "Key in use is pending deletion or disabled",
        severity: Severity::Critical,
        category: Category::Resilience,
        service: Service::Kms,
        areas: &[Area::Encryption],
        resource: ResourceKind::Key,
        rationale: "A function or secret encrypted with this key stops working once the key is \
            disabled, and the data it protects is lost for good when a key scheduled for deletion \
            is deleted. Cancel the deletion (or re-enable the key) while it is still possible.",
        fix: "Cancel the scheduled deletion and re-enable the key: `aws kms cancel-key-deletion`.",
        console: &[
            "Open the KMS console in {region} → Customer managed keys.",
            "Select the key {name} ({key_id}).",
            "Key actions → Cancel key deletion (if pending deletion), then Key actions → Enable.",
        ],
        cli: "aws kms cancel-key-deletion --key-id {key_id} --region {region}\naws kms enable-key --key-id {key_id} --region {region}",
        terraform: "resource \"aws_kms_key\" \"{tf}\" {\n  # ... existing arguments ...\n  is_enabled = true\n}\n# Keep the key in the configuration: removing it schedules its deletion.",
        fsbp: Some("KMS.3"),
        prowler: Some("kms_cmk_not_deleted_unintentionally"),
        docs_url: "https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html",
        evaluate: pending_deletion,
    },
    CheckDef {
        id: "kms.public-key-policy",
        title: "Key policy allows anyone without a condition",
        severity: Severity::Critical,
        category: Category::Exposure,
        service: Service::Kms,
        areas: &[Area::Encryption],
        resource: ResourceKind::Key,
        rationale: "A key policy statement with `Principal: \"*\"` and no condition lets any AWS \
            principal, in any account, use or manage the key, so anyone can decrypt what it \
            protects. Only a condition on the caller counts (kms:CallerAccount, \
            aws:PrincipalAccount/OrgID/Arn, aws:SourceVpce/Vpc/Ip): kms:ViaService or \
            aws:SecureTransport alone still admit every account. Name the principals, or add \
            kms:CallerAccount with kms:ViaService.",
        fix: "Replace `Principal: \"*\"` with specific principals (or add a condition) via put-key-policy.",
        console: &[
            "Open the KMS console in {region} → Customer managed keys.",
            "Select the key {name} ({key_id}) → Key policy tab → Edit.",
            "Replace \"Principal\": \"*\" with specific account or role ARNs, or add a condition (kms:CallerAccount = {account}) → Save.",
        ],
        cli: "aws kms get-key-policy --key-id {key_id} --policy-name default --region {region} --query Policy --output text > key-policy.json\n# edit key-policy.json: scope every \"Principal\": \"*\" statement\naws kms put-key-policy --key-id {key_id} --policy-name default --policy file://key-policy.json --region {region}",
        terraform: "data \"aws_iam_policy_document\" \"{tf}_policy\" {\n  statement {\n    sid       = \"AccountAdmin\"\n    actions   = [\"kms:*\"]\n    resources = [\"*\"]\n    principals {\n      type        = \"AWS\"\n      identifiers = [\"arn:aws:iam::{account}:root\"]\n    }\n  }\n}\n\nresource \"aws_kms_key_policy\" \"{tf}\" {\n  key_id = \"{key_id}\"\n  policy = data.aws_iam_policy_document.{tf}_policy.json\n}",
        fsbp: Some("KMS.5"),
        prowler: Some("kms_key_not_publicly_accessible"),
        docs_url: "https://docs.aws.amazon.com/kms/latest/developerguide/key-policies.html",
        evaluate: public_key_policy,
    },
];

fn target(key: &Key) -> Target {
    let key_id = match &key.details {
        Ok(d) if !d.id.is_empty() => d.id.clone(),
        _ => key.reference.clone(),
    };
    let name = key.display_name();
    Target::new(&key.region, key.resource_id(), &name)
        .param("key_id", key_id)
        .param("tf", tf_ident(&name))
}

fn manager_evidence(d: &KeyDetails) -> Vec<Evidence> {
    let mut ev = vec![Evidence::new(
        "KeyManager",
        d.manager.clone().unwrap_or_else(|| "(not reported)".into()),
    )];
    if !d.aliases.is_empty() {
        ev.push(Evidence::new("Aliases", d.aliases.join(", ")));
    }
    ev
}

fn rotation_disabled(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.keys
        .iter()
        .map(|key| {
            let t = target(key);
            let d = match &key.details {
                Ok(d) => d,
                Err(e) => return def.unknown(inv, &t, e.clone()),
            };
            match key_is_aws_managed(key) {
                Some(true) => {
                    return def.not_applicable(
                        inv,
                        &t,
                        "AWS managed key: AWS rotates it every year; rotation cannot be changed",
                    );
                }
                Some(false) => {}
                None => {
                    return def.unknown(
                        inv,
                        &t,
                        "cannot tell whether the key is customer managed: DescribeKey reported no \
                         KeyManager and the key has no alias",
                    );
                }
            }
            // DescribeKey always reports KeySpec on AWS; its default is SYMMETRIC_DEFAULT.
            let spec = d.spec.as_deref().unwrap_or("SYMMETRIC_DEFAULT");
            if spec != "SYMMETRIC_DEFAULT" {
                return def.not_applicable(
                    inv,
                    &t,
                    format!(
                        "{spec} key: automatic rotation only exists for symmetric encryption keys"
                    ),
                );
            }
            let mut ev = manager_evidence(d);
            ev.push(Evidence::new("KeySpec", spec));
            match &d.rotation_enabled {
                Err(e) => def.unknown(inv, &t, e.clone()),
                Ok(true) => {
                    ev.push(Evidence::new("KeyRotationEnabled", "true"));
                    def.pass(inv, &t, "automatic key rotation is on", ev)
                }
                Ok(false) => {
                    ev.push(Evidence::new("KeyRotationEnabled", "false"));
                    def.fail(
                        inv,
                        &t,
                        format!(
                            "customer-managed key {} has automatic rotation off",
                            t.resource_name
                        ),
                        ev,
                    )
                }
            }
        })
        .collect()
}

fn pending_deletion(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.keys
        .iter()
        .map(|key| {
            let t = target(key);
            let d = match &key.details {
                Ok(d) => d,
                Err(e) => return def.unknown(inv, &t, e.clone()),
            };
            let Some(state) = d.state.as_deref() else {
                return def.unknown(inv, &t, "DescribeKey reported no KeyState");
            };
            let ev = vec![Evidence::new("KeyState", state)];
            let broken = match state {
                "PendingDeletion" | "PendingReplicaDeletion" => {
                    Some("is scheduled for deletion: what it encrypts will be unreadable for good")
                }
                "Disabled" => Some("is disabled: encrypt and decrypt calls with it fail"),
                "Unavailable" => {
                    Some("is unavailable (custom key store disconnected): calls with it fail")
                }
                "PendingImport" => Some("has no key material (pending import): calls with it fail"),
                "Enabled" | "Creating" | "Updating" => None,
                other => {
                    return def.unknown(inv, &t, format!("unrecognised KeyState {other:?}"));
                }
            };
            match broken {
                Some(why) => def.fail(inv, &t, format!("key {} {why}", t.resource_name), ev),
                None => def.pass(inv, &t, format!("key is {state}"), ev),
            }
        })
        .collect()
}

/// Condition keys that pin who may use a `Principal *` statement: the caller's account,
/// organization or identity, or the network it comes from. Other conditions (`kms:ViaService`
/// alone, `aws:SecureTransport`, encryption context) leave it open to every AWS account.
const CALLER_KEYS: &[&str] = &[
    "kms:CallerAccount",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:SourceVpce",
    "aws:SourceVpc",
    "aws:SourceIp",
    "aws:userid",
    "aws:username",
];

fn public_key_policy(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.keys
        .iter()
        .map(|key| {
            let t = target(key);
            let d = match &key.details {
                Ok(d) => d,
                Err(e) => return def.unknown(inv, &t, e.clone()),
            };
            let text = match &d.policy {
                Ok(text) => text,
                Err(e) => return def.unknown(inv, &t, e.clone()),
            };
            let doc = match PolicyDocument::parse(text) {
                Ok(doc) => doc,
                Err(e) => return def.unknown(inv, &t, format!("key policy: {e}")),
            };
            let open: Vec<Evidence> = doc
                .allow_statements()
                .filter(|s| {
                    s.is_public_principal() && !s.conditions.iter().any(|c| c.narrows(CALLER_KEYS))
                })
                .map(|s| {
                    let field = format!("Statement {}", s.sid.as_deref().unwrap_or("(no Sid)"));
                    let verb = if s.not_action { "NotAction" } else { "Action" };
                    let who = if s.not_principal {
                        "NotPrincipal"
                    } else {
                        "Principal *"
                    };
                    Evidence::new(
                        field,
                        format!(
                            "{who}, {}, {verb} {}",
                            if s.conditions.is_empty() {
                                "no Condition"
                            } else {
                                "no Condition that pins the caller"
                            },
                            s.actions.join(", ")
                        ),
                    )
                })
                .collect();
            if open.is_empty() {
                def.pass(
                    inv,
                    &t,
                    "no key policy statement allows Principal * without a condition on the caller",
                    vec![Evidence::new(
                        "Statements",
                        doc.statements.len().to_string(),
                    )],
                )
            } else {
                let n = open.len();
                def.fail(
                    inv,
                    &t,
                    format!(
                        "key policy has {n} statement{} allowing Principal * without a condition",
                        if n == 1 { "" } else { "s" }
                    ),
                    open,
                )
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
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

    #[test]
    fn catalogue_order_and_contract() {
        let ids: Vec<_> = CHECKS
            .iter()
            .map(|c| (c.id, c.severity, c.category))
            .collect();
        assert_eq!(
            ids,
            vec![
                (
                    "kms.rotation-disabled",
                    Severity::Medium,
                    Category::Encryption
                ),
                (
                    "kms.pending-deletion",
                    Severity::Critical,
                    Category::Resilience
                ),
                (
                    "kms.public-key-policy",
                    Severity::Critical,
                    Category::Exposure
                ),
            ]
        );
        for c in CHECKS {
            assert!(c.docs_url.starts_with("https://docs.aws.amazon.com/"));
            assert!(c.fsbp.is_some());
        }
    }
}
