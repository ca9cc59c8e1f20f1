//! Unit tests of `triggers.rs` against recorded answers in each service's protocol
//! (REST-JSON Lambda, query-XML SNS, JSON SQS and EventBridge): every listing's pages, only
//! the sources that trigger a function read, and failures landing where they belong.

use super::*;
use crate::aws::fake::{self as testing, ACCOUNT, Reply, Router, Seen};
use crate::domain::inventory::Function;
use std::sync::atomic::Ordering;

const R: &str = "us-east-1";

fn fn_arn(name: &str) -> String {
    format!("arn:aws:lambda:{R}:{ACCOUNT}:function:{name}")
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn mapping_json(uuid: &str, source: &str, function: &str, extra: &str) -> String {
    format!(
        r#"{{"UUID":"{uuid}","EventSourceArn":"{source}","FunctionArn":"{}","State":"Enabled"{extra}}}"#,
        fn_arn(function)
    )
}

fn subscription_xml(topic: &str, protocol: &str, endpoint: &str) -> String {
    format!(
        "<member><TopicArn>{topic}</TopicArn><Protocol>{protocol}</Protocol>\
         <SubscriptionArn>{topic}:s-{protocol}</SubscriptionArn><Owner>{ACCOUNT}</Owner>\
         <Endpoint>{endpoint}</Endpoint></member>"
    )
}

fn queue(name: &str) -> String {
    format!("arn:aws:sqs:{R}:{ACCOUNT}:{name}")
}

fn topic(name: &str) -> String {
    format!("arn:aws:sns:{R}:{ACCOUNT}:{name}")
}

/// An account with two pages of mappings (a queue and a stream), two pages of subscriptions
/// (one `lambda`, one `email`), a bus whose rule targets a function and a bus without any.
fn route(s: &Seen) -> Reply {
    if s.path.starts_with("/2015-03-31/event-source-mappings") {
        return match s.query("Marker").as_deref() {
            None => Reply::json(&format!(
                r#"{{"EventSourceMappings":[{}],"NextMarker":"m2"}}"#,
                mapping_json("u1", &queue("orders-in"), "worker", "")
            )),
            _ => Reply::json(&format!(
                r#"{{"EventSourceMappings":[{}]}}"#,
                mapping_json(
                    "u2",
                    &format!("arn:aws:kinesis:{R}:{ACCOUNT}:stream/clicks"),
                    "clicks",
                    r#","MaximumRetryAttempts":-1,"BisectBatchOnFunctionError":false,"DestinationConfig":{"OnFailure":{"Destination":"arn:aws:sqs:us-east-1:123456789012:dlq"}}"#
                )
            )),
        };
    }
    match s.action().as_deref() {
        Some("ListSubscriptions") => {
            let (members, next) = match s.param("NextToken").as_deref() {
                None => (
                    subscription_xml(&topic("orders"), "email", "ops@example.com"),
                    "<NextToken>t2</NextToken>",
                ),
                _ => (
                    subscription_xml(&topic("orders"), "lambda", &fn_arn("notify")),
                    "",
                ),
            };
            return Reply::xml(&format!(
                "<ListSubscriptionsResponse><ListSubscriptionsResult><Subscriptions>{members}\
                 </Subscriptions>{next}</ListSubscriptionsResult></ListSubscriptionsResponse>"
            ));
        }
        Some("GetTopicAttributes") => {
            let policy = xml_escape(
                r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"SNS:Publish"}]}"#,
            );
            return Reply::xml(&format!(
                "<GetTopicAttributesResponse><GetTopicAttributesResult><Attributes>\
                 <entry><key>Policy</key><value>{policy}</value></entry>\
                 <entry><key>TopicArn</key><value>{}</value></entry>\
                 </Attributes></GetTopicAttributesResult></GetTopicAttributesResponse>",
                topic("orders")
            ));
        }
        _ => {}
    }
    let body: serde_json::Value = serde_json::from_str(&s.body).unwrap_or_default();
    match s.target.as_deref() {
        Some("GetQueueAttributes") => {
            assert_eq!(
                body["QueueUrl"],
                "https://sqs.us-east-1.amazonaws.com/123456789012/orders-in"
            );
            Reply {
                status: 200,
                content_type: "application/x-amz-json-1.0",
                headers: Vec::new(),
                body: r#"{"Attributes":{"SqsManagedSseEnabled":"true","RedrivePolicy":"{\"deadLetterTargetArn\":\"arn:aws:sqs:us-east-1:123456789012:dlq\",\"maxReceiveCount\":5}"}}"#.into(),
            }
        }
        Some("ListEventBuses") => match body["NextToken"].as_str() {
            None => Reply::json(&format!(
                r#"{{"EventBuses":[{{"Name":"default","Arn":"arn:aws:events:{R}:{ACCOUNT}:event-bus/default"}}],"NextToken":"b2"}}"#
            )),
            _ => Reply::json(&format!(
                r#"{{"EventBuses":[{{"Name":"shop","Arn":"arn:aws:events:{R}:{ACCOUNT}:event-bus/shop"}}]}}"#
            )),
        },
        Some("ListRules") => match body["EventBusName"].as_str() {
            Some("shop") => Reply::json(&format!(
                r#"{{"Rules":[{{"Name":"on-order","Arn":"arn:aws:events:{R}:{ACCOUNT}:rule/shop/on-order"}}]}}"#
            )),
            _ => Reply::json(r#"{"Rules":[]}"#),
        },
        Some("ListTargetsByRule") => Reply::json(&format!(
            r#"{{"Targets":[{{"Id":"fn","Arn":"{}"}},{{"Id":"q","Arn":"{}"}}]}}"#,
            fn_arn("fulfil"),
            queue("audit")
        )),
        Some("DescribeEventBus") => Reply::denied_xml("events:DescribeEventBus"),
        Some("DescribeStreamSummary") => {
            assert_eq!(
                body["StreamARN"],
                format!("arn:aws:kinesis:{R}:{ACCOUNT}:stream/clicks")
            );
            Reply::json(&format!(
                r#"{{"StreamDescriptionSummary":{{"StreamName":"clicks","StreamARN":"arn:aws:kinesis:{R}:{ACCOUNT}:stream/clicks","StreamStatus":"ACTIVE","RetentionPeriodHours":24,"StreamCreationTimestamp":1700000000,"EnhancedMonitoring":[],"EncryptionType":"NONE","OpenShardCount":1}}}}"#
            ))
        }
        other => panic!("unexpected request {other:?} {}", s.path),
    }
}

