//! Unit tests of the AppSync checks: pass, fail, unknown and not_applicable per check, and the
//! traps: an API key as an additional provider counts, a PRIVATE API is not public, a pool
//! whose sign-up is admin-only does not make an API public.

use std::sync::Arc;

use super::*;
use crate::domain::failure::Failure;
use crate::domain::finding::Status;
use crate::domain::inventory::{
    DataSource, GraphqlAuth, PipelineFunction, PoolRef, Resolver, UserPool,
};

const ACCOUNT: &str = "111122223333";
const NOW: i64 = 1_800_000_000;
const DAY: i64 = 86_400;

fn auth(kind: GraphqlAuthType) -> GraphqlAuth {
    let user_pool = (kind == GraphqlAuthType::UserPools).then(|| PoolRef {
        id: "us-east-1_open".into(),
        region: "us-east-1".into(),
    });
    GraphqlAuth { kind, user_pool }
}

fn pool_auth(id: &str) -> GraphqlAuth {
    GraphqlAuth {
        kind: GraphqlAuthType::UserPools,
        user_pool: Some(PoolRef {
            id: id.into(),
            region: "us-east-1".into(),
        }),
    }
}

/// A public, well-configured API: API_KEY default, logging ERROR, WAF, introspection off,
/// limits set, one short-lived key, no resolvers.
fn api(name: &str) -> GraphqlApi {
    GraphqlApi {
        arn: format!("arn:aws:appsync:us-east-1:{ACCOUNT}:apis/{name}"),
        api_id: name.into(),
        name: name.into(),
        region: "us-east-1".into(),
        visibility: GraphqlVisibility::Global,
        auth: vec![auth(GraphqlAuthType::ApiKey)],
        field_log_level: Some(FieldLogLevel::Error),
        waf_web_acl_arn: Some("arn:aws:wafv2:us-east-1:111122223333:regional/webacl/api/1".into()),
        introspection: Some(Introspection::Disabled),
        query_depth_limit: Some(10),
        resolver_count_limit: Some(0),
        api_keys: Ok(vec![NOW + 30 * DAY]),
        data_sources: Ok(vec![]),
        resolvers: Ok(vec![]),
        functions: Ok(vec![]),
    }
}

fn pool(id: &str, self_signup: Result<bool, Failure>) -> Arc<UserPool> {
    Arc::new(UserPool {
        id: id.into(),
        arn: format!("arn:aws:cognito-idp:us-east-1:{ACCOUNT}:userpool/{id}"),
        name: id.into(),
        region: "us-east-1".into(),
        self_signup,
    })
}

fn inventory(apis: Vec<GraphqlApi>) -> Inventory {
    Inventory {
        account_id: ACCOUNT.into(),
        regions: vec!["us-east-1".into()],
        graphql_apis: apis.into_iter().map(Arc::new).collect(),
        user_pools: vec![
            pool("us-east-1_open", Ok(true)),
            pool("us-east-1_admins", Ok(false)),
            pool(
                "us-east-1_denied",
                Err(Failure::parse("AccessDenied: DescribeUserPool")),
            ),
        ],
        ..Inventory::default()
    }
}

fn statuses(id: &str, inv: &Inventory) -> Vec<(String, Status)> {
    let def = CHECKS.iter().find(|c| c.id == id).expect("the check");
    let now = time::OffsetDateTime::from_unix_timestamp(NOW).expect("a time");
    (def.evaluate)(def, inv, &Context::new(now))
        .into_iter()
        .map(|f| (f.resource_name.to_string(), f.status))
        .collect()
}

fn named(pairs: &[(&str, Status)]) -> Vec<(String, Status)> {
    pairs.iter().map(|(n, s)| (n.to_string(), *s)).collect()
}

