//! AWS Security Finding Format, for `aws securityhub batch-import-findings`.
//!
//! The file holds one JSON document per line, each `{"Findings": [...]}` with at most
//! [`BATCH_SIZE`] findings (the API's limit), all of one region, so that each line is one call:
//!
//! ```sh
//! while IFS= read -r batch; do
//!   region=$(jq -r '.Findings[0].Region' <<<"$batch")
//!   aws securityhub batch-import-findings --region "$region" --cli-input-json "$batch"
//! done < findings.asff
//! ```
//!
//! `ProductArn` is the account's default product for its own findings,
//! `arn:<partition>:securityhub:<region>:<account>:product/<account>/default`; findings of
//! global resources (region `global`, no region) go with the snapshot's first region.
//! Compliance.Status is the real status: PASSED, FAILED or NOT_AVAILABLE (unknown, not
//! applicable; WARNING for a muted finding of an old snapshot, whose real status is lost);
//! Workflow.Status NEW, RESOLVED (pass, not applicable) or SUPPRESSED (muted). `tests/formats.rs` validates every batch of the demo export against the
//! BatchImportFindings input shape of botocore's Security Hub model
//! (`tests/support/formats.py`).

use std::collections::BTreeMap;
use std::io::Write;

use serde_json::{Value, json};

use super::fields::{account_of, aws_resource_type, fsbp_controls, partition, status_of};
use crate::domain::checks;
use crate::domain::finding::{Finding, Severity, Status};
use crate::domain::snapshot::Snapshot;

/// Findings per BatchImportFindings call, the API's maximum.
pub const BATCH_SIZE: usize = 100;
/// Limits of AwsSecurityFinding fields (Security Hub API reference).
const MAX_TITLE: usize = 256;
const MAX_DESCRIPTION: usize = 1024;
const MAX_ID: usize = 512;
const MAX_RECOMMENDATION: usize = 512;

pub(super) fn write(snapshot: &Snapshot, out: &mut dyn Write) -> std::io::Result<()> {
    let partition = partition(snapshot);
    let fallback = snapshot
        .regions
        .first()
        .cloned()
        .unwrap_or_else(|| "us-east-1".into());
    // Findings by the region they are imported into, in snapshot order within each.
    let mut by_region: BTreeMap<String, Vec<&Finding>> = BTreeMap::new();
    for f in &snapshot.findings {
        by_region
            .entry(import_region(f, &fallback))
            .or_default()
            .push(f);
    }
    for (region, findings) in &by_region {
        for batch in findings.chunks(BATCH_SIZE) {
            let batch: Vec<Value> = batch
                .iter()
                .map(|f| finding(snapshot, &partition, region, f))
                .collect();
            serde_json::to_writer(&mut *out, &json!({ "Findings": batch }))?;
            out.write_all(b"\n")?;
        }
    }
    Ok(())
}

/// The region a finding is imported into: its own, or `fallback` for a global resource.
fn import_region(f: &Finding, fallback: &str) -> String {
    let r = f.region.trim();
    if r.is_empty() || r == "global" || r.contains(' ') {
        fallback.to_string()
    } else {
        r.to_string()
    }
}

fn label(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "CRITICAL",
        Severity::High => "HIGH",
        Severity::Medium => "MEDIUM",
        Severity::Low => "LOW",
    }
}

/// `text` cut to at most `max` characters (on a character boundary, with an ellipsis).
fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max - 1).collect();
    s.push('…');
    s
}

/// ASFF text fields must hold a non-blank character.
fn non_blank(text: &str, fallback: &str) -> String {
    if text.trim().is_empty() {
        fallback.to_string()
    } else {
        text.to_string()
    }
}

fn finding(snapshot: &Snapshot, partition: &str, region: &str, f: &Finding) -> Value {
    let def = checks::find(&f.check_id);
    let account = account_of(snapshot, f);
    let at = snapshot
        .generated_at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let title = def.map_or(f.check_id.as_str(), |d| d.title);
    let (status, muted) = status_of(f);
    // A muted finding keeps its real compliance status and is suppressed in the workflow.
    let compliance = match status {
        Status::Pass => "PASSED",
        Status::Fail => "FAILED",
        Status::Unknown | Status::NotApplicable => "NOT_AVAILABLE",
        // Old snapshots stored muted findings without their real status.
        Status::Muted => "WARNING",
    };
    let workflow = match status {
        _ if muted => "SUPPRESSED",
        Status::Pass | Status::NotApplicable => "RESOLVED",
        _ => "NEW",
    };
    let types = vec!["Software and Configuration Checks/AWS Security Best Practices".to_string()];
    let mut value = json!({
        "SchemaVersion": "2018-10-08",
        "Id": cut(&format!("parapet/{}/{account}/{}/{}", f.check_id, f.region, f.resource_id), MAX_ID),
        "ProductArn": format!("arn:{partition}:securityhub:{region}:{account}:product/{account}/default"),
        "ProductName": "Parapet",
        "CompanyName": "Parapet",
        "GeneratorId": format!("parapet/{}", f.check_id),
        "AwsAccountId": account,
        "Region": region,
        "Types": types,
        "CreatedAt": at,
        "UpdatedAt": at,
        "Severity": {"Label": label(f.severity), "Original": f.severity.as_str()},
        "FindingProviderFields": {
            "Severity": {"Label": label(f.severity), "Original": f.severity.as_str()},
            "Types": types,
        },
        "Title": cut(title, MAX_TITLE),
        "Description": cut(&non_blank(&f.message, title), MAX_DESCRIPTION),
        "ProductFields": {
            "parapet/check_id": f.check_id,
            "parapet/status": f.status.as_str(),
            "parapet/category": f.category.as_str(),
            "parapet/resource_name": non_blank(&f.resource_name, &f.resource_id),
            "ProviderName": "Parapet",
            "ProviderVersion": snapshot.tool.version,
        },
        "Resources": [{
            "Type": aws_resource_type(f),
            "Id": non_blank(&f.resource_id, &f.resource_name),
            "Partition": partition,
            "Region": region,
        }],
        "Compliance": {"Status": compliance},
        "Workflow": {"Status": workflow},
        "RecordState": "ACTIVE",
    });
    let summary = f.remediation.summary();
    let fix = if summary.trim().is_empty() {
        def.map_or("", |d| d.fix)
    } else {
        &summary
    };
    if !fix.trim().is_empty() {
        let mut recommendation = json!({"Text": cut(fix, MAX_RECOMMENDATION)});
        if let Some(d) = def {
            recommendation["Url"] = json!(d.docs_url);
        }
        value["Remediation"] = json!({"Recommendation": recommendation});
    }
    let fsbp = fsbp_controls(&f.check_id);
    if !fsbp.is_empty() {
        value["Compliance"]["RelatedRequirements"] = json!(
            fsbp.iter()
                .map(|c| format!("AWS Foundational Security Best Practices {c}"))
                .collect::<Vec<_>>()
        );
    }
    if let Some(reason) = f.mute_text() {
        value["Note"] = json!({"Text": cut(reason, MAX_RECOMMENDATION), "UpdatedBy": "parapet", "UpdatedAt": at});
    }
    value
}
