//! Unit tests of `event_paths.rs`: the joins from a public source to a dangerous role.

use super::*;
use crate::domain::checks::testing::{eval, one};
use crate::domain::finding::Status;
use crate::domain::inventory::{
    Area, Bus, BusRule, EventSourceMapping, ListFailure, Queue, QueueAttributes, RolePolicy,
    Subscription, Topic, TopicAttributes,
};
use serde_json::json;
use std::sync::Arc;

const ACCT: &str = "111122223333";
const R: &str = "us-east-1";
const ROLE: &str = "arn:aws:iam::111122223333:role/worker-role";

fn function_arn() -> String {
    format!("arn:aws:lambda:{R}:{ACCT}:function:worker")
}

fn public_policy(action: &str) -> Option<String> {
    Some(json!({"Statement": [{"Sid": "open", "Effect": "Allow", "Principal": "*", "Action": action}]}).to_string())
}

/// A function `worker` triggered by queue `orders-in`, running as a role with `statements`.
fn account(
    queue_policy: Result<Option<String>, String>,
    statements: serde_json::Value,
) -> Inventory {
    let queue_arn = format!("arn:aws:sqs:{R}:{ACCT}:orders-in");
    let mut inv = Inventory {
        account_id: ACCT.into(),
        regions: vec![R.into()],
        functions: vec![Arc::new(Function {
            name: "worker".into(),
            arn: function_arn(),
            region: R.into(),
            role_arn: ROLE.into(),
            ..Default::default()
        })],
        mappings: vec![Arc::new(EventSourceMapping {
            uuid: "9f8e".into(),
            region: R.into(),
            source_arn: Some(queue_arn.clone()),
            function_arn: format!("{}:live", function_arn()),
            ..Default::default()
        })],
        queues: vec![Arc::new(Queue {
            arn: queue_arn,
            name: "orders-in".into(),
            region: R.into(),
            attributes: queue_policy
                .map(|policy| QueueAttributes {
                    policy,
                    ..Default::default()
                })
                .map_err(Into::into),
        })],
        ..Default::default()
    };
    inv.roles.insert(
        ROLE.into(),
        Arc::new(Ok(Role {
            arn: ROLE.into(),
            name: "worker-role".into(),
            policies: vec![RolePolicy {
                name: "worker".into(),
                arn: None,
                document: Ok(json!({"Statement": statements}).to_string()),
            }],
        })),
    );
    inv
}

const PRIVILEGED: &str = "exposure.public-event-source-privileged-function";
const SECRETS: &str = "exposure.public-event-source-secret-reader";

#[test]
fn a_public_queue_into_an_escalating_role_shows_the_whole_path() {
    let inv = account(
        Ok(public_policy("sqs:SendMessage")),
        json!([{"Effect": "Allow", "Action": "iam:PutRolePolicy", "Resource": ROLE}]),
    );
    let f = one(PRIVILEGED, &inv);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.message,
        "SQS queue orders-in (anyone may sqs:SendMessage) → mapping 9f8e → function worker → \
         role worker-role → rewrite its own role's permissions: iam:PutRolePolicy on \
         arn:aws:iam::111122223333:role/worker-role (worker (inline))"
    );
    let fields: Vec<&str> = f.evidence.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "Source",
            "Via",
            "Public because",
            "Function",
            "Role",
            "Dangerous permission"
        ]
    );
    // The role reads no secrets: the other join passes, naming the source.
    let s = one(SECRETS, &inv);
    assert_eq!(s.status, Status::Pass);
    assert!(s.message.contains("orders-in"), "{}", s.message);
}

