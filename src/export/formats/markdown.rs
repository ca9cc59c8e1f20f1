//! A Markdown summary for a pull-request comment or a CI step summary
//! (`$GITHUB_STEP_SUMMARY`): the score and grade, failing findings by severity, the failing
//! checks (at most [`MAX_CHECK_ROWS`], worst first) and the top fixes. Short by design: the
//! whole account is in the snapshot, not here.

use std::collections::BTreeMap;
use std::io::Write;

use crate::domain::checks;
use crate::domain::finding::{Finding, Severity, Status};
use crate::domain::snapshot::Snapshot;

/// Rows of the failing-checks table; the rest are counted in one line.
pub const MAX_CHECK_ROWS: usize = 15;
/// Fixes listed under "Top fixes".
const TOP_FIXES: usize = 5;
/// Resource names shown per failing check.
const NAMES_PER_CHECK: usize = 3;

/// One failing check: its severity, id and failing resources' names.
struct Failing<'a> {
    severity: Severity,
    check_id: &'a str,
    names: Vec<&'a str>,
}

impl Failing<'_> {
    /// What fixing it is worth: its weight times the resources it fails on.
    fn impact(&self) -> usize {
        self.severity.weight() as usize * self.names.len()
    }
}

pub(super) fn write(snapshot: &Snapshot, out: &mut dyn Write) -> std::io::Result<()> {
    out.write_all(render(snapshot).as_bytes())
}

/// The summary as it is written: resource names and messages come from the account, so no
/// control character but the line breaks reaches a terminal that shows the file.
pub fn render(snapshot: &Snapshot) -> String {
    crate::domain::text::printable(&render_raw(snapshot), &['\n']).into_owned()
}

/// Table-cell text: one line, pipes escaped.
pub fn cell(text: &str) -> String {
    text.replace(['\n', '\r'], " ").replace('|', "\\|")
}

/// An inline code span that cannot break out of itself.
/// `account `ID`` for one account, `N accounts` for several.
fn scope(snapshot: &Snapshot) -> String {
    match snapshot.accounts.as_slice() {
        [one] => format!("account {}", code(&one.id)),
        many => format!("{} accounts", many.len()),
    }
}

pub fn code(text: &str) -> String {
    format!("`{}`", cell(&text.replace('`', "'")))
}

fn failing(findings: &[Finding]) -> Vec<Failing<'_>> {
    let mut by_check: BTreeMap<&str, Failing> = BTreeMap::new();
    for f in findings.iter().filter(|f| f.shown() == Status::Fail) {
        let severity = checks::find(&f.check_id).map_or(f.severity, |d| d.severity);
        by_check
            .entry(&f.check_id)
            .or_insert(Failing {
                severity,
                check_id: &f.check_id,
                names: Vec::new(),
            })
            .names
            .push(&f.resource_name);
    }
    let mut out: Vec<Failing> = by_check.into_values().collect();
    out.sort_by(|a, b| {
        a.severity
            .cmp(&b.severity)
            .then(b.names.len().cmp(&a.names.len()))
            .then(a.check_id.cmp(b.check_id))
    });
    out
}

fn render_raw(snapshot: &Snapshot) -> String {
    let mut s = String::new();
    let score = match (snapshot.score.overall, &snapshot.score.grade) {
        (Some(n), Some(g)) => format!("score {n} ({g})"),
        _ => "no score yet".to_string(),
    };
    s.push_str(&format!("## Parapet · {} · {score}\n\n", scope(snapshot)));
    let at = snapshot
        .generated_at
        .format(&time::macros::format_description!(
            "[year]-[month]-[day] [hour]:[minute] UTC"
        ))
        .unwrap_or_default();
    let c = &snapshot.coverage;
    let mut line = format!(
        "{at} · {} · coverage {}% · {} pass · {} fail · {} unknown",
        match snapshot.regions.len() {
            1 => format!("region {}", snapshot.regions[0]),
            _ => format!("regions {}", snapshot.regions.join(", ")),
        },
        c.percent,
        c.pass,
        c.fail,
        c.unknown
    );
    if c.muted > 0 {
        line.push_str(&format!(" · {} muted (not scored)", c.muted));
    }
    s.push_str(&line);
    s.push_str("\n\n");

    let failing = failing(&snapshot.findings);
    if failing.is_empty() {
        s.push_str("No failing checks.\n");
        return s;
    }
    s.push_str("| Failing | critical | high | medium | low |\n|---|---:|---:|---:|---:|\n");
    let per = |count: &dyn Fn(&Failing) -> usize| -> String {
        Severity::ALL
            .iter()
            .map(|sev| {
                failing
                    .iter()
                    .filter(|f| f.severity == *sev)
                    .map(count)
                    .sum::<usize>()
                    .to_string()
            })
            .collect::<Vec<_>>()
            .join(" | ")
    };
    s.push_str(&format!("| checks | {} |\n", per(&|_| 1)));
    s.push_str(&format!("| findings | {} |\n\n", per(&|f| f.names.len())));

    s.push_str("### Failing checks\n\n| Severity | Check | Failing resources |\n|---|---|---|\n");
    for f in failing.iter().take(MAX_CHECK_ROWS) {
        let title = checks::find(f.check_id).map_or("", |d| d.title);
        let mut names: Vec<String> = f
            .names
            .iter()
            .take(NAMES_PER_CHECK)
            .map(|n| code(n))
            .collect();
        if f.names.len() > NAMES_PER_CHECK {
            names.push(format!("+{} more", f.names.len() - NAMES_PER_CHECK));
        }
        s.push_str(&format!(
            "| {} | {} — {} | {} |\n",
            f.severity.as_str(),
            code(f.check_id),
            cell(title),
            names.join(", ")
        ));
    }
    if failing.len() > MAX_CHECK_ROWS {
        s.push_str(&format!(
            "\n… and {} more failing checks: the snapshot (`parapet open`) has them all.\n",
            failing.len() - MAX_CHECK_ROWS
        ));
    }

    s.push_str("\n### Top fixes\n\n");
    let mut top: Vec<&Failing> = failing.iter().collect();
    top.sort_by(|a, b| {
        b.impact()
            .cmp(&a.impact())
            .then(a.severity.cmp(&b.severity))
    });
    for (i, f) in top.iter().take(TOP_FIXES).enumerate() {
        let fix = checks::find(f.check_id).map_or("see the check's documentation", |d| d.fix);
        s.push_str(&format!(
            "{}. **{}** ({}, {} resource{}): {}\n",
            i + 1,
            code(f.check_id),
            f.severity.as_str(),
            f.names.len(),
            if f.names.len() == 1 { "" } else { "s" },
            cell(fix)
        ));
    }
    s
}
