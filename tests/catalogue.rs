//! The catalogue said once. The list of checks a reviewer reads is the insta snapshot of
//! `parapet checks --format json` (tests/snapshots/suite__catalogue__checks_json.snap);
//! `docs/CHECKS.md` is `parapet checks --format markdown`; and the catalogue keeps to the
//! check contract, whose copy is tests/data/contract (refreshed verbatim by
//! `scripts/sync-contract`): every check of the main catalogue exists with exactly its
//! severity and category, and a check of a later issue's file does once it is built.

use std::collections::BTreeMap;

use parapet::domain::checks::{self, catalogue};
use parapet::report;

const CONTRACT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/contract");

#[test]
fn the_catalogue_is_the_reviewed_snapshot() {
    insta::assert_snapshot!("checks_json", report::checks_json());
}

#[test]
fn docs_checks_md_is_the_generated_document() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/CHECKS.md");
    let text = std::fs::read_to_string(path).expect("docs/CHECKS.md exists");
    assert_eq!(
        text,
        report::checks_document(),
        "docs/CHECKS.md is out of date: run scripts/gen-readme"
    );
    for c in catalogue() {
        assert!(text.contains(&format!("### `{}`", c.id)), "{}", c.id);
    }
}

/// `| id | sev | cat | …` rows of a contract file: id → (severity, category).
fn contract_rows(path: &str) -> BTreeMap<String, (String, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let mut rows = BTreeMap::new();
    for line in text.lines() {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let [_, id, sev, cat, ..] = cells.as_slice() else {
            continue;
        };
        if !id.contains('.') || id.contains(' ') || *sev == "Sev" {
            continue;
        }
        let fresh = rows.insert(id.to_string(), (sev.to_string(), cat.to_string()));
        assert!(fresh.is_none(), "{id} twice in {path}");
    }
    rows
}

fn assert_as_contracted(id: &str, (sev, cat): &(String, String)) {
    let def = checks::find(id).unwrap_or_else(|| panic!("{id} is not in the catalogue"));
    assert_eq!(def.severity.as_str(), sev, "{id}: severity");
    assert_eq!(def.category.as_str(), cat, "{id}: category");
}

#[test]
fn every_contracted_check_is_built_as_contracted() {
    let main = contract_rows(&format!("{CONTRACT}/CHECKS.md"));
    assert!(main.len() >= 60, "rows read from CHECKS.md: {}", main.len());
    for (id, row) in &main {
        assert_as_contracted(id, row);
    }
    // The contracts of open issues: what is built must follow them already.
    let mut later = BTreeMap::new();
    for entry in std::fs::read_dir(format!("{CONTRACT}/checks")).expect("contract/checks") {
        let path = entry.expect("dir entry").path();
        later.extend(contract_rows(path.to_str().expect("utf-8 path")));
    }
    assert!(!later.is_empty(), "no rows in contract/checks");
    for (id, row) in &later {
        if checks::find(id).is_some() {
            assert_as_contracted(id, row);
        }
    }
}
