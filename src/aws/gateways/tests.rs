//! Unit tests of `gateways.rs`, kept apart so the module itself stays readable.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::Ordering;

use aws_sdk_apigateway::config::Credentials;
use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::result::ConnectorError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::body::SdkBody;
use aws_smithy_types::retry::RetryConfig;

use super::*;
use crate::domain::collection::CollectionState;

const ENDPOINT: &str = "http://gw.test";
const DENIED: &str = "AccessDenied: missing apigateway:GET";

/// One recorded request (path and query) and its response.
struct Ev {
    path: String,
    query: Option<String>,
    status: u16,
    body: String,
}

fn ev(path: impl Into<String>, query: Option<&str>, status: u16, body: impl Into<String>) -> Ev {
    Ev {
        path: path.into(),
        query: query.map(str::to_string),
        status,
        body: body.into(),
    }
}

/// One [`StaticReplayClient`] per URL path, so recorded pages of one listing are replayed
/// in order while the calls of different listings run concurrently in any order.
#[derive(Clone, Debug, Default)]
struct ByPath {
    replays: Arc<HashMap<String, StaticReplayClient>>,
}

impl ByPath {
    fn new(events: Vec<Ev>) -> ByPath {
        let mut grouped: HashMap<String, Vec<ReplayEvent>> = HashMap::new();
        for Ev {
            path,
            query,
            status,
            body,
        } in events
        {
            let uri = match &query {
                Some(q) => format!("{ENDPOINT}{path}?{q}"),
                None => format!("{ENDPOINT}{path}"),
            };
            let mut request = HttpRequest::new(SdkBody::empty());
            request.set_uri(uri.as_str()).expect("valid uri");
            let response = HttpResponse::new(
                status.try_into().expect("valid status"),
                SdkBody::from(body),
            );
            grouped
                .entry(path)
                .or_default()
                .push(ReplayEvent::new(request, response));
        }
        ByPath {
            replays: Arc::new(
                grouped
                    .into_iter()
                    .map(|(path, events)| (path, StaticReplayClient::new(events)))
                    .collect(),
            ),
        }
    }

    /// Every recorded request was sent, with the recorded URI (query included), once.
    fn assert_all_sent(&self) {
        for replay in self.replays.values() {
            replay.assert_requests_match(&["authorization", "x-amz-user-agent"]);
        }
    }
}

fn path_of(uri: &str) -> String {
    let rest = uri.split_once("://").map_or(uri, |(_, r)| r);
    let path = rest.find('/').map_or("/", |i| &rest[i..]);
    path.split('?').next().unwrap_or(path).to_string()
}

impl HttpConnector for ByPath {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let path = path_of(request.uri());
        match self.replays.get(&path) {
            Some(replay) => replay.call(request),
            None => HttpConnectorFuture::ready(Err(ConnectorError::other(
                format!("no recorded response for {path}").into(),
                None,
            ))),
        }
    }
}

impl HttpClient for ByPath {
    fn http_connector(
        &self,
        _: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        SharedHttpConnector::new(self.clone())
    }
}

fn shared() -> Shared {
    let iam = aws_sdk_iam::Config::builder()
        .http_client(ByPath::default())
        .region(aws_sdk_iam::config::Region::new("us-east-1"))
        .credentials_provider(Credentials::for_tests())
        .behavior_version_latest()
        .build();
    Shared::new(
        "123456789012".into(),
        aws_sdk_iam::Client::from_conf(iam),
        4,
    )
}

macro_rules! client {
    ($sdk:ident, $http:expr) => {
        $sdk::Client::from_conf(
            $sdk::Config::builder()
                .http_client($http.clone())
                .endpoint_url(ENDPOINT)
                .region($sdk::config::Region::new("eu-west-1"))
                .credentials_provider(Credentials::for_tests())
                .retry_config(RetryConfig::disabled())
                .behavior_version_latest()
                .build(),
        )
    };
}

