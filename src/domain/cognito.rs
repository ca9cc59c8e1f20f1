//! Which gateway authorizers trust a Cognito user pool, and through which routes: a REST
//! `COGNITO_USER_POOLS` authorizer names the pool's ARN among its `providerARNs`; an HTTP API
//! JWT authorizer trusts the pool only when its issuer is exactly the pool's URL
//! (`https://cognito-idp.REGION.amazonaws.com/POOL_ID`). Pure.

use super::inventory::{Authorizer, Inventory, UserPool};
use super::values::AuthorizerType;

/// The issuer URL of a user pool's tokens.
pub fn issuer_of(pool: &UserPool) -> String {
    format!(
        "https://cognito-idp.{}.amazonaws.com/{}",
        pool.region, pool.id
    )
}

/// Whether a JWT authorizer's `issuer` is `pool`'s URL (a trailing slash aside; the host in
/// any case, the pool id exactly, as token validation compares it).
pub fn issuer_names_pool(issuer: &str, pool: &UserPool) -> bool {
    let issuer = issuer.trim().trim_end_matches('/');
    let want = issuer_of(pool);
    match (issuer.rsplit_once('/'), want.rsplit_once('/')) {
        (Some((host, id)), Some((want_host, want_id))) => {
            id == want_id && host.eq_ignore_ascii_case(want_host)
        }
        _ => false,
    }
}

/// Whether `authorizer` trusts `pool`.
pub fn trusts(authorizer: &Authorizer, pool: &UserPool) -> bool {
    match authorizer.authorizer_type {
        AuthorizerType::CognitoUserPools => authorizer
            .provider_arns
            .iter()
            .any(|arn| arn.trim() == pool.arn),
        AuthorizerType::Jwt => authorizer
            .jwt_issuer
            .as_deref()
            .is_some_and(|i| issuer_names_pool(i, pool)),
        _ => false,
    }
}

/// One authorizer that trusts a pool: the API, the authorizer, and the routes or methods
/// that use it (`POST /orders`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PoolUse {
    /// `REST API shop-api (us-east-1)` or `HTTP API orders (eu-west-1)`.
    pub api: String,
    pub authorizer: String,
    pub routes: Vec<String>,
}

impl PoolUse {
    /// `REST API shop-api → POST /orders → authorizer shop-users`.
    pub fn path(&self) -> String {
        let routes = match self.routes.as_slice() {
            [] => "(no route uses it)".to_string(),
            [one] => one.clone(),
            [first, rest @ ..] => format!("{first} (and {} more)", rest.len()),
        };
        format!("{} → {routes} → authorizer {}", self.api, self.authorizer)
    }
}

/// The authorizers of every API that trust `pool`. `Err` names an API whose authorizers
/// could not be read when none was found elsewhere (the pool may back it).
pub fn pool_uses(inv: &Inventory, pool: &UserPool) -> (Vec<PoolUse>, Option<String>) {
    let mut uses = Vec::new();
    let mut unread = None;
    for api in &inv.rest_apis {
        let authorizers = match &api.authorizers {
            Ok(a) => a,
            Err(e) => {
                unread.get_or_insert(format!("authorizers of REST API {}: {e}", api.name));
                continue;
            }
        };
        for a in authorizers.iter().filter(|a| trusts(a, pool)) {
            let routes = api
                .resources
                .iter()
                .flatten()
                .flat_map(|r| {
                    r.methods
                        .iter()
                        .filter(|m| m.authorizer_id.as_deref() == Some(a.id.as_str()))
                        .map(move |m| format!("{} {}", m.http_method, r.path))
                })
                .collect();
            uses.push(PoolUse {
                api: format!("REST API {} ({})", api.name, api.region),
                authorizer: a.name.clone(),
                routes,
            });
        }
    }
    for api in &inv.v2_apis {
        let authorizers = match &api.authorizers {
            Ok(a) => a,
            Err(e) => {
                unread.get_or_insert(format!("authorizers of HTTP API {}: {e}", api.name));
                continue;
            }
        };
        for a in authorizers.iter().filter(|a| trusts(a, pool)) {
            let routes = api
                .routes
                .iter()
                .flatten()
                .filter(|r| r.authorizer_id.as_deref() == Some(a.id.as_str()))
                .map(|r| r.route_key.clone())
                .collect();
            uses.push(PoolUse {
                api: format!("HTTP API {} ({})", api.name, api.region),
                authorizer: a.name.clone(),
                routes,
            });
        }
    }
    (uses, unread)
}

#[cfg(test)]
mod tests;
