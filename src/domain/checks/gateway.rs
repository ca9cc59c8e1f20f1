//! What the two API Gateway families share, written once: the REST checks (`apigw`) and the
//! HTTP/WebSocket checks (`apigwv2`) judge stages, access logs, stage variables and custom
//! domains the same way, over [`GatewayApi`]s. Not a check family: it declares no checks.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::domain::catalogue::{CheckDef, Context, Target, tf_ident};
use crate::domain::finding::{Evidence, Finding};
use crate::domain::inventory::{
    Authorizer, Fetched, Inventory, RestApi, RestDomain, RestStage, V2Api, V2Domain, V2Stage,
};

/// The account-level throttle every stage inherits unless it sets a lower one.
pub const ACCOUNT_DEFAULT_RATE: f64 = 10_000.0;
pub const ACCOUNT_DEFAULT_BURST: i32 = 5_000;

/// A REST or HTTP/WebSocket API, as the shared judgements see it.
pub trait GatewayApi {
    type Stage: GatewayStage;
    fn id(&self) -> &str;
    fn name(&self) -> &str;
    fn region(&self) -> &str;
    fn arn(&self) -> String;
    fn stage_arn(&self, stage: &str) -> String;
    fn stages(&self) -> &Fetched<Vec<Self::Stage>>;
}

/// A stage of either family.
pub trait GatewayStage {
    fn name(&self) -> &str;
    fn access_log_destination(&self) -> &Option<String>;
    fn variables(&self) -> &BTreeMap<String, String>;
}

/// One API Gateway family, as the checks both families declare see it: where its APIs and
/// domains are in the inventory and how its API spells the settings they judge.
pub trait Family {
    type Api: GatewayApi;
    fn apis(inv: &Inventory) -> &[Self::Api];
    fn domains(inv: &Inventory) -> impl Iterator<Item = Domain<'_>>;
    /// The access log destination setting.
    const ACCESS_LOG_FIELD: &'static str;
    /// The stage variables.
    const VARIABLES_FIELD: &'static str;
    /// A custom domain's security policy.
    const TLS_FIELD: &'static str;
    /// What an old security policy lets in.
    const LEGACY_TLS: &'static str;
}

/// REST APIs (`apigw.*`).
pub struct Rest;
/// HTTP and WebSocket APIs (`apigwv2.*`).
pub struct Http;

macro_rules! gateway {
    (
        $family:ident: $api:ty, $stage:ty, $domain:ty, $apis:ident, $domains:ident,
        $access_log:literal, $variables:literal, $tls:literal, $legacy:literal
    ) => {
        impl Family for $family {
            type Api = Arc<$api>;
            fn apis(inv: &Inventory) -> &[Arc<$api>] {
                &inv.$apis
            }
            fn domains(inv: &Inventory) -> impl Iterator<Item = Domain<'_>> {
                inv.$domains.iter().map(Domain::from)
            }
            const ACCESS_LOG_FIELD: &'static str = $access_log;
            const VARIABLES_FIELD: &'static str = $variables;
            const TLS_FIELD: &'static str = $tls;
            const LEGACY_TLS: &'static str = $legacy;
        }

        impl GatewayApi for $api {
            type Stage = $stage;
            fn id(&self) -> &str {
                &self.id
            }
            fn name(&self) -> &str {
                &self.name
            }
            fn region(&self) -> &str {
                &self.region
            }
            fn arn(&self) -> String {
                <$api>::arn(self)
            }
            fn stage_arn(&self, stage: &str) -> String {
                <$api>::stage_arn(self, stage)
            }
            fn stages(&self) -> &Fetched<Vec<$stage>> {
                &self.stages
            }
        }

        impl GatewayStage for $stage {
            fn name(&self) -> &str {
                &self.name
            }
            fn access_log_destination(&self) -> &Option<String> {
                &self.access_log_destination
            }
            fn variables(&self) -> &BTreeMap<String, String> {
                &self.variables
            }
        }

        impl<'a> From<&'a $domain> for Domain<'a> {
            fn from(d: &'a $domain) -> Self {
                Domain {
                    region: &d.region,
                    name: &d.name,
                    security_policy: &d.security_policy,
                }
            }
        }
    };
}

gateway!(
    Rest: RestApi, RestStage, RestDomain, rest_apis, rest_domains,
    "accessLogSettings.destinationArn", "variables", "securityPolicy", "TLS 1.0/1.1"
);
/// The inventory shares its APIs.
impl<T: GatewayApi> GatewayApi for Arc<T> {
    type Stage = T::Stage;
    fn id(&self) -> &str {
        (**self).id()
    }
    fn name(&self) -> &str {
        (**self).name()
    }
    fn region(&self) -> &str {
        (**self).region()
    }
    fn arn(&self) -> String {
        (**self).arn()
    }
    fn stage_arn(&self, stage: &str) -> String {
        (**self).stage_arn(stage)
    }
    fn stages(&self) -> &Fetched<Vec<T::Stage>> {
        (**self).stages()
    }
}
gateway!(
    Http: V2Api, V2Stage, V2Domain, v2_apis, v2_domains,
    "AccessLogSettings.DestinationArn", "StageVariables", "SecurityPolicy", "TLS 1.0"
);

pub fn api_target(api: &impl GatewayApi) -> Target {
    Target::new(api.region(), api.arn(), api.name())
        .param("api_id", api.id())
        .param("tf", tf_ident(api.name()))
}

pub fn stage_target<A: GatewayApi>(api: &A, stage: &A::Stage) -> Target {
    let name = format!("{}/{}", api.name(), stage.name());
    Target::new(api.region(), api.stage_arn(stage.name()), &name)
        .param("api_id", api.id())
        .param("stage", stage.name())
        .param("tf", tf_ident(&name))
}

