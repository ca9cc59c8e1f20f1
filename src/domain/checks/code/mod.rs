//! What runs inside a function's own deployment package (opt-in: `--code`): dependencies
//! with known advisories and credentials committed in its files (see docs/CHECKS.md, "Code
//! and layers"). The code area reads each package once; these checks judge what it left in
//! `Inventory::function_code`. Without it (no `--code`) they have no findings at all.

use crate::domain::catalogue::{CheckDef, Context, Target, tf_ident};
use crate::domain::checks::code_report::{is_image, secrets_verdict, vulnerable_verdict, with_fix};
use crate::domain::finding::{Category, Finding, ResourceKind, Service, Severity};
use crate::domain::inventory::{Area, Inventory};

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "code.vulnerable-dependency",
        title: "Function package holds a dependency with a known vulnerability",
        severity: Severity::High,
        category: Category::Hygiene,
        service: Service::Lambda,
        areas: &[Area::Code, Area::Functions],
        resource: ResourceKind::Function,
        rationale: "A package in the function's deployment package is at a version an OSV \
            advisory affects. Known-vulnerable dependencies are how most injection and \
            deserialization bugs reach a function: the exploit is public, and the function runs \
            it with its role's permissions. The finding's severity is the worst advisory's; \
            the fix is the first version that is not affected.",
        fix: "Upgrade the package to the fixed version, rebuild, and `aws lambda update-function-code`.",
        console: &[
            "Upgrade {package} to {fixed} in the function's dependencies (package.json, requirements.txt, pom.xml, go.mod…) and rebuild the package.",
            "Open the Lambda console in {region} → Functions → {name} → Code → Upload from → .zip file: the rebuilt package.",
            "Re-run Parapet with --code: the finding passes once no affected version is left.",
        ],
        cli: "# upgrade {package} to {fixed} and rebuild function.zip, then:\naws lambda update-function-code --function-name {name} --zip-file fileb://function.zip --region {region}",
        terraform: "resource \"aws_lambda_function\" \"{tf}\" {\n  function_name    = \"{name}\"\n  filename         = \"function.zip\" # rebuilt with {package} {fixed}\n  source_code_hash = filebase64sha256(\"function.zip\")\n}",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/lambda/latest/dg/configuration-function-zip.html",
        evaluate: vulnerable_dependency,
    },
    CheckDef {
        id: "code.secrets-in-package",
        title: "Function package holds a credential in its files",
        severity: Severity::Critical,
        category: Category::Secrets,
        service: Service::Lambda,
        areas: &[Area::Code, Area::Functions],
        resource: ResourceKind::Function,
        rationale: "A credential committed in the function's code (a config file, a constant) is \
            readable by anyone who can download the package (lambda:GetFunction), lives in every \
            copy and build artifact, and cannot be rotated without a deploy. Read it from \
            Secrets Manager at runtime instead. Inside dependency folders only an AWS key pair or \
            a private key block counts: packages ship test fixtures.",
        fix: "Remove the secret from the code, read it from Secrets Manager at runtime, rotate it NOW.",
        console: &[
            "Rotate the credential named in the evidence at its issuer first: it has been readable by anyone able to download {name}'s code.",
            "Store the new value in Secrets Manager (Secrets Manager console in {region} → Store a new secret).",
            "Remove it from the file named in the evidence, read the secret at runtime, rebuild and upload the package (Lambda console → {name} → Code).",
        ],
        cli: "# 1. rotate the credential at its issuer, then store the new one:\naws secretsmanager create-secret --name {name}/credential --secret-string file://new-credential.txt --region {region}\n# 2. remove it from the package's files, read the secret at runtime, rebuild, then:\naws lambda update-function-code --function-name {name} --zip-file fileb://function.zip --region {region}",
        terraform: "resource \"aws_secretsmanager_secret\" \"{tf}\" {\n  name = \"{name}/credential\"\n}\n\nresource \"aws_lambda_function\" \"{tf}\" {\n  function_name = \"{name}\"\n  filename      = \"function.zip\" # without the credential\n  environment {\n    variables = { CREDENTIAL_SECRET_ARN = aws_secretsmanager_secret.{tf}.arn }\n  }\n}",
        fsbp: None,
        prowler: Some("awslambda_function_no_secrets_in_code"),
        docs_url: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html",
        evaluate: secrets_in_package,
    },
];

/// The finding of `judge` for every function the code area read; `not_applicable` for an
/// image-packaged function of a region it read.
fn per_function(
    def: &CheckDef,
    inv: &Inventory,
    judge: fn(&CheckDef, &Inventory, &Target, &crate::domain::inventory::FunctionCode) -> Finding,
) -> Vec<Finding> {
    let index = inv.code_index();
    inv.functions
        .iter()
        .filter_map(|f| {
            let code = index.function(f);
            let first = code
                .and_then(|c| c.report.as_ref().ok())
                .and_then(|r| r.vulnerabilities.first());
            let t = with_fix(
                Target::new(&f.region, &f.arn, &f.name).param("tf", tf_ident(&f.name)),
                first,
            );
            match code {
                Some(code) => Some(judge(def, inv, &t, code)),
                None if is_image(f) && index.ran_in(&f.region) => Some(def.not_applicable(
                    inv,
                    &t,
                    "an image-packaged function: its code is in a container registry",
                )),
                None => None,
            }
        })
        .collect()
}

fn vulnerable_dependency(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_function(def, inv, |def, inv, t, code| {
        vulnerable_verdict(def, inv, t, &code.report, "function's package")
    })
}

fn secrets_in_package(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_function(def, inv, |def, inv, t, code| {
        secrets_verdict(def, inv, t, &code.report, "function's package")
    })
}

#[cfg(test)]
mod tests;
