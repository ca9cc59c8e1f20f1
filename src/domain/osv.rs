//! Known vulnerabilities from OSV (<https://osv.dev>): advisories in the OSV schema
//! (`advisory`), each ecosystem's version order (`versions`), whether an advisory affects a
//! package at a version (`matching`), how severe it is (`severity`), and a package list
//! judged against an ecosystem's advisories (`judge`). Pure: reading the database files is the caller's.

pub mod advisory;
pub mod judge;
pub mod matching;
pub mod severity;
pub mod versions;

pub use advisory::Advisory;
pub use judge::{Judge, Vulnerability};
pub use matching::{Match, Verdict, merge, verdict, vulnerabilities};
pub use versions::{Ecosystem, Scheme};

#[cfg(test)]
mod tests;
