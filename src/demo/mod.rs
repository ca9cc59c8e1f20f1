//! The embedded demo account: the e-commerce case study (payments, orders, inventory,
//! notifications) as a realistic mix of good and bad settings.
//!
//! Everything is built in code against the inventory model, and every date is relative to the
//! `now` passed in, so the findings are the same whenever the demo runs. The fixture is shaped so
//! that every check of the catalogue has at least one passing and one failing resource, plus a
//! few `unknown`s from realistic collection errors (a denied GetPolicy, an unreadable managed
//! policy, a key pending deletion whose rotation status cannot be read).
//!
//! The credentials below are fake: they only look like credentials so the detectors fire.

pub mod replay;

use std::collections::BTreeMap;
use std::time::Duration;

use time::OffsetDateTime;

use crate::domain::collection::CollectionState;
use crate::domain::inventory::{
    Area, Authorizer, BasePathMapping, Cors, EventInvokeConfig, Fetched, Function, FunctionUrl,
    Integration, Inventory, Key, KeyDetails, MethodSetting, RequestValidator, RestApi, RestDomain,
    RestMethod, RestResource, RestStage, Role, RolePolicy, Route, Secret, UsagePlan, V2Api,
    V2Domain, V2Stage,
};
use crate::domain::runtimes::{self, RuntimeStatus};
use crate::domain::source::Batch;

/// The demo account id (the documentation's example account).
pub const DEMO_ACCOUNT: &str = "111122223333";
/// Most of the shop runs here.
pub const PRIMARY_REGION: &str = "us-east-1";
/// The warehouse (inventory) side runs here.
pub const SECONDARY_REGION: &str = "eu-west-1";
/// A partner account (warehouse operator / analytics vendor), not trusted by default.
pub const PARTNER_ACCOUNT: &str = "444455556666";

const USE1: &str = PRIMARY_REGION;
const EUW1: &str = SECONDARY_REGION;

// ─────────────────────── fake credentials (obviously fake, detector-matching) ───────────────────────

const FAKE_AWS_ACCESS_KEY_ID: &str = "AKIA4DEMO7PARAPET2QX";
const FAKE_AWS_SECRET_ACCESS_KEY: &str = "dEmOpArApEt/FaKe0SeCrEt1KeY2nOt3ReAl4xYz";
const FAKE_STRIPE_LIVE_KEY: &str = "sk_live_51DemoParapetFAKEq8Zr2VxK7mNw4Ls9Tb3Hy6Gd";
const FAKE_STRIPE_RESTRICTED_KEY: &str = "rk_live_51DemoParapetFAKEr3Wq9Jx5Ne2Pk8Vz4Mc7Bt";
const FAKE_WEBHOOK_SECRET: &str = "whsec_Q7mZ2xV9kLp4Rt8Nw3Jh6Ybc5Fd1GsAe";
const FAKE_SMTP_PASSWORD: &str = "Tr0ub4dor-Xq9vLp2Zk7Wm-demo";
const FAKE_DB_PASSWORD: &str = "hunter2-Parapet-Demo-9f8e7dQz";
const FAKE_GITHUB_TOKEN: &str = "ghp_DemoParapetFAKE0a1B2c3D4e5F6g7H8i9J0k";

/// Every secret-looking string the fixture contains (environment variables and stage
/// variables), so tests can assert that no export or screen ever shows one.
pub fn secret_values() -> Vec<&'static str> {
    vec![
        FAKE_AWS_ACCESS_KEY_ID,
        FAKE_AWS_SECRET_ACCESS_KEY,
        FAKE_STRIPE_LIVE_KEY,
        FAKE_STRIPE_RESTRICTED_KEY,
        FAKE_WEBHOOK_SECRET,
        FAKE_SMTP_PASSWORD,
        FAKE_DB_PASSWORD,
        FAKE_GITHUB_TOKEN,
    ]
}

// ─────────────────────────────── ARNs and small helpers ───────────────────────────────

fn function_arn(region: &str, name: &str) -> String {
    format!("arn:aws:lambda:{region}:{DEMO_ACCOUNT}:function:{name}")
}

fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{DEMO_ACCOUNT}:role/{name}")
}

fn secret_arn(region: &str, name: &str, suffix: &str) -> String {
    format!("arn:aws:secretsmanager:{region}:{DEMO_ACCOUNT}:secret:{name}-{suffix}")
}

fn key_arn(region: &str, id: &str) -> String {
    format!("arn:aws:kms:{region}:{DEMO_ACCOUNT}:key/{id}")
}

fn table_arn(region: &str, table: &str) -> String {
    format!("arn:aws:dynamodb:{region}:{DEMO_ACCOUNT}:table/{table}")
}

fn log_group_arn(region: &str, group: &str) -> String {
    format!("arn:aws:logs:{region}:{DEMO_ACCOUNT}:log-group:{group}")
}

fn web_acl_arn(name: &str, id: &str) -> String {
    format!("arn:aws:wafv2:{USE1}:{DEMO_ACCOUNT}:regional/webacl/{name}/{id}")
}

/// REST `methodIntegration.uri` / authorizer URI for a Lambda function.
fn lambda_invoke_uri(region: &str, function: &str) -> String {
    format!(
        "arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{}/invocations",
        function_arn(region, function)
    )
}

fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

fn days(n: i64) -> time::Duration {
    time::Duration::days(n)
}

// ─────────────────────────────── KMS key ids ───────────────────────────────

const PAYMENTS_KEY_ID: &str = "1f2e3d4c-5b6a-4789-8abc-0d1e2f3a4b5c";
const ORDERS_KEY_ID: &str = "7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d";
const AWS_SECRETSMANAGER_KEY_ID: &str = "0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f";
const INVENTORY_KEY_ID: &str = "3b4c5d6e-7f8a-4b9c-8d0e-1f2a3b4c5d6e";

// ─────────────────────────────── the inventory ───────────────────────────────

/// The whole demo account as of `now`.
pub fn inventory(now: OffsetDateTime) -> Inventory {
    Inventory {
        account_id: DEMO_ACCOUNT.to_string(),
        regions: vec![USE1.to_string(), EUW1.to_string()],
        functions: functions(now),
        roles: roles(),
        rest_apis: rest_apis(),
        rest_domains: rest_domains(),
        usage_plans: usage_plans(),
        v2_apis: v2_apis(),
        v2_domains: v2_domains(),
        secrets: secrets(now),
        reserved_concurrency: reserved_concurrency(&functions(now)),
        keys: keys(),
        list_failures: Vec::new(),
    }
}

/// Reserved concurrency as the throttles area reports it: the capped functions, every other
/// function read and unreserved.
fn reserved_concurrency(
    functions: &[Function],
) -> BTreeMap<String, BTreeMap<String, Fetched<Option<i32>>>> {
    const CAPPED: [(&str, i32); 4] = [
        ("payments-charge", 50),
        ("payments-webhook", 20),
        ("inventory-reserve", 25),
        ("auth-authorizer", 100),
    ];
    let mut out: BTreeMap<String, BTreeMap<String, Fetched<Option<i32>>>> = BTreeMap::new();
    for f in functions {
        let reserved = CAPPED
            .iter()
            .find(|(name, _)| *name == f.name)
            .map(|(_, n)| *n);
        out.entry(f.region.clone())
            .or_default()
            .insert(f.arn.clone(), Ok(reserved));
    }
    out
}

/// A runtime whose deprecation date falls within the next 90 days of `now`, if the runtime
/// table has one; otherwise a supported runtime (the function then simply passes).
pub fn runtime_deprecating_soon(now: OffsetDateTime) -> String {
    let today = now.date();
    runtimes::RUNTIMES
        .iter()
        .filter_map(|(id, _)| match runtimes::status(id, today) {
            RuntimeStatus::DeprecatingSoon { date } => Some((date, *id)),
            _ => None,
        })
        .min()
        .map_or("nodejs22.x", |(_, id)| id)
        .to_string()
}

// ─────────────────────────────── Lambda ───────────────────────────────

