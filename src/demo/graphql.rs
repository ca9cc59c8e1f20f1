//! The demo's AppSync GraphQL APIs: the storefront (public through an API key that lives a
//! year, no field logging, no WAF, introspection on, no query limits, a partner's key pasted
//! into a resolver, and a resolver through the administrator legacy-export function), the catalog (public through an API key too, but everything else right),
//! and the back office (IAM, private to the VPC, logs everything).

use super::fixture::*;
use crate::domain::inventory::{
    DataSource, GraphqlApi, GraphqlAuth, PipelineFunction, PoolRef, Resolver, ResolverCode,
};
use crate::domain::values::{FieldLogLevel, GraphqlAuthType, GraphqlVisibility, Introspection};

const DAY: i64 = 86_400;

fn api_arn(region: &str, id: &str) -> String {
    format!("arn:aws:appsync:{region}:{DEMO_ACCOUNT}:apis/{id}")
}

fn auth(kind: GraphqlAuthType) -> GraphqlAuth {
    GraphqlAuth {
        kind,
        user_pool: None,
    }
}

fn lambda_source(name: &str, region: &str, function: &str) -> DataSource {
    DataSource {
        name: name.into(),
        kind: "AWS_LAMBDA".into(),
        function_arn: Some(function_arn(region, function)),
        service_role_arn: Some(role_arn("appsync-invoke-role")),
    }
}

fn resolver(type_name: &str, field: &str, source: Option<&str>, code: ResolverCode) -> Resolver {
    Resolver {
        type_name: type_name.into(),
        field_name: field.into(),
        data_source: source.map(str::to_string),
        pipeline: Vec::new(),
        code,
    }
}

fn invoke_template() -> ResolverCode {
    ResolverCode {
        request_template: Some(
            "{\n  \"version\": \"2018-05-29\",\n  \"operation\": \"Invoke\",\n  \"payload\": $util.toJson($ctx.args)\n}".into(),
        ),
        response_template: Some("$util.toJson($ctx.result)".into()),
        code: None,
    }
}