#[test]
fn api_key_auth_counts_an_additional_provider() {
    let mut additional = api("additional");
    additional.auth = vec![auth(GraphqlAuthType::Iam), auth(GraphqlAuthType::ApiKey)];
    let mut iam = api("iam");
    iam.auth = vec![auth(GraphqlAuthType::Iam), pool_auth("us-east-1_open")];
    let mut none = api("none");
    none.auth = vec![];
    let inv = inventory(vec![api("default"), additional, iam, none]);
    assert_eq!(
        statuses("appsync.api-key-auth", &inv),
        named(&[
            ("default", Status::Fail),
            ("additional", Status::Fail),
            ("iam", Status::Pass),
            ("none", Status::Unknown),
        ])
    );
}

#[test]
fn api_key_lifetime_is_measured_from_the_scan() {
    let mut long = api("long");
    long.api_keys = Ok(vec![NOW + 10 * DAY, NOW + 365 * DAY]);
    let mut edge = api("edge");
    edge.api_keys = Ok(vec![NOW + 90 * DAY]);
    let mut keyless = api("keyless");
    keyless.api_keys = Ok(vec![]);
    let mut denied = api("denied");
    denied.api_keys = Err(Failure::parse("AccessDenied: appsync:ListApiKeys"));
    let inv = inventory(vec![api("short"), long, edge, keyless, denied]);
    assert_eq!(
        statuses("appsync.api-key-long-lived", &inv),
        named(&[
            ("short", Status::Pass),
            ("long", Status::Fail),
            ("edge", Status::Pass),
            ("keyless", Status::NotApplicable),
            ("denied", Status::Unknown),
        ])
    );
}

#[test]
fn field_logging_absent_none_and_unknown_levels() {
    let mut absent = api("absent");
    absent.field_log_level = None;
    let mut none = api("none");
    none.field_log_level = Some(FieldLogLevel::None);
    let mut newer = api("newer");
    newer.field_log_level = Some(FieldLogLevel::parse("VERBOSE"));
    let inv = inventory(vec![api("logged"), absent, none, newer]);
    assert_eq!(
        statuses("appsync.field-logging-off", &inv),
        named(&[
            ("logged", Status::Pass),
            ("absent", Status::Fail),
            ("none", Status::Fail),
            ("newer", Status::Unknown),
        ])
    );
}

#[test]
fn waf_is_asked_of_global_apis_only() {
    let mut bare = api("bare");
    bare.waf_web_acl_arn = None;
    let mut private = api("private");
    private.visibility = GraphqlVisibility::Private;
    private.waf_web_acl_arn = None;
    let mut default = api("default");
    default.visibility = GraphqlVisibility::default();
    default.waf_web_acl_arn = None;
    let mut odd = api("odd");
    odd.visibility = GraphqlVisibility::parse("REGIONAL");
    let inv = inventory(vec![api("screened"), bare, private, default, odd]);
    assert_eq!(
        statuses("appsync.no-waf", &inv),
        named(&[
            ("screened", Status::Pass),
            ("bare", Status::Fail),
            ("private", Status::NotApplicable),
            ("default", Status::Fail),
            ("odd", Status::Unknown),
        ])
    );
}

#[test]
fn introspection_on_public_apis_only() {
    let mut open = api("open");
    open.introspection = Some(Introspection::Enabled);
    // PRIVATE is not public, whatever its auth.
    let mut private = api("private");
    private.visibility = GraphqlVisibility::Private;
    private.introspection = Some(Introspection::Enabled);
    // A pool anyone can sign up to makes an API public ...
    let mut signup = api("signup");
    signup.auth = vec![pool_auth("us-east-1_open")];
    signup.introspection = Some(Introspection::Enabled);
    // ... one whose sign-up is admin-only does not.
    let mut admins = api("admins");
    admins.auth = vec![pool_auth("us-east-1_admins")];
    admins.introspection = Some(Introspection::Enabled);
    let mut iam = api("iam");
    iam.auth = vec![auth(GraphqlAuthType::Iam)];
    // A pool not collected, or not readable: exposure unknown.
    let mut unread = api("unread");
    unread.auth = vec![pool_auth("us-east-1_elsewhere")];
    let mut denied = api("denied");
    denied.auth = vec![pool_auth("us-east-1_denied")];
    // The emulator's answer: no introspectionConfig at all.
    let mut unsaid = api("unsaid");
    unsaid.introspection = None;
    let inv = inventory(vec![
        api("closed"),
        open,
        private,
        signup,
        admins,
        iam,
        unread,
        denied,
        unsaid,
    ]);
    assert_eq!(
        statuses("appsync.introspection-enabled", &inv),
        named(&[
            ("closed", Status::Pass),
            ("open", Status::Fail),
            ("private", Status::NotApplicable),
            ("signup", Status::Fail),
            ("admins", Status::NotApplicable),
            ("iam", Status::NotApplicable),
            ("unread", Status::Unknown),
            ("denied", Status::Unknown),
            ("unsaid", Status::Unknown),
        ])
    );
}

