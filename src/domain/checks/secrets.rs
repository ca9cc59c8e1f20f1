//! Checks for Secrets Manager secrets (see ../shared/CHECKS.md).
//!
//! The resource is the secret: its ARN is the resource id, its name the resource name. Secret
//! values are never collected, so no finding can carry one.

use time::OffsetDateTime;

use crate::domain::arn::account_of;
use crate::domain::arn::function_name;
use crate::domain::catalogue::{CheckDef, Context, Target, tf_ident};
use crate::domain::finding::{Category, Evidence, Finding, ResourceKind, Service, Severity};
use crate::domain::inventory::{Area, Inventory, Secret};
use crate::domain::inventory::{is_aws_alias, is_aws_managed};
use crate::domain::policy::{Condition, PolicyDocument, Statement};

/// Condition keys that tie a `Principal: "*"` grant to an organization or account.
const SCOPING_KEYS: &[&str] = &[
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:SourceAccount",
    "aws:SourceArn",
];

const ORG_KEYS: &[&str] = &["aws:PrincipalOrgID", "aws:PrincipalOrgPaths"];

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "secrets.public-policy",
        title: "Secret resource policy allows anyone",
        severity: Severity::Critical,
        category: Category::Exposure,
        service: Service::SecretsManager,
        areas: &[Area::Secrets],
        resource: ResourceKind::Secret,
        rationale: "A resource policy statement with `Principal: \"*\"` and no organization or \
            account condition lets any AWS principal, in any account, call the granted actions on \
            the secret (GetSecretValue included). Scope the principal, and let Secrets Manager \
            reject such policies with BlockPublicPolicy.",
        fix: "Re-put the policy with a scoped principal and `--block-public-policy`.",
        console: &[
            "Open the Secrets Manager console in {region} → Secrets → {name}.",
            "Overview tab → Resource permissions → Edit permissions.",
            "Replace \"Principal\": \"*\" with specific role ARNs (or add an aws:PrincipalOrgID / aws:PrincipalAccount condition) → Save.",
        ],
        cli: "aws secretsmanager get-resource-policy --secret-id {name} --region {region} --query ResourcePolicy --output text > secret-policy.json\n# edit secret-policy.json: scope every \"Principal\": \"*\" statement\naws secretsmanager put-resource-policy --secret-id {name} --resource-policy file://secret-policy.json --block-public-policy --region {region}",
        terraform: "resource \"aws_secretsmanager_secret_policy\" \"{tf}\" {\n  secret_arn          = \"{arn}\"\n  block_public_policy = true\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Effect    = \"Allow\"\n      Principal = { AWS = \"arn:aws:iam::{account}:role/<reader-role>\" }\n      Action    = \"secretsmanager:GetSecretValue\"\n      Resource  = \"*\"\n    }]\n  })\n}",
        fsbp: None,
        prowler: Some("secretsmanager_not_publicly_accessible"),
        docs_url: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_resource-policies.html",
        evaluate: public_policy,
    },
    CheckDef {
        id: "secrets.cross-account-access",
        title: "Secret resource policy grants an untrusted account",
        severity: Severity::High,
        category: Category::Privilege,
        service: Service::SecretsManager,
        areas: &[Area::Secrets],
        resource: ResourceKind::Secret,
        rationale: "A principal in another account named by the secret's resource policy can read \
            or change the secret from outside this account's control. Grant only accounts you \
            trust, and list them in Parapet's trusted accounts so intended sharing stays quiet.",
        fix: "Remove or scope the foreign principal, or add the account to `trusted_accounts` in the config.",
        console: &[
            "Open the Secrets Manager console in {region} → Secrets → {name}.",
            "Overview tab → Resource permissions → Edit permissions.",
            "Remove the statements naming account(s) {foreign}, or scope them to the exact role that needs the secret → Save.",
        ],
        cli: "aws secretsmanager get-resource-policy --secret-id {name} --region {region} --query ResourcePolicy --output text > secret-policy.json\n# edit secret-policy.json: remove principals in account(s) {foreign}\naws secretsmanager put-resource-policy --secret-id {name} --resource-policy file://secret-policy.json --block-public-policy --region {region}",
        terraform: "resource \"aws_secretsmanager_secret_policy\" \"{tf}\" {\n  secret_arn          = \"{arn}\"\n  block_public_policy = true\n  # Name only principals of {account} or of accounts you trust.\n  policy = data.aws_iam_policy_document.{tf}_policy.json\n}",
        fsbp: None,
        prowler: Some("secretsmanager_has_restrictive_resource_policy"),
        docs_url: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access_examples_cross.html",
        evaluate: cross_account_access,
    },
    CheckDef {
        id: "secrets.rotation-disabled",
        title: "Secret has automatic rotation off",
        severity: Severity::High,
        category: Category::Secrets,
        service: Service::SecretsManager,
        areas: &[Area::Secrets],
        resource: ResourceKind::Secret,
        rationale: "A credential that never rotates stays valid for as long as anyone who ever saw \
            it keeps a copy. Automatic rotation bounds that window without a deploy.",
        fix: "Turn on rotation: `aws secretsmanager rotate-secret --rotation-lambda-arn --rotation-rules`.",
        console: &[
            "Open the Secrets Manager console in {region} → Secrets → {name}.",
            "Rotation tab → Edit rotation → turn on Automatic rotation.",
            "Choose a schedule (e.g. every 30 days) and the rotation function → Save.",
        ],
        cli: "aws secretsmanager rotate-secret --secret-id {name} --rotation-lambda-arn {rotation_lambda} --rotation-rules AutomaticallyAfterDays=30 --region {region}",
        terraform: "resource \"aws_secretsmanager_secret_rotation\" \"{tf}\" {\n  secret_id           = \"{arn}\"\n  rotation_lambda_arn = \"{rotation_lambda}\"\n  rotation_rules {\n    automatically_after_days = 30\n  }\n}",
        fsbp: Some("SecretsManager.1"),
        prowler: Some("secretsmanager_automatic_rotation_enabled"),
        docs_url: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html",
        evaluate: rotation_disabled,
    },
    CheckDef {
        id: "secrets.not-rotated-recently",
        title: "Secret not rotated recently",
        severity: Severity::Medium,
        category: Category::Secrets,
        service: Service::SecretsManager,
        areas: &[Area::Secrets],
        resource: ResourceKind::Secret,
        rationale: "The older a secret's value, the more places it may have leaked to (logs, \
            laptops, former staff). Rotate at least every max_secret_age_days (default 90).",
        fix: "Rotate the secret now: `aws secretsmanager rotate-secret`, and schedule rotation.",
        console: &[
            "Open the Secrets Manager console in {region} → Secrets → {name}.",
            "Rotation tab → Rotate secret immediately (configure rotation first if it is off).",
        ],
        cli: "aws secretsmanager rotate-secret --secret-id {name} --region {region}",
        terraform: "resource \"aws_secretsmanager_secret_rotation\" \"{tf}\" {\n  secret_id           = \"{arn}\"\n  rotation_lambda_arn = \"{rotation_lambda}\"\n  rotation_rules {\n    automatically_after_days = {max_days}\n  }\n}",
        fsbp: Some("SecretsManager.4"),
        prowler: Some("secretsmanager_secret_rotated_periodically"),
        docs_url: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_now.html",
        evaluate: not_rotated_recently,
    },
    CheckDef {
        id: "secrets.rotation-overdue",
        title: "Secret rotation is overdue",
        severity: Severity::Medium,
        category: Category::Secrets,
        service: Service::SecretsManager,
        areas: &[Area::Secrets],
        resource: ResourceKind::Secret,
        rationale: "Rotation is configured but the next rotation date has passed: the rotation \
            function is most likely failing, so the secret is not rotating even though the \
            console says it does.",
        fix: "Check the rotation function's logs, fix it, then rotate the secret.",
        console: &[
            "Open the Secrets Manager console in {region} → Secrets → {name} → Rotation tab; note the rotation function.",
            "Open CloudWatch Logs → /aws/lambda/{rotation_function} and read the last errors.",
            "Fix the function (permissions, network access to the database), then Rotate secret immediately.",
        ],
        cli: "aws logs tail /aws/lambda/{rotation_function} --since 7d --region {region}\naws secretsmanager rotate-secret --secret-id {name} --region {region}",
        terraform: "# Rotation is configured; the rotation function is failing. Check its IAM role and VPC access:\nresource \"aws_secretsmanager_secret_rotation\" \"{tf}\" {\n  secret_id           = \"{arn}\"\n  rotation_lambda_arn = \"{rotation_lambda}\"\n  rotation_rules {\n    automatically_after_days = 30\n  }\n}",
        fsbp: Some("SecretsManager.2"),
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/troubleshoot_rotation.html",
        evaluate: rotation_overdue,
    },
    CheckDef {
        id: "secrets.unused",
        title: "Secret unused",
        severity: Severity::Medium,
        category: Category::Secrets,
        service: Service::SecretsManager,
        areas: &[Area::Secrets],
        resource: ResourceKind::Secret,
        rationale: "A secret nobody reads is a live credential with no owner: it keeps granting \
            access, costs money and is easy to forget when rotating. Delete it (with a recovery \
            window) or find who still needs it.",
        fix: "Delete the secret with a recovery window: `aws secretsmanager delete-secret --recovery-window-in-days 30`.",
        console: &[
            "Open the Secrets Manager console in {region} → Secrets → {name}; check Last retrieved.",
            "Confirm nothing still reads it (CloudTrail GetSecretValue events).",
            "Actions → Delete secret → waiting period 30 days → Schedule deletion.",
        ],
        cli: "aws secretsmanager delete-secret --secret-id {name} --recovery-window-in-days 30 --region {region}",
        terraform: "# Remove the secret from the configuration; Terraform deletes it with this recovery window:\nresource \"aws_secretsmanager_secret\" \"{tf}\" {\n  name                    = \"{name}\"\n  recovery_window_in_days = 30\n}",
        fsbp: Some("SecretsManager.3"),
        prowler: Some("secretsmanager_secret_unused"),
        docs_url: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/manage_delete-secret.html",
        evaluate: unused,
    },
    CheckDef {
        id: "secrets.aws-managed-key",
        title: "Secret encrypted with the AWS managed key",
        severity: Severity::Low,
        category: Category::Encryption,
        service: Service::SecretsManager,
        areas: &[Area::Secrets, Area::Encryption],
        resource: ResourceKind::Secret,
        rationale: "The AWS managed aws/secretsmanager key's policy cannot be edited: you cannot \
            restrict who may decrypt through it, and it cannot be used across accounts. A \
            customer-managed key gives you that control and its own audit trail.",
        fix: "Re-encrypt with a customer-managed key: `aws secretsmanager update-secret --kms-key-id`.",
        console: &[
            "Create (or pick) a customer-managed symmetric key in the KMS console in {region}.",
            "Open the Secrets Manager console → Secrets → {name} → Edit encryption key.",
            "Choose the customer-managed key, keep \"Create new version of secret with new encryption key\" ticked → Save.",
        ],
        cli: "aws kms create-key --description \"Secrets Manager key for {name}\" --region {region}\naws secretsmanager update-secret --secret-id {name} --kms-key-id <key-arn-from-create-key> --region {region}",
        terraform: "resource \"aws_kms_key\" \"{tf}\" {\n  description         = \"Secrets Manager key for {name}\"\n  enable_key_rotation = true\n}\n\nresource \"aws_secretsmanager_secret\" \"{tf}\" {\n  name       = \"{name}\"\n  kms_key_id = aws_kms_key.{tf}.arn\n}",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/security-encryption.html",
        evaluate: aws_managed_key,
    },
];

