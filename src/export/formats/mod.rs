//! The output formats of `parapet scan --format` and `parapet --demo --export --format`: the
//! snapshot JSON, and what security teams feed into other tools — OCSF 1.5.0 Detection
//! Findings (Security Lake, SIEMs), ASFF batches (`aws securityhub batch-import-findings`), CSV
//! (spreadsheets) and a Markdown summary (pull-request comments, CI step summaries).
//!
//! Each writer streams one snapshot into a `Write`; the caller writes files atomically with
//! mode 0600 (`crate::export::write_as`). Every format is built from the findings alone, which
//! carry no secret value (the detectors keep at most a masked prefix), so no format can leak
//! one.

mod asff;
mod csv;
pub mod cyclonedx;
mod fields;
mod markdown;
mod ocsf;

use std::io::Write;

use crate::domain::listed::listed_enum;
use crate::domain::snapshot::Snapshot;

pub use asff::BATCH_SIZE as ASFF_BATCH_SIZE;
pub use csv::COLUMNS as CSV_COLUMNS;
pub use markdown::MAX_CHECK_ROWS as MARKDOWN_MAX_CHECK_ROWS;
pub use markdown::{cell as markdown_cell, code as markdown_code};

listed_enum! {
    /// An output format.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum Format {
        /// The snapshot (`schema/snapshot.schema.json`), which `parapet open` reads.
        Json,
        /// A JSON array of OCSF 1.5.0 Detection Findings (class_uid 2004), one per finding.
        Ocsf,
        /// AWS Security Finding Format: one `{"Findings": [...]}` document per line, at most 100
        /// findings of one region each, for `aws securityhub batch-import-findings --cli-input-json`.
        Asff,
        /// One row per finding, [`CSV_COLUMNS`].
        Csv,
        /// A short summary for a pull-request comment or a CI step summary.
        Markdown,
    }
}

impl Format {
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Ocsf => "ocsf",
            Format::Asff => "asff",
            Format::Csv => "csv",
            Format::Markdown => "markdown",
        }
    }

    /// What the summary line calls the written file.
    pub fn noun(self) -> &'static str {
        match self {
            Format::Json => "snapshot",
            Format::Ocsf => "OCSF findings",
            Format::Asff => "ASFF batches",
            Format::Csv => "CSV",
            Format::Markdown => "Markdown summary",
        }
    }
}

/// Writes `snapshot` to `out` in `format`.
pub fn write(snapshot: &Snapshot, format: Format, out: &mut dyn Write) -> std::io::Result<()> {
    match format {
        Format::Json => snapshot
            .write_json_pretty(out)
            .map_err(std::io::Error::from),
        Format::Ocsf => ocsf::write(snapshot, out),
        Format::Asff => asff::write(snapshot, out),
        Format::Csv => csv::write(snapshot, out),
        Format::Markdown => markdown::write(snapshot, out),
    }
}
