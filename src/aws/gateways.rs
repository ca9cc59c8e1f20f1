//! The gateways poll area: API Gateway REST APIs (v1) and HTTP/WebSocket APIs (v2), their
//! stages, resources/routes, authorizers, validators, integrations and custom domains.
//!
//! Request plan per region:
//! - REST: GetRestApis (paged), then per API, concurrently: GetStages, GetResources with
//!   `embed=methods` (paged), GetAuthorizers (paged), GetRequestValidators (paged): 4 requests
//!   per API when everything fits one page. GetDomainNames (paged) + GetBasePathMappings per
//!   domain.
//! - v2: GetApis (NextToken), then per API, concurrently: GetStages, GetRoutes,
//!   GetIntegrations, GetAuthorizers. Emulators that do not implement GetAuthorizers get a
//!   fallback: GetAuthorizer per distinct authorizer id the routes reference. GetDomainNames.
//!
//! Every page is its own [`Shared::call`], so the family semaphore bounds concurrency per
//! request and the call counter counts real requests. A failed per-API call becomes an `Err`
//! on that field only; a failed listing becomes a [`ListFailure`].

use crate::domain::values::{AuthorizationType, EndpointType, LoggingLevel};
use crate::domain::workflows::{machine_arns_in, starts_execution, subtype_starts_execution};
use std::collections::{BTreeMap, BTreeSet};

use super::errors::{CallFailure, FailureKind};
use super::fan_out;
use super::quotas;
use super::{Collected, RegionClients, Shared};
use crate::domain::finding::Service;
use crate::domain::inventory::{
    Authorizer, BasePathMapping, Cors, Integration, MethodSetting, RequestValidator, RestApi,
    RestDomain, RestMethod, RestResource, RestStage, Route, V2Api, V2Domain, V2Stage,
};

use aws_sdk_apigateway as apigw;
use aws_sdk_apigatewayv2 as apigw2;

/// Every API Gateway read, v1 and v2, is `apigateway:GET` in IAM.
/// The largest page API Gateway v1 accepts.
const PAGE_LIMIT: i32 = 500;

/// Every page of an API Gateway v1 listing, the largest pages it serves; `$request` is the
/// call with its arguments (the page size and position are added here).
macro_rules! v1_pages {
    ($shared:expr, $quota:expr, $request:expr) => {
        $shared.pages(
            $quota,
            |token| $request.limit(PAGE_LIMIT).set_position(token).send(),
            |out| (out.items.unwrap_or_default(), out.position),
        )
    };
}

/// Every page of an API Gateway v2 listing; `$request` is the call with its arguments.
macro_rules! v2_pages {
    ($shared:expr, $quota:expr, $request:expr) => {
        $shared.pages(
            $quota,
            |token| $request.set_next_token(token).send(),
            |out| (out.items.unwrap_or_default(), out.next_token),
        )
    };
}

