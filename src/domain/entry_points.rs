//! Every way to reach a function without credentials, read from the inventory; what the
//! exposure checks, `lambda.unbounded-concurrency-public` and the throttles poller build on.
//!
//! [`unauthenticated_entry_points`] lists every way to reach a function without credentials:
//!
//! - a function URL with `AuthType NONE`;
//! - a resource-policy statement that lets anyone invoke it ([`iam::public_invoke_statements`]);
//! - a REST method other than OPTIONS with `authorizationType NONE` whose integration URI names
//!   the function, on an API that has at least one stage. `apiKeyRequired` does not count as
//!   authentication. A PRIVATE API is an entry only when its resource policy lets `*` invoke
//!   without an `aws:SourceVpce`/`aws:SourceVpc` condition (otherwise only callers inside the
//!   VPC endpoint reach it, which is not "anyone"). A public API whose policy denies everyone
//!   unconditionally is not an entry;
//! - an HTTP route with `AuthorizationType NONE` whose target integration names the function;
//! - a WebSocket API whose `$connect` route is `NONE` (or absent): `$connect` is the only
//!   route WebSocket APIs authorize, so every route's integration is reachable by anyone who
//!   connects;
//! - a Lambda authorizer used by a reachable, deployed API: it runs for every caller, before
//!   any credential is checked.
//!
//! Function ARNs are matched by region, account and name, ignoring qualifiers (`:live`, `:3`,
//! `:${stageVariables.alias}`) and the `arn:aws:apigateway:…:lambda:path/…/functions/…/invocations`
//! wrapper. Data that could hide an entry (a failed GetResources, GetRoutes, GetStages, a
//! failed API listing in the region, an unreadable policy) is reported by [`collection_gaps`],
//! and the checks answer `unknown` instead of `pass` when it exists.
//!

