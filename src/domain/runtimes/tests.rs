use super::*;
use time::macros::date;

#[test]
fn every_table_date_is_valid_and_ids_are_unique() {
    for (id, _) in RUNTIMES {
        assert_eq!(
            RUNTIMES.iter().filter(|(other, _)| other == id).count(),
            1,
            "{id}"
        );
    }
    // Only preview runtimes lack a date; an invalid calendar date would also be None.
    let undated: Vec<_> = RUNTIMES
        .iter()
        .filter(|(_, date)| date.is_none())
        .map(|(id, _)| *id)
        .collect();
    assert_eq!(undated, ["nodejs26.x", "python3.15"]);
}

#[test]
fn long_deprecated_runtimes() {
    let today = date!(2026 - 01 - 15);
    for (rt, want) in [
        ("python2.7", date!(2021 - 07 - 15)),
        ("python3.6", date!(2022 - 07 - 18)),
        ("python3.7", date!(2023 - 12 - 04)),
        ("python3.8", date!(2024 - 10 - 14)),
        ("python3.9", date!(2025 - 12 - 15)),
        ("nodejs16.x", date!(2024 - 06 - 12)),
        ("nodejs18.x", date!(2025 - 09 - 01)),
        ("java8", date!(2024 - 01 - 08)),
        ("go1.x", date!(2024 - 01 - 08)),
        ("provided", date!(2024 - 01 - 08)),
        ("dotnet6", date!(2024 - 12 - 20)),
        ("dotnetcore3.1", date!(2023 - 04 - 03)),
        ("ruby2.7", date!(2023 - 12 - 07)),
    ] {
        assert_eq!(
            status(rt, today),
            RuntimeStatus::Deprecated { date: want },
            "{rt}"
        );
    }
}

#[test]
fn al2_variants_are_not_their_al1_namesakes() {
    let today = date!(2026 - 01 - 15);
    assert!(matches!(
        status("java8", today),
        RuntimeStatus::Deprecated { .. }
    ));
    assert_eq!(status("java8.al2", today), RuntimeStatus::Supported);
    assert!(matches!(
        status("provided", today),
        RuntimeStatus::Deprecated { .. }
    ));
    assert_eq!(status("provided.al2", today), RuntimeStatus::Supported);
    assert_eq!(status("provided.al2023", today), RuntimeStatus::Supported);
}

#[test]
fn deprecating_soon_is_within_ninety_days() {
    let date = date!(2026 - 03 - 31);
    // ruby3.2: 91 days before → supported, 90 days before → soon, on the day → deprecated.
    assert_eq!(
        status("ruby3.2", date - Duration::days(91)),
        RuntimeStatus::Supported
    );
    assert_eq!(
        status("ruby3.2", date - Duration::days(90)),
        RuntimeStatus::DeprecatingSoon { date }
    );
    assert_eq!(
        status("ruby3.2", date - Duration::days(1)),
        RuntimeStatus::DeprecatingSoon { date }
    );
    assert_eq!(status("ruby3.2", date), RuntimeStatus::Deprecated { date });
}

#[test]
fn supported_unlisted_and_case() {
    let today = date!(2026 - 01 - 15);
    assert_eq!(status("python3.13", today), RuntimeStatus::Supported);
    assert_eq!(status("nodejs22.x", today), RuntimeStatus::Supported);
    assert_eq!(status("nodejs26.x", today), RuntimeStatus::Supported);
    assert_eq!(status("Python3.13", today), RuntimeStatus::Supported);
    assert_eq!(status("cobol85", today), RuntimeStatus::Unlisted);
    assert_eq!(status("", today), RuntimeStatus::Unlisted);
    assert_eq!(deprecation_date("python3.9"), Some(date!(2025 - 12 - 15)));
    assert_eq!(deprecation_date("nodejs26.x"), None);
}

#[test]
fn suggestions_pick_the_longest_supported_of_the_family() {
    assert_eq!(suggested_runtime("python3.8"), Some("python3.14"));
    assert_eq!(suggested_runtime("nodejs16.x"), Some("nodejs24.x"));
    assert_eq!(suggested_runtime("java8"), Some("java25"));
    assert_eq!(suggested_runtime("dotnetcore3.1"), Some("dotnet10"));
    assert_eq!(suggested_runtime("ruby2.7"), Some("ruby4.0"));
    assert_eq!(suggested_runtime("go1.x"), Some("provided.al2023"));
    assert_eq!(suggested_runtime("provided"), Some("provided.al2023"));
    assert_eq!(suggested_runtime("cobol85"), None);
}
