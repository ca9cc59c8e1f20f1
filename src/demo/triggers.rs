//! The demo account's event side: what makes its functions run besides the APIs.
//!
//! The story: orders fan out on the `order-events` topic (AWS's default policy, encrypted) to
//! the e-mail and SMS senders and, through the encrypted `order-fulfilment` queue with a
//! dead-letter queue, to `orders-fulfil`. A payment provider posts webhooks to the
//! `partner-webhooks` topic, which someone opened to everyone. The storefront's clickstream
//! (Kinesis) feeds `clickstream-ingest` with retries that never give up; the orders table's
//! stream feeds push notifications, bounded. The CI system puts deploy events on the
//! `ci-events` bus, open to any account, whose rule runs `deploy-hook`, a function that may
//! rewrite other functions. The legacy CSV importer still reads `legacy-import`, a public,
//! unencrypted queue, with its administrator role. In eu-west-1 the warehouse operator sends
//! stock updates to `stock-updates` (encrypted, a grant to the operator's account), and the
//! operator's own `returns-intake` queue triggers `inventory-reserve`, but its attributes
//! cannot be read from this account.

use super::fixture::*;
use crate::domain::inventory::{
    Alias, Bus, BusRule, CodeSigning, EventSourceMapping, Queue, QueueAttributes, Stream,
    Subscription, Topic, TopicAttributes,
};
use crate::domain::values::StreamEncryption;

fn queue_arn(region: &str, account: &str, name: &str) -> String {
    format!("arn:aws:sqs:{region}:{account}:{name}")
}

fn topic_arn(name: &str) -> String {
    format!("arn:aws:sns:{USE1}:{DEMO_ACCOUNT}:{name}")
}

fn bus_arn(region: &str, name: &str) -> String {
    format!("arn:aws:events:{region}:{DEMO_ACCOUNT}:event-bus/{name}")
}

/// The functions that only events reach.
pub(super) fn trigger_functions() -> Vec<Function> {
    vec![
        // Picks paid orders off the fulfilment queue.
        Function {
            name: "orders-fulfil".into(),
            arn: function_arn(USE1, "orders-fulfil"),
            region: USE1.into(),
            runtime: Some("python3.13".into()),
            package_type: Some("Zip".into()),
            role_arn: role_arn("orders-service-role"),
            env: env(&[("ORDERS_TABLE", "orders-prod")]),
            tracing_mode: Some("Active".into()),
            ..Default::default()
        },
        // Storefront clickstream from Kinesis into the analytics bucket.
        Function {
            name: "clickstream-ingest".into(),
            arn: function_arn(USE1, "clickstream-ingest"),
            region: USE1.into(),
            runtime: Some("nodejs20.x".into()),
            package_type: Some("Zip".into()),
            role_arn: role_arn("clickstream-role"),
            env: env(&[("ANALYTICS_BUCKET", "shop-clickstream")]),
            tracing_mode: Some("PassThrough".into()),
            ..Default::default()
        },
        // Runs after every deploy the CI system announces; it may update any function.
        Function {
            name: "deploy-hook".into(),
            arn: function_arn(USE1, "deploy-hook"),
            region: USE1.into(),
            runtime: Some("python3.12".into()),
            package_type: Some("Zip".into()),
            role_arn: role_arn("deploy-hook-role"),
            env: env(&[("CI_BUS", "ci-events")]),
            tracing_mode: Some("PassThrough".into()),
            // The rule's grant was added without --source-arn.
            policy: Ok(Some(super::lambda::policy_doc(&[format!(
                r#"{{"Sid":"ci-events-rule","Effect":"Allow","Principal":{{"Service":"events.amazonaws.com"}},"Action":"lambda:InvokeFunction","Resource":"{}"}}"#,
                function_arn(USE1, "deploy-hook")
            )]))),
            ..Default::default()
        },
    ]
}

/// The roles of [`trigger_functions`] (orders-fulfil runs as orders-service-role).
pub(super) fn trigger_roles() -> Vec<(String, Fetched<Role>)> {
    vec![
        super::iam::role(
            "clickstream-role",
            vec![super::iam::inline(
                "clickstream",
                &[
                    super::iam::LOGS_STATEMENT.to_string(),
                    format!(
                        r#"{{"Sid":"Stream","Effect":"Allow","Action":["kinesis:GetRecords","kinesis:GetShardIterator","kinesis:DescribeStream","kinesis:ListShards"],"Resource":"arn:aws:kinesis:{USE1}:{DEMO_ACCOUNT}:stream/clickstream"}}"#
                    ),
                    r#"{"Sid":"Bucket","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::shop-clickstream/*"}"#.to_string(),
                ],
            )],
        ),
        super::iam::role(
            "deploy-hook-role",
            vec![super::iam::inline(
                "deploy",
                &[
                    super::iam::LOGS_STATEMENT.to_string(),
                    r#"{"Sid":"Redeploy","Effect":"Allow","Action":["lambda:UpdateFunctionCode","lambda:UpdateFunctionConfiguration","lambda:PublishVersion"],"Resource":"*"}"#.to_string(),
                    r#"{"Sid":"Artifacts","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::shop-build-artifacts/*"}"#.to_string(),
                ],
            )],
        ),
    ]
}

