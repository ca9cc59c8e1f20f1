use super::*;
use crate::domain::checks::testing::{assert_filled, ev};
use crate::domain::checks::testing::{eval, one};
use crate::domain::finding::Status;
use crate::domain::inventory::{Authorizer, Cors, Integration};
use crate::domain::inventory::{V2Domain, V2Stage};
use std::sync::Arc;

const R: &str = "us-east-1";

fn api(protocol: &str) -> V2Api {
    V2Api {
        id: "h7t8p9".into(),
        name: "checkout-http".into(),
        region: R.into(),
        protocol: protocol.into(),
        ..Default::default()
    }
}

fn inv_of(apis: Vec<V2Api>) -> Inventory {
    Inventory {
        account_id: "111122223333".into(),
        v2_apis: apis.into_iter().map(Arc::new).collect(),
        ..Default::default()
    }
}

fn route(id: &str, key: &str, auth: &str) -> Route {
    Route {
        id: id.into(),
        route_key: key.into(),
        authorization_type: auth.into(),
        ..Default::default()
    }
}

fn with_routes(protocol: &str, routes: Vec<Route>) -> Inventory {
    inv_of(vec![V2Api {
        routes: Ok(routes),
        ..api(protocol)
    }])
}

fn stage(name: &str) -> V2Stage {
    V2Stage {
        name: name.into(),
        ..Default::default()
    }
}

fn with_stage(s: V2Stage) -> Inventory {
    inv_of(vec![V2Api {
        stages: Ok(vec![s]),
        ..api("HTTP")
    }])
}

// ─────────── apigwv2.route-no-auth ───────────

#[test]
fn http_routes_list_every_open_route_including_default() {
    let mut inv = with_routes(
        "HTTP",
        vec![
            route("r1", "GET /items", "JWT"),
            route("r2", "POST /orders", "NONE"),
            route("r3", "$default", "NONE"),
        ],
    );
    Arc::make_mut(&mut inv.v2_apis[0]).authorizers = Ok(vec![Authorizer {
        id: "au1".into(),
        name: "cognito-jwt".into(),
        authorizer_type: "JWT".into(),
        authorizer_uri: None,
        ..Default::default()
    }]);
    let f = one("apigwv2.route-no-auth", &inv);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.resource_id, "arn:aws:apigateway:us-east-1::/apis/h7t8p9");
    assert_eq!(f.resource_name, "checkout-http");
    assert!(f.message.contains("2 routes"), "{}", f.message);
    assert!(f.message.contains("POST /orders") && f.message.contains("$default"));
    assert!(!f.message.contains("GET /items"));
    assert!(ev(&f, "authorizers").unwrap().contains("cognito-jwt"));
    assert!(
        f.remediation()
            .cli
            .contains("--route-id r2 --authorization-type JWT")
    );
    assert!(
        f.remediation()
            .terraform
            .contains("route_key          = \"POST /orders\"")
    );
    assert_filled(&f);
}

#[test]
fn http_routes_with_auth_pass_and_missing_type_fails() {
    let inv = with_routes(
        "HTTP",
        vec![
            route("r1", "GET /items", "JWT"),
            route("r2", "$default", "AWS_IAM"),
        ],
    );
    assert_eq!(one("apigwv2.route-no-auth", &inv).status, Status::Pass);
    let missing = with_routes("HTTP", vec![route("r1", "GET /items", "")]);
    let f = one("apigwv2.route-no-auth", &missing);
    assert_eq!(f.status, Status::Fail);
    assert!(ev(&f, "GET /items").unwrap().contains("missing"));
}

#[test]
fn websocket_only_connect_counts() {
    // Message routes carry no authorization on WebSocket APIs: not a failure.
    let guarded = with_routes(
        "WEBSOCKET",
        vec![
            route("c", "$connect", "CUSTOM"),
            route("d", "$default", "NONE"),
            route("m", "sendMessage", "NONE"),
        ],
    );
    let f = one("apigwv2.route-no-auth", &guarded);
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    let open = with_routes(
        "WEBSOCKET",
        vec![
            route("c", "$connect", "NONE"),
            route("d", "$default", "NONE"),
        ],
    );
    let f = one("apigwv2.route-no-auth", &open);
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("$connect") && !f.message.contains("$default"));
    assert!(
        f.remediation()
            .cli
            .contains("--route-id c --authorization-type CUSTOM")
    );
    assert_filled(&f);
}

#[test]
fn websocket_without_connect_route_fails() {
    let inv = with_routes("websocket", vec![route("d", "$default", "NONE")]);
    let f = one("apigwv2.route-no-auth", &inv);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(ev(&f, "$connect").as_deref(), Some("missing"));
    assert_filled(&f);
}

#[test]
fn route_no_auth_unknown_and_not_applicable() {
    let denied = inv_of(vec![V2Api {
        routes: Err("AccessDenied: apigateway:GET /apis/h7t8p9/routes".into()),
        ..api("HTTP")
    }]);
    let f = one("apigwv2.route-no-auth", &denied);
    assert_eq!(f.status, Status::Unknown);
    assert!(f.message.contains("AccessDenied"));
    assert_eq!(
        one("apigwv2.route-no-auth", &with_routes("HTTP", Vec::new())).status,
        Status::NotApplicable
    );
}

