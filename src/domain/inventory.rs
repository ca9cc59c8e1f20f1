//! The normalized inventory every source (demo fixture, AWS pollers, snapshot) produces.
//!
//! Plain data: no SDK, tokio or UI types. Anything a source may fail to collect is a
//! [`Fetched`], so a check can tell "the data says no" from "we could not look".

use crate::domain::arn::Arn;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use super::failure::Failure;
use super::values::{
    ApiProtocol, AuthorizationType, AuthorizerType, ConnectionType, EndpointType, FieldLogLevel,
    GraphqlAuthType, GraphqlVisibility, IntegrationType, Introspection, KeyManager, KeyState,
    LoggingLevel, MachineLogLevel, MachineType, MappingState, PackageType, StreamEncryption,
    TracingMode, UntrustedArtifact, UrlAuthType,
};
pub use super::vocabulary::Area;
use super::vocabulary::Service;

/// The outcome of collecting one piece of data: the value, or why it could not be had.
/// The reason is shown verbatim on `unknown` findings (e.g.
/// `AccessDenied: missing lambda:GetPolicy`).
pub type Fetched<T> = Result<T, Failure>;

/// The call of the listing failure a gateways batch records when a region's REST custom
/// domains cannot be listed: the domains are a listing of their own, beside the APIs.
pub const REST_DOMAIN_LISTING: &str = "apigateway:GetDomainNames";

/// A top-level listing that failed (e.g. ListFunctions denied in a region): every check of
/// that service reports one `unknown` finding for the region instead of silently nothing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ListFailure {
    pub service: Service,
    /// The poll area whose listing failed (its next batch replaces the failure).
    pub area: Area,
    pub region: String,
    /// The API call that failed, e.g. `lambda:ListFunctions`.
    pub call: String,
    pub reason: Failure,
}

/// Resources are shared (`Arc`): the batch a source sends, the source's own merged view and
/// the app's merged inventory hold the same allocations, so merging a batch or taking a view
/// copies pointers, never resources.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Inventory {
    pub account_id: String,
    pub regions: Vec<String>,
    pub functions: Vec<Arc<Function>>,
    /// Execution roles keyed by role ARN (fetched once per distinct role).
    pub roles: BTreeMap<String, Arc<Fetched<Role>>>,
    pub rest_apis: Vec<Arc<RestApi>>,
    pub rest_domains: Vec<RestDomain>,
    /// Usage plans per region (they cover stages of any REST API in the region).
    pub usage_plans: BTreeMap<String, Fetched<Vec<UsagePlan>>>,
    pub v2_apis: Vec<Arc<V2Api>>,
    pub v2_domains: Vec<V2Domain>,
    pub secrets: Vec<Arc<Secret>>,
    /// Reserved concurrency (GetFunctionConcurrency) per region, then function ARN; `Ok(None)`
    /// when unreserved. The throttles area collects it only for functions reachable without
    /// authentication, so a function missing here was not collected.
    pub reserved_concurrency: BTreeMap<String, BTreeMap<String, Fetched<Option<i32>>>>,
    /// KMS keys referenced by functions and secrets.
    pub keys: Vec<Arc<Key>>,
    /// Event source mappings (ListEventSourceMappings) of every function.
    pub mappings: Vec<Arc<EventSourceMapping>>,
    /// SQS queues that trigger a function through a mapping (only those are read).
    pub queues: Vec<Arc<Queue>>,
    /// SNS topics with a `lambda` subscription.
    pub topics: Vec<Arc<Topic>>,
    /// EventBridge buses with a rule that targets a function.
    pub buses: Vec<Arc<Bus>>,
    /// Kinesis streams that trigger a function through a mapping (only those are read).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub streams: Vec<Arc<Stream>>,
    /// What the code area (opt-in: `--code`) read in each Zip-packaged function's package.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub function_code: Vec<Arc<FunctionCode>>,
    /// What it read in each layer version those functions use.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub layer_code: Vec<Arc<LayerCode>>,
    /// Step Functions state machines (the workflows area); their roles are in `roles`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub state_machines: Vec<Arc<StateMachine>>,
    /// AppSync GraphQL APIs (the graphql area); their data sources' roles are in `roles`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub graphql_apis: Vec<Arc<GraphqlApi>>,
    /// Cognito user pools (the users area).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub user_pools: Vec<Arc<UserPool>>,
    /// Cognito identity pools (the users area); their guest roles are in `roles`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub identity_pools: Vec<Arc<IdentityPool>>,
    /// Per region, the CloudWatch Logs log groups the functions use (the logs area), or why
    /// they could not be read. A region missing here was not read (yet).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub log_groups: BTreeMap<String, Fetched<Vec<LogGroup>>>,
    pub list_failures: Vec<ListFailure>,
}

impl Inventory {
    /// Finds the key a function or secret of `region` refers to, by ARN, key id, alias name
    /// or alias ARN. Keys and aliases are regional: the same alias (`alias/app`) names a
    /// different key in each region, so only the keys collected for `region` count.
    pub fn find_key(&self, region: &str, reference: &str) -> Option<&Key> {
        self.keys
            .iter()
            .map(|k| &**k)
            .find(|k| k.region == region && k.matches(reference))
    }

    /// The function's reserved concurrency, `None` when it was not collected.
    pub fn reserved_concurrency(&self, function: &Function) -> Option<&Fetched<Option<i32>>> {
        self.reserved_concurrency
            .get(&function.region)
            .and_then(|by_arn| by_arn.get(&function.arn))
    }