/// Collects the gateways area of one region.
pub async fn collect(shared: &Shared, clients: &RegionClients) -> Collected {
    let region = clients.region.as_str();
    let (rest, rest_domains, v2, v2_domains) = tokio::join!(
        rest_apis(shared, &clients.apigateway),
        rest_domains(shared, &clients.apigateway),
        v2_apis(shared, &clients.apigatewayv2),
        v2_domains(shared, &clients.apigatewayv2),
    );

    let mut collected = Collected::default();
    collected.inventory.account_id = shared.account_id.clone();
    collected.inventory.regions = vec![region.to_string()];

    let v1 = |call| (Service::ApiGateway, region, call);
    place(
        &mut collected,
        v1("apigateway:GetRestApis"),
        rest,
        |c, (mut api, parts)| {
            api.region = region.to_string();
            api.stages = parts.stages.map_err(|f| c.note(f));
            api.resources = parts.resources.map_err(|f| c.note(f));
            api.authorizers = parts.authorizers.map_err(|f| c.note(f));
            api.validators = parts.validators.map_err(|f| c.note(f));
            c.inventory.rest_apis.push(api.into());
        },
    );
    let listing = v1(crate::domain::inventory::REST_DOMAIN_LISTING);
    place(
        &mut collected,
        listing,
        rest_domains,
        |c, (mut domain, mappings)| {
            domain.region = region.to_string();
            domain.base_path_mappings = mappings.map_err(|f| c.note(f));
            c.inventory.rest_domains.push(domain);
        },
    );
    let v2_call = |call| (Service::ApiGatewayV2, region, call);
    place(
        &mut collected,
        v2_call("apigatewayv2:GetApis"),
        v2,
        |c, (mut api, parts)| {
            api.region = region.to_string();
            api.stages = parts.stages.map_err(|f| c.note(f));
            api.routes = parts.routes.map_err(|f| c.note(f));
            api.integrations = parts.integrations.map_err(|f| c.note(f));
            api.authorizers = parts.authorizers.map_err(|f| c.note(f));
            c.inventory.v2_apis.push(api.into());
        },
    );
    let listing = v2_call("apigatewayv2:GetDomainNames");
    place(&mut collected, listing, v2_domains, |c, mut domain| {
        domain.region = region.to_string();
        c.inventory.v2_domains.push(domain);
    });
    collected
}

/// Places each resource a listing found with `place`, or records that `call` failed.
fn place<T>(
    collected: &mut Collected,
    (service, region, call): (Service, &str, &str),
    listed: Result<Vec<T>, CallFailure>,
    mut place: impl FnMut(&mut Collected, T),
) {
    match listed {
        Ok(items) => items.into_iter().for_each(|item| place(collected, item)),
        Err(f) => collected.listing_failed((&[service], service.area()), region, call, f),
    }
}

// ───────────────────────────── REST (v1) ─────────────────────────────

/// The per-API parts of a REST API, still as call results.
struct RestParts {
    stages: Result<Vec<RestStage>, CallFailure>,
    resources: Result<Vec<RestResource>, CallFailure>,
    authorizers: Result<Vec<Authorizer>, CallFailure>,
    validators: Result<Vec<RequestValidator>, CallFailure>,
}

async fn rest_apis(
    shared: &Shared,
    client: &apigw::Client,
) -> Result<Vec<(RestApi, RestParts)>, CallFailure> {
    let listed = v1_pages!(shared, &quotas::APIGW_GET_REST_APIS, client.get_rest_apis()).await?;
    let apis: Vec<RestApi> = listed.into_iter().map(rest_api).collect();
    let parts = fan_out(apis.iter(), |api| rest_parts(shared, client, &api.id)).await;
    Ok(apis.into_iter().zip(parts).collect())
}

fn rest_api(api: apigw::types::RestApi) -> RestApi {
    RestApi {
        endpoint_type: api
            .endpoint_configuration()
            .and_then(|c| c.types().first())
            .map_or(
                // API Gateway's default when an API was created without an endpoint
                // configuration.
                EndpointType::Edge,
                |t| t.as_str().into(),
            ),
        disable_execute_api_endpoint: api.disable_execute_api_endpoint,
        // Kept verbatim (often a JSON string with escaped quotes); PolicyDocument::parse
        // copes with the double encoding.
        policy: api.policy.filter(|p| !p.trim().is_empty()),
        id: api.id.unwrap_or_default(),
        name: api.name.unwrap_or_default(),
        ..RestApi::default()
    }
}

async fn rest_parts(shared: &Shared, client: &apigw::Client, api_id: &str) -> RestParts {
    let (stages, resources, authorizers, validators) = tokio::join!(
        rest_stages(shared, client, api_id),
        rest_resources(shared, client, api_id),
        rest_authorizers(shared, client, api_id),
        rest_validators(shared, client, api_id),
    );
    RestParts {
        stages,
        resources,
        authorizers,
        validators,
    }
}