fn target(s: &Secret, ctx: &Context) -> Target {
    let id = if s.arn.is_empty() { &s.name } else { &s.arn };
    let rotation_lambda = s
        .rotation_lambda_arn
        .clone()
        .unwrap_or_else(|| "<rotation-function-arn>".to_string());
    let rotation_function = s
        .rotation_lambda_arn
        .as_deref()
        .map(function_name)
        .unwrap_or_else(|| "<rotation-function>".to_string());
    Target::new(&s.region, id, &s.name)
        .param("tf", tf_ident(&s.name))
        .param("rotation_lambda", rotation_lambda)
        .param("rotation_function", rotation_function)
        .param("max_days", ctx.max_secret_age_days.to_string())
}

/// `arn:aws:lambda:R:A:function:NAME[:QUALIFIER]` → `NAME`; anything else is returned as is.
fn day_evidence(field: &str, date: OffsetDateTime, now: OffsetDateTime) -> Evidence {
    let days = (now - date).whole_days();
    let when = if days >= 0 {
        format!("{} ({days} days ago)", date.date())
    } else {
        format!("{} (in {} days)", date.date(), -days)
    };
    Evidence::new(field, when)
}

fn scoping_conditions<'a>(s: &'a Statement, keys: &[&str]) -> Vec<&'a Condition> {
    s.conditions.iter().filter(|c| c.narrows(keys)).collect()
}

