//! Lambda runtime deprecation table.
//!
//! Dates are AWS's "deprecation" (end of support, phase 1) dates from the Lambda developer
//! guide, <https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html> (supported and
//! deprecated runtime tables, and the OS-only runtime page for `provided.al2`), as published
//! in 2026. AWS moves projected dates occasionally (the Amazon Linux 2 based runtimes were
//! extended); update the table when it does. Note `java8` (Amazon Linux 1) and `java8.al2` are
//! different runtimes, as are `provided` and `provided.al2`.

use time::{Date, Duration, Month};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RuntimeStatus {
    /// In the table with no deprecation date within [`WARNING_DAYS`].
    Supported,
    /// Deprecation is at most [`WARNING_DAYS`] days away.
    DeprecatingSoon { date: Date },
    /// The deprecation date is today or in the past.
    Deprecated { date: Date },
    /// Not in the table (a new runtime this build does not know, or a typo).
    Unlisted,
}

/// How far ahead an upcoming deprecation is reported.
pub const WARNING_DAYS: i64 = 90;

const fn d(year: i32, month: Month, day: u8) -> Option<Date> {
    match Date::from_calendar_date(year, month, day) {
        Ok(date) => Some(date),
        Err(_) => None,
    }
}

use Month::*;

/// Runtime identifier → deprecation date (`None`: supported with no announced date, e.g. a
/// runtime in preview).
pub const RUNTIMES: &[(&str, Option<Date>)] = &[
    // Node.js
    ("nodejs26.x", None),
    ("nodejs24.x", d(2028, April, 30)),
    ("nodejs22.x", d(2027, April, 30)),
    ("nodejs20.x", d(2026, April, 30)),
    ("nodejs18.x", d(2025, September, 1)),
    ("nodejs16.x", d(2024, June, 12)),
    ("nodejs14.x", d(2023, December, 4)),
    ("nodejs12.x", d(2023, March, 31)),
    ("nodejs10.x", d(2021, July, 30)),
    ("nodejs8.10", d(2020, March, 6)),
    ("nodejs6.10", d(2019, August, 12)),
    ("nodejs4.3", d(2020, March, 6)),
    ("nodejs4.3-edge", d(2019, April, 30)),
    ("nodejs", d(2016, October, 31)),
    // Python
    ("python3.15", None),
    ("python3.14", d(2029, June, 30)),
    ("python3.13", d(2029, June, 30)),
    ("python3.12", d(2028, October, 31)),
    ("python3.11", d(2027, June, 30)),
    ("python3.10", d(2026, October, 31)),
    ("python3.9", d(2025, December, 15)),
    ("python3.8", d(2024, October, 14)),
    ("python3.7", d(2023, December, 4)),
    ("python3.6", d(2022, July, 18)),
    ("python2.7", d(2021, July, 15)),
    // Java
    ("java25", d(2029, June, 30)),
    ("java21", d(2029, June, 30)),
    ("java17.al2023", d(2029, June, 30)),
    ("java11.al2023", d(2029, June, 30)),
    ("java8.al2023", d(2029, June, 30)),
    ("java17", d(2027, June, 30)),
    ("java11", d(2027, June, 30)),
    ("java8.al2", d(2027, June, 30)),
    ("java8", d(2024, January, 8)),
    // .NET
    ("dotnet10", d(2028, November, 14)),
    ("dotnet9", d(2026, November, 10)),
    ("dotnet8", d(2026, November, 10)),
    ("dotnet7", d(2024, May, 14)),
    ("dotnet6", d(2024, December, 20)),
    ("dotnet5.0", d(2022, May, 10)),
    ("dotnetcore3.1", d(2023, April, 3)),
    ("dotnetcore2.1", d(2022, January, 5)),
    ("dotnetcore2.0", d(2019, May, 30)),
    ("dotnetcore1.0", d(2019, July, 30)),
    // Ruby
    ("ruby4.0", d(2029, March, 31)),
    ("ruby3.4", d(2028, March, 31)),
    ("ruby3.3", d(2027, March, 31)),
    ("ruby3.2", d(2026, March, 31)),
    ("ruby2.7", d(2023, December, 7)),
    ("ruby2.5", d(2021, July, 30)),
    // Go and OS-only runtimes
    ("go1.x", d(2024, January, 8)),
    ("provided.al2023", d(2029, June, 30)),
    ("provided.al2", d(2026, July, 31)),
    ("provided", d(2024, January, 8)),
];

/// The deprecation date of a runtime, if the table has one.
pub fn deprecation_date(runtime: &str) -> Option<Date> {
    RUNTIMES
        .iter()
        .find(|(id, _)| id.eq_ignore_ascii_case(runtime.trim()))
        .and_then(|(_, date)| *date)
}

/// Status of `runtime` on `today`: deprecated on and after its date, deprecating soon within
/// [`WARNING_DAYS`] days before it.
pub fn status(runtime: &str, today: Date) -> RuntimeStatus {
    let Some((_, date)) = RUNTIMES
        .iter()
        .find(|(id, _)| id.eq_ignore_ascii_case(runtime.trim()))
    else {
        return RuntimeStatus::Unlisted;
    };
    match *date {
        None => RuntimeStatus::Supported,
        Some(date) if today >= date => RuntimeStatus::Deprecated { date },
        Some(date) if date - today <= Duration::days(WARNING_DAYS) => {
            RuntimeStatus::DeprecatingSoon { date }
        }
        Some(_) => RuntimeStatus::Supported,
    }
}

/// The newest runtime of the same language family (the one supported longest), to suggest as
/// the upgrade target: `python3.8` → `python3.14`, `go1.x` → `provided.al2023`.
pub fn suggested_runtime(runtime: &str) -> Option<&'static str> {
    let family = family(runtime)?;
    let mut best: Option<(&'static str, Date)> = None;
    for (id, date) in RUNTIMES {
        let Some(date) = *date else { continue };
        // Strictly later only: ties keep the first in table order (newest first).
        if family_of_id(id) == family && best.is_none_or(|(_, b)| date > b) {
            best = Some((id, date));
        }
    }
    best.map(|(id, _)| id)
}

fn family(runtime: &str) -> Option<&'static str> {
    let rt = runtime.trim().to_ascii_lowercase();
    [
        "python", "nodejs", "java", "dotnet", "ruby", "provided", "go",
    ]
    .into_iter()
    .find(|f| rt.starts_with(f))
    .map(|f| if f == "go" { "provided" } else { f })
}

fn family_of_id(id: &str) -> &'static str {
    family(id).unwrap_or("")
}

#[cfg(test)]
mod tests {
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
}