/// Code signing: the payment functions have a config (Enforce for the charge path, Warn for
/// refunds, left from a trial); in eu-west-1 the configs could not be listed.
pub(super) fn code_signing(function: &Function) -> Fetched<Option<CodeSigning>> {
    if function.region == EUW1 {
        return Err("AccessDenied: missing lambda:ListCodeSigningConfigs".into());
    }
    let config = |id: &str, policy: &str| {
        Some(CodeSigning {
            config_arn: format!("arn:aws:lambda:{USE1}:{DEMO_ACCOUNT}:code-signing-config:{id}"),
            untrusted_artifact_on_deployment: policy.into(),
        })
    };
    Ok(match function.name.as_str() {
        "payments-charge" | "payments-webhook" => config("csc-0a1b2c3d4e5f60718", "Enforce"),
        "payments-refund" => config("csc-0f1e2d3c4b5a69788", "Warn"),
        _ => None,
    })
}

/// Aliases: checkout runs through `live` (its API grant names the source); someone gave
/// the order lookup a `canary` alias with its own URL and no auth.
pub(super) fn aliases(function: &Function) -> Fetched<Vec<Alias>> {
    let alias = |name: &str, url: Option<FunctionUrl>, policy: Option<String>| Alias {
        name: name.into(),
        arn: format!("{}:{name}", function.arn),
        url: Ok(url),
        policy: Ok(policy),
    };
    Ok(match function.name.as_str() {
        "payments-charge" => vec![alias(
            "live",
            None,
            Some(super::lambda::apigateway_permission(
                "payments-charge",
                "apigw-payments-live",
                &format!("arn:aws:execute-api:{USE1}:{DEMO_ACCOUNT}:p4ym3nt5ap/*/POST/charges"),
            )),
        )],
        "orders-get" => vec![alias(
            "canary",
            Some(FunctionUrl {
                url: "https://c4n4ry7x2q9w5e8r1t3y6u0i4o7p2a5s.lambda-url.us-east-1.on.aws/".into(),
                auth_type: "NONE".into(),
                cors_allow_origins: Vec::new(),
                cors_allow_credentials: false,
            }),
            None,
        )],
        _ => Vec::new(),
    })
}

fn mapping(
    uuid: &str,
    region: &str,
    source: String,
    function: &str,
    tune: impl FnOnce(&mut EventSourceMapping),
) -> EventSourceMapping {
    let mut m = EventSourceMapping {
        uuid: uuid.into(),
        region: region.into(),
        source_arn: Some(source),
        function_arn: function_arn(region, function),
        state: Some("Enabled".into()),
        ..Default::default()
    };
    tune(&mut m);
    m
}

pub(super) fn mappings() -> Vec<EventSourceMapping> {
    vec![
        mapping(
            "3f1c2b7a-9d4e-4c1b-8a2f-6e5d4c3b2a10",
            USE1,
            queue_arn(USE1, DEMO_ACCOUNT, "order-fulfilment"),
            "orders-fulfil",
            |_| {},
        ),
        mapping(
            "8b2d4f6a-1c3e-4a5b-9d7f-0e2c4a6b8d10",
            USE1,
            queue_arn(USE1, DEMO_ACCOUNT, "legacy-import"),
            "legacy-export",
            |_| {},
        ),
        mapping(
            "c7e9a1b3-5d7f-4e1a-8c3b-2d4f6a8c0e12",
            USE1,
            format!("arn:aws:kinesis:{USE1}:{DEMO_ACCOUNT}:stream/clickstream"),
            "clickstream-ingest",
            |m| {
                m.maximum_retry_attempts = Some(-1);
                m.maximum_record_age_seconds = Some(-1);
                m.bisect_batch_on_function_error = Some(false);
            },
        ),
        mapping(
            "1a3c5e7f-9b2d-4f6a-8c1e-3a5c7e9b1d14",
            USE1,
            format!(
                "arn:aws:dynamodb:{USE1}:{DEMO_ACCOUNT}:table/orders-prod/stream/2025-03-14T09:26:53.589"
            ),
            "notifications-push",
            |m| {
                m.maximum_retry_attempts = Some(3);
                m.maximum_record_age_seconds = Some(3600);
                m.bisect_batch_on_function_error = Some(true);
                m.on_failure_destination = Some(queue_arn(USE1, DEMO_ACCOUNT, "push-failures"));
            },
        ),
        mapping(
            "2b4d6f8a-0c2e-4b6d-8f0a-2c4e6a8b0d20",
            EUW1,
            format!("arn:aws:kinesis:{EUW1}:{DEMO_ACCOUNT}:stream/stock-telemetry"),
            "inventory-sync",
            |m| {
                m.maximum_retry_attempts = Some(3);
                m.maximum_record_age_seconds = Some(3600);
                m.bisect_batch_on_function_error = Some(true);
                m.on_failure_destination = Some(queue_arn(EUW1, DEMO_ACCOUNT, "stock-failures"));
            },
        ),
        mapping(
            "5e7a9c1b-3d5f-4a7c-9e1b-5d7f9a1c3e16",
            EUW1,
            queue_arn(EUW1, DEMO_ACCOUNT, "stock-updates"),
            "inventory-sync",
            |_| {},
        ),
        mapping(
            "9c1e3a5b-7d9f-4b1d-8f3a-7c9e1b3d5f18",
            EUW1,
            queue_arn(EUW1, PARTNER_ACCOUNT, "returns-intake"),
            "inventory-reserve",
            |_| {},
        ),
    ]
}