fn functions(now: OffsetDateTime) -> Vec<Function> {
    let payments_key = key_arn(USE1, PAYMENTS_KEY_ID);
    let orders_key = key_arn(USE1, ORDERS_KEY_ID);
    let inventory_key = key_arn(EUW1, INVENTORY_KEY_ID);
    let stripe_secret = secret_arn(USE1, "prod/payments/stripe-api-key", "a1B2c3");
    let payments_subnets = vec![
        "subnet-0a1b2c3d4e5f60718".to_string(),
        "subnet-0b2c3d4e5f6071829".to_string(),
    ];
    let warehouse_subnets = vec!["subnet-0c3d4e5f607182930".to_string()];

    vec![
        // Checkout: reached through payments-api (Lambda authorizer) and the storefront's
        // JWT-protected /checkout route. The model function: least privilege, CMK, VPC, X-Ray.
        Function {
            name: "payments-charge".into(),
            arn: function_arn(USE1, "payments-charge"),
            region: USE1.into(),
            runtime: Some("python3.12".into()),
            package_type: Some("Zip".into()),
            role_arn: role_arn("payments-service-role"),
            env: env(&[
                ("PAYMENTS_TABLE", "payments-prod"),
                ("STRIPE_SECRET_ARN", &stripe_secret),
                ("POWERTOOLS_SERVICE_NAME", "payments"),
                ("LOG_LEVEL", "INFO"),
            ]),
            kms_key_arn: Some(payments_key.clone()),
            vpc_subnet_ids: payments_subnets.clone(),
            tracing_mode: Some("Active".into()),
            policy: Ok(Some(apigateway_permission(
                "payments-charge",
                "apigw-payments-api",
                &format!("arn:aws:execute-api:{USE1}:{DEMO_ACCOUNT}:p4ym3nt5ap/*/POST/charges"),
            ))),
            ..Default::default()
        },
        Function {
            name: "payments-refund".into(),
            arn: function_arn(USE1, "payments-refund"),
            region: USE1.into(),
            runtime: Some("python3.12".into()),
            package_type: Some("Zip".into()),
            role_arn: role_arn("payments-service-role"),
            env: env(&[
                ("PAYMENTS_TABLE", "payments-prod"),
                ("STRIPE_SECRET_NAME", "prod/payments/stripe-api-key"),
            ]),
            kms_key_arn: Some(payments_key.clone()),
            vpc_subnet_ids: payments_subnets.clone(),
            tracing_mode: Some("Active".into()),
            policy: Ok(Some(apigateway_permission(
                "payments-refund",
                "apigw-payments-api",
                &format!("arn:aws:execute-api:{USE1}:{DEMO_ACCOUNT}:p4ym3nt5ap/*/POST/refunds"),
            ))),
            ..Default::default()
        },
        // Stripe calls this through a function URL with no auth (it checks the signature in
        // code). The live Stripe key and the signing secret were pasted into the environment.
        Function {
            name: "payments-webhook".into(),
            arn: function_arn(USE1, "payments-webhook"),
            region: USE1.into(),
            runtime: Some("nodejs22.x".into()),
            package_type: Some("Zip".into()),
            role_arn: role_arn("payments-service-role"),
            env: env(&[
                ("STRIPE_API_KEY", FAKE_STRIPE_LIVE_KEY),
                ("STRIPE_WEBHOOK_SECRET", FAKE_WEBHOOK_SECRET),
                ("PAYMENTS_TABLE", "payments-prod"),
            ]),
            tracing_mode: Some("Active".into()),
            policy: Ok(Some(function_url_public_permission("payments-webhook"))),
            url: Ok(Some(FunctionUrl {
                url: "https://x7kq2m4vdu3lbfyc5owr6n1hta0zsgpe.lambda-url.us-east-1.on.aws/".into(),
                auth_type: "NONE".into(),
                cors_allow_origins: Vec::new(),
                cors_allow_credentials: false,
            })),
            ..Default::default()
        },
        Function {
            name: "orders-create".into(),
            arn: function_arn(USE1, "orders-create"),
            region: USE1.into(),
            runtime: Some("nodejs22.x".into()),
            package_type: Some("Zip".into()),
            role_arn: role_arn("orders-service-role"),
            env: env(&[
                ("ORDERS_TABLE", "orders-prod"),
                (
                    "ORDER_EVENTS_TOPIC_ARN",
                    &format!("arn:aws:sns:{USE1}:{DEMO_ACCOUNT}:order-events"),
                ),
            ]),
            kms_key_arn: Some(orders_key.clone()),
            tracing_mode: Some("Active".into()),
            policy: Ok(Some(apigateway_permission(
                "orders-create",
                "apigw-orders-api",
                &format!("arn:aws:execute-api:{USE1}:{DEMO_ACCOUNT}:0rd3r5ap1x/*/POST/orders"),
            ))),
            ..Default::default()
        },
        // Order lookup: GET /orders/{id} on orders-api has no authorizer (API key only), and
        // the storefront exposes an open status route to it. Its role has dynamodb:*.
        Function {
            name: "orders-get".into(),
            arn: function_arn(USE1, "orders-get"),
            region: USE1.into(),
            runtime: Some("nodejs22.x".into()),
            package_type: Some("Zip".into()),
            role_arn: role_arn("orders-service-role"),
            env: env(&[("ORDERS_TABLE", "orders-prod"), ("CACHE_TTL_SECONDS", "30")]),
            tracing_mode: Some("Active".into()),
            policy: Ok(Some(policy_doc(&[
                service_statement(
                    "apigw-orders-api",
                    "apigateway.amazonaws.com",
                    "orders-get",
                    &format!("arn:aws:execute-api:{USE1}:{DEMO_ACCOUNT}:0rd3r5ap1x/*/GET/*"),
                ),
                service_statement(
                    "apigw-storefront-http",
                    "apigateway.amazonaws.com",
                    "orders-get",
                    &format!("arn:aws:execute-api:{USE1}:{DEMO_ACCOUNT}:st0r3fr0nt/*/*"),
                ),
            ]))),
            ..Default::default()
        },
        // Nightly stock sync from the warehouse operator. Old runtime, a layer from the
        // operator's account, no failure destination.
        Function {
            name: "inventory-sync".into(),
            arn: function_arn(EUW1, "inventory-sync"),
            region: EUW1.into(),
            runtime: Some("python3.8".into()),
            package_type: Some("Zip".into()),
            role_arn: role_arn("inventory-service-role"),
            env: env(&[
                ("STOCK_TABLE", "stock-levels"),
                (
                    "WAREHOUSE_API_URL",
                    "https://wms.warehouse.example.com/api/v2",
                ),
                (
                    "WAREHOUSE_TOKEN_SECRET_ARN",
                    &secret_arn(EUW1, "prod/inventory/warehouse-api-token", "Zx9Yw8"),
                ),
            ]),
            kms_key_arn: Some(inventory_key.clone()),
            layers: vec![format!(
                "arn:aws:lambda:{EUW1}:{PARTNER_ACCOUNT}:layer:wms-client-sdk:12"
            )],
            vpc_subnet_ids: warehouse_subnets.clone(),
            tracing_mode: Some("PassThrough".into()),
            policy: Ok(Some(policy_doc(&[service_statement(
                "eventbridge-stock-sync",
                "events.amazonaws.com",
                "inventory-sync",
                &format!("arn:aws:events:{EUW1}:{DEMO_ACCOUNT}:rule/stock-sync-every-15m"),
            )]))),
            event_invoke: Ok(Some(EventInvokeConfig {
                on_failure_destination: None,
                on_success_destination: None,
                maximum_retry_attempts: Some(2),
            })),
            ..Default::default()
        },
        // Stock reservation behind the PRIVATE internal API; the warehouse operator's account
        // was also granted direct invoke (bare account id).
        Function {
            name: "inventory-reserve".into(),
            arn: function_arn(EUW1, "inventory-reserve"),
            region: EUW1.into(),
            runtime: Some("python3.12".into()),
            package_type: Some("Zip".into()),
            role_arn: role_arn("inventory-service-role"),
            env: env(&[("STOCK_TABLE", "stock-levels")]),
            vpc_subnet_ids: warehouse_subnets,
            tracing_mode: Some("Active".into()),
            policy: Ok(Some(policy_doc(&[
                service_statement(
                    "apigw-internal-inventory",
                    "apigateway.amazonaws.com",
                    "inventory-reserve",
                    &format!(
                        "arn:aws:execute-api:{EUW1}:{DEMO_ACCOUNT}:1nv3nt0ry1/*/POST/reservations"
                    ),
                ),
                format!(
                    r#"{{"Sid":"warehouse-operator-direct","Effect":"Allow","Principal":{{"AWS":"{PARTNER_ACCOUNT}"}},"Action":"lambda:InvokeFunction","Resource":"{}"}}"#,
                    function_arn(EUW1, "inventory-reserve")
                ),
            ]))),
            ..Default::default()
        },
        // Order e-mails from the order-events topic: old runtime and an SMTP password in the
        // environment, but a DLQ is configured.
        Function {
            name: "notifications-email".into(),
            arn: function_arn(USE1, "notifications-email"),
            region: USE1.into(),
            runtime: Some("nodejs16.x".into()),
            package_type: Some("Zip".into()),
            role_arn: role_arn("notifications-service-role"),
            env: env(&[
                ("SMTP_HOST", "email-smtp.us-east-1.amazonaws.com"),
                ("SMTP_USER", "orders@shop.example.com"),
                ("SMTP_PASSWORD", FAKE_SMTP_PASSWORD),
                ("TEMPLATE_BUCKET", "shop-email-templates"),
            ]),
            tracing_mode: Some("PassThrough".into()),
            dead_letter_target: Some(format!(
                "arn:aws:sqs:{USE1}:{DEMO_ACCOUNT}:notifications-email-dlq"
            )),
            policy: Ok(Some(policy_doc(&[service_statement(
                "sns-order-events",
                "sns.amazonaws.com",
                "notifications-email",
                &format!("arn:aws:sns:{USE1}:{DEMO_ACCOUNT}:order-events"),
            )]))),
            ..Default::default()
        },
        // SMS: someone "fixed" an SNS permission error by letting everyone invoke it.
        Function {
            name: "notifications-sms".into(),
            arn: function_arn(USE1, "notifications-sms"),
            region: USE1.into(),
            runtime: Some("python3.11".into()),
            package_type: Some("Zip".into()),
            role_arn: role_arn("notifications-service-role"),
            env: env(&[
                ("SENDER_ID", "SHOPCO"),
                ("TWILIO_SECRET_NAME", "prod/notifications/twilio-auth-token"),
            ]),
            tracing_mode: Some("PassThrough".into()),
            policy: Ok(Some(policy_doc(&[
                service_statement(
                    "sns-order-events",
                    "sns.amazonaws.com",
                    "notifications-sms",
                    &format!("arn:aws:sns:{USE1}:{DEMO_ACCOUNT}:order-events"),
                ),
                format!(
                    r#"{{"Sid":"allow-any-invoke","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunction","Resource":"{}"}}"#,
                    function_arn(USE1, "notifications-sms")
                ),
            ]))),
            ..Default::default()
        },
        // WebSocket message handler for live order notifications.
        Function {
            name: "notifications-push".into(),
            arn: function_arn(USE1, "notifications-push"),
            region: USE1.into(),
            runtime: Some("nodejs22.x".into()),
            package_type: Some("Zip".into()),
            role_arn: role_arn("notifications-service-role"),
            env: env(&[
                ("CONNECTIONS_TABLE", "ws-connections"),
                (
                    "WS_CALLBACK_URL",
                    "https://w5n0t1f1c8.execute-api.us-east-1.amazonaws.com/production",
                ),
            ]),
            tracing_mode: Some("Active".into()),
            policy: Ok(Some(policy_doc(&[service_statement(
                "apigw-notifications-ws",
                "apigateway.amazonaws.com",
                "notifications-push",
                &format!("arn:aws:execute-api:{USE1}:{DEMO_ACCOUNT}:w5n0t1f1c8/*/*"),
            )]))),
            ..Default::default()
        },
        // Product images: S3-triggered, async, OnFailure to SQS; its runtime is about to be
        // deprecated.
        Function {
            name: "image-resize".into(),
            arn: function_arn(USE1, "image-resize"),
            region: USE1.into(),
            runtime: Some(runtime_deprecating_soon(now)),
            package_type: Some("Zip".into()),
            role_arn: role_arn("image-resize-role"),
            env: env(&[
                ("OUTPUT_BUCKET", "shop-product-images-resized"),
                ("SIZES", "160,320,640,1280"),
            ]),
            layers: vec![format!(
                "arn:aws:lambda:{USE1}:{DEMO_ACCOUNT}:layer:sharp-libvips:7"
            )],
            tracing_mode: Some("PassThrough".into()),
            policy: Ok(Some(policy_doc(&[format!(
                r#"{{"Sid":"s3-product-images","Effect":"Allow","Principal":{{"Service":"s3.amazonaws.com"}},"Action":"lambda:InvokeFunction","Resource":"{}","Condition":{{"StringEquals":{{"AWS:SourceAccount":"{DEMO_ACCOUNT}"}},"ArnLike":{{"AWS:SourceArn":"arn:aws:s3:::shop-product-images"}}}}}}"#,
                function_arn(USE1, "image-resize")
            )]))),
            event_invoke: Ok(Some(EventInvokeConfig {
                on_failure_destination: Some(format!(
                    "arn:aws:sqs:{USE1}:{DEMO_ACCOUNT}:image-resize-failures"
                )),
                on_success_destination: None,
                maximum_retry_attempts: Some(1),
            })),
            ..Default::default()
        },
        // The Lambda authorizer used by payments-api and notifications-ws.
        Function {
            name: "auth-authorizer".into(),
            arn: function_arn(USE1, "auth-authorizer"),
            region: USE1.into(),
            runtime: Some("nodejs22.x".into()),
            package_type: Some("Zip".into()),
            role_arn: role_arn("auth-authorizer-role"),
            env: env(&[
                (
                    "JWKS_URL",
                    "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_Ab12Cd34E/.well-known/jwks.json",
                ),
                ("AUDIENCE", "shop-api"),
            ]),
            tracing_mode: Some("Active".into()),
            policy: Ok(Some(policy_doc(&[
                service_statement(
                    "apigw-payments-authorizer",
                    "apigateway.amazonaws.com",
                    "auth-authorizer",
                    &format!(
                        "arn:aws:execute-api:{USE1}:{DEMO_ACCOUNT}:p4ym3nt5ap/authorizers/tkn4th"
                    ),
                ),
                service_statement(
                    "apigw-ws-authorizer",
                    "apigateway.amazonaws.com",
                    "auth-authorizer",
                    &format!(
                        "arn:aws:execute-api:{USE1}:{DEMO_ACCOUNT}:w5n0t1f1c8/authorizers/wsauth1"
                    ),
                ),
            ]))),
            ..Default::default()
        },
        // Nightly sales report: EventBridge schedule, a manual re-run URL behind IAM, a role
        // with s3:* and kms:Decrypt on everything.
        Function {
            name: "reports-nightly".into(),
            arn: function_arn(USE1, "reports-nightly"),
            region: USE1.into(),
            runtime: Some("python3.12".into()),
            package_type: Some("Image".into()),
            role_arn: role_arn("reports-role"),
            env: env(&[
                ("REPORT_BUCKET", "shop-reports"),
                ("ATHENA_WORKGROUP", "reporting"),
            ]),
            tracing_mode: Some("PassThrough".into()),
            policy: Ok(Some(policy_doc(&[service_statement(
                "eventbridge-nightly",
                "events.amazonaws.com",
                "reports-nightly",
                &format!("arn:aws:events:{USE1}:{DEMO_ACCOUNT}:rule/reports-nightly-0200utc"),
            )]))),
            url: Ok(Some(FunctionUrl {
                url: "https://b3r6v9d2qk5hx8zn1ct4wm7fla0ysjpe.lambda-url.us-east-1.on.aws/".into(),
                auth_type: "AWS_IAM".into(),
                cors_allow_origins: vec!["https://admin.shop.example.com".into()],
                cors_allow_credentials: true,
            })),
            event_invoke: Ok(Some(EventInvokeConfig {
                on_failure_destination: Some(format!(
                    "arn:aws:sns:{USE1}:{DEMO_ACCOUNT}:ops-alerts"
                )),
                on_success_destination: None,
                maximum_retry_attempts: Some(0),
            })),
            ..Default::default()
        },
        // The legacy CSV export nobody owns: admin role, static access keys in the
        // environment, open URL with CORS *. Its resource policy could not be read.
        Function {
            name: "legacy-export".into(),
            arn: function_arn(USE1, "legacy-export"),
            region: USE1.into(),
            runtime: Some("java8".into()),
            package_type: Some("Zip".into()),
            role_arn: role_arn("legacy-export-role"),
            env: env(&[
                ("AWS_ACCESS_KEY_ID", FAKE_AWS_ACCESS_KEY_ID),
                ("AWS_SECRET_ACCESS_KEY", FAKE_AWS_SECRET_ACCESS_KEY),
                ("DB_PASSWORD", FAKE_DB_PASSWORD),
                (
                    "DB_HOST",
                    "legacy-db.cluster-c1x2y3z4.us-east-1.rds.amazonaws.com",
                ),
                ("EXPORT_BUCKET", "shop-legacy-exports"),
            ]),
            tracing_mode: None,
            policy: Err("AccessDenied: missing lambda:GetPolicy".into()),
            url: Ok(Some(FunctionUrl {
                url: "https://l9e2g5a8c1y4x7p0o3r6t9e2x5p8o1rt.lambda-url.us-east-1.on.aws/".into(),
                auth_type: "NONE".into(),
                cors_allow_origins: vec!["*".into()],
                cors_allow_credentials: false,
            })),
            ..Default::default()
        },
    ]
}

