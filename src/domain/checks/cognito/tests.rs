//! Unit tests of the Cognito checks: pass, fail, unknown and not_applicable, and the traps: a
//! pool whose sign-up is admin-only passes whatever trusts it; a guest role is judged only
//! when guests get in.

use std::sync::Arc;

use super::*;
use crate::domain::failure::Failure;
use crate::domain::finding::Status;
use crate::domain::inventory::{
    Authorizer, IdentityPool, RestApi, Role, RolePolicy, UserPool, V2Api,
};

const ACCOUNT: &str = "111122223333";
const REGION: &str = "us-east-1";

fn user_pool(id: &str, self_signup: Result<bool, Failure>) -> Arc<UserPool> {
    Arc::new(UserPool {
        arn: format!("arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{id}"),
        id: id.into(),
        name: id.into(),
        region: REGION.into(),
        self_signup,
    })
}

fn rest_trusting(pool: &str) -> Arc<RestApi> {
    Arc::new(RestApi {
        name: format!("api-{pool}"),
        region: REGION.into(),
        authorizers: Ok(vec![Authorizer {
            id: "a".into(),
            name: "users".into(),
            authorizer_type: "COGNITO_USER_POOLS".into(),
            provider_arns: vec![format!(
                "arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/{pool}"
            )],
            ..Default::default()
        }]),
        resources: Ok(vec![]),
        ..Default::default()
    })
}

fn statuses(id: &str, inv: &Inventory) -> Vec<(String, Status)> {
    let def = CHECKS.iter().find(|c| c.id == id).expect("the check");
    let ctx = Context::new(time::OffsetDateTime::UNIX_EPOCH);
    (def.evaluate)(def, inv, &ctx)
        .into_iter()
        .map(|f| (f.resource_name.to_string(), f.status))
        .collect()
}

fn named(pairs: &[(&str, Status)]) -> Vec<(String, Status)> {
    pairs.iter().map(|(n, s)| (n.to_string(), *s)).collect()
}

#[test]
fn self_signup_behind_an_authorizer_fails_and_admin_only_passes() {
    let inv = Inventory {
        account_id: ACCOUNT.into(),
        user_pools: vec![
            user_pool("open", Ok(true)),
            user_pool("admins", Ok(false)),
            user_pool("unused", Ok(true)),
            user_pool(
                "denied",
                Err(Failure::parse("AccessDenied: DescribeUserPool")),
            ),
        ],
        // The admin-only pool backs an authorizer too: it still passes.
        rest_apis: vec![rest_trusting("open"), rest_trusting("admins")],
        ..Inventory::default()
    };
    assert_eq!(
        statuses("cognito.self-signup-authorizer", &inv),
        named(&[
            ("open", Status::Fail),
            ("admins", Status::Pass),
            ("unused", Status::NotApplicable),
            ("denied", Status::Unknown),
        ])
    );
    // An API whose authorizers could not be read might trust the unused pool.
    let mut blind = inv.clone();
    blind.v2_apis = vec![Arc::new(V2Api {
        name: "unread".into(),
        authorizers: Err("AccessDenied: apigateway:GET".into()),
        ..Default::default()
    })];
    let got = statuses("cognito.self-signup-authorizer", &blind);
    assert!(got.contains(&("unused".into(), Status::Unknown)), "{got:?}");
    assert!(got.contains(&("open".into(), Status::Fail)), "{got:?}");
}

fn role(name: &str, statement: &str) -> (String, Arc<Result<Role, Failure>>) {
    let arn = format!("arn:aws:iam::{ACCOUNT}:role/{name}");
    (
        arn.clone(),
        Arc::new(Ok(Role {
            arn,
            name: name.into(),
            policies: vec![RolePolicy {
                name: "guest".into(),
                arn: None,
                document: Ok(format!(
                    r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#
                )),
            }],
        })),
    )
}

fn identity_pool(
    name: &str,
    guests: Result<bool, Failure>,
    role: Result<Option<&str>, Failure>,
) -> Arc<IdentityPool> {
    Arc::new(IdentityPool {
        id: format!("{REGION}:{name}"),
        arn: format!("arn:aws:cognito-identity:{REGION}:{ACCOUNT}:identitypool/{REGION}:{name}"),
        name: name.into(),
        region: REGION.into(),
        guest_access: guests,
        guest_role: role.map(|r| r.map(|n| format!("arn:aws:iam::{ACCOUNT}:role/{n}"))),
    })
}

#[test]
fn guest_roles_that_invoke_start_read_or_escalate_fail() {
    let inv = Inventory {
        account_id: ACCOUNT.into(),
        identity_pools: vec![
            identity_pool("invoker", Ok(true), Ok(Some("invoke"))),
            identity_pool("starter", Ok(true), Ok(Some("start"))),
            identity_pool("reader", Ok(true), Ok(Some("secrets"))),
            identity_pool("admin", Ok(true), Ok(Some("admin"))),
            identity_pool("analytics", Ok(true), Ok(Some("analytics"))),
            // Guest access off: the same privileged role does not matter.
            identity_pool("closed", Ok(false), Ok(None)),
            identity_pool("roleless", Ok(true), Ok(None)),
            identity_pool("unlisted", Ok(true), Ok(Some("missing"))),
            identity_pool("denied", Err(Failure::parse("AccessDenied: DescribeIdentityPool")), Ok(None)),
            identity_pool(
                "roles-unread",
                Ok(true),
                Err(Failure::parse("NotImplemented: GetIdentityPoolRoles")),
            ),
        ],
        roles: [
            role("invoke", r#"{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111122223333:function:orders"}"#),
            role("start", r#"{"Effect":"Allow","Action":"states:Start*","Resource":"*"}"#),
            role("secrets", r#"{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}"#),
            role("admin", r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#),
            role("analytics", r#"{"Effect":"Allow","Action":["mobiletargeting:PutEvents"],"Resource":"*"}"#),
        ]
        .into_iter()
        .collect(),
        ..Inventory::default()
    };
    assert_eq!(
        statuses("cognito.identity-pool-guest-privileged", &inv),
        named(&[
            ("invoker", Status::Fail),
            ("starter", Status::Fail),
            ("reader", Status::Fail),
            ("admin", Status::Fail),
            ("analytics", Status::Pass),
            ("closed", Status::Pass),
            ("roleless", Status::Pass),
            ("unlisted", Status::Unknown),
            ("denied", Status::Unknown),
            ("roles-unread", Status::Unknown),
        ])
    );
}