fn current() -> Inventory {
    Inventory {
        functions: vec![Arc::new(Function {
            name: "worker".into(),
            arn: fn_arn("worker"),
            region: R.into(),
            ..Default::default()
        })],
        ..Default::default()
    }
}

#[tokio::test]
async fn every_listing_is_paged_and_only_triggering_sources_are_read() {
    let router = Router::new(route);
    let config = testing::sdk_config(router.clone(), R);
    let shared = testing::shared(&config);
    let clients = testing::region_clients(&config, R);
    let collected = collect(&shared, &clients, &current()).await;
    let inv = &collected.inventory;

    let uuids: Vec<&str> = inv.mappings.iter().map(|m| m.uuid.as_str()).collect();
    assert_eq!(uuids, ["u1", "u2"], "both pages of mappings");
    let stream = &inv.mappings[1];
    assert_eq!(stream.maximum_retry_attempts, Some(-1));
    assert_eq!(stream.bisect_batch_on_function_error, Some(false));
    assert_eq!(
        stream.on_failure_destination.as_deref(),
        Some("arn:aws:sqs:us-east-1:123456789012:dlq")
    );
    assert_eq!(stream.region, R);

    // The queue of the SQS mapping, read once; not the stream.
    assert_eq!(inv.queues.len(), 1);
    let attrs = inv.queues[0].attributes.as_ref().expect("read");
    assert!(attrs.sqs_managed_sse);
    assert!(attrs.redrive_policy.as_deref().unwrap().contains("dlq"));
    assert_eq!(inv.queues[0].name, "orders-in");

    // The lambda subscription (second page) and its topic; the e-mail one is not a trigger.
    assert_eq!(inv.topics.len(), 1);
    assert_eq!(inv.topics[0].subscriptions.len(), 1);
    assert_eq!(
        inv.topics[0].subscriptions[0].function_arn,
        fn_arn("notify")
    );
    assert!(
        inv.topics[0]
            .attributes
            .as_ref()
            .unwrap()
            .policy
            .as_deref()
            .unwrap()
            .contains("SNS:Publish")
    );

    // Only the bus whose rule targets a function, with only the function target; its
    // policy could not be read.
    assert_eq!(inv.buses.len(), 1);
    let bus = &inv.buses[0];
    assert_eq!(bus.name, "shop");
    assert_eq!(bus.rules[0].function_arns, [fn_arn("fulfil")]);
    assert_eq!(
        bus.policy,
        Err("AccessDenied: missing events:DescribeEventBus".into())
    );
    assert!(inv.list_failures.is_empty());
    assert_eq!(collected.failures.len(), 1);

    // The stream of the Kinesis mapping, its encryption read once (DescribeStreamSummary).
    assert_eq!(inv.streams.len(), 1);
    assert_eq!(inv.streams[0].name, "clicks");
    assert_eq!(
        inv.streams[0].encryption,
        Ok(crate::domain::values::StreamEncryption::None)
    );

    // Requests: 2 + 2 + 2 listing pages, 2 ListRules, 1 ListTargetsByRule, then one per
    // source: a queue, a topic, a bus, a stream.
    assert_eq!(router.requests().len(), 13);
    assert_eq!(shared.calls.load(Ordering::Relaxed), 13);
}

