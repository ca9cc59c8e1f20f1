//! The graphql poll area: AppSync `ListGraphqlApis` (paginated; authentication, visibility,
//! logging, WAF, introspection and query limits come with the listing), then per API the
//! listings under it: `ListApiKeys` (only when each key expires: a key's id is the key, and
//! is dropped as it is read), `ListDataSources`, `ListFunctions`, `ListTypes` and
//! `ListResolvers` for each object type of the schema; and the data sources' service roles
//! that the functions area has not already read. Every request is a listing: nothing is
//! described one item at a time, and no query is ever run against an API.

use std::sync::Arc;

use aws_sdk_appsync::types::TypeDefinitionFormat;
use futures_util::StreamExt;

use super::errors::CallFailure;
use super::quotas;
use super::roles::roles_after_functions;
use super::{Collected, RegionClients, Shared};
use crate::domain::finding::Service;
use crate::domain::inventory::{
    Area, DataSource, Fetched, GraphqlApi, GraphqlAuth, Inventory, PipelineFunction, PoolRef,
    Resolver, ResolverCode,
};
use crate::domain::values::{FieldLogLevel, GraphqlAuthType, GraphqlVisibility, Introspection};

pub const LIST_GRAPHQL_APIS: &str = "appsync:ListGraphqlApis";

/// The largest page AppSync's listings serve.
const PAGE_SIZE: i32 = 25;

/// APIs read at once (the family semaphore bounds what is on the wire).
const QUEUE: usize = 16;

/// Collects the GraphQL APIs of one region. `current` is the merged view so far: roles the
/// functions area already read are not read again.
pub async fn collect(shared: &Shared, clients: &RegionClients, current: &Inventory) -> Collected {
    let region = clients.region.as_str();
    let mut collected = Collected::default();
    collected.inventory.regions.push(region.to_string());

    let listed = match list(shared, clients).await {
        Ok(listed) => listed,
        Err(failure) => {
            let what = (&[Service::AppSync][..], Area::Graphql);
            collected.listing_failed(what, region, LIST_GRAPHQL_APIS, failure);
            return collected;
        }
    };
    let read: Vec<_> = futures_util::stream::iter(listed)
        .map(|mut api| async move {
            let id = api.api_id.clone();
            let (keys, sources, functions, resolvers) = futures_util::future::join4(
                api_keys(shared, clients, &id),
                data_sources(shared, clients, &id),
                functions(shared, clients, &id),
                resolvers(shared, clients, &id),
            )
            .await;
            let mut failures = Vec::new();
            api.region = clients.region.clone();
            api.api_keys = kept(keys, &mut failures);
            api.data_sources = kept(sources, &mut failures);
            api.functions = kept(functions, &mut failures);
            api.resolvers = kept(resolvers, &mut failures);
            (api, failures)
        })
        .buffered(QUEUE)
        .collect()
        .await;

    let mut apis = Vec::new();
    for (api, failures) in read {
        collected.failures.extend(failures);
        apis.push(api);
    }
    let (roles, failures) =
        roles_after_functions(shared, current, apis.iter().flat_map(|a| a.service_roles())).await;
    collected.failures.extend(failures);
    collected.inventory.roles = roles;
    collected.inventory.graphql_apis = apis.into_iter().map(Arc::new).collect();
    collected
}

/// A listing's result as the model keeps it; its failure, if any, joins `failures`.
fn kept<T>(r: Result<T, CallFailure>, failures: &mut Vec<CallFailure>) -> Fetched<T> {
    r.map_err(|f| {
        let reason = f.failure();
        failures.push(f);
        reason
    })
}

/// Every GraphQL API of the region, with what the listing says; the listings under each are
/// still to be read (left `Ok(empty)` here).
async fn list(shared: &Shared, clients: &RegionClients) -> Result<Vec<GraphqlApi>, CallFailure> {
    shared
        .pages(
            &quotas::APPSYNC_LIST_GRAPHQL_APIS,
            |token| {
                clients
                    .appsync
                    .list_graphql_apis()
                    .set_next_token(token)
                    .max_results(PAGE_SIZE)
                    .send()
            },
            |page| {
                let items = page
                    .graphql_apis
                    .unwrap_or_default()
                    .into_iter()
                    .map(api_of)
                    .collect();
                (items, page.next_token)
            },
        )
        .await
}