// ─────────── stage checks ───────────

#[test]
fn stage_checks_report_unknown_for_the_api_when_stages_are_missing() {
    let inv = inv_of(vec![V2Api {
        stages: Err("AccessDenied: GetStages".into()),
        ..api("HTTP")
    }]);
    for id in [
        "apigwv2.access-logging-off",
        "apigwv2.no-throttling",
        "apigwv2.secrets-in-stage-variables",
    ] {
        let f = one(id, &inv);
        assert_eq!(f.status, Status::Unknown, "{id}");
        assert_eq!(f.resource_id, "arn:aws:apigateway:us-east-1::/apis/h7t8p9");
        assert!(f.message.contains("AccessDenied"));
        assert_filled(&f);
    }
}

#[test]
fn access_logging_one_finding_per_stage() {
    let mut logged = stage("$default");
    logged.access_log_destination =
        Some("arn:aws:logs:us-east-1:111122223333:log-group:access".into());
    let inv = inv_of(vec![V2Api {
        stages: Ok(vec![logged, stage("dev")]),
        ..api("HTTP")
    }]);
    let f = eval("apigwv2.access-logging-off", &inv);
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].status, Status::Pass);
    assert_eq!(f[0].resource_name, "checkout-http/$default");
    assert_eq!(f[1].status, Status::Fail);
    assert_eq!(
        f[1].resource_id,
        "arn:aws:apigateway:us-east-1::/apis/h7t8p9/stages/dev"
    );
    assert!(
        f[1].remediation()
            .cli
            .contains("log-group:/aws/apigateway/h7t8p9/dev")
    );
    assert_filled(&f[1]);
}

#[test]
fn throttling_from_default_or_route_settings() {
    let mut s = stage("prod");
    s.default_throttling_rate_limit = Some(50.0);
    assert_eq!(
        one("apigwv2.no-throttling", &with_stage(s)).status,
        Status::Pass
    );
    let mut s = stage("prod");
    s.default_throttling_burst_limit = Some(20);
    assert_eq!(
        one("apigwv2.no-throttling", &with_stage(s)).status,
        Status::Pass
    );
    let mut s = stage("prod");
    s.route_throttles
        .insert("POST /orders".into(), (Some(10.0), Some(5)));
    let f = one("apigwv2.no-throttling", &with_stage(s));
    assert_eq!(f.status, Status::Pass);
    assert!(f.message.contains("POST /orders"));
}

#[test]
fn unset_default_or_negative_throttles_fail() {
    let f = one("apigwv2.no-throttling", &with_stage(stage("prod")));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(ev(&f, "DefaultRouteSettings").as_deref(), Some("unset"));
    assert!(
        f.remediation()
            .cli
            .contains("--api-id h7t8p9 --stage-name prod")
    );
    assert_filled(&f);
    let mut s = stage("prod");
    s.default_throttling_rate_limit = Some(10_000.0);
    s.default_throttling_burst_limit = Some(5_000);
    s.route_throttles.insert("GET /".into(), (Some(-1.0), None));
    assert_eq!(
        one("apigwv2.no-throttling", &with_stage(s)).status,
        Status::Fail
    );
}

#[test]
fn stage_variable_secrets_are_reported_masked() {
    let token = format!("{}{}", "sk_live_", "4eC39HqLyjWDarjtT1zdp7dc");
    let mut s = stage("prod");
    s.variables.insert("stripeKey".into(), token.clone());
    s.variables
        .insert("backendHost".into(), "orders.internal".into());
    let f = one("apigwv2.secrets-in-stage-variables", &with_stage(s));
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("stripeKey") && !f.message.contains("backendHost"));
    let json = serde_json::to_string(&f).unwrap();
    assert!(!json.contains(&token), "secret value leaked: {json}");
    assert!(ev(&f, "StageVariables.stripeKey").unwrap().contains("****"));
    assert!(f.remediation().cli.contains("--stage-variables stripeKey="));
    assert_filled(&f);
}

#[test]
fn stage_variables_without_secrets_pass() {
    assert_eq!(
        one(
            "apigwv2.secrets-in-stage-variables",
            &with_stage(stage("prod"))
        )
        .status,
        Status::Pass
    );
    let mut s = stage("prod");
    s.variables.insert("functionAlias".into(), "live".into());
    let f = one("apigwv2.secrets-in-stage-variables", &with_stage(s));
    assert_eq!(f.status, Status::Pass);
    assert_eq!(ev(&f, "variables").as_deref(), Some("functionAlias"));
}

// ─────────── apigwv2.cors-wildcard-credentials ───────────

fn with_cors(protocol: &str, cors: Option<Cors>) -> Inventory {
    inv_of(vec![V2Api {
        cors,
        ..api(protocol)
    }])
}