    /// What the code area read, by function ARN and layer version ARN: built once for an
    /// evaluation over every function (a search per function would be quadratic).
    pub fn code_index(&self) -> CodeIndex<'_> {
        CodeIndex {
            functions: self
                .function_code
                .iter()
                .map(|c| (c.function_arn.as_str(), &**c))
                .collect(),
            layers: self
                .layer_code
                .iter()
                .map(|l| (l.arn.as_str(), &**l))
                .collect(),
            regions: self
                .function_code
                .iter()
                .map(|c| c.region.as_str())
                .collect(),
        }
    }

    /// [`CodeIndex::reports`] of one function (a screen): searched, no index built.
    pub fn code_reports(&self, f: &Function) -> Option<Vec<PlacedReport<'_>>> {
        CodeIndex {
            functions: self
                .function_code
                .iter()
                .filter(|c| c.function_arn == f.arn)
                .map(|c| (c.function_arn.as_str(), &**c))
                .collect(),
            layers: self
                .layer_code
                .iter()
                .filter(|l| f.layers.contains(&l.arn))
                .map(|l| (l.arn.as_str(), &**l))
                .collect(),
            regions: Default::default(),
        }
        .reports(f)
    }

    /// The user pool `pool` names, when the pools of its region were collected.
    pub fn user_pool(&self, pool: &PoolRef) -> Option<&UserPool> {
        self.user_pools
            .iter()
            .find(|p| p.id == pool.id && p.region == pool.region)
            .map(|p| &**p)
    }

    pub fn role(&self, arn: &str) -> Option<&Fetched<Role>> {
        self.roles.get(arn).map(|r| r.as_ref())
    }

    /// The batch of an area whose collection failed as a whole in `region` (its poller could
    /// not run to the end): every check that reads the area reports `unknown` with `reason`
    /// there, instead of the area's resources silently vanishing.
    pub fn failed_area(area: Area, region: &str, reason: impl Into<Failure>) -> Inventory {
        let reason = reason.into();
        let failure = |service: Service, call: &str| ListFailure {
            service,
            area,
            region: region.into(),
            call: call.into(),
            reason: reason.clone(),
        };
        let mut inv = Inventory {
            regions: vec![region.to_string()],
            ..Inventory::default()
        };
        match area {
            Area::Functions => inv
                .list_failures
                .push(failure(Service::Lambda, "functions poll area")),
            Area::Gateways => inv.list_failures.extend([
                failure(Service::ApiGateway, "gateways poll area"),
                failure(Service::ApiGatewayV2, "gateways poll area"),
            ]),
            // Reserved concurrency stays "not collected" for the region, which the checks
            // already read as unknown.
            Area::Throttles => {
                inv.usage_plans
                    .insert(region.to_string(), Err(reason.to_string().into()));
            }
            Area::Encryption => inv
                .list_failures
                .push(failure(Service::Kms, "encryption poll area")),
            Area::Secrets => inv
                .list_failures
                .push(failure(Service::SecretsManager, "secrets poll area")),
            Area::Code => inv
                .list_failures
                .push(failure(Service::Lambda, "code poll area")),
            Area::Workflows => inv
                .list_failures
                .push(failure(Service::StepFunctions, "workflows poll area")),
            Area::Graphql => inv
                .list_failures
                .push(failure(Service::AppSync, "graphql poll area")),
            Area::Logs => {
                inv.list_failures
                    .push(failure(Service::Logs, "logs poll area"));
                inv.log_groups
                    .insert(region.to_string(), Err(reason.clone()));
            }
            Area::Users => inv.list_failures.extend([
                failure(Service::CognitoIdp, "users poll area"),
                failure(Service::CognitoIdentity, "users poll area"),
            ]),
            Area::Triggers => inv.list_failures.extend(
                Service::ALL
                    .into_iter()
                    .filter(|s| s.area() == Area::Triggers)
                    .chain([Service::Lambda])
                    .map(|s| failure(s, "triggers poll area")),
            ),
        }
        inv
    }

    /// An account that could not be collected at all (its role could not be assumed, its
    /// credentials were rejected): every area of every region failed with `reason`, so every
    /// check reports `unknown` there, and the collection statuses that say so. An account
    /// without an id (a profile whose identity was never read) has neither.
    pub fn failed_account(
        account_id: &str,
        regions: &[String],
        reason: &str,
    ) -> (Inventory, Vec<super::collection::CollectionStatus>) {
        let reason = &Failure::parse(reason);
        let mut inventory = Inventory::default();
        let mut collection = Vec::new();
        if !account_id.is_empty() {
            // An opt-in area's checks stay absent, as in any run without it.
            for area in Area::ALL.into_iter().filter(|a| !a.opt_in()) {
                for region in regions {
                    inventory.apply_batch(
                        area,
                        region,
                        Inventory::failed_area(area, region, reason.clone()),
                    );
                    collection.push(super::collection::CollectionStatus {
                        account_id: account_id.to_string(),
                        area,
                        region: region.clone(),
                        status: super::collection::CollectionState::Failed,
                        error: Some(reason.clone()),
                        duration_ms: None,
                        progress: None,
                    });
                }
            }
        }
        inventory.account_id = account_id.to_string();
        (inventory, collection)
    }

    /// Adds a batch's roles, then keeps the ones some function, state machine or GraphQL
    /// data source (of any region) still runs as: roles are global, read by every region's
    /// functions, workflows and graphql polls, and deleted ones must not pile up.
    fn keep_roles(&mut self, roles: BTreeMap<String, Arc<Fetched<Role>>>) {
        self.roles.extend(roles);
        let in_use: std::collections::BTreeSet<&str> = self
            .functions
            .iter()
            .map(|f| f.role_arn.as_str())
            .chain(self.state_machines.iter().filter_map(|m| m.role_arn()))
            .chain(self.graphql_apis.iter().flat_map(|a| a.service_roles()))
            .chain(
                self.identity_pools
                    .iter()
                    .filter_map(|p| p.guest_role_arn()),
            )
            .collect();
        self.roles.retain(|arn, _| in_use.contains(arn.as_str()));
    }

    /// Applies one (area, region) batch: replaces exactly what that area owns in that region,
    /// even when the batch is empty (resources deleted since the last poll disappear), and the
    /// listing failures of the area's services there.
    pub fn apply_batch(&mut self, area: Area, region: &str, batch: Inventory) {
        fn replace<T>(dst: &mut Vec<T>, src: Vec<T>, region: &str, region_of: impl Fn(&T) -> &str) {
            dst.retain(|x| region_of(x) != region);
            dst.extend(src);
        }
        if !batch.account_id.is_empty() {
            self.account_id = batch.account_id;
        }
        if !self.regions.iter().any(|r| r == region) {
            self.regions.push(region.to_string());
        }
        match area {
            Area::Functions => {
                replace(&mut self.functions, batch.functions, region, |f| &f.region);
                self.keep_roles(batch.roles);
            }
            Area::Gateways => {
                replace(&mut self.rest_apis, batch.rest_apis, region, |a| &a.region);
                replace(&mut self.rest_domains, batch.rest_domains, region, |d| {
                    &d.region
                });
                replace(&mut self.v2_apis, batch.v2_apis, region, |a| &a.region);
                replace(&mut self.v2_domains, batch.v2_domains, region, |d| {
                    &d.region
                });
            }
            Area::Throttles => {
                self.usage_plans.remove(region);
                self.usage_plans.extend(batch.usage_plans);
                self.reserved_concurrency.remove(region);
                self.reserved_concurrency.extend(batch.reserved_concurrency);
            }
            Area::Encryption => {
                replace(&mut self.keys, batch.keys, region, |k| &k.region);
            }
            Area::Secrets => {
                replace(&mut self.secrets, batch.secrets, region, |s| &s.region);
            }
            Area::Triggers => {
                replace(&mut self.mappings, batch.mappings, region, |m| &m.region);
                replace(&mut self.queues, batch.queues, region, |q| &q.region);
                replace(&mut self.topics, batch.topics, region, |t| &t.region);
                replace(&mut self.buses, batch.buses, region, |b| &b.region);
                replace(&mut self.streams, batch.streams, region, |s| &s.region);
            }
            Area::Code => {
                replace(&mut self.function_code, batch.function_code, region, |c| {
                    &c.region
                });
                replace(&mut self.layer_code, batch.layer_code, region, |l| {
                    &l.region
                });
            }
            Area::Workflows => {
                replace(
                    &mut self.state_machines,
                    batch.state_machines,
                    region,
                    |m| &m.region,
                );
                self.keep_roles(batch.roles);
            }
            Area::Graphql => {
                replace(&mut self.graphql_apis, batch.graphql_apis, region, |a| {
                    &a.region
                });
                self.keep_roles(batch.roles);
            }
            Area::Logs => {
                self.log_groups.remove(region);
                self.log_groups.extend(batch.log_groups);
            }
            Area::Users => {
                replace(&mut self.user_pools, batch.user_pools, region, |p| {
                    &p.region
                });
                replace(
                    &mut self.identity_pools,
                    batch.identity_pools,
                    region,
                    |p| &p.region,
                );
                self.keep_roles(batch.roles);
            }
        };
        // The failed listings of this area.
        self.list_failures
            .retain(|f| !(f.region == region && f.area == area));
        self.list_failures.extend(batch.list_failures);
    }
}

