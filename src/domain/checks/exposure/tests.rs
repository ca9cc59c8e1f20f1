use super::*;
use crate::domain::arn::{FunctionRef, function_ref, uri_targets};
use crate::domain::entry_points::{EntryKind, collection_gaps, unauthenticated_entry_points};
use crate::domain::finding::Status;
use crate::domain::inventory::{
    Authorizer, FunctionUrl, Integration, ListFailure, RestMethod, RestResource, RestStage, Role,
    RolePolicy, Route, V2Stage,
};
use crate::domain::inventory::{Function, RestApi, V2Api};
use serde_json::json;
use std::sync::Arc;
use time::macros::datetime;

const ACCT: &str = "111122223333";
const REGION: &str = "us-east-1";

fn arn(name: &str) -> String {
    format!("arn:aws:lambda:{REGION}:{ACCT}:function:{name}")
}

fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCT}:role/{name}")
}

fn func(name: &str) -> Function {
    Function {
        name: name.into(),
        arn: arn(name),
        region: REGION.into(),
        role_arn: role_arn(&format!("{name}-role")),
        ..Default::default()
    }
}

fn apigw_uri(name: &str) -> String {
    format!(
        "arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{}/invocations",
        arn(name)
    )
}

fn method(verb: &str, auth: &str, target: &str) -> RestMethod {
    RestMethod {
        http_method: verb.into(),
        authorization_type: auth.into(),
        integration_uri: Some(apigw_uri(target)),
        ..Default::default()
    }
}

fn rest_api(endpoint: &str, methods: Vec<RestMethod>) -> RestApi {
    RestApi {
        id: "a1b2c3".into(),
        name: "orders-api".into(),
        region: REGION.into(),
        endpoint_type: endpoint.into(),
        resources: Ok(vec![RestResource {
            id: "res1".into(),
            path: "/orders".into(),
            methods,
        }]),
        stages: Ok(vec![RestStage {
            name: "prod".into(),
            ..Default::default()
        }]),
        ..Default::default()
    }
}

fn v2_api(protocol: &str, routes: Vec<Route>, integrations: Vec<Integration>) -> V2Api {
    V2Api {
        id: "h1".into(),
        name: "shop-http".into(),
        region: REGION.into(),
        protocol: protocol.into(),
        routes: Ok(routes),
        integrations: Ok(integrations),
        stages: Ok(vec![V2Stage {
            name: "$default".into(),
            ..Default::default()
        }]),
        ..Default::default()
    }
}

fn route(id: &str, key: &str, auth: &str, integration: &str) -> Route {
    Route {
        id: id.into(),
        route_key: key.into(),
        authorization_type: auth.into(),
        target: Some(format!("integrations/{integration}")),
        ..Default::default()
    }
}

fn integration(id: &str, uri: String) -> Integration {
    Integration {
        id: id.into(),
        integration_type: "AWS_PROXY".into(),
        uri: Some(uri),
        ..Default::default()
    }
}

fn inv(functions: Vec<Function>) -> Inventory {
    Inventory {
        account_id: ACCT.into(),
        regions: vec![REGION.into()],
        functions: functions.into_iter().map(Arc::new).collect(),
        ..Default::default()
    }
}

fn descriptions(inventory: &Inventory) -> Vec<String> {
    unauthenticated_entry_points(inventory)
        .into_iter()
        .map(|e| e.description)
        .collect()
}

// ─── ARN matching ───

#[test]
fn function_ref_parses_arns_and_integration_uris() {
    let want = |q: Option<&str>| FunctionRef {
        region: REGION.into(),
        account: ACCT.into(),
        name: "orders".into(),
        qualifier: q.map(str::to_string),
    };
    assert_eq!(function_ref(&arn("orders")), Some(want(None)));
    assert_eq!(function_ref(&apigw_uri("orders")), Some(want(None)));
    assert_eq!(
        function_ref(&format!("{}:live", arn("orders"))),
        Some(want(Some("live")))
    );
    let with_alias = format!(
        "arn:aws:apigateway:{REGION}:lambda:path/2015-03-31/functions/{}:${{stageVariables.alias}}/invocations",
        arn("orders")
    );
    assert_eq!(
        function_ref(&with_alias),
        Some(want(Some("${stageVariables.alias}")))
    );
    assert_eq!(function_ref("https://example.com/orders"), None);
    assert_eq!(
        function_ref("arn:aws:apigateway:us-east-1:lambda:path/x"),
        None
    );
}

