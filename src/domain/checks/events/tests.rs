//! Unit tests of `events.rs`: pass, fail, unknown and not_applicable for every check, and the
//! traps CHECKS.md names.

use super::*;
use crate::domain::finding::Status;
use crate::domain::inventory::{
    Bus, BusRule, ListFailure, QueueAttributes, Subscription, Topic, TopicAttributes,
};
use serde_json::json;
use std::sync::Arc;
use time::macros::datetime;

const ACCT: &str = "111122223333";
const OTHER: &str = "444455556666";
const R: &str = "us-east-1";

fn eval(id: &str, inv: &Inventory) -> Vec<Finding> {
    eval_with(id, inv, &Context::new(datetime!(2026-01-15 12:00 UTC)))
}

fn eval_with(id: &str, inv: &Inventory, ctx: &Context) -> Vec<Finding> {
    let def = CHECKS.iter().find(|c| c.id == id).expect("check exists");
    crate::domain::checks::run(def, inv, ctx)
}

fn statuses(findings: &[Finding]) -> Vec<(String, Status)> {
    findings
        .iter()
        .map(|f| (f.resource_name.to_string(), f.status))
        .collect()
}

fn function_arn(name: &str) -> String {
    format!("arn:aws:lambda:{R}:{ACCT}:function:{name}")
}

fn queue_arn(name: &str) -> String {
    format!("arn:aws:sqs:{R}:{ACCT}:{name}")
}

fn mapping(uuid: &str, source: &str, function: &str) -> EventSourceMapping {
    EventSourceMapping {
        uuid: uuid.into(),
        region: R.into(),
        source_arn: Some(source.into()),
        function_arn: function_arn(function),
        state: Some("Enabled".into()),
        ..Default::default()
    }
}

fn queue(name: &str, attributes: Result<QueueAttributes, String>) -> Queue {
    Queue {
        arn: queue_arn(name),
        name: name.into(),
        region: R.into(),
        attributes: attributes.map_err(Into::into),
    }
}

fn policy(statements: serde_json::Value) -> Option<String> {
    Some(json!({"Version": "2012-10-17", "Statement": statements}).to_string())
}

fn topic(name: &str, attributes: Result<TopicAttributes, String>) -> Topic {
    let arn = format!("arn:aws:sns:{R}:{ACCT}:{name}");
    Topic {
        subscriptions: vec![Subscription {
            arn: format!("{arn}:0f1e2d3c"),
            function_arn: function_arn("notify"),
        }],
        arn,
        name: name.into(),
        region: R.into(),
        attributes: attributes.map_err(Into::into),
    }
}

fn bus(name: &str, policy: Result<Option<String>, String>) -> Bus {
    Bus {
        name: name.into(),
        arn: format!("arn:aws:events:{R}:{ACCT}:event-bus/{name}"),
        region: R.into(),
        policy: policy.map_err(Into::into),
        rules: vec![BusRule {
            name: "on-order".into(),
            arn: format!("arn:aws:events:{R}:{ACCT}:rule/{name}/on-order"),
            function_arns: vec![function_arn("fulfil")],
            ..Default::default()
        }],
    }
}

fn inv() -> Inventory {
    Inventory {
        account_id: ACCT.into(),
        regions: vec![R.into()],
        ..Default::default()
    }
}

/// The AWS default topic policy: anyone, restricted by AWS:SourceOwner.
fn default_topic_policy() -> Option<String> {
    policy(json!([{
        "Sid": "__default_statement_ID", "Effect": "Allow", "Principal": {"AWS": "*"},
        "Action": ["SNS:GetTopicAttributes", "SNS:Subscribe", "SNS:Publish"],
        "Resource": format!("arn:aws:sns:{R}:{ACCT}:t"),
        "Condition": {"StringEquals": {"AWS:SourceOwner": ACCT}}
    }]))
}

