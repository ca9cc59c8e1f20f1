//! OCSF 1.5.0 Detection Finding (class_uid 2004), one per finding, in the conventions Prowler
//! uses for its OCSF output (so the same Security Lake / SIEM mappings read both):
//!
//! - `activity_id` 1 (Create), `type_uid` 200401; `severity_id` critical 5 … low 2;
//! - `status_code` is the finding's real status in capitals (`PASS`, `FAIL`, `UNKNOWN`,
//!   `NOT_APPLICABLE`; `MUTED` only for an old snapshot's muted finding, whose real status is
//!   lost);
//!   `status_id` 1 (New), or 3 (Suppressed) for a muted finding; `status_detail` the message;
//! - `finding_info.uid` = `<check id>/<account>/<region>/<resource id>` (the check id is its
//!   prefix), `finding_info.analytic` the check;
//! - `resources[0]`: `uid` the resource's ARN (or id), `type` as Security Hub names it,
//!   `region`, `name`, `group.name` the service; the account is `cloud.account.uid`;
//! - `remediation.desc` the fix, `references` the check's documentation;
//! - compliance references (the FSBP control, the Prowler check) in `unmapped.compliance`,
//!   as Prowler does: the Detection Finding class has no compliance object.
//!
//! `tests/formats.rs` validates the demo export finding by finding with py-ocsf-models
//! (`tests/support/formats.py`).

use std::io::Write;

use serde_json::{Value, json};

use super::fields::{account_of, aws_resource_type, fsbp_controls, partition, status_of};
use crate::domain::checks;
use crate::domain::finding::{Finding, Severity, Status};
use crate::domain::snapshot::Snapshot;

pub const OCSF_VERSION: &str = "1.5.0";

pub(super) fn write(snapshot: &Snapshot, out: &mut dyn Write) -> std::io::Result<()> {
    let partition = partition(snapshot);
    out.write_all(b"[")?;
    for (i, f) in snapshot.findings.iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, &finding(snapshot, &partition, f))?;
    }
    out.write_all(b"\n]\n")
}

fn severity_id(s: Severity) -> u8 {
    match s {
        Severity::Critical => 5,
        Severity::High => 4,
        Severity::Medium => 3,
        Severity::Low => 2,
    }
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "Critical",
        Severity::High => "High",
        Severity::Medium => "Medium",
        Severity::Low => "Low",
    }
}

fn finding(snapshot: &Snapshot, partition: &str, f: &Finding) -> Value {
    let def = checks::find(&f.check_id);
    let title = def.map_or(f.check_id.as_str(), |d| d.title);
    let time = snapshot.generated_at.unix_timestamp();
    let time_dt = snapshot
        .generated_at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let account = account_of(snapshot, f);
    let (status, muted) = status_of(f);
    let status_code = match status {
        Status::Pass => "PASS",
        Status::Fail => "FAIL",
        Status::Unknown => "UNKNOWN",
        Status::NotApplicable => "NOT_APPLICABLE",
        Status::Muted => "MUTED",
    };
    let mut compliance = serde_json::Map::new();
    let fsbp = fsbp_controls(&f.check_id);
    if !fsbp.is_empty() {
        compliance.insert(
            "AWS-Foundational-Security-Best-Practices".into(),
            json!(fsbp),
        );
    }
    if let Some(p) = def.and_then(|d| d.prowler) {
        compliance.insert("Prowler".into(), json!([p]));
    }
    let mut references = Vec::new();
    if let Some(d) = def {
        references.push(d.docs_url.to_string());
    }
    let remediation = if f.remediation.summary().trim().is_empty() {
        def.map_or_else(
            || "See the check's documentation.".to_string(),
            |d| d.fix.to_string(),
        )
    } else {
        f.remediation.summary().to_string()
    };
    let mut value = json!({
        "activity_id": 1,
        "activity_name": "Create",
        "category_uid": 2,
        "category_name": "Findings",
        "class_uid": 2004,
        "class_name": "Detection Finding",
        "type_uid": 200401,
        "type_name": "Detection Finding: Create",
        "severity_id": severity_id(f.severity),
        "severity": severity_name(f.severity),
        "status_id": if muted { 3 } else { 1 },
        "status": if muted { "Suppressed" } else { "New" },
        "status_code": status_code,
        "status_detail": f.message,
        "message": f.message,
        "time": time,
        "time_dt": time_dt,
        "metadata": {
            "event_code": f.check_id,
            "product": {
                "name": "Parapet",
                "uid": "parapet",
                "vendor_name": "Parapet",
                "version": snapshot.tool.version,
            },
            "profiles": ["cloud", "datetime"],
            "version": OCSF_VERSION,
        },
        "finding_info": {
            "uid": format!("{}/{account}/{}/{}", f.check_id, f.region, f.resource_id),
            "title": title,
            "desc": def.map_or("", |d| d.rationale),
            "types": [f.category.as_str()],
            "created_time": time,
            "created_time_dt": time_dt,
            "analytic": {
                "uid": f.check_id,
                "name": title,
                "type": "Rule",
                "type_id": 1,
                "category": f.service.as_str(),
            },
        },
        "resources": [{
            "uid": f.resource_id,
            "name": f.resource_name,
            "type": aws_resource_type(f),
            "region": f.region,
            "cloud_partition": partition,
            "group": {"name": f.service.as_str()},
        }],
        "cloud": {
            "account": {
                "uid": account,
                "name": snapshot.account(account).map_or(account, |a| a.label()),
                "type": "AWS Account",
                "type_id": 10,
            },
            "provider": "aws",
            "region": f.region,
        },
        "remediation": {
            "desc": remediation,
            "references": references,
        },
        "unmapped": {
            "compliance": compliance,
            "category": f.category.as_str(),
            "evidence": f.evidence.iter().map(|e| json!({"field": e.field, "value": e.value})).collect::<Vec<_>>(),
        },
    });
    if let Some(reason) = f.mute_text() {
        value["unmapped"]["mute_reason"] = json!(reason);
    }
    value
}
