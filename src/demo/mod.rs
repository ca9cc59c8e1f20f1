//! The embedded demo account: the e-commerce case study (payments, orders, inventory,
//! notifications) as a realistic mix of good and bad settings.
//!
//! Everything is built in code against the inventory model, and every date is relative to the
//! `now` passed in, so the findings are the same whenever the demo runs. The fixture is shaped so
//! that every check of the catalogue has at least one passing and one failing resource, plus a
//! few `unknown`s from realistic collection errors (a denied GetPolicy, an unreadable managed
//! policy, a key pending deletion whose rotation status cannot be read).
//!
//! The credentials below are fake: they only look like credentials so the detectors fire.

mod code;
mod fixture;
mod gateways;
mod graphql;
mod iam;
mod lambda;
pub mod replay;
mod secrets;
mod triggers;
mod users;
mod workflows;

use crate::domain::failure::Failure;
use crate::domain::inventory::LogGroup;
use gateways::*;
use iam::*;
use lambda::*;
use secrets::*;

use std::collections::BTreeMap;
use std::time::Duration;

use time::OffsetDateTime;

use crate::domain::collection::CollectionState;
use crate::domain::source::Batch;
use std::sync::Arc;

use fixture::*;
pub use fixture::{
    DEMO_ACCOUNT, PARTNER_ACCOUNT, PRIMARY_REGION, SECONDARY_REGION, committed_secret_values,
    runtime_deprecating_soon, secret_values,
};

// ─────────────────────────────── the inventory ───────────────────────────────

/// The whole demo account as of `now`.
pub fn inventory(now: OffsetDateTime) -> Inventory {
    let (function_code, layer_code) = code::code(&all_functions(now));
    Inventory {
        account_id: DEMO_ACCOUNT.to_string(),
        regions: vec![USE1.to_string(), EUW1.to_string()],
        functions: shared(all_functions(now)),
        roles: roles()
            .into_iter()
            .chain(triggers::trigger_roles())
            .chain(workflows::roles())
            .chain(graphql::roles())
            .chain(users::roles())
            .map(|(k, v)| (k, Arc::new(v)))
            .collect(),
        rest_apis: shared(rest_apis()),
        rest_domains: rest_domains(),
        usage_plans: usage_plans(),
        v2_apis: shared(v2_apis()),
        v2_domains: v2_domains(),
        secrets: shared(secrets(now)),
        reserved_concurrency: reserved_concurrency(&all_functions(now)),
        keys: shared(keys()),
        mappings: shared(triggers::mappings()),
        queues: shared(triggers::queues()),
        topics: shared(triggers::topics()),
        buses: shared(triggers::buses()),
        streams: shared(triggers::streams()),
        function_code,
        layer_code,
        state_machines: shared(workflows::state_machines()),
        graphql_apis: shared(graphql::graphql_apis(now)),
        user_pools: shared(users::user_pools()),
        identity_pools: shared(users::identity_pools()),
        log_groups: log_groups(&all_functions(now)),
        list_failures: Vec::new(),
    }
}

/// The functions' log groups as the logs area reports them: most keep 30 days (the
/// payments ones a year), the nightly report and the legacy export keep theirs forever, and
/// the image resizer has never run, so its group does not exist.
fn log_groups(functions: &[Function]) -> BTreeMap<String, Fetched<Vec<LogGroup>>> {
    let mut out: BTreeMap<String, Fetched<Vec<LogGroup>>> = BTreeMap::new();
    for region in [USE1, EUW1] {
        out.insert(region.to_string(), Ok(Vec::new()));
    }
    for f in functions {
        let retention_days = match f.name.as_str() {
            "image-resize" => continue,
            "reports-nightly" | "legacy-export" => None,
            n if n.starts_with("payments-") => Some(365),
            _ => Some(30),
        };
        if let Some(Ok(groups)) = out.get_mut(&f.region) {
            groups.push(LogGroup {
                name: f.log_group_name(),
                retention_days,
            });
        }
    }
    out
}

/// Reserved concurrency as the throttles area reports it: the capped functions, every other
/// function read and unreserved.
fn reserved_concurrency(
    functions: &[Function],
) -> BTreeMap<String, BTreeMap<String, Fetched<Option<i32>>>> {
    const CAPPED: [(&str, i32); 4] = [
        ("payments-charge", 50),
        ("payments-webhook", 20),
        ("inventory-reserve", 25),
        ("auth-authorizer", 100),
    ];
    let mut out: BTreeMap<String, BTreeMap<String, Fetched<Option<i32>>>> = BTreeMap::new();
    for f in functions {
        let reserved = CAPPED
            .iter()
            .find(|(name, _)| *name == f.name)
            .map(|(_, n)| *n);
        out.entry(f.region.clone())
            .or_default()
            .insert(f.arn.clone(), Ok(reserved));
    }
    out
}

