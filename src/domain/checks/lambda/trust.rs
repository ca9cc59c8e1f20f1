//! Checks of whom a function trusts (see docs/CHECKS.md, "Functions (Lambda)"): which
//! services may invoke it and for whom, what its role may rewrite, and whose code it runs.
//!
//! The resource is the function. Decisions worth knowing:
//!
//! - **Service grants** (`lambda.service-invoke-no-source`) are read from the function's
//!   policy and from every alias's: a statement on an alias exposes the function as much as
//!   one on `$LATEST`, and the evidence names the alias. A function no service may invoke is
//!   not applicable.
//! - **Escalation** (`lambda.role-can-escalate`) is `domain::iam::escalation_paths`: an
//!   administrator fails here too; a role that may rewrite its own policy escalates even when
//!   the resource is named.
//! - **Code signing** is read per signing config, not per function; container images are not
//!   applicable (Lambda signs only .zip packages).

use crate::domain::arn::role_name;
use crate::domain::catalogue::{CheckDef, Context, Target, tf_ident};
use crate::domain::finding::{Category, Evidence, Finding, ResourceKind, Service, Severity};
use crate::domain::iam::{
    escalation_paths, function_role, grants_invoke, parse_policy, service_invoke_without_source,
    sid_of, statement_summary,
};
use crate::domain::inventory::{Area, Function, Inventory};
use crate::domain::values::{PackageType, UntrustedArtifact};

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "lambda.service-invoke-no-source",
        title: "A service may invoke the function on behalf of any account",
        severity: Severity::High,
        category: Category::Privilege,
        service: Service::Lambda,
        areas: &[Area::Functions],
        resource: ResourceKind::Function,
        rationale: "A resource-policy statement lets an AWS service principal (s3, sns, events, \
            apigateway, …) invoke the function with no aws:SourceArn, aws:SourceAccount or \
            aws:PrincipalOrgID condition. The service acts for whoever configures it: any \
            account's bucket, topic, rule or API can then trigger the function (the \
            confused-deputy problem).",
        fix: "Remove the permission and re-add it with --source-arn (and --source-account).",
        console: &[
            "Open the Lambda console in {region} → Functions → {name} ({where}).",
            "Configuration → Permissions → Resource-based policy statements → statement {statement_id} → Delete.",
            "Add permissions again for {service_principal} with the source ARN of the one bucket, topic, rule or API that should invoke it.",
        ],
        cli: "aws lambda remove-permission --function-name {name}{qualifier} --statement-id {statement_id} --region {region}\n\
            aws lambda add-permission --function-name {name}{qualifier} --statement-id {statement_id} --action lambda:InvokeFunction \
            --principal {service_principal} --source-arn SOURCE_ARN --source-account {account} --region {region}",
        terraform: "resource \"aws_lambda_permission\" \"{tf}\" {\n  statement_id   = \"{statement_id}\"\n  action         = \"lambda:InvokeFunction\"\n  function_name  = \"{name}\"\n  principal      = \"{service_principal}\"\n  source_arn     = \"SOURCE_ARN\"\n  source_account = \"{account}\"\n}",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/lambda/latest/dg/permissions-confused-deputy.html",
        evaluate: service_invoke_no_source,
    },
    CheckDef {
        id: "lambda.role-can-escalate",
        title: "Execution role can escalate its privileges",
        severity: Severity::Critical,
        category: Category::Privilege,
        service: Service::Lambda,
        areas: &[Area::Functions],
        resource: ResourceKind::Function,
        rationale: "The role grants a known IAM privilege-escalation path: it may pass a role to a \
            new function and run it, replace other functions' code, or rewrite IAM permissions \
            (its own included). Whoever controls the function's input or code controls \
            everything that path reaches.",
        fix: "Remove the escalation actions or scope them to named resources; add a permissions boundary.",
        console: &[
            "Open the IAM console → Roles → {role_name} → Permissions.",
            "Remove or scope the grants named in the evidence ({first_path}).",
            "Set a permissions boundary on the role that denies iam:* and lambda:Create*/Update*.",
        ],
        cli: "aws iam put-role-permissions-boundary --role-name {role_name} --permissions-boundary arn:aws:iam::{account}:policy/lambda-boundary\n\
            # then remove the escalation grants from the role's policies:\n\
            aws iam list-role-policies --role-name {role_name}\n\
            aws iam list-attached-role-policies --role-name {role_name}",
        terraform: "resource \"aws_iam_role\" \"{tf}\" {\n  name                 = \"{role_name}\"\n  permissions_boundary = aws_iam_policy.lambda_boundary.arn\n  # ... and no iam:PassRole on \"*\", lambda:Update* on other functions or iam:Put*/Attach* ...\n}",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html",
        evaluate: role_can_escalate,
    },
    CheckDef {
        id: "lambda.no-code-signing",
        title: "Function does not enforce code signing",
        severity: Severity::Low,
        category: Category::Hygiene,
        service: Service::Lambda,
        areas: &[Area::Functions],
        resource: ResourceKind::Function,
        rationale: "Without a code signing config that enforces signatures, anyone allowed to \
            update the function can deploy code that was never reviewed or built by your \
            pipeline. With UntrustedArtifactOnDeployment Warn, unsigned code is deployed anyway.",
        fix: "Create an AWS Signer profile and a code signing config with Enforce, and attach it.",
        console: &[
            "Open AWS Signer → Signing profiles → Create (platform AWS Lambda).",
            "Open the Lambda console in {region} → Code signing configurations → Create: that profile, Untrusted artifact action: Enforce.",
            "Functions → {name} → Configuration → Code signing → Edit → choose the config → Save.",
        ],
        cli: "aws lambda create-code-signing-config --allowed-publishers SigningProfileVersionArns=PROFILE_VERSION_ARN \
            --code-signing-policies UntrustedArtifactOnDeployment=Enforce --region {region}\n\
            aws lambda put-function-code-signing-config --function-name {name} --code-signing-config-arn CONFIG_ARN --region {region}",
        terraform: "resource \"aws_lambda_code_signing_config\" \"{tf}\" {\n  allowed_publishers {\n    signing_profile_version_arns = [aws_signer_signing_profile.this.version_arn]\n  }\n  policies {\n    untrusted_artifact_on_deployment = \"Enforce\"\n  }\n}\n\nresource \"aws_lambda_function\" \"{tf}\" {\n  # ... existing arguments ...\n  code_signing_config_arn = aws_lambda_code_signing_config.{tf}.arn\n}",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/lambda/latest/dg/configuration-codesigning.html",
        evaluate: no_code_signing,
    },
];