/// Clients of eu-west-1 answering v1 calls from `v1` and v2 calls from `v2`; the other
/// services have nothing recorded (the gateways area must not call them).
fn clients(v1: &ByPath, v2: &ByPath) -> RegionClients {
    use aws_sdk_apigateway as apigateway;
    use aws_sdk_apigatewayv2 as apigatewayv2;
    use aws_sdk_appsync as appsync;
    use aws_sdk_cloudwatchlogs as logs;
    use aws_sdk_cognitoidentity as cognito_identity;
    use aws_sdk_cognitoidentityprovider as cognito_idp;
    use aws_sdk_eventbridge as eventbridge;
    use aws_sdk_kinesis as kinesis;
    use aws_sdk_kms as kms;
    use aws_sdk_lambda as lambda;
    use aws_sdk_secretsmanager as secretsmanager;
    use aws_sdk_sfn as sfn;
    use aws_sdk_sns as sns;
    use aws_sdk_sqs as sqs;
    let none = ByPath::default();
    RegionClients {
        region: "eu-west-1".into(),
        lambda: client!(lambda, none),
        apigateway: client!(apigateway, v1),
        apigatewayv2: client!(apigatewayv2, v2),
        secretsmanager: client!(secretsmanager, none),
        kms: client!(kms, none),
        sqs: client!(sqs, none),
        sns: client!(sns, none),
        eventbridge: client!(eventbridge, none),
        sfn: client!(sfn, none),
        kinesis: client!(kinesis, none),
        appsync: client!(appsync, none),
        cognito_idp: client!(cognito_idp, none),
        cognito_identity: client!(cognito_identity, none),
        logs: client!(logs, none),
    }
}

/// v1 and v2 with empty listings, for tests about the other half.
fn empty_v1() -> Vec<Ev> {
    vec![
        ev("/restapis", Some("limit=500"), 200, r#"{"item":[]}"#),
        ev("/domainnames", Some("limit=500"), 200, r#"{"item":[]}"#),
    ]
}

fn empty_v2() -> Vec<Ev> {
    vec![
        ev("/v2/apis", None, 200, r#"{"items":[]}"#),
        ev("/v2/domainnames", None, 200, r#"{"items":[]}"#),
    ]
}

const XML_DENIED: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse><Error>\
    <Type>Sender</Type><Code>AccessDenied</Code><Message>User: arn:aws:iam::123456789012:user/scan \
    is not authorized to perform: apigateway:GetStages</Message></Error></ErrorResponse>";
const HTML_404: &str = "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n\
    <h1>Not Found</h1>\n<p>The requested URL was not found on the server.</p>\n";

const REST_PAGE_1: &str = r#"{"item":[{"id":"a1","name":"orders","endpointConfiguration":{"types":["REGIONAL"]},
    "policy":"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\",\\\"Principal\\\":\\\"*\\\",\\\"Action\\\":\\\"execute-api:Invoke\\\",\\\"Resource\\\":\\\"*\\\"}]}",
    "disableExecuteApiEndpoint":false,"createdDate":1700000000}],"position":"p2"}"#;
const REST_PAGE_2: &str = r#"{"item":[{"id":"a2","name":"admin","endpointConfiguration":{"types":["PRIVATE"]},
    "policy":null,"disableExecuteApiEndpoint":true}]}"#;

const A1_STAGES: &str = r#"{"item":[{"stageName":"prod","deploymentId":"d1",
    "webAclArn":"arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/w/1",
    "methodSettings":{
      "*/*":{"loggingLevel":"INFO","throttlingRateLimit":100.0,"throttlingBurstLimit":200,
             "cachingEnabled":true,"cacheDataEncrypted":true,"metricsEnabled":false},
      "orders/GET":{"loggingLevel":"OFF","throttlingRateLimit":null,"cachingEnabled":false,
             "cacheDataEncrypted":false}},
    "accessLogSettings":{"destinationArn":"arn:aws:logs:eu-west-1:123456789012:log-group:gw","format":"$context.requestId"},
    "tracingEnabled":true,"cacheClusterEnabled":true,"clientCertificateId":"cc1",
    "variables":{"db_password":"hunter2hunter2","env":"prod"},"createdDate":1700000000},
    {"stageName":"dev","deploymentId":"d2"}]}"#;
const A1_RESOURCES: &str = r#"{"item":[
    {"id":"r0","path":"/","resourceMethods":{}},
    {"id":"r1","parentId":"r0","pathPart":"orders","path":"/orders","resourceMethods":{
      "POST":{"httpMethod":"POST","authorizationType":"CUSTOM","authorizerId":"au1","apiKeyRequired":true,
              "requestValidatorId":"v1","methodIntegration":{"type":"AWS_PROXY",
              "uri":"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:orders/invocations"}},
      "GET":{"httpMethod":"GET","authorizationType":"NONE","apiKeyRequired":false}}}],
    "position":"r2"}"#;
