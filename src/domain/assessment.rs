//! An assessment: the findings of the whole catalogue over an inventory, with user mutes
//! applied, and the score. The only thing front ends read.

use serde::{Deserialize, Serialize};

use super::catalogue::Context;
use super::checks;
use super::finding::{Finding, MuteMark, Severity};
use super::inventory::Inventory;
use super::mutelist::Mutelist;
use super::score::{self, Score};

/// A user's decision to suppress a check (for one resource, or all with `resource: None`),
/// optionally until a date.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Mute {
    pub check_id: String,
    /// Matches a finding's resource_id or resource_name; `None` mutes the check everywhere.
    #[serde(default)]
    pub resource: Option<String>,
    pub reason: String,
    /// `YYYY-MM-DD`: from that day on the mute no longer applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Where it comes from (a mutes file's path, `config.toml`, a Prowler mutelist).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Mute {
    pub fn matches(&self, f: &Finding) -> bool {
        self.check_id == f.check_id
            && self
                .resource
                .as_ref()
                .is_none_or(|r| *r == f.resource_id || *r == f.resource_name)
    }

    /// The expiry date, when there is a valid one.
    pub fn expiry(&self) -> Option<time::Date> {
        self.expires.as_deref().and_then(parse_date)
    }

    /// Whether the mute has stopped applying on `today` (it applies until the day before its
    /// expiry date).
    pub fn is_expired(&self, today: time::Date) -> bool {
        self.expiry().is_some_and(|d| today >= d)
    }

    pub fn mark(&self) -> MuteMark {
        MuteMark {
            reason: self.reason.clone(),
            expires: self.expires.clone(),
            source: self.source.clone(),
        }
    }
}

/// A `YYYY-MM-DD` date.
pub fn parse_date(text: &str) -> Option<time::Date> {
    time::Date::parse(
        text.trim(),
        &time::macros::format_description!("[year]-[month]-[day]"),
    )
    .ok()
}

#[derive(Clone, Debug, PartialEq)]
pub struct Assessment {
    pub findings: Vec<Finding>,
    pub score: Score,
}

impl Assessment {
    pub fn evaluate(inventory: &Inventory, ctx: &Context, mutes: &[Mute]) -> Assessment {
        let mut findings = checks::evaluate_all(inventory, ctx);
        apply_mutes(&mut findings, mutes, ctx.now.date());
        Assessment::from_findings(findings)
    }

    /// Applies a Prowler mutelist for `account` over the mutes already in place, and scores
    /// again.
    pub fn with_mutelist(self, list: Option<&Mutelist>, account: &str) -> Assessment {
        match list {
            None => self,
            Some(list) => {
                let mut findings = self.findings;
                list.apply(account, &mut findings);
                Assessment::from_findings(findings)
            }
        }
    }

    /// Scores findings by their checks' catalogue severities.
    pub fn from_findings(findings: Vec<Finding>) -> Assessment {
        Assessment::from_findings_with(findings, &|id| checks::find(id).map(|c| c.severity))
    }

    /// Scores findings with the given check severities (a snapshot's stored weights).
    pub fn from_findings_with(
        findings: Vec<Finding>,
        severity_of: &dyn Fn(&str) -> Option<Severity>,
    ) -> Assessment {
        let score = score::score(&findings, severity_of);
        Assessment { findings, score }
    }
}