fn sid(s: &Statement) -> String {
    format!("Statement {}", s.sid.as_deref().unwrap_or("(no Sid)"))
}

/// The parsed resource policy, `Ok(None)` when there is none, `Err` (reason) when it could not
/// be collected or parsed.
fn policy_of(s: &Secret) -> Result<Option<PolicyDocument>, String> {
    match &s.policy {
        Err(e) => Err(e.clone()),
        Ok(None) => Ok(None),
        Ok(Some(text)) if text.trim().is_empty() => Ok(None),
        Ok(Some(text)) => PolicyDocument::parse(text)
            .map(Some)
            .map_err(|e| format!("resource policy: {e}")),
    }
}

fn public_policy(def: &CheckDef, inv: &Inventory, ctx: &Context) -> Vec<Finding> {
    inv.secrets
        .iter()
        .map(|s| {
            let t = target(s, ctx);
            let doc = match policy_of(s) {
                Err(e) => return def.unknown(inv, &t, e),
                Ok(None) => {
                    return def.pass(
                        inv,
                        &t,
                        "no resource policy: only identities of this account can be granted access",
                        vec![Evidence::new("ResourcePolicy", "(none)")],
                    );
                }
                Ok(Some(doc)) => doc,
            };
            let open: Vec<Evidence> = doc
                .allow_statements()
                .filter(|st| {
                    st.is_public_principal() && scoping_conditions(st, SCOPING_KEYS).is_empty()
                })
                .map(|st| {
                    let who = if st.not_principal {
                        "NotPrincipal"
                    } else {
                        "Principal *"
                    };
                    let cond = if st.conditions.is_empty() {
                        "no Condition".to_string()
                    } else {
                        let keys: Vec<_> = st
                            .conditions
                            .iter()
                            .map(|c| format!("{} {}", c.operator, c.key))
                            .collect();
                        format!("no org/account condition (has {})", keys.join(", "))
                    };
                    Evidence::new(
                        sid(st),
                        format!("{who}, {cond}, Action {}", st.actions.join(", ")),
                    )
                })
                .collect();
            if open.is_empty() {
                def.pass(
                    inv,
                    &t,
                    "no policy statement allows Principal * without an org/account condition",
                    vec![Evidence::new(
                        "Statements",
                        doc.statements.len().to_string(),
                    )],
                )
            } else {
                def.fail(
                    inv,
                    &t,
                    format!(
                        "secret {} has a resource policy open to any AWS principal",
                        s.name
                    ),
                    open,
                )
            }
        })
        .collect()
}

