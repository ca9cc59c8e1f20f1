use super::*;
use proptest::prelude::*;

const CHECKS: [&str; 4] = ["lambda.a", "lambda.b", "apigw.c", "secrets.d"];

fn finding(i: usize, status: Status, category: Category, severity: Severity) -> Finding {
    Finding {
        category,
        severity,
        ..Finding::sample(CHECKS[i % CHECKS.len()], "us-east-1", "f", status)
    }
}

proptest! {
    /// The one-pass score is the formula applied per category and overall, whatever the
    /// order, mix of categories per check and severities of unknown checks.
    #[test]
    fn one_pass_score_is_the_formula(
        spec in proptest::collection::vec((0usize..8, 0usize..5, 0usize..3, 0usize..4), 0..60)
    ) {
        let statuses = [Status::Pass, Status::Fail, Status::Unknown, Status::NotApplicable,
            Status::Muted];
        let cats = [Category::Exposure, Category::Secrets, Category::Throttling];
        let sevs = [Severity::Critical, Severity::High, Severity::Medium, Severity::Low];
        let findings: Vec<Finding> = spec
            .iter()
            .map(|&(i, s, c, v)| finding(i, statuses[s], cats[c], sevs[v]))
            .collect();
        // "lambda.a" has a catalogue severity; the others take their first finding's.
        let severity_of = |id: &str| (id == "lambda.a").then_some(Severity::Low);
        let got = score(&findings, &severity_of);
        prop_assert_eq!(got.overall, weighted_score(&findings, &severity_of));
        for cat in Category::ALL {
            prop_assert_eq!(
                got.categories[&cat],
                weighted_score(findings.iter().filter(|f| f.category == cat), &severity_of)
            );
        }
        prop_assert_eq!(got.coverage, coverage(&findings));
        prop_assert_eq!(got.grade, got.overall.map(grade));
    }
}
