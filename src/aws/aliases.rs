//! What the functions area reads besides each function itself: its aliases, with their own
//! function URL and resource policy.
//!
//! Requests: one ListAliases per function, then per alias one GetPolicy with the alias as
//! qualifier. Function URLs come from one ListFunctionUrlConfigs per function (it lists the
//! URL of `$LATEST` and of every alias) where the endpoint has it; where it does not (a probe
//! per region answers "not implemented", as moto does), the unqualified GetFunctionUrlConfig
//! plus one qualified call per alias (`qualified.rs`).

use std::collections::BTreeMap;

use super::Shared;
use super::errors::{CallFailure, FailureKind};
use super::fan_out;
use super::qualified::url_from;
use super::quotas;
use crate::domain::arn::function_ref;
use crate::domain::inventory::{Alias, FunctionUrl};

/// The largest page the Lambda list calls serve.
const PAGE: i32 = 50;

/// Every function URL of a function, keyed by qualifier (`None` for `$LATEST`).
pub(crate) type UrlsByQualifier = BTreeMap<Option<String>, FunctionUrl>;

/// ListFunctionUrlConfigs of one function.
pub(crate) async fn list_urls(
    shared: &Shared,
    lambda: &aws_sdk_lambda::Client,
    function: &str,
) -> Result<UrlsByQualifier, CallFailure> {
    let configs = shared
        .pages(
            &quotas::LAMBDA_LIST_FUNCTION_URL_CONFIGS,
            |marker| {
                lambda
                    .list_function_url_configs()
                    .function_name(function)
                    .set_marker(marker)
                    .max_items(PAGE)
                    .send()
            },
            |page| {
                let next = page.next_marker().map(str::to_string);
                (page.function_url_configs, next)
            },
        )
        .await?;
    Ok(configs
        .iter()
        .map(|c| {
            let qualifier = function_ref(c.function_arn()).and_then(|r| r.qualifier);
            (
                qualifier.filter(|q| q != "$LATEST"),
                url_from(c.function_url(), c.auth_type().as_str(), c.cors()),
            )
        })
        .collect())
}

/// Whether the endpoint serves ListFunctionUrlConfigs, asked once per region poll with the
/// first function: `false` when it answers "not implemented" (moto).
pub(crate) async fn lists_urls(
    shared: &Shared,
    lambda: &aws_sdk_lambda::Client,
    first_function: Option<&str>,
) -> bool {
    let Some(name) = first_function else {
        return false;
    };
    !matches!(
        list_urls(shared, lambda, name).await,
        Err(f) if f.kind == FailureKind::NotImplemented
    )
}

/// ListAliases of one function: (name, qualified ARN).
async fn list_aliases(
    shared: &Shared,
    lambda: &aws_sdk_lambda::Client,
    function: &str,
) -> Result<Vec<(String, String)>, CallFailure> {
    let aliases = shared
        .pages(
            &quotas::LAMBDA_LIST_ALIASES,
            |marker| {
                lambda
                    .list_aliases()
                    .function_name(function)
                    .set_marker(marker)
                    .max_items(PAGE)
                    .send()
            },
            |page| {
                let next = page.next_marker().map(str::to_string);
                (page.aliases.unwrap_or_default(), next)
            },
        )
        .await?;
    Ok(aliases
        .iter()
        .filter_map(|a| {
            Some((
                a.name()?.to_string(),
                a.alias_arn().unwrap_or_default().to_string(),
            ))
        })
        .collect())
}

/// The aliases of `function` with their policy and URL. `urls` is what
/// ListFunctionUrlConfigs said (`None` where the endpoint lacks it: one qualified
/// GetFunctionUrlConfig per alias then). A failed per-alias call lands on that alias's field;
/// a failed ListAliases is the `Err`. Failed calls are also returned, for the area's status.
pub(crate) async fn fetch_aliases(
    shared: &Shared,
    lambda: &aws_sdk_lambda::Client,
    function: &str,
    urls: Option<&UrlsByQualifier>,
    failures: &mut Vec<CallFailure>,
) -> Result<Vec<Alias>, CallFailure> {
    let listed = match list_aliases(shared, lambda, function).await {
        // The function went away since the listing: no aliases either.
        Err(f) if f.kind == FailureKind::NotFound => Vec::new(),
        other => other?,
    };
    let details = fan_out(listed.iter(), |(name, _)| async move {
        let policy = super::qualified::fetch_policy_qualified(shared, lambda, function, Some(name));
        match urls {
            Some(urls) => (policy.await, Ok(urls.get(&Some(name.clone())).cloned())),
            None => {
                let url =
                    super::qualified::fetch_url_qualified(shared, lambda, function, Some(name));
                futures_util::future::join(policy, url).await
            }
        }
    })
    .await;
    let mut out = Vec::new();
    for ((name, arn), (policy, url)) in listed.into_iter().zip(details) {
        let mut note = |f: CallFailure| {
            let reason = f.failure();
            failures.push(f);
            reason
        };
        out.push(Alias {
            name,
            arn,
            policy: policy.map_err(&mut note),
            url: url.map_err(&mut note),
        });
    }
    Ok(out)
}
