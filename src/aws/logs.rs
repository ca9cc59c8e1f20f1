//! The logs poll area: how long the functions' log groups keep their logs. One paginated
//! `DescribeLogGroups` listing per region for the groups under `/aws/lambda/` (where Lambda
//! logs by default), then one more `DescribeLogGroups` (by name prefix) per distinct custom
//! group a function names in its `LoggingConfig`. Only groups some function of the region
//! uses are kept; no log event is ever read.

use std::collections::BTreeSet;

use futures_util::StreamExt;

use super::errors::CallFailure;
use super::quotas;
use super::{Collected, RegionClients, Shared};
use crate::domain::finding::Service;
use crate::domain::inventory::{Area, Inventory, LogGroup};

pub const DESCRIBE_LOG_GROUPS: &str = "logs:DescribeLogGroups";

/// Where Lambda logs unless told otherwise.
const LAMBDA_PREFIX: &str = "/aws/lambda/";

/// The largest page DescribeLogGroups serves.
const PAGE_SIZE: i32 = 50;

/// Custom groups looked up at once (the family semaphore bounds what is on the wire).
const QUEUE: usize = 8;

/// Collects the log groups the functions of one region write to. `current` holds the
/// functions: a region without functions makes no request.
pub async fn collect(shared: &Shared, clients: &RegionClients, current: &Inventory) -> Collected {
    let region = clients.region.as_str();
    let mut collected = Collected::default();
    collected.inventory.regions.push(region.to_string());
    let wanted: BTreeSet<String> = current
        .functions
        .iter()
        .filter(|f| f.region == region)
        .map(|f| f.log_group_name())
        .collect();
    let mut found = Vec::new();
    if wanted.iter().any(|g| g.starts_with(LAMBDA_PREFIX)) {
        match groups(shared, clients, LAMBDA_PREFIX).await {
            Ok(groups) => found.extend(groups),
            Err(failure) => return failed(collected, region, failure),
        }
    }
    let custom: Vec<String> = wanted
        .iter()
        .filter(|g| !g.starts_with(LAMBDA_PREFIX))
        .cloned()
        .collect();
    let looked_up: Vec<_> = futures_util::stream::iter(custom)
        .map(|name| async move {
            let got = groups(shared, clients, &name).await;
            (name, got)
        })
        .buffered(QUEUE)
        .collect()
        .await;
    for (name, got) in looked_up {
        match got {
            Ok(groups) => found.extend(groups.into_iter().filter(|(n, _)| *n == name)),
            // One custom group not read: the listing as a whole is incomplete, so the
            // region's functions say unknown rather than "no such group".
            Err(failure) => return failed(collected, region, failure),
        }
    }
    let kept = found
        .into_iter()
        .filter(|(name, _)| wanted.contains(name))
        .map(|(name, retention_days)| LogGroup {
            name,
            retention_days,
        })
        .collect();
    collected
        .inventory
        .log_groups
        .insert(region.to_string(), Ok(kept));
    collected
}

/// The region's groups could not be read: a failed listing, and the region's entry says why.
fn failed(mut collected: Collected, region: &str, failure: CallFailure) -> Collected {
    let reason = failure.failure();
    let what = (&[Service::Logs][..], Area::Logs);
    collected.listing_failed(what, region, DESCRIBE_LOG_GROUPS, failure);
    collected
        .inventory
        .log_groups
        .insert(region.to_string(), Err(reason));
    collected
}

/// Every log group whose name starts with `prefix`: (name, retention in days).
async fn groups(
    shared: &Shared,
    clients: &RegionClients,
    prefix: &str,
) -> Result<Vec<(String, Option<i32>)>, CallFailure> {
    shared
        .pages(
            &quotas::LOGS_DESCRIBE_LOG_GROUPS,
            |token| {
                clients
                    .logs
                    .describe_log_groups()
                    .log_group_name_prefix(prefix)
                    .set_next_token(token)
                    .limit(PAGE_SIZE)
                    .send()
            },
            |page| {
                let items = page
                    .log_groups
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|g| Some((g.log_group_name?, g.retention_in_days)))
                    .collect();
                (items, page.next_token)
            },
        )
        .await
}

#[cfg(test)]
mod tests;