fn statements(list: &[String]) -> Option<String> {
    Some(format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        list.join(",")
    ))
}

/// The Kinesis streams of the mappings: the clickstream was created before encryption was
/// the team's default; the warehouse telemetry stream is encrypted with the AWS managed key.
pub(super) fn streams() -> Vec<Stream> {
    vec![
        Stream {
            arn: format!("arn:aws:kinesis:{USE1}:{DEMO_ACCOUNT}:stream/clickstream"),
            name: "clickstream".into(),
            region: USE1.into(),
            encryption: Ok(StreamEncryption::None),
        },
        Stream {
            arn: format!("arn:aws:kinesis:{EUW1}:{DEMO_ACCOUNT}:stream/stock-telemetry"),
            name: "stock-telemetry".into(),
            region: EUW1.into(),
            encryption: Ok(StreamEncryption::Kms),
        },
    ]
}

pub(super) fn queues() -> Vec<Queue> {
    let fulfilment = queue_arn(USE1, DEMO_ACCOUNT, "order-fulfilment");
    let legacy = queue_arn(USE1, DEMO_ACCOUNT, "legacy-import");
    let stock = queue_arn(EUW1, DEMO_ACCOUNT, "stock-updates");
    vec![
        Queue {
            arn: fulfilment.clone(),
            name: "order-fulfilment".into(),
            region: USE1.into(),
            attributes: Ok(QueueAttributes {
                policy: statements(&[format!(
                    r#"{{"Sid":"order-events","Effect":"Allow","Principal":{{"Service":"sns.amazonaws.com"}},"Action":"sqs:SendMessage","Resource":"{fulfilment}","Condition":{{"ArnEquals":{{"aws:SourceArn":"{}"}}}}}}"#,
                    topic_arn("order-events")
                )]),
                sqs_managed_sse: true,
                kms_master_key_id: None,
                redrive_policy: Some(format!(
                    r#"{{"deadLetterTargetArn":"{}","maxReceiveCount":5}}"#,
                    queue_arn(USE1, DEMO_ACCOUNT, "order-fulfilment-dlq")
                )),
            }),
        },
        Queue {
            arn: legacy.clone(),
            name: "legacy-import".into(),
            region: USE1.into(),
            attributes: Ok(QueueAttributes {
                policy: statements(&[format!(
                    r#"{{"Sid":"anyone-can-drop-files","Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"{legacy}"}}"#
                )]),
                sqs_managed_sse: false,
                kms_master_key_id: None,
                redrive_policy: None,
            }),
        },
        Queue {
            arn: stock.clone(),
            name: "stock-updates".into(),
            region: EUW1.into(),
            attributes: Ok(QueueAttributes {
                policy: statements(&[format!(
                    r#"{{"Sid":"warehouse-operator","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{PARTNER_ACCOUNT}:root"}},"Action":"sqs:SendMessage","Resource":"{stock}"}}"#
                )]),
                sqs_managed_sse: false,
                kms_master_key_id: Some(key_arn(EUW1, INVENTORY_KEY_ID)),
                redrive_policy: Some(format!(
                    r#"{{"deadLetterTargetArn":"{}","maxReceiveCount":3}}"#,
                    queue_arn(EUW1, DEMO_ACCOUNT, "stock-updates-dlq")
                )),
            }),
        },
        Queue {
            arn: queue_arn(EUW1, PARTNER_ACCOUNT, "returns-intake"),
            name: "returns-intake".into(),
            region: EUW1.into(),
            attributes: Err(format!(
                "AccessDenied: sqs:GetQueueAttributes on a queue of account {PARTNER_ACCOUNT}"
            )
            .into()),
        },
    ]
}

