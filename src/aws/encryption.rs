//! The encryption poll area: the KMS keys that this region's functions (`KMSKeyArn`) and
//! secrets (`KmsKeyId`; none means the AWS managed `alias/aws/secretsmanager` key) refer to.
//!
//! Per region: `ListAliases` once (paginated), and `DescribeKey` per distinct reference (it
//! accepts key ids, key ARNs, alias names and alias ARNs alike), both at the same time. Then,
//! per distinct key: `GetKeyPolicy`, and `GetKeyRotationStatus` only for customer-managed
//! symmetric keys (see [`rotation_without_asking`]).
//!
//! A key referred to in two ways (its ARN by a function, an alias by a secret) becomes one
//! [`Key`] whose aliases make it findable by every reference, so the KMS checks report it once.
//! A reference whose `DescribeKey` failed keeps its own `Key` with the reason, so every resource
//! still finds "its" key and reports `unknown` rather than "not collected".

use crate::domain::values::{KeyManager, KeyState};
use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::errors::CallFailure;
use super::fan_out;
use super::quotas;
use super::{Collected, RegionClients, Shared};
use crate::domain::finding::Service;
use crate::domain::inventory::is_aws_managed;
use crate::domain::inventory::{Fetched, Inventory, Key, KeyDetails, ListFailure};

pub const DESCRIBE_KEY: &str = "kms:DescribeKey";
pub const GET_KEY_ROTATION_STATUS: &str = "kms:GetKeyRotationStatus";
pub const GET_KEY_POLICY: &str = "kms:GetKeyPolicy";
pub const LIST_ALIASES: &str = "kms:ListAliases";

/// Every IAM action this area uses (for `parapet policy`).
pub const ACTIONS: &[&str] = &[
    DESCRIBE_KEY,
    GET_KEY_ROTATION_STATUS,
    GET_KEY_POLICY,
    LIST_ALIASES,
];

/// The key a secret without `KmsKeyId` is encrypted with.
pub const SECRETS_MANAGER_DEFAULT_KEY: &str = "alias/aws/secretsmanager";

/// The largest page ListAliases allows.
const ALIAS_PAGE_SIZE: i32 = 100;

/// Collects the keys referenced in this region by `current` (functions and secrets already
/// collected by the other areas).
pub async fn collect(shared: &Shared, clients: &RegionClients, current: &Inventory) -> Collected {
    let region = clients.region.as_str();
    let mut collected = Collected::default();
    collected.inventory.regions.push(region.to_string());

    // Keys are found through functions and secrets: where those could not be listed, the
    // keys in use cannot be known either, and the KMS checks say so for the region.
    for f in current.list_failures.iter().filter(|f| {
        f.region == region
            && matches!(
                (f.service, f.area),
                (Service::Lambda, crate::domain::inventory::Area::Functions)
                    | (
                        Service::SecretsManager,
                        crate::domain::inventory::Area::Secrets
                    )
            )
    }) {
        collected.inventory.list_failures.push(ListFailure {
            service: Service::Kms,
            area: crate::domain::inventory::Area::Encryption,
            region: region.to_string(),
            call: "keys in use".into(),
            reason: format!(
                "cannot tell which keys are in use: {} failed: {}",
                f.call, f.reason
            )
            .into(),
        });
    }
    let references = references(current, region);
    if references.is_empty() {
        return collected;
    }

    let (aliases, described) = tokio::join!(
        list_aliases(shared, &clients.kms),
        fan_out(references.iter(), |r| describe(shared, clients, r)),
    );
    let aliases = aliases.unwrap_or_else(|failure| {
        collected.note(failure);
        HashMap::new()
    });

    // Group the references by the key DescribeKey resolved them to.
    let mut by_key: BTreeMap<String, (Described, Vec<&str>)> = BTreeMap::new();
    for (reference, outcome) in references.iter().zip(described) {
        match outcome {
            Ok(d) => {
                by_key
                    .entry(d.arn.clone())
                    .or_insert_with(|| (d, Vec::new()))
                    .1
                    .push(reference);
            }
            Err(failure) => {
                let reason = collected.note(failure);
                collected.inventory.keys.push(
                    Key {
                        reference: reference.clone(),
                        region: region.to_string(),
                        details: Err(reason),
                    }
                    .into(),
                );
            }
        }
    }

    let finished = fan_out(by_key.into_values(), |(d, refs)| {
        let aliases = aliases_of(&d, &refs, &aliases);
        complete(shared, clients, d, aliases, refs)
    })
    .await;
    for (key, failures) in finished {
        for failure in failures {
            collected.note(failure);
        }
        collected.inventory.keys.push(key.into());
    }
    collected
        .inventory
        .keys
        .sort_by(|a, b| a.reference.cmp(&b.reference));
    collected
}