#[test]
fn query_limits_need_one_of_the_two() {
    let mut unlimited = api("unlimited");
    unlimited.query_depth_limit = Some(0);
    let mut counted = api("counted");
    counted.query_depth_limit = Some(0);
    counted.resolver_count_limit = Some(1000);
    let mut unsaid = api("unsaid");
    unsaid.query_depth_limit = None;
    unsaid.resolver_count_limit = None;
    let mut private = api("private");
    private.visibility = GraphqlVisibility::Private;
    private.query_depth_limit = Some(0);
    let inv = inventory(vec![api("deep"), unlimited, counted, unsaid, private]);
    assert_eq!(
        statuses("appsync.no-query-limits", &inv),
        named(&[
            ("deep", Status::Pass),
            ("unlimited", Status::Fail),
            ("counted", Status::Pass),
            ("unsaid", Status::Unknown),
            ("private", Status::NotApplicable),
        ])
    );
}

fn resolver(type_name: &str, field: &str, code: ResolverCode) -> Resolver {
    Resolver {
        type_name: type_name.into(),
        field_name: field.into(),
        data_source: Some("partner".into()),
        pipeline: vec![],
        code,
    }
}

#[test]
fn secrets_in_templates_code_and_pipeline_functions() {
    let leaky_template = ResolverCode {
        request_template: Some(
            "{\n  \"version\": \"2018-05-29\",\n  \"method\": \"GET\",\n  \"params\": { \"headers\": { \"x-api-key\": \"sk_live_51HcQpLKk2bX9a8dFvT0qY7mZ\" } }\n}".into(),
        ),
        ..ResolverCode::default()
    };
    let clean = ResolverCode {
        request_template: Some(
            "{\n  \"version\": \"2018-05-29\",\n  \"operation\": \"Invoke\",\n  \"payload\": $util.toJson($ctx.args)\n}".into(),
        ),
        code: Some(
            "import { util } from '@aws-appsync/utils';\nexport function request(ctx) {\n  const token = ctx.request.headers.authorization;\n  return { operation: 'Invoke', payload: { token } };\n}\n".into(),
        ),
        response_template: Some("$util.toJson($ctx.result)".into()),
    };
    let mut leaky = api("leaky");
    leaky.resolvers = Ok(vec![
        resolver("Query", "order", clean.clone()),
        resolver("Mutation", "pay", leaky_template),
    ]);
    let mut in_function = api("in-function");
    in_function.functions = Ok(vec![PipelineFunction {
        id: "fn1".into(),
        name: "callPartner".into(),
        data_source: Some("partner".into()),
        code: ResolverCode {
            code: Some(
                "export function request(ctx) {\n  const password = \"hunter2-Xq8#vLp0z9WmT4\";\n  return { method: 'POST', params: { body: { password } } };\n}\n".into(),
            ),
            ..ResolverCode::default()
        },
    }]);
    let mut clean_api = api("clean");
    clean_api.resolvers = Ok(vec![resolver("Query", "order", clean.clone())]);
    let mut unread = api("unread");
    unread.resolvers = Err(Failure::parse("NotFoundException: ListResolvers"));
    // A found credential fails even when another listing could not be read.
    let mut partly = api("partly");
    partly.resolvers = Ok(vec![resolver(
        "Mutation",
        "pay",
        ResolverCode {
            request_template: Some("{\"headers\": {\"Authorization\": \"Bearer ghp_8dF3kLq9Zx2VbN7mWc4Rt6Yp1Hs5Ju0Ae3Io\"}}".into()),
            ..ResolverCode::default()
        },
    )]);
    partly.functions = Err(Failure::parse("AccessDenied: appsync:ListFunctions"));
    let inv = inventory(vec![leaky, in_function, clean_api, unread, partly]);
    assert_eq!(
        statuses("appsync.secrets-in-resolvers", &inv),
        named(&[
            ("leaky", Status::Fail),
            ("in-function", Status::Fail),
            ("clean", Status::Pass),
            ("unread", Status::Unknown),
            ("partly", Status::Fail),
        ])
    );
    // The finding names where, never the value.
    let def = CHECKS
        .iter()
        .find(|c| c.id == "appsync.secrets-in-resolvers")
        .expect("the check");
    let now = time::OffsetDateTime::from_unix_timestamp(NOW).expect("a time");
    let findings = (def.evaluate)(def, &inv, &Context::new(now));
    let text = format!("{findings:?}");
    assert!(
        text.contains("resolver Mutation.pay request template"),
        "{text}"
    );
    assert!(
        !text.contains("sk_live_51HcQpLKk2bX9a8dFvT0qY7mZ"),
        "{text}"
    );
    assert!(!text.contains("hunter2-Xq8#vLp0z9WmT4"), "{text}");
}

