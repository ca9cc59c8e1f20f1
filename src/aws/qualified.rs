//! The calls made once per function and once more per alias (`qualifier`): its resource
//! policy and its function URL. A leaf of the functions area, so that the function reading
//! (`functions.rs`) and the alias reading (`aliases.rs`) both use it without using each other.

use super::Shared;
use super::errors::{CallFailure, FailureKind};
use super::quotas;
use crate::domain::inventory::FunctionUrl;

/// A per-resource read: the value, `Ok(None)` when there is none, or the failure.
pub(crate) type Detail<T> = Result<Option<T>, CallFailure>;

pub(crate) fn url_from(
    url: &str,
    auth: &str,
    cors: Option<&aws_sdk_lambda::types::Cors>,
) -> FunctionUrl {
    FunctionUrl {
        url: url.to_string(),
        auth_type: auth.into(),
        cors_allow_origins: cors.map(|c| c.allow_origins().to_vec()).unwrap_or_default(),
        cors_allow_credentials: cors.and_then(|c| c.allow_credentials()).unwrap_or(false),
    }
}

/// The function's resource policy; `Ok(None)` when it has none.
pub(crate) async fn fetch_policy(
    shared: &Shared,
    lambda: &aws_sdk_lambda::Client,
    name: &str,
) -> Detail<String> {
    fetch_policy_qualified(shared, lambda, name, None).await
}

/// The resource policy of the function or of one of its aliases (`qualifier`).
pub(crate) async fn fetch_policy_qualified(
    shared: &Shared,
    lambda: &aws_sdk_lambda::Client,
    name: &str,
    qualifier: Option<&str>,
) -> Detail<String> {
    let out = shared
        .call(&quotas::LAMBDA_GET_POLICY, || {
            lambda
                .get_policy()
                .function_name(name)
                .set_qualifier(qualifier.map(str::to_string))
                .send()
        })
        .await;
    none_if_missing(out).map(|o| o.and_then(|o| o.policy).filter(|p| !p.trim().is_empty()))
}

/// The function URL of the function or of one of its aliases (`qualifier`).
pub(crate) async fn fetch_url_qualified(
    shared: &Shared,
    lambda: &aws_sdk_lambda::Client,
    name: &str,
    qualifier: Option<&str>,
) -> Detail<FunctionUrl> {
    let out = shared
        .call(&quotas::LAMBDA_GET_FUNCTION_URL_CONFIG, || {
            lambda
                .get_function_url_config()
                .function_name(name)
                .set_qualifier(qualifier.map(str::to_string))
                .send()
        })
        .await;
    none_if_missing(out)
        .map(|o| o.map(|o| url_from(o.function_url(), o.auth_type().as_str(), o.cors())))
}

/// "Not found" on a Get* of an optional configuration means there is none.
pub(crate) fn none_if_missing<T>(result: Result<T, CallFailure>) -> Result<Option<T>, CallFailure> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(f) if f.kind == FailureKind::NotFound => Ok(None),
        Err(f) => Err(f),
    }
}