async fn rest_stages(
    shared: &Shared,
    client: &apigw::Client,
    api_id: &str,
) -> Result<Vec<RestStage>, CallFailure> {
    let out = shared
        .call(&quotas::APIGW_GET_STAGES, || {
            client.get_stages().rest_api_id(api_id).send()
        })
        .await?;
    Ok(out
        .item
        .unwrap_or_default()
        .into_iter()
        .map(rest_stage)
        .collect())
}

fn rest_stage(stage: apigw::types::Stage) -> RestStage {
    RestStage {
        name: stage.stage_name.unwrap_or_default(),
        deployment_id: stage.deployment_id,
        web_acl_arn: stage.web_acl_arn.filter(|a| !a.is_empty()),
        method_settings: stage
            .method_settings
            .unwrap_or_default()
            .into_iter()
            .map(|(key, s)| (key, method_setting(s)))
            .collect(),
        access_log_destination: stage
            .access_log_settings
            .and_then(|a| a.destination_arn)
            .filter(|a| !a.is_empty()),
        tracing_enabled: stage.tracing_enabled,
        cache_cluster_enabled: stage.cache_cluster_enabled,
        client_certificate_id: stage.client_certificate_id.filter(|c| !c.is_empty()),
        variables: stage.variables.unwrap_or_default().into_iter().collect(),
    }
}

/// The SDK models the throttling limits as plain numbers that default to 0 when the response
/// leaves them out (or sends `null`), so 0 reads as "not set": a real limit of 0 would block
/// every request, and treating it as unset errs towards the `no throttling` finding rather
/// than a false pass.
fn method_setting(s: apigw::types::MethodSetting) -> MethodSetting {
    MethodSetting {
        logging_level: s.logging_level.map(LoggingLevel::from),
        throttling_rate_limit: Some(s.throttling_rate_limit).filter(|r| *r != 0.0),
        throttling_burst_limit: Some(s.throttling_burst_limit).filter(|b| *b != 0),
        caching_enabled: s.caching_enabled,
        cache_data_encrypted: s.cache_data_encrypted,
    }
}

async fn rest_resources(
    shared: &Shared,
    client: &apigw::Client,
    api_id: &str,
) -> Result<Vec<RestResource>, CallFailure> {
    let resources = v1_pages!(
        shared,
        &quotas::APIGW_GET_RESOURCES_API,
        client.get_resources().rest_api_id(api_id).embed("methods")
    )
    .await?;
    Ok(resources.into_iter().map(rest_resource).collect())
}

fn rest_resource(resource: apigw::types::Resource) -> RestResource {
    let mut methods: Vec<RestMethod> = resource
        .resource_methods
        .unwrap_or_default()
        .into_iter()
        .map(|(verb, m)| RestMethod {
            http_method: m.http_method.unwrap_or(verb),
            // PutMethod requires it; NONE is also what API Gateway means by its absence.
            authorization_type: m
                .authorization_type
                .map_or(AuthorizationType::None, Into::into),
            authorizer_id: m.authorizer_id.filter(|a| !a.is_empty()),
            api_key_required: m.api_key_required.unwrap_or(false),
            request_validator_id: m.request_validator_id.filter(|v| !v.is_empty()),
            started_machines: m
                .method_integration
                .as_ref()
                .filter(|i| i.uri.as_deref().is_some_and(starts_execution))
                .and_then(|i| i.request_templates.as_ref())
                .map(|templates| {
                    let mut arns: Vec<String> = templates
                        .values()
                        .flat_map(|t| machine_arns_in(t))
                        .collect();
                    arns.sort();
                    arns.dedup();
                    arns
                })
                .unwrap_or_default(),
            integration_uri: m.method_integration.and_then(|i| i.uri),
        })
        .collect();
    // The SDK hands methods over as a hash map: sort for a stable inventory.
    methods.sort_by(|a, b| a.http_method.cmp(&b.http_method));
    RestResource {
        id: resource.id.unwrap_or_default(),
        path: resource.path.unwrap_or_default(),
        methods,
    }
}

