//! API Gateway v2 (HTTP and WebSocket) checks: route authorization, stage logging,
//! throttling and variables, CORS, private-integration TLS and custom domains. The ids,
//! severities and categories are the contract in docs/CHECKS.md.
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
use crate::domain::values::{ApiProtocol, ConnectionType};

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
    api.protocol == ApiProtocol::WebSocket
}

// ───────────────────────────── routes ─────────────────────────────

fn unauthenticated(route: &Route) -> bool {
    crate::domain::entry_points::unauthenticated(&route.authorization_type)
}

fn auth_label(route: &Route) -> String {
    let t = route.authorization_type.as_str();
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
                .filter(|i| i.connection_type == Some(ConnectionType::VpcLink))
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
mod tests;
