//! The graphql area on recorded AppSync exchanges: what the emulator does not serve (data
//! sources, resolvers, pipeline functions, introspection, query limits, WAF) as AWS answers
//! it, every page followed, one ListResolvers per object type, the keys' values dropped.

use super::*;
use crate::aws::fake::*;
use crate::domain::inventory::Role;

const KEY_VALUE: &str = "da2-k7q2mzv3xdbnhjw5fylr4tcgse";

fn api_arn(id: &str) -> String {
    format!("arn:aws:appsync:{REGION}:{ACCOUNT}:apis/{id}")
}

fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/{name}")
}

fn shop_json() -> String {
    format!(
        r#"{{"apiId":"shop1","name":"shop","arn":"{}","authenticationType":"API_KEY",
        "additionalAuthenticationProviders":[{{"authenticationType":"AMAZON_COGNITO_USER_POOLS",
          "userPoolConfig":{{"userPoolId":"eu-west-1_Shop","awsRegion":"eu-west-1"}}}}],
        "logConfig":{{"fieldLogLevel":"NONE","cloudWatchLogsRoleArn":"{}"}},
        "visibility":"GLOBAL","introspectionConfig":"ENABLED","queryDepthLimit":0,
        "resolverCountLimit":0,"xrayEnabled":false}}"#,
        api_arn("shop1"),
        role_arn("appsync-logs")
    )
}

fn admin_json() -> String {
    format!(
        r#"{{"apiId":"admin1","name":"admin","arn":"{}","authenticationType":"AWS_IAM",
        "logConfig":{{"fieldLogLevel":"ERROR","cloudWatchLogsRoleArn":"{}"}},
        "wafWebAclArn":"arn:aws:wafv2:{REGION}:{ACCOUNT}:regional/webacl/api/1",
        "visibility":"PRIVATE","introspectionConfig":"DISABLED","queryDepthLimit":5,
        "resolverCountLimit":100}}"#,
        api_arn("admin1"),
        role_arn("appsync-logs")
    )
}

/// `shop` on the first page, `admin` on the second. `shop` has a long-lived key, a Lambda
/// data source, a unit and a pipeline resolver; `admin`'s types cannot be listed.
fn route(s: &Seen) -> Reply {
    let path = s.path.trim_end_matches('/');
    match path {
        "/v1/apis" => match s.query("nextToken").as_deref() {
            None => Reply::json(&format!(
                r#"{{"graphqlApis":[{}],"nextToken":"p2"}}"#,
                shop_json()
            )),
            Some("p2") => Reply::json(&format!(r#"{{"graphqlApis":[{}]}}"#, admin_json())),
            Some(_) => Reply::json_error(400, "BadRequestException"),
        },
        "/v1/apis/shop1/apikeys" => Reply::json(&format!(
            r#"{{"apiKeys":[{{"id":"{KEY_VALUE}","expires":1900000000,"deletes":1905184000}}]}}"#
        )),
        "/v1/apis/admin1/apikeys" => Reply::json(r#"{"apiKeys":[]}"#),
        "/v1/apis/shop1/datasources" => Reply::json(&format!(
            r#"{{"dataSources":[{{"name":"orders","type":"AWS_LAMBDA","serviceRoleArn":"{}",
              "lambdaConfig":{{"lambdaFunctionArn":"arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders"}}}},
              {{"name":"stock","type":"AMAZON_DYNAMODB"}}]}}"#,
            role_arn("appsync-orders")
        )),
        "/v1/apis/admin1/datasources" => Reply::json(r#"{"dataSources":[]}"#),
        "/v1/apis/shop1/functions" => Reply::json(
            r#"{"functions":[{"functionId":"f1","name":"charge","dataSourceName":"orders",
              "code":"export function request(ctx) { return { operation: 'Invoke', payload: ctx.args }; }"}]}"#,
        ),
        "/v1/apis/admin1/functions" => Reply::json(r#"{"functions":[]}"#),
        "/v1/apis/shop1/types" => {
            assert_eq!(s.query("format").as_deref(), Some("SDL"));
            match s.query("nextToken").as_deref() {
                None => Reply::json(
                    r#"{"types":[{"name":"Query","definition":"type Query { order(id: ID!): Order }","format":"SDL"},
                      {"name":"OrderInput","definition":"input OrderInput { id: ID! }","format":"SDL"}],"nextToken":"t2"}"#,
                ),
                _ => Reply::json(
                    r#"{"types":[{"name":"Mutation","definition":"\"\"\"Writes\"\"\"\ntype Mutation { checkout: Order }","format":"SDL"},
                      {"name":"Status","definition":"enum Status { OPEN }","format":"SDL"}]}"#,
                ),
            }
        }
        "/v1/apis/admin1/types" => Reply::json_error(404, "NotFoundException"),
        "/v1/apis/shop1/types/Query/resolvers" => Reply::json(
            r#"{"resolvers":[{"typeName":"Query","fieldName":"order","dataSourceName":"orders","kind":"UNIT",
              "requestMappingTemplate":"{\"version\":\"2018-05-29\",\"operation\":\"Invoke\",\"payload\":$util.toJson($ctx.args)}"}]}"#,
        ),
        "/v1/apis/shop1/types/Mutation/resolvers" => Reply::json(
            r#"{"resolvers":[{"typeName":"Mutation","fieldName":"checkout","kind":"PIPELINE",
              "pipelineConfig":{"functions":["f1"]},"code":"export function request(ctx) { return {}; }"}]}"#,
        ),
        other => panic!("unexpected request {other}"),
    }
}