// ───────────────────────────── Lambda ─────────────────────────────

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Function {
    pub name: String,
    pub arn: String,
    pub region: String,
    pub runtime: Option<String>,
    pub package_type: Option<PackageType>,
    pub role_arn: String,
    /// Environment variables exactly as ListFunctions returns them. Values never leave the
    /// domain: findings name the variable and a masked prefix only.
    pub env: BTreeMap<String, String>,
    /// Customer-managed key for environment encryption.
    pub kms_key_arn: Option<String>,
    pub layers: Vec<String>,
    pub vpc_subnet_ids: Vec<String>,
    pub tracing_mode: Option<TracingMode>,
    pub dead_letter_target: Option<String>,
    /// Resource policy JSON (GetPolicy); `Ok(None)` when the function has none.
    pub policy: Fetched<Option<String>>,
    /// GetFunctionUrlConfig; `Ok(None)` when there is no URL.
    pub url: Fetched<Option<FunctionUrl>>,
    /// GetFunctionEventInvokeConfig; `Ok(None)` when there is none.
    pub event_invoke: Fetched<Option<EventInvokeConfig>>,
    /// ListAliases, each with its own function URL and resource policy (a URL or policy on
    /// an alias exposes the function as much as one on `$LATEST`).
    #[serde(default = "collected")]
    pub aliases: Fetched<Vec<Alias>>,
    /// The code signing config that covers the function (read per config:
    /// ListCodeSigningConfigs + ListFunctionsByCodeSigningConfig); `Ok(None)` when none does.
    #[serde(default = "collected")]
    pub code_signing: Fetched<Option<CodeSigning>>,
    /// ListFunctions' `CodeSha256` of the package: the code area downloads a package it has
    /// not read before only (its cache is keyed by it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code_sha256: Option<String>,
    /// ListFunctions' `LoggingConfig.LogGroup`: where the function logs when it is not
    /// `/aws/lambda/NAME`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub log_group: Option<String>,
}

fn collected<T: Default>() -> Fetched<T> {
    Ok(T::default())
}

impl Function {
    /// The log group the function writes to: its `LoggingConfig.LogGroup`, else
    /// `/aws/lambda/NAME`.
    pub fn log_group_name(&self) -> String {
        self.log_group
            .clone()
            .filter(|g| !g.trim().is_empty())
            .unwrap_or_else(|| format!("/aws/lambda/{}", self.name))
    }

    /// The resource policies of the function and of each alias, labelled (`$LATEST` or
    /// `alias live`), for the checks that consider every way to invoke it.
    pub fn policies(&self) -> Vec<(String, &Fetched<Option<String>>)> {
        let mut all = vec![("$LATEST".to_string(), &self.policy)];
        if let Ok(aliases) = &self.aliases {
            all.extend(
                aliases
                    .iter()
                    .map(|a| (format!("alias {}", a.name), &a.policy)),
            );
        }
        all
    }