fn policy_doc(statements: &[String]) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Id":"default","Statement":[{}]}}"#,
        statements.join(",")
    )
}

/// A service-principal invoke permission scoped by SourceArn, as `add-permission` writes it.
fn service_statement(sid: &str, service: &str, function: &str, source_arn: &str) -> String {
    // The EU functions are the warehouse side.
    let region = if function.starts_with("inventory-") {
        EUW1
    } else {
        USE1
    };
    format!(
        r#"{{"Sid":"{sid}","Effect":"Allow","Principal":{{"Service":"{service}"}},"Action":"lambda:InvokeFunction","Resource":"{}","Condition":{{"ArnLike":{{"AWS:SourceArn":"{source_arn}"}}}}}}"#,
        function_arn(region, function)
    )
}

fn apigateway_permission(function: &str, sid: &str, source_arn: &str) -> String {
    policy_doc(&[service_statement(
        sid,
        "apigateway.amazonaws.com",
        function,
        source_arn,
    )])
}

/// The statement the console adds for a function URL with auth type NONE.
fn function_url_public_permission(function: &str) -> String {
    policy_doc(&[format!(
        r#"{{"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"{}","Condition":{{"StringEquals":{{"lambda:FunctionUrlAuthType":"NONE"}}}}}}"#,
        function_arn(USE1, function)
    )])
}

// ─────────────────────────────── IAM ───────────────────────────────

const LOGS_STATEMENT: &str = r#"{"Sid":"Logs","Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:*:111122223333:*"}"#;