/// The model of one listed API.
fn api_of(a: aws_sdk_appsync::types::GraphqlApi) -> GraphqlApi {
    let pool = |id: String, region: String| PoolRef { id, region };
    let mut auth = Vec::new();
    if let Some(kind) = &a.authentication_type {
        auth.push(GraphqlAuth {
            kind: GraphqlAuthType::parse(kind.as_str()),
            user_pool: a
                .user_pool_config
                .clone()
                .map(|c| pool(c.user_pool_id, c.aws_region)),
        });
    }
    for extra in a.additional_authentication_providers.unwrap_or_default() {
        auth.push(GraphqlAuth {
            kind: extra
                .authentication_type
                .map_or_else(GraphqlAuthType::default, |k| {
                    GraphqlAuthType::parse(k.as_str())
                }),
            user_pool: extra
                .user_pool_config
                .map(|c| pool(c.user_pool_id, c.aws_region)),
        });
    }
    let introspection = a
        .introspection_config
        .map(|i| Introspection::parse(i.as_str()));
    // The query limits came in the same release as introspectionConfig, which AWS always
    // returns since (absent means ENABLED): an answer without it predates the limits, so
    // its zeros (the SDK's default for a missing number) are not read as "no limit".
    let said = introspection.is_some();
    GraphqlApi {
        arn: a.arn.unwrap_or_default(),
        api_id: a.api_id.unwrap_or_default(),
        name: a.name.unwrap_or_default(),
        region: String::new(),
        visibility: a.visibility.map_or_else(GraphqlVisibility::default, |v| {
            GraphqlVisibility::parse(v.as_str())
        }),
        auth,
        field_log_level: a
            .log_config
            .map(|l| FieldLogLevel::parse(l.field_log_level.as_str())),
        waf_web_acl_arn: a.waf_web_acl_arn.filter(|w| !w.trim().is_empty()),
        introspection,
        query_depth_limit: said.then_some(a.query_depth_limit),
        resolver_count_limit: said.then_some(a.resolver_count_limit),
        api_keys: Ok(Vec::new()),
        data_sources: Ok(Vec::new()),
        resolvers: Ok(Vec::new()),
        functions: Ok(Vec::new()),
    }
}

/// When each of the API's keys expires. The key (its `id`) is not kept.
async fn api_keys(
    shared: &Shared,
    clients: &RegionClients,
    api_id: &str,
) -> Result<Vec<i64>, CallFailure> {
    shared
        .pages(
            &quotas::APPSYNC_LIST_API_KEYS,
            |token| {
                clients
                    .appsync
                    .list_api_keys()
                    .api_id(api_id)
                    .set_next_token(token)
                    .max_results(PAGE_SIZE)
                    .send()
            },
            |page| {
                let items = page
                    .api_keys
                    .unwrap_or_default()
                    .into_iter()
                    .map(|k| k.expires)
                    .collect();
                (items, page.next_token)
            },
        )
        .await
}

async fn data_sources(
    shared: &Shared,
    clients: &RegionClients,
    api_id: &str,
) -> Result<Vec<DataSource>, CallFailure> {
    shared
        .pages(
            &quotas::APPSYNC_LIST_DATA_SOURCES,
            |token| {
                clients
                    .appsync
                    .list_data_sources()
                    .api_id(api_id)
                    .set_next_token(token)
                    .max_results(PAGE_SIZE)
                    .send()
            },
            |page| {
                let items = page
                    .data_sources
                    .unwrap_or_default()
                    .into_iter()
                    .map(|d| DataSource {
                        name: d.name.unwrap_or_default(),
                        kind: d.r#type.map(|t| t.as_str().to_string()).unwrap_or_default(),
                        function_arn: d.lambda_config.map(|l| l.lambda_function_arn),
                        service_role_arn: d.service_role_arn.filter(|r| !r.trim().is_empty()),
                    })
                    .collect();
                (items, page.next_token)
            },
        )
        .await
}