/// The functions the APIs reach and those only events reach, each with the code signing
/// config that covers it.
fn all_functions(now: OffsetDateTime) -> Vec<Function> {
    let mut all = functions(now);
    all.extend(triggers::trigger_functions());
    for f in &mut all {
        f.code_signing = triggers::code_signing(f);
        f.aliases = triggers::aliases(f);
    }
    all
}

fn shared<T>(items: Vec<T>) -> Vec<Arc<T>> {
    items.into_iter().map(Arc::new).collect()
}

/// The demo account's snapshot as of `now`, with `mutes` and a Prowler `mutelist` applied:
/// what `parapet --demo --export` writes.
pub fn snapshot(
    now: OffsetDateTime,
    ctx: &crate::domain::catalogue::Context,
    mutes: Vec<crate::domain::assessment::Mute>,
    mutelist: Option<&crate::domain::mutelist::Mutelist>,
) -> crate::domain::snapshot::Snapshot {
    let inventory = inventory(now);
    let assessment = crate::domain::assessment::Assessment::evaluate(&inventory, ctx, &mutes)
        .with_mutelist(mutelist, &inventory.account_id);
    let collection = batches(now).iter().map(|b| b.collection_status()).collect();
    crate::domain::snapshot::Snapshot::of(
        assessment,
        inventory.account_id.clone(),
        None,
        inventory.regions.clone(),
        collection,
        now,
    )
    .with_mutes(mutes)
}

// ─────────────────────────────── batches ───────────────────────────────

/// The demo inventory split per (area, region) the way live pollers deliver it. Every
/// area × region gets a batch, even an empty one. A batch whose data carries per-call errors
/// is `Partial` with the first error, as a live poller would report it.
pub fn batches(now: OffsetDateTime) -> Vec<Batch> {
    let full = inventory(now);
    let mut out = Vec::new();
    for area in Area::ALL {
        for region in &full.regions {
            out.push(batch(&full, area, region));
        }
    }
    out
}

/// One (area, region) batch of the demo inventory as of `now`.
pub fn batch_for(now: OffsetDateTime, area: Area, region: &str) -> Batch {
    batch(&inventory(now), area, region)
}

