//! API Gateway v2 (HTTP and WebSocket) checks: route authorization, stage logging,
//! throttling and variables, CORS, private-integration TLS and custom domains. The ids,
//! severities and categories are the contract in shared/CHECKS.md.
//!
//! Resources: stage checks report one finding per stage (`<api>/<stage>`, the stage ARN);
//! API checks one per API (the API ARN, its name); domain checks one per custom domain.

use crate::domain::catalogue::{CheckDef, Context};
use crate::domain::checks::gateway::{
    ACCOUNT_DEFAULT_BURST, ACCOUNT_DEFAULT_RATE, Http, access_logs, api_target, limits, per_stage,
    plural, present, stage_variables, tls_domains, unused_authorizers,
};
use crate::domain::finding::{Category, Evidence, Finding, ResourceKind, Service, Severity};
use crate::domain::inventory::{Area, Inventory, Route, V2Api};

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "apigwv2.route-no-auth",
        title: "HTTP/WebSocket routes callable without authorization",
        severity: Severity::High,
        category: Category::Auth,
        service: Service::ApiGatewayV2,
        areas: &[Area::Gateways],
        resource: ResourceKind::HttpApi,
        rationale: "A route with AuthorizationType NONE invokes its integration for anyone on \
            the internet. For HTTP APIs every route counts, $default included (it catches every \
            unmatched path). For WebSocket APIs authorization is only evaluated on $connect, so \
            only $connect counts; a WebSocket API without a $connect route accepts every \
            connection and fails. One finding per API lists every open route; an authorizer \
            that no route uses protects nothing. APIs without routes are not applicable.",
        fix: "Attach a JWT, Lambda (CUSTOM) or IAM authorizer to every route (WebSocket: to $connect).",
        console: &[
            "API Gateway console → APIs → {name} → Authorization (HTTP) or Routes → $connect (WebSocket).",
            "Select route {route_key} → Attach authorizer (JWT / Lambda / IAM) → Save.",
            "Repeat for every route listed in the finding; WebSocket APIs: create a $connect route if there is none.",
        ],
        cli: "aws apigatewayv2 update-route --api-id {api_id} --route-id {route_id} \
            --authorization-type {auth_type} --authorizer-id AUTHORIZER_ID --region {region}",
        terraform: r#"resource "aws_apigatewayv2_route" "{tf}" {
  api_id             = "{api_id}"
  route_key          = "{route_key}"
  authorization_type = "{auth_type}"
  authorizer_id      = aws_apigatewayv2_authorizer.{tf}.id
}"#,
        fsbp: Some("APIGateway.8"),
        prowler: Some("apigatewayv2_api_authorizers_enabled"),
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-access-control.html",
        evaluate: route_no_auth,
    },
    CheckDef {
        id: "apigwv2.access-logging-off",
        title: "HTTP/WebSocket stage access logging off",
        severity: Severity::Medium,
        category: Category::Logging,
        service: Service::ApiGatewayV2,
        areas: &[Area::Gateways],
        resource: ResourceKind::Stage,
        rationale: "HTTP and WebSocket APIs have no execution logs; access logs are the only \
            per-request record of who called which route. A stage without \
            AccessLogSettings.DestinationArn keeps none.",
        fix: "Send the stage's access logs to a CloudWatch Logs group.",
        console: &[
            "API Gateway console → APIs → {name} → Monitor → Logging → select stage {stage} → Edit.",
            "Access logging: on; log destination ARN; log format → Save.",
        ],
        cli: r#"aws apigatewayv2 update-stage --api-id {api_id} --stage-name {stage} --region {region} --access-log-settings '{"DestinationArn":"arn:aws:logs:{region}:{account}:log-group:/aws/apigateway/{api_id}/{stage}","Format":"$context.requestId $context.identity.sourceIp $context.routeKey $context.status $context.responseLatency"}'"#,
        terraform: r#"resource "aws_cloudwatch_log_group" "{tf}" {
  name              = "/aws/apigateway/{api_id}/{stage}"
  retention_in_days = 90
}