pub(super) fn topics() -> Vec<Topic> {
    let order_events = topic_arn("order-events");
    let webhooks = topic_arn("partner-webhooks");
    let subscription = |topic: &str, id: &str, function: &str| Subscription {
        arn: format!("{topic}:{id}"),
        function_arn: function_arn(USE1, function),
    };
    vec![
        Topic {
            arn: order_events.clone(),
            name: "order-events".into(),
            region: USE1.into(),
            subscriptions: vec![
                subscription(
                    &order_events,
                    "4d6f8a0c-2e4a-4c6e-8a0c-2e4a6c8e0a12",
                    "notifications-email",
                ),
                subscription(
                    &order_events,
                    "6f8a0c2e-4a6c-4e8a-0c2e-4a6c8e0a2c14",
                    "notifications-sms",
                ),
            ],
            attributes: Ok(TopicAttributes {
                // AWS's default topic policy: anyone, but only for this account's resources.
                policy: statements(&[format!(
                    r#"{{"Sid":"__default_statement_ID","Effect":"Allow","Principal":{{"AWS":"*"}},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],"Resource":"{order_events}","Condition":{{"StringEquals":{{"AWS:SourceOwner":"{DEMO_ACCOUNT}"}}}}}}"#
                )]),
                kms_master_key_id: Some("alias/aws/sns".into()),
            }),
        },
        Topic {
            arn: webhooks.clone(),
            name: "partner-webhooks".into(),
            region: USE1.into(),
            subscriptions: vec![subscription(
                &webhooks,
                "8a0c2e4a-6c8e-4a0c-2e4a-6c8e0a2c4e16",
                "payments-webhook",
            )],
            attributes: Ok(TopicAttributes {
                policy: statements(&[format!(
                    r#"{{"Sid":"provider-posts-here","Effect":"Allow","Principal":"*","Action":"SNS:Publish","Resource":"{webhooks}"}}"#
                )]),
                kms_master_key_id: None,
            }),
        },
    ]
}

pub(super) fn buses() -> Vec<Bus> {
    let rule = |region: &str, bus: &str, name: &str, function: &str| BusRule {
        name: name.into(),
        arn: if bus == "default" {
            format!("arn:aws:events:{region}:{DEMO_ACCOUNT}:rule/{name}")
        } else {
            format!("arn:aws:events:{region}:{DEMO_ACCOUNT}:rule/{bus}/{name}")
        },
        function_arns: vec![function_arn(region, function)],
        machine_arns: Vec::new(),
    };
    vec![
        Bus {
            name: "default".into(),
            arn: bus_arn(USE1, "default"),
            region: USE1.into(),
            policy: Ok(None),
            rules: vec![
                rule(
                    USE1,
                    "default",
                    "reports-nightly-0200utc",
                    "reports-nightly",
                ),
                // Every placed order starts fulfilment (a private bus: not an open entry).
                BusRule {
                    name: "order-placed".into(),
                    arn: format!("arn:aws:events:{USE1}:{DEMO_ACCOUNT}:rule/order-placed"),
                    function_arns: Vec::new(),
                    machine_arns: vec![format!(
                        "arn:aws:states:{USE1}:{DEMO_ACCOUNT}:stateMachine:order-fulfilment"
                    )],
                },
            ],
        },
        Bus {
            name: "ci-events".into(),
            arn: bus_arn(USE1, "ci-events"),
            region: USE1.into(),
            policy: Ok(statements(&[
                format!(
                    r#"{{"Sid":"any-ci-runner","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::*:root"}},"Action":"events:PutEvents","Resource":"{}"}}"#,
                    bus_arn(USE1, "ci-events")
                ),
                format!(
                    r#"{{"Sid":"build-account","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{PARTNER_ACCOUNT}:root"}},"Action":"events:PutEvents","Resource":"{}"}}"#,
                    bus_arn(USE1, "ci-events")
                ),
            ])),
            rules: vec![rule(USE1, "ci-events", "on-deploy", "deploy-hook")],
        },
        Bus {
            name: "default".into(),
            arn: bus_arn(EUW1, "default"),
            region: EUW1.into(),
            policy: Ok(None),
            rules: vec![rule(
                EUW1,
                "default",
                "stock-sync-every-15m",
                "inventory-sync",
            )],
        },
    ]
}