#[test]
fn uri_targets_requires_the_same_function() {
    assert!(uri_targets(&apigw_uri("orders"), &arn("orders")));
    assert!(uri_targets(&format!("{}:3", arn("orders")), &arn("orders")));
    assert!(!uri_targets(&apigw_uri("orders-v2"), &arn("orders")));
    assert!(!uri_targets(&apigw_uri("orders"), &arn("order")));
    let other_account = apigw_uri("orders").replace(ACCT, "444455556666");
    assert!(!uri_targets(&other_account, &arn("orders")));
    let other_region = arn("orders").replace(REGION, "eu-west-1");
    assert!(!uri_targets(&other_region, &arn("orders")));
    assert!(!uri_targets(
        "http://backend.internal/orders",
        &arn("orders")
    ));
}

// ─── entry points ───

#[test]
fn function_url_and_public_policy_are_entries() {
    let mut f = func("orders");
    f.url = Ok(Some(FunctionUrl {
        url: "https://abc.lambda-url.us-east-1.on.aws/".into(),
        auth_type: "NONE".into(),
        ..Default::default()
    }));
    f.policy = Ok(Some(
        json!({"Statement": [{"Sid": "pub", "Effect": "Allow", "Principal": "*",
            "Action": "lambda:InvokeFunctionUrl",
            "Condition": {"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}}]})
        .to_string(),
    ));
    let entries = unauthenticated_entry_points(&inv(vec![f]));
    let kinds: Vec<EntryKind> = entries.iter().map(|e| e.kind).collect();
    assert_eq!(kinds, [EntryKind::FunctionUrl, EntryKind::ResourcePolicy]);
    assert!(entries[1].close_cli.contains("--statement-id pub"));
    assert_eq!(entries[0].function_arn, arn("orders"));
    assert_eq!(entries[0].region, REGION);
}

#[test]
fn iam_url_is_not_an_entry() {
    let mut f = func("orders");
    f.url = Ok(Some(FunctionUrl {
        url: "https://abc.lambda-url.us-east-1.on.aws/".into(),
        auth_type: "AWS_IAM".into(),
        ..Default::default()
    }));
    let inventory = inv(vec![f]);
    assert!(descriptions(&inventory).is_empty());
    assert!(collection_gaps(&inventory, &inventory.functions[0]).is_empty());
}

#[test]
fn rest_methods_without_auth_are_entries() {
    let mut inventory = inv(vec![func("orders"), func("admin")]);
    inventory.rest_apis.push(
        rest_api(
            "REGIONAL",
            vec![
                method("POST", "NONE", "orders"),
                method("OPTIONS", "NONE", "orders"),
                method("GET", "AWS_IAM", "orders"),
                RestMethod {
                    api_key_required: true,
                    ..method("PUT", "NONE", "orders")
                },
                method("DELETE", "COGNITO_USER_POOLS", "admin"),
            ],
        )
        .into(),
    );
    assert_eq!(
        descriptions(&inventory),
        [
            "REST orders-api POST /orders (NONE)",
            "REST orders-api PUT /orders (NONE, API key only)"
        ]
    );
    let e = &unauthenticated_entry_points(&inventory)[0];
    assert!(e.via.contains(&apigw_uri("orders")));
    assert!(
        e.close_cli
            .contains("--rest-api-id a1b2c3 --resource-id res1 --http-method POST")
    );
}

#[test]
fn undeployed_private_or_denied_rest_apis_are_not_entries() {
    let mut undeployed = rest_api("REGIONAL", vec![method("POST", "NONE", "orders")]);
    undeployed.stages = Ok(vec![]);
    let mut private = rest_api("PRIVATE", vec![method("POST", "NONE", "orders")]);
    private.id = "p1".into();
    let mut private_vpce = private.clone();
    private_vpce.policy = Some(
        json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "execute-api:Invoke",
            "Resource": "execute-api:/*",
            "Condition": {"StringEquals": {"aws:SourceVpce": "vpce-123"}}}]})
        .to_string(),
    );
    let mut denied = rest_api("EDGE", vec![method("POST", "NONE", "orders")]);
    denied.policy = Some(
        json!({"Statement": [{"Effect": "Deny", "Principal": "*", "Action": "execute-api:Invoke",
            "Resource": "execute-api:/*"}]})
        .to_string(),
    );
    for api in [undeployed, private, private_vpce, denied] {
        let mut inventory = inv(vec![func("orders")]);
        let label = format!("{} {:?}", api.endpoint_type, api.policy);
        inventory.rest_apis.push(api.into());
        assert!(descriptions(&inventory).is_empty(), "{label}");
        assert!(
            collection_gaps(&inventory, &inventory.functions[0]).is_empty(),
            "{label}"
        );
    }
}

#[test]
fn private_api_open_to_anyone_is_an_entry() {
    let mut api = rest_api("PRIVATE", vec![method("POST", "NONE", "orders")]);
    // JSON-encoded string, as GetRestApis returns the policy.
    let doc = json!({"Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"},
        "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}]});
    api.policy = Some(serde_json::Value::String(doc.to_string()).to_string());
    let mut inventory = inv(vec![func("orders")]);
    inventory.rest_apis.push(api.into());
    assert_eq!(
        descriptions(&inventory),
        ["REST orders-api POST /orders (NONE)"]
    );
}

#[test]
fn rest_and_route_joins_judge_auth_and_policies_like_the_gateway_checks() {
    // A missing authorization type is NONE, as apigw.method-no-auth reads it.
    let mut inventory = inv(vec![func("orders")]);
    inventory
        .rest_apis
        .push(rest_api("REGIONAL", vec![method("POST", "", "orders")]).into());
    assert_eq!(
        descriptions(&inventory),
        ["REST orders-api POST /orders (NONE)"]
    );

    let mut inventory = inv(vec![func("orders")]);
    inventory.v2_apis.push(
        v2_api(
            "HTTP",
            vec![route("r1", "POST /orders", "", "i1")],
            vec![integration("i1", arn("orders"))],
        )
        .into(),
    );
    assert_eq!(descriptions(&inventory).len(), 1);

    // A private API whose only condition does not pin VPC endpoints is open (the same
    // policy fails apigw.private-api-open-policy).
    for condition in [
        json!({"StringNotEquals": {"aws:SourceVpce": "vpce-123"}}),
        json!({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-123"}}),
        json!({"StringLike": {"aws:SourceVpce": "vpce-*"}}),
    ] {
        let mut api = rest_api("PRIVATE", vec![method("POST", "NONE", "orders")]);
        api.policy = Some(
            json!({"Statement": [{"Effect": "Allow", "Principal": "*",
                "Action": "execute-api:Invoke", "Resource": "execute-api:/*",
                "Condition": condition}]})
            .to_string(),
        );
        let mut inventory = inv(vec![func("orders")]);
        inventory.rest_apis.push(api.into());
        assert_eq!(descriptions(&inventory).len(), 1, "{condition}");
    }

    // A public API whose policy allows one account only: API Gateway denies everyone
    // else's unauthenticated calls.
    let mut api = rest_api("REGIONAL", vec![method("POST", "NONE", "orders")]);
    api.policy = Some(
        json!({"Statement": [{"Effect": "Allow",
            "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
            "Action": "execute-api:Invoke", "Resource": "execute-api:/*"}]})
        .to_string(),
    );
    let mut inventory = inv(vec![func("orders")]);
    inventory.rest_apis.push(api.clone().into());
    assert!(descriptions(&inventory).is_empty());
    // … and an unparsable policy is a gap, not a verdict.
    api.policy = Some("{not json".into());
    let mut inventory = inv(vec![func("orders")]);
    inventory.rest_apis.push(api.into());
    assert!(descriptions(&inventory).is_empty());
    let gaps = collection_gaps(&inventory, &inventory.functions[0]);
    assert!(
        gaps.iter().any(|g| g.contains("resource policy")),
        "{gaps:?}"
    );
}

#[test]
fn rest_authorizer_function_is_reachable_when_used() {
    let mut inventory = inv(vec![func("orders"), func("authz")]);
    let mut api = rest_api(
        "REGIONAL",
        vec![RestMethod {
            authorizer_id: Some("au1".into()),
            ..method("POST", "CUSTOM", "orders")
        }],
    );
    api.authorizers = Ok(vec![
        Authorizer {
            id: "au1".into(),
            name: "token-check".into(),
            authorizer_type: "TOKEN".into(),
            authorizer_uri: Some(apigw_uri("authz")),
            ..Default::default()
        },
        Authorizer {
            id: "unused".into(),
            name: "old".into(),
            authorizer_type: "TOKEN".into(),
            authorizer_uri: Some(apigw_uri("orders")),
            ..Default::default()
        },
    ]);
    inventory.rest_apis.push(api.into());
    let entries = unauthenticated_entry_points(&inventory);
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].kind, EntryKind::Authorizer);
    assert_eq!(entries[0].function_arn, arn("authz"));
    assert_eq!(
        entries[0].description,
        "REST orders-api authorizer token-check (runs for every caller)"
    );
}

#[test]
fn http_routes_without_auth_are_entries() {
    let mut inventory = inv(vec![func("orders")]);
    inventory.v2_apis.push(
        v2_api(
            "HTTP",
            vec![
                route("r1", "GET /items", "NONE", "i1"),
                route("r2", "POST /items", "JWT", "i1"),
                route("r3", "$default", "NONE", "i2"),
            ],
            vec![
                integration("i1", arn("orders")),
                integration("i2", "https://backend.example.com".into()),
            ],
        )
        .into(),
    );
    assert_eq!(
        descriptions(&inventory),
        ["HTTP shop-http GET /items (NONE)"]
    );
    let e = &unauthenticated_entry_points(&inventory)[0];
    assert!(e.close_cli.contains("--api-id h1 --route-id r1"));
}

#[test]
fn websocket_open_connect_exposes_every_route() {
    let mut inventory = inv(vec![func("connect"), func("chat")]);
    let mut api = v2_api(
        "WEBSOCKET",
        vec![
            route("c", "$connect", "NONE", "ic"),
            route("m", "sendmessage", "NONE", "im"),
        ],
        vec![
            integration("ic", apigw_uri("connect")),
            integration("im", apigw_uri("chat")),
        ],
    );
    api.name = "chat-ws".into();
    inventory.v2_apis.push(api.clone().into());
    assert_eq!(
        descriptions(&inventory),
        [
            "WebSocket chat-ws $connect (NONE)",
            "WebSocket chat-ws sendmessage (after unauthenticated $connect)"
        ]
    );
    let chat = unauthenticated_entry_points(&inventory).remove(1);
    assert!(
        chat.close_cli.contains("--route-id c"),
        "closing means authorizing $connect"
    );

    // $connect with an authorizer: only the authorizer function is reachable.
    let mut guarded = api;
    guarded.routes = Ok(vec![
        Route {
            authorizer_id: Some("wa".into()),
            ..route("c", "$connect", "CUSTOM", "ic")
        },
        route("m", "sendmessage", "NONE", "im"),
    ]);
    guarded.authorizers = Ok(vec![Authorizer {
        id: "wa".into(),
        name: "ws-auth".into(),
        authorizer_type: "REQUEST".into(),
        authorizer_uri: Some(apigw_uri("connect")),
        ..Default::default()
    }]);
    inventory.v2_apis = vec![guarded.into()];
    assert_eq!(
        descriptions(&inventory),
        ["WebSocket chat-ws authorizer ws-auth (runs for every caller)"]
    );
}

#[test]
fn collection_errors_become_gaps() {
    let mut f = func("orders");
    f.policy = Err("AccessDenied: lambda:GetPolicy".into());
    f.url = Err("AccessDenied: lambda:GetFunctionUrlConfig".into());
    let mut inventory = inv(vec![f]);
    let mut broken = rest_api("REGIONAL", vec![]);
    broken.resources = Err("AccessDenied: apigateway:GET".into());
    inventory.rest_apis.push(broken.into());
    let mut no_stages = rest_api("REGIONAL", vec![method("POST", "NONE", "orders")]);
    no_stages.name = "stageless".into();
    no_stages.stages = Err("throttled".into());
    inventory.rest_apis.push(no_stages.into());
    let mut v2 = v2_api("HTTP", vec![], vec![]);
    v2.routes = Err("AccessDenied: apigateway:GET routes".into());
    inventory.v2_apis.push(v2.into());
    inventory.list_failures.push(ListFailure {
        service: Service::ApiGatewayV2,
        area: crate::domain::inventory::Area::Gateways,
        region: REGION.into(),
        call: "apigatewayv2:GetApis".into(),
        reason: "AccessDenied".into(),
    });
    let gaps = collection_gaps(&inventory, &inventory.functions[0]);
    assert_eq!(gaps.len(), 6, "{gaps:?}");
    let all = gaps.join("\n");
    for needle in [
        "GetPolicy",
        "GetFunctionUrlConfig",
        "orders-api resources",
        "stageless stages",
        "routes",
        "GetApis",
    ] {
        assert!(all.contains(needle), "{needle} in {all}");
    }
    assert!(descriptions(&inventory).is_empty());
}

#[test]
fn gaps_in_other_regions_do_not_matter() {
    let mut inventory = inv(vec![func("orders")]);
    let mut far = rest_api("REGIONAL", vec![]);
    far.region = "eu-west-1".into();
    far.resources = Err("AccessDenied".into());
    inventory.rest_apis.push(far.into());
    inventory.list_failures.push(ListFailure {
        service: Service::ApiGateway,
        area: crate::domain::inventory::Area::Gateways,
        region: "eu-west-1".into(),
        call: "apigateway:GetRestApis".into(),
        reason: "AccessDenied".into(),
    });
    assert!(collection_gaps(&inventory, &inventory.functions[0]).is_empty());
}

// ─── checks ───

fn with_role(mut inventory: Inventory, fn_name: &str, doc: serde_json::Value) -> Inventory {
    let arn = role_arn(&format!("{fn_name}-role"));
    inventory.roles.insert(
        arn.clone(),
        Ok(Role {
            arn,
            name: format!("{fn_name}-role"),
            policies: vec![RolePolicy {
                name: "main".into(),
                arn: None,
                document: Ok(doc.to_string()),
            }],
        })
        .into(),
    );
    inventory
}

fn open_orders() -> Inventory {
    let mut inventory = inv(vec![func("orders")]);
    inventory
        .rest_apis
        .push(rest_api("REGIONAL", vec![method("POST", "NONE", "orders")]).into());
    inventory
}

fn check(id: &str, inventory: &Inventory) -> Finding {
    let def = CHECKS.iter().find(|c| c.id == id).unwrap();
    let ctx = Context::new(datetime!(2026-01-15 12:00 UTC));
    let mut findings = (def.evaluate)(def, inventory, &ctx);
    assert_eq!(findings.len(), inventory.functions.len());
    findings.remove(0)
}

const PRIV: &str = "exposure.public-entry-privileged-function";
const SECRET: &str = "exposure.public-entry-secret-reader";

#[test]
fn privileged_path_fails_with_the_whole_path() {
    let inventory = with_role(
        open_orders(),
        "orders",
        json!({"Statement": [{"Effect": "Allow", "Action": "dynamodb:*", "Resource": "*"}]}),
    );
    let f = check(PRIV, &inventory);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.resource_id, arn("orders"));
    assert_eq!(f.resource_name, "orders");
    for part in [
        "REST orders-api POST /orders (NONE)",
        "methodIntegration",
        "function orders",
        "role orders-role",
        "dynamodb:*",
    ] {
        assert!(f.message.contains(part), "{part} in {}", f.message);
    }
    let fields: Vec<&str> = f.evidence.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        [
            "Entry",
            "Integration",
            "Function",
            "Role",
            "Dangerous permission"
        ]
    );
    assert!(
        f.remediation()
            .cli
            .contains("aws apigateway update-method --rest-api-id a1b2c3")
    );
    assert!(f.remediation().cli.contains("--role-name orders-role"));
    // Same function, scoped role: passes.
    let scoped = with_role(
        open_orders(),
        "orders",
        json!({"Statement": [{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "*"}]}),
    );
    assert_eq!(check(PRIV, &scoped).status, Status::Pass);
}

