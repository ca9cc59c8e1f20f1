//! What makes a function run besides an API, read from the inventory: the queues, streams,
//! topics, rules and service grants that trigger it ([`triggers_of`]), who may write to each
//! source ([`queue_openness`], [`topic_openness`], [`bus_openness`]) and the paths from a
//! source anyone can write to into a function ([`public_paths`]). The events checks, the
//! exposure joins and the resource views share it.
//!
//! A source policy is judged with the same condition rules as the Lambda and Secrets Manager
//! policies ([`Condition::narrows`]): a public principal is `*`, `{"AWS":"*"}` or a wildcard
//! account (`arn:aws:iam::*:root`); a restricting condition names a specific value of one of
//! the source's keys. For SNS, `aws:SourceOwner` and `aws:SourceAccount` restrict too, so
//! the default topic policy (`{"AWS":"*"}` with `AWS:SourceOwner`) is not public.
//!
//! [`Condition::narrows`]: crate::domain::policy::Condition::narrows

use crate::domain::arn::{Arn, account_of, source_name, uri_targets};
use crate::domain::iam::{self, statement_summary};
use crate::domain::inventory::{Bus, Function, Inventory, Queue, SourceKind, Topic};
use crate::domain::policy::{PolicyDocument, Statement};
use crate::domain::values::MappingState;

/// Conditions that keep an SQS `SendMessage` grant from being public.
pub const QUEUE_RESTRICTING: &[&str] = &[
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:PrincipalOrgID",
    "aws:SourceVpce",
    "aws:SourceVpc",
];

/// Conditions that keep an SNS `Publish` grant from being public.
pub const TOPIC_RESTRICTING: &[&str] = &[
    "aws:SourceArn",
    "aws:SourceAccount",
    "aws:PrincipalOrgID",
    "aws:SourceOwner",
];

/// Conditions that keep an EventBridge `PutEvents` grant from being public: the organization
/// or the account of the caller.
pub const BUS_RESTRICTING: &[&str] = &[
    "aws:PrincipalOrgID",
    "aws:PrincipalOrgPaths",
    "aws:PrincipalAccount",
    "aws:SourceAccount",
    "aws:PrincipalArn",
];

/// Whether a statement's principal is anyone: `*`, `{"AWS":"*"}`, `NotPrincipal`, or an
/// ARN with a wildcard account (EventBridge stores `Principal "*"` as
/// `arn:aws:iam::*:root`, and AWS reads both alike).
pub fn public_principal(st: &Statement) -> bool {
    st.is_public_principal()
        || st.aws_principals().iter().any(|p| {
            let p = p.trim();
            p == "*" || Arn::parse(p).is_some_and(|a| a.account.contains(['*', '?']))
        })
}

/// Allow statements that let anyone perform `action` with no condition on `restricting`.
pub fn public_grants<'a>(
    doc: &'a PolicyDocument,
    action: &str,
    restricting: &[&str],
) -> Vec<&'a Statement> {
    doc.allow_statements()
        .filter(|st| {
            st.matches_action(action)
                && public_principal(st)
                && !st.conditions.iter().any(|c| c.narrows(restricting))
        })
        .collect()
}

/// Accounts an Allow statement for `action` lets in, other than `own`: those of its AWS
/// principals and, for a public principal, of its account conditions
/// (`aws:SourceAccount`, `aws:SourceOwner`, `aws:PrincipalAccount`).
pub fn granted_accounts<'a>(doc: &'a PolicyDocument, action: &str) -> Vec<(String, &'a Statement)> {
    let mut out = Vec::new();
    for st in doc
        .allow_statements()
        .filter(|st| st.matches_action(action))
    {
        let mut accounts: Vec<String> = st.principal_accounts();
        if public_principal(st) {
            for key in [
                "aws:SourceAccount",
                "aws:SourceOwner",
                "aws:PrincipalAccount",
            ] {
                accounts.extend(
                    st.condition_values(key)
                        .iter()
                        .filter_map(|v| account_of(v)),
                );
            }
        }
        for a in accounts {
            if !out.iter().any(|(x, _): &(String, &Statement)| *x == a) {
                out.push((a, st));
            }
        }
    }
    out
}

/// Who may write to a source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Openness {
    /// Anyone: the statements that say so, summarised.
    Public(Vec<String>),
    /// Only named principals (or nobody besides the owner).
    Restricted,
    /// The policy could not be read or parsed.
    Unknown(String),
}

