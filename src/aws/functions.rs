//! The functions poll area: Lambda functions of one region with their resource policy,
//! function URL and event invoke config, plus the IAM documents of their execution roles.
//!
//! Requests: ListFunctions pages, then four calls per function (GetPolicy, the function
//! URLs, GetFunctionEventInvokeConfig, ListAliases) and one GetPolicy per alias, all
//! concurrent under the Lambda limit (see [`super::aliases`] for URLs and aliases,
//! [`super::qualified`] for the per-qualifier calls, [`super::code_signing`] for the region's
//! code signing configs). Roles ([`super::roles`]) are read once per distinct role
//! ([`Shared::roles`]) and managed policies once per policy ARN ([`Shared::managed_policies`]),
//! so IAM costs are amortized over the functions sharing them. A "not found" on the per-function calls means "none"; any other
//! failure lands as `Err(reason)` on that field only.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_lambda::types::FunctionConfiguration;
use futures_util::future::join;

use super::errors::{CallFailure, FailureKind};
use super::fan_out;
use super::qualified::{Detail, fetch_policy, fetch_url_qualified, none_if_missing};
use super::quotas;
use super::roles::fetch_roles;
use super::{Collected, RegionClients, Shared, aliases, code_signing};
use crate::domain::finding::Service;
use crate::domain::iam;
use crate::domain::inventory::{Alias, Area, EventInvokeConfig, Function, FunctionUrl};
use std::sync::Arc;

/// The largest page ListFunctions serves.
const FUNCTIONS_PAGE: i32 = 50;

pub async fn collect(shared: &Shared, clients: &RegionClients) -> Collected {
    let region = clients.region.clone();
    let mut collected = Collected::default();
    collected.inventory.account_id = shared.account_id.clone();
    collected.inventory.regions = vec![region.clone()];

    let configs = match list_functions(shared, &clients.lambda).await {
        Ok(configs) => configs,
        Err(failure) => {
            let what = (&[Service::Lambda][..], Area::Functions);
            collected.listing_failed(what, &region, "lambda:ListFunctions", failure);
            return collected;
        }
    };
    let mut functions: Vec<Function> = configs
        .iter()
        .map(|c| function_from(c, &region, &shared.account_id))
        .collect();

    let role_arns: BTreeSet<String> = functions
        .iter()
        .map(|f| f.role_arn.clone())
        .filter(|arn| !arn.is_empty())
        .collect();
    let lists_urls = aliases::lists_urls(
        shared,
        &clients.lambda,
        functions.first().map(|f| f.name.as_str()),
    )
    .await;
    let details = fan_out(functions.iter(), |f| {
        function_details(
            shared,
            &clients.lambda,
            &f.name,
            f.dead_letter_target.as_deref(),
            lists_urls,
        )
    });
    // Code signing configs only matter where there are functions to cover.
    let signing = async {
        if functions.is_empty() {
            Ok(BTreeMap::new())
        } else {
            code_signing::code_signing(shared, &clients.lambda).await
        }
    };
    let ((details, roles), signing) =
        join(join(details, fetch_roles(shared, role_arns)), signing).await;

    let signing = signing.map_err(|e| collected.note(e));
    for (f, details) in functions.iter_mut().zip(details) {
        f.policy = details.policy.map_err(|e| collected.note(e));
        f.url = details.url.map_err(|e| collected.note(e));
        f.event_invoke = details.event_invoke.map_err(|e| collected.note(e));
        f.aliases = details.aliases.map_err(|e| collected.note(e));
        collected.failures.extend(details.failures);
        f.code_signing = match &signing {
            Ok(by_function) => Ok(by_function.get(&f.arn).cloned()),
            Err(reason) => Err(reason.clone()),
        };
    }
    let (roles, role_failures) = roles;
    collected.failures.extend(role_failures);
    collected.inventory.roles = roles.into_iter().map(|(k, v)| (k, Arc::new(v))).collect();
    collected.inventory.functions = functions.into_iter().map(Arc::new).collect();
    collected
}

/// All functions of the region, following `NextMarker` (a repeated marker stops).
pub(crate) async fn list_functions(
    shared: &Shared,
    lambda: &aws_sdk_lambda::Client,
) -> Result<Vec<FunctionConfiguration>, CallFailure> {
    shared
        .pages(
            &quotas::LAMBDA_LIST_FUNCTIONS,
            |marker| {
                lambda
                    .list_functions()
                    .set_marker(marker)
                    .max_items(FUNCTIONS_PAGE)
                    .send()
            },
            |page| (page.functions.unwrap_or_default(), page.next_marker),
        )
        .await
}

