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
    assert!(public_grants(&org("StringEquals"), "events:PutEvents", BUS_RESTRICTING).is_empty());
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
                function_arns: vec!["arn:aws:lambda:us-east-1:111122223333:function:other".into()],
                ..Default::default()
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
