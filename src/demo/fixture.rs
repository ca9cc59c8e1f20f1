//! What every file of the demo account shares: its ids, regions and keys, the fake
//! credentials the detectors must find, and the helpers that spell ARNs. A leaf: the
//! service files and the account (`demo/mod.rs`) use it, it uses none of them.

pub(super) use std::collections::BTreeMap;

pub(super) use time::OffsetDateTime;

pub(super) use crate::domain::inventory::{
    Area, Authorizer, BasePathMapping, Cors, EventInvokeConfig, Fetched, Function, FunctionUrl,
    Integration, Inventory, Key, KeyDetails, MethodSetting, RequestValidator, RestApi, RestDomain,
    RestMethod, RestResource, RestStage, Role, RolePolicy, Route, Secret, UsagePlan, V2Api,
    V2Domain, V2Stage,
};
pub(super) use crate::domain::runtimes::{self, RuntimeStatus};

/// The demo account id (the documentation's example account).
pub const DEMO_ACCOUNT: &str = "111122223333";
/// Most of the shop runs here.
pub const PRIMARY_REGION: &str = "us-east-1";
/// The warehouse (inventory) side runs here.
pub const SECONDARY_REGION: &str = "eu-west-1";
/// A partner account (warehouse operator / analytics vendor), not trusted by default.
pub const PARTNER_ACCOUNT: &str = "444455556666";

pub(super) const USE1: &str = PRIMARY_REGION;
pub(super) const EUW1: &str = SECONDARY_REGION;

// ─────────────────────── fake credentials (obviously fake, detector-matching) ───────────────────────

pub(super) const FAKE_AWS_ACCESS_KEY_ID: &str = "AKIA4DEMO7PARAPET2QX";
pub(super) const FAKE_AWS_SECRET_ACCESS_KEY: &str = "dEmOpArApEt/FaKe0SeCrEt1KeY2nOt3ReAl4xYz";
pub(super) const FAKE_STRIPE_LIVE_KEY: &str = "sk_live_51DemoParapetFAKEq8Zr2VxK7mNw4Ls9Tb3Hy6Gd";
pub(super) const FAKE_STRIPE_RESTRICTED_KEY: &str =
    "rk_live_51DemoParapetFAKEr3Wq9Jx5Ne2Pk8Vz4Mc7Bt";
pub(super) const FAKE_WEBHOOK_SECRET: &str = "whsec_Q7mZ2xV9kLp4Rt8Nw3Jh6Ybc5Fd1GsAe";
pub(super) const FAKE_SMTP_PASSWORD: &str = "Tr0ub4dor-Xq9vLp2Zk7Wm-demo";
pub(super) const FAKE_DB_PASSWORD: &str = "hunter2-Parapet-Demo-9f8e7dQz";
pub(super) const FAKE_GITHUB_TOKEN: &str = "ghp_DemoParapetFAKE0a1B2c3D4e5F6g7H8i9J0k";
/// The carrier API key written into the order-fulfilment state machine's definition.
pub(super) const FAKE_CARRIER_API_KEY: &str = "cRr9vQ2mX4tL8pK7wZ3nB6sDemo";
/// The shipping partner's key pasted into the storefront's notifyPartner resolver.
pub(super) const FAKE_PARTNER_API_KEY: &str = "pk_live_DemoParapetFAKE7Hq2Wm9Xv4Lc8Rz";
/// Committed in payments-refund's `settings.py` (read with `--code`).
pub(super) const FAKE_CODE_STRIPE_KEY: &str = "sk_live_51DemoParapetCODEx4Tq8Wn2Ry6Uz9Kb3Mf7Pd";
/// The AWS key pair committed in the warehouse operator's layer.
pub(super) const FAKE_LAYER_KEY_ID: &str = "AKIA4DEMO7LAYER9W3QZ";
pub(super) const FAKE_LAYER_SECRET_KEY: &str = "lAyErDeMo/FaKe7SeCrEt8KeY9nOt0ReAl1wMs2Q";