    /// The function URLs of the function and of each alias, labelled like [`Self::policies`].
    pub fn urls(&self) -> Vec<(String, &Fetched<Option<FunctionUrl>>)> {
        let mut all = vec![("$LATEST".to_string(), &self.url)];
        if let Ok(aliases) = &self.aliases {
            all.extend(
                aliases
                    .iter()
                    .map(|a| (format!("alias {}", a.name), &a.url)),
            );
        }
        all
    }
}

/// A function alias (ListAliases) with what was read for its qualified ARN.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Alias {
    pub name: String,
    /// The qualified ARN, `…:function:F:ALIAS`.
    pub arn: String,
    /// GetFunctionUrlConfig with the alias as qualifier (or ListFunctionUrlConfigs).
    pub url: Fetched<Option<FunctionUrl>>,
    /// GetPolicy with the alias as qualifier; `Ok(None)` when it has none.
    pub policy: Fetched<Option<String>>,
}

/// A code signing config (ListCodeSigningConfigs).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CodeSigning {
    pub config_arn: String,
    pub untrusted_artifact_on_deployment: UntrustedArtifact,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FunctionUrl {
    pub url: String,
    pub auth_type: UrlAuthType,
    pub cors_allow_origins: Vec<String>,
    pub cors_allow_credentials: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EventInvokeConfig {
    pub on_failure_destination: Option<String>,
    pub on_success_destination: Option<String>,
    pub maximum_retry_attempts: Option<i32>,
}

// ───────────────────────────── Code (opt-in) ─────────────────────────────

/// [`Inventory::code_index`].
pub struct CodeIndex<'a> {
    functions: std::collections::HashMap<&'a str, &'a FunctionCode>,
    layers: std::collections::HashMap<&'a str, &'a LayerCode>,
    regions: std::collections::BTreeSet<&'a str>,
}

/// A report of what the code area read, labelled with where it runs (`package`,
/// `layer NAME:VERSION`); `None` for a layer it did not read.
pub type PlacedReport<'a> = (String, Option<&'a Fetched<Arc<CodeReport>>>);

impl<'a> CodeIndex<'a> {
    /// What the code area read for function `f`; `None` when it has not (no `--code`, an
    /// image, not yet).
    pub fn function(&self, f: &Function) -> Option<&'a FunctionCode> {
        self.functions.get(f.arn.as_str()).copied()
    }

    /// Whether the code area read anything in `region`.
    pub fn ran_in(&self, region: &str) -> bool {
        self.regions.contains(region)
    }

    /// `f`'s own package's report, then each of its layers'; `None` when the code area has
    /// not read the function.
    pub fn reports(&self, f: &Function) -> Option<Vec<PlacedReport<'a>>> {
        let own = self.function(f)?;
        let mut out = vec![("package".to_string(), Some(&own.report))];
        for arn in &f.layers {
            let layer = self.layers.get(arn.as_str()).copied();
            let name = layer.map_or_else(|| arn.clone(), |l| l.name().to_string());
            out.push((format!("layer {name}"), layer.map(|l| &l.report)));
        }
        Some(out)
    }
}

/// What the code area read in one function's deployment package (GetFunction →
/// Code.Location).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FunctionCode {
    pub function_arn: String,
    pub region: String,
    /// GetFunction's `CodeSha256`: a package is read once per distinct one.
    pub code_sha256: String,
    /// What it holds, or why it could not be read (download failed, over a reading limit).
    pub report: Fetched<Arc<CodeReport>>,
}

/// What the code area read in one layer version (GetLayerVersion → Content.Location).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LayerCode {
    /// The layer version ARN (`…:layer:NAME:VERSION`).
    pub arn: String,
    pub region: String,
    pub report: Fetched<Arc<CodeReport>>,
}

impl LayerCode {
    /// `NAME:VERSION`, from the ARN.
    pub fn name(&self) -> &str {
        self.arn.split(":layer:").nth(1).unwrap_or(&self.arn)
    }
}

/// A package read and judged: the packages and credentials it holds, the advisories that
/// affect those packages, and what could not be decided.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CodeReport {
    pub contents: super::packages::Contents,
    /// Most severe first.
    pub vulnerabilities: Vec<super::osv::Vulnerability>,
    /// Why some packages could not be judged: no usable advisory database for their
    /// ecosystem (with the command that fixes it), a version that cannot be ordered.
    pub undecided: Vec<String>,
}