resource "aws_apigatewayv2_stage" "{tf}" {
  api_id = "{api_id}"
  name   = "{stage}"
  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.{tf}.arn
    format = jsonencode({
      requestId = "$context.requestId", ip = "$context.identity.sourceIp",
      routeKey = "$context.routeKey", status = "$context.status"
    })
  }
}"#,
        fsbp: Some("APIGateway.9"),
        prowler: Some("apigatewayv2_api_access_logging_enabled"),
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html",
        evaluate: access_logs::<Http>,
    },
    CheckDef {
        id: "apigwv2.no-throttling",
        title: "HTTP/WebSocket stage without throttling",
        severity: Severity::Medium,
        category: Category::Throttling,
        service: Service::ApiGatewayV2,
        areas: &[Area::Gateways],
        resource: ResourceKind::Stage,
        rationale: "Without a stage or route throttle one client can use the whole region-wide \
            account limit shared by every API, starving the others and running up Lambda \
            concurrency and cost. A stage passes with DefaultRouteSettings or any route setting \
            carrying a rate or burst limit below the account default (10000 rps / 5000 burst, \
            which is what an unset limit reports); negative values mean unset.",
        fix: "Set default route throttling (rate and burst) on the stage.",
        console: &[
            "API Gateway console → APIs → {name} → Protect → Throttling → stage {stage} → Edit.",
            "Default route throttling: on; set Rate and Burst limits → Save.",
        ],
        cli: "aws apigatewayv2 update-stage --api-id {api_id} --stage-name {stage} \
            --default-route-settings ThrottlingRateLimit=100,ThrottlingBurstLimit=200 --region {region}",
        terraform: r#"resource "aws_apigatewayv2_stage" "{tf}" {
  api_id = "{api_id}"
  name   = "{stage}"
  default_route_settings {
    throttling_rate_limit  = 100
    throttling_burst_limit = 200
  }
}"#,
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-throttling.html",
        evaluate: no_throttling,
    },
    CheckDef {
        id: "apigwv2.cors-wildcard-credentials",
        title: "HTTP API CORS allows any origin with credentials",
        severity: Severity::Medium,
        category: Category::Exposure,
        service: Service::ApiGatewayV2,
        areas: &[Area::Gateways],
        resource: ResourceKind::HttpApi,
        rationale: "AllowOrigins * together with AllowCredentials true tells browsers that any \
            web site may make credentialed requests (cookies, Authorization headers) and read \
            the answers: a malicious page can act as the signed-in user. An HTTP API without a \
            CORS configuration passes: API Gateway then adds no CORS headers and browsers keep \
            other origins out. CORS does not apply to WebSocket APIs (not applicable).",
        fix: "Replace * with the exact origins of your front ends (or turn credentials off).",
        console: &[
            "API Gateway console → APIs → {name} → CORS → Configure.",
            "Access-Control-Allow-Origin: list your front-end origins instead of * → Save.",
        ],
        cli: "aws apigatewayv2 update-api --api-id {api_id} \
            --cors-configuration AllowOrigins=https://app.example.com,AllowCredentials=true --region {region}",
        terraform: r#"resource "aws_apigatewayv2_api" "{tf}" {
  name          = "{name}"
  protocol_type = "HTTP"
  cors_configuration {
    allow_origins     = ["https://app.example.com"]
    allow_credentials = true
  }
}"#,
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-cors.html",
        evaluate: cors_wildcard_credentials,
    },
    CheckDef {
        id: "apigwv2.secrets-in-stage-variables",
        title: "Credentials in HTTP/WebSocket stage variables",
        severity: Severity::High,
        category: Category::Secrets,
        service: Service::ApiGatewayV2,
        areas: &[Area::Gateways],
        resource: ResourceKind::Stage,
        rationale: "Stage variables are plain text, readable by anyone with apigateway:GET, and \
            AWS says they are not for credentials. A value that looks like a credential (the \
            detectors of lambda.secrets-in-env) fails; the finding names the variable and \
            detector, never the value. A stage without variables passes.",
        fix: "Remove the variable, keep the secret in Secrets Manager, and rotate the leaked credential now.",
        console: &[
            "API Gateway console → APIs → {name} → Stages → {stage} → Stage variables → Edit.",
            "Remove {variable}; store the secret in Secrets Manager and read it at runtime.",
            "Rotate the credential: it has been readable by anyone with apigateway:GET.",
        ],
        cli: "aws apigatewayv2 update-stage --api-id {api_id} --stage-name {stage} \
            --stage-variables {variable}=arn:aws:secretsmanager:{region}:{account}:secret:SECRET_NAME --region {region}",
        terraform: r#"resource "aws_secretsmanager_secret" "{tf}" {
  name = "{tf}/{variable}"
}