const A1_RESOURCES_2: &str = r#"{"item":[{"id":"r2","parentId":"r1","pathPart":"{id}","path":"/orders/{id}",
    "resourceMethods":{"DELETE":{"httpMethod":"DELETE","authorizationType":"AWS_IAM"}}}]}"#;
const A1_AUTHORIZERS: &str = r#"{"item":[{"id":"au1","name":"tokens","type":"TOKEN",
    "authorizerUri":"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:auth/invocations"}]}"#;
const A1_VALIDATORS: &str = r#"{"item":[{"id":"v1","name":"body","validateRequestBody":true,"validateRequestParameters":false}]}"#;

fn rest_events() -> Vec<Ev> {
    vec![
        ev("/restapis", Some("limit=500"), 200, REST_PAGE_1),
        ev("/restapis", Some("position=p2&limit=500"), 200, REST_PAGE_2),
        ev("/restapis/a1/stages", None, 200, A1_STAGES),
        ev(
            "/restapis/a1/resources",
            Some("limit=500&embed=methods"),
            200,
            A1_RESOURCES,
        ),
        ev(
            "/restapis/a1/resources",
            Some("position=r2&limit=500&embed=methods"),
            200,
            A1_RESOURCES_2,
        ),
        ev(
            "/restapis/a1/authorizers",
            Some("limit=500"),
            200,
            A1_AUTHORIZERS,
        ),
        ev(
            "/restapis/a1/requestvalidators",
            Some("limit=500"),
            200,
            A1_VALIDATORS,
        ),
        ev("/restapis/a2/stages", None, 403, XML_DENIED),
        ev(
            "/restapis/a2/resources",
            Some("limit=500&embed=methods"),
            200,
            r#"{"item":[]}"#,
        ),
        ev(
            "/restapis/a2/authorizers",
            Some("limit=500"),
            200,
            r#"{"item":[]}"#,
        ),
        ev(
            "/restapis/a2/requestvalidators",
            Some("limit=500"),
            200,
            r#"{"item":[]}"#,
        ),
        ev(
            "/domainnames",
            Some("limit=500"),
            200,
            r#"{"item":[{"domainName":"api.example.com","securityPolicy":"TLS_1_0"}],"position":"d2"}"#,
        ),
        ev(
            "/domainnames",
            Some("position=d2&limit=500"),
            200,
            r#"{"item":[{"domainName":"new.example.com","securityPolicy":"TLS_1_2"}]}"#,
        ),
        ev(
            "/domainnames/api.example.com/basepathmappings",
            Some("limit=500"),
            200,
            r#"{"item":[{"basePath":"(none)","restApiId":"a1","stage":"prod"}]}"#,
        ),
        ev(
            "/domainnames/new.example.com/basepathmappings",
            Some("limit=500"),
            404,
            r#"{"__type":"NotFoundException","message":"Invalid domain name identifier specified"}"#,
        ),
    ]
}