// ───────────────────────────── IAM ─────────────────────────────

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Role {
    pub arn: String,
    pub name: String,
    /// Attached managed policies and inline policies, each with its document. A document that
    /// could not be read is `Err` on its own, so the rest still decides.
    pub policies: Vec<RolePolicy>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RolePolicy {
    pub name: String,
    /// ARN for managed policies, `None` for inline ones.
    pub arn: Option<String>,
    /// The policy document JSON (possibly URL-encoded or JSON-string-encoded as IAM returns it).
    pub document: Fetched<String>,
}

// ───────────────────────────── API Gateway REST ─────────────────────────────

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RestApi {
    pub id: String,
    pub name: String,
    pub region: String,
    pub endpoint_type: EndpointType,
    /// Resource policy JSON, if any.
    pub policy: Option<String>,
    pub disable_execute_api_endpoint: bool,
    pub resources: Fetched<Vec<RestResource>>,
    pub authorizers: Fetched<Vec<Authorizer>>,
    pub validators: Fetched<Vec<RequestValidator>>,
    pub stages: Fetched<Vec<RestStage>>,
}

impl RestApi {
    pub fn arn(&self) -> String {
        format!("arn:aws:apigateway:{}::/restapis/{}", self.region, self.id)
    }
    pub fn stage_arn(&self, stage: &str) -> String {
        format!("{}/stages/{stage}", self.arn())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RestResource {
    pub id: String,
    pub path: String,
    pub methods: Vec<RestMethod>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RestMethod {
    pub http_method: String,
    pub authorization_type: AuthorizationType,
    pub authorizer_id: Option<String>,
    pub api_key_required: bool,
    pub request_validator_id: Option<String>,
    /// methodIntegration.uri (contains the Lambda ARN for Lambda integrations).
    pub integration_uri: Option<String>,
    /// The state machines a Step Functions `StartExecution` / `StartSyncExecution`
    /// integration names in its request templates (their ARNs; nothing else of a template is
    /// kept).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub started_machines: Vec<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Authorizer {
    pub id: String,
    pub name: String,
    pub authorizer_type: AuthorizerType,
    /// Lambda authorizer URI (contains the function ARN).
    pub authorizer_uri: Option<String>,
    /// A REST `COGNITO_USER_POOLS` authorizer's user pool ARNs (`providerARNs`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub provider_arns: Vec<String>,
    /// An HTTP API JWT authorizer's issuer (`JwtConfiguration.Issuer`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jwt_issuer: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RequestValidator {
    pub id: String,
    pub name: String,
    pub validate_body: bool,
    pub validate_parameters: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RestStage {
    pub name: String,
    pub deployment_id: Option<String>,
    pub web_acl_arn: Option<String>,
    /// Keyed like the API: `*/*` for the stage default, `path/VERB` per method.
    pub method_settings: BTreeMap<String, MethodSetting>,
    pub access_log_destination: Option<String>,
    pub tracing_enabled: bool,
    pub cache_cluster_enabled: bool,
    pub client_certificate_id: Option<String>,
    pub variables: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MethodSetting {
    pub logging_level: Option<LoggingLevel>,
    pub throttling_rate_limit: Option<f64>,
    pub throttling_burst_limit: Option<i32>,
    pub caching_enabled: bool,
    pub cache_data_encrypted: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RestDomain {
    pub name: String,
    pub region: String,
    /// `TLS_1_0`, `TLS_1_2`, or a `SecurityPolicy_TLS13_*` policy.
    pub security_policy: Option<String>,
    pub base_path_mappings: Fetched<Vec<BasePathMapping>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BasePathMapping {
    pub base_path: String,
    pub rest_api_id: String,
    pub stage: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct UsagePlan {
    pub id: String,
    pub name: String,
    /// (rest api id, stage name) pairs the plan covers.
    pub api_stages: Vec<(String, String)>,
    pub throttle_rate_limit: Option<f64>,
    pub throttle_burst_limit: Option<i32>,
}

// ───────────────────────────── API Gateway v2 ─────────────────────────────

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct V2Api {
    pub id: String,
    pub name: String,
    pub region: String,
    pub protocol: ApiProtocol,
    pub cors: Option<Cors>,
    pub disable_execute_api_endpoint: bool,
    pub routes: Fetched<Vec<Route>>,
    pub integrations: Fetched<Vec<Integration>>,
    pub authorizers: Fetched<Vec<Authorizer>>,
    pub stages: Fetched<Vec<V2Stage>>,
}

impl V2Api {
    pub fn arn(&self) -> String {
        format!("arn:aws:apigateway:{}::/apis/{}", self.region, self.id)
    }
    pub fn stage_arn(&self, stage: &str) -> String {
        format!("{}/stages/{stage}", self.arn())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Cors {
    pub allow_origins: Vec<String>,
    pub allow_credentials: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Route {
    pub id: String,
    /// `GET /items`, `$default`, `$connect`, ...
    pub route_key: String,
    pub authorization_type: AuthorizationType,
    pub authorizer_id: Option<String>,
    /// `integrations/<id>`.
    pub target: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Integration {
    pub id: String,
    pub integration_type: IntegrationType,
    pub uri: Option<String>,
    pub connection_type: Option<ConnectionType>,
    pub tls_server_name_to_verify: Option<String>,
    /// The state machine a `StepFunctions-StartExecution` / `-StartSyncExecution` integration
    /// starts (`RequestParameters.StateMachineArn`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_machine: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct V2Stage {
    pub name: String,
    pub access_log_destination: Option<String>,
    pub default_throttling_rate_limit: Option<f64>,
    pub default_throttling_burst_limit: Option<i32>,
    /// Per-route throttles: route key → (rate, burst).
    pub route_throttles: BTreeMap<String, (Option<f64>, Option<i32>)>,
    pub variables: BTreeMap<String, String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct V2Domain {
    pub name: String,
    pub region: String,
    /// `TLS_1_0` or `TLS_1_2`.
    pub security_policy: Option<String>,
}

// ───────────────────────────── Kinesis ─────────────────────────────

/// A Kinesis data stream that triggers a function (DescribeStreamSummary).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Stream {
    pub arn: String,
    pub name: String,
    pub region: String,
    /// `EncryptionType`, or why it could not be read.
    pub encryption: Fetched<StreamEncryption>,
}

// ───────────────────────────── AppSync ─────────────────────────────

/// An AppSync GraphQL API (ListGraphqlApis) and what the graphql area listed under it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GraphqlApi {
    pub arn: String,
    pub api_id: String,
    pub name: String,
    pub region: String,
    pub visibility: GraphqlVisibility,
    /// The default provider first, then the additional ones.
    pub auth: Vec<GraphqlAuth>,
    /// `logConfig.fieldLogLevel`; `None` when the API has no `logConfig`.
    pub field_log_level: Option<FieldLogLevel>,
    pub waf_web_acl_arn: Option<String>,
    /// `introspectionConfig`; `None` when the listing did not say.
    pub introspection: Option<Introspection>,
    /// `queryDepthLimit` and `resolverCountLimit` (0 = no limit); `None` when not said.
    pub query_depth_limit: Option<i32>,
    pub resolver_count_limit: Option<i32>,
    /// When each API key expires (seconds since the epoch). The key itself (its id is the
    /// key) is dropped as it is read.
    pub api_keys: Fetched<Vec<i64>>,
    pub data_sources: Fetched<Vec<DataSource>>,
    /// Resolvers of every object type of the schema.
    pub resolvers: Fetched<Vec<Resolver>>,
    /// The API's pipeline functions (AppSync functions, not Lambda functions).
    pub functions: Fetched<Vec<PipelineFunction>>,
}

/// One authentication provider of an AppSync API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GraphqlAuth {
    pub kind: GraphqlAuthType,
    /// The Cognito user pool, for `AMAZON_COGNITO_USER_POOLS`.
    pub user_pool: Option<PoolRef>,
}

/// A Cognito user pool named by an API or an authorizer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolRef {
    pub id: String,
    pub region: String,
}

/// An AppSync data source (ListDataSources).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DataSource {
    pub name: String,
    /// `type`: `AWS_LAMBDA`, `AMAZON_DYNAMODB`, `HTTP`, …
    pub kind: String,
    /// The function of an `AWS_LAMBDA` data source.
    pub function_arn: Option<String>,
    /// The role AppSync assumes to call it.
    pub service_role_arn: Option<String>,
}

/// Mapping templates and JavaScript code of a resolver or a pipeline function. Like
/// environment variables they never leave the domain.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ResolverCode {
    pub request_template: Option<String>,
    pub response_template: Option<String>,
    pub code: Option<String>,
}

/// A resolver (ListResolvers): `type_name.field_name`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Resolver {
    pub type_name: String,
    pub field_name: String,
    /// The data source of a unit resolver.
    pub data_source: Option<String>,
    /// The function ids of a pipeline resolver, in order.
    pub pipeline: Vec<String>,
    pub code: ResolverCode,
}

/// A pipeline function (AppSync ListFunctions).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PipelineFunction {
    pub id: String,
    pub name: String,
    pub data_source: Option<String>,
    pub code: ResolverCode,
}

impl GraphqlApi {
    /// The roles AppSync assumes for this API's data sources.
    pub fn service_roles(&self) -> impl Iterator<Item = &str> {
        self.data_sources
            .iter()
            .flatten()
            .filter_map(|d| d.service_role_arn.as_deref())
            .filter(|r| !r.trim().is_empty())
    }
}

// ───────────────────────────── CloudWatch Logs ─────────────────────────────

/// A log group a function writes to (DescribeLogGroups).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogGroup {
    pub name: String,
    /// `retentionInDays`; `None`: logs are kept forever.
    pub retention_days: Option<i32>,
}

// ───────────────────────────── Cognito ─────────────────────────────

/// A Cognito user pool (ListUserPools, then DescribeUserPool).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UserPool {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub region: String,
    /// Whether anyone may sign up (`AdminCreateUserConfig.AllowAdminCreateUserOnly` false),
    /// or why it could not be read.
    pub self_signup: Fetched<bool>,
}

/// A Cognito identity pool (ListIdentityPools, DescribeIdentityPool, GetIdentityPoolRoles).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IdentityPool {
    pub id: String,
    pub arn: String,
    pub name: String,
    pub region: String,
    /// `AllowUnauthenticatedIdentities`, or why it could not be read.
    pub guest_access: Fetched<bool>,
    /// The role guests get (`Roles.unauthenticated`), read only when guest access is on:
    /// `Ok(None)` when there is none, or guest access is off.
    pub guest_role: Fetched<Option<String>>,
}

impl IdentityPool {
    pub fn guest_role_arn(&self) -> Option<&str> {
        self.guest_role
            .as_ref()
            .ok()
            .and_then(|r| r.as_deref())
            .filter(|r| !r.trim().is_empty())
    }
}

// ───────────────────────────── Step Functions ─────────────────────────────

/// A state machine: ListStateMachines, then DescribeStateMachine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StateMachine {
    pub arn: String,
    pub name: String,
    pub region: String,
    pub kind: MachineType,
    /// What DescribeStateMachine says, or why it could not be read.
    pub described: Fetched<MachineConfig>,
}

/// A state machine's configuration (DescribeStateMachine).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MachineConfig {
    pub role_arn: String,
    /// The definition (Amazon States Language) as AWS returns it. Like environment variables
    /// it never leaves the domain: findings name a field and a masked prefix only.
    pub definition: String,
    pub log_level: MachineLogLevel,
    pub tracing: bool,
    /// The definition's Lambda-invoking Task states, parsed once when the configuration is
    /// built (`domain::workflows::machine_config`) so that screens and joins never re-parse definitions
    /// (up to 1 MB each) per frame. Empty when the definition is not JSON.
    #[serde(default)]
    pub lambda_tasks: Vec<LambdaTask>,
}

/// One Task state that invokes a Lambda function (`domain::workflows::lambda_tasks`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LambdaTask {
    /// The state's name (inside a Parallel branch or a Map, its own name).
    pub state: String,
    /// The function as the definition names it: a name, a partial or full ARN (possibly with
    /// a version or alias), or `None` when it is chosen at run time (`FunctionName.$`, a
    /// JSONata expression).
    pub function: Option<String>,
}