#[test]
fn queue_public_send_decides_each_queue() {
    let mut i = inv();
    i.mappings = vec![
        Arc::new(mapping("m1", &queue_arn("open"), "worker")),
        Arc::new(mapping("m2", &queue_arn("closed"), "worker")),
        Arc::new(mapping("m3", &queue_arn("denied"), "worker")),
    ];
    i.queues = vec![
        Arc::new(queue(
            "open",
            Ok(QueueAttributes {
                policy: policy(
                    json!([{"Sid": "anyone", "Effect": "Allow", "Principal": "*", "Action": "sqs:*"}]),
                ),
                ..Default::default()
            }),
        )),
        Arc::new(queue(
            "closed",
            Ok(QueueAttributes {
                policy: policy(json!([{
                    "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
                    "Action": "sqs:SendMessage",
                    "Condition": {"ArnEquals": {"aws:SourceArn": format!("arn:aws:sns:{R}:{ACCT}:orders")}}
                }, {
                    "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage",
                    "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-0a1b2c3d"}}
                }])),
                ..Default::default()
            }),
        )),
        Arc::new(queue(
            "denied",
            Err("AccessDenied: sqs:GetQueueAttributes".into()),
        )),
    ];
    let f = eval("events.queue-public-send", &i);
    assert_eq!(
        statuses(&f),
        [
            ("open".to_string(), Status::Fail),
            ("closed".to_string(), Status::Pass),
            ("denied".to_string(), Status::Unknown),
        ]
    );
    assert!(
        f[0].message.contains("statement anyone"),
        "{}",
        f[0].message
    );
    assert!(
        f[0].evidence
            .iter()
            .any(|e| e.field == "Triggers" && e.value == "worker"),
        "{:?}",
        f[0].evidence
    );
    assert!(
        f[0].remediation()
            .cli
            .contains("https://sqs.us-east-1.amazonaws.com/111122223333/open")
    );
    assert_eq!(f[0].service, Service::Sqs);
    // A queue with no policy at all: only its owner may send.
    i.queues = vec![Arc::new(queue("open", Ok(QueueAttributes::default())))];
    assert_eq!(eval("events.queue-public-send", &i)[0].status, Status::Pass);
    // A failed listing leaves the region unknown, never empty-and-passing.
    i.queues.clear();
    i.list_failures.push(ListFailure {
        service: Service::Sqs,
        area: Area::Triggers,
        region: R.into(),
        call: "lambda:ListEventSourceMappings".into(),
        reason: "Throttling: rate exceeded".into(),
    });
    let f = eval("events.queue-public-send", &i);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].status, Status::Unknown);
    assert!(f[0].message.contains("Throttling"));
}

#[test]
fn the_default_topic_policy_is_not_public() {
    let mut i = inv();
    i.topics = vec![
        Arc::new(topic(
            "default",
            Ok(TopicAttributes {
                policy: default_topic_policy(),
                ..Default::default()
            }),
        )),
        Arc::new(topic(
            "open",
            Ok(TopicAttributes {
                policy: policy(
                    json!([{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "SNS:Publish"}]),
                ),
                ..Default::default()
            }),
        )),
        Arc::new(topic("denied", Err("AccessDenied".into()))),
    ];
    let f = eval("events.topic-public-publish", &i);
    assert_eq!(
        statuses(&f),
        [
            ("default".to_string(), Status::Pass),
            ("open".to_string(), Status::Fail),
            ("denied".to_string(), Status::Unknown),
        ]
    );
    assert!(f[1].evidence.iter().any(|e| e.value == "notify"));
}

#[test]
fn a_wildcard_account_principal_makes_a_bus_public_and_the_default_bus_passes() {
    let mut i = inv();
    i.buses = vec![
        Arc::new(bus("default", Ok(None))),
        Arc::new(bus(
            "shop",
            Ok(policy(json!([{
                "Sid": "everyone", "Effect": "Allow",
                "Principal": {"AWS": "arn:aws:iam::*:root"}, "Action": "events:PutEvents"
            }]))),
        )),
        Arc::new(bus(
            "partners",
            Ok(policy(json!([{
                "Sid": "org", "Effect": "Allow", "Principal": "*", "Action": "events:PutEvents",
                "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}
            }]))),
        )),
        Arc::new(bus("broken", Ok(Some("{".into())))),
    ];
    let f = eval("events.bus-public-put", &i);
    assert_eq!(
        statuses(&f),
        [
            ("default".to_string(), Status::Pass),
            ("shop".to_string(), Status::Fail),
            ("partners".to_string(), Status::Pass),
            ("broken".to_string(), Status::Unknown),
        ]
    );
    assert!(f[1].remediation().cli.contains("--statement-id everyone"));
    assert!(
        f[1].evidence
            .iter()
            .any(|e| e.value == "fulfil (rule on-order)")
    );
}