/// The distinct key references of one region: functions' `KMSKeyArn`, secrets' `KmsKeyId`,
/// and [`SECRETS_MANAGER_DEFAULT_KEY`] for a secret without one.
pub fn references(current: &Inventory, region: &str) -> BTreeSet<String> {
    let functions = current
        .functions
        .iter()
        .filter(|f| f.region == region)
        .filter_map(|f| f.kms_key_arn.as_deref().map(str::trim))
        .filter(|r| !r.is_empty());
    let secrets = current
        .secrets
        .iter()
        .filter(|s| s.region == region)
        .map(|s| match s.kms_key_id.as_deref().map(str::trim) {
            Some(r) if !r.is_empty() => r,
            _ => SECRETS_MANAGER_DEFAULT_KEY,
        });
    functions.chain(secrets).map(str::to_string).collect()
}

/// The alias name a reference uses, if it is an alias (`alias/x` or an alias ARN).
fn alias_name(reference: &str) -> Option<&str> {
    if reference.starts_with("alias/") {
        return Some(reference);
    }
    reference
        .find(":alias/")
        .map(|i| &reference[i + 1..])
        .filter(|a| a.len() > "alias/".len())
}

/// ListAliases, all pages: target key id → alias names.
pub async fn list_aliases(
    shared: &Shared,
    kms: &aws_sdk_kms::Client,
) -> Result<HashMap<String, Vec<String>>, CallFailure> {
    let aliases = shared
        .pages(
            &quotas::KMS_LIST_ALIASES,
            |marker| {
                kms.list_aliases()
                    .limit(ALIAS_PAGE_SIZE)
                    .set_marker(marker)
                    .send()
            },
            |page| {
                let named = page.aliases().iter().filter_map(|a| {
                    Some((a.target_key_id()?.to_string(), a.alias_name()?.to_string()))
                });
                (named.collect(), page.next_marker().map(str::to_string))
            },
        )
        .await?;
    let mut by_key: HashMap<String, Vec<String>> = HashMap::new();
    for (target, name) in aliases {
        by_key.entry(target).or_default().push(name);
    }
    Ok(by_key)
}

/// What DescribeKey says about a key.
#[derive(Clone, Debug, PartialEq)]
pub struct Described {
    pub arn: String,
    pub id: String,
    pub manager: Option<String>,
    pub state: Option<String>,
    pub spec: Option<String>,
}

/// DescribeKey for one reference (key id, key ARN, alias name or alias ARN).
pub async fn describe(
    shared: &Shared,
    clients: &RegionClients,
    reference: &str,
) -> Result<Described, CallFailure> {
    let out = shared
        .call(&quotas::KMS_DESCRIBE_KEY, || {
            clients.kms.describe_key().key_id(reference).send()
        })
        .await?;
    let Some(meta) = out.key_metadata().filter(|m| !m.key_id().is_empty()) else {
        return Err(CallFailure::unparsable(
            DESCRIBE_KEY,
            "the response has no KeyMetadata.KeyId",
        ));
    };
    let id = meta.key_id().to_string();
    Ok(Described {
        arn: meta
            .arn()
            .filter(|a| !a.is_empty())
            .map_or_else(|| id.clone(), str::to_string),
        manager: meta.key_manager().map(|m| m.as_str().to_string()),
        state: meta.key_state().map(|s| s.as_str().to_string()),
        spec: meta.key_spec().map(|s| s.as_str().to_string()),
        id,
    })
}