/// Marks the findings a mute in force on `today` matches (the first that matches wins); their
/// status stays the real one. A finding only expired mutes match says so in `mute_expired`.
/// Marks already on a finding (a snapshot's, as loaded) stay.
pub fn apply_mutes(findings: &mut [Finding], mutes: &[Mute], today: time::Date) {
    for f in findings.iter_mut() {
        if f.is_muted() {
            continue;
        }
        let matching: Vec<&Mute> = mutes.iter().filter(|m| m.matches(f)).collect();
        for m in matching {
            if m.is_expired(today) {
                if f.mute_expired.is_none() {
                    f.mute_expired = Some(Box::new(m.mark()));
                }
            } else {
                f.mute = Some(Box::new(m.mark()));
                f.mute_expired = None;
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::finding::Status;
    use time::macros::date;

    fn f(check: &str, resource: &str, status: Status) -> Finding {
        Finding::sample(check, "us-east-1", resource, status)
    }

    fn mute(check: &str, resource: Option<&str>, expires: Option<&str>) -> Mute {
        Mute {
            check_id: check.into(),
            resource: resource.map(str::to_string),
            reason: format!("accepted: {check}"),
            expires: expires.map(str::to_string),
            source: Some("mutes.toml".into()),
        }
    }

    #[test]
    fn a_muted_finding_keeps_its_real_status_and_leaves_the_score() {
        let mut findings = vec![
            f("lambda.no-vpc", "a", Status::Fail),
            f("lambda.no-vpc", "b", Status::Pass),
            f("lambda.no-tracing", "a", Status::Fail),
            f("lambda.no-tracing", "b", Status::Pass),
        ];
        apply_mutes(
            &mut findings,
            &[mute("lambda.no-vpc", None, None)],
            date!(2026 - 12 - 02),
        );
        assert_eq!(findings[0].status, Status::Fail, "the real status stays");
        assert_eq!(
            findings[1].status,
            Status::Pass,
            "a muted pass is still a pass"
        );
        assert!(findings[0].is_muted() && findings[1].is_muted());
        assert_eq!(findings[0].shown(), Status::Muted);
        assert_eq!(
            findings[0].mute.as_ref().unwrap().source.as_deref(),
            Some("mutes.toml")
        );
        assert!(!findings[2].is_muted());

        let a = Assessment::from_findings(findings);
        // Only no-tracing is scored (1 pass of 2); the muted check is counted beside it.
        assert_eq!(a.score.overall, Some(50));
        assert_eq!(a.score.coverage.muted, 2);
        assert_eq!(
            (a.score.coverage.pass, a.score.coverage.fail),
            (1, 1),
            "never as pass"
        );
    }

    #[test]
    fn a_mute_applies_until_the_day_before_it_expires_and_then_says_so() {
        let m = mute("lambda.no-vpc", Some("a"), Some("2026-10-01"));
        for (today, muted) in [
            (date!(2026 - 09 - 30), true),
            (date!(2026 - 10 - 01), false),
            (date!(2027 - 01 - 01), false),
        ] {
            let mut findings = vec![f("lambda.no-vpc", "a", Status::Fail)];
            apply_mutes(&mut findings, std::slice::from_ref(&m), today);
            assert_eq!(findings[0].is_muted(), muted, "{today}");
            assert_eq!(findings[0].mute_expired.is_some(), !muted, "{today}");
        }
        let mut findings = vec![f("lambda.no-vpc", "a", Status::Fail)];
        apply_mutes(&mut findings, &[m], date!(2026 - 10 - 01));
        let expired = findings[0].mute_expired.as_ref().unwrap();
        assert_eq!(expired.expires.as_deref(), Some("2026-10-01"));
        assert_eq!(
            findings[0].shown(),
            Status::Fail,
            "an expired mute does not apply"
        );
    }

    #[test]
    fn a_live_mute_wins_over_an_expired_one_and_only_matching_resources_are_muted() {
        let mutes = [
            mute("lambda.no-vpc", Some("a"), Some("2020-01-01")),
            mute(
                "lambda.no-vpc",
                Some("arn:aws:lambda:us-east-1:111122223333:function:a"),
                None,
            ),
        ];
        let mut findings = vec![
            f("lambda.no-vpc", "a", Status::Fail),
            f("lambda.no-vpc", "b", Status::Fail),
        ];
        apply_mutes(&mut findings, &mutes, date!(2026 - 12 - 02));
        assert!(findings[0].is_muted() && findings[0].mute_expired.is_none());
        assert!(!findings[1].is_muted() && findings[1].mute_expired.is_none());
        assert_eq!(parse_date("2026-02-30"), None);
        assert_eq!(parse_date(" 2026-02-28 "), Some(date!(2026 - 02 - 28)));
    }

    #[test]
    fn findings_of_old_snapshots_stored_as_muted_stay_muted() {
        let mut old = f("lambda.no-vpc", "a", Status::Muted);
        old.mute_reason = Some("legacy".into());
        assert!(old.is_muted());
        assert_eq!(old.mute_text(), Some("legacy"));
        let mut findings = vec![old];
        apply_mutes(
            &mut findings,
            &[mute("lambda.no-vpc", None, Some("2020-01-01"))],
            date!(2026 - 12 - 02),
        );
        assert_eq!(findings[0].shown(), Status::Muted);
        assert!(findings[0].mute_expired.is_none());
    }
}
