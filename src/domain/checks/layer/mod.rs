//! What runs inside the layer versions functions use (opt-in: `--code`): dependencies with
//! known advisories and committed credentials, one finding per layer version listing the
//! functions that use it (see docs/CHECKS.md, "Code and layers").

use crate::domain::catalogue::{CheckDef, Context, Target, tf_ident};
use crate::domain::checks::code_report::{secrets_verdict, vulnerable_verdict, with_fix};
use crate::domain::finding::{Category, Evidence, Finding, ResourceKind, Service, Severity};
use crate::domain::inventory::{Area, Inventory, LayerCode};

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "layer.vulnerable-dependency",
        title: "Layer holds a dependency with a known vulnerability",
        severity: Severity::High,
        category: Category::Hygiene,
        service: Service::Lambda,
        areas: &[Area::Code, Area::Functions],
        resource: ResourceKind::Layer,
        rationale: "A package inside a layer version is at a version an OSV advisory affects, and \
            every function that uses the layer runs it. Layers are shared and rarely rebuilt, so \
            one stale layer spreads an old dependency across many functions. The finding's \
            severity is the worst advisory's.",
        fix: "Publish a fixed layer version, `aws lambda update-function-configuration --layers` on every function listed.",
        console: &[
            "Upgrade {package} to {fixed} in the layer's contents and rebuild layer.zip.",
            "Open the Lambda console in {region} → Layers → {layer_name} → Create version: upload layer.zip.",
            "For each function listed in the evidence ({functions}): Lambda console → the function → Layers → Edit → pick the new version.",
        ],
        cli: "aws lambda publish-layer-version --layer-name {layer_name} --zip-file fileb://layer.zip --region {region}\n# then, for each function listed ({functions}), with the new version's ARN:\naws lambda update-function-configuration --function-name FUNCTION --layers NEW_LAYER_VERSION_ARN --region {region}",
        terraform: "resource \"aws_lambda_layer_version\" \"{tf}\" {\n  layer_name          = \"{layer_name}\"\n  filename            = \"layer.zip\" # rebuilt with {package} {fixed}\n  source_code_hash    = filebase64sha256(\"layer.zip\")\n}\n# and on each function listed: layers = [aws_lambda_layer_version.{tf}.arn]",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/lambda/latest/dg/chapter-layers.html",
        evaluate: vulnerable_dependency,
    },
    CheckDef {
        id: "layer.secrets-in-package",
        title: "Layer holds a credential in its files",
        severity: Severity::Critical,
        category: Category::Secrets,
        service: Service::Lambda,
        areas: &[Area::Code, Area::Functions],
        resource: ResourceKind::Layer,
        rationale: "A credential committed in a layer is readable by anyone who may get the layer \
            version (lambda:GetLayerVersion, possibly other accounts) and ships inside every \
            function that uses it. Publish a layer version without it and rotate it.",
        fix: "Publish a layer version without it, rotate the credential.",
        console: &[
            "Rotate the credential named in the evidence at its issuer first.",
            "Remove it from the layer's files, rebuild layer.zip, and publish a new version (Lambda console in {region} → Layers → {layer_name} → Create version).",
            "Move every function listed ({functions}) to the new version, then delete version {layer_name} (Layers → the version → Delete).",
        ],
        cli: "aws lambda publish-layer-version --layer-name {layer_name} --zip-file fileb://layer.zip --region {region}\n# move each function listed ({functions}) to the new version, then:\naws lambda delete-layer-version --layer-name {layer_name} --version-number {layer_version} --region {region}",
        terraform: "resource \"aws_lambda_layer_version\" \"{tf}\" {\n  layer_name = \"{layer_name}\"\n  filename   = \"layer.zip\" # without the credential\n}",
        fsbp: None,
        prowler: Some("awslambda_layer_no_secrets_in_content"),
        docs_url: "https://docs.aws.amazon.com/lambda/latest/dg/chapter-layers.html",
        evaluate: secrets_in_package,
    },
];

/// The target of a layer version's finding, with the functions (of its region) that use it.
fn target(inv: &Inventory, layer: &LayerCode) -> (Target, Vec<String>) {
    let users: Vec<String> = inv
        .functions
        .iter()
        .filter(|f| f.region == layer.region && f.layers.contains(&layer.arn))
        .map(|f| f.name.clone())
        .collect();
    let name = layer.name();
    let (layer_name, version) = name.rsplit_once(':').unwrap_or((name, ""));
    let first = layer
        .report
        .as_ref()
        .ok()
        .and_then(|r| r.vulnerabilities.first());
    let t = with_fix(
        Target::new(&layer.region, &layer.arn, name)
            .param("tf", tf_ident(layer_name))
            .param("layer_name", layer_name)
            .param("layer_version", version)
            .param("functions", users.join(", ")),
        first,
    );
    (t, users)
}

fn per_layer(
    def: &CheckDef,
    inv: &Inventory,
    verdict: fn(
        &CheckDef,
        &Inventory,
        &Target,
        &crate::domain::inventory::Fetched<std::sync::Arc<crate::domain::inventory::CodeReport>>,
        &str,
    ) -> Finding,
) -> Vec<Finding> {
    inv.layer_code
        .iter()
        .map(|layer| {
            let (t, users) = target(inv, layer);
            let mut f = verdict(def, inv, &t, &layer.report, "layer");
            f.evidence
                .extend(users.iter().map(|u| Evidence::new("Used by", u.as_str())));
            f
        })
        .collect()
}

fn vulnerable_dependency(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_layer(def, inv, vulnerable_verdict)
}

fn secrets_in_package(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_layer(def, inv, secrets_verdict)
}

#[cfg(test)]
mod tests;
