//! The execution roles of the functions: each distinct role read once per poll (from the
//! cache of [`Shared::roles`] or IAM), each managed policy once however many roles attach
//! it, and every inline document.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use futures_util::future::join;

/// The largest page the IAM list calls serve.
const IAM_PAGE: i32 = 1000;

use super::errors::CallFailure;
use super::{Shared, fan_out, quotas};
use crate::domain::arn::Arn;
use crate::domain::inventory::{Fetched, Inventory, Role, RolePolicy};

/// The role's name: the last path segment of `arn:aws:iam::ACCOUNT:role/path/name`.
pub(crate) fn role_name(arn: &str) -> Option<&str> {
    Arn::parse(arn)?.role_name()
}

/// What the two role listings said.
struct Listing {
    /// (policy name, policy ARN) of attached managed policies.
    managed: Vec<(String, String)>,
    inline: Vec<String>,
}

/// The roles behind `arns` for an area that runs after functions (workflows, graphql,
/// users): the ones `current` (the merged view so far) already holds are reused, the others
/// read through [`fetch_roles`]. Returns the batch's roles and the failed calls; the merge
/// keeps only roles something still runs as.
pub(crate) async fn roles_after_functions<'a>(
    shared: &Shared,
    current: &Inventory,
    arns: impl IntoIterator<Item = &'a str>,
) -> (BTreeMap<String, Arc<Fetched<Role>>>, Vec<CallFailure>) {
    let arns: BTreeSet<&str> = arns.into_iter().collect();
    let wanted = arns
        .iter()
        .filter(|arn| current.role(arn).is_none())
        .map(|arn| arn.to_string())
        .collect();
    let (read, failures) = fetch_roles(shared, wanted).await;
    let mut roles: BTreeMap<String, Arc<Fetched<Role>>> =
        read.into_iter().map(|(k, v)| (k, Arc::new(v))).collect();
    for arn in arns {
        if let Some(role) = current.roles.get(arn) {
            roles
                .entry(arn.to_string())
                .or_insert_with(|| Arc::clone(role));
        }
    }
    (roles, failures)
}

/// The roles behind `arns`, from the cache or IAM. Returns every role asked for and the
/// failed calls (each reason is already on an `Err` in the map).
///
/// Holds the cache's gate throughout: the functions polls of several regions start together
/// and mostly share roles, so the second waits for the first's reading instead of repeating
/// it. Within a reading, each distinct managed policy is fetched once, however many roles
/// attach it.
pub(crate) async fn fetch_roles(
    shared: &Shared,
    arns: BTreeSet<String>,
) -> (BTreeMap<String, Fetched<Role>>, Vec<CallFailure>) {
    let cache = &shared.iam_cache;
    let _gate = cache.gate.lock().await;
    let mut out = BTreeMap::new();
    let mut failures = Vec::new();
    let mut missing = Vec::new();
    for arn in arns {
        match cache.role(&arn) {
            Some(role) => {
                out.insert(arn, Ok(role));
            }
            None => missing.push(arn),
        }
    }
    let mut to_list = Vec::new();
    for arn in missing {
        match role_name(&arn) {
            Some(name) => to_list.push((arn.clone(), name.to_string())),
            None => {
                out.insert(
                    arn.clone(),
                    Err(format!("not an IAM role ARN: {arn}").into()),
                );
            }
        }
    }
    if to_list.is_empty() {
        return (out, failures);
    }

    // 1. Both listings of every role.
    let listings = fan_out(to_list.iter(), |(_, name)| list_role(shared, name.as_str())).await;
    let mut listed = Vec::new();
    for ((arn, name), listing) in to_list.into_iter().zip(listings) {
        match listing {
            Ok(listing) => listed.push((arn, name, listing)),
            Err(f) => {
                let reason = f.failure();
                failures.push(f);
                out.insert(arn, Err(reason));
            }
        }
    }

    // 2. Each distinct managed policy once (cache first), and every inline document.
    let policy_arns: BTreeSet<&str> = listed
        .iter()
        .flat_map(|(_, _, l)| l.managed.iter().map(|(_, arn)| arn.as_str()))
        .collect();
    let mut documents: BTreeMap<String, Fetched<String>> = BTreeMap::new();
    let mut to_fetch = Vec::new();
    for arn in policy_arns {
        match cache.policy(arn) {
            Some(doc) => {
                documents.insert(arn.to_string(), Ok(doc));
            }
            None => to_fetch.push(arn.to_string()),
        }
    }
    let inline_wanted: Vec<(&str, &str)> = listed
        .iter()
        .flat_map(|(_, name, l)| l.inline.iter().map(move |p| (name.as_str(), p.as_str())))
        .collect();
    let (managed, inline) = join(
        fan_out(to_fetch.iter(), |arn| managed_document(shared, arn)),
        fan_out(inline_wanted.iter(), |(role, policy)| {
            inline_document(shared, role, policy)
        }),
    )
    .await;
    for (arn, doc) in to_fetch.into_iter().zip(managed) {
        let doc = match doc {
            Ok(doc) => {
                cache.put_policy(&arn, doc.clone());
                Ok(doc)
            }
            Err(f) => {
                let reason = f.failure();
                failures.push(f);
                Err(reason)
            }
        };
        documents.insert(arn, doc);
    }
    let mut inline_docs: BTreeMap<(String, String), Fetched<String>> = BTreeMap::new();
    for ((role, policy), doc) in inline_wanted.iter().zip(inline) {
        let doc = doc.map_err(|f| {
            let reason = f.failure();
            failures.push(f);
            reason
        });
        inline_docs.insert((role.to_string(), policy.to_string()), doc);
    }

    // 3. Assemble; cache only roles read completely, so a denial is retried next poll.
    for (arn, name, listing) in listed {
        let mut policies = Vec::new();
        for (policy_name, policy_arn) in listing.managed {
            let document = documents
                .get(&policy_arn)
                .cloned()
                .unwrap_or_else(|| Err(format!("policy {policy_arn} was not fetched").into()));
            policies.push(RolePolicy {
                name: policy_name,
                arn: Some(policy_arn),
                document,
            });
        }
        for policy_name in listing.inline {
            let document = inline_docs
                .remove(&(name.clone(), policy_name.clone()))
                .unwrap_or_else(|| {
                    Err(format!("inline policy {policy_name} was not fetched").into())
                });
            policies.push(RolePolicy {
                name: policy_name,
                arn: None,
                document,
            });
        }
        let role = Role {
            arn: arn.clone(),
            name,
            policies,
        };
        if role.policies.iter().all(|p| p.document.is_ok()) {
            cache.put_role(role.clone());
        }
        out.insert(arn, Ok(role));
    }
    (out, failures)
}