async fn rest_authorizers(
    shared: &Shared,
    client: &apigw::Client,
    api_id: &str,
) -> Result<Vec<Authorizer>, CallFailure> {
    let authorizers = v1_pages!(
        shared,
        &quotas::APIGW_GET_AUTHORIZERS,
        client.get_authorizers().rest_api_id(api_id)
    )
    .await?;
    Ok(authorizers
        .into_iter()
        .map(|a| Authorizer {
            id: a.id.unwrap_or_default(),
            name: a.name.unwrap_or_default(),
            authorizer_type: a.r#type.map(|t| t.as_str().into()).unwrap_or_default(),
            authorizer_uri: a.authorizer_uri.filter(|u| !u.is_empty()),
            provider_arns: a.provider_arns.unwrap_or_default(),
            jwt_issuer: None,
        })
        .collect())
}

async fn rest_validators(
    shared: &Shared,
    client: &apigw::Client,
    api_id: &str,
) -> Result<Vec<RequestValidator>, CallFailure> {
    let validators = v1_pages!(
        shared,
        &quotas::APIGW_GET_REQUEST_VALIDATORS,
        client.get_request_validators().rest_api_id(api_id)
    )
    .await?;
    Ok(validators
        .into_iter()
        .map(|v| RequestValidator {
            id: v.id.unwrap_or_default(),
            name: v.name.unwrap_or_default(),
            validate_body: v.validate_request_body,
            validate_parameters: v.validate_request_parameters,
        })
        .collect())
}

type DomainWithMappings = (RestDomain, Result<Vec<BasePathMapping>, CallFailure>);

async fn rest_domains(
    shared: &Shared,
    client: &apigw::Client,
) -> Result<Vec<DomainWithMappings>, CallFailure> {
    let listed = v1_pages!(
        shared,
        &quotas::APIGW_GET_DOMAIN_NAMES,
        client.get_domain_names()
    )
    .await?;
    let domains: Vec<RestDomain> = listed
        .into_iter()
        .map(|d| RestDomain {
            name: d.domain_name.unwrap_or_default(),
            security_policy: d.security_policy.map(|p| p.as_str().to_string()),
            ..RestDomain::default()
        })
        .collect();
    let mappings = fan_out(domains.iter(), |d| {
        base_path_mappings(shared, client, &d.name)
    })
    .await;
    Ok(domains.into_iter().zip(mappings).collect())
}

async fn base_path_mappings(
    shared: &Shared,
    client: &apigw::Client,
    domain: &str,
) -> Result<Vec<BasePathMapping>, CallFailure> {
    let result = v1_pages!(
        shared,
        &quotas::APIGW_GET_BASE_PATH_MAPPINGS,
        client.get_base_path_mappings().domain_name(domain)
    )
    .await;
    match result {
        Ok(mappings) => Ok(mappings
            .into_iter()
            .map(|m| BasePathMapping {
                base_path: m.base_path.unwrap_or_default(),
                rest_api_id: m.rest_api_id.unwrap_or_default(),
                stage: m.stage.filter(|s| !s.is_empty()),
            })
            .collect()),
        // A domain without mappings answers NotFound.
        Err(f) if f.kind == FailureKind::NotFound => Ok(Vec::new()),
        Err(f) => Err(f),
    }
}

// ───────────────────────────── HTTP / WebSocket (v2) ─────────────────────────────

struct V2Parts {
    stages: Result<Vec<V2Stage>, CallFailure>,
    routes: Result<Vec<Route>, CallFailure>,
    integrations: Result<Vec<Integration>, CallFailure>,
    authorizers: Result<Vec<Authorizer>, CallFailure>,
}

async fn v2_apis(
    shared: &Shared,
    client: &apigw2::Client,
) -> Result<Vec<(V2Api, V2Parts)>, CallFailure> {
    let listed = v2_pages!(shared, &quotas::APIGWV2_GET_APIS, client.get_apis()).await?;
    let apis: Vec<V2Api> = listed.into_iter().map(v2_api).collect();
    let parts = fan_out(apis.iter(), |api| v2_parts(shared, client, &api.id)).await;
    Ok(apis.into_iter().zip(parts).collect())
}

