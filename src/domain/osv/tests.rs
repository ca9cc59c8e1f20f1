//! Unit tests of OSV matching and the version orders. The advisories are real ones (ids,
//! packages and ranges as OSV publishes them), trimmed to the fields matching reads.

use super::matching::Verdict;
use super::*;
use std::cmp::Ordering;

fn advisory(json: &str) -> Advisory {
    serde_json::from_str(json).expect("an OSV advisory")
}

/// GHSA-35jh-r3h4-6jhm (CVE-2021-23337): command injection in lodash before 4.17.21.
const LODASH: &str = r#"{
  "id": "GHSA-35jh-r3h4-6jhm",
  "modified": "2024-02-16T08:24:14Z",
  "aliases": ["CVE-2021-23337"],
  "summary": "Command Injection in lodash",
  "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H"}],
  "affected": [{
    "package": {"ecosystem": "npm", "name": "lodash"},
    "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]}]
  }],
  "database_specific": {"severity": "HIGH"}
}"#;

fn is_affected(a: &Advisory, eco: Ecosystem, name: &str, version: &str) -> bool {
    matches!(verdict(a, eco, name, version), Verdict::Affected { .. })
}

#[test]
fn introduced_zero_to_fixed_affects_everything_below_the_fix() {
    let a = advisory(LODASH);
    for v in ["0.1.0", "4.17.15", "4.17.20", "4.17.21-beta.1"] {
        assert!(is_affected(&a, Ecosystem::Npm, "lodash", v), "{v}");
    }
    for v in ["4.17.21", "4.17.22", "5.0.0"] {
        assert!(!is_affected(&a, Ecosystem::Npm, "lodash", v), "{v}");
    }
    assert_eq!(
        verdict(&a, Ecosystem::Npm, "lodash", "4.17.15"),
        Verdict::Affected {
            fixed: Some("4.17.21".into())
        }
    );
    // Another package, or the same name in another ecosystem, is not affected.
    assert!(!is_affected(&a, Ecosystem::Npm, "lodash-es", "4.17.15"));
    assert!(!is_affected(&a, Ecosystem::PyPI, "lodash", "4.17.15"));
}

#[test]
fn several_intervals_in_one_range() {
    let a = advisory(
        r#"{"id": "X-1", "affected": [{"package": {"ecosystem": "npm", "name": "p"},
        "ranges": [{"type": "SEMVER", "events": [
          {"introduced": "1.0.0"}, {"fixed": "1.0.2"}, {"introduced": "3.0.0"}, {"fixed": "3.2.5"}]}]}]}"#,
    );
    let cases = [
        ("0.9.9", false),
        ("1.0.0", true),
        ("1.0.1", true),
        ("1.0.2", false),
        ("2.9.0", false),
        ("3.0.0", true),
        ("3.2.4", true),
        ("3.2.5", false),
    ];
    for (v, want) in cases {
        assert_eq!(is_affected(&a, Ecosystem::Npm, "p", v), want, "{v}");
    }
    assert_eq!(
        verdict(&a, Ecosystem::Npm, "p", "3.1.0"),
        Verdict::Affected {
            fixed: Some("3.2.5".into())
        }
    );
}

#[test]
fn events_are_sorted_before_the_walk() {
    // The schema only recommends sorted events; these are out of order.
    let a = advisory(
        r#"{"id": "X-2", "affected": [{"package": {"ecosystem": "npm", "name": "p"},
        "ranges": [{"type": "SEMVER", "events": [
          {"fixed": "3.2.5"}, {"introduced": "3.0.0"}, {"fixed": "1.0.2"}, {"introduced": "1.0.0"}]}]}]}"#,
    );
    assert!(is_affected(&a, Ecosystem::Npm, "p", "1.0.1"));
    assert!(!is_affected(&a, Ecosystem::Npm, "p", "2.0.0"));
    assert!(is_affected(&a, Ecosystem::Npm, "p", "3.1.0"));
}