fn cors(origins: &[&str], credentials: bool) -> Option<Cors> {
    Some(Cors {
        allow_origins: origins.iter().map(|o| o.to_string()).collect(),
        allow_credentials: credentials,
    })
}

#[test]
fn cors_wildcard_with_credentials_fails() {
    let f = one(
        "apigwv2.cors-wildcard-credentials",
        &with_cors("HTTP", cors(&["https://shop.example.com", "*"], true)),
    );
    assert_eq!(f.status, Status::Fail);
    assert_eq!(ev(&f, "AllowCredentials").as_deref(), Some("true"));
    assert!(f.remediation().cli.contains("--api-id h7t8p9"));
    assert_filled(&f);
}

#[test]
fn cors_other_shapes_pass_or_do_not_apply() {
    for c in [
        cors(&["*"], false),
        cors(&["https://shop.example.com"], true),
        None,
    ] {
        assert_eq!(
            one(
                "apigwv2.cors-wildcard-credentials",
                &with_cors("HTTP", c.clone())
            )
            .status,
            Status::Pass,
            "{c:?}"
        );
    }
    assert_eq!(
        one(
            "apigwv2.cors-wildcard-credentials",
            &with_cors("WEBSOCKET", cors(&["*"], true))
        )
        .status,
        Status::NotApplicable
    );
}

// ─────────── apigwv2.private-integration-no-tls ───────────

fn integration(id: &str, connection: Option<&str>, tls: Option<&str>) -> Integration {
    Integration {
        id: id.into(),
        integration_type: "HTTP_PROXY".into(),
        uri: None,
        connection_type: connection.map(Into::into),
        tls_server_name_to_verify: tls.map(str::to_string),
        ..Default::default()
    }
}

fn with_integrations(protocol: &str, integrations: Vec<Integration>) -> Inventory {
    inv_of(vec![V2Api {
        integrations: Ok(integrations),
        ..api(protocol)
    }])
}

#[test]
fn private_integration_without_tls_fails() {
    let inv = with_integrations(
        "HTTP",
        vec![
            integration("i-ok", Some("VPC_LINK"), Some("orders.internal")),
            integration("i-plain", Some("VPC_LINK"), None),
            integration("i-blank", Some("vpc_link"), Some(" ")),
            integration("i-public", Some("INTERNET"), None),
        ],
    );
    let f = one("apigwv2.private-integration-no-tls", &inv);
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("i-plain") && f.message.contains("i-blank"));
    assert!(!f.message.contains("i-ok") && !f.message.contains("i-public"));
    assert!(f.remediation().cli.contains("--integration-id i-plain"));
    assert_filled(&f);
}

#[test]
fn private_integration_pass_not_applicable_and_unknown() {
    let ok = with_integrations(
        "HTTP",
        vec![integration(
            "i-ok",
            Some("VPC_LINK"),
            Some("orders.internal"),
        )],
    );
    assert_eq!(
        one("apigwv2.private-integration-no-tls", &ok).status,
        Status::Pass
    );
    let public = with_integrations(
        "HTTP",
        vec![
            integration("i1", Some("INTERNET"), None),
            integration("i2", None, None),
        ],
    );
    assert_eq!(
        one("apigwv2.private-integration-no-tls", &public).status,
        Status::NotApplicable
    );
    let ws = with_integrations("WEBSOCKET", vec![integration("i1", Some("VPC_LINK"), None)]);
    assert_eq!(
        one("apigwv2.private-integration-no-tls", &ws).status,
        Status::NotApplicable
    );
    let denied = inv_of(vec![V2Api {
        integrations: Err("AccessDenied: GetIntegrations".into()),
        ..api("HTTP")
    }]);
    assert_eq!(
        one("apigwv2.private-integration-no-tls", &denied).status,
        Status::Unknown
    );
}

// ─────────── apigwv2.weak-tls-domain ───────────

fn domain(policy: Option<&str>) -> Inventory {
    Inventory {
        v2_domains: vec![V2Domain {
            name: "ws.example.com".into(),
            region: R.into(),
            security_policy: policy.map(str::to_string),
        }],
        ..Default::default()
    }
}

#[test]
fn weak_tls_domain_cases() {
    let f = one("apigwv2.weak-tls-domain", &domain(Some("TLS_1_0")));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.resource_id,
        "arn:aws:apigateway:us-east-1::/domainnames/ws.example.com"
    );
    assert_eq!(f.resource_name, "ws.example.com");
    assert!(f.remediation().cli.contains("--domain-name ws.example.com"));
    assert_filled(&f);
    assert_eq!(
        one("apigwv2.weak-tls-domain", &domain(Some("TLS_1_2"))).status,
        Status::Pass
    );
    assert_eq!(
        one("apigwv2.weak-tls-domain", &domain(None)).status,
        Status::Unknown
    );
    assert_eq!(
        one("apigwv2.weak-tls-domain", &domain(Some(""))).status,
        Status::Unknown
    );
    assert_eq!(
        one("apigwv2.weak-tls-domain", &domain(Some("TLS_9_9"))).status,
        Status::Unknown
    );
}
