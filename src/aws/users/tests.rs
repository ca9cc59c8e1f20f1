//! The users area on recorded Cognito exchanges (JSON protocol): every page of both listings,
//! one DescribeUserPool per user pool, one DescribeIdentityPool per identity pool, and
//! GetIdentityPoolRoles only where guests get in; what AWS answers that the emulator does not
//! (GetIdentityPoolRoles).

use super::*;
use crate::aws::fake::*;
use serde_json::{Value, json};

fn answer(op: &str, body: &Value) -> (u16, String) {
    let out = match op {
        "ListUserPools" => {
            if body.get("NextToken").is_none() {
                json!({"UserPools": [{"Id": "eu-west-1_Open", "Name": "customers"}], "NextToken": "p2"})
            } else {
                json!({"UserPools": [{"Id": "eu-west-1_Staff", "Name": "staff"}]})
            }
        }
        "DescribeUserPool" => {
            let id = body["UserPoolId"].as_str().expect("an id");
            let admin_only = id.ends_with("Staff");
            json!({"UserPool": {"Id": id, "Name": id,
                "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": admin_only}}})
        }
        "ListIdentityPools" => json!({"IdentityPools": [
            {"IdentityPoolId": "eu-west-1:guests", "IdentityPoolName": "guests"},
            {"IdentityPoolId": "eu-west-1:members", "IdentityPoolName": "members"}]}),
        "DescribeIdentityPool" => {
            let id = body["IdentityPoolId"].as_str().expect("an id");
            json!({"IdentityPoolId": id, "IdentityPoolName": id,
                "AllowUnauthenticatedIdentities": id.ends_with("guests")})
        }
        "GetIdentityPoolRoles" => {
            assert_eq!(body["IdentityPoolId"], "eu-west-1:guests");
            json!({"IdentityPoolId": "eu-west-1:guests", "Roles": {
                "authenticated": format!("arn:aws:iam::{ACCOUNT}:role/members"),
                "unauthenticated": format!("arn:aws:iam::{ACCOUNT}:role/guests")}})
        }
        other => panic!("unexpected call {other}"),
    };
    (200, out.to_string())
}

/// The view so far: the functions area already read the guest role.
fn known_guest_role() -> Inventory {
    let mut current = Inventory::default();
    let guests = format!("arn:aws:iam::{ACCOUNT}:role/guests");
    current.roles.insert(
        guests.clone(),
        Arc::new(Ok(crate::domain::inventory::Role {
            arn: guests,
            name: "guests".into(),
            policies: Vec::new(),
        })),
    );
    current
}

#[tokio::test]
async fn reads_both_pool_kinds_and_the_guest_role_only_where_guests_get_in() {
    let fake = FakeAws::new(answer);
    let config = sdk_config(fake.clone(), REGION);
    let shared = shared(&config);
    let guests = format!("arn:aws:iam::{ACCOUNT}:role/guests");
    let collected = collect(
        &shared,
        &region_clients(&config, REGION),
        &known_guest_role(),
    )
    .await;
    let inv = &collected.inventory;
    let pools: Vec<(&str, bool)> = inv
        .user_pools
        .iter()
        .map(|p| (p.name.as_str(), *p.self_signup.as_ref().expect("read")))
        .collect();
    assert_eq!(pools, [("customers", true), ("staff", false)]);
    assert_eq!(
        inv.user_pools[0].arn,
        format!("arn:aws:cognito-idp:{REGION}:{ACCOUNT}:userpool/eu-west-1_Open")
    );
    let ids: Vec<(&str, bool, Option<&str>)> = inv
        .identity_pools
        .iter()
        .map(|p| {
            (
                p.name.as_str(),
                *p.guest_access.as_ref().expect("read"),
                p.guest_role_arn(),
            )
        })
        .collect();
    assert_eq!(
        ids,
        [
            ("guests", true, Some(guests.as_str())),
            ("members", false, None)
        ]
    );
    let mut ops = fake.operations();
    ops.sort();
    assert_eq!(
        ops,
        [
            "DescribeIdentityPool",
            "DescribeIdentityPool",
            "DescribeUserPool",
            "DescribeUserPool",
            "GetIdentityPoolRoles",
            "ListIdentityPools",
            "ListUserPools",
            "ListUserPools"
        ],
        "the guest role known already is not read again"
    );
    assert!(inv.roles.contains_key(&guests));
    assert!(collected.failures.is_empty());
}

#[tokio::test]
async fn a_denied_listing_is_unknown_for_its_own_pool_kind_only() {
    let fake = FakeAws::new(|op, body| match op {
        "ListUserPools" => (
            400,
            json!({"__type": "AccessDeniedException", "message": "not authorized"}).to_string(),
        ),
        _ => answer(op, body),
    });
    let config = sdk_config(fake.clone(), REGION);
    let shared = shared(&config);
    let collected = collect(
        &shared,
        &region_clients(&config, REGION),
        &known_guest_role(),
    )
    .await;
    let failures = &collected.inventory.list_failures;
    assert_eq!(failures.len(), 1);
    assert_eq!(failures[0].service, Service::CognitoIdp);
    assert_eq!(collected.inventory.identity_pools.len(), 2);
}