fn target(f: &Function) -> Target {
    Target::new(&f.region, &f.arn, &f.name).param("tf", tf_ident(&f.name))
}

/// The qualifier of a policy label (`alias live` → ` --qualifier live`).
fn qualifier_arg(label: &str) -> String {
    label
        .strip_prefix("alias ")
        .map(|a| format!(" --qualifier {a}"))
        .unwrap_or_default()
}

fn service_invoke_no_source(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.functions
        .iter()
        .map(|f| {
            let mut offending = Vec::new();
            let mut scoped = Vec::new();
            let mut gaps = Vec::new();
            if let Err(e) = &f.aliases {
                gaps.push(format!("aliases: {e}"));
            }
            for (label, policy) in f.policies() {
                match parse_policy(policy) {
                    Err(e) => gaps.push(format!("{label} resource policy: {e}")),
                    Ok(None) => {}
                    Ok(Some(doc)) => {
                        let bad = service_invoke_without_source(&doc);
                        for st in doc.statements.iter().filter(|st| {
                            grants_invoke(st) && !st.service_principals().is_empty()
                        }) {
                            if bad.contains(&st) {
                                offending.push((label.clone(), st.clone()));
                            } else {
                                scoped.push((label.clone(), st.clone()));
                            }
                        }
                    }
                }
            }
            let blank = target(f)
                .param("statement_id", "STATEMENT_ID")
                .param("service_principal", "SERVICE.amazonaws.com")
                .param("qualifier", "")
                .param("where", "$LATEST");
            if let Some((label, st)) = offending.first() {
                let t = target(f)
                    .param("statement_id", sid_of(st))
                    .param(
                        "service_principal",
                        st.service_principals().first().cloned().unwrap_or_default(),
                    )
                    .param("qualifier", qualifier_arg(label))
                    .param("where", label.as_str());
                let ev = offending
                    .iter()
                    .map(|(label, st)| {
                        Evidence::new(format!("{label} policy"), statement_summary(st))
                    })
                    .collect();
                let services: Vec<String> = offending
                    .iter()
                    .flat_map(|(_, st)| st.service_principals())
                    .collect();
                return def.fail(
                    inv,
                    &t,
                    format!(
                        "{} may invoke {} for any account: statement {} ({label}) has no aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID condition",
                        services.join(", "),
                        f.name,
                        sid_of(st)
                    ),
                    ev,
                );
            }
            if !gaps.is_empty() {
                return def.unknown(inv, &blank, gaps.join("; "));
            }
            if scoped.is_empty() {
                return def.not_applicable(inv, &blank, "no service principal may invoke the function");
            }
            let ev = scoped
                .iter()
                .map(|(label, st)| Evidence::new(format!("{label} policy"), statement_summary(st)))
                .collect();
            def.pass(
                inv,
                &blank,
                "every service grant names its source (aws:SourceArn, aws:SourceAccount or aws:PrincipalOrgID)",
                ev,
            )
        })
        .collect()
}

