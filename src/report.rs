//! Text renderings for the CLI: the check catalogue for `parapet checks` (table, JSON,
//! Markdown; the README's check list is the Markdown rendering, a test keeps them in sync),
//! the key list, the drift of `parapet diff` (text, JSON, Markdown) and error chains.

use serde::Serialize;

use crate::domain::catalogue::CheckDef;
use crate::domain::checks::catalogue;
use crate::domain::diff::{Change, Changed, Drift};
use crate::domain::finding::Category;

#[derive(Serialize)]
struct CheckJson<'a> {
    id: &'a str,
    title: &'a str,
    severity: &'a str,
    category: &'a str,
    service: &'a str,
    rationale: &'a str,
    fix: &'a str,
    fsbp: Option<&'a str>,
    prowler: Option<&'a str>,
    docs_url: &'a str,
}

fn ordered() -> Vec<&'static CheckDef> {
    let mut checks = catalogue().to_vec();
    // Category order of CHECKS.md, catalogue order within a category.
    checks.sort_by_key(|c| c.category);
    checks
}

pub fn checks_json() -> String {
    let rows: Vec<CheckJson> = ordered()
        .into_iter()
        .map(|c| CheckJson {
            id: c.id,
            title: c.title,
            severity: c.severity.as_str(),
            category: c.category.as_str(),
            service: c.service.as_str(),
            rationale: c.rationale,
            fix: c.fix,
            fsbp: c.fsbp,
            prowler: c.prowler,
            docs_url: c.docs_url,
        })
        .collect();
    serde_json::to_string_pretty(&rows).expect("catalogue serializes") + "\n"
}

pub fn checks_table() -> String {
    let checks = ordered();
    let id_w = checks.iter().map(|c| c.id.len()).max().unwrap_or(2).max(2);
    let mut out = format!(
        "{:<id_w$}  {:<8}  {:<10}  TITLE\n",
        "ID", "SEVERITY", "CATEGORY"
    );
    for c in &checks {
        out.push_str(&format!(
            "{:<id_w$}  {:<8}  {:<10}  {}\n",
            c.id,
            c.severity.as_str(),
            c.category.as_str(),
            c.title
        ));
    }
    out.push_str(&format!("\n{} checks\n", checks.len()));
    out
}

pub fn checks_markdown() -> String {
    let checks = ordered();
    let mut out = String::new();
    for cat in Category::ALL {
        let in_cat: Vec<_> = checks.iter().filter(|c| c.category == cat).collect();
        if in_cat.is_empty() {
            continue;
        }
        out.push_str(&format!("\n**{}** (`{}`)\n\n", cat.title(), cat.as_str()));
        out.push_str("| Id | Severity | Title | FSBP |\n|---|---|---|---|\n");
        for c in in_cat {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                c.id,
                c.severity.as_str(),
                c.title.replace('|', "\\|"),
                c.fsbp.unwrap_or("–")
            ));
        }
    }
    out.push_str(&format!("\n{} checks in all.\n", checks.len()));
    out
}

/// The default key bindings as a Markdown table (the README's key list), from the same
/// table that drives dispatch, the footer and `?` help.
pub fn keys_markdown() -> String {
    use crate::app::keymap::{KEY_DEFS, Scope};
    let mut out = String::from("| Keys | Does | Where | `keys.toml` name |\n|---|---|---|---|\n");
    let mut rows: Vec<(Vec<&str>, Vec<&str>, &crate::app::keymap::KeyDef)> = Vec::new();
    for def in KEY_DEFS {
        match rows.last_mut() {
            // The category jumps share one description: one row `1`…`9`.
            Some((keys, names, last)) if last.description == def.description => {
                keys.extend(def.keys.iter().copied());
                names.push(def.name);
            }
            _ => rows.push((def.keys.to_vec(), vec![def.name], def)),
        }
    }
    for (keys, names, def) in rows {
        let keys: Vec<String> = keys.iter().map(|k| format!("`{k}`")).collect();
        let names = match names.as_slice() {
            [one] => format!("`{one}`"),
            [first, .., last] => format!("`{first}` … `{last}`"),
            [] => String::new(),
        };
        let scopes: Vec<&str> = def
            .scopes
            .iter()
            .map(|s| match s {
                Scope::Global => "everywhere",
                other => other.title(),
            })
            .collect();
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            keys.join(" "),
            def.description.replace('|', "\\|"),
            scopes.join(", "),
            names
        ));
    }
    out
}