#[test]
fn the_lambda_resolvers_of_unit_and_pipeline_resolvers() {
    let mut a = api("shop");
    a.data_sources = Ok(vec![
        DataSource {
            name: "orders".into(),
            kind: "AWS_LAMBDA".into(),
            function_arn: Some(format!(
                "arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders"
            )),
            service_role_arn: Some(format!("arn:aws:iam::{ACCOUNT}:role/appsync-orders")),
        },
        DataSource {
            name: "table".into(),
            kind: "AMAZON_DYNAMODB".into(),
            function_arn: None,
            service_role_arn: None,
        },
    ]);
    a.functions = Ok(vec![PipelineFunction {
        id: "f1".into(),
        name: "load".into(),
        data_source: Some("orders".into()),
        code: ResolverCode::default(),
    }]);
    a.resolvers = Ok(vec![
        Resolver {
            type_name: "Query".into(),
            field_name: "order".into(),
            data_source: Some("orders".into()),
            pipeline: vec![],
            code: ResolverCode::default(),
        },
        Resolver {
            type_name: "Query".into(),
            field_name: "stock".into(),
            data_source: Some("table".into()),
            pipeline: vec![],
            code: ResolverCode::default(),
        },
        Resolver {
            type_name: "Mutation".into(),
            field_name: "checkout".into(),
            data_source: None,
            pipeline: vec!["f1".into()],
            code: ResolverCode::default(),
        },
    ]);
    let fields: Vec<String> = crate::domain::graphql::lambda_resolvers(&a)
        .into_iter()
        .map(|r| r.field)
        .collect();
    assert_eq!(fields, vec!["Query.order", "Mutation.checkout"]);
    let inv = inventory(vec![a]);
    let orders = crate::domain::inventory::Function {
        name: "orders".into(),
        arn: format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders"),
        region: "us-east-1".into(),
        ..Default::default()
    };
    let callers: Vec<String> = crate::domain::graphql::callers_of(&inv, &orders)
        .into_iter()
        .map(|(api, field)| format!("{} {field}", api.name))
        .collect();
    assert_eq!(callers, vec!["shop Query.order", "shop Mutation.checkout"]);
}
