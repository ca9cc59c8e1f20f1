//! Unit tests of exposure.public-graphql-privileged-function: a public API's resolver through
//! an administrator function fails with the path; a private API, a scoped role pass; a public
//! API whose resolvers could not be read is unknown; a privileged data source role fails.

use std::sync::Arc;

use super::*;
use crate::domain::failure::Failure;
use crate::domain::finding::Status;
use crate::domain::inventory::{
    DataSource, GraphqlApi, GraphqlAuth, Resolver, ResolverCode, Role, RolePolicy,
};
use crate::domain::values::{GraphqlAuthType, GraphqlVisibility};

const ACCOUNT: &str = "111122223333";

fn function(name: &str, role: &str) -> Arc<Function> {
    Arc::new(Function {
        name: name.into(),
        arn: format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}"),
        region: "us-east-1".into(),
        role_arn: format!("arn:aws:iam::{ACCOUNT}:role/{role}"),
        ..Default::default()
    })
}

fn role(name: &str, statement: &str) -> (String, Arc<Result<Role, Failure>>) {
    let arn = format!("arn:aws:iam::{ACCOUNT}:role/{name}");
    (
        arn.clone(),
        Arc::new(Ok(Role {
            arn,
            name: name.into(),
            policies: vec![RolePolicy {
                name: "p".into(),
                arn: None,
                document: Ok(format!(
                    r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#
                )),
            }],
        })),
    )
}

/// An API whose resolver `Query.<function>` calls each function through its own data source
/// (assumed with `service_role`).
fn api(name: &str, kind: GraphqlAuthType, functions: &[&str], service_role: &str) -> GraphqlApi {
    GraphqlApi {
        arn: format!("arn:aws:appsync:us-east-1:{ACCOUNT}:apis/{name}"),
        api_id: name.into(),
        name: name.into(),
        region: "us-east-1".into(),
        visibility: GraphqlVisibility::Global,
        auth: vec![GraphqlAuth {
            kind,
            user_pool: None,
        }],
        field_log_level: None,
        waf_web_acl_arn: None,
        introspection: None,
        query_depth_limit: None,
        resolver_count_limit: None,
        api_keys: Ok(vec![]),
        data_sources: Ok(functions
            .iter()
            .map(|f| DataSource {
                name: format!("ds-{f}"),
                kind: "AWS_LAMBDA".into(),
                function_arn: Some(format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{f}")),
                service_role_arn: Some(format!("arn:aws:iam::{ACCOUNT}:role/{service_role}")),
            })
            .collect()),
        resolvers: Ok(functions
            .iter()
            .map(|f| Resolver {
                type_name: "Query".into(),
                field_name: f.to_string(),
                data_source: Some(format!("ds-{f}")),
                pipeline: vec![],
                code: ResolverCode::default(),
            })
            .collect()),
        functions: Ok(vec![]),
    }
}

fn statuses(inv: &Inventory) -> Vec<(String, Status, String)> {
    let def = &CHECKS[0];
    let ctx = Context::new(time::OffsetDateTime::UNIX_EPOCH);
    (def.evaluate)(def, inv, &ctx)
        .into_iter()
        .map(|f| (f.resource_name.to_string(), f.status, f.message.to_string()))
        .collect()
}

fn inventory(apis: Vec<GraphqlApi>) -> Inventory {
    Inventory {
        account_id: ACCOUNT.into(),
        functions: vec![
            function("admin-fn", "admin"),
            function("scoped-fn", "scoped"),
            function("unreached-fn", "admin"),
        ],
        graphql_apis: apis.into_iter().map(Arc::new).collect(),
        roles: [
            role("admin", r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#),
            role(
                "scoped",
                r#"{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}"#,
            ),
            role(
                "invoke",
                r#"{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"*"}"#,
            ),
        ]
        .into_iter()
        .collect(),
        ..Inventory::default()
    }
}

#[test]
fn a_public_resolver_through_an_administrator_fails_with_the_path() {
    let inv = inventory(vec![api(
        "shop",
        GraphqlAuthType::ApiKey,
        &["admin-fn", "scoped-fn"],
        "invoke",
    )]);
    let got = statuses(&inv);
    assert_eq!(got[0].1, Status::Fail, "{got:?}");
    assert!(
        got[0].2.contains("GraphQL API shop")
            && got[0]
                .2
                .contains("resolver Query.admin-fn → data source ds-admin-fn")
            && got[0].2.contains("function admin-fn → role admin"),
        "{}",
        got[0].2
    );
    assert_eq!(got[1].1, Status::Pass, "a scoped role: {got:?}");
    assert_eq!(got[2].1, Status::Pass, "nothing public reaches it: {got:?}");
}

#[test]
fn private_apis_unread_resolvers_and_privileged_service_roles() {
    // IAM auth: not public, whatever the role.
    let iam = inventory(vec![api(
        "iam",
        GraphqlAuthType::Iam,
        &["admin-fn"],
        "invoke",
    )]);
    assert_eq!(statuses(&iam)[0].1, Status::Pass);
    let mut private = api("vpc", GraphqlAuthType::ApiKey, &["admin-fn"], "invoke");
    private.visibility = GraphqlVisibility::Private;
    assert_eq!(statuses(&inventory(vec![private]))[0].1, Status::Pass);
    // A public API whose resolvers could not be read: every function is undecided.
    let mut unread = api("unread", GraphqlAuthType::ApiKey, &["admin-fn"], "invoke");
    unread.resolvers = Err(Failure::parse("AccessDenied: appsync:ListResolvers"));
    let got = statuses(&inventory(vec![unread]));
    assert!(got.iter().all(|g| g.1 == Status::Unknown), "{got:?}");
    // The data source's own role is an administrator: fails even for a scoped function.
    let got = statuses(&inventory(vec![api(
        "shop",
        GraphqlAuthType::ApiKey,
        &["scoped-fn"],
        "admin",
    )]));
    assert_eq!(got[1].1, Status::Fail, "{got:?}");
    assert!(got[1].2.contains("service role admin"), "{}", got[1].2);
}