resource "aws_apigatewayv2_stage" "{tf}" {
  api_id = "{api_id}"
  name   = "{stage}"
  # drop {variable}; pass a reference instead of the value
  stage_variables = {
    {variable} = aws_secretsmanager_secret.{tf}.arn
  }
}"#,
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-stages.stage-variables.html",
        evaluate: stage_variables::<Http>,
    },
    CheckDef {
        id: "apigwv2.private-integration-no-tls",
        title: "Private integration without TLS",
        severity: Severity::Medium,
        category: Category::Encryption,
        service: Service::ApiGatewayV2,
        areas: &[Area::Gateways],
        resource: ResourceKind::HttpApi,
        rationale: "A VPC_LINK integration without TlsConfig.ServerNameToVerify sends traffic \
            from API Gateway to the load balancer in plain HTTP, so anything inside the VPC \
            path can read or alter it. Only HTTP APIs support TlsConfig: APIs without VPC_LINK \
            integrations, and WebSocket APIs, are not applicable.",
        fix: "Set TlsConfig.ServerNameToVerify on the integration and serve HTTPS on the backend.",
        console: &[
            "API Gateway console → APIs → {name} → Integrations → {integration_id} → Edit.",
            "Advanced settings → Secure server name: the backend's certificate host name → Save.",
        ],
        cli: "aws apigatewayv2 update-integration --api-id {api_id} --integration-id {integration_id} \
            --tls-config ServerNameToVerify=backend.example.internal --region {region}",
        terraform: r#"resource "aws_apigatewayv2_integration" "{tf}" {
  api_id           = "{api_id}"
  integration_type = "HTTP_PROXY"
  connection_type  = "VPC_LINK"
  # connection_id, integration_uri etc. unchanged
  tls_config {
    server_name_to_verify = "backend.example.internal"
  }
}"#,
        fsbp: Some("APIGateway.10"),
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-develop-integrations-private.html",
        evaluate: private_integration_no_tls,
    },
    CheckDef {
        id: "apigwv2.weak-tls-domain",
        title: "HTTP/WebSocket custom domain accepts TLS 1.0",
        severity: Severity::Medium,
        category: Category::Encryption,
        service: Service::ApiGatewayV2,
        areas: &[Area::Gateways],
        resource: ResourceKind::Domain,
        rationale: "TLS 1.0 and 1.1 have known weaknesses and are disallowed by PCI DSS. A \
            domain configuration with SecurityPolicy TLS_1_0 (or another policy allowing \
            1.0/1.1) fails; TLS_1_2 and newer pass. A policy that was not reported, or is not \
            recognised, is unknown.",
        fix: "Update the domain's security policy to TLS_1_2.",
        console: &[
            "API Gateway console → Custom domain names → {domain} → Configurations → Edit.",
            "Minimum TLS version: TLS 1.2 → Save.",
        ],
        cli: "aws apigatewayv2 update-domain-name --domain-name {domain} \
            --domain-name-configurations CertificateArn=CERTIFICATE_ARN,EndpointType=REGIONAL,SecurityPolicy=TLS_1_2 \
            --region {region}",
        terraform: r#"resource "aws_apigatewayv2_domain_name" "{tf}" {
  domain_name = "{domain}"
  domain_name_configuration {
    certificate_arn = "CERTIFICATE_ARN"
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }
}"#,
        fsbp: Some("APIGateway.11"),
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-custom-domain-names.html",
        evaluate: tls_domains::<Http>,
    },
];

