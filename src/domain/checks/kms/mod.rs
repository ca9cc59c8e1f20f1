//! Checks for the KMS keys that functions and secrets use (see docs/CHECKS.md).
//!
//! Every key in `inventory.keys` is "in use": sources only collect keys that a function or a
//! secret refers to.

use crate::domain::catalogue::{CheckDef, Context, Target, tf_ident};
use crate::domain::finding::{Category, Evidence, Finding, ResourceKind, Service, Severity};
use crate::domain::inventory::{Area, Inventory, Key, KeyDetails, key_is_aws_managed};
use crate::domain::policy::PolicyDocument;
use crate::domain::values::KeyState;

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
        d.manager.as_ref().map_or("(not reported)", |m| m.as_str()),
    )];
    if !d.aliases.is_empty() {
        ev.push(Evidence::new("Aliases", d.aliases.join(", ")));
    }
    ev
}

/// One finding per key, judged from its details; `unknown` where DescribeKey failed.
fn per_key(
    def: &CheckDef,
    inv: &Inventory,
    mut judge: impl FnMut(&Key, Target, &KeyDetails) -> Finding,
) -> Vec<Finding> {
    inv.keys
        .iter()
        .map(|key| {
            let t = target(key);
            match &key.details {
                Ok(d) => judge(key, t, d),
                Err(e) => def.unknown(inv, &t, e.clone()),
            }
        })
        .collect()
}

fn rotation_disabled(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_key(def, inv, |key, t, d| {
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
                format!("{spec} key: automatic rotation only exists for symmetric encryption keys"),
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
}

fn pending_deletion(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_key(def, inv, |_, t, d| {
        let Some(state) = &d.state else {
            return def.unknown(inv, &t, "DescribeKey reported no KeyState");
        };
        let ev = vec![Evidence::new("KeyState", state.as_str())];
        let broken = match state {
            KeyState::PendingDeletion | KeyState::PendingReplicaDeletion => {
                Some("is scheduled for deletion: what it encrypts will be unreadable for good")
            }
            KeyState::Disabled => Some("is disabled: encrypt and decrypt calls with it fail"),
            KeyState::Unavailable => {
                Some("is unavailable (custom key store disconnected): calls with it fail")
            }
            KeyState::PendingImport => {
                Some("has no key material (pending import): calls with it fail")
            }
            KeyState::Enabled | KeyState::Creating | KeyState::Updating => None,
            KeyState::Other(other) => {
                return def.unknown(inv, &t, format!("unrecognised KeyState {other:?}"));
            }
        };
        match broken {
            Some(why) => def.fail(inv, &t, format!("key {} {why}", t.resource_name), ev),
            None => def.pass(inv, &t, format!("key is {state}"), ev),
        }
    })
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
    per_key(def, inv, |_, t, d| {
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
}

#[cfg(test)]
mod tests;
