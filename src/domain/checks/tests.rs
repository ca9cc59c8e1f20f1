//! The catalogue as a whole: what every entry must carry, whatever its family. The list of
//! checks itself (ids, severities, categories, services) is the insta snapshot of
//! `parapet checks --format json` in `tests/snapshots`, and its agreement with the check
//! contract is `tests/catalogue.rs`; nothing here restates it.

use super::*;

#[test]
fn every_family_is_a_folder_named_by_its_id_prefix() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/domain/checks");
    let folders: std::collections::BTreeSet<String> = std::fs::read_dir(dir)
        .expect("read src/domain/checks")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    let families: std::collections::BTreeSet<String> =
        FAMILIES.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(
        folders, families,
        "a folder per family, a family per folder"
    );
    for (family, checks) in FAMILIES {
        assert!(!checks.is_empty(), "{family}");
        for c in *checks {
            assert_eq!(
                c.id.split_once('.').map(|(prefix, _)| prefix),
                Some(*family),
                "{} is listed under {family}",
                c.id
            );
        }
    }
}

#[test]
fn ids_are_unique_and_every_entry_is_complete() {
    let mut seen = std::collections::BTreeSet::new();
    for c in catalogue() {
        assert!(seen.insert(c.id), "{} twice", c.id);
        assert!(std::ptr::eq(find(c.id).unwrap(), *c), "{}", c.id);
        assert!(
            c.docs_url.starts_with("https://docs.aws.amazon.com/"),
            "{}",
            c.id
        );
        assert!(!c.areas.is_empty(), "{} reads no area", c.id);
        assert!(!c.title.is_empty() && !c.rationale.is_empty() && !c.fix.is_empty());
        assert!(
            !c.console.is_empty() && !c.cli.is_empty() && !c.terraform.is_empty(),
            "{} lacks a remediation",
            c.id
        );
    }
}