// ───────────────────────────── targets ─────────────────────────────

fn is_websocket(api: &V2Api) -> bool {
    api.protocol.trim().eq_ignore_ascii_case("WEBSOCKET")
}

// ───────────────────────────── routes ─────────────────────────────

fn unauthenticated(route: &Route) -> bool {
    crate::domain::entry_points::unauthenticated(&route.authorization_type)
}

fn auth_label(route: &Route) -> String {
    let t = route.authorization_type.trim();
    if t.is_empty() {
        "AuthorizationType missing (treated as NONE)".to_string()
    } else {
        format!("AuthorizationType = {t}")
    }
}

fn route_no_auth(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.v2_apis
        .iter()
        .map(|api| {
            let ws = is_websocket(api);
            // Template parameters; the route is the first open one when there is one.
            let target = |route: Option<&Route>| {
                let (id, key) = match route {
                    Some(r) => (r.id.as_str(), r.route_key.as_str()),
                    None if ws => ("CONNECT_ROUTE_ID", "$connect"),
                    None => ("ROUTE_ID", "$default"),
                };
                api_target(api)
                    .param("auth_type", if ws { "CUSTOM" } else { "JWT" })
                    .param("route_id", id)
                    .param("route_key", key)
            };
            let t = target(None);
            let routes = match &api.routes {
                Ok(r) => r,
                Err(e) => return def.unknown(inv, &t, format!("GetRoutes: {e}")),
            };
            if routes.is_empty() {
                return def.not_applicable(inv, &t, "the API has no routes");
            }
            let protocol = Evidence::new("protocol", if ws { "WEBSOCKET" } else { "HTTP" });
            let relevant: Vec<&Route> = if ws {
                routes
                    .iter()
                    .filter(|r| r.route_key.trim() == "$connect")
                    .collect()
            } else {
                routes.iter().collect()
            };
            if ws && relevant.is_empty() {
                return def.fail(
                    inv,
                    &t,
                    "no $connect route: anyone can open a connection and send messages to the other routes",
                    vec![protocol, Evidence::new("$connect", "missing")],
                );
            }
            let open: Vec<&Route> = relevant.iter().copied().filter(|r| unauthenticated(r)).collect();
            if open.is_empty() {
                let mut ev = vec![protocol];
                ev.extend(relevant.iter().map(|r| Evidence::new(&r.route_key, auth_label(r))));
                let msg = if ws {
                    "$connect requires authorization".to_string()
                } else {
                    format!(
                        "all {} require authorization",
                        plural(relevant.len(), "route", "routes")
                    )
                };
                return def.pass(inv, &t, msg, ev);
            }
            let keys: Vec<&str> = open.iter().map(|r| r.route_key.as_str()).collect();
            let mut ev = vec![protocol];
            ev.extend(open.iter().map(|r| Evidence::new(&r.route_key, auth_label(r))));
            ev.extend(unused_authorizers(&api.authorizers, "routes"));
            let t = target(Some(open[0]));
            def.fail(
                inv,
                &t,
                format!(
                    "{} callable without authorization: {}",
                    plural(open.len(), "route", "routes"),
                    keys.join(", ")
                ),
                ev,
            )
        })
        .collect()
}

// ───────────────────────────── stages ─────────────────────────────

