//! The secrets poll area: Secrets Manager `ListSecrets` (paginated) and, per secret,
//! `GetResourcePolicy`. Two requests per secret at most (one when a listing page holds many).
//!
//! Parapet never reads a secret value: `GetSecretValue` / `BatchGetSecretValue` are not in
//! [`ACTIONS`] and not called (the tests check the requests this area actually sends).
//!
//! Policy calls start while later listing pages are still being fetched, so the endpoint is
//! kept busy; the Secrets Manager family limit in [`Shared`] bounds what is in flight.

use aws_sdk_secretsmanager::types::SecretListEntry;
use futures_util::StreamExt;
use time::OffsetDateTime;

use super::quotas;
use super::{Collected, RegionClients, Shared};
use crate::domain::finding::Service;
use crate::domain::inventory::{Area, Fetched, Secret};

pub const LIST_SECRETS: &str = "secretsmanager:ListSecrets";
pub const GET_RESOURCE_POLICY: &str = "secretsmanager:GetResourcePolicy";

/// Every IAM action this area uses (for `parapet policy`).
pub const ACTIONS: &[&str] = &[LIST_SECRETS, GET_RESOURCE_POLICY];

/// The largest page ListSecrets allows: fewer listing requests.
const PAGE_SIZE: i32 = 100;

/// Policy calls queued at once. Concurrency on the wire is bounded by the family semaphore;
/// this only bounds how far the queue runs ahead of it.
const QUEUE: usize = 256;

/// Collects the secrets of one region.
pub async fn collect(shared: &Shared, clients: &RegionClients) -> Collected {
    let region = clients.region.as_str();
    let mut collected = Collected::default();
    collected.inventory.regions.push(region.to_string());

    let (tx, rx) = tokio::sync::mpsc::unbounded_channel::<SecretListEntry>();
    let listing = list(shared, clients, tx);
    let described = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|entry| (entry, rx))
    })
    .map(|entry| async move {
        let id = entry.arn().or(entry.name()).unwrap_or_default().to_string();
        let policy = resource_policy(shared, clients, &id).await;
        (entry, policy)
    })
    .buffered(QUEUE)
    .collect::<Vec<_>>();
    let (listed, described) = tokio::join!(listing, described);

    for (entry, policy) in described {
        let policy = policy.map_err(|failure| collected.note(failure));
        collected
            .inventory
            .secrets
            .push(secret(&entry, region, policy).into());
    }
    if let Err(failure) = listed {
        let what = (&[Service::SecretsManager][..], Area::Secrets);
        collected.listing_failed(what, region, LIST_SECRETS, failure);
    }
    collected
}

/// Pages through ListSecrets, handing every entry that names a secret to the policy stage.
/// Entries of pages fetched before a failure are kept.
async fn list(
    shared: &Shared,
    clients: &RegionClients,
    tx: tokio::sync::mpsc::UnboundedSender<SecretListEntry>,
) -> Result<(), super::errors::CallFailure> {
    let mut token: Option<String> = None;
    let mut seen = std::collections::HashSet::new();
    loop {
        let page = shared
            .call(&quotas::SECRETS_LIST_SECRETS, || {
                clients
                    .secretsmanager
                    .list_secrets()
                    .max_results(PAGE_SIZE)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        // The last page, or a repeated token (which would loop forever).
        let next = page
            .next_token()
            .filter(|t| !t.is_empty() && seen.insert(t.to_string()))
            .map(str::to_string);
        let last = next.is_none();
        token = next;
        for entry in page.secret_list.unwrap_or_default() {
            let named = [entry.arn(), entry.name()]
                .into_iter()
                .flatten()
                .any(|s| !s.is_empty());
            // The receiver lives until the listing ends; a send cannot fail before that.
            if named && tx.send(entry).is_err() {
                return Ok(());
            }
        }
        if last {
            return Ok(());
        }
    }
}

/// GetResourcePolicy: `Ok(None)` when the secret has no resource policy.
async fn resource_policy(
    shared: &Shared,
    clients: &RegionClients,
    secret_id: &str,
) -> Result<Option<String>, super::errors::CallFailure> {
    let out = shared
        .call(&quotas::SECRETS_GET_RESOURCE_POLICY, || {
            clients
                .secretsmanager
                .get_resource_policy()
                .secret_id(secret_id)
                .send()
        })
        .await?;
    Ok(out
        .resource_policy()
        .filter(|p| !p.trim().is_empty())
        .map(str::to_string))
}

/// The inventory record for one ListSecrets entry.
fn secret(entry: &SecretListEntry, region: &str, policy: Fetched<Option<String>>) -> Secret {
    let name = entry.name().unwrap_or_default().to_string();
    let arn = entry
        .arn()
        .map(str::to_string)
        .unwrap_or_else(|| name.clone());
    Secret {
        name,
        arn,
        region: region.to_string(),
        kms_key_id: entry.kms_key_id().map(str::to_string),
        rotation_enabled: entry.rotation_enabled(),
        rotation_lambda_arn: entry.rotation_lambda_arn().map(str::to_string),
        rotation_days: entry
            .rotation_rules()
            .and_then(|r| r.automatically_after_days()),
        created: to_time(entry.created_date()),
        last_rotated: to_time(entry.last_rotated_date()),
        last_accessed: to_time(entry.last_accessed_date()),
        next_rotation: to_time(entry.next_rotation_date()),
        policy,
    }
}

/// SDK timestamp → `time` (`None` for dates `time` cannot represent).
pub fn to_time(date: Option<&aws_smithy_types::DateTime>) -> Option<OffsetDateTime> {
    date.and_then(|d| OffsetDateTime::from_unix_timestamp_nanos(d.as_nanos()).ok())
}

#[cfg(test)]
mod tests;
