//! Lambda functions of the demo account and their resource policies.

use super::fixture::*;

pub(super) fn functions(now: OffsetDateTime) -> Vec<Function> {
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
            ..zip_function(
                USE1,
                "payments-charge",
                "python3.12",
                "payments-service-role",
            )
        },
        Function {
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
            ..zip_function(
                USE1,
                "payments-refund",
                "python3.12",
                "payments-service-role",
            )
        },
        // Stripe calls this through a function URL with no auth (it checks the signature in
        // code). The live Stripe key and the signing secret were pasted into the environment.
        Function {
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
            layers: vec![shop_node_common_layer()],
            ..zip_function(
                USE1,
                "payments-webhook",
                "nodejs22.x",
                "payments-service-role",
            )
        },
        Function {
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
            layers: vec![shop_node_common_layer()],
            ..zip_function(USE1, "orders-create", "nodejs22.x", "orders-service-role")
        },
        // Order lookup: GET /orders/{id} on orders-api has no authorizer (API key only), and
        // the storefront exposes an open status route to it. Its role has dynamodb:*.
        Function {
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
            layers: vec![shop_node_common_layer()],
            ..zip_function(USE1, "orders-get", "nodejs22.x", "orders-service-role")
        },
        // Nightly stock sync from the warehouse operator. Old runtime, a layer from the
        // operator's account, no failure destination.
        Function {
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
            ..zip_function(
                EUW1,
                "inventory-sync",
                "python3.8",
                "inventory-service-role",
            )
        },
        // Stock reservation behind the PRIVATE internal API; the warehouse operator's account
        // was also granted direct invoke (bare account id).
        Function {
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
            ..zip_function(
                EUW1,
                "inventory-reserve",
                "python3.12",
                "inventory-service-role",
            )
        },
        // Order e-mails from the order-events topic: old runtime and an SMTP password in the
        // environment, but a DLQ is configured.
        Function {
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
            ..zip_function(
                USE1,
                "notifications-email",
                "nodejs16.x",
                "notifications-service-role",
            )
        },
        // SMS: someone "fixed" an SNS permission error by letting everyone invoke it.
        Function {
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
            ..zip_function(
                USE1,
                "notifications-sms",
                "python3.11",
                "notifications-service-role",
            )
        },
        // WebSocket message handler for live order notifications.
        Function {
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
            ..zip_function(
                USE1,
                "notifications-push",
                "nodejs22.x",
                "notifications-service-role",
            )
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
            layers: vec![shop_node_common_layer()],
            ..zip_function(
                USE1,
                "auth-authorizer",
                "nodejs22.x",
                "auth-authorizer-role",
            )
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
            ..zip_function(USE1, "legacy-export", "java8", "legacy-export-role")
        },
    ]
}

pub(super) fn policy_doc(statements: &[String]) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Id":"default","Statement":[{}]}}"#,
        statements.join(",")
    )
}

/// A service-principal invoke permission scoped by SourceArn, as `add-permission` writes it.
pub(super) fn service_statement(
    sid: &str,
    service: &str,
    function: &str,
    source_arn: &str,
) -> String {
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

pub(super) fn apigateway_permission(function: &str, sid: &str, source_arn: &str) -> String {
    policy_doc(&[service_statement(
        sid,
        "apigateway.amazonaws.com",
        function,
        source_arn,
    )])
}

/// The statement the console adds for a function URL with auth type NONE.
pub(super) fn function_url_public_permission(function: &str) -> String {
    policy_doc(&[format!(
        r#"{{"Sid":"FunctionURLAllowPublicAccess","Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"{}","Condition":{{"StringEquals":{{"lambda:FunctionUrlAuthType":"NONE"}}}}}}"#,
        function_arn(USE1, function)
    )])
}