fn inline(name: &str, statements: &[String]) -> RolePolicy {
    RolePolicy {
        name: name.into(),
        arn: None,
        document: Ok(format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            statements.join(",")
        )),
    }
}

fn managed(name: &str, arn: &str, document: Fetched<&str>) -> RolePolicy {
    RolePolicy {
        name: name.into(),
        arn: Some(arn.into()),
        document: document.map(str::to_string),
    }
}

fn role(name: &str, policies: Vec<RolePolicy>) -> (String, Fetched<Role>) {
    let arn = role_arn(name);
    (
        arn.clone(),
        Ok(Role {
            arn,
            name: name.into(),
            policies,
        }),
    )
}

fn roles() -> BTreeMap<String, Fetched<Role>> {
    let vpc_access = managed(
        "AWSLambdaVPCAccessExecutionRole",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
        Ok(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents","ec2:CreateNetworkInterface","ec2:DescribeNetworkInterfaces","ec2:DescribeSubnets","ec2:DeleteNetworkInterface","ec2:AssignPrivateIpAddresses","ec2:UnassignPrivateIpAddresses"],"Resource":"*"}]}"#,
        ),
    );
    let basic = managed(
        "AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        Ok(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
        ),
    );
    let xray = managed(
        "AWSXRayDaemonWriteAccess",
        "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
        Ok(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["xray:PutTraceSegments","xray:PutTelemetryRecords","xray:GetSamplingRules","xray:GetSamplingTargets","xray:GetSamplingStatisticSummaries"],"Resource":["*"]}]}"#,
        ),
    );

    [
        // Least privilege, but it can read the Stripe secret (by name): a secret reader.
        role(
            "payments-service-role",
            vec![
                vpc_access.clone(),
                xray.clone(),
                inline(
                    "payments-data",
                    &[
                        format!(
                            r#"{{"Sid":"PaymentsTable","Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:UpdateItem","dynamodb:Query"],"Resource":["{}","{}/index/*"]}}"#,
                            table_arn(USE1, "payments-prod"),
                            table_arn(USE1, "payments-prod")
                        ),
                        format!(
                            r#"{{"Sid":"StripeKey","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"{}"}}"#,
                            secret_arn(USE1, "prod/payments/stripe-api-key", "a1B2c3")
                        ),
                        format!(
                            r#"{{"Sid":"PaymentsKey","Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"{}"}}"#,
                            key_arn(USE1, PAYMENTS_KEY_ID)
                        ),
                    ],
                ),
            ],
        ),
        // dynamodb:* on the orders table: a service wildcard.
        role(
            "orders-service-role",
            vec![
                basic.clone(),
                xray.clone(),
                inline(
                    "orders-data",
                    &[
                        format!(
                            r#"{{"Sid":"OrdersTable","Effect":"Allow","Action":"dynamodb:*","Resource":["{}","{}/index/*"]}}"#,
                            table_arn(USE1, "orders-prod"),
                            table_arn(USE1, "orders-prod")
                        ),
                        format!(
                            r#"{{"Sid":"OrderEvents","Effect":"Allow","Action":"sns:Publish","Resource":"arn:aws:sns:{USE1}:{DEMO_ACCOUNT}:order-events"}}"#
                        ),
                        format!(
                            r#"{{"Sid":"OrdersKey","Effect":"Allow","Action":"kms:Decrypt","Resource":"{}"}}"#,
                            key_arn(USE1, ORDERS_KEY_ID)
                        ),
                    ],
                ),
            ],
        ),
        // Scoped, but one attached customer-managed policy could not be read.
        role(
            "inventory-service-role",
            vec![
                vpc_access,
                inline(
                    "stock-table",
                    &[format!(
                        r#"{{"Sid":"Stock","Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:UpdateItem","dynamodb:BatchWriteItem"],"Resource":"{}"}}"#,
                        table_arn(EUW1, "stock-levels")
                    )],
                ),
                managed(
                    "warehouse-integration",
                    &format!("arn:aws:iam::{DEMO_ACCOUNT}:policy/warehouse-integration"),
                    Err("AccessDenied: missing iam:GetPolicyVersion on policy/warehouse-integration".into()),
                ),
            ],
        ),
        // Sends mail and SMS; reads the provider credentials by name.
        role(
            "notifications-service-role",
            vec![
                basic.clone(),
                inline(
                    "notify",
                    &[
                        LOGS_STATEMENT.to_string(),
                        format!(
                            r#"{{"Sid":"Send","Effect":"Allow","Action":["ses:SendEmail","ses:SendRawEmail","sns:Publish"],"Resource":["arn:aws:ses:{USE1}:{DEMO_ACCOUNT}:identity/shop.example.com","arn:aws:sns:{USE1}:{DEMO_ACCOUNT}:*"]}}"#
                        ),
                        format!(
                            r#"{{"Sid":"ProviderCredentials","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":["{}","{}"]}}"#,
                            secret_arn(USE1, "prod/notifications/sendgrid-api-key", "Qw3Er4"),
                            secret_arn(USE1, "prod/notifications/twilio-auth-token", "Ty5Ui6")
                        ),
                        format!(
                            r#"{{"Sid":"Connections","Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:DeleteItem","dynamodb:Scan"],"Resource":"{}"}}"#,
                            table_arn(USE1, "ws-connections")
                        ),
                        format!(
                            r#"{{"Sid":"PostToConnection","Effect":"Allow","Action":"execute-api:ManageConnections","Resource":"arn:aws:execute-api:{USE1}:{DEMO_ACCOUNT}:w5n0t1f1c8/production/POST/@connections/*"}}"#
                        ),
                    ],
                ),
            ],
        ),
        role(
            "image-resize-role",
            vec![
                basic.clone(),
                inline(
                    "images",
                    &[
                        r#"{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::shop-product-images/*"}"#.to_string(),
                        r#"{"Sid":"Write","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::shop-product-images-resized/*"}"#.to_string(),
                        format!(
                            r#"{{"Sid":"Failures","Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:{USE1}:{DEMO_ACCOUNT}:image-resize-failures"}}"#
                        ),
                    ],
                ),
            ],
        ),
        role("auth-authorizer-role", vec![basic.clone(), xray]),
        // s3:* and kms:Decrypt on every key.
        role(
            "reports-role",
            vec![
                basic,
                inline(
                    "reporting",
                    &[
                        r#"{"Sid":"Reports","Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::shop-reports","arn:aws:s3:::shop-reports/*"]}"#.to_string(),
                        r#"{"Sid":"Athena","Effect":"Allow","Action":["athena:StartQueryExecution","athena:GetQueryExecution","athena:GetQueryResults","glue:GetTable","glue:GetPartitions"],"Resource":"*"}"#.to_string(),
                        r#"{"Sid":"DecryptAnything","Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}"#.to_string(),
                    ],
                ),
            ],
        ),
        role(
            "legacy-export-role",
            vec![managed(
                "AdministratorAccess",
                "arn:aws:iam::aws:policy/AdministratorAccess",
                Ok(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#),
            )],
        ),
    ]
    .into_iter()
    .collect()
}

// ─────────────────────────────── API Gateway REST ───────────────────────────────

fn method(verb: &str, auth: &str, function: Option<(&str, &str)>) -> RestMethod {
    RestMethod {
        http_method: verb.into(),
        authorization_type: auth.into(),
        integration_uri: function.map(|(region, name)| lambda_invoke_uri(region, name)),
        ..Default::default()
    }
}

fn logging(level: &str) -> MethodSetting {
    MethodSetting {
        logging_level: Some(level.into()),
        ..Default::default()
    }
}

fn rest_apis() -> Vec<RestApi> {
    vec![orders_api(), payments_api(), internal_inventory_api()]
}

