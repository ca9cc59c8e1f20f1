//! The demo's Cognito pools: the shop's customer pool (anyone can sign up, and it guards the
//! orders API's and the storefront HTTP API's account routes), the back office's staff pool
//! (admin-only sign-up), a newsletter pool nothing authorizes with; the storefront's identity
//! pool that hands guests a role able to invoke a function, the warehouse scanners' pool
//! without guest access, and the catalog's guest pool whose role only records analytics.

use super::fixture::*;
use super::iam::{inline, role};
use crate::domain::inventory::{IdentityPool, UserPool};

const SHOP_POOL: &str = "us-east-1_Sh0pUs3rs";

pub(super) fn shop_pool_arn() -> String {
    format!("arn:aws:cognito-idp:{USE1}:{DEMO_ACCOUNT}:userpool/{SHOP_POOL}")
}

pub(super) fn shop_pool_issuer() -> String {
    format!("https://cognito-idp.{USE1}.amazonaws.com/{SHOP_POOL}")
}

fn user_pool(region: &str, id: &str, name: &str, self_signup: bool) -> UserPool {
    UserPool {
        arn: format!("arn:aws:cognito-idp:{region}:{DEMO_ACCOUNT}:userpool/{id}"),
        id: id.into(),
        name: name.into(),
        region: region.into(),
        self_signup: Ok(self_signup),
    }
}

pub(super) fn user_pools() -> Vec<UserPool> {
    vec![
        user_pool(USE1, SHOP_POOL, "shop-customers", true),
        user_pool(USE1, "us-east-1_St4ffP00l", "backoffice-staff", false),
        user_pool(EUW1, "eu-west-1_N3wsL3tt3r", "newsletter", true),
    ]
}

fn identity_pool(region: &str, id: &str, name: &str, guest_role: Option<&str>) -> IdentityPool {
    IdentityPool {
        arn: format!("arn:aws:cognito-identity:{region}:{DEMO_ACCOUNT}:identitypool/{id}"),
        id: id.into(),
        name: name.into(),
        region: region.into(),
        guest_access: Ok(guest_role.is_some()),
        guest_role: Ok(guest_role.map(role_arn)),
    }
}

pub(super) fn identity_pools() -> Vec<IdentityPool> {
    vec![
        identity_pool(
            USE1,
            "us-east-1:5f0c2a7e-1b3d-4c8e-9a6f-2d4b8e1c7a90",
            "storefront-guests",
            Some("storefront-guest-role"),
        ),
        identity_pool(
            EUW1,
            "eu-west-1:0a9b8c7d-6e5f-4a3b-2c1d-0e9f8a7b6c5d",
            "warehouse-scanners",
            None,
        ),
        identity_pool(
            EUW1,
            "eu-west-1:7c6b5a49-3827-4160-9f8e-7d6c5b4a3928",
            "catalog-guests",
            Some("catalog-guest-role"),
        ),
    ]
}

pub(super) fn roles() -> Vec<(String, Fetched<Role>)> {
    vec![
        // Lets the web app call orders-get straight from the browser, as anyone.
        role(
            "storefront-guest-role",
            vec![inline(
                "guest",
                &[format!(
                    r#"{{"Sid":"Browse","Effect":"Allow","Action":["lambda:InvokeFunction"],"Resource":"{}"}}"#,
                    function_arn(USE1, "orders-get")
                )],
            )],
        ),
        role(
            "catalog-guest-role",
            vec![inline(
                "analytics",
                &[r#"{"Sid":"Analytics","Effect":"Allow","Action":["mobiletargeting:PutEvents","mobiletargeting:UpdateEndpoint"],"Resource":"*"}"#.to_string()],
            )],
        ),
    ]
}