fn v2_api(api: apigw2::types::Api) -> V2Api {
    V2Api {
        id: api.api_id.unwrap_or_default(),
        name: api.name.unwrap_or_default(),
        protocol: api
            .protocol_type
            .map(|p| p.as_str().into())
            .unwrap_or_default(),
        cors: api.cors_configuration.map(|c| Cors {
            allow_origins: c.allow_origins.unwrap_or_default(),
            allow_credentials: c.allow_credentials.unwrap_or(false),
        }),
        disable_execute_api_endpoint: api.disable_execute_api_endpoint.unwrap_or(false),
        ..V2Api::default()
    }
}

async fn v2_parts(shared: &Shared, client: &apigw2::Client, api_id: &str) -> V2Parts {
    let (stages, routes, integrations, listed_authorizers) = tokio::join!(
        v2_stages(shared, client, api_id),
        v2_routes(shared, client, api_id),
        v2_integrations(shared, client, api_id),
        v2_authorizers(shared, client, api_id),
    );
    let authorizers = match listed_authorizers {
        Err(f) if f.kind == FailureKind::NotImplemented => match &routes {
            Ok(routes) => authorizers_one_by_one(shared, client, api_id, routes).await,
            // Without the routes there is no id to look up: the listing's failure stands.
            Err(_) => Err(f),
        },
        other => other,
    };
    V2Parts {
        stages,
        routes,
        integrations,
        authorizers,
    }
}

async fn v2_stages(
    shared: &Shared,
    client: &apigw2::Client,
    api_id: &str,
) -> Result<Vec<V2Stage>, CallFailure> {
    let stages = v2_pages!(
        shared,
        &quotas::APIGWV2_GET_STAGES,
        client.get_stages().api_id(api_id)
    )
    .await?;
    Ok(stages.into_iter().map(v2_stage).collect())
}

fn v2_stage(stage: apigw2::types::Stage) -> V2Stage {
    let default = stage.default_route_settings;
    V2Stage {
        name: stage.stage_name.unwrap_or_default(),
        access_log_destination: stage
            .access_log_settings
            .and_then(|a| a.destination_arn)
            .filter(|a| !a.is_empty()),
        default_throttling_rate_limit: default.as_ref().and_then(|d| d.throttling_rate_limit),
        default_throttling_burst_limit: default.as_ref().and_then(|d| d.throttling_burst_limit),
        route_throttles: stage
            .route_settings
            .unwrap_or_default()
            .into_iter()
            .map(|(key, s)| (key, (s.throttling_rate_limit, s.throttling_burst_limit)))
            .collect::<BTreeMap<_, _>>(),
        variables: stage
            .stage_variables
            .unwrap_or_default()
            .into_iter()
            .collect(),
    }
}

async fn v2_routes(
    shared: &Shared,
    client: &apigw2::Client,
    api_id: &str,
) -> Result<Vec<Route>, CallFailure> {
    let routes = v2_pages!(
        shared,
        &quotas::APIGWV2_GET_ROUTES,
        client.get_routes().api_id(api_id)
    )
    .await?;
    Ok(routes
        .into_iter()
        .map(|r| Route {
            id: r.route_id.unwrap_or_default(),
            route_key: r.route_key.unwrap_or_default(),
            // API Gateway's default for a route created without one.
            authorization_type: r
                .authorization_type
                .map_or(AuthorizationType::None, |t| t.as_str().into()),
            authorizer_id: r.authorizer_id.filter(|a| !a.is_empty()),
            target: r.target.filter(|t| !t.is_empty()),
        })
        .collect())
}

