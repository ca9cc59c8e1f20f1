//! CSV: one row per finding under a header of [`COLUMNS`], quoted where a field needs it
//! (RFC 4180: commas, quotes, line breaks). The columns are a contract: new ones are only ever
//! appended.

use std::io::Write;

use super::fields::{account_of, aws_resource_type, fsbp_controls, status_of};
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
    w.write_record(COLUMNS).map_err(io)?;
    for f in &snapshot.findings {
        let cells = row(snapshot, &at, f);
        w.write_record(cells.iter().map(|cell| safe_cell(cell).into_owned()))
            .map_err(io)?;
    }
    w.flush()
}

/// The I/O error a CSV error carries, itself (so a closed pipe stays a closed pipe); any
/// other CSV error as one.
fn io(e: ::csv::Error) -> std::io::Error {
    if e.is_io_error()
        && let ::csv::ErrorKind::Io(inner) = e.into_kind()
    {
        return inner;
    }
    std::io::Error::other("cannot write the CSV")
}

/// A cell a spreadsheet opens as text, never as a formula (OWASP's CSV injection advice: a
/// cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`),
/// and that cannot drive a terminal it is printed to (control characters but the line break
/// escaped). Resource names and messages are whatever the account's owner typed.
fn safe_cell(cell: &str) -> std::borrow::Cow<'_, str> {
    let text = crate::domain::text::printable(cell, &['\n']);
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{text}"))
    } else {
        text
    }
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

#[cfg(test)]
mod tests;