/// The inventory view of one ListFunctions entry; the per-function calls fill the rest.
fn function_from(c: &FunctionConfiguration, region: &str, account_id: &str) -> Function {
    let name = c.function_name().unwrap_or_default().to_string();
    let arn = c
        .function_arn()
        .map(str::to_string)
        .unwrap_or_else(|| format!("arn:aws:lambda:{region}:{account_id}:function:{name}"));
    Function {
        runtime: c.runtime().map(|r| r.as_str().to_string()),
        package_type: c.package_type().map(|p| p.as_str().into()),
        role_arn: c.role().unwrap_or_default().to_string(),
        env: c
            .environment()
            .and_then(|e| e.variables())
            .map(|vars| vars.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
            .unwrap_or_default(),
        kms_key_arn: c
            .kms_key_arn()
            .filter(|k| !k.is_empty())
            .map(str::to_string),
        layers: c
            .layers()
            .iter()
            .filter_map(|l| l.arn())
            .map(str::to_string)
            .collect(),
        vpc_subnet_ids: c
            .vpc_config()
            .map(|v| v.subnet_ids().to_vec())
            .unwrap_or_default(),
        tracing_mode: c
            .tracing_config()
            .and_then(|t| t.mode())
            .map(|m| m.as_str().into()),
        dead_letter_target: c
            .dead_letter_config()
            .and_then(|d| d.target_arn())
            .filter(|t| !t.is_empty())
            .map(str::to_string),
        code_sha256: c
            .code_sha256()
            .filter(|s| !s.is_empty())
            .map(str::to_string),
        log_group: c
            .logging_config()
            .and_then(|l| l.log_group())
            .filter(|g| !g.is_empty())
            .map(str::to_string),
        name,
        arn,
        region: region.to_string(),
        ..Function::default()
    }
}

/// What the per-function calls found.
struct Details {
    policy: Detail<String>,
    url: Detail<FunctionUrl>,
    event_invoke: Detail<EventInvokeConfig>,
    aliases: Result<Vec<Alias>, CallFailure>,
    /// Failed per-alias calls (each also on its alias's field).
    failures: Vec<CallFailure>,
}

/// GetPolicy, the function URL(s) and the aliases of one function, at once, and
/// GetFunctionEventInvokeConfig after the policy, only where it can change a verdict
/// (`iam::reads_event_invoke`). With `lists_urls`, one ListFunctionUrlConfigs answers for the
/// function and every alias; otherwise GetFunctionUrlConfig, once per qualifier.
async fn function_details(
    shared: &Shared,
    lambda: &aws_sdk_lambda::Client,
    name: &str,
    dead_letter_target: Option<&str>,
    lists_urls: bool,
) -> Details {
    let urls = async {
        if !lists_urls {
            return Ok(None);
        }
        match aliases::list_urls(shared, lambda, name).await {
            // The probe could not tell (it met a fault), and the endpoint lacks the listing
            // after all: ask per qualifier instead.
            Err(e) if e.kind == FailureKind::NotImplemented => Ok(None),
            other => other.map(Some),
        }
    };
    let policy_then_event_invoke = async {
        let policy = fetch_policy(shared, lambda, name).await;
        let reads = match &policy {
            Ok(text) => iam::reads_event_invoke(&Ok(text.clone()), dead_letter_target),
            Err(_) => true,
        };
        let event_invoke = if reads {
            fetch_event_invoke(shared, lambda, name).await
        } else {
            Ok(None)
        };
        (policy, event_invoke)
    };
    let ((policy, event_invoke), urls) = join(policy_then_event_invoke, urls).await;
    let mut failures = Vec::new();
    let (url, aliases) = match urls {
        Ok(Some(urls)) => (
            Ok(urls.get(&None).cloned()),
            aliases::fetch_aliases(shared, lambda, name, Some(&urls), &mut failures).await,
        ),
        Ok(None) => {
            join(
                fetch_url_qualified(shared, lambda, name, None),
                aliases::fetch_aliases(shared, lambda, name, None, &mut failures),
            )
            .await
        }
        // The function went away between the listing and this call: no URL.
        Err(e) if e.kind == FailureKind::NotFound => (
            Ok(None),
            aliases::fetch_aliases(shared, lambda, name, None, &mut failures).await,
        ),
        Err(e) => (
            Err(e),
            aliases::fetch_aliases(shared, lambda, name, None, &mut failures).await,
        ),
    };
    Details {
        policy,
        url,
        event_invoke,
        aliases,
        failures,
    }
}

async fn fetch_event_invoke(
    shared: &Shared,
    lambda: &aws_sdk_lambda::Client,
    name: &str,
) -> Detail<EventInvokeConfig> {
    let out = shared
        .call(&quotas::LAMBDA_GET_FUNCTION_EVENT_INVOKE_CONFIG, || {
            lambda
                .get_function_event_invoke_config()
                .function_name(name)
                .send()
        })
        .await;
    none_if_missing(out).map(|o| {
        o.map(|o| {
            let destinations = o.destination_config();
            EventInvokeConfig {
                on_failure_destination: destinations
                    .and_then(|d| d.on_failure())
                    .and_then(|d| d.destination())
                    .filter(|d| !d.is_empty())
                    .map(str::to_string),
                on_success_destination: destinations
                    .and_then(|d| d.on_success())
                    .and_then(|d| d.destination())
                    .filter(|d| !d.is_empty())
                    .map(str::to_string),
                maximum_retry_attempts: o.maximum_retry_attempts(),
            }
        })
    })
}

#[cfg(test)]
mod tests;
