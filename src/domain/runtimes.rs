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
mod tests;