fn orders_api() -> RestApi {
    let cognito = Some("c0gn1t".to_string());
    RestApi {
        id: "0rd3r5ap1x".into(),
        name: "orders-api".into(),
        region: USE1.into(),
        endpoint_type: "REGIONAL".into(),
        policy: None,
        // Served only through api.shop.example.com, behind the WAF.
        disable_execute_api_endpoint: true,
        resources: Ok(vec![
            RestResource {
                id: "r00t01".into(),
                path: "/".into(),
                methods: Vec::new(),
            },
            RestResource {
                id: "0rd5r1".into(),
                path: "/orders".into(),
                methods: vec![
                    RestMethod {
                        authorizer_id: cognito.clone(),
                        request_validator_id: Some("bodyv1".into()),
                        ..method("POST", "COGNITO_USER_POOLS", Some((USE1, "orders-create")))
                    },
                    RestMethod {
                        authorizer_id: cognito.clone(),
                        ..method("GET", "COGNITO_USER_POOLS", Some((USE1, "orders-get")))
                    },
                    method("OPTIONS", "NONE", None),
                ],
            },
            RestResource {
                id: "0rd1d2".into(),
                path: "/orders/{id}".into(),
                methods: vec![
                    // Partners look orders up with an API key and nothing else.
                    RestMethod {
                        api_key_required: true,
                        ..method("GET", "NONE", Some((USE1, "orders-get")))
                    },
                    // Update without a validator.
                    RestMethod {
                        authorizer_id: cognito.clone(),
                        ..method("PATCH", "COGNITO_USER_POOLS", Some((USE1, "orders-create")))
                    },
                    method("OPTIONS", "NONE", None),
                ],
            },
        ]),
        authorizers: Ok(vec![Authorizer {
            id: "c0gn1t".into(),
            name: "storefront-users".into(),
            authorizer_type: "COGNITO_USER_POOLS".into(),
            authorizer_uri: None,
        }]),
        validators: Ok(vec![RequestValidator {
            id: "bodyv1".into(),
            name: "validate-body".into(),
            validate_body: true,
            validate_parameters: false,
        }]),
        stages: Ok(vec![
            RestStage {
                name: "prod".into(),
                deployment_id: Some("d3pl0y7".into()),
                web_acl_arn: Some(web_acl_arn(
                    "shop-api-protection",
                    "a1b2c3d4-0000-4000-8000-111111111111",
                )),
                method_settings: BTreeMap::from([(
                    "*/*".to_string(),
                    MethodSetting {
                        logging_level: Some("ERROR".into()),
                        throttling_rate_limit: Some(500.0),
                        throttling_burst_limit: Some(1000),
                        caching_enabled: true,
                        cache_data_encrypted: true,
                    },
                )]),
                access_log_destination: Some(log_group_arn(
                    USE1,
                    "/aws/apigateway/orders-api-prod",
                )),
                tracing_enabled: true,
                cache_cluster_enabled: true,
                client_certificate_id: None,
                variables: env(&[("ordersTable", "orders-prod"), ("lambdaAlias", "live")]),
            },
            // Staging: cache on without encryption, logging off; throttled by a usage plan.
            RestStage {
                name: "staging".into(),
                deployment_id: Some("d3pl0y8".into()),
                method_settings: BTreeMap::from([(
                    "*/*".to_string(),
                    MethodSetting {
                        logging_level: Some("OFF".into()),
                        caching_enabled: true,
                        cache_data_encrypted: false,
                        ..Default::default()
                    },
                )]),
                cache_cluster_enabled: true,
                variables: env(&[
                    ("ordersTable", "orders-staging"),
                    ("lambdaAlias", "staging"),
                ]),
                ..Default::default()
            },
            RestStage {
                name: "dev".into(),
                deployment_id: Some("d3pl0y9".into()),
                variables: env(&[("ordersTable", "orders-dev")]),
                ..Default::default()
            },
        ]),
    }
}

fn payments_api() -> RestApi {
    let token = Some("tkn4th".to_string());
    RestApi {
        id: "p4ym3nt5ap".into(),
        name: "payments-api".into(),
        region: USE1.into(),
        endpoint_type: "REGIONAL".into(),
        // Open to the internet only from the payment partners' networks.
        policy: Some(format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:{USE1}:{DEMO_ACCOUNT}:p4ym3nt5ap/*","Condition":{{"IpAddress":{{"aws:SourceIp":["198.51.100.0/24","203.0.113.0/24"]}}}}}}]}}"#
        )),
        // Mapped to payments.shop.example.com, yet the execute-api endpoint is still on.
        disable_execute_api_endpoint: false,
        resources: Ok(vec![
            RestResource {
                id: "pr00t1".into(),
                path: "/".into(),
                methods: Vec::new(),
            },
            RestResource {
                id: "ch4rg3".into(),
                path: "/charges".into(),
                methods: vec![RestMethod {
                    authorizer_id: token.clone(),
                    request_validator_id: Some("pbodyv".into()),
                    ..method("POST", "CUSTOM", Some((USE1, "payments-charge")))
                }],
            },
            RestResource {
                id: "r3fnd5".into(),
                path: "/refunds".into(),
                methods: vec![RestMethod {
                    request_validator_id: Some("pbodyv".into()),
                    ..method("POST", "AWS_IAM", Some((USE1, "payments-refund")))
                }],
            },
        ]),
        authorizers: Ok(vec![Authorizer {
            id: "tkn4th".into(),
            name: "token-authorizer".into(),
            authorizer_type: "TOKEN".into(),
            authorizer_uri: Some(lambda_invoke_uri(USE1, "auth-authorizer")),
        }]),
        validators: Ok(vec![RequestValidator {
            id: "pbodyv".into(),
            name: "body-and-params".into(),
            validate_body: true,
            validate_parameters: true,
        }]),
        stages: Ok(vec![
            RestStage {
                name: "prod".into(),
                deployment_id: Some("pd3pl01".into()),
                web_acl_arn: Some(web_acl_arn(
                    "shop-api-protection",
                    "a1b2c3d4-0000-4000-8000-111111111111",
                )),
                method_settings: BTreeMap::from([(
                    "*/*".to_string(),
                    MethodSetting {
                        logging_level: Some("INFO".into()),
                        throttling_rate_limit: Some(100.0),
                        throttling_burst_limit: Some(200),
                        ..Default::default()
                    },
                )]),
                access_log_destination: Some(log_group_arn(
                    USE1,
                    "/aws/apigateway/payments-api-prod",
                )),
                tracing_enabled: true,
                client_certificate_id: Some("cl13ntc3rt".into()),
                variables: env(&[
                    ("paymentsTable", "payments-prod"),
                    (
                        "stripeSecretArn",
                        &secret_arn(USE1, "prod/payments/stripe-api-key", "a1B2c3"),
                    ),
                ]),
                ..Default::default()
            },
            // Staging: a restricted live key pasted into a stage variable; its usage plan has
            // no throttle.
            RestStage {
                name: "staging".into(),
                deployment_id: Some("pd3pl02".into()),
                method_settings: BTreeMap::from([("*/*".to_string(), logging("ERROR"))]),
                variables: env(&[
                    ("paymentsTable", "payments-staging"),
                    ("stripeKey", FAKE_STRIPE_RESTRICTED_KEY),
                ]),
                ..Default::default()
            },
        ]),
    }
}

fn internal_inventory_api() -> RestApi {
    RestApi {
        id: "1nv3nt0ry1".into(),
        name: "internal-inventory-api".into(),
        region: EUW1.into(),
        endpoint_type: "PRIVATE".into(),
        // Private, but the policy lets any principal in without a VPC endpoint condition.
        policy: Some(format!(
            r#"{{"Version":"2012-10-17","Statement":[{{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:{EUW1}:{DEMO_ACCOUNT}:1nv3nt0ry1/*"}}]}}"#
        )),
        disable_execute_api_endpoint: false,
        resources: Ok(vec![
            RestResource {
                id: "ir00t1".into(),
                path: "/".into(),
                methods: Vec::new(),
            },
            RestResource {
                id: "r3s3rv".into(),
                path: "/reservations".into(),
                methods: vec![method("POST", "NONE", Some((EUW1, "inventory-reserve")))],
            },
            RestResource {
                id: "st0ck1".into(),
                path: "/stock/{sku}".into(),
                methods: vec![method("GET", "AWS_IAM", Some((EUW1, "inventory-sync")))],
            },
        ]),
        authorizers: Ok(Vec::new()),
        validators: Ok(Vec::new()),
        stages: Ok(vec![
            RestStage {
                name: "prod".into(),
                deployment_id: Some("id3pl01".into()),
                method_settings: BTreeMap::from([("*/*".to_string(), logging("ERROR"))]),
                access_log_destination: Some(log_group_arn(
                    EUW1,
                    "/aws/apigateway/internal-inventory-api-prod",
                )),
                tracing_enabled: true,
                client_certificate_id: Some("wh5cl13nt".into()),
                variables: env(&[("stockTable", "stock-levels")]),
                ..Default::default()
            },
            RestStage {
                name: "dev".into(),
                deployment_id: Some("id3pl02".into()),
                ..Default::default()
            },
        ]),
    }
}

fn rest_domains() -> Vec<RestDomain> {
    vec![
        RestDomain {
            name: "api.shop.example.com".into(),
            region: USE1.into(),
            security_policy: Some("TLS_1_2".into()),
            base_path_mappings: Ok(vec![BasePathMapping {
                base_path: "(none)".into(),
                rest_api_id: "0rd3r5ap1x".into(),
                stage: Some("prod".into()),
            }]),
        },
        // Kept on TLS 1.0 "for old point-of-sale terminals".
        RestDomain {
            name: "payments.shop.example.com".into(),
            region: USE1.into(),
            security_policy: Some("TLS_1_0".into()),
            base_path_mappings: Ok(vec![BasePathMapping {
                base_path: "v1".into(),
                rest_api_id: "p4ym3nt5ap".into(),
                stage: Some("prod".into()),
            }]),
        },
    ]
}

fn usage_plans() -> BTreeMap<String, Fetched<Vec<UsagePlan>>> {
    BTreeMap::from([
        (
            USE1.to_string(),
            Ok(vec![
                UsagePlan {
                    id: "up4rtn3r".into(),
                    name: "partner-standard".into(),
                    api_stages: vec![
                        ("0rd3r5ap1x".into(), "prod".into()),
                        ("0rd3r5ap1x".into(), "staging".into()),
                    ],
                    throttle_rate_limit: Some(50.0),
                    throttle_burst_limit: Some(100),
                },
                // Quota only, no throttle.
                UsagePlan {
                    id: "upsandb".into(),
                    name: "payments-sandbox".into(),
                    api_stages: vec![("p4ym3nt5ap".into(), "staging".into())],
                    throttle_rate_limit: None,
                    throttle_burst_limit: None,
                },
            ]),
        ),
        (
            EUW1.to_string(),
            Ok(vec![UsagePlan {
                id: "upwh5e".into(),
                name: "warehouse-operator".into(),
                api_stages: vec![("1nv3nt0ry1".into(), "prod".into())],
                throttle_rate_limit: Some(20.0),
                throttle_burst_limit: Some(40),
            }]),
        ),
    ])
}

