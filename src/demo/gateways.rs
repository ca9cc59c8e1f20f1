//! The demo account's REST, HTTP and WebSocket APIs, custom domains and usage plans.

use super::fixture::*;

pub(super) fn method(verb: &str, auth: &str, function: Option<(&str, &str)>) -> RestMethod {
    RestMethod {
        http_method: verb.into(),
        authorization_type: auth.into(),
        integration_uri: function.map(|(region, name)| lambda_invoke_uri(region, name)),
        ..Default::default()
    }
}

pub(super) fn logging(level: &str) -> MethodSetting {
    MethodSetting {
        logging_level: Some(level.into()),
        ..Default::default()
    }
}

pub(super) fn rest_apis() -> Vec<RestApi> {
    vec![orders_api(), payments_api(), internal_inventory_api()]
}

pub(super) fn orders_api() -> RestApi {
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
            provider_arns: vec![super::users::shop_pool_arn()],
            jwt_issuer: None,
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

pub(super) fn payments_api() -> RestApi {
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
            ..Default::default()
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

pub(super) fn internal_inventory_api() -> RestApi {
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

pub(super) fn rest_domains() -> Vec<RestDomain> {
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

pub(super) fn usage_plans() -> BTreeMap<String, Fetched<Vec<UsagePlan>>> {
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

pub(super) fn v2_apis() -> Vec<V2Api> {
    vec![
        storefront_http(),
        notifications_ws(),
        warehouse_events_http(),
    ]
}

pub(super) fn route(
    id: &str,
    key: &str,
    auth: &str,
    authorizer: Option<&str>,
    target: Option<&str>,
) -> Route {
    Route {
        id: id.into(),
        route_key: key.into(),
        authorization_type: auth.into(),
        authorizer_id: authorizer.map(str::to_string),
        target: target.map(|t| format!("integrations/{t}")),
    }
}

pub(super) fn lambda_integration(id: &str, region: &str, function: &str) -> Integration {
    Integration {
        id: id.into(),
        integration_type: "AWS_PROXY".into(),
        uri: Some(function_arn(region, function)),
        connection_type: Some("INTERNET".into()),
        tls_server_name_to_verify: None,
        started_machine: None,
    }
}

/// The shop's public HTTP API: JWT on account routes, a few open routes, CORS * with
/// credentials, and a private integration to the old monolith without TLS verification.
pub(super) fn storefront_http() -> V2Api {
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
            // The warehouse's scanner app starts fulfilment directly, without a token.
            route(
                "rt05",
                "POST /orders/{id}/fulfil",
                "NONE",
                None,
                Some("int04"),
            ),
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
                started_machine: None,
            },
            Integration {
                id: "int04".into(),
                integration_type: "AWS_PROXY".into(),
                started_machine: Some(format!(
                    "arn:aws:states:{USE1}:{DEMO_ACCOUNT}:stateMachine:order-fulfilment"
                )),
                ..Default::default()
            },
        ]),
        authorizers: Ok(vec![Authorizer {
            id: "jwtc0g".into(),
            name: "cognito-jwt".into(),
            authorizer_type: "JWT".into(),
            authorizer_uri: None,
            provider_arns: Vec::new(),
            jwt_issuer: Some(super::users::shop_pool_issuer()),
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

pub(super) fn notifications_ws() -> V2Api {
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
            ..Default::default()
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
pub(super) fn warehouse_events_http() -> V2Api {
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
            ..Default::default()
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

pub(super) fn v2_domains() -> Vec<V2Domain> {
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