#[test]
fn admin_role_counts_as_privileged() {
    let inventory = with_role(
        open_orders(),
        "orders",
        json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}),
    );
    let f = check(PRIV, &inventory);
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("\"*\" on \"*\""), "{}", f.message);
    assert!(
        !f.message.contains("every action"),
        "admin named once: {}",
        f.message
    );
}

#[test]
fn function_url_path_reads_once() {
    let mut f = func("orders");
    f.url = Ok(Some(FunctionUrl {
        url: "https://abc.lambda-url.us-east-1.on.aws/".into(),
        auth_type: "NONE".into(),
        ..Default::default()
    }));
    let inventory = with_role(
        inv(vec![f]),
        "orders",
        json!({"Statement": {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}}),
    );
    let finding = check(PRIV, &inventory);
    assert_eq!(finding.status, Status::Fail);
    assert_eq!(
        finding.message.matches("lambda-url").count(),
        1,
        "{}",
        finding.message
    );
    assert!(
        finding.message.contains("iam:PassRole on \"*\""),
        "{}",
        finding.message
    );
    assert!(
        finding
            .remediation()
            .cli
            .contains("update-function-url-config --function-name orders --auth-type AWS_IAM")
    );
}

#[test]
fn unreachable_privileged_function_passes() {
    let mut inventory = inv(vec![func("orders")]);
    inventory = with_role(
        inventory,
        "orders",
        json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}}),
    );
    let f = check(PRIV, &inventory);
    assert_eq!(f.status, Status::Pass);
    assert_eq!(check(SECRET, &inventory).status, Status::Pass);
}

