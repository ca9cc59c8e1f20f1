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
mod tests {
    use super::*;
    use serde_json::json;

    fn doc(v: serde_json::Value) -> PolicyDocument {
        PolicyDocument::parse(&v.to_string()).unwrap()
    }

    #[test]
    fn the_default_topic_policy_is_not_public_but_a_wildcard_account_is() {
        // AWS's default topic policy: anyone, restricted by AWS:SourceOwner.
        let default = doc(json!({"Statement": [{
            "Effect": "Allow", "Principal": {"AWS": "*"},
            "Action": ["SNS:Publish", "SNS:Subscribe"], "Resource": "arn:aws:sns:us-east-1:111122223333:t",
            "Condition": {"StringEquals": {"AWS:SourceOwner": "111122223333"}}
        }]}));
        assert!(public_grants(&default, "sns:Publish", TOPIC_RESTRICTING).is_empty());
        // The same condition does not restrict a queue (not one of SQS's keys).
        assert_eq!(
            public_grants(&default, "sns:Publish", QUEUE_RESTRICTING).len(),
            1
        );
        // EventBridge stores Principal "*" as a wildcard account.
        let bus = doc(json!({"Statement": [{
            "Sid": "anyone", "Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::*:root"}, "Action": "events:PutEvents"
        }]}));
        assert_eq!(
            public_grants(&bus, "events:PutEvents", BUS_RESTRICTING).len(),
            1
        );
        // An organization condition closes it; a negated one does not.
        let org = |op: &str| {
            doc(json!({"Statement": [{
                "Effect": "Allow", "Principal": "*", "Action": "events:*",
                "Condition": {op: {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
            }]}))
        };
        assert!(
            public_grants(&org("StringEquals"), "events:PutEvents", BUS_RESTRICTING).is_empty()
        );
        assert_eq!(
            public_grants(&org("StringNotEquals"), "events:PutEvents", BUS_RESTRICTING).len(),
            1
        );
    }

    #[test]
    fn accounts_come_from_principals_and_from_conditions_on_public_grants() {
        let d = doc(json!({"Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999988887777:root"}, "Action": "sqs:SendMessage"},
            {"Effect": "Allow", "Principal": "*", "Action": "sqs:*",
             "Condition": {"StringEquals": {"aws:SourceAccount": "444455556666"}}},
            {"Effect": "Allow", "Principal": {"AWS": "555566667777"}, "Action": "sqs:ReceiveMessage"}
        ]}));
        let accounts: Vec<String> = granted_accounts(&d, "sqs:SendMessage")
            .into_iter()
            .map(|(a, _)| a)
            .collect();
        assert_eq!(accounts, ["999988887777", "444455556666"]);
    }

    #[test]
    fn openness_of_no_policy_a_broken_one_and_an_unreadable_one() {
        assert_eq!(
            openness(Ok(None), "sqs:SendMessage", QUEUE_RESTRICTING),
            Openness::Restricted
        );
        assert!(matches!(
            openness(Ok(Some("{not json")), "sqs:SendMessage", QUEUE_RESTRICTING),
            Openness::Unknown(e) if e.contains("could not be parsed")
        ));
        assert_eq!(
            openness(Err("AccessDenied"), "sqs:SendMessage", QUEUE_RESTRICTING),
            Openness::Unknown("AccessDenied".into())
        );
    }

    #[test]
    fn a_functions_triggers_are_its_mappings_subscriptions_rules_and_service_grants() {
        use crate::domain::inventory::{BusRule, EventSourceMapping, Subscription};
        use std::sync::Arc;
        let arn = "arn:aws:lambda:us-east-1:111122223333:function:worker";
        let f = Function {
            name: "worker".into(),
            arn: arn.into(),
            region: "us-east-1".into(),
            policy: Ok(Some(
                json!({"Statement": [
                    {"Sid": "bucket", "Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                     "Action": "lambda:InvokeFunction",
                     "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::uploads"}}},
                    {"Sid": "api", "Effect": "Allow", "Principal": {"Service": "apigateway.amazonaws.com"},
                     "Action": "lambda:InvokeFunction",
                     "Condition": {"ArnLike": {"AWS:SourceArn": "arn:aws:execute-api:us-east-1:111122223333:a1/*"}}}
                ]})
                .to_string(),
            )),
            ..Default::default()
        };
        let inv = Inventory {
            mappings: vec![Arc::new(EventSourceMapping {
                uuid: "m1".into(),
                source_arn: Some("arn:aws:sqs:us-east-1:111122223333:orders-in".into()),
                function_arn: format!("{arn}:live"),
                state: Some("Disabled".into()),
                ..Default::default()
            })],
            topics: vec![Arc::new(Topic {
                arn: "arn:aws:sns:us-east-1:111122223333:events".into(),
                name: "events".into(),
                region: "us-east-1".into(),
                subscriptions: vec![Subscription {
                    arn: "arn:aws:sns:us-east-1:111122223333:events:s1".into(),
                    function_arn: arn.into(),
                }],
                attributes: Ok(Default::default()),
            })],
            buses: vec![Arc::new(Bus {
                name: "shop".into(),
                arn: "arn:aws:events:us-east-1:111122223333:event-bus/shop".into(),
                region: "us-east-1".into(),
                policy: Ok(None),
                rules: vec![BusRule {
                    name: "r".into(),
                    arn: "arn:aws:events:us-east-1:111122223333:rule/shop/r".into(),
                    function_arns: vec![
                        "arn:aws:lambda:us-east-1:111122223333:function:other".into(),
                    ],
                }],
            })],
            ..Default::default()
        };
        let triggers = triggers_of(&inv, &f);
        let labels: Vec<String> = triggers.iter().map(Trigger::source_label).collect();
        assert_eq!(
            labels,
            [
                "SQS queue orders-in",
                "SNS topic events",
                "S3 bucket uploads"
            ]
        );
        assert_eq!(triggers[0].qualifier.as_deref(), Some("live"));
        assert!(!triggers[0].enabled);
        assert_eq!(
            triggers[2].via,
            "$LATEST policy statement bucket (s3.amazonaws.com)"
        );
    }
}