#[tokio::test]
async fn rest_apis_follow_every_page_and_a_denied_stage_listing_stays_on_its_api() {
    let (v1, v2) = (ByPath::new(rest_events()), ByPath::new(empty_v2()));
    let shared = shared();
    let collected = collect(&shared, &clients(&v1, &v2)).await;
    v1.assert_all_sent();
    v2.assert_all_sent();

    let inv = &collected.inventory;
    assert_eq!(inv.account_id, "123456789012");
    assert_eq!(inv.regions, vec!["eu-west-1".to_string()]);
    assert!(
        inv.usage_plans.is_empty(),
        "usage plans belong to the throttles area"
    );
    let ids: Vec<&str> = inv.rest_apis.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["a1", "a2"], "both GetRestApis pages are collected");

    let a1 = &inv.rest_apis[0];
    assert_eq!(
        (a1.name.as_str(), a1.region.as_str()),
        ("orders", "eu-west-1")
    );
    assert_eq!(a1.endpoint_type, "REGIONAL");
    assert!(!a1.disable_execute_api_endpoint);
    let policy = a1.policy.as_deref().expect("policy kept");
    assert!(
        policy.contains(r#"\"Principal\""#),
        "policy kept raw: {policy}"
    );

    let stages = a1.stages.as_ref().expect("a1 stages");
    assert_eq!(stages.len(), 2);
    let prod = &stages[0];
    assert_eq!(prod.name, "prod");
    assert_eq!(prod.deployment_id.as_deref(), Some("d1"));
    assert!(
        prod.web_acl_arn
            .as_deref()
            .is_some_and(|a| a.contains("webacl"))
    );
    assert_eq!(
        prod.access_log_destination.as_deref(),
        Some("arn:aws:logs:eu-west-1:123456789012:log-group:gw")
    );
    assert!(prod.tracing_enabled && prod.cache_cluster_enabled);
    assert_eq!(prod.client_certificate_id.as_deref(), Some("cc1"));
    assert_eq!(prod.variables.get("env").map(String::as_str), Some("prod"));
    assert_eq!(
        prod.method_settings.get("*/*"),
        Some(&MethodSetting {
            logging_level: Some("INFO".into()),
            throttling_rate_limit: Some(100.0),
            throttling_burst_limit: Some(200),
            caching_enabled: true,
            cache_data_encrypted: true,
        })
    );
    assert_eq!(
        prod.method_settings.get("orders/GET"),
        Some(&MethodSetting {
            logging_level: Some("OFF".into()),
            ..MethodSetting::default()
        }),
        "null / absent throttling limits are unset, not 0"
    );
    let dev = &stages[1];
    assert_eq!(dev.name, "dev");
    assert!(dev.method_settings.is_empty() && dev.access_log_destination.is_none());
    assert!(dev.web_acl_arn.is_none() && !dev.tracing_enabled);

    let resources = a1.resources.as_ref().expect("a1 resources");
    let paths: Vec<&str> = resources.iter().map(|r| r.path.as_str()).collect();
    assert_eq!(
        paths,
        ["/", "/orders", "/orders/{id}"],
        "both GetResources pages"
    );
    let orders = &resources[1];
    assert_eq!(
        orders.methods,
        vec![
            RestMethod {
                http_method: "GET".into(),
                authorization_type: "NONE".into(),
                ..RestMethod::default()
            },
            RestMethod {
                http_method: "POST".into(),
                authorization_type: "CUSTOM".into(),
                authorizer_id: Some("au1".into()),
                api_key_required: true,
                request_validator_id: Some("v1".into()),
                integration_uri: Some(
                    "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/\
                     arn:aws:lambda:eu-west-1:123456789012:function:orders/invocations"
                        .into()
                ),
                ..Default::default()
            },
        ]
    );
    assert_eq!(resources[2].methods[0].authorization_type, "AWS_IAM");
    assert_eq!(
        a1.authorizers.as_ref().expect("a1 authorizers"),
        &vec![Authorizer {
            id: "au1".into(),
            name: "tokens".into(),
            authorizer_type: "TOKEN".into(),
            authorizer_uri: Some(
                "arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/\
                 arn:aws:lambda:eu-west-1:123456789012:function:auth/invocations"
                    .into()
            ),
            ..Default::default()
        }]
    );
    assert_eq!(
        a1.validators.as_ref().expect("a1 validators"),
        &vec![RequestValidator {
            id: "v1".into(),
            name: "body".into(),
            validate_body: true,
            validate_parameters: false,
        }]
    );

    let a2 = &inv.rest_apis[1];
    assert_eq!(a2.endpoint_type, "PRIVATE");
    assert!(a2.disable_execute_api_endpoint);
    assert_eq!(a2.policy, None);
    assert_eq!(a2.stages, Err(DENIED.into()), "403 XML counts as denied");
    assert_eq!(a2.resources, Ok(vec![]));
    assert_eq!(a2.authorizers, Ok(vec![]));
    assert_eq!(a2.validators, Ok(vec![]));

    let domains: Vec<(&str, Option<&str>)> = inv
        .rest_domains
        .iter()
        .map(|d| (d.name.as_str(), d.security_policy.as_deref()))
        .collect();
    assert_eq!(
        domains,
        [
            ("api.example.com", Some("TLS_1_0")),
            ("new.example.com", Some("TLS_1_2"))
        ]
    );
    assert!(inv.rest_domains.iter().all(|d| d.region == "eu-west-1"));
    assert_eq!(
        inv.rest_domains[0].base_path_mappings,
        Ok(vec![BasePathMapping {
            base_path: "(none)".into(),
            rest_api_id: "a1".into(),
            stage: Some("prod".into()),
        }])
    );
    assert_eq!(
        inv.rest_domains[1].base_path_mappings,
        Ok(vec![]),
        "NotFound means no mappings"
    );

    assert!(inv.list_failures.is_empty());
    assert_eq!(collected.state(), CollectionState::Partial);
    assert_eq!(collected.error().as_deref(), Some(DENIED));
    let real: Vec<_> = collected
        .failures
        .iter()
        .filter(|f| f.kind != FailureKind::NotFound)
        .collect();
    assert_eq!(real.len(), 1);
    assert_eq!(real[0].action, "apigateway:GET");
}