use crate::domain::arn::uri_targets;
use crate::domain::finding::Service;
use crate::domain::iam;
use crate::domain::inventory::{Function, Inventory, RestApi, V2Api};
use crate::domain::policy::{
    Condition, Effect, PolicyDocument, Statement, glob_match, specific_value,
};
use crate::domain::values::{ApiProtocol, AuthorizationType, EndpointType, UrlAuthType};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntryKind {
    FunctionUrl,
    ResourcePolicy,
    RestMethod,
    HttpRoute,
    WebSocketRoute,
    Authorizer,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EntryPoint {
    pub kind: EntryKind,
    /// e.g. `REST orders-api POST /orders (NONE)`.
    pub description: String,
    /// ARN of the function as the inventory lists it (unqualified).
    pub function_arn: String,
    pub region: String,
    /// How the entry reaches the function: the integration or authorizer URI, the URL, or the
    /// policy statement.
    pub via: String,
    /// A CLI command that closes this entry (filled in, ready to paste).
    pub close_cli: String,
}

/// Whether a method's or route's authorization type lets anyone call it: `NONE`, or missing
/// (API Gateway's default). One rule for the gateway checks and the exposure joins.
pub fn unauthenticated(authorization_type: &AuthorizationType) -> bool {
    authorization_type.is_open()
}

/// Every unauthenticated way into every function of the inventory.
pub fn unauthenticated_entry_points(inv: &Inventory) -> Vec<EntryPoint> {
    inv.functions
        .iter()
        .flat_map(|f| analyse(inv, f).0)
        .collect()
}

/// Why the entry points of `f` may be incomplete (data that was not collected or could not be
/// read). Empty when the analysis saw everything it needed.
pub fn collection_gaps(inv: &Inventory, f: &Function) -> Vec<String> {
    analyse(inv, f).1
}

/// The entry points of `f` and the gaps in what the analysis could see.
pub fn analyse(inv: &Inventory, f: &Function) -> (Vec<EntryPoint>, Vec<String>) {
    let mut entries = Vec::new();
    let mut gaps = Vec::new();
    let entry = |kind, description: String, via: String, close_cli: String| EntryPoint {
        kind,
        description,
        function_arn: f.arn.clone(),
        region: f.region.clone(),
        via,
        close_cli,
    };

    // The function's own URL and policy, then every alias's: an alias exposes the function
    // as much as `$LATEST` (its entries name it).
    for (label, url) in f.urls() {
        let (qualifier, of) = match label.strip_prefix("alias ") {
            Some(a) => (format!(" --qualifier {a}"), format!(" of {label}")),
            None => (String::new(), String::new()),
        };
        match url {
            Ok(Some(url)) if url.auth_type == UrlAuthType::None => entries.push(entry(
                EntryKind::FunctionUrl,
                format!("function URL{of} {} (NONE)", url.url),
                "direct invoke, no gateway in front".into(),
                format!(
                    "aws lambda update-function-url-config --function-name {}{qualifier} --auth-type AWS_IAM --region {}",
                    f.name, f.region
                ),
            )),
            Ok(_) => {}
            Err(e) => gaps.push(format!("function URL config{of}: {e}")),
        }
    }

    for (label, policy) in f.policies() {
        let (qualifier, of) = match label.strip_prefix("alias ") {
            Some(a) => (format!(" --qualifier {a}"), format!(" of {label}")),
            None => (String::new(), String::new()),
        };
        match iam::parse_policy(policy) {
            Ok(Some(doc)) => {
                for st in iam::public_invoke_statements(&doc) {
                    let sid = st.sid.clone().unwrap_or_else(|| "(no Sid)".into());
                    entries.push(entry(
                        EntryKind::ResourcePolicy,
                        format!("resource policy{of} statement {sid} (Principal {})", iam::principal_text(st)),
                        format!("direct invoke allowed by {}", iam::statement_summary(st)),
                        format!(
                            "aws lambda remove-permission --function-name {}{qualifier} --statement-id {sid} --region {}",
                            f.name, f.region
                        ),
                    ));
                }
            }
            Ok(None) => {}
            Err(e) => gaps.push(format!("resource policy{of}: {e}")),
        }
    }
    if let Err(e) = &f.aliases {
        gaps.push(format!("aliases: {e}"));
    }

    for failure in &inv.list_failures {
        if matches!(failure.service, Service::ApiGateway | Service::ApiGatewayV2)
            && failure.region == f.region
        {
            gaps.push(format!(
                "{} failed in {}: {}",
                failure.call, failure.region, failure.reason
            ));
        }
    }

    for api in &inv.rest_apis {
        rest_entries(inv, api, f, &entry, &mut entries, &mut gaps);
    }
    for api in &inv.v2_apis {
        v2_entries(api, f, &entry, &mut entries, &mut gaps);
    }
    (entries, gaps)
}

fn rest_entries(
    inv: &Inventory,
    api: &RestApi,
    f: &Function,
    entry: &dyn Fn(EntryKind, String, String, String) -> EntryPoint,
    entries: &mut Vec<EntryPoint>,
    gaps: &mut Vec<String>,
) {
    let resources = match &api.resources {
        Ok(r) => r,
        Err(e) => {
            if api.region == f.region {
                gaps.push(format!("REST API {} resources: {e}", api.name));
            }
            return;
        }
    };
    let mut found = Vec::new();
    let mut uses_custom_auth = false;
    for res in resources {
        for m in &res.methods {
            if m.http_method.eq_ignore_ascii_case("OPTIONS") {
                continue;
            }
            uses_custom_auth |= m.authorizer_id.is_some();
            let integrates = m
                .integration_uri
                .as_deref()
                .is_some_and(|u| uri_targets(u, &f.arn));
            if integrates && unauthenticated(&m.authorization_type) {
                let key_note = if m.api_key_required {
                    ", API key only"
                } else {
                    ""
                };
                found.push((
                    EntryKind::RestMethod,
                    format!("REST {} {} {} (NONE{key_note})", api.name, m.http_method, res.path),
                    format!("methodIntegration {}", m.integration_uri.clone().unwrap_or_default()),
                    format!(
                        "aws apigateway update-method --rest-api-id {} --resource-id {} --http-method {} \
                         --patch-operations op=replace,path=/authorizationType,value=AWS_IAM --region {}",
                        api.id, res.id, m.http_method, api.region
                    ),
                ));
            }
        }
    }
    match &api.authorizers {
        Ok(auths) => {
            for a in auths {
                let Some(uri) = a.authorizer_uri.as_deref() else {
                    continue;
                };
                let used = resources.iter().flat_map(|r| &r.methods).any(|m| {
                    !m.http_method.eq_ignore_ascii_case("OPTIONS")
                        && m.authorizer_id.as_deref() == Some(a.id.as_str())
                });
                if used && uri_targets(uri, &f.arn) {
                    found.push((
                        EntryKind::Authorizer,
                        format!("REST {} authorizer {} (runs for every caller)", api.name, a.name),
                        format!("authorizerUri {uri}"),
                        "# a Lambda authorizer runs for unauthenticated callers by design: keep its role minimal".into(),
                    ));
                }
            }
        }
        Err(e) if uses_custom_auth && api.region == f.region => {
            gaps.push(format!("REST API {} authorizers: {e}", api.name));
        }
        Err(_) => {}
    }
    if found.is_empty() {
        return;
    }
    match &api.stages {
        Err(e) => {
            gaps.push(format!("REST API {} stages: {e}", api.name));
            return;
        }
        Ok(stages) if stages.is_empty() => return,
        Ok(_) => {}
    }
    match anyone_can_invoke(api, inv) {
        Err(e) => gaps.push(e),
        Ok(false) => {}
        Ok(true) => entries.extend(found.into_iter().map(|(k, d, v, c)| entry(k, d, v, c))),
    }
}

fn v2_entries(
    api: &V2Api,
    f: &Function,
    entry: &dyn Fn(EntryKind, String, String, String) -> EntryPoint,
    entries: &mut Vec<EntryPoint>,
    gaps: &mut Vec<String>,
) {
    let (routes, integrations) = match (&api.routes, &api.integrations) {
        (Ok(r), Ok(i)) => (r, i),
        (Err(e), _) | (_, Err(e)) => {
            if api.region == f.region {
                gaps.push(format!(
                    "{} API {} routes/integrations: {e}",
                    api.protocol, api.name
                ));
            }
            return;
        }
    };
    let websocket = api.protocol == ApiProtocol::WebSocket;
    let kind_label = if websocket { "WebSocket" } else { "HTTP" };
    let connect = routes.iter().find(|r| r.route_key == "$connect");
    let connect_open = connect.is_none_or(|r| unauthenticated(&r.authorization_type));
    let integration_of = |target: Option<&str>| {
        let id = target?.trim().strip_prefix("integrations/")?;
        integrations.iter().find(|i| i.id == id)
    };

    let mut found = Vec::new();
    for route in routes {
        let open = if websocket {
            connect_open
        } else {
            unauthenticated(&route.authorization_type)
        };
        if !open {
            continue;
        }
        let Some(integ) = integration_of(route.target.as_deref()) else {
            continue;
        };
        let Some(uri) = integ.uri.as_deref() else {
            continue;
        };
        if !uri_targets(uri, &f.arn) {
            continue;
        }
        let (kind, description) = if !websocket {
            (
                EntryKind::HttpRoute,
                format!("HTTP {} {} (NONE)", api.name, route.route_key),
            )
        } else if route.route_key == "$connect" {
            (
                EntryKind::WebSocketRoute,
                format!("WebSocket {} $connect (NONE)", api.name),
            )
        } else {
            (
                EntryKind::WebSocketRoute,
                format!(
                    "WebSocket {} {} (after unauthenticated $connect)",
                    api.name, route.route_key
                ),
            )
        };
        let close_route = if websocket {
            connect.map(|c| c.id.as_str())
        } else {
            Some(route.id.as_str())
        };
        let close = match close_route {
            Some(id) => format!(
                "aws apigatewayv2 update-route --api-id {} --route-id {id} --authorization-type AWS_IAM --region {}",
                api.id, api.region
            ),
            None => format!(
                "aws apigatewayv2 create-route --api-id {} --route-key '$connect' --authorization-type AWS_IAM --region {}",
                api.id, api.region
            ),
        };
        found.push((
            kind,
            description,
            format!("integration {} {uri}", integ.id),
            close,
        ));
    }
    let uses_authorizer = routes.iter().any(|r| r.authorizer_id.is_some());
    match &api.authorizers {
        Ok(auths) => {
            for a in auths {
                let Some(uri) = a.authorizer_uri.as_deref() else {
                    continue;
                };
                let used = routes
                    .iter()
                    .any(|r| r.authorizer_id.as_deref() == Some(a.id.as_str()));
                if used && uri_targets(uri, &f.arn) {
                    found.push((
                        EntryKind::Authorizer,
                        format!("{kind_label} {} authorizer {} (runs for every caller)", api.name, a.name),
                        format!("authorizerUri {uri}"),
                        "# a Lambda authorizer runs for unauthenticated callers by design: keep its role minimal".into(),
                    ));
                }
            }
        }
        Err(e) if uses_authorizer && api.region == f.region => {
            gaps.push(format!("{kind_label} API {} authorizers: {e}", api.name));
        }
        Err(_) => {}
    }
    if found.is_empty() {
        return;
    }
    match &api.stages {
        Err(e) => gaps.push(format!("{kind_label} API {} stages: {e}", api.name)),
        Ok(stages) if stages.is_empty() => {}
        Ok(_) => entries.extend(found.into_iter().map(|(k, d, v, c)| entry(k, d, v, c))),
    }
}

// ───────────────────────────── REST API resource policies ─────────────────────────────

pub const INVOKE: &str = "execute-api:Invoke";

/// Condition keys that pin a private API to VPC endpoints / VPCs.
pub const VPC_KEYS: &[&str] = &["aws:SourceVpce", "aws:SourceVpc"];

/// Condition keys that restrict a public API to known networks.
pub const NETWORK_KEYS: &[&str] = &["aws:SourceVpce", "aws:SourceVpc", "aws:SourceIp"];

pub fn is_private(api: &RestApi) -> bool {
    api.endpoint_type == EndpointType::Private
}

/// A Deny condition that shuts out everything but the listed endpoints/networks.
fn deny_condition_restricts(c: &Condition, keys: &[&str]) -> bool {
    c.is_on(keys) && c.operator_base().contains("not") && c.values.iter().any(|v| specific_value(v))
}

/// `execute-api:/stage/GET/path` and `*` as full ARNs of this API, for comparison.
fn normalize_resource(resource: &str, api: &RestApi, account: &str) -> String {
    let base = format!("arn:aws:execute-api:{}:{account}:{}", api.region, api.id);
    let r = resource.trim();
    if r == "*" {
        format!("{base}/*")
    } else if let Some(rest) = r.strip_prefix("execute-api:") {
        format!("{base}{rest}")
    } else {
        r.to_string()
    }
}

/// Does a Deny statement cover everything the Allow statement grants?
fn deny_covers(deny: &Statement, allow: &Statement, api: &RestApi, account: &str) -> bool {
    if deny.not_resource {
        return false;
    }
    if deny.resources.is_empty() {
        return true;
    }
    let granted: Vec<String> = if allow.resources.is_empty() || allow.not_resource {
        vec![normalize_resource("*", api, account)]
    } else {
        allow
            .resources
            .iter()
            .map(|r| normalize_resource(r, api, account))
            .collect()
    };
    granted.iter().all(|g| {
        deny.resources.iter().any(|p| {
            let p = normalize_resource(p, api, account);
            p == *g || glob_match(&p, g)
        })
    })
}

/// Allow statements that let anyone invoke the API without one of `keys` restricting them
/// (on the statement itself or through a covering Deny).
pub fn open_statements<'a>(
    doc: &'a PolicyDocument,
    keys: &[&str],
    api: &RestApi,
    account: &str,
) -> Vec<(usize, &'a Statement)> {
    doc.statements
        .iter()
        .enumerate()
        .filter(|(_, s)| {
            s.effect == Effect::Allow
                && s.is_public_principal()
                && s.matches_action(INVOKE)
                && !s.conditions.iter().any(|c| c.narrows(keys))
                && !doc.statements.iter().any(|d| {
                    d.effect == Effect::Deny
                        && d.is_public_principal()
                        && d.matches_action(INVOKE)
                        && d.conditions
                            .iter()
                            .any(|c| deny_condition_restricts(c, keys))
                        && deny_covers(d, s, api, account)
                })
        })
        .collect()
}

/// The account for `execute-api:/…` resources in policies (`*` when unknown).
pub fn policy_account(inv: &Inventory) -> &str {
    if inv.account_id.is_empty() {
        "*"
    } else {
        inv.account_id.as_str()
    }
}

/// Whether anyone may invoke the API's unauthenticated methods as far as its endpoint type
/// and resource policy go: a PRIVATE API needs a policy statement open beyond specific VPC
/// endpoints; a public one is open without a policy (or with a policy that allows anyone
/// from any network). API Gateway denies unauthenticated calls a policy does not allow.
pub fn anyone_can_invoke(api: &RestApi, inv: &Inventory) -> Result<bool, String> {
    let private = is_private(api);
    let Some(text) = api.policy.as_deref().filter(|p| !p.trim().is_empty()) else {
        return Ok(!private);
    };
    let doc = PolicyDocument::parse(text)
        .map_err(|e| format!("REST API {} resource policy: {e}", api.name))?;
    let keys = if private { VPC_KEYS } else { NETWORK_KEYS };
    Ok(!open_statements(&doc, keys, api, policy_account(inv)).is_empty())
}

#[cfg(test)]
mod tests;