/// The key's alias names: those ListAliases maps to it, plus any alias a resource used to
/// reach it (DescribeKey resolved that alias to this key, so it is one of its aliases even
/// when ListAliases failed or lags behind, as moto's does for `alias/aws/*`).
fn aliases_of(d: &Described, refs: &[&str], listed: &HashMap<String, Vec<String>>) -> Vec<String> {
    let mut aliases: BTreeSet<String> = listed.get(&d.id).into_iter().flatten().cloned().collect();
    aliases.extend(
        refs.iter()
            .filter_map(|r| alias_name(r))
            .map(str::to_string),
    );
    aliases.into_iter().collect()
}

/// The rotation status a key has without asking, or `None` when GetKeyRotationStatus must be
/// called (customer-managed symmetric keys, and keys whose manager cannot be decided).
///
/// - AWS managed keys: AWS rotates them every year and cannot be told otherwise, so rotation is
///   on (what GetKeyRotationStatus reports for them on AWS).
/// - Asymmetric and HMAC keys: automatic rotation does not exist for them, so it is off (AWS
///   answers GetKeyRotationStatus with UnsupportedOperationException).
///
/// `kms.rotation-disabled` reports both as `not_applicable` from the manager and key spec; the
/// value only keeps the inventory truthful.
pub fn rotation_without_asking(details: &KeyDetails) -> Option<bool> {
    if is_aws_managed(details) == Some(true) {
        return Some(true);
    }
    match details.spec.as_deref() {
        Some(spec) if spec != "SYMMETRIC_DEFAULT" => Some(false),
        _ => None,
    }
}

/// Finishes one described key: rotation status (when it has to be asked) and key policy, at
/// the same time. Returns the key and the calls that failed.
async fn complete(
    shared: &Shared,
    clients: &RegionClients,
    d: Described,
    aliases: Vec<String>,
    refs: Vec<&str>,
) -> (Key, Vec<CallFailure>) {
    // rotation_enabled and policy are set from the calls below before the key is returned;
    // the deciding function only reads manager, aliases and spec.
    let mut details = KeyDetails {
        arn: d.arn,
        id: d.id,
        aliases,
        manager: d.manager.map(KeyManager::from),
        state: d.state.map(KeyState::from),
        spec: d.spec,
        rotation_enabled: Err("not collected".into()),
        policy: Err("not collected".into()),
    };
    let known = rotation_without_asking(&details);
    let key_id = details.arn.clone();
    let rotation = async {
        match known {
            Some(enabled) => Ok(enabled),
            None => shared
                .call(&quotas::KMS_GET_KEY_ROTATION_STATUS, || {
                    clients.kms.get_key_rotation_status().key_id(&key_id).send()
                })
                .await
                .map(|out| out.key_rotation_enabled()),
        }
    };
    let policy = async {
        let out = shared
            .call(&quotas::KMS_GET_KEY_POLICY, || {
                clients
                    .kms
                    .get_key_policy()
                    .key_id(&key_id)
                    .policy_name("default")
                    .send()
            })
            .await?;
        out.policy()
            .map(str::to_string)
            .ok_or_else(|| CallFailure::unparsable(GET_KEY_POLICY, "the response has no Policy"))
    };
    let (rotation, policy) = tokio::join!(rotation, policy);

    let mut failures = Vec::new();
    details.rotation_enabled = fetched(rotation, &mut failures);
    details.policy = fetched(policy, &mut failures);
    let key = Key {
        reference: refs.first().copied().unwrap_or_default().to_string(),
        region: clients.region.clone(),
        details: Ok(details),
    };
    (key, failures)
}

/// A call's outcome as inventory data, keeping the failure for [`Collected::note`].
fn fetched<T>(result: Result<T, CallFailure>, failures: &mut Vec<CallFailure>) -> Fetched<T> {
    result.map_err(|f| {
        let reason = f.failure();
        failures.push(f);
        reason
    })
}

#[cfg(test)]
mod tests;