impl StateMachine {
    /// Its role, when it was described.
    pub fn role_arn(&self) -> Option<&str> {
        self.described
            .as_ref()
            .ok()
            .map(|c| c.role_arn.as_str())
            .filter(|r| !r.trim().is_empty())
    }
}

// ───────────────────────────── Secrets Manager ─────────────────────────────

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Secret {
    pub name: String,
    pub arn: String,
    pub region: String,
    /// Key id, ARN or alias; `None` means the AWS managed `aws/secretsmanager` key.
    pub kms_key_id: Option<String>,
    pub rotation_enabled: Option<bool>,
    pub rotation_lambda_arn: Option<String>,
    pub rotation_days: Option<i64>,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub created: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub last_rotated: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub last_accessed: Option<OffsetDateTime>,
    #[serde(with = "time::serde::rfc3339::option", default)]
    pub next_rotation: Option<OffsetDateTime>,
    /// GetResourcePolicy; `Ok(None)` when there is no policy.
    pub policy: Fetched<Option<String>>,
}

// ───────────────────────────── KMS ─────────────────────────────

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Key {
    /// How functions/secrets refer to it (ARN, id or alias) — what was looked up.
    pub reference: String,
    pub region: String,
    pub details: Fetched<KeyDetails>,
}

impl Key {
    pub fn matches(&self, reference: &str) -> bool {
        if self.reference == reference {
            return true;
        }
        let Ok(d) = &self.details else { return false };
        let alias = Arn::parse(reference).map_or(reference, |a| a.resource);
        d.arn == reference
            || d.id == reference
            || d.aliases.iter().any(|a| a == reference || a == alias)
    }