#[test]
fn a_closed_queue_passes_and_an_unreadable_one_is_unknown() {
    let admin = json!([{"Effect": "Allow", "Action": "*", "Resource": "*"}]);
    let inv = account(Ok(None), admin.clone());
    assert_eq!(one(PRIVILEGED, &inv).status, Status::Pass);
    let inv = account(
        Err("AccessDenied: sqs:GetQueueAttributes".into()),
        admin.clone(),
    );
    let f = one(PRIVILEGED, &inv);
    assert_eq!(f.status, Status::Unknown);
    assert!(
        f.message.contains("sqs:GetQueueAttributes"),
        "{}",
        f.message
    );
    // A failed triggers listing in the region hides sources too.
    let mut inv = account(Ok(None), admin);
    inv.list_failures.push(ListFailure {
        service: crate::domain::finding::Service::Sns,
        area: Area::Triggers,
        region: R.into(),
        call: "sns:ListSubscriptions".into(),
        reason: "Throttling".into(),
    });
    let f = eval(PRIVILEGED, &inv);
    assert_eq!(f[0].status, Status::Unknown);
    assert!(f[0].message.contains("sns:ListSubscriptions"));
}

#[test]
fn a_public_topic_into_a_secret_reader_fails() {
    let mut inv = account(
        Ok(None),
        json!([{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue",
                 "Resource": format!("arn:aws:secretsmanager:{R}:{ACCT}:secret:orders/*")}]),
    );
    let topic_arn = format!("arn:aws:sns:{R}:{ACCT}:order-events");
    inv.topics = vec![Arc::new(Topic {
        arn: topic_arn.clone(),
        name: "order-events".into(),
        region: R.into(),
        subscriptions: vec![Subscription {
            arn: format!("{topic_arn}:1a2b"),
            function_arn: function_arn(),
        }],
        attributes: Ok(TopicAttributes {
            policy: public_policy("SNS:Publish"),
            kms_master_key_id: None,
        }),
    })];
    let f = one(SECRETS, &inv);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message
            .starts_with("SNS topic order-events (anyone may sns:Publish) → subscription")
    );
    assert!(f.message.ends_with(":secret:orders/*"), "{}", f.message);
    // Secret access is not privilege by itself.
    assert_eq!(one(PRIVILEGED, &inv).status, Status::Pass);
}

#[test]
fn a_public_bus_and_a_service_grant_without_source_are_ways_in() {
    let mut inv = account(
        Ok(None),
        json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]),
    );
    inv.buses = vec![Arc::new(Bus {
        name: "shop".into(),
        arn: format!("arn:aws:events:{R}:{ACCT}:event-bus/shop"),
        region: R.into(),
        policy: Ok(Some(
            json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::*:root"}, "Action": "events:PutEvents"}]})
                .to_string(),
        )),
        rules: vec![BusRule {
            name: "on-order".into(),
            arn: format!("arn:aws:events:{R}:{ACCT}:rule/shop/on-order"),
            function_arns: vec![function_arn()],
            ..Default::default()
        }],
    })];
    let f = one(PRIVILEGED, &inv);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message.starts_with("EventBridge bus shop"),
        "{}",
        f.message
    );
    assert!(f.message.contains("s3:*"));

    let mut inv = account(
        Ok(None),
        json!([{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]),
    );
    Arc::get_mut(&mut inv.functions[0]).unwrap().policy = Ok(Some(
        json!({"Statement": [{"Sid": "any-bucket", "Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"}, "Action": "lambda:InvokeFunction"}]})
        .to_string(),
    ));
    let f = one(PRIVILEGED, &inv);
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message
            .starts_with("any account's s3.amazonaws.com (no aws:SourceArn) → $LATEST policy statement any-bucket"),
        "{}",
        f.message
    );
}

/// The joins decide every function: there is no not-applicable case (a function nothing
/// triggers passes, like the entry-point joins).
#[test]
fn every_function_is_decided() {
    let inv = account(Ok(None), json!([]));
    for id in [PRIVILEGED, SECRETS] {
        assert!(
            eval(id, &inv).iter().all(|f| f.status == Status::Pass),
            "{id}"
        );
    }
}
