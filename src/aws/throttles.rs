//! The throttles poll area: API Gateway usage plans of one region, and the reserved
//! concurrency of the region's functions that can be reached without authentication (the only
//! ones whose concurrency cap matters to the checks, so the only ones asked about).
//!
//! It runs against the inventory collected so far (`current`): which functions are reachable
//! is decided by [`unauthenticated_entry_points`] over the functions and gateways areas.

use std::collections::{BTreeMap, BTreeSet};

use futures_util::future::join;

use super::errors::CallFailure;
use super::fan_out;
use super::quotas;
use super::{Collected, RegionClients, Shared};
use crate::domain::entry_points::unauthenticated_entry_points;
use crate::domain::inventory::{Fetched, Inventory, UsagePlan};

/// The largest page GetUsagePlans serves.
const PLANS_PAGE: i32 = 500;

pub async fn collect(shared: &Shared, clients: &RegionClients, current: &Inventory) -> Collected {
    let region = clients.region.clone();
    let mut collected = Collected::default();
    collected.inventory.account_id = shared.account_id.clone();
    collected.inventory.regions = vec![region.clone()];

    let reachable: BTreeSet<String> = unauthenticated_entry_points(current)
        .into_iter()
        .filter(|e| e.region == region)
        .map(|e| e.function_arn)
        .collect();

    let (plans, concurrency) = join(
        usage_plans(shared, &clients.apigateway),
        fan_out(reachable.iter(), |arn| {
            reserved_concurrency(shared, &clients.lambda, function_name(current, arn))
        }),
    )
    .await;

    let plans = plans.map_err(|f| collected.note(f));
    collected
        .inventory
        .usage_plans
        .insert(region.clone(), plans);

    let mut by_arn: BTreeMap<String, Fetched<Option<i32>>> = BTreeMap::new();
    for (arn, result) in reachable.into_iter().zip(concurrency) {
        by_arn.insert(arn, result.map_err(|f| collected.note(f)));
    }
    collected
        .inventory
        .reserved_concurrency
        .insert(region, by_arn);
    collected
}

/// Every usage plan of the region, following `position` (a repeated position stops).
async fn usage_plans(
    shared: &Shared,
    apigateway: &aws_sdk_apigateway::Client,
) -> Result<Vec<UsagePlan>, CallFailure> {
    shared
        .pages(
            &quotas::APIGW_GET_USAGE_PLANS,
            |position| {
                apigateway
                    .get_usage_plans()
                    .set_position(position)
                    .limit(PLANS_PAGE)
                    .send()
            },
            |page| {
                let plans = page.items().iter().map(|p| UsagePlan {
                    id: p.id().unwrap_or_default().to_string(),
                    name: p.name().unwrap_or_default().to_string(),
                    api_stages: p
                        .api_stages()
                        .iter()
                        .map(|s| {
                            (
                                s.api_id().unwrap_or_default().to_string(),
                                s.stage().unwrap_or_default().to_string(),
                            )
                        })
                        .collect(),
                    throttle_rate_limit: p.throttle().map(|t| t.rate_limit()),
                    throttle_burst_limit: p.throttle().map(|t| t.burst_limit()),
                });
                (plans.collect(), page.position().map(str::to_string))
            },
        )
        .await
}

/// How to name the function in a call: its name as listed (emulators resolve names more
/// reliably than ARNs in a path), else the ARN, which AWS accepts too.
fn function_name<'a>(current: &'a Inventory, arn: &'a str) -> &'a str {
    current
        .functions
        .iter()
        .find(|f| f.arn == arn && !f.name.is_empty())
        .map(|f| f.name.as_str())
        .unwrap_or(arn)
}

/// The function's reserved concurrency; `None` when it has none reserved.
async fn reserved_concurrency(
    shared: &Shared,
    lambda: &aws_sdk_lambda::Client,
    function: &str,
) -> Result<Option<i32>, CallFailure> {
    let out = shared
        .call(&quotas::LAMBDA_GET_FUNCTION_CONCURRENCY, || {
            lambda
                .get_function_concurrency()
                .function_name(function)
                .send()
        })
        .await?;
    Ok(out.reserved_concurrent_executions())
}

#[cfg(test)]
mod tests;
