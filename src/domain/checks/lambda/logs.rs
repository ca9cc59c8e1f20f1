//! `lambda.log-retention-unset`: how long a function's logs are kept (see docs/CHECKS.md).

use crate::domain::catalogue::{CheckDef, Context};
use crate::domain::finding::{Category, Evidence, Finding, ResourceKind, Service, Severity};
use crate::domain::inventory::{Area, Inventory};

use super::target;

pub const CHECKS: &[CheckDef] = &[CheckDef {
    id: "lambda.log-retention-unset",
    title: "Function logs are kept forever, or have no log group",
    severity: Severity::Low,
    category: Category::Logging,
    service: Service::Lambda,
    areas: &[Area::Functions, Area::Logs],
    resource: ResourceKind::Function,
    rationale: "A log group without a retention period keeps every line the function ever \
        logged: request payloads, tokens and personal data written by mistake stay readable \
        for years, and the bill grows with them. A function whose log group does not exist \
        has nowhere its logs are kept under your settings yet: create it with a retention \
        period before the function first runs.",
    fix: "Set a retention period on the function's log group (create the group when it is missing).",
    console: &[
        "Open the CloudWatch console in {region} → Logs → Log groups → {log_group}.",
        "Actions → Edit retention setting → choose a period (e.g. 30 days) → Save.",
        "If the group does not exist: Create log group {log_group} with that retention.",
    ],
    cli: "aws logs create-log-group --log-group-name {log_group} --region {region}  # when missing\naws logs put-retention-policy --log-group-name {log_group} --retention-in-days 30 --region {region}",
    terraform: "resource \"aws_cloudwatch_log_group\" \"{tf}\" {\n  name              = \"{log_group}\"\n  retention_in_days = 30\n}",
    fsbp: None,
    prowler: Some("cloudwatch_log_group_retention_policy_specific_days_enabled"),
    docs_url: "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-cloudwatchlogs-loggroups.html",
    evaluate: log_retention_unset,
}];

fn log_retention_unset(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.functions
        .iter()
        .map(|f| {
            let group = f.log_group_name();
            let t = target(f).param("log_group", group.as_str());
            let groups = match inv.log_groups.get(&f.region) {
                None => {
                    return def.unknown(
                        inv,
                        &t,
                        format!("the log groups of {} were not read", f.region),
                    );
                }
                Some(Err(e)) => return def.unknown(inv, &t, format!("log groups: {e}")),
                Some(Ok(groups)) => groups,
            };
            let name_ev = Evidence::new("Log group", group.as_str());
            match groups.iter().find(|g| g.name == group) {
                None => def.fail(
                    inv,
                    &t,
                    format!("log group {group} does not exist"),
                    vec![name_ev, Evidence::new("retentionInDays", "(no group)")],
                ),
                Some(g) => match g.retention_days {
                    None => def.fail(
                        inv,
                        &t,
                        format!("log group {group} keeps logs forever"),
                        vec![name_ev, Evidence::new("retentionInDays", "(never expire)")],
                    ),
                    Some(days) => def.pass(
                        inv,
                        &t,
                        format!("log group {group} keeps logs {days} days"),
                        vec![name_ev, Evidence::new("retentionInDays", days.to_string())],
                    ),
                },
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