#[tokio::test]
async fn rest_requests_stay_within_the_budget_per_api() {
    let ids = ["b1", "b2", "b3"];
    let listing: Vec<String> = ids
        .iter()
        .map(|id| format!(r#"{{"id":"{id}","name":"{id}"}}"#))
        .collect();
    let mut events = vec![
        ev(
            "/restapis",
            Some("limit=500"),
            200,
            format!(r#"{{"item":[{}]}}"#, listing.join(",")),
        ),
        ev("/domainnames", Some("limit=500"), 200, r#"{"item":[]}"#),
    ];
    for id in ids {
        let empty = r#"{"item":[]}"#;
        events.push(ev(format!("/restapis/{id}/stages"), None, 200, empty));
        events.push(ev(
            format!("/restapis/{id}/resources"),
            Some("limit=500&embed=methods"),
            200,
            empty,
        ));
        events.push(ev(
            format!("/restapis/{id}/authorizers"),
            Some("limit=500"),
            200,
            empty,
        ));
        events.push(ev(
            format!("/restapis/{id}/requestvalidators"),
            Some("limit=500"),
            200,
            empty,
        ));
    }
    let (v1, v2) = (ByPath::new(events), ByPath::new(empty_v2()));
    let shared = shared();
    let collected = collect(&shared, &clients(&v1, &v2)).await;
    v1.assert_all_sent();
    assert_eq!(collected.inventory.rest_apis.len(), 3);
    assert_eq!(collected.state(), CollectionState::Ok);
    // 2 listings + 4 per REST API, plus the two (empty) v2 listings.
    let calls = shared.calls.load(Ordering::Relaxed);
    assert_eq!(calls, 2 + 4 * 3 + 2);
    let v1_calls = calls - 2;
    assert!(
        v1_calls as f64 / 3.0 <= 6.0,
        "{v1_calls} v1 requests for 3 APIs"
    );
}

const V2_PAGE_1: &str = r#"{"items":[{"apiId":"h1","name":"web","protocolType":"HTTP",
    "corsConfiguration":{"allowOrigins":["*"],"allowCredentials":true,"allowMethods":["GET"]},
    "disableExecuteApiEndpoint":false,"createdDate":"2024-01-01T00:00:00Z"}],"nextToken":"t2"}"#;
const V2_PAGE_2: &str = r#"{"items":[{"apiId":"w1","name":"chat","protocolType":"WEBSOCKET",
    "corsConfiguration":null,"disableExecuteApiEndpoint":true}]}"#;
const H1_STAGES: &str = r#"{"items":[{"stageName":"$default",
    "accessLogSettings":{"destinationArn":"arn:aws:logs:eu-west-1:123456789012:log-group:h1"},
    "defaultRouteSettings":{"throttlingRateLimit":50.0,"throttlingBurstLimit":20,"detailedMetricsEnabled":false},
    "routeSettings":{"GET /items":{"throttlingRateLimit":5.0},"POST /items":{"throttlingBurstLimit":2}},
    "stageVariables":{"API_TOKEN":"abcd1234efgh"}}]}"#;
const H1_ROUTES: &str = r#"{"items":[
    {"routeId":"r1","routeKey":"GET /items","authorizationType":"JWT","authorizerId":"j1","target":"integrations/i1"},
    {"routeId":"r2","routeKey":"POST /items","authorizationType":"JWT","authorizerId":"j1","target":"integrations/i1"},
    {"routeId":"r3","routeKey":"DELETE /items","authorizationType":"CUSTOM","authorizerId":"l1","target":"integrations/i2"},
    {"routeId":"r4","routeKey":"$default","target":"integrations/i2"}]}"#;
