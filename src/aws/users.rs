//! The users poll area: Cognito `ListUserPools` (paginated), then `DescribeUserPool` per pool
//! (only whether anyone may sign up is kept); `ListIdentityPools` (paginated), then
//! `DescribeIdentityPool` per pool and, only for a pool that lets guests in,
//! `GetIdentityPoolRoles` (its guest role), and those roles that the functions area has not
//! already read. At most two requests per pool beyond the listings; never a user, a group or
//! an identity.

use std::sync::Arc;

use futures_util::StreamExt;

use super::errors::CallFailure;
use super::quotas;
use super::roles::roles_after_functions;
use super::{Collected, RegionClients, Shared};
use crate::domain::finding::Service;
use crate::domain::inventory::{Area, IdentityPool, Inventory, UserPool};

pub const LIST_USER_POOLS: &str = "cognito-idp:ListUserPools";
pub const LIST_IDENTITY_POOLS: &str = "cognito-identity:ListIdentityPools";

/// The largest page both listings serve.
const PAGE_SIZE: i32 = 60;

/// Pools read at once (the family semaphore bounds what is on the wire).
const QUEUE: usize = 32;

/// Collects the user and identity pools of one region. `current` is the merged view so far:
/// roles the functions area already read are not read again.
pub async fn collect(shared: &Shared, clients: &RegionClients, current: &Inventory) -> Collected {
    let region = clients.region.as_str();
    let mut collected = Collected::default();
    collected.inventory.regions.push(region.to_string());
    let account = shared.account_id.clone();

    let (users, identities) = futures_util::future::join(
        list_user_pools(shared, clients),
        list_identity_pools(shared, clients),
    )
    .await;

    match users {
        Err(failure) => {
            let what = (&[Service::CognitoIdp][..], Area::Users);
            collected.listing_failed(what, region, LIST_USER_POOLS, failure);
        }
        Ok(listed) => {
            let read: Vec<_> = futures_util::stream::iter(listed)
                .map(|(id, name)| async move {
                    let signup = self_signup(shared, clients, &id).await;
                    (id, name, signup)
                })
                .buffered(QUEUE)
                .collect()
                .await;
            for (id, name, signup) in read {
                let self_signup = signup.map_err(|f| collected.note(f));
                collected.inventory.user_pools.push(Arc::new(UserPool {
                    arn: format!("arn:aws:cognito-idp:{region}:{account}:userpool/{id}"),
                    id,
                    name,
                    region: region.to_string(),
                    self_signup,
                }));
            }
        }
    }

    match identities {
        Err(failure) => {
            let what = (&[Service::CognitoIdentity][..], Area::Users);
            collected.listing_failed(what, region, LIST_IDENTITY_POOLS, failure);
        }
        Ok(listed) => {
            let read: Vec<_> = futures_util::stream::iter(listed)
                .map(|(id, name)| async move {
                    let guests = guest_access(shared, clients, &id).await;
                    let role = match &guests {
                        Ok(true) => Some(guest_role(shared, clients, &id).await),
                        _ => None,
                    };
                    (id, name, guests, role)
                })
                .buffered(QUEUE)
                .collect()
                .await;
            for (id, name, guests, role) in read {
                let guest_role = match role {
                    Some(r) => r.map_err(|f| collected.note(f)),
                    None => Ok(None),
                };
                let guest_access = guests.map_err(|f| collected.note(f));
                collected
                    .inventory
                    .identity_pools
                    .push(Arc::new(IdentityPool {
                        arn: format!(
                            "arn:aws:cognito-identity:{region}:{account}:identitypool/{id}"
                        ),
                        id,
                        name,
                        region: region.to_string(),
                        guest_access,
                        guest_role,
                    }));
            }
        }
    }

    let guest_roles: Vec<String> = collected
        .inventory
        .identity_pools
        .iter()
        .filter_map(|p| p.guest_role_arn().map(str::to_string))
        .collect();
    let (roles, failures) =
        roles_after_functions(shared, current, guest_roles.iter().map(String::as_str)).await;
    collected.failures.extend(failures);
    collected.inventory.roles = roles;
    collected
}

/// Every user pool of the region: (id, name).
async fn list_user_pools(
    shared: &Shared,
    clients: &RegionClients,
) -> Result<Vec<(String, String)>, CallFailure> {
    shared
        .pages(
            &quotas::COGNITO_LIST_USER_POOLS,
            |token| {
                clients
                    .cognito_idp
                    .list_user_pools()
                    .set_next_token(token)
                    .max_results(PAGE_SIZE)
                    .send()
            },
            |page| {
                let items = page
                    .user_pools
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|p| Some((p.id?, p.name.unwrap_or_default())))
                    .collect();
                (items, page.next_token)
            },
        )
        .await
}

/// Whether anyone may sign up to the pool: `AllowAdminCreateUserOnly` false (its default,
/// also when the pool says nothing about it).
async fn self_signup(
    shared: &Shared,
    clients: &RegionClients,
    id: &str,
) -> Result<bool, CallFailure> {
    let out = shared
        .call(&quotas::COGNITO_DESCRIBE_USER_POOL, || {
            clients
                .cognito_idp
                .describe_user_pool()
                .user_pool_id(id)
                .send()
        })
        .await?;
    Ok(!out
        .user_pool
        .and_then(|p| p.admin_create_user_config)
        .is_some_and(|c| c.allow_admin_create_user_only))
}

/// Every identity pool of the region: (id, name).
async fn list_identity_pools(
    shared: &Shared,
    clients: &RegionClients,
) -> Result<Vec<(String, String)>, CallFailure> {
    shared
        .pages(
            &quotas::COGNITO_LIST_IDENTITY_POOLS,
            |token| {
                clients
                    .cognito_identity
                    .list_identity_pools()
                    .set_next_token(token)
                    .max_results(PAGE_SIZE)
                    .send()
            },
            |page| {
                let items = page
                    .identity_pools
                    .unwrap_or_default()
                    .into_iter()
                    .filter_map(|p| {
                        Some((
                            p.identity_pool_id?,
                            p.identity_pool_name.unwrap_or_default(),
                        ))
                    })
                    .collect();
                (items, page.next_token)
            },
        )
        .await
}

async fn guest_access(
    shared: &Shared,
    clients: &RegionClients,
    id: &str,
) -> Result<bool, CallFailure> {
    let out = shared
        .call(&quotas::COGNITO_DESCRIBE_IDENTITY_POOL, || {
            clients
                .cognito_identity
                .describe_identity_pool()
                .identity_pool_id(id)
                .send()
        })
        .await?;
    Ok(out.allow_unauthenticated_identities)
}

/// The pool's guest role (`Roles.unauthenticated`), if any.
async fn guest_role(
    shared: &Shared,
    clients: &RegionClients,
    id: &str,
) -> Result<Option<String>, CallFailure> {
    let out = shared
        .call(&quotas::COGNITO_GET_IDENTITY_POOL_ROLES, || {
            clients
                .cognito_identity
                .get_identity_pool_roles()
                .identity_pool_id(id)
                .send()
        })
        .await?;
    Ok(out
        .roles
        .and_then(|mut r| r.remove("unauthenticated"))
        .filter(|r| !r.trim().is_empty()))
}

#[cfg(test)]
mod tests;