    /// Human name: first alias (without `alias/`), else the key id, else the reference.
    pub fn display_name(&self) -> String {
        match &self.details {
            Ok(d) => d
                .aliases
                .first()
                .map(|a| a.trim_start_matches("alias/").to_string())
                .unwrap_or_else(|| d.id.clone()),
            Err(_) => self.reference.clone(),
        }
    }

    pub fn resource_id(&self) -> String {
        match &self.details {
            Ok(d) => d.arn.clone(),
            Err(_) => self.reference.clone(),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct KeyDetails {
    pub arn: String,
    pub id: String,
    /// Alias names, `alias/...`.
    pub aliases: Vec<String>,
    /// `CUSTOMER` or `AWS` from DescribeKey (may be missing or wrong; see checks::kms).
    pub manager: Option<KeyManager>,
    pub state: Option<KeyState>,
    /// `SYMMETRIC_DEFAULT`, `RSA_2048`, ...
    pub spec: Option<String>,
    pub rotation_enabled: Fetched<bool>,
    /// Key policy JSON.
    pub policy: Fetched<String>,
}

// ───────────────────────────── Event sources and triggers ─────────────────────────────

/// What an event source mapping reads from, by the service of its source ARN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceKind {
    Sqs,
    Kinesis,
    DynamoDbStream,
    /// Amazon MSK.
    Kafka,
    /// Self-managed Apache Kafka (no source ARN: bootstrap servers).
    SelfManagedKafka,
    Mq,
    DocumentDb,
    Other,
}

impl SourceKind {
    /// The kind of a mapping's `EventSourceArn` (`None` for self-managed Kafka).
    pub fn of_source(source: Option<&str>) -> SourceKind {
        let Some(arn) = source.and_then(Arn::parse) else {
            return SourceKind::SelfManagedKafka;
        };
        match (arn.service, arn.resource_type()) {
            ("sqs", _) => SourceKind::Sqs,
            ("kinesis", _) => SourceKind::Kinesis,
            ("dynamodb", _) => SourceKind::DynamoDbStream,
            ("kafka", _) => SourceKind::Kafka,
            ("mq", _) => SourceKind::Mq,
            ("rds", _) | ("docdb", _) | ("docdb-elastic", _) => SourceKind::DocumentDb,
            _ => SourceKind::Other,
        }
    }

    /// Kinesis and DynamoDB Streams: ordered shards, retried batch by batch.
    pub fn is_stream(self) -> bool {
        matches!(self, SourceKind::Kinesis | SourceKind::DynamoDbStream)
    }

    /// The mappings whose failed batches can go to `DestinationConfig.OnFailure`.
    pub fn has_on_failure(self) -> bool {
        matches!(
            self,
            SourceKind::Kinesis
                | SourceKind::DynamoDbStream
                | SourceKind::Kafka
                | SourceKind::SelfManagedKafka
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            SourceKind::Sqs => "SQS queue",
            SourceKind::Kinesis => "Kinesis stream",
            SourceKind::DynamoDbStream => "DynamoDB stream",
            SourceKind::Kafka => "MSK cluster",
            SourceKind::SelfManagedKafka => "Kafka cluster",
            SourceKind::Mq => "MQ broker",
            SourceKind::DocumentDb => "DocumentDB cluster",
            SourceKind::Other => "event source",
        }
    }
}

/// A Lambda event source mapping (ListEventSourceMappings).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EventSourceMapping {
    pub uuid: String,
    pub region: String,
    /// `EventSourceArn`; `None` for self-managed Kafka.
    pub source_arn: Option<String>,
    /// The function it invokes, possibly qualified (`…:function:F:ALIAS`).
    pub function_arn: String,
    pub state: Option<MappingState>,
    /// -1 (or absent) retries until the record expires.
    pub maximum_retry_attempts: Option<i32>,
    /// -1 (or absent) keeps records until they expire from the stream.
    pub maximum_record_age_seconds: Option<i32>,
    pub bisect_batch_on_function_error: Option<bool>,
    /// `DestinationConfig.OnFailure.Destination`.
    pub on_failure_destination: Option<String>,
}

impl EventSourceMapping {
    pub fn kind(&self) -> SourceKind {
        SourceKind::of_source(self.source_arn.as_deref())
    }

    /// `arn:aws:lambda:REGION:ACCOUNT:event-source-mapping:UUID`.
    pub fn arn(&self) -> String {
        let account = Arn::parse(&self.function_arn).map_or("", |a| a.account);
        format!(
            "arn:aws:lambda:{}:{account}:event-source-mapping:{}",
            self.region, self.uuid
        )
    }

    /// `SOURCE → FUNCTION`, the name CHECKS.md gives a mapping.
    pub fn display_name(&self) -> String {
        let source = match self.source_arn.as_deref() {
            Some(arn) => crate::domain::arn::source_name(arn),
            None => "self-managed Kafka".to_string(),
        };
        let function = match crate::domain::arn::function_ref(&self.function_arn) {
            Some(f) => f.name,
            None => self.function_arn.clone(),
        };
        format!("{source} → {function}")
    }
}

/// An SQS queue that triggers a function (GetQueueAttributes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Queue {
    pub arn: String,
    pub name: String,
    pub region: String,
    pub attributes: Fetched<QueueAttributes>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueAttributes {
    /// `Policy`; `None` when the queue has none.
    pub policy: Option<String>,
    /// `SqsManagedSseEnabled`.
    pub sqs_managed_sse: bool,
    /// `KmsMasterKeyId`.
    pub kms_master_key_id: Option<String>,
    /// `RedrivePolicy` JSON (`deadLetterTargetArn`, `maxReceiveCount`).
    pub redrive_policy: Option<String>,
}

/// An SNS topic with at least one `lambda` subscription (GetTopicAttributes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Topic {
    pub arn: String,
    pub name: String,
    pub region: String,
    pub subscriptions: Vec<Subscription>,
    pub attributes: Fetched<TopicAttributes>,
}