fn known_roles() -> Inventory {
    let mut current = Inventory::default();
    let arn = role_arn("appsync-orders");
    current.roles.insert(
        arn.clone(),
        Arc::new(Ok(Role {
            arn,
            name: "appsync-orders".into(),
            policies: Vec::new(),
        })),
    );
    current
}

#[tokio::test]
async fn reads_every_listing_under_each_api_and_drops_the_keys() {
    let router = Router::new(route);
    let config = sdk_config(router.clone(), REGION);
    let shared = shared(&config);
    let collected = collect(&shared, &region_clients(&config, REGION), &known_roles()).await;
    let apis = &collected.inventory.graphql_apis;
    assert_eq!(apis.len(), 2, "both pages");

    let shop = &apis[0];
    assert_eq!(shop.region, REGION);
    assert_eq!(shop.arn, api_arn("shop1"));
    let kinds: Vec<&str> = shop.auth.iter().map(|a| a.kind.as_str()).collect();
    assert_eq!(kinds, ["API_KEY", "AMAZON_COGNITO_USER_POOLS"]);
    assert_eq!(
        shop.auth[1].user_pool,
        Some(PoolRef {
            id: "eu-west-1_Shop".into(),
            region: "eu-west-1".into()
        })
    );
    assert_eq!(shop.field_log_level, Some(FieldLogLevel::None));
    assert_eq!(shop.visibility, GraphqlVisibility::Global);
    assert_eq!(shop.waf_web_acl_arn, None);
    assert_eq!(shop.introspection, Some(Introspection::Enabled));
    assert_eq!(
        (shop.query_depth_limit, shop.resolver_count_limit),
        (Some(0), Some(0))
    );
    assert_eq!(shop.api_keys, Ok(vec![1_900_000_000]));
    let sources = shop.data_sources.as_ref().expect("data sources");
    assert_eq!(
        sources[0].function_arn.as_deref(),
        Some(format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:orders").as_str())
    );
    let resolvers = shop.resolvers.as_ref().expect("resolvers");
    let fields: Vec<String> = resolvers
        .iter()
        .map(|r| format!("{}.{}", r.type_name, r.field_name))
        .collect();
    assert_eq!(fields, ["Query.order", "Mutation.checkout"]);
    assert_eq!(resolvers[1].pipeline, ["f1"]);
    assert!(resolvers[0].code.request_template.is_some());
    let functions = shop.functions.as_ref().expect("functions");
    assert_eq!(functions[0].data_source.as_deref(), Some("orders"));
    let joined: Vec<String> = crate::domain::graphql::lambda_resolvers(shop)
        .into_iter()
        .map(|r| r.field)
        .collect();
    assert_eq!(joined, ["Query.order", "Mutation.checkout"]);

    let admin = &apis[1];
    assert_eq!(admin.visibility, GraphqlVisibility::Private);
    assert!(admin.waf_web_acl_arn.is_some());
    assert_eq!(admin.introspection, Some(Introspection::Disabled));
    assert_eq!(admin.query_depth_limit, Some(5));
    assert!(
        admin.resolvers.is_err(),
        "ListTypes failed: resolvers unknown"
    );
    assert_eq!(admin.api_keys, Ok(vec![]));

    // One ListResolvers per object type: not for the input or the enum.
    let resolver_calls: Vec<String> = router
        .requests()
        .iter()
        .filter(|s| s.path.ends_with("/resolvers"))
        .map(|s| s.path.clone())
        .collect();
    assert_eq!(
        resolver_calls,
        [
            "/v1/apis/shop1/types/Query/resolvers",
            "/v1/apis/shop1/types/Mutation/resolvers"
        ]
    );
    // The service role was already read: no IAM request.
    assert_eq!(router.count(|s| s.action().is_some()), 0);
    assert_eq!(collected.failures.len(), 1, "admin's ListTypes");
    assert!(
        !format!("{:?}", collected.inventory).contains(KEY_VALUE),
        "an API key's value is never kept"
    );
}

#[tokio::test]
async fn a_denied_listing_fails_the_area_and_reads_nothing_under_it() {
    let router = Router::new(|s: &Seen| match s.path.trim_end_matches('/') {
        "/v1/apis" => Reply::json_error(403, "AccessDeniedException"),
        other => panic!("unexpected request {other}"),
    });
    let config = sdk_config(router.clone(), REGION);
    let shared = shared(&config);
    let collected = collect(
        &shared,
        &region_clients(&config, REGION),
        &Inventory::default(),
    )
    .await;
    assert!(collected.inventory.graphql_apis.is_empty());
    let failures = &collected.inventory.list_failures;
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].service, Service::AppSync);
    assert_eq!(failures[0].area, Area::Graphql);
    assert_eq!(router.requests().len(), 1);
}