// ─────────────────────────────── API Gateway v2 ───────────────────────────────

fn v2_apis() -> Vec<V2Api> {
    vec![
        storefront_http(),
        notifications_ws(),
        warehouse_events_http(),
    ]
}

fn route(id: &str, key: &str, auth: &str, authorizer: Option<&str>, target: Option<&str>) -> Route {
    Route {
        id: id.into(),
        route_key: key.into(),
        authorization_type: auth.into(),
        authorizer_id: authorizer.map(str::to_string),
        target: target.map(|t| format!("integrations/{t}")),
    }
}

fn lambda_integration(id: &str, region: &str, function: &str) -> Integration {
    Integration {
        id: id.into(),
        integration_type: "AWS_PROXY".into(),
        uri: Some(function_arn(region, function)),
        connection_type: Some("INTERNET".into()),
        tls_server_name_to_verify: None,
    }
}

/// The shop's public HTTP API: JWT on account routes, a few open routes, CORS * with
/// credentials, and a private integration to the old monolith without TLS verification.
fn storefront_http() -> V2Api {
    let jwt = Some("jwtc0g");
    V2Api {
        id: "st0r3fr0nt".into(),
        name: "storefront-http".into(),
        region: USE1.into(),
        protocol: "HTTP".into(),
        cors: Some(Cors {
            allow_origins: vec!["*".into()],
            allow_credentials: true,
        }),
        disable_execute_api_endpoint: false,
        routes: Ok(vec![
            route("rt01", "POST /checkout", "JWT", jwt, Some("int01")),
            route("rt02", "GET /account/orders", "JWT", jwt, Some("int02")),
            route(
                "rt03",
                "GET /orders/{id}/status",
                "NONE",
                None,
                Some("int02"),
            ),
            route("rt04", "ANY /legacy/{proxy+}", "NONE", None, Some("int03")),
        ]),
        integrations: Ok(vec![
            lambda_integration("int01", USE1, "payments-charge"),
            lambda_integration("int02", USE1, "orders-get"),
            Integration {
                id: "int03".into(),
                integration_type: "HTTP_PROXY".into(),
                uri: Some(format!(
                    "arn:aws:elasticloadbalancing:{USE1}:{DEMO_ACCOUNT}:listener/app/legacy-shop/50dc6c495c0c9188/0467ef3c8400ae65"
                )),
                connection_type: Some("VPC_LINK".into()),
                tls_server_name_to_verify: None,
            },
        ]),
        authorizers: Ok(vec![Authorizer {
            id: "jwtc0g".into(),
            name: "cognito-jwt".into(),
            authorizer_type: "JWT".into(),
            authorizer_uri: None,
        }]),
        stages: Ok(vec![
            V2Stage {
                name: "$default".into(),
                access_log_destination: Some(log_group_arn(
                    USE1,
                    "/aws/apigateway/storefront-http",
                )),
                default_throttling_rate_limit: Some(1000.0),
                default_throttling_burst_limit: Some(2000),
                variables: env(&[("catalogTable", "products-prod")]),
                ..Default::default()
            },
            // A preview stage for the frontend team: no logs, no throttle, a GitHub token.
            V2Stage {
                name: "preview".into(),
                variables: env(&[
                    ("catalogTable", "products-preview"),
                    ("githubToken", FAKE_GITHUB_TOKEN),
                ]),
                ..Default::default()
            },
        ]),
    }
}

fn notifications_ws() -> V2Api {
    V2Api {
        id: "w5n0t1f1c8".into(),
        name: "notifications-ws".into(),
        region: USE1.into(),
        protocol: "WEBSOCKET".into(),
        cors: None,
        disable_execute_api_endpoint: false,
        routes: Ok(vec![
            route("ws01", "$connect", "CUSTOM", Some("wsauth1"), Some("wsi01")),
            route("ws02", "$disconnect", "NONE", None, Some("wsi01")),
            route("ws03", "subscribe", "NONE", None, Some("wsi01")),
            route("ws04", "$default", "NONE", None, Some("wsi01")),
        ]),
        integrations: Ok(vec![lambda_integration(
            "wsi01",
            USE1,
            "notifications-push",
        )]),
        authorizers: Ok(vec![Authorizer {
            id: "wsauth1".into(),
            name: "ws-request-authorizer".into(),
            authorizer_type: "REQUEST".into(),
            authorizer_uri: Some(lambda_invoke_uri(USE1, "auth-authorizer")),
        }]),
        stages: Ok(vec![
            V2Stage {
                name: "production".into(),
                access_log_destination: Some(log_group_arn(
                    USE1,
                    "/aws/apigateway/notifications-ws",
                )),
                default_throttling_rate_limit: Some(200.0),
                default_throttling_burst_limit: Some(400),
                variables: env(&[("connectionsTable", "ws-connections")]),
                ..Default::default()
            },
            // Only $connect is throttled, per route; no access log.
            V2Stage {
                name: "staging".into(),
                route_throttles: BTreeMap::from([("$connect".to_string(), (Some(10.0), Some(20)))]),
                variables: env(&[("connectionsTable", "ws-connections-staging")]),
                ..Default::default()
            },
        ]),
    }
}

/// The warehouse operator pushes stock events here: IAM auth, scoped CORS, and a private
/// integration that verifies the backend's certificate.
fn warehouse_events_http() -> V2Api {
    V2Api {
        id: "wh3v3nt5hq".into(),
        name: "warehouse-events".into(),
        region: EUW1.into(),
        protocol: "HTTP".into(),
        cors: Some(Cors {
            allow_origins: vec!["https://portal.warehouse.example.com".into()],
            allow_credentials: true,
        }),
        disable_execute_api_endpoint: true,
        routes: Ok(vec![route(
            "wh01",
            "POST /events",
            "AWS_IAM",
            None,
            Some("whi01"),
        )]),
        integrations: Ok(vec![Integration {
            id: "whi01".into(),
            integration_type: "HTTP_PROXY".into(),
            uri: Some(format!(
                "arn:aws:elasticloadbalancing:{EUW1}:{DEMO_ACCOUNT}:listener/net/wms-ingest/3f2a1b0c9d8e7f60/1a2b3c4d5e6f7a8b"
            )),
            connection_type: Some("VPC_LINK".into()),
            tls_server_name_to_verify: Some("wms-ingest.internal.example.com".into()),
        }]),
        authorizers: Ok(Vec::new()),
        stages: Ok(vec![V2Stage {
            name: "$default".into(),
            access_log_destination: Some(log_group_arn(EUW1, "/aws/apigateway/warehouse-events")),
            default_throttling_rate_limit: Some(50.0),
            default_throttling_burst_limit: Some(100),
            variables: env(&[("stockTable", "stock-levels")]),
            ..Default::default()
        }]),
    }
}

fn v2_domains() -> Vec<V2Domain> {
    vec![
        V2Domain {
            name: "ws.shop.example.com".into(),
            region: USE1.into(),
            security_policy: Some("TLS_1_2".into()),
        },
        V2Domain {
            name: "events.warehouse.example.com".into(),
            region: EUW1.into(),
            security_policy: Some("TLS_1_0".into()),
        },
    ]
}

// ─────────────────────────────── Secrets Manager ───────────────────────────────

