//! Who can reach an AppSync GraphQL API, and what its resolvers call. Pure: the API, its
//! data sources and resolvers are what the graphql area read; user pools what the users area
//! read.
//!
//! Public (front-doors.md): `visibility GLOBAL` and an authentication provider, default or
//! additional, that anyone can pass: `API_KEY` (the key ships in the web client) or a Cognito
//! user pool anyone can sign up to.

use super::inventory::{Function, GraphqlApi, Inventory};
use super::values::{GraphqlAuthType, GraphqlVisibility};

/// Whether anyone on the internet can call an API.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exposure {
    /// Public, because of the provider named.
    Public(String),
    /// Not public, for the reason given.
    Closed(String),
    /// Could not be decided (a pool not read, a value this version does not know).
    Unknown(String),
}

/// Whether `api` is public in `inv` (see the module documentation).
pub fn exposure(api: &GraphqlApi, inv: &Inventory) -> Exposure {
    match &api.visibility {
        GraphqlVisibility::Private => {
            return Exposure::Closed("visibility PRIVATE: reachable from a VPC only".into());
        }
        GraphqlVisibility::Other(v) if !v.is_empty() => {
            return Exposure::Unknown(format!("visibility {v:?} is not one this version knows"));
        }
        _ => {}
    }
    let mut unknown = None;
    for (i, auth) in api.auth.iter().enumerate() {
        let which = if i == 0 { "default" } else { "additional" };
        match &auth.kind {
            GraphqlAuthType::ApiKey => {
                return Exposure::Public(format!("{which} authentication API_KEY"));
            }
            GraphqlAuthType::UserPools => match &auth.user_pool {
                None => {
                    unknown
                        .get_or_insert(format!("{which} user pool authentication names no pool"));
                }
                Some(pool) => match inv.user_pool(pool) {
                    None => {
                        unknown.get_or_insert(format!(
                            "user pool {} ({}) was not collected",
                            pool.id, pool.region
                        ));
                    }
                    Some(p) => match &p.self_signup {
                        Ok(true) => {
                            return Exposure::Public(format!(
                                "{which} authentication by user pool {} ({}), which anyone can sign up to",
                                p.name, p.id
                            ));
                        }
                        Ok(false) => {}
                        Err(e) => {
                            unknown.get_or_insert(format!("user pool {}: {e}", p.id));
                        }
                    },
                },
            },
            GraphqlAuthType::Other(v) => {
                unknown.get_or_insert(format!(
                    "authentication type {v:?} is not one this version knows"
                ));
            }
            _ => {}
        }
    }
    match unknown {
        Some(why) => Exposure::Unknown(why),
        None => Exposure::Closed(
            "every authentication provider needs an identity the caller cannot give themselves"
                .into(),
        ),
    }
}

/// One resolver that calls a Lambda function: `Type.field`, the data source, the function
/// (ARN as the data source names it) and the data source's service role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LambdaResolver {
    pub field: String,
    pub data_source: String,
    pub function_arn: String,
    pub service_role: Option<String>,
}

/// The resolvers of `api` whose data source (of the unit resolver, or of any function of a
/// pipeline resolver) is a Lambda function. Empty when resolvers or data sources were not
/// read.
pub fn lambda_resolvers(api: &GraphqlApi) -> Vec<LambdaResolver> {
    let (Ok(resolvers), Ok(sources)) = (&api.resolvers, &api.data_sources) else {
        return Vec::new();
    };
    let functions = api.functions.as_ref().map(Vec::as_slice).unwrap_or(&[]);
    let mut out = Vec::new();
    for r in resolvers {
        let names = r.data_source.iter().chain(
            r.pipeline
                .iter()
                .filter_map(|id| functions.iter().find(|f| &f.id == id))
                .filter_map(|f| f.data_source.as_ref()),
        );
        for name in names {
            let Some(ds) = sources.iter().find(|d| &d.name == name) else {
                continue;
            };
            if let Some(arn) = &ds.function_arn {
                out.push(LambdaResolver {
                    field: format!("{}.{}", r.type_name, r.field_name),
                    data_source: ds.name.clone(),
                    function_arn: arn.clone(),
                    service_role: ds.service_role_arn.clone(),
                });
            }
        }
    }
    out
}

/// Whether a data source's function ARN (possibly with a version or alias) is `function`.
pub fn names_function(arn: &str, function: &Function) -> bool {
    let arn = arn.trim();
    arn == function.arn
        || arn
            .strip_prefix(function.arn.as_str())
            .is_some_and(|rest| rest.starts_with(':') && !rest[1..].contains(':'))
}

/// The GraphQL APIs with a resolver that calls `function`, and that resolver (`Type.field`).
pub fn callers_of<'a>(inv: &'a Inventory, function: &Function) -> Vec<(&'a GraphqlApi, String)> {
    let mut out = Vec::new();
    for api in &inv.graphql_apis {
        for r in lambda_resolvers(api) {
            if names_function(&r.function_arn, function) {
                out.push((&**api, r.field));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