/// ListAttachedRolePolicies and ListRolePolicies of one role, each followed to its end.
async fn list_role(shared: &Shared, role: &str) -> Result<Listing, CallFailure> {
    let (managed, inline) = join(list_attached(shared, role), list_inline(shared, role)).await;
    Ok(Listing {
        managed: managed?,
        inline: inline?,
    })
}

async fn list_attached(shared: &Shared, role: &str) -> Result<Vec<(String, String)>, CallFailure> {
    shared
        .pages(
            &quotas::IAM_LIST_ATTACHED_ROLE_POLICIES,
            |marker| {
                let request = shared.iam.list_attached_role_policies().role_name(role);
                request.set_marker(marker).max_items(IAM_PAGE).send()
            },
            |page| {
                let named = page.attached_policies().iter().filter_map(|p| {
                    let arn = p.policy_arn()?;
                    let name = p
                        .policy_name()
                        .map(str::to_string)
                        .unwrap_or_else(|| arn.rsplit('/').next().unwrap_or(arn).to_string());
                    Some((name, arn.to_string()))
                });
                (
                    named.collect(),
                    next_marker(page.is_truncated(), page.marker()),
                )
            },
        )
        .await
}

async fn list_inline(shared: &Shared, role: &str) -> Result<Vec<String>, CallFailure> {
    shared
        .pages(
            &quotas::IAM_LIST_ROLE_POLICIES,
            |marker| {
                let request = shared.iam.list_role_policies().role_name(role);
                request.set_marker(marker).max_items(IAM_PAGE).send()
            },
            |page| {
                let names = page.policy_names().to_vec();
                (names, next_marker(page.is_truncated(), page.marker()))
            },
        )
        .await
}

/// IAM's next marker: only while the answer says it is truncated.
fn next_marker(truncated: bool, marker: Option<&str>) -> Option<String> {
    marker.filter(|_| truncated).map(str::to_string)
}

/// A managed policy's default version document, raw as IAM returns it (URL-encoded).
async fn managed_document(shared: &Shared, arn: &str) -> Result<String, CallFailure> {
    let policy = shared
        .call(&quotas::IAM_GET_POLICY, || {
            shared.iam.get_policy().policy_arn(arn).send()
        })
        .await?;
    let version = policy
        .policy()
        .and_then(|p| p.default_version_id())
        .ok_or_else(|| {
            CallFailure::unparsable("iam:GetPolicy", "no DefaultVersionId in the answer")
        })?
        .to_string();
    let out = shared
        .call(&quotas::IAM_GET_POLICY_VERSION, || {
            shared
                .iam
                .get_policy_version()
                .policy_arn(arn)
                .version_id(version.clone())
                .send()
        })
        .await?;
    out.policy_version()
        .and_then(|v| v.document())
        .map(str::to_string)
        .ok_or_else(|| CallFailure::unparsable("iam:GetPolicyVersion", "no Document in the answer"))
}

async fn inline_document(shared: &Shared, role: &str, policy: &str) -> Result<String, CallFailure> {
    let out = shared
        .call(&quotas::IAM_GET_ROLE_POLICY, || {
            shared
                .iam
                .get_role_policy()
                .role_name(role)
                .policy_name(policy)
                .send()
        })
        .await?;
    Ok(out.policy_document().to_string())
}