pub fn domain_target(region: &str, domain: &str) -> Target {
    Target::new(
        region,
        format!("arn:aws:apigateway:{region}::/domainnames/{domain}"),
        domain,
    )
    .param("domain", domain)
    .param("tf", tf_ident(domain))
}

/// One finding per stage; an API whose stages could not be listed gets one `unknown`.
pub fn per_stage<A: GatewayApi>(
    def: &CheckDef,
    inv: &Inventory,
    apis: &[A],
    mut judge: impl FnMut(&A, &A::Stage, Target) -> Finding,
) -> Vec<Finding> {
    let mut out = Vec::new();
    for api in apis {
        match api.stages() {
            Err(e) => out.push(
                def.unknown(
                    inv,
                    &api_target(api)
                        .param("stage", "STAGE_NAME")
                        .param("variable", "VARIABLE"),
                    format!("GetStages: {e}"),
                ),
            ),
            Ok(stages) => {
                for stage in stages {
                    out.push(judge(api, stage, stage_target(api, stage)));
                }
            }
        }
    }
    out
}

/// A set, non-blank value.
pub fn present(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A rate and burst for evidence, `unset` where missing.
pub fn limits(rate: Option<f64>, burst: Option<i32>) -> String {
    let show = |v: Option<String>| v.unwrap_or_else(|| "unset".to_string());
    format!(
        "rate {}, burst {}",
        show(rate.map(|r| r.to_string())),
        show(burst.map(|b| b.to_string()))
    )
}

/// Evidence that an API has authorizers its open `what` (methods, routes) do not use.
pub fn unused_authorizers(authorizers: &Fetched<Vec<Authorizer>>, what: &str) -> Option<Evidence> {
    let authorizers = authorizers.as_ref().ok().filter(|a| !a.is_empty())?;
    let names: Vec<&str> = authorizers.iter().map(|a| a.name.as_str()).collect();
    Some(Evidence::new(
        "authorizers",
        format!(
            "{} defined ({}) but not used by the {what} above",
            authorizers.len(),
            names.join(", ")
        ),
    ))
}

/// `Some(true)` when the policy lets TLS 1.0/1.1 in, `Some(false)` when it needs TLS 1.2+,
/// `None` when the name is not one we know.
pub fn allows_legacy_tls(policy: &str) -> Option<bool> {
    let p = policy.trim().to_ascii_uppercase().replace('-', "_");
    if ["TLS_1_0", "TLS_1_1", "TLS10", "TLS11", "TLS1_0", "TLS1_1"]
        .iter()
        .any(|weak| p.contains(weak))
    {
        return Some(true);
    }
    if p == "TLS_1_2"
        || p.starts_with("SECURITYPOLICY_TLS12")
        || p.starts_with("SECURITYPOLICY_TLS13")
    {
        return Some(false);
    }
    None
}

/// A custom domain as `*.weak-tls-domain` judges it.
pub struct Domain<'a> {
    pub region: &'a str,
    pub name: &'a str,
    pub security_policy: &'a Option<String>,
}

/// `*.weak-tls-domain`: fails a domain whose security policy accepts TLS older than 1.2.
/// `field` is the setting as the family's API spells it, `legacy` what the old policy lets in.
pub fn weak_tls_domain<'a>(
    def: &CheckDef,
    inv: &Inventory,
    domains: impl IntoIterator<Item = Domain<'a>>,
    field: &str,
    legacy: &str,
) -> Vec<Finding> {
    domains
        .into_iter()
        .map(|domain| {
            let t = domain_target(domain.region, domain.name);
            let Some(policy) = present(domain.security_policy) else {
                return def.unknown(inv, &t, format!("{field} was not reported for the domain"));
            };
            let ev = vec![Evidence::new(field, policy)];
            match allows_legacy_tls(policy) {
                Some(true) => def.fail(inv, &t, format!("{policy} accepts {legacy}"), ev),
                Some(false) => def.pass(inv, &t, format!("{policy} requires TLS 1.2 or later"), ev),
                None => def.unknown(inv, &t, format!("unrecognised security policy {policy}")),
            }
        })
        .collect()
}

/// `*.access-logging-off` of a family: a stage passes when it delivers access logs somewhere.
pub fn access_logs<F: Family>(def: &CheckDef, inv: &Inventory, _: &Context) -> Vec<Finding> {
    per_stage(def, inv, F::apis(inv), |_, stage, t| {
        let field = F::ACCESS_LOG_FIELD;
        match present(stage.access_log_destination()) {
            Some(dest) => def.pass(
                inv,
                &t,
                "access logs are delivered",
                vec![Evidence::new(field, dest)],
            ),
            None => def.fail(
                inv,
                &t,
                "no access log destination",
                vec![Evidence::new(field, "none")],
            ),
        }
    })
}

/// `*.secrets-in-stage-variables` of a family: the secret detectors over each stage's
/// variables.
pub fn stage_variables<F: Family>(def: &CheckDef, inv: &Inventory, _: &Context) -> Vec<Finding> {
    per_stage(def, inv, F::apis(inv), |_, stage, t| {
        if stage.variables().is_empty() {
            let t = t.param("variable", "VARIABLE");
            return def.pass(inv, &t, "the stage has no variables", Vec::new());
        }
        super::variables::judge_variables(
            def,
            inv,
            t,
            stage.variables(),
            F::VARIABLES_FIELD,
            "stage variable",
        )
    })
}

/// `*.weak-tls-domain` of a family.
pub fn tls_domains<F: Family>(def: &CheckDef, inv: &Inventory, _: &Context) -> Vec<Finding> {
    weak_tls_domain(def, inv, F::domains(inv), F::TLS_FIELD, F::LEGACY_TLS)
}