/// The quota table (`parapet quotas`, the README's): one row per bucket, with its rate, the
/// burst AWS documents, where the number comes from, and the calls that draw on it.
pub fn quotas_markdown() -> String {
    use crate::aws::quotas::{self, Source};
    let mut out = String::from(
        "| bucket | rate /s | burst | scope | calls | source |\n|---|---|---|---|---|---|\n",
    );
    for bucket in quotas::buckets() {
        let calls: Vec<String> = quotas::APIS
            .iter()
            .filter(|api| api.buckets.iter().any(|b| b.id == bucket.id))
            .map(|api| {
                let service = api.action.split(':').next().unwrap_or("");
                format!("{service} `{}`", api.operation)
            })
            .collect();
        let source = match bucket.source {
            Source::Documented { url, quote } => {
                format!("[AWS]({url}): \"{}\"", quote.replace('|', "\\|"))
            }
            Source::Inferred { url, why } => format!("inferred from [AWS]({url}): {why}"),
            Source::Default { why } => format!("no published number: {why}"),
        };
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} |\n",
            bucket.id,
            bucket.rate,
            bucket.burst.map_or("–".to_string(), |b| b.to_string()),
            if bucket.global {
                "account"
            } else {
                "account and region"
            },
            calls.join(", "),
            source
        ));
    }
    out
}

/// Changes listed per section in the Markdown drift (a pull-request comment stays short).
pub const DRIFT_MARKDOWN_ROWS: usize = 25;

fn score_text(score: Option<u32>, grade: Option<&str>) -> String {
    match (score, grade) {
        (Some(n), Some(g)) => format!("{n} ({g})"),
        _ => "–".to_string(),
    }
}

fn status_text(s: Option<crate::domain::finding::Status>) -> &'static str {
    s.map_or("absent", |s| s.as_str())
}

fn delta_text(delta: Option<i64>) -> String {
    match delta {
        Some(d) if d > 0 => format!("+{d}"),
        Some(d) => d.to_string(),
        None => "–".to_string(),
    }
}

fn counts_line(d: &Drift) -> String {
    Change::ALL
        .iter()
        .map(|c| format!("{} {}", d.counts[c], c.title().to_lowercase()))
        .collect::<Vec<_>>()
        .join(" · ")
}

/// The non-empty sections of a drift, in `Change::ALL` order; says "No finding changed." in
/// `out` when there are none.
fn sections<'a>(d: &'a Drift, out: &mut String) -> Vec<(Change, Vec<&'a Changed>)> {
    if d.changes.is_empty() {
        out.push_str("\nNo finding changed.\n");
    }
    Change::ALL
        .iter()
        .map(|c| (*c, d.of(*c).collect::<Vec<_>>()))
        .filter(|(_, items)| !items.is_empty())
        .collect()
}

/// `account` or `accounts`, for a comma-separated list of ids.
fn accounts_word(ids: &str) -> &'static str {
    if ids.contains(',') {
        "accounts"
    } else {
        "account"
    }
}

/// `parapet diff` as text: a header, then each non-empty section, one change a line; no
/// control character of the account's text (a resource name) reaches the terminal.
pub fn drift_text(d: &Drift) -> String {
    crate::domain::text::printable(&drift_text_raw(d), &['\n']).into_owned()
}