fn role_can_escalate(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.functions
        .iter()
        .map(|f| {
            let t = target(f).param("role_name", role_name(&f.role_arn));
            let role = match function_role(inv, f) {
                Ok(r) => r,
                Err(e) => return def.unknown(inv, &t.param("first_path", "the grants"), e),
            };
            let found = escalation_paths(role, &f.arn);
            let role_ev = Evidence::new("Role", &role.arn);
            let Some(first) = found.paths.first() else {
                let t = t.param("first_path", "none");
                if !found.unreadable.is_empty() {
                    return def.unknown(
                        inv,
                        &t,
                        format!(
                            "not every policy of {} could be read: {}",
                            role.name,
                            found.unreadable.join("; ")
                        ),
                    );
                }
                return def.pass(
                    inv,
                    &t,
                    format!("role {} grants no known escalation path", role.name),
                    vec![role_ev, Evidence::new("Escalation paths", "(none)")],
                );
            };
            let mut ev = vec![role_ev];
            ev.extend(
                found
                    .paths
                    .iter()
                    .map(|p| Evidence::new("Escalation path", p)),
            );
            def.fail(
                inv,
                &t.clone().param("first_path", first.as_str()),
                format!(
                    "role {} can escalate: {}{}",
                    role.name,
                    first,
                    match found.paths.len() {
                        1 => String::new(),
                        n => format!(
                            " (and {} more path{})",
                            n - 1,
                            if n == 2 { "" } else { "s" }
                        ),
                    }
                ),
                ev,
            )
        })
        .collect()
}

fn no_code_signing(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.functions
        .iter()
        .map(|f| {
            let t = target(f);
            if f.package_type == Some(PackageType::Image) {
                return def.not_applicable(
                    inv,
                    &t,
                    "container images are not signed through Lambda code signing",
                );
            }
            match &f.code_signing {
                Err(e) => def.unknown(inv, &t, e.clone()),
                Ok(None) => def.fail(
                    inv,
                    &t,
                    "no code signing config: any code can be deployed",
                    vec![Evidence::new("CodeSigningConfigArn", "(none)")],
                ),
                Ok(Some(cfg)) => {
                    let ev = vec![
                        Evidence::new("CodeSigningConfigArn", &cfg.config_arn),
                        Evidence::new(
                            "UntrustedArtifactOnDeployment",
                            cfg.untrusted_artifact_on_deployment.as_str(),
                        ),
                    ];
                    if cfg.untrusted_artifact_on_deployment == UntrustedArtifact::Enforce {
                        def.pass(inv, &t, "unsigned code is rejected (Enforce)", ev)
                    } else {
                        def.fail(
                            inv,
                            &t,
                            format!(
                                "code signing only warns ({}): unsigned code is deployed anyway",
                                cfg.untrusted_artifact_on_deployment
                            ),
                            ev,
                        )
                    }
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