/// Judges a source's policy text (`None`: no policy, only the owner may write).
pub fn openness(
    policy: Result<Option<&str>, &str>,
    action: &str,
    restricting: &[&str],
) -> Openness {
    match policy {
        Err(e) => Openness::Unknown(e.to_string()),
        Ok(None) => Openness::Restricted,
        Ok(Some(text)) if text.trim().is_empty() => Openness::Restricted,
        Ok(Some(text)) => match PolicyDocument::parse(text) {
            Err(e) => Openness::Unknown(format!("policy could not be parsed: {e}")),
            Ok(doc) => {
                let grants = public_grants(&doc, action, restricting);
                if grants.is_empty() {
                    Openness::Restricted
                } else {
                    Openness::Public(grants.into_iter().map(statement_summary).collect())
                }
            }
        },
    }
}

pub fn queue_openness(q: &Queue) -> Openness {
    let policy = match &q.attributes {
        Ok(a) => Ok(a.policy.as_deref()),
        Err(e) => Err(e.reason.as_str()),
    };
    openness(policy, "sqs:SendMessage", QUEUE_RESTRICTING)
}

pub fn topic_openness(t: &Topic) -> Openness {
    let policy = match &t.attributes {
        Ok(a) => Ok(a.policy.as_deref()),
        Err(e) => Err(e.reason.as_str()),
    };
    openness(policy, "sns:Publish", TOPIC_RESTRICTING)
}

pub fn bus_openness(b: &Bus) -> Openness {
    let policy = match &b.policy {
        Ok(p) => Ok(p.as_deref()),
        Err(e) => Err(e.reason.as_str()),
    };
    openness(policy, "events:PutEvents", BUS_RESTRICTING)
}

/// How a source reaches a function.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TriggerKind {
    /// An event source mapping of this kind of source.
    Mapping(SourceKind),
    /// An SNS subscription with protocol `lambda`.
    Subscription,
    /// An EventBridge rule target.
    Rule,
    /// A service principal allowed by the function's policy for one source (`aws:SourceArn`).
    ServiceGrant,
}

/// One trigger of a function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Trigger {
    pub kind: TriggerKind,
    /// The queue, stream, topic or bus (ARN), or the service grant's source ARN.
    pub source: String,
    /// `mapping 1a2b…`, `subscription arn:…`, `rule on-order on bus shop`, `statement S`.
    pub via: String,
    /// The alias or version the trigger invokes, if qualified.
    pub qualifier: Option<String>,
    /// Whether the trigger is switched on (a disabled mapping still counts as a way in: anyone
    /// who can enable it can use it, and it is usually re-enabled).
    pub enabled: bool,
}

impl Trigger {
    /// `SQS queue orders-in`, `SNS topic order-events`, `EventBridge bus shop`.
    pub fn source_label(&self) -> String {
        let kind = match self.kind {
            TriggerKind::Mapping(k) => k.label(),
            TriggerKind::Subscription => "SNS topic",
            TriggerKind::Rule => "EventBridge bus",
            TriggerKind::ServiceGrant => match Arn::parse(&self.source).map(|a| a.service) {
                Some("s3") => "S3 bucket",
                Some("sns") => "SNS topic",
                Some("events") => "EventBridge rule",
                Some("sqs") => "SQS queue",
                Some("logs") => "log group",
                _ => "service source",
            },
        };
        format!("{kind} {}", source_name(&self.source))
    }
}

fn qualifier_of(arn: &str) -> Option<String> {
    crate::domain::arn::function_ref(arn).and_then(|r| r.qualifier)
}

/// Every trigger of `f` the inventory knows, sources first by kind.
pub fn triggers_of(inv: &Inventory, f: &Function) -> Vec<Trigger> {
    let mut out = Vec::new();
    for m in inv
        .mappings
        .iter()
        .filter(|m| uri_targets(&m.function_arn, &f.arn))
    {
        out.push(Trigger {
            kind: TriggerKind::Mapping(m.kind()),
            source: m
                .source_arn
                .clone()
                .unwrap_or_else(|| "self-managed Kafka".into()),
            via: format!("mapping {}", m.uuid),
            qualifier: qualifier_of(&m.function_arn),
            enabled: m.state != Some(MappingState::Disabled),
        });
    }
    for t in &inv.topics {
        for s in t
            .subscriptions
            .iter()
            .filter(|s| uri_targets(&s.function_arn, &f.arn))
        {
            out.push(Trigger {
                kind: TriggerKind::Subscription,
                source: t.arn.clone(),
                via: format!("subscription {}", s.arn),
                qualifier: qualifier_of(&s.function_arn),
                enabled: true,
            });
        }
    }
    for b in &inv.buses {
        for r in &b.rules {
            for target in r.function_arns.iter().filter(|a| uri_targets(a, &f.arn)) {
                out.push(Trigger {
                    kind: TriggerKind::Rule,
                    source: b.arn.clone(),
                    via: format!("rule {} on bus {}", r.name, b.name),
                    qualifier: qualifier_of(target),
                    enabled: true,
                });
            }
        }
    }
    for (label, policy) in f.policies() {
        let Ok(Some(doc)) = iam::parse_policy(policy) else {
            continue;
        };
        for st in doc.statements.iter().filter(|st| iam::grants_invoke(st)) {
            if st.service_principals().is_empty() {
                continue;
            }
            // API Gateway grants are entry points (domain::entry_points), not triggers.
            for source in st
                .condition_values("aws:SourceArn")
                .into_iter()
                .filter(|s| !s.starts_with("arn:aws:execute-api:"))
            {
                out.push(Trigger {
                    kind: TriggerKind::ServiceGrant,
                    source,
                    via: format!(
                        "{label} policy statement {} ({})",
                        iam::sid_of(st),
                        st.service_principals().join(", ")
                    ),
                    qualifier: None,
                    enabled: true,
                });
            }
        }
    }
    out
}

