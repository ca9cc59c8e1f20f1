//! CSV: one row per finding under a header of [`COLUMNS`], quoted where a field needs it
//! (RFC 4180: commas, quotes, line breaks). The columns are a contract: new ones are only ever
//! appended.

use std::io::Write;

use super::{account_of, aws_resource_type, fsbp_controls, status_of};
use crate::domain::checks;
use crate::domain::finding::Finding;
use crate::domain::snapshot::Snapshot;

/// The header row, in order.
pub const COLUMNS: [&str; 20] = [
    "account_id",
    "region",
    "check_id",
    "title",
    "severity",
    "category",
    "service",
    "status",
    "muted",
    "mute_reason",
    "resource_type",
    "resource_id",
    "resource_name",
    "message",
    "fix",
    "remediation_cli",
    "fsbp",
    "prowler",
    "docs_url",
    "generated_at",
];

pub(super) fn write(snapshot: &Snapshot, out: &mut dyn Write) -> std::io::Result<()> {
    let at = snapshot
        .generated_at
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let mut w = ::csv::Writer::from_writer(out);
    w.write_record(COLUMNS)?;
    for f in &snapshot.findings {
        w.write_record(row(snapshot, &at, f))?;
    }
    w.flush()
}

fn row(snapshot: &Snapshot, at: &str, f: &Finding) -> [String; COLUMNS.len()] {
    let def = checks::find(&f.check_id);
    let (_, muted) = status_of(f);
    // Filled in (or read back) once for both columns.
    let remediation = f.remediation();
    [
        account_of(snapshot, f).to_string(),
        f.region.to_string(),
        f.check_id.to_string(),
        def.map_or("", |d| d.title).to_string(),
        f.severity.as_str().to_string(),
        f.category.as_str().to_string(),
        f.service.as_str().to_string(),
        f.status.as_str().to_string(),
        muted.to_string(),
        f.mute_text().unwrap_or_default().to_string(),
        aws_resource_type(f).to_string(),
        f.resource_id.to_string(),
        f.resource_name.to_string(),
        f.message.to_string(),
        remediation.summary.clone(),
        remediation.cli.clone(),
        fsbp_controls(&f.check_id).join(" "),
        def.and_then(|d| d.prowler).unwrap_or_default().to_string(),
        def.map_or("", |d| d.docs_url).to_string(),
        at.to_string(),
    ]
}