fn drift_text_raw(d: &Drift) -> String {
    let mut s = format!(
        "parapet diff: {} {} · {} → {}\n  score {} → {} ({}) · coverage {}% → {}% · findings {} → {}\n  {}\n",
        accounts_word(&d.new.account),
        d.new.account,
        d.old.generated_at,
        d.new.generated_at,
        score_text(d.old.score, d.old.grade.as_deref()),
        score_text(d.new.score, d.new.grade.as_deref()),
        delta_text(d.score_delta),
        d.old.coverage_percent,
        d.new.coverage_percent,
        d.old.findings,
        d.new.findings,
        counts_line(d),
    );
    for (change, items) in sections(d, &mut s) {
        s.push_str(&format!("\n{} ({})\n", change.title(), items.len()));
        for c in items {
            s.push_str(&format!(
                "  {:<8}  {}  {}  {}  {} → {}  {}\n",
                c.severity.as_str(),
                c.check_id,
                c.region,
                c.resource_name,
                status_text(c.old),
                status_text(c.new),
                c.message.replace('\n', " "),
            ));
        }
    }
    s
}

/// `parapet diff --format json`.
pub fn drift_json(d: &Drift) -> String {
    let mut s = serde_json::to_string_pretty(d).unwrap_or_default();
    s.push('\n');
    s
}

/// `parapet diff --format markdown`: for a pull-request comment.
pub fn drift_markdown(d: &Drift) -> String {
    crate::domain::text::printable(&drift_markdown_raw(d), &['\n']).into_owned()
}

fn drift_markdown_raw(d: &Drift) -> String {
    let cell = |t: &str| t.replace(['\n', '\r'], " ").replace('|', "\\|");
    let mut s = format!(
        "## Parapet drift · {} `{}` · score {} → {} ({})\n\n{} → {} · {}\n",
        accounts_word(&d.new.account),
        d.new.account,
        score_text(d.old.score, d.old.grade.as_deref()),
        score_text(d.new.score, d.new.grade.as_deref()),
        delta_text(d.score_delta),
        d.old.generated_at,
        d.new.generated_at,
        counts_line(d),
    );
    for (change, items) in sections(d, &mut s) {
        s.push_str(&format!(
            "\n### {} ({})\n\n| Severity | Check | Resource | Region | Was → is |\n|---|---|---|---|---|\n",
            change.title(),
            items.len()
        ));
        for c in items.iter().take(DRIFT_MARKDOWN_ROWS) {
            s.push_str(&format!(
                "| {} | `{}` | `{}` | {} | {} → {} |\n",
                c.severity.as_str(),
                c.check_id,
                cell(&c.resource_name).replace('`', "'"),
                c.region,
                status_text(c.old),
                status_text(c.new),
            ));
        }
        if items.len() > DRIFT_MARKDOWN_ROWS {
            s.push_str(&format!(
                "\n… and {} more (`parapet diff` lists them all).\n",
                items.len() - DRIFT_MARKDOWN_ROWS
            ));
        }
    }
    s
}

/// An error and its causes on one line, each cause said once: a cause whose text the message
/// already contains (an error that prints its source as part of itself) is not repeated.
pub fn error_chain(error: &(dyn std::error::Error + 'static)) -> String {
    crate::domain::text::printable(&error_chain_raw(error), &[]).into_owned()
}

fn error_chain_raw(error: &(dyn std::error::Error + 'static)) -> String {
    let mut line = error.to_string();
    let mut cause = error.source();
    while let Some(e) = cause {
        let text = e.to_string();
        if !line.contains(&text) {
            line.push_str(": ");
            line.push_str(&text);
        }
        cause = e.source();
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt;

    #[derive(Debug)]
    struct Outer {
        says_cause: bool,
        inner: std::io::Error,
    }

    impl fmt::Display for Outer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            if self.says_cause {
                write!(f, "x.json: {}", self.inner)
            } else {
                f.write_str("cannot set up the terminal")
            }
        }
    }

    impl std::error::Error for Outer {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.inner)
        }
    }

    #[test]
    fn each_cause_is_said_once() {
        let inner = || std::io::Error::other("not JSON: expected value at line 1 column 1");
        let said = Outer {
            says_cause: true,
            inner: inner(),
        };
        assert_eq!(
            error_chain(&said),
            "x.json: not JSON: expected value at line 1 column 1"
        );
        let context = Outer {
            says_cause: false,
            inner: inner(),
        };
        assert_eq!(
            error_chain(&context),
            "cannot set up the terminal: not JSON: expected value at line 1 column 1"
        );
    }
}