#[test]
fn last_affected_is_inclusive_and_fixed_is_not() {
    // The schema's own example: everything up to and including 2.1.214.
    let a = advisory(
        r#"{"id": "X-3", "affected": [{"package": {"ecosystem": "Maven", "name": "com.h2database:h2"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"last_affected": "2.1.214"}]}]}]}"#,
    );
    assert!(is_affected(
        &a,
        Ecosystem::Maven,
        "com.h2database:h2",
        "2.1.214"
    ));
    assert!(is_affected(
        &a,
        Ecosystem::Maven,
        "com.h2database:h2",
        "1.4.200"
    ));
    assert!(!is_affected(
        &a,
        Ecosystem::Maven,
        "com.h2database:h2",
        "2.2.220"
    ));
    // No fix is known.
    assert_eq!(
        verdict(&a, Ecosystem::Maven, "com.h2database:h2", "2.1.214"),
        Verdict::Affected { fixed: None }
    );
}

#[test]
fn limit_bounds_the_range_from_above() {
    let a = advisory(
        r#"{"id": "X-4", "affected": [{"package": {"ecosystem": "Go", "name": "example.com/m"},
        "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"limit": "1.5.0"}]}]}]}"#,
    );
    assert!(is_affected(&a, Ecosystem::Go, "example.com/m", "v1.4.9"));
    assert!(!is_affected(&a, Ecosystem::Go, "example.com/m", "v1.5.0"));
    assert!(!is_affected(&a, Ecosystem::Go, "example.com/m", "v0.9.0"));
    let star = advisory(
        r#"{"id": "X-5", "affected": [{"package": {"ecosystem": "Go", "name": "example.com/m"},
        "ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0"}, {"limit": "*"}]}]}]}"#,
    );
    assert!(is_affected(&star, Ecosystem::Go, "example.com/m", "v9.0.0"));
}

#[test]
fn an_explicit_versions_list_counts_too() {
    // PYSEC-2021-59 (urllib3 1.26.4's fix) lists its affected versions one by one.
    let a = advisory(
        r#"{"id": "PYSEC-2021-59", "aliases": ["CVE-2021-28363", "GHSA-5phf-pp7p-vc2r"],
        "affected": [{"package": {"ecosystem": "PyPI", "name": "urllib3"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1.26.0"}, {"fixed": "1.26.4"}]}],
        "versions": ["1.26.0", "1.26.1", "1.26.2", "1.26.3"]}]}"#,
    );
    assert!(is_affected(&a, Ecosystem::PyPI, "urllib3", "1.26.3"));
    assert!(!is_affected(&a, Ecosystem::PyPI, "urllib3", "1.26.4"));
    // Listed only (a range the matcher cannot read would still leave the list).
    let listed = advisory(
        r#"{"id": "X-6", "affected": [{"package": {"ecosystem": "PyPI", "name": "urllib3"},
        "versions": ["1.25.9"]}]}"#,
    );
    assert!(is_affected(&listed, Ecosystem::PyPI, "urllib3", "1.25.9"));
    assert!(!is_affected(&listed, Ecosystem::PyPI, "urllib3", "1.25.10"));
}

#[test]
fn withdrawn_advisories_affect_nothing() {
    let mut a = advisory(LODASH);
    a.withdrawn = Some("2024-01-01T00:00:00Z".into());
    assert_eq!(
        verdict(&a, Ecosystem::Npm, "lodash", "4.17.15"),
        Verdict::NotAffected
    );
}

#[test]
fn git_ranges_are_not_matched_against_package_versions() {
    let a = advisory(
        r#"{"id": "OSV-2020-1", "affected": [{"package": {"ecosystem": "npm", "name": "p"},
        "ranges": [{"type": "GIT", "repo": "https://example.com/r", "events": [{"introduced": "0"}]}]}]}"#,
    );
    assert_eq!(
        verdict(&a, Ecosystem::Npm, "p", "1.0.0"),
        Verdict::NotAffected
    );
}

#[test]
fn a_version_that_cannot_be_ordered_is_undecided_not_clean() {
    let a = advisory(LODASH);
    let v = verdict(&a, Ecosystem::Npm, "lodash", "latest");
    assert!(
        matches!(v, Verdict::Undecided(ref why) if why.contains("latest")),
        "{v:?}"
    );
}