#[test]
fn reachable_function_with_unknown_role_is_unknown() {
    let inventory = open_orders();
    assert_eq!(check(PRIV, &inventory).status, Status::Unknown);
    let mut inventory = open_orders();
    inventory.roles.insert(
        role_arn("orders-role"),
        Err("AccessDenied: iam:GetRole".into()).into(),
    );
    let f = check(SECRET, &inventory);
    assert_eq!(f.status, Status::Unknown);
    assert!(f.message.contains("iam:GetRole"));
    let mut partly = with_role(open_orders(), "orders", json!({"Statement": []}));
    if let Some(Ok(role)) = partly
        .roles
        .get_mut(&role_arn("orders-role"))
        .map(Arc::make_mut)
    {
        role.policies.push(RolePolicy {
            name: "unread".into(),
            arn: None,
            document: Err("AccessDenied".into()),
        });
    }
    assert_eq!(check(PRIV, &partly).status, Status::Unknown);
    assert_eq!(check(SECRET, &partly).status, Status::Unknown);
}

#[test]
fn gaps_without_entries_are_unknown() {
    let mut f = func("orders");
    f.url = Err("AccessDenied".into());
    let inventory = with_role(inv(vec![f]), "orders", json!({"Statement": []}));
    assert_eq!(check(PRIV, &inventory).status, Status::Unknown);
    assert_eq!(check(SECRET, &inventory).status, Status::Unknown);
}

#[test]
fn secret_reader_path() {
    let named = format!("arn:aws:secretsmanager:{REGION}:{ACCT}:secret:prod/orders-AbCdEf");
    let inventory = with_role(
        open_orders(),
        "orders",
        json!({"Statement": [{"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": named}]}),
    );
    let f = check(SECRET, &inventory);
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains(&named), "{}", f.message);
    // A named secret is a scoped grant, not over-privilege.
    assert_eq!(check(PRIV, &inventory).status, Status::Pass);
    let no_secrets = with_role(
        open_orders(),
        "orders",
        json!({"Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]}),
    );
    assert_eq!(check(SECRET, &no_secrets).status, Status::Pass);
}