#[tokio::test]
async fn a_failed_listing_hides_only_its_sources_and_says_so() {
    let router = Router::new(|s: &Seen| {
        if s.path.starts_with("/2015-03-31/event-source-mappings") {
            return Reply::denied_xml("lambda:ListEventSourceMappings");
        }
        if s.target.as_deref() == Some("ListEventBuses") {
            return Reply::json(r#"{"EventBuses":[]}"#);
        }
        route(s)
    });
    let config = testing::sdk_config(router.clone(), R);
    let shared = testing::shared(&config);
    let collected = collect(&shared, &testing::region_clients(&config, R), &current()).await;
    let inv = &collected.inventory;
    let failed: Vec<(Service, &str)> = inv
        .list_failures
        .iter()
        .map(|f| (f.service, f.call.as_str()))
        .collect();
    assert_eq!(
        failed,
        [
            (Service::Sqs, "lambda:ListEventSourceMappings"),
            (Service::Lambda, "lambda:ListEventSourceMappings")
        ]
    );
    assert!(inv.list_failures.iter().all(|f| f.area == Area::Triggers));
    assert_eq!(
        inv.list_failures[0].reason,
        "AccessDenied: missing lambda:ListEventSourceMappings".into()
    );
    // The topics were still listed and read.
    assert_eq!(inv.topics.len(), 1);
    assert_eq!(
        collected.state(),
        crate::domain::collection::CollectionState::Failed
    );
}

#[tokio::test]
async fn a_region_without_functions_costs_nothing() {
    let router = Router::new(|s: &Seen| panic!("no request expected: {}", s.path));
    let config = testing::sdk_config(router.clone(), R);
    let shared = testing::shared(&config);
    let collected = collect(
        &shared,
        &testing::region_clients(&config, R),
        &Inventory::default(),
    )
    .await;
    assert!(collected.inventory.mappings.is_empty());
    assert_eq!(router.requests().len(), 0);
}

#[tokio::test]
async fn a_region_with_a_state_machine_but_no_function_reads_its_buses() {
    let router = Router::new(|s: &Seen| match s.target.as_deref() {
        Some("ListEventBuses") => Reply::json(r#"{"EventBuses":[]}"#),
        _ => Reply::json(r#"{}"#),
    });
    let config = testing::sdk_config(router.clone(), R);
    let shared = testing::shared(&config);
    let current = Inventory {
        state_machines: vec![std::sync::Arc::new(
            crate::domain::inventory::StateMachine {
                arn: format!("arn:aws:states:{R}:123456789012:stateMachine:flow"),
                name: "flow".into(),
                region: R.into(),
                kind: Default::default(),
                described: Err("not described".into()),
            },
        )],
        ..Inventory::default()
    };
    collect(&shared, &testing::region_clients(&config, R), &current).await;
    assert!(
        router
            .requests()
            .iter()
            .any(|s| s.target.as_deref() == Some("ListEventBuses")),
        "{:?}",
        router.requests()
    );
}

#[test]
fn queue_urls_come_from_the_arn() {
    assert_eq!(
        queue_url("arn:aws:sqs:eu-west-1:444455556666:returns-intake"),
        "https://sqs.eu-west-1.amazonaws.com/444455556666/returns-intake"
    );
}