/// The accounts a statement grants, each with the principal or condition naming it: named principals,
/// plus, for `Principal: "*"`, the accounts its scoping conditions pin it to. `None` means
/// "any account" (public without an account condition); org-scoped grants yield no accounts.
fn granted_accounts(st: &Statement) -> Option<Vec<(String, String)>> {
    if !st.is_public_principal() {
        return Some(
            st.aws_principals()
                .into_iter()
                .filter_map(|p| account_of(&p).map(|a| (a, p)))
                .collect(),
        );
    }
    if !scoping_conditions(st, ORG_KEYS).is_empty() {
        return Some(Vec::new());
    }
    let conds = scoping_conditions(st, SCOPING_KEYS);
    if conds.is_empty() {
        return None;
    }
    Some(
        conds
            .iter()
            .flat_map(|c| {
                c.values
                    .iter()
                    .filter_map(move |v| account_of(v).map(|a| (a, format!("{} = {v}", c.key))))
            })
            .collect(),
    )
}

fn cross_account_access(def: &CheckDef, inv: &Inventory, ctx: &Context) -> Vec<Finding> {
    inv.secrets
        .iter()
        .map(|s| {
            let t = target(s, ctx);
            let doc = match policy_of(s) {
                Err(e) => return def.unknown(inv, &t, e),
                Ok(None) => {
                    return def.pass(
                        inv,
                        &t,
                        "no resource policy: no other account is granted access",
                        vec![Evidence::new("ResourcePolicy", "(none)")],
                    );
                }
                Ok(Some(doc)) => doc,
            };
            let mut foreign: Vec<String> = Vec::new();
            let mut evidence = Vec::new();
            for st in doc.allow_statements() {
                match granted_accounts(st) {
                    None => {
                        evidence.push(Evidence::new(
                            sid(st),
                            "Principal * with no account condition: any account",
                        ));
                        foreign.push("any".to_string());
                    }
                    Some(accounts) => {
                        for (account, principal) in accounts {
                            if !ctx.is_trusted(inv, &account) {
                                evidence.push(Evidence::new(
                                    sid(st),
                                    format!("{principal} (account {account}, not trusted)"),
                                ));
                                if !foreign.contains(&account) {
                                    foreign.push(account);
                                }
                            }
                        }
                    }
                }
            }
            let t = t.param("foreign", foreign.join(", "));
            if foreign.is_empty() {
                def.pass(
                    inv,
                    &t,
                    "the policy grants no account outside this account and the trusted list",
                    vec![Evidence::new(
                        "Statements",
                        doc.statements.len().to_string(),
                    )],
                )
            } else {
                def.fail(
                    inv,
                    &t,
                    format!(
                        "secret {} is granted to untrusted account(s): {}",
                        s.name,
                        foreign.join(", ")
                    ),
                    evidence,
                )
            }
        })
        .collect()
}