pub(super) fn graphql_apis(now: OffsetDateTime) -> Vec<GraphqlApi> {
    let now = now.unix_timestamp();
    let storefront_id = "sh0pfr0ntgq1";
    let partner_template = ResolverCode {
        request_template: Some(format!(
            "{{\n  \"version\": \"2018-05-29\",\n  \"method\": \"POST\",\n  \"resourcePath\": \"/v1/notify\",\n  \"params\": {{\n    \"headers\": {{ \"x-api-key\": \"{FAKE_PARTNER_API_KEY}\" }},\n    \"body\": $util.toJson($ctx.args)\n  }}\n}}"
        )),
        response_template: Some("$util.toJson($ctx.result.body)".into()),
        code: None,
    };
    vec![
        GraphqlApi {
            arn: api_arn(USE1, storefront_id),
            api_id: storefront_id.into(),
            name: "storefront".into(),
            region: USE1.into(),
            visibility: GraphqlVisibility::Global,
            auth: vec![
                auth(GraphqlAuthType::ApiKey),
                GraphqlAuth {
                    kind: GraphqlAuthType::UserPools,
                    user_pool: Some(PoolRef {
                        id: format!("{USE1}_Sh0pUs3rs"),
                        region: USE1.into(),
                    }),
                },
            ],
            field_log_level: None,
            waf_web_acl_arn: None,
            introspection: Some(Introspection::Enabled),
            query_depth_limit: Some(0),
            resolver_count_limit: Some(0),
            api_keys: Ok(vec![now + 365 * DAY]),
            data_sources: Ok(vec![
                lambda_source("orders", USE1, "orders-get"),
                lambda_source("checkout", USE1, "orders-create"),
                // The old CSV export, still wired to an administrator role.
                lambda_source("legacy", USE1, "legacy-export"),
                DataSource {
                    name: "partner".into(),
                    kind: "HTTP".into(),
                    function_arn: None,
                    service_role_arn: None,
                },
            ]),
            resolvers: Ok(vec![
                resolver("Query", "order", Some("orders"), invoke_template()),
                resolver("Query", "orders", Some("orders"), invoke_template()),
                resolver("Query", "exportOrders", Some("legacy"), invoke_template()),
                Resolver {
                    pipeline: vec!["fn-validate".into(), "fn-create".into()],
                    ..resolver("Mutation", "checkout", None, ResolverCode::default())
                },
                resolver("Mutation", "notifyPartner", Some("partner"), partner_template),
            ]),
            functions: Ok(vec![
                PipelineFunction {
                    id: "fn-validate".into(),
                    name: "validateCart".into(),
                    data_source: None,
                    code: ResolverCode {
                        code: Some(
                            "export function request(ctx) {\n  if (!ctx.args.items?.length) util.error('empty cart');\n  return {};\n}\nexport function response(ctx) { return ctx.prev.result; }\n".into(),
                        ),
                        ..ResolverCode::default()
                    },
                },
                PipelineFunction {
                    id: "fn-create".into(),
                    name: "createOrder".into(),
                    data_source: Some("checkout".into()),
                    code: invoke_template(),
                },
            ]),
        },
        GraphqlApi {
            arn: api_arn(EUW1, "cat4l0gq1"),
            api_id: "cat4l0gq1".into(),
            name: "catalog".into(),
            region: EUW1.into(),
            visibility: GraphqlVisibility::Global,
            auth: vec![auth(GraphqlAuthType::ApiKey)],
            field_log_level: Some(FieldLogLevel::Error),
            waf_web_acl_arn: Some(format!(
                "arn:aws:wafv2:{EUW1}:{DEMO_ACCOUNT}:regional/webacl/catalog-rate-limit/5e1f2a3b"
            )),
            introspection: Some(Introspection::Disabled),
            query_depth_limit: Some(6),
            resolver_count_limit: Some(200),
            api_keys: Ok(vec![now + 30 * DAY]),
            data_sources: Ok(vec![DataSource {
                name: "stock".into(),
                kind: "AMAZON_DYNAMODB".into(),
                function_arn: None,
                service_role_arn: None,
            }]),
            resolvers: Ok(vec![resolver(
                "Query",
                "stock",
                Some("stock"),
                ResolverCode {
                    code: Some(
                        "import * as ddb from '@aws-appsync/utils/dynamodb';\nexport function request(ctx) { return ddb.get({ key: { sku: ctx.args.sku } }); }\nexport function response(ctx) { return ctx.result; }\n".into(),
                    ),
                    ..ResolverCode::default()
                },
            )]),
            functions: Ok(Vec::new()),
        },
        GraphqlApi {
            arn: api_arn(USE1, "b4ck0ff1ce"),
            api_id: "b4ck0ff1ce".into(),
            name: "backoffice".into(),
            region: USE1.into(),
            visibility: GraphqlVisibility::Private,
            auth: vec![auth(GraphqlAuthType::Iam)],
            field_log_level: Some(FieldLogLevel::All),
            waf_web_acl_arn: None,
            introspection: Some(Introspection::Enabled),
            query_depth_limit: Some(0),
            resolver_count_limit: Some(0),
            api_keys: Ok(Vec::new()),
            data_sources: Ok(vec![lambda_source("refunds", USE1, "payments-refund")]),
            resolvers: Ok(vec![resolver(
                "Mutation",
                "refund",
                Some("refunds"),
                invoke_template(),
            )]),
            functions: Ok(Vec::new()),
        },
    ]
}

pub(super) fn roles() -> Vec<(String, Fetched<Role>)> {
    use super::iam::{inline, role};
    vec![role(
        "appsync-invoke-role",
        vec![inline(
            "invoke",
            &[format!(
                r#"{{"Sid":"Resolvers","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":["{}","{}","{}","{}"]}}"#,
                function_arn(USE1, "orders-get"),
                function_arn(USE1, "orders-create"),
                function_arn(USE1, "legacy-export"),
                function_arn(USE1, "payments-refund"),
            )],
        )],
    )]
}
