//! Checks for Secrets Manager secrets (see docs/CHECKS.md).
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
        Err(e) => Err(e.to_string()),
        Ok(None) => Ok(None),
        Ok(Some(text)) if text.trim().is_empty() => Ok(None),
        Ok(Some(text)) => PolicyDocument::parse(text)
            .map(Some)
            .map_err(|e| format!("resource policy: {e}")),
    }
}

/// One finding per secret, judged from its resource policy; a secret without one passes
/// (`no_policy` says why), one whose policy could not be read or parsed is `unknown`.
fn per_policy(
    def: &CheckDef,
    inv: &Inventory,
    ctx: &Context,
    no_policy: &str,
    mut judge: impl FnMut(&Secret, Target, PolicyDocument) -> Finding,
) -> Vec<Finding> {
    inv.secrets
        .iter()
        .map(|s| {
            let t = target(s, ctx);
            match policy_of(s) {
                Err(e) => def.unknown(inv, &t, e),
                Ok(None) => def.pass(
                    inv,
                    &t,
                    no_policy,
                    vec![Evidence::new("ResourcePolicy", "(none)")],
                ),
                Ok(Some(doc)) => judge(s, t, doc),
            }
        })
        .collect()
}

/// A policy's verdict: `failed` (what is said, the evidence) when something failed, else a
/// pass that says `clean` with the policy's statement count as evidence.
fn verdict(
    (def, inv, t, doc): (&CheckDef, &Inventory, &Target, &PolicyDocument),
    clean: &str,
    failed: Option<(String, Vec<Evidence>)>,
) -> Finding {
    match failed {
        Some((msg, evidence)) => def.fail(inv, t, msg, evidence),
        None => {
            let count = doc.statements.len().to_string();
            def.pass(inv, t, clean, vec![Evidence::new("Statements", count)])
        }
    }
}

fn public_policy(def: &CheckDef, inv: &Inventory, ctx: &Context) -> Vec<Finding> {
    per_policy(
        def,
        inv,
        ctx,
        "no resource policy: only identities of this account can be granted access",
        |s, t, doc| {
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
            let failed = (!open.is_empty()).then(|| {
                let msg = format!(
                    "secret {} has a resource policy open to any AWS principal",
                    s.name
                );
                (msg, open)
            });
            verdict(
                (def, inv, &t, &doc),
                "no policy statement allows Principal * without an org/account condition",
                failed,
            )
        },
    )
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
    per_policy(
        def,
        inv,
        ctx,
        "no resource policy: no other account is granted access",
        |s, t, doc| {
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
            let failed = (!foreign.is_empty()).then(|| {
                let msg = format!(
                    "secret {} is granted to untrusted account(s): {}",
                    s.name,
                    foreign.join(", ")
                );
                (msg, evidence)
            });
            verdict(
                (def, inv, &t, &doc),
                "the policy grants no account outside this account and the trusted list",
                failed,
            )
        },
    )
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
                details
                    .manager
                    .as_ref()
                    .map_or("(not reported)", |m| m.as_str()),
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
mod tests;