fn rotation_disabled(def: &CheckDef, inv: &Inventory, ctx: &Context) -> Vec<Finding> {
    inv.secrets
        .iter()
        .map(|s| {
            let t = target(s, ctx);
            match s.rotation_enabled {
                Some(true) => {
                    let mut ev = vec![Evidence::new("RotationEnabled", "true")];
                    if let Some(days) = s.rotation_days {
                        ev.push(Evidence::new(
                            "RotationRules.AutomaticallyAfterDays",
                            days.to_string(),
                        ));
                    }
                    def.pass(inv, &t, "automatic rotation is on", ev)
                }
                // ListSecrets leaves RotationEnabled out for secrets never set up to rotate.
                other => def.fail(
                    inv,
                    &t,
                    format!("secret {} never rotates automatically", s.name),
                    vec![Evidence::new(
                        "RotationEnabled",
                        other.map_or("(not set)".to_string(), |b| b.to_string()),
                    )],
                ),
            }
        })
        .collect()
}

fn not_rotated_recently(def: &CheckDef, inv: &Inventory, ctx: &Context) -> Vec<Finding> {
    inv.secrets
        .iter()
        .map(|s| {
            let t = target(s, ctx);
            let (field, date) = match (s.last_rotated, s.created) {
                (Some(d), _) => ("LastRotatedDate", d),
                (None, Some(d)) => ("CreatedDate (never rotated)", d),
                (None, None) => {
                    return def.unknown(
                        inv,
                        &t,
                        "ListSecrets reported neither LastRotatedDate nor CreatedDate",
                    );
                }
            };
            let age = (ctx.now - date).whole_days();
            let ev = vec![
                day_evidence(field, date, ctx.now),
                Evidence::new("max_secret_age_days", ctx.max_secret_age_days.to_string()),
            ];
            if age > ctx.max_secret_age_days {
                def.fail(
                    inv,
                    &t,
                    format!(
                        "secret {} last changed {age} days ago (limit {})",
                        s.name, ctx.max_secret_age_days
                    ),
                    ev,
                )
            } else {
                def.pass(
                    inv,
                    &t,
                    format!("rotated within the last {} days", ctx.max_secret_age_days),
                    ev,
                )
            }
        })
        .collect()
}

fn rotation_overdue(def: &CheckDef, inv: &Inventory, ctx: &Context) -> Vec<Finding> {
    inv.secrets
        .iter()
        .map(|s| {
            let t = target(s, ctx);
            if s.rotation_enabled != Some(true) {
                return def.not_applicable(inv, &t, "rotation is not enabled (see secrets.rotation-disabled)");
            }
            let Some(next) = s.next_rotation else {
                return def.unknown(inv, &t, "rotation is enabled but ListSecrets reported no NextRotationDate");
            };
            let mut ev = vec![day_evidence("NextRotationDate", next, ctx.now)];
            if let Some(last) = s.last_rotated {
                ev.push(day_evidence("LastRotatedDate", last, ctx.now));
            }
            if next < ctx.now {
                def.fail(
                    inv,
                    &t,
                    format!(
                        "rotation of {} was due {} days ago: the rotation function is probably failing",
                        s.name,
                        (ctx.now - next).whole_days()
                    ),
                    ev,
                )
            } else {
                def.pass(inv, &t, "next rotation is scheduled in the future", ev)
            }
        })
        .collect()
}