const H1_INTEGRATIONS: &str = r#"{"items":[
    {"integrationId":"i1","integrationType":"AWS_PROXY",
     "integrationUri":"arn:aws:lambda:eu-west-1:123456789012:function:items","connectionType":"INTERNET"},
    {"integrationId":"i2","integrationType":"HTTP_PROXY","integrationUri":"https://backend.example.com",
     "connectionType":"VPC_LINK","tlsConfig":{"serverNameToVerify":"backend.example.com"}}]}"#;

fn v2_events(j1: (u16, &'static str)) -> Vec<Ev> {
    vec![
        ev("/v2/apis", None, 200, V2_PAGE_1),
        ev("/v2/apis", Some("nextToken=t2"), 200, V2_PAGE_2),
        ev("/v2/apis/h1/stages", None, 200, H1_STAGES),
        ev("/v2/apis/h1/routes", None, 200, H1_ROUTES),
        ev("/v2/apis/h1/integrations", None, 200, H1_INTEGRATIONS),
        ev("/v2/apis/h1/authorizers", None, 404, HTML_404),
        ev("/v2/apis/h1/authorizers/j1", None, j1.0, j1.1),
        ev(
            "/v2/apis/h1/authorizers/l1",
            None,
            200,
            r#"{"authorizerId":"l1","name":"lambda","authorizerType":"REQUEST",
               "authorizerUri":"arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/arn:aws:lambda:eu-west-1:123456789012:function:auth/invocations"}"#,
        ),
        ev(
            "/v2/apis/w1/stages",
            None,
            200,
            r#"{"items":[{"stageName":"prod"}]}"#,
        ),
        ev(
            "/v2/apis/w1/routes",
            None,
            200,
            r#"{"items":[{"routeId":"c1","routeKey":"$connect","authorizationType":"NONE"}]}"#,
        ),
        ev("/v2/apis/w1/integrations", None, 200, r#"{"items":[]}"#),
        ev(
            "/v2/apis/w1/authorizers",
            None,
            200,
            r#"{"items":[{"authorizerId":"x1","name":"unused","authorizerType":"REQUEST"}],"nextToken":"x2"}"#,
        ),
        ev(
            "/v2/apis/w1/authorizers",
            Some("nextToken=x2"),
            200,
            r#"{"items":[{"authorizerId":"x2","name":"unused-too","authorizerType":"REQUEST"}]}"#,
        ),
        ev(
            "/v2/domainnames",
            None,
            200,
            r#"{"items":[{"domainName":"ws.example.com","domainNameConfigurations":[{"securityPolicy":"TLS_1_0","endpointType":"REGIONAL"}]}],"nextToken":"n2"}"#,
        ),
        ev(
            "/v2/domainnames",
            Some("nextToken=n2"),
            200,
            r#"{"items":[{"domainName":"bare.example.com"}]}"#,
        ),
    ]
}

const J1: &str = r#"{"authorizerId":"j1","name":"cognito","authorizerType":"JWT",
    "jwtConfiguration":{"audience":["app"],"issuer":"https://issuer.example.com"}}"#;