/// A limit that really throttles: set, not negative, below the account default.
fn custom_limit(rate: Option<f64>, burst: Option<i32>) -> bool {
    matches!(rate, Some(r) if (0.0..ACCOUNT_DEFAULT_RATE).contains(&r))
        || matches!(burst, Some(b) if (0..ACCOUNT_DEFAULT_BURST).contains(&b))
}

fn no_throttling(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_stage(def, inv, &inv.v2_apis, |_, stage, t| {
        let (rate, burst) = (
            stage.default_throttling_rate_limit,
            stage.default_throttling_burst_limit,
        );
        if custom_limit(rate, burst) {
            return def.pass(
                inv,
                &t,
                "default route throttling is set",
                vec![Evidence::new("DefaultRouteSettings", limits(rate, burst))],
            );
        }
        let throttled: Vec<(&String, String)> = stage
            .route_throttles
            .iter()
            .filter(|(_, (r, b))| custom_limit(*r, *b))
            .map(|(k, (r, b))| (k, limits(*r, *b)))
            .collect();
        if !throttled.is_empty() {
            let keys: Vec<&str> = throttled.iter().map(|(k, _)| k.as_str()).collect();
            return def.pass(
                inv,
                &t,
                format!("route throttling on {}", keys.join(", ")),
                throttled
                    .iter()
                    .map(|(k, l)| Evidence::new(format!("RouteSettings[{k}]"), l.clone()))
                    .collect(),
            );
        }
        let default = if rate.is_none() && burst.is_none() {
            "unset".to_string()
        } else {
            format!(
                "{} (account default or unset: not a throttle)",
                limits(rate, burst)
            )
        };
        let mut ev = vec![Evidence::new("DefaultRouteSettings", default)];
        ev.push(Evidence::new(
            "RouteSettings",
            if stage.route_throttles.is_empty() {
                "no route throttles".to_string()
            } else {
                "no route has a limit below the account default".to_string()
            },
        ));
        def.fail(
            inv,
            &t,
            "no default or route throttle limits this stage",
            ev,
        )
    })
}

// ───────────────────────────── API settings ─────────────────────────────

fn cors_wildcard_credentials(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.v2_apis
        .iter()
        .map(|api| {
            let t = api_target(api);
            if is_websocket(api) {
                return def.not_applicable(inv, &t, "CORS does not apply to WebSocket APIs");
            }
            let Some(cors) = &api.cors else {
                return def.pass(
                    inv,
                    &t,
                    "no CORS configuration: browsers keep other origins out",
                    vec![Evidence::new("CorsConfiguration", "none")],
                );
            };
            let ev = vec![
                Evidence::new("AllowOrigins", cors.allow_origins.join(", ")),
                Evidence::new("AllowCredentials", cors.allow_credentials.to_string()),
            ];
            let wildcard = cors.allow_origins.iter().any(|o| o.trim() == "*");
            if wildcard && cors.allow_credentials {
                def.fail(
                    inv,
                    &t,
                    "CORS lets any origin make credentialed requests",
                    ev,
                )
            } else if wildcard {
                def.pass(
                    inv,
                    &t,
                    "CORS allows any origin, but without credentials",
                    ev,
                )
            } else {
                def.pass(inv, &t, "CORS is limited to listed origins", ev)
            }
        })
        .collect()
}