fn secrets(now: OffsetDateTime) -> Vec<Secret> {
    let rotation_fn = |region: &str, name: &str| Some(function_arn(region, name));
    vec![
        // The model secret: CMK, rotated monthly, used daily.
        Secret {
            name: "prod/payments/stripe-api-key".into(),
            arn: secret_arn(USE1, "prod/payments/stripe-api-key", "a1B2c3"),
            region: USE1.into(),
            kms_key_id: Some(key_arn(USE1, PAYMENTS_KEY_ID)),
            rotation_enabled: Some(true),
            rotation_lambda_arn: rotation_fn(USE1, "secrets-rotation-stripe"),
            rotation_days: Some(30),
            created: Some(now - days(420)),
            last_rotated: Some(now - days(9)),
            last_accessed: Some(now - days(1)),
            next_rotation: Some(now + days(21)),
            policy: Ok(None),
        },
        // Rotated, but shared with the analytics vendor's account.
        Secret {
            name: "prod/orders/db-credentials".into(),
            arn: secret_arn(USE1, "prod/orders/db-credentials", "Df7Gh8"),
            region: USE1.into(),
            kms_key_id: Some("alias/orders-data".into()),
            rotation_enabled: Some(true),
            rotation_lambda_arn: rotation_fn(USE1, "SecretsManagerRDSPostgreSQLRotationSingleUser"),
            rotation_days: Some(30),
            created: Some(now - days(610)),
            last_rotated: Some(now - days(4)),
            last_accessed: Some(now),
            next_rotation: Some(now + days(26)),
            policy: Ok(Some(format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"AnalyticsReadReplica","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{PARTNER_ACCOUNT}:role/analytics-etl"}},"Action":"secretsmanager:GetSecretValue","Resource":"*"}}]}}"#
            ))),
        },
        // Never rotated since it was created, on the default AWS managed key.
        Secret {
            name: "prod/notifications/sendgrid-api-key".into(),
            arn: secret_arn(USE1, "prod/notifications/sendgrid-api-key", "Qw3Er4"),
            region: USE1.into(),
            kms_key_id: None,
            rotation_enabled: Some(false),
            created: Some(now - days(400)),
            last_accessed: Some(now - days(2)),
            policy: Ok(None),
            ..Default::default()
        },
        // Rotation enabled, but the rotation function has been failing: overdue.
        Secret {
            name: "prod/notifications/twilio-auth-token".into(),
            arn: secret_arn(USE1, "prod/notifications/twilio-auth-token", "Ty5Ui6"),
            region: USE1.into(),
            kms_key_id: Some("alias/aws/secretsmanager".into()),
            rotation_enabled: Some(true),
            rotation_lambda_arn: rotation_fn(USE1, "secrets-rotation-twilio"),
            rotation_days: Some(30),
            created: Some(now - days(300)),
            last_rotated: Some(now - days(41)),
            last_accessed: Some(now - days(3)),
            next_rotation: Some(now - days(11)),
            policy: Ok(None),
        },
        // The legacy SFTP password: public resource policy, unused for months.
        Secret {
            name: "legacy/export/sftp-password".into(),
            arn: secret_arn(USE1, "legacy/export/sftp-password", "Op9As0"),
            region: USE1.into(),
            kms_key_id: Some(key_arn(USE1, ORDERS_KEY_ID)),
            rotation_enabled: Some(false),
            created: Some(now - days(730)),
            last_accessed: Some(now - days(200)),
            policy: Ok(Some(format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"LetTheVendorIn","Effect":"Allow","Principal":{{"AWS":"*"}},"Action":"secretsmanager:GetSecretValue","Resource":"{}"}}]}}"#,
                secret_arn(USE1, "legacy/export/sftp-password", "Op9As0")
            ))),
            ..Default::default()
        },
        // Created last week for staging; never accessed yet (too young to call unused).
        Secret {
            name: "staging/payments/stripe-test-key".into(),
            arn: secret_arn(USE1, "staging/payments/stripe-test-key", "Jk1Lz2"),
            region: USE1.into(),
            kms_key_id: Some(key_arn(USE1, PAYMENTS_KEY_ID)),
            rotation_enabled: Some(false),
            created: Some(now - days(6)),
            policy: Ok(Some(format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"OwnAccountOnly","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{DEMO_ACCOUNT}:root"}},"Action":"secretsmanager:GetSecretValue","Resource":"*"}}]}}"#
            ))),
            ..Default::default()
        },
        // Shared across the organization only.
        Secret {
            name: "prod/inventory/warehouse-api-token".into(),
            arn: secret_arn(EUW1, "prod/inventory/warehouse-api-token", "Zx9Yw8"),
            region: EUW1.into(),
            kms_key_id: None,
            rotation_enabled: Some(true),
            rotation_lambda_arn: rotation_fn(EUW1, "secrets-rotation-warehouse"),
            rotation_days: Some(60),
            created: Some(now - days(180)),
            last_rotated: Some(now - days(33)),
            last_accessed: Some(now - days(1)),
            next_rotation: Some(now + days(27)),
            policy: Ok(Some(
                r#"{"Version":"2012-10-17","Statement":[{"Sid":"OrgOnly","Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}"#
                    .into(),
            )),
        },
        // Encrypted with the key that is pending deletion; its policy could not be read.
        Secret {
            name: "prod/inventory/partner-sftp-key".into(),
            arn: secret_arn(EUW1, "prod/inventory/partner-sftp-key", "Cv3Bn4"),
            region: EUW1.into(),
            kms_key_id: Some(key_arn(EUW1, INVENTORY_KEY_ID)),
            rotation_enabled: Some(false),
            created: Some(now - days(45)),
            last_accessed: Some(now - days(5)),
            policy: Err("AccessDenied: missing secretsmanager:GetResourcePolicy".into()),
            ..Default::default()
        },
    ]
}

// ─────────────────────────────── KMS ───────────────────────────────

fn root_key_policy(region: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Id":"key-default-1","Statement":[{{"Sid":"EnableRootAccess","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{DEMO_ACCOUNT}:root"}},"Action":"kms:*","Resource":"*"}},{{"Sid":"AllowLambdaInRegion","Effect":"Allow","Principal":{{"AWS":"*"}},"Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*","Condition":{{"StringEquals":{{"kms:CallerAccount":"{DEMO_ACCOUNT}","kms:ViaService":"lambda.{region}.amazonaws.com"}}}}}}]}}"#
    )
}

fn keys() -> Vec<Key> {
    vec![
        Key {
            reference: key_arn(USE1, PAYMENTS_KEY_ID),
            region: USE1.into(),
            details: Ok(KeyDetails {
                arn: key_arn(USE1, PAYMENTS_KEY_ID),
                id: PAYMENTS_KEY_ID.into(),
                aliases: vec!["alias/payments-data".into()],
                manager: Some("CUSTOMER".into()),
                state: Some("Enabled".into()),
                spec: Some("SYMMETRIC_DEFAULT".into()),
                rotation_enabled: Ok(true),
                policy: Ok(root_key_policy(USE1)),
            }),
        },
        // Rotation never turned on, and a statement opens Decrypt to everyone.
        Key {
            reference: key_arn(USE1, ORDERS_KEY_ID),
            region: USE1.into(),
            details: Ok(KeyDetails {
                arn: key_arn(USE1, ORDERS_KEY_ID),
                id: ORDERS_KEY_ID.into(),
                aliases: vec!["alias/orders-data".into()],
                manager: Some("CUSTOMER".into()),
                state: Some("Enabled".into()),
                spec: Some("SYMMETRIC_DEFAULT".into()),
                rotation_enabled: Ok(false),
                policy: Ok(format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"EnableRootAccess","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{DEMO_ACCOUNT}:root"}},"Action":"kms:*","Resource":"*"}},{{"Sid":"TemporaryDebugDecrypt","Effect":"Allow","Principal":"*","Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*"}}]}}"#
                )),
            }),
        },
        Key {
            reference: "alias/aws/secretsmanager".into(),
            region: USE1.into(),
            details: Ok(KeyDetails {
                arn: key_arn(USE1, AWS_SECRETSMANAGER_KEY_ID),
                id: AWS_SECRETSMANAGER_KEY_ID.into(),
                aliases: vec!["alias/aws/secretsmanager".into()],
                manager: Some("AWS".into()),
                state: Some("Enabled".into()),
                spec: Some("SYMMETRIC_DEFAULT".into()),
                rotation_enabled: Ok(true),
                policy: Ok(format!(
                    r#"{{"Version":"2012-10-17","Id":"auto-secretsmanager-2","Statement":[{{"Sid":"Allow access through AWS Secrets Manager for all principals in the account that are authorized to use AWS Secrets Manager","Effect":"Allow","Principal":{{"AWS":"*"}},"Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:CreateGrant","kms:DescribeKey"],"Resource":"*","Condition":{{"StringEquals":{{"kms:CallerAccount":"{DEMO_ACCOUNT}","kms:ViaService":"secretsmanager.{USE1}.amazonaws.com"}}}}}},{{"Sid":"Allow direct access to key metadata to the account","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{DEMO_ACCOUNT}:root"}},"Action":["kms:Describe*","kms:Get*","kms:List*","kms:RevokeGrant"],"Resource":"*"}}]}}"#
                )),
            }),
        },
        // Scheduled for deletion during a clean-up, still used by inventory-sync and a secret.
        Key {
            reference: key_arn(EUW1, INVENTORY_KEY_ID),
            region: EUW1.into(),
            details: Ok(KeyDetails {
                arn: key_arn(EUW1, INVENTORY_KEY_ID),
                id: INVENTORY_KEY_ID.into(),
                aliases: vec!["alias/inventory-legacy".into()],
                manager: Some("CUSTOMER".into()),
                state: Some("PendingDeletion".into()),
                spec: Some("SYMMETRIC_DEFAULT".into()),
                rotation_enabled: Err(format!(
                    "KMSInvalidStateException: {} is pending deletion",
                    key_arn(EUW1, INVENTORY_KEY_ID)
                )),
                policy: Ok(root_key_policy(EUW1)),
            }),
        },
    ]
}

// ─────────────────────────────── batches ───────────────────────────────

/// The demo inventory split per (area, region) the way live pollers deliver it. Every
/// area × region gets a batch, even an empty one. A batch whose data carries per-call errors
/// is `Partial` with the first error, as a live poller would report it.
pub fn batches(now: OffsetDateTime) -> Vec<Batch> {
    let full = inventory(now);
    let mut out = Vec::new();
    for area in Area::ALL {
        for region in &full.regions {
            out.push(batch(&full, area, region));
        }
    }
    out
}