#[test]
fn cross_account_sources_respect_the_trusted_list() {
    let mut i = inv();
    i.queues = vec![Arc::new(queue(
        "partner-in",
        Ok(QueueAttributes {
            policy: policy(json!([{
                "Effect": "Allow", "Principal": {"AWS": format!("arn:aws:iam::{OTHER}:root")},
                "Action": "sqs:SendMessage"
            }])),
            ..Default::default()
        }),
    ))];
    i.topics = vec![Arc::new(topic(
        "default",
        Ok(TopicAttributes {
            policy: default_topic_policy(),
            ..Default::default()
        }),
    ))];
    i.buses = vec![Arc::new(bus("default", Ok(None)))];
    let f = eval("events.source-cross-account", &i);
    assert_eq!(
        statuses(&f),
        [
            ("partner-in".to_string(), Status::Fail),
            ("default".to_string(), Status::Pass),
            ("default".to_string(), Status::Pass),
        ]
    );
    assert!(f[0].message.contains(OTHER));
    assert_eq!(
        f.iter().map(|x| x.service).collect::<Vec<_>>(),
        [Service::Sqs, Service::Sns, Service::EventBridge]
    );
    // Trusted: the same grant passes.
    let mut ctx = Context::new(datetime!(2026-01-15 12:00 UTC));
    ctx.trusted_accounts = vec![OTHER.into()];
    assert_eq!(
        eval_with("events.source-cross-account", &i, &ctx)[0].status,
        Status::Pass
    );
    // A topic of another account publishing on its own behalf is not "another account".
    // An unreadable topic is unknown; a failed bus listing adds an unknown for the region.
    i.topics = vec![Arc::new(topic("denied", Err("AccessDenied".into())))];
    i.list_failures.push(ListFailure {
        service: Service::EventBridge,
        area: Area::Triggers,
        region: R.into(),
        call: "events:ListEventBuses".into(),
        reason: "AccessDenied".into(),
    });
    let f = eval("events.source-cross-account", &i);
    assert_eq!(f[1].status, Status::Unknown);
    let listing = f.last().unwrap();
    assert_eq!(listing.status, Status::Unknown);
    assert_eq!(listing.service, Service::EventBridge);
    assert!(listing.message.contains("events:ListEventBuses"));
}

#[test]
fn queue_encryption_accepts_sse_sqs_or_a_key() {
    let mut i = inv();
    let attrs = |sse: bool, key: Option<&str>| {
        Ok(QueueAttributes {
            sqs_managed_sse: sse,
            kms_master_key_id: key.map(str::to_string),
            ..Default::default()
        })
    };
    i.queues = vec![
        Arc::new(queue("sse", attrs(true, None))),
        Arc::new(queue("kms", attrs(false, Some("alias/orders")))),
        Arc::new(queue("plain", attrs(false, Some(" ")))),
        Arc::new(queue("denied", Err("AccessDenied".into()))),
    ];
    assert_eq!(
        statuses(&eval("events.queue-not-encrypted", &i)),
        [
            ("sse".to_string(), Status::Pass),
            ("kms".to_string(), Status::Pass),
            ("plain".to_string(), Status::Fail),
            ("denied".to_string(), Status::Unknown),
        ]
    );
}

#[test]
fn topic_encryption_needs_a_key() {
    let mut i = inv();
    i.topics = vec![
        Arc::new(topic(
            "kms",
            Ok(TopicAttributes {
                kms_master_key_id: Some("alias/aws/sns".into()),
                ..Default::default()
            }),
        )),
        Arc::new(topic("plain", Ok(TopicAttributes::default()))),
        Arc::new(topic("denied", Err("AccessDenied".into()))),
    ];
    assert_eq!(
        statuses(&eval("events.topic-not-encrypted", &i)),
        [
            ("kms".to_string(), Status::Pass),
            ("plain".to_string(), Status::Fail),
            ("denied".to_string(), Status::Unknown),
        ]
    );
}

#[test]
fn stream_encryption_needs_kms() {
    use crate::domain::inventory::Stream;
    use crate::domain::values::StreamEncryption;
    let stream = |name: &str, encryption: Result<StreamEncryption, String>| {
        Arc::new(Stream {
            arn: format!("arn:aws:kinesis:{R}:{ACCT}:stream/{name}"),
            name: name.into(),
            region: R.into(),
            encryption: encryption.map_err(Into::into),
        })
    };
    let mut i = inv();
    i.streams = vec![
        stream("kms", Ok(StreamEncryption::Kms)),
        stream("plain", Ok(StreamEncryption::None)),
        stream("denied", Err("AccessDenied".into())),
        // A value this version does not know is not a pass.
        stream("new-kind", Ok(StreamEncryption::parse("QUANTUM"))),
    ];
    let findings = eval("events.stream-not-encrypted", &i);
    assert_eq!(
        statuses(&findings),
        [
            ("kms".to_string(), Status::Pass),
            ("plain".to_string(), Status::Fail),
            ("denied".to_string(), Status::Unknown),
            ("new-kind".to_string(), Status::Unknown),
        ]
    );
    assert!(
        findings
            .iter()
            .all(|f| f.resource_id.starts_with("arn:aws:kinesis:"))
    );
}