fn private_integration_no_tls(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.v2_apis
        .iter()
        .map(|api| {
            let target = |id: &str| api_target(api).param("integration_id", id);
            let t = target("INTEGRATION_ID");
            if is_websocket(api) {
                return def.not_applicable(
                    inv,
                    &t,
                    "TlsConfig for private integrations exists only for HTTP APIs",
                );
            }
            let integrations = match &api.integrations {
                Ok(i) => i,
                Err(e) => return def.unknown(inv, &t, format!("GetIntegrations: {e}")),
            };
            let private: Vec<_> = integrations
                .iter()
                .filter(|i| {
                    i.connection_type
                        .as_deref()
                        .is_some_and(|c| c.trim().eq_ignore_ascii_case("VPC_LINK"))
                })
                .collect();
            if private.is_empty() {
                return def.not_applicable(inv, &t, "no VPC_LINK integrations");
            }
            let plain: Vec<_> = private
                .iter()
                .filter(|i| present(&i.tls_server_name_to_verify).is_none())
                .collect();
            let ev: Vec<Evidence> = private
                .iter()
                .map(|i| {
                    Evidence::new(
                        format!("integration {}", i.id),
                        match present(&i.tls_server_name_to_verify) {
                            Some(name) => format!("TlsConfig.ServerNameToVerify = {name}"),
                            None => "TlsConfig.ServerNameToVerify missing".to_string(),
                        },
                    )
                })
                .collect();
            if plain.is_empty() {
                return def.pass(
                    inv,
                    &t,
                    format!(
                        "all {} use TLS",
                        plural(private.len(), "private integration", "private integrations")
                    ),
                    ev,
                );
            }
            let ids: Vec<&str> = plain.iter().map(|i| i.id.as_str()).collect();
            let t = target(&plain[0].id);
            def.fail(
                inv,
                &t,
                format!(
                    "{} without TLS: {}",
                    plural(plain.len(), "private integration", "private integrations"),
                    ids.join(", ")
                ),
                ev,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {

    use super::*;
    use crate::domain::checks::testing::{assert_entries, eval, one};
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

    fn ev(f: &Finding, field: &str) -> Option<String> {
        f.evidence
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.value.to_string())
    }

    fn assert_filled(f: &Finding) {
        for text in [&f.remediation().cli, &f.remediation().terraform]
            .into_iter()
            .chain(f.remediation().console.iter())
        {
            for p in [
                "{api_id}",
                "{stage}",
                "{region}",
                "{account}",
                "{tf}",
                "{name}",
                "{domain}",
                "{route_id}",
                "{route_key}",
                "{auth_type}",
                "{integration_id}",
                "{variable}",
            ] {
                assert!(!text.contains(p), "{} left {p} in {text}", f.check_id);
            }
        }
    }

    #[test]
    fn catalogue_entries_follow_the_contract() {
        let expected = [
            ("apigwv2.route-no-auth", Severity::High, Category::Auth),
            (
                "apigwv2.access-logging-off",
                Severity::Medium,
                Category::Logging,
            ),
            (
                "apigwv2.no-throttling",
                Severity::Medium,
                Category::Throttling,
            ),
            (
                "apigwv2.cors-wildcard-credentials",
                Severity::Medium,
                Category::Exposure,
            ),
            (
                "apigwv2.secrets-in-stage-variables",
                Severity::High,
                Category::Secrets,
            ),
            (
                "apigwv2.private-integration-no-tls",
                Severity::Medium,
                Category::Encryption,
            ),
            (
                "apigwv2.weak-tls-domain",
                Severity::Medium,
                Category::Encryption,
            ),
        ];
        let got: Vec<_> = CHECKS
            .iter()
            .map(|c| (c.id, c.severity, c.category))
            .collect();
        assert_eq!(got, expected);
        assert_entries(CHECKS, "apigatewayv2");
        for c in CHECKS {
            assert!(c.cli.starts_with("aws apigatewayv2 "), "{}", c.id);
            assert!(c.terraform.contains("resource \""), "{}", c.id);
        }
        let fsbp: Vec<_> = CHECKS.iter().filter_map(|c| c.fsbp).collect();
        assert_eq!(
            fsbp,
            [
                "APIGateway.8",
                "APIGateway.9",
                "APIGateway.10",
                "APIGateway.11"
            ]
        );
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
            connection_type: connection.map(str::to_string),
            tls_server_name_to_verify: tls.map(str::to_string),
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
}