/// Every secret-looking string the fixture contains (environment variables and stage
/// variables), so tests can assert that no export or screen ever shows one.
pub fn secret_values() -> Vec<&'static str> {
    vec![
        FAKE_AWS_ACCESS_KEY_ID,
        FAKE_AWS_SECRET_ACCESS_KEY,
        FAKE_STRIPE_LIVE_KEY,
        FAKE_STRIPE_RESTRICTED_KEY,
        FAKE_WEBHOOK_SECRET,
        FAKE_SMTP_PASSWORD,
        FAKE_DB_PASSWORD,
        FAKE_GITHUB_TOKEN,
        FAKE_CARRIER_API_KEY,
        FAKE_PARTNER_API_KEY,
    ]
}

/// The credentials committed in the demo's package files (read with `--code`): the
/// inventory keeps only their masked prefix, so, unlike [`secret_values`], they are in no
/// inventory, finding or export at all.
pub fn committed_secret_values() -> Vec<&'static str> {
    vec![
        FAKE_CODE_STRIPE_KEY,
        FAKE_LAYER_KEY_ID,
        FAKE_LAYER_SECRET_KEY,
    ]
}

// ─────────────────────────────── ARNs and small helpers ───────────────────────────────

pub(super) fn function_arn(region: &str, name: &str) -> String {
    format!("arn:aws:lambda:{region}:{DEMO_ACCOUNT}:function:{name}")
}

pub(super) fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{DEMO_ACCOUNT}:role/{name}")
}

/// The shop's shared Node layer (lodash and friends), used by four functions.
pub(super) fn shop_node_common_layer() -> String {
    format!("arn:aws:lambda:{USE1}:{DEMO_ACCOUNT}:layer:shop-node-common:3")
}

/// A zip-packaged function of the demo account with its runtime and role; the rest default.
pub(super) fn zip_function(region: &str, name: &str, runtime: &str, role: &str) -> Function {
    Function {
        name: name.into(),
        arn: function_arn(region, name),
        region: region.into(),
        runtime: Some(runtime.into()),
        package_type: Some("Zip".into()),
        role_arn: role_arn(role),
        ..Default::default()
    }
}

pub(super) fn secret_arn(region: &str, name: &str, suffix: &str) -> String {
    format!("arn:aws:secretsmanager:{region}:{DEMO_ACCOUNT}:secret:{name}-{suffix}")
}

pub(super) fn key_arn(region: &str, id: &str) -> String {
    format!("arn:aws:kms:{region}:{DEMO_ACCOUNT}:key/{id}")
}

pub(super) fn table_arn(region: &str, table: &str) -> String {
    format!("arn:aws:dynamodb:{region}:{DEMO_ACCOUNT}:table/{table}")
}

pub(super) fn log_group_arn(region: &str, group: &str) -> String {
    format!("arn:aws:logs:{region}:{DEMO_ACCOUNT}:log-group:{group}")
}

pub(super) fn web_acl_arn(name: &str, id: &str) -> String {
    format!("arn:aws:wafv2:{USE1}:{DEMO_ACCOUNT}:regional/webacl/{name}/{id}")
}

/// REST `methodIntegration.uri` / authorizer URI for a Lambda function.
pub(super) fn lambda_invoke_uri(region: &str, function: &str) -> String {
    format!(
        "arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/{}/invocations",
        function_arn(region, function)
    )
}

pub(super) fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

pub(super) fn days(n: i64) -> time::Duration {
    time::Duration::days(n)
}

// ─────────────────────────────── KMS key ids ───────────────────────────────

pub(super) const PAYMENTS_KEY_ID: &str = "1f2e3d4c-5b6a-4789-8abc-0d1e2f3a4b5c";
pub(super) const ORDERS_KEY_ID: &str = "7a8b9c0d-1e2f-4a3b-9c4d-5e6f7a8b9c0d";
pub(super) const AWS_SECRETSMANAGER_KEY_ID: &str = "0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f";
pub(super) const INVENTORY_KEY_ID: &str = "3b4c5d6e-7f8a-4b9c-8d0e-1f2a3b4c5d6e";

/// A runtime whose deprecation date falls within the next 90 days of `now`, if the runtime
/// table has one; otherwise a supported runtime (the function then simply passes).
pub fn runtime_deprecating_soon(now: OffsetDateTime) -> String {
    let today = now.date();
    runtimes::RUNTIMES
        .iter()
        .filter_map(|(id, _)| match runtimes::status(id, today) {
            RuntimeStatus::DeprecatingSoon { date } => Some((date, *id)),
            _ => None,
        })
        .min()
        .map_or("nodejs22.x", |(_, id)| id)
        .to_string()
}