#[test]
fn pypi_names_and_versions_follow_pep_503_and_pep_440() {
    // PYSEC-2021-142 (CVE-2020-14343): PyYAML before 5.4.
    let a = advisory(
        r#"{"id": "PYSEC-2021-142", "aliases": ["CVE-2020-14343"],
        "affected": [{"package": {"ecosystem": "PyPI", "name": "pyyaml"},
        "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "5.4"}]}]}]}"#,
    );
    assert!(is_affected(&a, Ecosystem::PyPI, "PyYAML", "5.3.1"));
    assert!(is_affected(&a, Ecosystem::PyPI, "pyYAML", "5.4b2"));
    assert!(is_affected(&a, Ecosystem::PyPI, "PyYAML", "5.4rc1"));
    assert!(!is_affected(&a, Ecosystem::PyPI, "PyYAML", "5.4"));
    assert!(!is_affected(&a, Ecosystem::PyPI, "PyYAML", "5.4.0"));
    assert!(!is_affected(&a, Ecosystem::PyPI, "pyyaml", "5.4.post1"));
    assert!(Ecosystem::PyPI.same_name("Zope.Interface", "zope-interface"));
    assert!(Ecosystem::PyPI.same_name("typing__extensions", "Typing-Extensions"));
}

#[test]
fn aliases_make_one_match() {
    let ghsa =
        advisory(r#"{"id": "GHSA-5phf-pp7p-vc2r", "aliases": ["CVE-2021-28363"], "affected": []}"#);
    let pysec = advisory(
        r#"{"id": "PYSEC-2021-59", "aliases": ["CVE-2021-28363", "GHSA-5phf-pp7p-vc2r"], "affected": []}"#,
    );
    let other = advisory(r#"{"id": "PYSEC-2023-192", "aliases": ["CVE-2023-43804"]}"#);
    let found = vec![
        (&ghsa, Some("1.26.4".to_string())),
        (&other, Some("1.26.17".to_string())),
        (&pysec, Some("1.26.4".to_string())),
    ];
    let matches = merge(found, Scheme::Pep440);
    assert_eq!(matches.len(), 2);
    let ids: Vec<Vec<&str>> = matches.iter().map(|m| m.ids()).collect();
    assert!(
        ids.contains(&vec!["PYSEC-2023-192", "CVE-2023-43804"]),
        "{ids:?}"
    );
    assert!(
        ids.contains(&vec![
            "GHSA-5phf-pp7p-vc2r",
            "PYSEC-2021-59",
            "CVE-2021-28363"
        ]),
        "{ids:?}"
    );
}

#[test]
fn merging_keeps_the_lowest_fix() {
    let a = advisory(r#"{"id": "A", "aliases": ["CVE-1"]}"#);
    let b = advisory(r#"{"id": "B", "aliases": ["CVE-1"]}"#);
    let m = merge(
        vec![(&a, Some("2.0.0".into())), (&b, Some("1.10.0".into()))],
        Scheme::SemVer,
    );
    assert_eq!(m.len(), 1);
    assert_eq!(m[0].fixed.as_deref(), Some("1.10.0"));
}

#[test]
fn ecosystems_read_as_osv_spells_them() {
    for e in Ecosystem::ALL {
        assert_eq!(Ecosystem::parse(e.osv_name()), Some(e));
    }
    assert_eq!(
        Ecosystem::parse("Maven:https://maven.google.com"),
        Some(Ecosystem::Maven)
    );
    assert_eq!(Ecosystem::parse("pypi"), None);
    assert_eq!(Ecosystem::parse("Debian:12"), None);
}

fn order(scheme: Scheme, ascending: &[&str]) {
    for pair in ascending.windows(2) {
        assert_eq!(
            scheme.compare(pair[0], pair[1]),
            Some(Ordering::Less),
            "{}: {} < {}",
            scheme.name(),
            pair[0],
            pair[1]
        );
        assert_eq!(
            scheme.compare(pair[1], pair[0]),
            Some(Ordering::Greater),
            "{}: {} > {}",
            scheme.name(),
            pair[1],
            pair[0]
        );
    }
}

#[test]
fn semver_precedence() {
    order(
        Scheme::SemVer,
        &[
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
            "1.0.1",
            "1.10.0",
            "2.0.0",
        ],
    );
    // Build metadata does not count; Go's `v` and `+incompatible` are read.
    assert_eq!(
        Scheme::SemVer.compare("1.0.0+build.1", "1.0.0"),
        Some(Ordering::Equal)
    );
    assert_eq!(
        Scheme::SemVer.compare("v2.0.0+incompatible", "2.0.0"),
        Some(Ordering::Equal)
    );
    order(
        Scheme::SemVer,
        &["v0.0.0-20210101000000-abcdefabcdef", "v0.0.1", "v0.1.0"],
    );
    assert_eq!(Scheme::SemVer.compare("1.0", "1.0.0"), None);
}

#[test]
fn pep440_order() {
    order(
        Scheme::Pep440,
        &[
            "1.0.dev1",
            "1.0a1",
            "1.0a2.dev1",
            "1.0a2",
            "1.0b1",
            "1.0rc1",
            "1.0",
            "1.0+local.1",
            "1.0.post1",
            "1.1",
            "1!0.5",
        ],
    );
    assert_eq!(
        Scheme::Pep440.compare("1.0", "1.0.0"),
        Some(Ordering::Equal)
    );
    assert_eq!(
        Scheme::Pep440.compare("1.0RC1", "1.0rc1"),
        Some(Ordering::Equal)
    );
}

#[test]
fn maven_order() {
    order(
        Scheme::Maven,
        &[
            "1.0-alpha-1",
            "1.0-alpha-2",
            "1.0-beta-1",
            "1.0-milestone-1",
            "1.0-rc-1",
            "1.0-SNAPSHOT",
            "1.0",
            "1.0-sp-1",
            "1.0-xyz",
            "1.0.1",
            "1.1",
            "2.13.4",
            "2.13.4.2",
            "2.14.0-rc1",
            "2.14.0",
        ],
    );
    for (a, b) in [
        ("1", "1.0"),
        ("1", "1.0.0"),
        ("1.0", "1.0-ga"),
        ("1.0", "1.0.final"),
        ("1.0", "1.0.RELEASE"),
        ("1.0-rc1", "1.0-cr1"),
        ("1.0a1", "1.0-alpha-1"),
    ] {
        assert_eq!(
            Scheme::Maven.compare(a, b),
            Some(Ordering::Equal),
            "{a} = {b}"
        );
    }
}

#[test]
fn rubygems_order() {
    order(
        Scheme::RubyGems,
        &[
            "1.0.a",
            "1.0.b1",
            "1.0.rc1",
            "1.0",
            "1.0.1",
            "1.9",
            "1.10",
            "2.0.0.pre.1",
            "2.0",
        ],
    );
    assert_eq!(
        Scheme::RubyGems.compare("1.0.0", "1"),
        Some(Ordering::Equal)
    );
    assert_eq!(Scheme::RubyGems.compare("not a version", "1"), None);
}

#[test]
fn nuget_order() {
    order(
        Scheme::NuGet,
        &[
            "1.0.0-alpha",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0",
            "1.0.0.1",
            "1.0.1",
            "13.0.1",
        ],
    );
    assert_eq!(
        Scheme::NuGet.compare("1.0.0-Beta", "1.0.0-beta"),
        Some(Ordering::Equal)
    );
    assert_eq!(
        Scheme::NuGet.compare("1.0", "1.0.0.0"),
        Some(Ordering::Equal)
    );
    assert_eq!(
        Scheme::NuGet.compare("1.0.0+abc", "1.0.0"),
        Some(Ordering::Equal)
    );
}

#[test]
fn severity_from_the_cvss_vector_then_the_database_word_then_high() {
    use super::severity::{base_score, of_advisory};
    use crate::domain::finding::Severity;
    // lodash's GHSA: CVSS 3.1 7.2, high.
    assert_eq!(of_advisory(&advisory(LODASH)), (Severity::High, Some(7.2)));
    assert_eq!(
        base_score("CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"),
        Some(9.8)
    );
    assert_eq!(base_score("AV:N/AC:L/Au:N/C:P/I:P/A:P"), Some(7.5));
    assert_eq!(
        base_score("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"),
        None
    );
    assert_eq!(base_score("CVSS:3.1/AV:X/AC:L"), None);
    // Only a CVSS 4.0 vector: the database's word.
    let v4 = advisory(
        r#"{"id": "GHSA-x", "severity": [{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}],
        "database_specific": {"severity": "MODERATE"}}"#,
    );
    assert_eq!(of_advisory(&v4), (Severity::Medium, None));
    // A per-package score counts when the advisory has none of its own.
    let per_package = advisory(
        r#"{"id": "X", "affected": [{"severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"}]}]}"#,
    );
    assert_eq!(of_advisory(&per_package), (Severity::Critical, Some(10.0)));
    // Nothing to go by: high.
    assert_eq!(
        of_advisory(&advisory(r#"{"id": "Y"}"#)),
        (Severity::High, None)
    );
}