async fn v2_integrations(
    shared: &Shared,
    client: &apigw2::Client,
    api_id: &str,
) -> Result<Vec<Integration>, CallFailure> {
    let integrations = v2_pages!(
        shared,
        &quotas::APIGWV2_GET_INTEGRATIONS,
        client.get_integrations().api_id(api_id)
    )
    .await?;
    Ok(integrations
        .into_iter()
        .map(|i| Integration {
            id: i.integration_id.unwrap_or_default(),
            integration_type: i
                .integration_type
                .map(|t| t.as_str().into())
                .unwrap_or_default(),
            uri: i.integration_uri.filter(|u| !u.is_empty()),
            connection_type: i.connection_type.map(|c| c.as_str().into()),
            tls_server_name_to_verify: i
                .tls_config
                .and_then(|t| t.server_name_to_verify)
                .filter(|s| !s.is_empty()),
            started_machine: i
                .integration_subtype
                .as_deref()
                .filter(|s| subtype_starts_execution(s))
                .and(i.request_parameters.as_ref())
                .and_then(|p| p.get("StateMachineArn").cloned()),
        })
        .collect())
}

async fn v2_authorizers(
    shared: &Shared,
    client: &apigw2::Client,
    api_id: &str,
) -> Result<Vec<Authorizer>, CallFailure> {
    let authorizers = v2_pages!(
        shared,
        &quotas::APIGWV2_GET_AUTHORIZERS,
        client.get_authorizers().api_id(api_id)
    )
    .await?;
    Ok(authorizers.into_iter().map(v2_authorizer).collect())
}

fn v2_authorizer(a: apigw2::types::Authorizer) -> Authorizer {
    Authorizer {
        id: a.authorizer_id.unwrap_or_default(),
        name: a.name.unwrap_or_default(),
        authorizer_type: a
            .authorizer_type
            .map(|t| t.as_str().into())
            .unwrap_or_default(),
        authorizer_uri: a.authorizer_uri.filter(|u| !u.is_empty()),
        provider_arns: Vec::new(),
        jwt_issuer: a.jwt_configuration.and_then(|j| j.issuer),
    }
}

/// The fallback for endpoints without GetAuthorizers (moto): GetAuthorizer for each distinct
/// authorizer the routes use. An id that no longer exists is skipped; any other failure
/// makes the whole list unknown (a partial list could hide the authorizer a check needs).
async fn authorizers_one_by_one(
    shared: &Shared,
    client: &apigw2::Client,
    api_id: &str,
    routes: &[Route],
) -> Result<Vec<Authorizer>, CallFailure> {
    let ids: BTreeSet<&str> = routes
        .iter()
        .filter_map(|r| r.authorizer_id.as_deref())
        .collect();
    let results = fan_out(ids, |id| async move {
        shared
            .call(&quotas::APIGWV2_GET_AUTHORIZER, || {
                client
                    .get_authorizer()
                    .api_id(api_id)
                    .authorizer_id(id)
                    .send()
            })
            .await
    })
    .await;
    let mut authorizers = Vec::new();
    for result in results {
        match result {
            Ok(a) => authorizers.push(Authorizer {
                id: a.authorizer_id.unwrap_or_default(),
                name: a.name.unwrap_or_default(),
                authorizer_type: a
                    .authorizer_type
                    .map(|t| t.as_str().into())
                    .unwrap_or_default(),
                authorizer_uri: a.authorizer_uri.filter(|u| !u.is_empty()),
                provider_arns: Vec::new(),
                jwt_issuer: a.jwt_configuration.and_then(|j| j.issuer),
            }),
            Err(f) if f.kind == FailureKind::NotFound => {}
            Err(f) => return Err(f),
        }
    }
    Ok(authorizers)
}

async fn v2_domains(
    shared: &Shared,
    client: &apigw2::Client,
) -> Result<Vec<V2Domain>, CallFailure> {
    let domains = v2_pages!(
        shared,
        &quotas::APIGWV2_GET_DOMAIN_NAMES,
        client.get_domain_names()
    )
    .await?;
    Ok(domains
        .into_iter()
        .map(|d| V2Domain {
            name: d.domain_name.unwrap_or_default(),
            security_policy: d
                .domain_name_configurations
                .unwrap_or_default()
                .into_iter()
                .next()
                .and_then(|c| c.security_policy)
                .map(|p| p.as_str().to_string()),
            ..V2Domain::default()
        })
        .collect())
}

#[cfg(test)]
mod tests;