fn unused(def: &CheckDef, inv: &Inventory, ctx: &Context) -> Vec<Finding> {
    let limit = ctx.unused_secret_days;
    inv.secrets
        .iter()
        .map(|s| {
            let t = target(s, ctx);
            let limit_ev = Evidence::new("unused_secret_days", limit.to_string());
            if let Some(accessed) = s.last_accessed {
                let age = (ctx.now - accessed).whole_days();
                let ev = vec![
                    day_evidence("LastAccessedDate", accessed, ctx.now),
                    limit_ev,
                ];
                return if age > limit {
                    def.fail(
                        inv,
                        &t,
                        format!("secret {} was last read {age} days ago", s.name),
                        ev,
                    )
                } else {
                    def.pass(inv, &t, format!("read within the last {limit} days"), ev)
                };
            }
            match s.created {
                Some(created) if (ctx.now - created).whole_days() > limit => def.fail(
                    inv,
                    &t,
                    format!(
                        "secret {} has no recorded access and was created {} days ago",
                        s.name,
                        (ctx.now - created).whole_days()
                    ),
                    vec![
                        Evidence::new("LastAccessedDate", "(never)"),
                        day_evidence("CreatedDate", created, ctx.now),
                        limit_ev,
                    ],
                ),
                Some(created) => def.unknown(
                    inv,
                    &t,
                    format!(
                        "no LastAccessedDate yet and the secret is only {} days old (created {})",
                        (ctx.now - created).whole_days(),
                        created.date()
                    ),
                ),
                None => def.unknown(
                    inv,
                    &t,
                    "ListSecrets reported neither LastAccessedDate nor CreatedDate",
                ),
            }
        })
        .collect()
}

fn aws_managed_key(def: &CheckDef, inv: &Inventory, ctx: &Context) -> Vec<Finding> {
    inv.secrets
        .iter()
        .map(|s| {
            let t = target(s, ctx);
            let Some(reference) = s.kms_key_id.as_deref().filter(|r| !r.trim().is_empty()) else {
                return def.fail(
                    inv,
                    &t,
                    format!("secret {} uses the AWS managed aws/secretsmanager key", s.name),
                    vec![Evidence::new("KmsKeyId", "(not set: aws/secretsmanager)")],
                );
            };
            let mut ev = vec![Evidence::new("KmsKeyId", reference)];
            if is_aws_alias(reference) {
                return def.fail(
                    inv,
                    &t,
                    format!("secret {} uses an AWS managed key ({reference})", s.name),
                    ev,
                );
            }
            let Some(key) = inv.find_key(&s.region, reference) else {
                return def.unknown(
                    inv,
                    &t,
                    format!("key {reference} was not described (KMS DescribeKey not collected)"),
                );
            };
            let details = match &key.details {
                Ok(d) => d,
                Err(e) => return def.unknown(inv, &t, format!("key {reference}: {e}")),
            };
            ev.push(Evidence::new(
                "KeyManager",
                details.manager.clone().unwrap_or_else(|| "(not reported)".into()),
            ));
            if !details.aliases.is_empty() {
                ev.push(Evidence::new("Aliases", details.aliases.join(", ")));
            }
            match is_aws_managed(details) {
                Some(true) => def.fail(
                    inv,
                    &t,
                    format!("secret {} uses an AWS managed key ({})", s.name, key.display_name()),
                    ev,
                ),
                Some(false) => def.pass(
                    inv,
                    &t,
                    format!("encrypted with the customer-managed key {}", key.display_name()),
                    ev,
                ),
                None => def.unknown(
                    inv,
                    &t,
                    format!(
                        "cannot tell whether key {reference} is customer managed: no KeyManager and no alias"
                    ),
                ),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
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
                manager: manager.map(str::to_string),
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
                    "secrets.public-policy",
                    Severity::Critical,
                    Category::Exposure
                ),
                (
                    "secrets.cross-account-access",
                    Severity::High,
                    Category::Privilege
                ),
                (
                    "secrets.rotation-disabled",
                    Severity::High,
                    Category::Secrets
                ),
                (
                    "secrets.not-rotated-recently",
                    Severity::Medium,
                    Category::Secrets
                ),
                (
                    "secrets.rotation-overdue",
                    Severity::Medium,
                    Category::Secrets
                ),
                ("secrets.unused", Severity::Medium, Category::Secrets),
                (
                    "secrets.aws-managed-key",
                    Severity::Low,
                    Category::Encryption
                ),
            ]
        );
        crate::domain::checks::testing::assert_entries(CHECKS, "secretsmanager");
    }
}