/// A way anyone can put an event in front of a function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublicPath {
    /// `SQS queue orders-in (anyone may sqs:SendMessage)`.
    pub source: String,
    /// The mapping, subscription, rule or policy statement.
    pub via: String,
    /// Why the source is public (the statement, summarised).
    pub why: String,
}

/// The sources anyone can write to that trigger `f` (queues failing
/// `events.queue-public-send`, topics failing `events.topic-public-publish`, buses failing
/// `events.bus-public-put`, service grants failing `lambda.service-invoke-no-source`), and
/// the gaps: sources or listings that could not be read, which could hide a path.
pub fn public_paths(inv: &Inventory, f: &Function) -> (Vec<PublicPath>, Vec<String>) {
    let mut paths = Vec::new();
    let mut gaps = Vec::new();
    let mut judge = |openness: Openness, source: String, verb: &str, via: String| match openness {
        Openness::Public(why) => paths.push(PublicPath {
            source: format!("{source} (anyone may {verb})"),
            via,
            why: why.join("; "),
        }),
        Openness::Restricted => {}
        Openness::Unknown(e) => gaps.push(format!("{source}: {e}")),
    };
    for m in inv
        .mappings
        .iter()
        .filter(|m| uri_targets(&m.function_arn, &f.arn))
    {
        if m.kind() != SourceKind::Sqs {
            continue;
        }
        let arn = m.source_arn.clone().unwrap_or_default();
        let label = format!("SQS queue {}", source_name(&arn));
        match inv.queues.iter().find(|q| q.arn == arn) {
            Some(q) => judge(
                queue_openness(q),
                label,
                "sqs:SendMessage",
                format!("mapping {}", m.uuid),
            ),
            None => judge(
                Openness::Unknown("its attributes were not collected".into()),
                label,
                "sqs:SendMessage",
                format!("mapping {}", m.uuid),
            ),
        }
    }
    for t in &inv.topics {
        for s in t
            .subscriptions
            .iter()
            .filter(|s| uri_targets(&s.function_arn, &f.arn))
        {
            judge(
                topic_openness(t),
                format!("SNS topic {}", t.name),
                "sns:Publish",
                format!("subscription {}", s.arn),
            );
        }
    }
    for b in &inv.buses {
        for r in &b.rules {
            if r.function_arns.iter().any(|a| uri_targets(a, &f.arn)) {
                judge(
                    bus_openness(b),
                    format!("EventBridge bus {}", b.name),
                    "events:PutEvents",
                    format!("rule {}", r.name),
                );
            }
        }
    }
    for (label, policy) in f.policies() {
        match iam::parse_policy(policy) {
            Ok(Some(doc)) => {
                for st in iam::service_invoke_without_source(&doc) {
                    paths.push(PublicPath {
                        source: format!(
                            "any account's {} (no aws:SourceArn)",
                            st.service_principals().join(", ")
                        ),
                        via: format!("{label} policy statement {}", iam::sid_of(st)),
                        why: statement_summary(st),
                    });
                }
            }
            Ok(None) => {}
            Err(e) => gaps.push(format!("{label} resource policy: {e}")),
        }
    }
    if let Err(e) = &f.aliases {
        gaps.push(format!("aliases: {e}"));
    }
    for failure in inv
        .list_failures
        .iter()
        .filter(|x| x.region == f.region && x.area == crate::domain::inventory::Area::Triggers)
    {
        let text = format!(
            "{} failed in {}: {}",
            failure.call, failure.region, failure.reason
        );
        if !gaps.contains(&text) {
            gaps.push(text);
        }
    }
    (paths, gaps)
}

#[cfg(test)]
mod tests;
