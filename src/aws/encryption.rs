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
    let mut by_key: HashMap<String, Vec<String>> = HashMap::new();
    let mut marker: Option<String> = None;
    let mut seen = std::collections::HashSet::new();
    loop {
        let page = shared
            .call(&quotas::KMS_LIST_ALIASES, || {
                kms.list_aliases()
                    .limit(ALIAS_PAGE_SIZE)
                    .set_marker(marker.clone())
                    .send()
            })
            .await?;
        for alias in page.aliases() {
            if let (Some(name), Some(target)) = (alias.alias_name(), alias.target_key_id()) {
                by_key
                    .entry(target.to_string())
                    .or_default()
                    .push(name.to_string());
            }
        }
        // The last page, or a repeated marker (which would loop forever).
        match page.next_marker() {
            Some(next) if !next.is_empty() && seen.insert(next.to_string()) => {
                marker = Some(next.to_string());
            }
            _ => break,
        }
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
mod tests {
    use super::*;
    use crate::aws::errors::FailureKind;
    use crate::aws::fake::*;
    use crate::domain::catalogue::Context;
    use crate::domain::collection::CollectionState;
    use crate::domain::finding::Status;
    use crate::domain::inventory::{Function, Secret};
    use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
    use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;
    use serde_json::{Value, json};
    use std::sync::Arc;
    use std::sync::atomic::Ordering;

    const CMK: &str = "1234abcd-12ab-34cd-56ef-1234567890ab";
    const RSA: &str = "0987dcba-09fe-87dc-65ba-ab0987654321";
    const AWS_SM: &str = "61e90bb4-446c-4ae8-9757-00eedb4b190f";
    const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"*","Resource":"*"}]}"#;

    fn key_arn(id: &str) -> String {
        format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}")
    }

    fn function(name: &str, region: &str, key: Option<String>) -> Function {
        Function {
            name: name.into(),
            arn: format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"),
            region: region.into(),
            kms_key_arn: key,
            ..Default::default()
        }
    }

    fn secret(name: &str, key: Option<&str>) -> Secret {
        Secret {
            name: name.into(),
            arn: format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-AbCdEf"),
            region: REGION.into(),
            kms_key_id: key.map(str::to_string),
            ..Default::default()
        }
    }

    fn metadata(id: &str, spec: &str) -> Value {
        json!({"KeyMetadata": {
            "AWSAccountId": ACCOUNT, "KeyId": id, "Arn": key_arn(id),
            "Enabled": true, "KeyState": "Enabled", "KeyUsage": "ENCRYPT_DECRYPT",
            // moto says CUSTOMER even for the alias/aws/* keys.
            "KeyManager": "CUSTOMER", "KeySpec": spec, "CustomerMasterKeySpec": spec
        }})
    }

    /// A small account the way moto serves it: a customer key `alias/app` with rotation on, an
    /// RSA signing key, and the secrets manager default key, whose ListAliases entry points at
    /// a stale placeholder id until DescribeKey creates the key.
    fn account(op: &str, body: &Value) -> (u16, String) {
        let key_of = |r: &str| -> Option<&str> {
            match r {
                "alias/app" => Some(CMK),
                r if r == CMK || r == key_arn(CMK) => Some(CMK),
                r if r == RSA || r == key_arn(RSA) => Some(RSA),
                "alias/aws/secretsmanager" => Some(AWS_SM),
                r if r == AWS_SM || r == key_arn(AWS_SM) => Some(AWS_SM),
                _ => None,
            }
        };
        let key = body["KeyId"].as_str().and_then(key_of);
        let v = match (op, key) {
            ("ListAliases", _) => json!({"Aliases": [
                {"AliasName": "alias/app", "AliasArn": format!("arn:aws:kms:{REGION}:{ACCOUNT}:alias/app"), "TargetKeyId": CMK},
                {"AliasName": "alias/app-old", "TargetKeyId": CMK},
                {"AliasName": "alias/aws/secretsmanager", "TargetKeyId": "fee5173a-placeholder"},
                {"AliasName": "alias/unused"}
            ], "Truncated": false}),
            ("DescribeKey", Some(id)) => metadata(
                id,
                if id == RSA {
                    "RSA_2048"
                } else {
                    "SYMMETRIC_DEFAULT"
                },
            ),
            ("GetKeyRotationStatus", Some(id)) => {
                json!({"KeyId": key_arn(id), "KeyRotationEnabled": id == CMK})
            }
            ("GetKeyPolicy", Some(_)) => {
                assert_eq!(body["PolicyName"], "default");
                json!({"Policy": POLICY, "PolicyName": "default"})
            }
            (_, None) => {
                return (
                    400,
                    json!({"__type": "NotFoundException", "message": format!("{} not found", body["KeyId"])})
                        .to_string(),
                );
            }
            (op, _) => panic!("unexpected operation {op}"),
        };
        (200, v.to_string())
    }

    fn current() -> Inventory {
        Inventory {
            functions: vec![
                function("pay", REGION, Some(key_arn(CMK))).into(),
                function("sign", REGION, Some(key_arn(RSA))).into(),
                function("plain", REGION, None).into(),
                function(
                    "elsewhere",
                    "us-east-1",
                    Some("arn:aws:kms:us-east-1:123456789012:key/other".into()),
                )
                .into(),
            ],
            secrets: vec![
                secret("by-alias", Some("alias/app")).into(),
                secret("default-key", None).into(),
                secret("blank-key", Some("  ")).into(),
            ],
            ..Default::default()
        }
    }

    async fn run(fake: &FakeAws, current: &Inventory) -> (Collected, u64) {
        let config = sdk_config(fake.clone(), REGION);
        let shared = shared(&config);
        let collected = collect(&shared, &clients(&config), current).await;
        (collected, shared.calls.load(Ordering::Relaxed))
    }

    fn statuses(inv: &Inventory, check: &str) -> Vec<(String, Status)> {
        let def = crate::domain::checks::find(check).unwrap();
        let ctx = Context::new(time::macros::datetime!(2025-06-01 12:00 UTC));
        (def.evaluate)(def, inv, &ctx)
            .into_iter()
            .map(|f| (f.resource_name.to_string(), f.status))
            .collect()
    }

    #[test]
    fn references_of_the_region_with_the_secrets_default() {
        let refs: Vec<String> = references(&current(), REGION).into_iter().collect();
        assert_eq!(
            refs,
            vec![
                "alias/app".to_string(),
                SECRETS_MANAGER_DEFAULT_KEY.into(),
                key_arn(RSA),
                key_arn(CMK)
            ]
        );
        assert!(references(&Inventory::default(), REGION).is_empty());
    }

    #[test]
    fn alias_names_from_references() {
        assert_eq!(alias_name("alias/app"), Some("alias/app"));
        assert_eq!(
            alias_name("arn:aws:kms:eu-west-1:123456789012:alias/aws/lambda"),
            Some("alias/aws/lambda")
        );
        assert_eq!(alias_name(&key_arn(CMK)), None);
        assert_eq!(alias_name(CMK), None);
        assert_eq!(
            alias_name("arn:aws:kms:eu-west-1:123456789012:alias/"),
            None
        );
    }

    #[tokio::test]
    async fn one_key_per_distinct_key_with_the_calls_it_needs() {
        let fake = FakeAws::new(account);
        let inv = current();
        let (collected, calls) = run(&fake, &inv).await;
        assert_eq!(
            collected.state(),
            CollectionState::Ok,
            "{:?}",
            collected.failures
        );
        let keys = &collected.inventory.keys;
        assert_eq!(keys.len(), 3, "{keys:#?}");

        // The CMK is referenced twice (ARN by a function, alias by a secret): one Key.
        let cmk = inv_key(keys, "alias/app");
        let d = cmk.details.as_ref().unwrap();
        assert_eq!(d.arn, key_arn(CMK));
        assert_eq!(d.id, CMK);
        assert_eq!(d.aliases, ["alias/app", "alias/app-old"]);
        assert_eq!(d.manager, Some(KeyManager::Customer));
        assert_eq!(d.state.as_ref().map(|v| v.as_str()), Some("Enabled"));
        assert_eq!(d.spec.as_deref(), Some("SYMMETRIC_DEFAULT"));
        assert_eq!(d.rotation_enabled, Ok(true));
        assert_eq!(d.policy.as_deref(), Ok(POLICY));
        assert_eq!(cmk.region, REGION);

        // The default key: its alias comes from the reference (ListAliases is stale).
        let sm = inv_key(keys, SECRETS_MANAGER_DEFAULT_KEY);
        let d = sm.details.as_ref().unwrap();
        assert_eq!(d.id, AWS_SM);
        assert_eq!(d.aliases, [SECRETS_MANAGER_DEFAULT_KEY]);
        assert_eq!(
            d.rotation_enabled,
            Ok(true),
            "AWS managed keys rotate yearly"
        );

        let rsa = inv_key(keys, &key_arn(RSA));
        assert_eq!(rsa.details.as_ref().unwrap().rotation_enabled, Ok(false));

        // Every reference finds its key, as the checks look them up.
        let mut merged = inv.clone();
        merged.apply_batch(
            crate::domain::inventory::Area::Encryption,
            REGION,
            collected.inventory.clone(),
        );
        for reference in references(&inv, REGION) {
            assert!(merged.find_key(REGION, &reference).is_some(), "{reference}");
        }

        // ListAliases once; DescribeKey per distinct reference; rotation only for the CMK;
        // a key policy per key; nothing for the other region.
        let mut ops = fake.operations();
        ops.sort();
        assert_eq!(
            ops,
            [
                "DescribeKey",
                "DescribeKey",
                "DescribeKey",
                "DescribeKey",
                "GetKeyPolicy",
                "GetKeyPolicy",
                "GetKeyPolicy",
                "GetKeyRotationStatus",
                "ListAliases"
            ]
        );
        assert_eq!(calls, 9);
        assert_eq!(
            fake.bodies("GetKeyRotationStatus")[0]["KeyId"],
            key_arn(CMK)
        );
        assert!(
            fake.requests()
                .iter()
                .all(|(_, b)| !b.to_string().contains("us-east-1"))
        );

        // kms.rotation-disabled sees what it expects from each key.
        let mut rotation = statuses(&merged, "kms.rotation-disabled");
        rotation.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(
            rotation,
            [
                (RSA.to_string(), Status::NotApplicable),
                ("app".to_string(), Status::Pass),
                ("aws/secretsmanager".to_string(), Status::NotApplicable),
            ]
        );
    }

    fn inv_key<'a>(keys: &'a [Arc<Key>], reference: &str) -> &'a Key {
        keys.iter()
            .map(|k| &**k)
            .find(|k| k.matches(reference))
            .unwrap_or_else(|| panic!("no key for {reference}"))
    }

    #[tokio::test]
    async fn customer_key_with_rotation_off_fails_the_check() {
        let fake = FakeAws::new(|op, body| {
            if op == "GetKeyRotationStatus" {
                return (200, json!({"KeyRotationEnabled": false}).to_string());
            }
            account(op, body)
        });
        let inv = Inventory {
            secrets: vec![secret("s", Some("alias/app")).into()],
            ..Default::default()
        };
        let (collected, calls) = run(&fake, &inv).await;
        assert_eq!(calls, 4);
        assert_eq!(
            statuses(&collected.inventory, "kms.rotation-disabled"),
            [("app".to_string(), Status::Fail)]
        );
    }

    #[tokio::test]
    async fn denied_calls_become_reasons_on_the_key() {
        let fake = FakeAws::new(|op, body| match op {
            "GetKeyRotationStatus" => (403, xml_access_denied("kms:GetKeyRotationStatus")),
            "GetKeyPolicy" => (403, xml_access_denied("kms:GetKeyPolicy")),
            "DescribeKey" if body["KeyId"] == key_arn(RSA) => {
                (403, xml_access_denied("kms:DescribeKey"))
            }
            _ => account(op, body),
        });
        let inv = Inventory {
            functions: vec![
                function("pay", REGION, Some(key_arn(CMK))).into(),
                function("sign", REGION, Some(key_arn(RSA))).into(),
            ],
            ..Default::default()
        };
        let (collected, _) = run(&fake, &inv).await;
        assert_eq!(collected.state(), CollectionState::Partial);
        let keys = &collected.inventory.keys;
        let rsa = inv_key(keys, &key_arn(RSA));
        assert_eq!(
            rsa.details,
            Err("AccessDenied: missing kms:DescribeKey".into())
        );
        let cmk = inv_key(keys, &key_arn(CMK)).details.as_ref().unwrap();
        assert_eq!(
            cmk.rotation_enabled,
            Err("AccessDenied: missing kms:GetKeyRotationStatus".into())
        );
        assert_eq!(
            cmk.policy,
            Err("AccessDenied: missing kms:GetKeyPolicy".into())
        );
        assert_eq!(collected.failures.len(), 3);
        for check in ["kms.rotation-disabled", "kms.public-key-policy"] {
            assert!(
                statuses(&collected.inventory, check)
                    .iter()
                    .all(|(_, s)| *s == Status::Unknown),
                "{check}"
            );
        }
    }

    #[tokio::test]
    async fn failed_alias_listing_still_collects_keys() {
        let fake = FakeAws::new(|op, body| match op {
            "ListAliases" => (403, xml_access_denied("kms:ListAliases")),
            _ => account(op, body),
        });
        let (collected, _) = run(&fake, &current()).await;
        assert_eq!(collected.state(), CollectionState::Partial);
        assert_eq!(
            collected.error().as_deref(),
            Some("AccessDenied: missing kms:ListAliases")
        );
        assert!(collected.inventory.list_failures.is_empty());
        let keys = &collected.inventory.keys;
        assert_eq!(keys.len(), 3);
        // Aliases only from the references that used them.
        let cmk = inv_key(keys, &key_arn(CMK)).details.as_ref().unwrap();
        assert_eq!(cmk.aliases, ["alias/app"]);
        let rsa = inv_key(keys, &key_arn(RSA)).details.as_ref().unwrap();
        assert!(rsa.aliases.is_empty());
    }

    #[tokio::test]
    async fn missing_key_is_an_unknown_not_a_pass() {
        let fake = FakeAws::new(account);
        let inv = Inventory {
            secrets: vec![secret("s", Some("alias/deleted")).into()],
            ..Default::default()
        };
        let (collected, _) = run(&fake, &inv).await;
        let key = &collected.inventory.keys[0];
        assert_eq!(key.reference, "alias/deleted");
        assert!(
            key.details.as_ref().unwrap_err().starts_with("NotFound"),
            "{key:?}"
        );
        assert_eq!(
            statuses(&collected.inventory, "kms.pending-deletion"),
            [("alias/deleted".to_string(), Status::Unknown)]
        );
    }

    #[tokio::test]
    async fn keys_behind_failed_listings_are_unknown_for_the_region() {
        let fake = FakeAws::new(|op, _| panic!("unexpected {op}"));
        let failure = |service: Service, call: &str, region: &str| ListFailure {
            service,
            area: service.area(),
            region: region.into(),
            call: call.into(),
            reason: "Throttled: rate exceeded".into(),
        };
        let inv = Inventory {
            list_failures: vec![
                failure(
                    Service::SecretsManager,
                    "secretsmanager:ListSecrets",
                    REGION,
                ),
                failure(Service::Lambda, "lambda:ListFunctions", "ap-south-1"),
                failure(Service::ApiGateway, "apigateway:GetRestApis", REGION),
            ],
            ..Default::default()
        };
        let (collected, calls) = run(&fake, &inv).await;
        assert_eq!(calls, 0);
        let failures = &collected.inventory.list_failures;
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert_eq!(failures[0].service.as_str(), "kms");
        assert_eq!(failures[0].region, REGION);
        assert!(
            failures[0]
                .reason
                .contains("secretsmanager:ListSecrets failed: Throttled"),
            "{}",
            failures[0].reason
        );
    }

    #[tokio::test]
    async fn nothing_referenced_sends_nothing() {
        let fake = FakeAws::new(|op, _| panic!("unexpected {op}"));
        let inv = Inventory {
            functions: vec![function("plain", REGION, None).into()],
            ..Default::default()
        };
        let (collected, calls) = run(&fake, &inv).await;
        assert_eq!(calls, 0);
        assert!(collected.inventory.keys.is_empty());
        assert_eq!(collected.inventory.regions, [REGION]);
        assert_eq!(collected.state(), CollectionState::Ok);
    }

    #[test]
    fn rotation_is_asked_only_of_customer_symmetric_keys() {
        let base = KeyDetails {
            arn: key_arn(CMK),
            id: CMK.into(),
            aliases: vec!["alias/app".into()],
            manager: Some("CUSTOMER".into()),
            state: Some("Enabled".into()),
            spec: Some("SYMMETRIC_DEFAULT".into()),
            rotation_enabled: Ok(false),
            policy: Ok(String::new()),
        };
        assert_eq!(rotation_without_asking(&base), None);
        let aws = KeyDetails {
            manager: Some("AWS".into()),
            aliases: vec![],
            ..base.clone()
        };
        assert_eq!(rotation_without_asking(&aws), Some(true));
        let moto_aws = KeyDetails {
            aliases: vec!["alias/aws/lambda".into()],
            ..base.clone()
        };
        assert_eq!(rotation_without_asking(&moto_aws), Some(true));
        for spec in ["RSA_2048", "ECC_NIST_P256", "HMAC_256"] {
            let k = KeyDetails {
                spec: Some(spec.into()),
                ..base.clone()
            };
            assert_eq!(rotation_without_asking(&k), Some(false), "{spec}");
        }
        let undecided = KeyDetails {
            manager: None,
            aliases: vec![],
            spec: None,
            ..base
        };
        assert_eq!(rotation_without_asking(&undecided), None, "ask when unsure");
    }

    // ── recorded HTTP exchanges (StaticReplayClient) ──

    fn request(target: &str, body: Value) -> HttpRequest {
        let mut req = HttpRequest::new(SdkBody::from(body.to_string()));
        req.set_uri(format!("https://kms.{REGION}.amazonaws.com/"))
            .unwrap();
        req.headers_mut().insert("x-amz-target", target.to_string());
        req.headers_mut()
            .insert("content-type", "application/x-amz-json-1.1");
        req
    }

    fn response(status: u16, content_type: &'static str, body: String) -> HttpResponse {
        let mut res = HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body));
        res.headers_mut().insert("content-type", content_type);
        res
    }

    fn json_response(body: Value) -> HttpResponse {
        response(200, "application/x-amz-json-1.1", body.to_string())
    }

    #[tokio::test]
    async fn list_aliases_follows_next_marker() {
        let replay = StaticReplayClient::new(vec![
            ReplayEvent::new(
                request("TrentService.ListAliases", json!({"Limit": 100})),
                json_response(json!({
                    "Aliases": [
                        {"AliasName": "alias/app", "TargetKeyId": CMK},
                        {"AliasName": "alias/aws/lambda", "TargetKeyId": AWS_SM}
                    ],
                    "NextMarker": "page-2", "Truncated": true
                })),
            ),
            ReplayEvent::new(
                request(
                    "TrentService.ListAliases",
                    json!({"Limit": 100, "Marker": "page-2"}),
                ),
                json_response(json!({
                    "Aliases": [
                        {"AliasName": "alias/app-old", "TargetKeyId": CMK},
                        {"AliasName": "alias/unassigned"}
                    ],
                    "Truncated": false
                })),
            ),
        ]);
        let config = sdk_config(replay.clone(), REGION);
        let shared = shared(&config);
        let map = list_aliases(&shared, &clients(&config).kms).await.unwrap();
        assert_eq!(map[CMK], ["alias/app", "alias/app-old"]);
        assert_eq!(map[AWS_SM], ["alias/aws/lambda"]);
        assert_eq!(map.len(), 2, "an alias without a target maps to nothing");
        assert_eq!(shared.calls.load(Ordering::Relaxed), 2);
        let bodies: Vec<Value> = replay
            .actual_requests()
            .map(|r| serde_json::from_slice(r.body().bytes().unwrap()).unwrap())
            .collect();
        assert_eq!(bodies.len(), 2);
        assert_eq!(bodies[0].get("Marker"), None);
        assert_eq!(bodies[1]["Marker"], "page-2");
        replay.relaxed_requests_match();
    }

    #[tokio::test]
    async fn describe_key_denied_with_an_xml_403() {
        let replay = StaticReplayClient::new(vec![ReplayEvent::new(
            request("TrentService.DescribeKey", json!({"KeyId": key_arn(CMK)})),
            response(403, "text/xml", xml_access_denied("kms:DescribeKey")),
        )]);
        let config = sdk_config(replay.clone(), REGION);
        let shared = shared(&config);
        let err = describe(&shared, &clients(&config), &key_arn(CMK))
            .await
            .unwrap_err();
        assert_eq!(err.kind, FailureKind::Denied);
        assert_eq!(err.status, Some(403));
        assert_eq!(err.reason(), "AccessDenied: missing kms:DescribeKey");
        assert_eq!(
            replay.actual_requests().count(),
            1,
            "a denial is not retried"
        );
    }
}