async fn functions(
    shared: &Shared,
    clients: &RegionClients,
    api_id: &str,
) -> Result<Vec<PipelineFunction>, CallFailure> {
    shared
        .pages(
            &quotas::APPSYNC_LIST_FUNCTIONS,
            |token| {
                clients
                    .appsync
                    .list_functions()
                    .api_id(api_id)
                    .set_next_token(token)
                    .max_results(PAGE_SIZE)
                    .send()
            },
            |page| {
                let items = page
                    .functions
                    .unwrap_or_default()
                    .into_iter()
                    .map(|f| PipelineFunction {
                        id: f.function_id.unwrap_or_default(),
                        name: f.name.unwrap_or_default(),
                        data_source: f.data_source_name,
                        code: ResolverCode {
                            request_template: f.request_mapping_template,
                            response_template: f.response_mapping_template,
                            code: f.code,
                        },
                    })
                    .collect();
                (items, page.next_token)
            },
        )
        .await
}

/// Whether an SDL type definition can hold resolvers: an object type (`type X`, possibly
/// after a description), not an input, enum, scalar, interface or union.
pub fn holds_resolvers(definition: &str) -> bool {
    let mut rest = definition.trim_start();
    // A leading description: `"""…"""` or `"…"`.
    for quote in ["\"\"\"", "\""] {
        if let Some(after) = rest.strip_prefix(quote) {
            rest = after
                .find(quote)
                .map_or("", |end| &after[end + quote.len()..])
                .trim_start();
            break;
        }
    }
    let word = rest
        .split(|c: char| c.is_whitespace() || c == '{')
        .next()
        .unwrap_or_default();
    !matches!(word, "input" | "enum" | "scalar" | "interface" | "union")
}

/// The resolvers of every object type: `ListTypes` (SDL), then `ListResolvers` per type.
async fn resolvers(
    shared: &Shared,
    clients: &RegionClients,
    api_id: &str,
) -> Result<Vec<Resolver>, CallFailure> {
    let types: Vec<String> = shared
        .pages(
            &quotas::APPSYNC_LIST_TYPES,
            |token| {
                clients
                    .appsync
                    .list_types()
                    .api_id(api_id)
                    .format(TypeDefinitionFormat::Sdl)
                    .set_next_token(token)
                    .max_results(PAGE_SIZE)
                    .send()
            },
            |page| {
                let items = page
                    .types
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|t| t.definition.as_deref().is_none_or(holds_resolvers))
                    .filter_map(|t| t.name)
                    .collect();
                (items, page.next_token)
            },
        )
        .await?;
    let mut out = Vec::new();
    for type_name in types {
        let page = shared
            .pages(
                &quotas::APPSYNC_LIST_RESOLVERS,
                |token| {
                    clients
                        .appsync
                        .list_resolvers()
                        .api_id(api_id)
                        .type_name(type_name.as_str())
                        .set_next_token(token)
                        .max_results(PAGE_SIZE)
                        .send()
                },
                |page| {
                    let items = page
                        .resolvers
                        .unwrap_or_default()
                        .into_iter()
                        .map(|r| Resolver {
                            type_name: r.type_name.unwrap_or_else(|| type_name.clone()),
                            field_name: r.field_name.unwrap_or_default(),
                            data_source: r.data_source_name,
                            pipeline: r
                                .pipeline_config
                                .and_then(|p| p.functions)
                                .unwrap_or_default(),
                            code: ResolverCode {
                                request_template: r.request_mapping_template,
                                response_template: r.response_mapping_template,
                                code: r.code,
                            },
                        })
                        .collect();
                    (items, page.next_token)
                },
            )
            .await?;
        out.extend(page);
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