#[test]
fn dead_letters_for_queues_and_stream_mappings() {
    let mut i = inv();
    let redrive = |r: Option<&str>| {
        Ok(QueueAttributes {
            redrive_policy: r.map(str::to_string),
            ..Default::default()
        })
    };
    i.queues = vec![
        Arc::new(queue(
            "with-dlq",
            redrive(Some(&format!(
                "{{\"deadLetterTargetArn\":\"{}\",\"maxReceiveCount\":5}}",
                queue_arn("with-dlq-dlq")
            ))),
        )),
        Arc::new(queue("no-dlq", redrive(None))),
        Arc::new(queue("denied", Err("AccessDenied".into()))),
    ];
    let stream = format!("arn:aws:kinesis:{R}:{ACCT}:stream/clicks");
    i.mappings = vec![
        Arc::new(EventSourceMapping {
            on_failure_destination: Some(queue_arn("click-failures")),
            ..mapping("k1", &stream, "clicks")
        }),
        Arc::new(mapping("k2", &stream, "sessions")),
        // SQS mappings are judged through their queue, not as mappings.
        Arc::new(mapping("q1", &queue_arn("no-dlq"), "worker")),
        // An MQ broker redelivers on its own.
        Arc::new(mapping(
            "mq1",
            &format!("arn:aws:mq:{R}:{ACCT}:broker:orders-mq:b-1234"),
            "legacy",
        )),
    ];
    let f = eval("events.no-dead-letter", &i);
    assert_eq!(
        statuses(&f),
        [
            ("with-dlq".to_string(), Status::Pass),
            ("no-dlq".to_string(), Status::Fail),
            ("denied".to_string(), Status::Unknown),
            ("clicks → clicks".to_string(), Status::Pass),
            ("clicks → sessions".to_string(), Status::Fail),
            ("orders-mq → legacy".to_string(), Status::NotApplicable),
        ]
    );
    assert_eq!(f[3].service, Service::Lambda);
    assert!(f[3].resource_id.ends_with(":event-source-mapping:k1"));
    assert!(
        f[4].remediation()
            .cli
            .contains("update-event-source-mapping --uuid k2")
    );
    assert!(f[1].remediation().cli.contains("RedrivePolicy"));
    // A doubly encoded redrive policy still names its target.
    assert_eq!(
        dead_letter_target(&serde_json::to_string("{\"deadLetterTargetArn\":\"arn:x\"}").unwrap()),
        Some("arn:x".into())
    );
}

#[test]
fn streams_retry_forever_only_with_every_bound_off() {
    let mut i = inv();
    let table = format!("arn:aws:dynamodb:{R}:{ACCT}:table/orders/stream/2026-01-01T00:00:00.000");
    let m = |uuid: &str, retries: Option<i32>, age: Option<i32>, bisect: Option<bool>| {
        Arc::new(EventSourceMapping {
            maximum_retry_attempts: retries,
            maximum_record_age_seconds: age,
            bisect_batch_on_function_error: bisect,
            ..mapping(uuid, &table, uuid)
        })
    };
    i.mappings = vec![
        m("forever", Some(-1), Some(-1), Some(false)),
        m("absent", None, None, None),
        m("retries", Some(3), Some(-1), None),
        m("age", None, Some(3600), None),
        m("bisect", Some(-1), None, Some(true)),
        // A queue is judged through the queue; a Kafka cluster is no stream.
        Arc::new(mapping("queue", &queue_arn("q"), "worker")),
        Arc::new(mapping(
            "kafka",
            &format!("arn:aws:kafka:{R}:{ACCT}:cluster/events/0a1b-2"),
            "consumer",
        )),
    ];
    let f = eval("events.stream-unbounded-retries", &i);
    assert_eq!(
        statuses(&f),
        [
            ("orders → forever".to_string(), Status::Fail),
            ("orders → absent".to_string(), Status::Fail),
            ("orders → retries".to_string(), Status::Pass),
            ("orders → age".to_string(), Status::Pass),
            ("orders → bisect".to_string(), Status::Pass),
            ("events → consumer".to_string(), Status::NotApplicable),
        ]
    );
    assert!(
        f[1].evidence
            .iter()
            .any(|e| e.field == "MaximumRetryAttempts" && e.value == "(absent)")
    );
}

/// Nothing triggers a function: no resource, so nothing to report (and nothing passes
/// without having been looked at).
#[test]
fn no_sources_no_findings() {
    for c in CHECKS {
        assert!(eval(c.id, &inv()).is_empty(), "{}", c.id);
    }
}