/// One (area, region) batch of the demo inventory as of `now`.
pub fn batch_for(now: OffsetDateTime, area: Area, region: &str) -> Batch {
    batch(&inventory(now), area, region)
}

fn batch(full: &Inventory, area: Area, region: &str) -> Batch {
    let mut inv = Inventory {
        account_id: full.account_id.clone(),
        regions: vec![region.to_string()],
        ..Default::default()
    };
    let mut errors: Vec<String> = Vec::new();
    let mut note = |r: Result<(), &String>| {
        if let Err(e) = r {
            errors.push(e.clone());
        }
    };
    match area {
        Area::Functions => {
            inv.functions = full
                .functions
                .iter()
                .filter(|f| f.region == region)
                .cloned()
                .collect();
            for f in &inv.functions {
                note(f.policy.as_ref().map(|_| ()));
                note(f.url.as_ref().map(|_| ()));
                note(f.event_invoke.as_ref().map(|_| ()));
                if let Some((arn, role)) = full.roles.get_key_value(&f.role_arn) {
                    match role {
                        Ok(r) => {
                            for p in &r.policies {
                                note(p.document.as_ref().map(|_| ()));
                            }
                        }
                        Err(e) => note(Err(e)),
                    }
                    inv.roles.insert(arn.clone(), role.clone());
                }
            }
        }
        Area::Gateways => {
            inv.rest_apis = full
                .rest_apis
                .iter()
                .filter(|a| a.region == region)
                .cloned()
                .collect();
            inv.rest_domains = full
                .rest_domains
                .iter()
                .filter(|d| d.region == region)
                .cloned()
                .collect();
            inv.v2_apis = full
                .v2_apis
                .iter()
                .filter(|a| a.region == region)
                .cloned()
                .collect();
            inv.v2_domains = full
                .v2_domains
                .iter()
                .filter(|d| d.region == region)
                .cloned()
                .collect();
            for a in &inv.rest_apis {
                note(a.resources.as_ref().map(|_| ()));
                note(a.authorizers.as_ref().map(|_| ()));
                note(a.validators.as_ref().map(|_| ()));
                note(a.stages.as_ref().map(|_| ()));
            }
            for d in &inv.rest_domains {
                note(d.base_path_mappings.as_ref().map(|_| ()));
            }
            for a in &inv.v2_apis {
                note(a.routes.as_ref().map(|_| ()));
                note(a.integrations.as_ref().map(|_| ()));
                note(a.authorizers.as_ref().map(|_| ()));
                note(a.stages.as_ref().map(|_| ()));
            }
        }
        Area::Throttles => {
            if let Some(plans) = full.usage_plans.get(region) {
                note(plans.as_ref().map(|_| ()));
                inv.usage_plans.insert(region.to_string(), plans.clone());
            }
            if let Some(reserved) = full.reserved_concurrency.get(region) {
                for r in reserved.values() {
                    note(r.as_ref().map(|_| ()));
                }
                inv.reserved_concurrency
                    .insert(region.to_string(), reserved.clone());
            }
        }
        Area::Encryption => {
            inv.keys = full
                .keys
                .iter()
                .filter(|k| k.region == region)
                .cloned()
                .collect();
            for k in &inv.keys {
                match &k.details {
                    Ok(d) => {
                        note(d.rotation_enabled.as_ref().map(|_| ()));
                        note(d.policy.as_ref().map(|_| ()));
                    }
                    Err(e) => note(Err(e)),
                }
            }
        }
        Area::Secrets => {
            inv.secrets = full
                .secrets
                .iter()
                .filter(|s| s.region == region)
                .cloned()
                .collect();
            for s in &inv.secrets {
                note(s.policy.as_ref().map(|_| ()));
            }
        }
    }
    let status = if errors.is_empty() {
        CollectionState::Ok
    } else {
        CollectionState::Partial
    };
    let error = match errors.len() {
        0 => None,
        1 => Some(errors.remove(0)),
        n => Some(format!("{} (and {} more)", errors[0], n - 1)),
    };
    Batch {
        area,
        region: region.to_string(),
        status,
        error,
        duration: Duration::ZERO,
        inventory: inv,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::catalogue::Context;
    use crate::domain::checks;
    use crate::domain::finding::Status;
    use crate::domain::inventory::{Area, Inventory};
    use time::macros::datetime;

    #[test]
    fn the_soon_deprecated_runtime_is_within_the_warning_window_when_one_exists() {
        for now in [
            datetime!(2025-08-01 00:00 UTC),
            datetime!(2027-02-15 00:00 UTC),
        ] {
            let runtime = runtime_deprecating_soon(now);
            assert!(
                matches!(
                    runtimes::status(&runtime, now.date()),
                    RuntimeStatus::DeprecatingSoon { .. }
                ),
                "{runtime} at {now}"
            );
        }
    }

    #[test]
    fn without_a_candidate_the_runtime_is_still_supported() {
        // Nothing in the table is deprecated between these dates.
        let now = datetime!(2026-11-25 00:00 UTC);
        let runtime = runtime_deprecating_soon(now);
        assert_eq!(
            runtimes::status(&runtime, now.date()),
            RuntimeStatus::Supported,
            "{runtime}"
        );
    }

    #[test]
    fn batch_for_matches_batches() {
        let now = datetime!(2026-01-10 08:00 UTC);
        for b in batches(now) {
            let one = batch_for(now, b.area, &b.region);
            assert_eq!(one.inventory, b.inventory);
            assert_eq!(one.status, b.status);
        }
    }

    /// A failed area turns what it fed into unknown findings, whichever area it is (what
    /// other areas decide alone keeps its status), and the next good batch of the area clears
    /// them.
    #[test]
    fn a_failed_area_leaves_unknowns_until_it_succeeds() {
        let now = datetime!(2025-06-01 12:00 UTC);
        let ctx = Context::new(now);
        let demo = crate::demo::inventory(now);
        let region = demo.functions[0].region.clone();
        for (area, check) in [
            (Area::Functions, "lambda.no-tracing"),
            (Area::Gateways, "apigw.no-waf"),
            (Area::Gateways, "apigwv2.route-no-auth"),
            (Area::Throttles, "apigw.no-throttling"),
            (Area::Encryption, "kms.rotation-disabled"),
            (Area::Secrets, "secrets.rotation-disabled"),
        ] {
            let mut inv = demo.clone();
            inv.apply_batch(
                area,
                &region,
                Inventory::failed_area(area, &region, "internal error: the poller panicked"),
            );
            let before = checks::evaluate_all(&demo, &ctx);
            let was = |f: &crate::domain::finding::Finding| {
                before
                    .iter()
                    .find(|b| b.check_id == f.check_id && b.resource_id == f.resource_id)
                    .map(|b| b.status)
            };
            let findings = checks::evaluate_all(&inv, &ctx);
            let ours: Vec<_> = findings
                .iter()
                .filter(|f| f.check_id == check && f.region == region)
                .collect();
            let degraded = |f: &&&crate::domain::finding::Finding| {
                f.status == Status::Unknown && f.message.contains("panicked")
            };
            assert!(
                ours.iter().any(|f| degraded(&f)),
                "{check} after {area:?} failed"
            );
            for f in &ours {
                assert!(
                    degraded(&f) || was(f) == Some(f.status),
                    "{check} after {area:?} failed: {} {} ({})",
                    f.resource_name,
                    f.status,
                    f.message
                );
            }
            // The next good batch restores the area.
            inv.apply_batch(
                area,
                &region,
                crate::demo::batch_for(now, area, &region).inventory,
            );
            let again = checks::evaluate_all(&inv, &ctx);
            assert!(
                again
                    .iter()
                    .filter(|f| f.check_id == check && f.region == region)
                    .all(|f| !f.message.contains("panicked")),
                "{check} after {area:?} recovered"
            );
        }
    }

    /// The catalogue's declared resource kinds agree with what each demo finding's id says it
    /// is (an independent reading of the id), and every check names the area it refreshes.
    #[test]
    fn declared_resource_kinds_match_the_resource_ids() {
        use crate::domain::finding::ResourceKind;
        let now = datetime!(2025-06-01 12:00 UTC);
        let findings = checks::evaluate_all(&inventory(now), &Context::new(now));
        assert!(findings.len() > 300);
        for f in &findings {
            let def = checks::find(&f.check_id).unwrap();
            let id = f.resource_id.as_str();
            let from_id = if id.contains(":function:") {
                ResourceKind::Function
            } else if id.contains("/stages/") {
                ResourceKind::Stage
            } else if id.contains("/restapis/") {
                ResourceKind::RestApi
            } else if id.contains("/apis/") {
                ResourceKind::HttpApi
            } else if id.contains(":secret:") {
                ResourceKind::Secret
            } else if id.contains(":key/") || id.contains(":alias/") || id.starts_with("alias/") {
                ResourceKind::Key
            } else {
                ResourceKind::Domain
            };
            assert_eq!(def.resource_kind(f), from_id, "{} on {id}", f.check_id);
        }
        for def in checks::catalogue() {
            assert!(!def.areas.is_empty(), "{} names no poll area", def.id);
            assert!(
                def.areas.contains(&def.service.area()),
                "{} does not read the area that lists its service",
                def.id
            );
        }
    }
}