#[tokio::test]
async fn v2_apis_follow_next_token_and_fall_back_to_get_authorizer_when_the_listing_is_missing() {
    let (v1, v2) = (ByPath::new(empty_v1()), ByPath::new(v2_events((200, J1))));
    let shared = shared();
    let collected = collect(&shared, &clients(&v1, &v2)).await;
    v1.assert_all_sent();
    // Among others: GetAuthorizer once per distinct id (j1 twice in routes, l1 once),
    // never for the route without an authorizer.
    v2.assert_all_sent();

    let inv = &collected.inventory;
    let ids: Vec<&str> = inv.v2_apis.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["h1", "w1"], "both GetApis pages are collected");
    let h1 = &inv.v2_apis[0];
    assert_eq!((h1.name.as_str(), h1.protocol.as_str()), ("web", "HTTP"));
    assert_eq!(h1.region, "eu-west-1");
    assert_eq!(
        h1.cors,
        Some(Cors {
            allow_origins: vec!["*".into()],
            allow_credentials: true,
        })
    );
    assert!(!h1.disable_execute_api_endpoint);

    let stage = &h1.stages.as_ref().expect("h1 stages")[0];
    assert_eq!(stage.name, "$default");
    assert_eq!(
        stage.access_log_destination.as_deref(),
        Some("arn:aws:logs:eu-west-1:123456789012:log-group:h1")
    );
    assert_eq!(stage.default_throttling_rate_limit, Some(50.0));
    assert_eq!(stage.default_throttling_burst_limit, Some(20));
    assert_eq!(
        stage.route_throttles.get("GET /items"),
        Some(&(Some(5.0), None))
    );
    assert_eq!(
        stage.route_throttles.get("POST /items"),
        Some(&(None, Some(2)))
    );
    assert_eq!(
        stage.variables.get("API_TOKEN").map(String::as_str),
        Some("abcd1234efgh")
    );

    let routes = h1.routes.as_ref().expect("h1 routes");
    assert_eq!(routes.len(), 4);
    assert_eq!(
        routes[0],
        Route {
            id: "r1".into(),
            route_key: "GET /items".into(),
            authorization_type: "JWT".into(),
            authorizer_id: Some("j1".into()),
            target: Some("integrations/i1".into()),
        }
    );
    assert_eq!(routes[3].route_key, "$default");
    assert_eq!(routes[3].authorization_type, "NONE", "absent means NONE");
    assert_eq!(routes[3].authorizer_id, None);

    assert_eq!(
        h1.integrations.as_ref().expect("h1 integrations"),
        &vec![
            Integration {
                id: "i1".into(),
                integration_type: "AWS_PROXY".into(),
                uri: Some("arn:aws:lambda:eu-west-1:123456789012:function:items".into()),
                connection_type: Some("INTERNET".into()),
                tls_server_name_to_verify: None,
                ..Default::default()
            },
            Integration {
                id: "i2".into(),
                integration_type: "HTTP_PROXY".into(),
                uri: Some("https://backend.example.com".into()),
                connection_type: Some("VPC_LINK".into()),
                tls_server_name_to_verify: Some("backend.example.com".into()),
                ..Default::default()
            },
        ]
    );

    let authorizers = h1
        .authorizers
        .as_ref()
        .expect("fallback filled the authorizers");
    let got: Vec<(&str, &str, &str, bool)> = authorizers
        .iter()
        .map(|a| {
            (
                a.id.as_str(),
                a.name.as_str(),
                a.authorizer_type.as_str(),
                a.authorizer_uri.is_some(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("j1", "cognito", "JWT", false),
            ("l1", "lambda", "REQUEST", true)
        ]
    );

    let w1 = &inv.v2_apis[1];
    assert_eq!(w1.protocol, "WEBSOCKET");
    assert_eq!(w1.cors, None);
    assert!(w1.disable_execute_api_endpoint);
    assert_eq!(
        w1.routes.as_ref().expect("w1 routes")[0].route_key,
        "$connect"
    );
    let listed: Vec<&str> = w1
        .authorizers
        .as_ref()
        .expect("listing works")
        .iter()
        .map(|a| a.id.as_str())
        .collect();
    assert_eq!(
        listed,
        ["x1", "x2"],
        "GetAuthorizers pages are followed too"
    );

    let domains: Vec<(&str, Option<&str>)> = inv
        .v2_domains
        .iter()
        .map(|d| (d.name.as_str(), d.security_policy.as_deref()))
        .collect();
    assert_eq!(
        domains,
        [
            ("ws.example.com", Some("TLS_1_0")),
            ("bare.example.com", None)
        ]
    );
    assert!(inv.v2_domains.iter().all(|d| d.region == "eu-west-1"));

    assert_eq!(
        collected.state(),
        CollectionState::Ok,
        "a listing the fallback replaced is not a failure: {:?}",
        collected.failures
    );
    assert!(collected.failures.is_empty());
}

#[tokio::test]
async fn v2_authorizers_are_unknown_when_the_fallback_fails_too() {
    let (v1, v2) = (
        ByPath::new(empty_v1()),
        ByPath::new(v2_events((403, XML_DENIED))),
    );
    let shared = shared();
    let collected = collect(&shared, &clients(&v1, &v2)).await;
    v2.assert_all_sent();
    let h1 = &collected.inventory.v2_apis[0];
    assert_eq!(h1.authorizers, Err(DENIED.into()));
    assert!(h1.routes.is_ok() && h1.stages.is_ok() && h1.integrations.is_ok());
    assert!(collected.inventory.v2_apis[1].authorizers.is_ok());
    assert_eq!(collected.state(), CollectionState::Partial);
    assert_eq!(collected.error().as_deref(), Some(DENIED));
}

#[tokio::test]
async fn v2_authorizers_are_unknown_when_the_listing_is_missing_and_routes_failed() {
    let events = vec![
        ev(
            "/v2/apis",
            None,
            200,
            r#"{"items":[{"apiId":"h9","name":"x","protocolType":"HTTP"}]}"#,
        ),
        ev("/v2/apis/h9/stages", None, 200, r#"{"items":[]}"#),
        ev("/v2/apis/h9/routes", None, 403, XML_DENIED),
        ev("/v2/apis/h9/integrations", None, 200, r#"{"items":[]}"#),
        ev("/v2/apis/h9/authorizers", None, 404, HTML_404),
        ev("/v2/domainnames", None, 200, r#"{"items":[]}"#),
    ];
    let (v1, v2) = (ByPath::new(empty_v1()), ByPath::new(events));
    let shared = shared();
    let collected = collect(&shared, &clients(&v1, &v2)).await;
    v2.assert_all_sent();
    let h9 = &collected.inventory.v2_apis[0];
    assert_eq!(h9.routes, Err(DENIED.into()));
    let reason = h9.authorizers.as_ref().expect_err("no routes, no fallback");
    assert!(
        reason.starts_with("NotImplemented") && reason.contains("apigateway:GET"),
        "{reason}"
    );
    assert!(h9.stages.is_ok() && h9.integrations.is_ok());
}

#[tokio::test]
async fn a_failed_listing_becomes_a_list_failure_and_the_other_listings_still_arrive() {
    let v1 = ByPath::new(vec![
        ev("/restapis", Some("limit=500"), 403, XML_DENIED),
        ev(
            "/domainnames",
            Some("limit=500"),
            200,
            r#"{"item":[{"domainName":"a.example.com","securityPolicy":"TLS_1_2"}]}"#,
        ),
        ev(
            "/domainnames/a.example.com/basepathmappings",
            Some("limit=500"),
            403,
            XML_DENIED,
        ),
    ]);
    let v2 = ByPath::new(vec![
        ev("/v2/apis", None, 500, HTML_404),
        ev("/v2/domainnames", None, 403, XML_DENIED),
    ]);
    let shared = shared();
    let collected = collect(&shared, &clients(&v1, &v2)).await;
    v1.assert_all_sent();
    v2.assert_all_sent();
    let inv = &collected.inventory;
    assert!(inv.rest_apis.is_empty() && inv.v2_apis.is_empty() && inv.v2_domains.is_empty());
    assert_eq!(inv.regions, vec!["eu-west-1".to_string()]);
    let failures: Vec<(&str, &str, &str)> = inv
        .list_failures
        .iter()
        .map(|f| (f.service.as_str(), f.call.as_str(), f.region.as_str()))
        .collect();
    assert_eq!(
        failures,
        [
            ("apigateway", "apigateway:GetRestApis", "eu-west-1"),
            ("apigatewayv2", "apigatewayv2:GetApis", "eu-west-1"),
            ("apigatewayv2", "apigatewayv2:GetDomainNames", "eu-west-1"),
        ]
    );
    assert_eq!(inv.list_failures[0].reason, DENIED.into());
    assert!(
        inv.list_failures[1].reason.starts_with("NotImplemented"),
        "{}",
        inv.list_failures[1].reason
    );
    assert_eq!(
        inv.rest_domains.len(),
        1,
        "domains are listed apart from the APIs"
    );
    assert_eq!(
        inv.rest_domains[0].security_policy.as_deref(),
        Some("TLS_1_2")
    );
    assert_eq!(inv.rest_domains[0].base_path_mappings, Err(DENIED.into()));
    assert_eq!(collected.state(), CollectionState::Failed);
    assert_eq!(collected.failures.len(), 4);
}

#[test]
fn collect_can_run_on_a_spawned_task() {
    fn assert_send<T: Send>(_: &T) {}
    let shared = shared();
    let none = ByPath::default();
    let clients = clients(&none, &none);
    let future = collect(&shared, &clients);
    assert_send(&future);
}