/// A subscription with protocol `lambda`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Subscription {
    pub arn: String,
    /// The endpoint: the function's ARN, possibly qualified.
    pub function_arn: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TopicAttributes {
    /// `Policy` (a new topic gets AWS's default, `{"AWS":"*"}` restricted by
    /// `AWS:SourceOwner`).
    pub policy: Option<String>,
    /// `KmsMasterKeyId`.
    pub kms_master_key_id: Option<String>,
}

/// An EventBridge bus with at least one rule that targets a function.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Bus {
    pub name: String,
    pub arn: String,
    pub region: String,
    /// The bus's resource policy; `Ok(None)` when it has none (the default bus usually).
    pub policy: Fetched<Option<String>>,
    /// Its rules that target a function or a state machine.
    pub rules: Vec<BusRule>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct BusRule {
    pub name: String,
    pub arn: String,
    /// Function targets (ARNs, possibly qualified).
    pub function_arns: Vec<String>,
    /// State machine targets (ARNs).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub machine_arns: Vec<String>,
}

// Defaults: collected-and-empty, so fixtures and tests can spell only what matters.

impl Default for Function {
    fn default() -> Self {
        Function {
            name: Default::default(),
            arn: Default::default(),
            region: Default::default(),
            runtime: Default::default(),
            package_type: Default::default(),
            role_arn: Default::default(),
            env: Default::default(),
            kms_key_arn: Default::default(),
            layers: Default::default(),
            vpc_subnet_ids: Default::default(),
            tracing_mode: Default::default(),
            dead_letter_target: Default::default(),
            policy: Ok(Default::default()),
            url: Ok(Default::default()),
            event_invoke: Ok(Default::default()),
            aliases: Ok(Default::default()),
            code_signing: Ok(Default::default()),
            code_sha256: Default::default(),
            log_group: None,
        }
    }
}

impl Default for RestApi {
    fn default() -> Self {
        RestApi {
            id: Default::default(),
            name: Default::default(),
            region: Default::default(),
            endpoint_type: Default::default(),
            policy: Default::default(),
            disable_execute_api_endpoint: Default::default(),
            resources: Ok(Default::default()),
            authorizers: Ok(Default::default()),
            validators: Ok(Default::default()),
            stages: Ok(Default::default()),
        }
    }
}

impl Default for RestDomain {
    fn default() -> Self {
        RestDomain {
            name: Default::default(),
            region: Default::default(),
            security_policy: Default::default(),
            base_path_mappings: Ok(Default::default()),
        }
    }
}

impl Default for V2Api {
    fn default() -> Self {
        V2Api {
            id: Default::default(),
            name: Default::default(),
            region: Default::default(),
            protocol: Default::default(),
            cors: Default::default(),
            disable_execute_api_endpoint: Default::default(),
            routes: Ok(Default::default()),
            integrations: Ok(Default::default()),
            authorizers: Ok(Default::default()),
            stages: Ok(Default::default()),
        }
    }
}

impl Default for Secret {
    fn default() -> Self {
        Secret {
            name: Default::default(),
            arn: Default::default(),
            region: Default::default(),
            kms_key_id: Default::default(),
            rotation_enabled: Default::default(),
            rotation_lambda_arn: Default::default(),
            rotation_days: Default::default(),
            created: Default::default(),
            last_rotated: Default::default(),
            last_accessed: Default::default(),
            next_rotation: Default::default(),
            policy: Ok(Default::default()),
        }
    }
}

impl Default for KeyDetails {
    fn default() -> Self {
        KeyDetails {
            arn: Default::default(),
            id: Default::default(),
            aliases: Default::default(),
            manager: Default::default(),
            state: Default::default(),
            spec: Default::default(),
            rotation_enabled: Ok(Default::default()),
            policy: Ok(Default::default()),
        }
    }
}

// ───────────────────────────── key management ─────────────────────────────

/// Alias prefix reserved for AWS managed keys (customers cannot create aliases under it).
const AWS_ALIAS_PREFIX: &str = "alias/aws/";

/// Whether a key is AWS managed (`Some(true)`), customer managed (`Some(false)`), or
/// undecidable (`None`).
///
/// DescribeKey's `KeyManager` decides, except where it is missing or implausible: an alias under
/// `alias/aws/` is reserved for AWS managed keys, so a key carrying one is AWS managed whatever
/// the manager says (emulators report `CUSTOMER` for them). Without a manager, any other alias
/// marks a customer key; a key with neither cannot be decided.
pub fn is_aws_managed(key: &KeyDetails) -> Option<bool> {
    let aws_alias = key.aliases.iter().any(|a| is_aws_alias(a));
    match &key.manager {
        Some(KeyManager::Aws) => Some(true),
        Some(KeyManager::Customer) => Some(aws_alias),
        _ if aws_alias => Some(true),
        _ if !key.aliases.is_empty() => Some(false),
        _ => None,
    }
}

/// Whether a key reference (alias name, alias ARN) names an AWS managed key's alias, e.g.
/// `alias/aws/secretsmanager` or `arn:aws:kms:eu-west-1:123456789012:alias/aws/lambda`.
pub fn is_aws_alias(reference: &str) -> bool {
    let alias = match reference.find(":alias/") {
        Some(i) => &reference[i + 1..],
        None => reference.trim(),
    };
    alias.starts_with(AWS_ALIAS_PREFIX)
}

/// [`is_aws_managed`] for a key whose details may be missing: falls back to the reference the
/// function or secret used (an `alias/aws/...` reference is AWS managed).
pub fn key_is_aws_managed(key: &Key) -> Option<bool> {
    let by_details = key.details.as_ref().ok().and_then(is_aws_managed);
    by_details.or_else(|| is_aws_alias(&key.reference).then_some(true))
}

#[cfg(test)]
mod tests;