#[test]
fn an_answer_without_introspection_config_leaves_the_limits_unsaid() {
    let listed: aws_sdk_appsync::types::GraphqlApi = aws_sdk_appsync::types::GraphqlApi::builder()
        .api_id("old")
        .name("old")
        .authentication_type(aws_sdk_appsync::types::AuthenticationType::ApiKey)
        .build();
    let api = api_of(listed);
    assert_eq!(api.introspection, None);
    assert_eq!(
        (api.query_depth_limit, api.resolver_count_limit),
        (None, None)
    );
    assert_eq!(api.field_log_level, None, "no logConfig");
    assert_eq!(api.visibility, GraphqlVisibility::default());
}

#[test]
fn only_object_types_hold_resolvers() {
    assert!(holds_resolvers("type Query { a: Int }"));
    assert!(holds_resolvers(
        "\"\"\"Docs\"\"\"\ntype Mutation { a: Int }"
    ));
    assert!(holds_resolvers("\"Docs\" type Order { a: Int }"));
    assert!(holds_resolvers("type Order@aws_iam { a: Int }"));
    assert!(!holds_resolvers("input OrderInput { a: Int }"));
    assert!(!holds_resolvers("enum Status { OPEN }"));
    assert!(!holds_resolvers("scalar AWSDateTime"));
    assert!(!holds_resolvers("interface Node { id: ID! }"));
    assert!(!holds_resolvers("union Result = A | B"));
}