fn batch(full: &Inventory, area: Area, region: &str) -> Batch {
    let mut inv = Inventory {
        account_id: full.account_id.clone(),
        regions: vec![region.to_string()],
        ..Default::default()
    };
    let mut errors: Vec<Failure> = Vec::new();
    let mut note = |r: Result<(), &Failure>| {
        if let Err(e) = r {
            errors.push(e.clone());
        }
    };
    match area {
        Area::Functions => {
            inv.functions = full
                .functions
                .iter()
                .filter(|f| f.region == region)
                .cloned()
                .collect();
            for f in &inv.functions {
                note(f.policy.as_ref().map(|_| ()));
                note(f.url.as_ref().map(|_| ()));
                note(f.code_signing.as_ref().map(|_| ()));
                note(f.event_invoke.as_ref().map(|_| ()));
                if let Some((arn, role)) = full.roles.get_key_value(&f.role_arn) {
                    match &**role {
                        Ok(r) => {
                            for p in &r.policies {
                                note(p.document.as_ref().map(|_| ()));
                            }
                        }
                        Err(e) => note(Err(e)),
                    }
                    inv.roles.insert(arn.clone(), role.clone());
                }
            }
        }
        Area::Gateways => {
            inv.rest_apis = full
                .rest_apis
                .iter()
                .filter(|a| a.region == region)
                .cloned()
                .collect();
            inv.rest_domains = full
                .rest_domains
                .iter()
                .filter(|d| d.region == region)
                .cloned()
                .collect();
            inv.v2_apis = full
                .v2_apis
                .iter()
                .filter(|a| a.region == region)
                .cloned()
                .collect();
            inv.v2_domains = full
                .v2_domains
                .iter()
                .filter(|d| d.region == region)
                .cloned()
                .collect();
            for a in &inv.rest_apis {
                note(a.resources.as_ref().map(|_| ()));
                note(a.authorizers.as_ref().map(|_| ()));
                note(a.validators.as_ref().map(|_| ()));
                note(a.stages.as_ref().map(|_| ()));
            }
            for d in &inv.rest_domains {
                note(d.base_path_mappings.as_ref().map(|_| ()));
            }
            for a in &inv.v2_apis {
                note(a.routes.as_ref().map(|_| ()));
                note(a.integrations.as_ref().map(|_| ()));
                note(a.authorizers.as_ref().map(|_| ()));
                note(a.stages.as_ref().map(|_| ()));
            }
        }
        Area::Throttles => {
            if let Some(plans) = full.usage_plans.get(region) {
                note(plans.as_ref().map(|_| ()));
                inv.usage_plans.insert(region.to_string(), plans.clone());
            }
            if let Some(reserved) = full.reserved_concurrency.get(region) {
                for r in reserved.values() {
                    note(r.as_ref().map(|_| ()));
                }
                inv.reserved_concurrency
                    .insert(region.to_string(), reserved.clone());
            }
        }
        Area::Encryption => {
            inv.keys = full
                .keys
                .iter()
                .filter(|k| k.region == region)
                .cloned()
                .collect();
            for k in &inv.keys {
                match &k.details {
                    Ok(d) => {
                        note(d.rotation_enabled.as_ref().map(|_| ()));
                        note(d.policy.as_ref().map(|_| ()));
                    }
                    Err(e) => note(Err(e)),
                }
            }
        }
        Area::Secrets => {
            inv.secrets = full
                .secrets
                .iter()
                .filter(|s| s.region == region)
                .cloned()
                .collect();
            for s in &inv.secrets {
                note(s.policy.as_ref().map(|_| ()));
            }
        }
        Area::Triggers => {
            let here = |r: &String| r == region;
            inv.mappings = full
                .mappings
                .iter()
                .filter(|m| here(&m.region))
                .cloned()
                .collect();
            inv.queues = full
                .queues
                .iter()
                .filter(|q| here(&q.region))
                .cloned()
                .collect();
            inv.topics = full
                .topics
                .iter()
                .filter(|t| here(&t.region))
                .cloned()
                .collect();
            inv.buses = full
                .buses
                .iter()
                .filter(|b| here(&b.region))
                .cloned()
                .collect();
            inv.streams = full
                .streams
                .iter()
                .filter(|s| here(&s.region))
                .cloned()
                .collect();
            for q in &inv.queues {
                note(q.attributes.as_ref().map(|_| ()));
            }
            for t in &inv.topics {
                note(t.attributes.as_ref().map(|_| ()));
            }
            for b in &inv.buses {
                note(b.policy.as_ref().map(|_| ()));
            }
        }
        Area::Code => {
            inv.function_code = full
                .function_code
                .iter()
                .filter(|c| c.region == region)
                .cloned()
                .collect();
            inv.layer_code = full
                .layer_code
                .iter()
                .filter(|l| l.region == region)
                .cloned()
                .collect();
            for c in &inv.function_code {
                note(c.report.as_ref().map(|_| ()));
            }
        }
        Area::Workflows => {
            inv.state_machines = full
                .state_machines
                .iter()
                .filter(|m| m.region == region)
                .cloned()
                .collect();
            for m in &inv.state_machines {
                note(m.described.as_ref().map(|_| ()));
                if let Some((arn, role)) = m.role_arn().and_then(|r| full.roles.get_key_value(r)) {
                    inv.roles.insert(arn.clone(), role.clone());
                }
            }
        }
        Area::Logs => {
            inv.log_groups = full
                .log_groups
                .iter()
                .filter(|(r, _)| r.as_str() == region)
                .map(|(r, g)| (r.clone(), g.clone()))
                .collect();
        }
        Area::Users => {
            inv.user_pools = full
                .user_pools
                .iter()
                .filter(|p| p.region == region)
                .cloned()
                .collect();
            inv.identity_pools = full
                .identity_pools
                .iter()
                .filter(|p| p.region == region)
                .cloned()
                .collect();
            for p in &inv.identity_pools {
                if let Some((arn, role)) =
                    p.guest_role_arn().and_then(|r| full.roles.get_key_value(r))
                {
                    inv.roles.insert(arn.clone(), role.clone());
                }
            }
        }
        Area::Graphql => {
            inv.graphql_apis = full
                .graphql_apis
                .iter()
                .filter(|a| a.region == region)
                .cloned()
                .collect();
            for a in &inv.graphql_apis {
                note(a.api_keys.as_ref().map(|_| ()));
                note(a.data_sources.as_ref().map(|_| ()));
                note(a.resolvers.as_ref().map(|_| ()));
                note(a.functions.as_ref().map(|_| ()));
                for r in a.service_roles() {
                    if let Some((arn, role)) = full.roles.get_key_value(r) {
                        inv.roles.insert(arn.clone(), role.clone());
                    }
                }
            }
        }
    }
    let status = if errors.is_empty() {
        CollectionState::Ok
    } else {
        CollectionState::Partial
    };
    let error = match errors.len() {
        0 => None,
        1 => Some(errors.remove(0)),
        n => Some(
            errors
                .remove(0)
                .with_suffix(&format!(" (and {} more)", n - 1)),
        ),
    };
    Batch {
        area,
        region: region.to_string(),
        status,
        error,
        duration: Duration::ZERO,
        inventory: inv,
        requests: Default::default(),
    }
}

#[cfg(test)]
mod tests;
