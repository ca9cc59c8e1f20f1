//! Exposure paths: joins across Lambda, API Gateway and IAM (see ../shared/CHECKS.md,
//! "Exposure paths").
//!
//! [`unauthenticated_entry_points`] lists every way to reach a function without credentials:
//!
//! - a function URL with `AuthType NONE`;
//! - a resource-policy statement that lets anyone invoke it ([`lambda::public_invoke_statements`]);
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
//! Both exposure checks produce one finding per function. A function with no unauthenticated
//! entry *passes*: the check was evaluated and the exposure does not exist.

use crate::domain::catalogue::{CheckDef, Context, Target, tf_ident};
use crate::domain::checks::lambda::{self, RolePrivileges};
use crate::domain::finding::{Category, Evidence, Finding, Severity};
use crate::domain::inventory::{Function, Inventory, RestApi, V2Api};
use crate::domain::policy::{Effect, PolicyDocument};

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

/// A function reference parsed from an ARN or an integration URI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionRef {
    pub region: String,
    pub account: String,
    pub name: String,
    pub qualifier: Option<String>,
}

/// Finds the Lambda function ARN inside an ARN or integration URI:
/// `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders:live/invocations`
/// → `us-east-1 / 123456789012 / orders / live`.
pub fn function_ref(uri: &str) -> Option<FunctionRef> {
    // The apigateway wrapper ARN (`arn:aws:apigateway:…:lambda:path`) fails the shape test
    // below, so every `arn:` can be tried in turn.
    let candidates = uri.match_indices("arn:").map(|(i, _)| i);
    for i in candidates {
        let arn = uri[i..].split(['/', '?', '#']).next().unwrap_or("");
        let parts: Vec<&str> = arn.split(':').collect();
        if parts.len() >= 7
            && parts[2] == "lambda"
            && parts[5] == "function"
            && !parts[6].is_empty()
        {
            return Some(FunctionRef {
                region: parts[3].to_string(),
                account: parts[4].to_string(),
                name: parts[6].to_string(),
                qualifier: parts.get(7).map(|q| q.to_string()),
            });
        }
    }
    None
}

/// Whether `uri` (an integration/authorizer URI or ARN) targets the function `function_arn`.
pub fn uri_targets(uri: &str, function_arn: &str) -> bool {
    match (function_ref(uri), function_ref(function_arn)) {
        (Some(a), Some(b)) => a.name == b.name && a.region == b.region && a.account == b.account,
        _ => !function_arn.is_empty() && uri.contains(function_arn),
    }
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

fn analyse(inv: &Inventory, f: &Function) -> (Vec<EntryPoint>, Vec<String>) {
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

    match &f.url {
        Ok(Some(url)) if url.auth_type.trim().eq_ignore_ascii_case("NONE") => entries.push(entry(
            EntryKind::FunctionUrl,
            format!("function URL {} (NONE)", url.url),
            format!("function URL {}", url.url),
            format!(
                "aws lambda update-function-url-config --function-name {} --auth-type AWS_IAM --region {}",
                f.name, f.region
            ),
        )),
        Ok(_) => {}
        Err(e) => gaps.push(format!("function URL config: {e}")),
    }

    match lambda::function_policy(f) {
        Ok(Some(doc)) => {
            for st in lambda::public_invoke_statements(&doc) {
                let sid = st.sid.clone().unwrap_or_else(|| "(no Sid)".into());
                entries.push(entry(
                    EntryKind::ResourcePolicy,
                    format!("resource policy statement {sid} (Principal {})", lambda::principal_text(st)),
                    lambda::statement_summary(st),
                    format!(
                        "aws lambda remove-permission --function-name {} --statement-id {sid} --region {}",
                        f.name, f.region
                    ),
                ));
            }
        }
        Ok(None) => {}
        Err(e) => gaps.push(format!("resource policy: {e}")),
    }

    for failure in &inv.list_failures {
        if (failure.service == "apigateway" || failure.service == "apigatewayv2")
            && failure.region == f.region
        {
            gaps.push(format!(
                "{} failed in {}: {}",
                failure.call, failure.region, failure.reason
            ));
        }
    }

    for api in &inv.rest_apis {
        rest_entries(api, f, &entry, &mut entries, &mut gaps);
    }
    for api in &inv.v2_apis {
        v2_entries(api, f, &entry, &mut entries, &mut gaps);
    }
    (entries, gaps)
}

/// Whether anyone on the network can call a REST API, judging by endpoint type and policy.
fn rest_api_open(api: &RestApi) -> Result<bool, String> {
    let doc = match api
        .policy
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => None,
        Some(text) => Some(
            PolicyDocument::parse(text)
                .map_err(|e| format!("REST API {} resource policy: {e}", api.name))?,
        ),
    };
    let covers_invoke =
        |st: &crate::domain::policy::Statement| st.matches_action("execute-api:Invoke");
    if api.endpoint_type.eq_ignore_ascii_case("PRIVATE") {
        let Some(doc) = doc else { return Ok(false) };
        Ok(doc.allow_statements().any(|st| {
            st.is_public_principal()
                && covers_invoke(st)
                && !st.has_condition_key(&["aws:SourceVpce", "aws:SourceVpc"])
        }))
    } else {
        Ok(!doc.is_some_and(|doc| {
            doc.statements.iter().any(|st| {
                st.effect == Effect::Deny
                    && st.is_public_principal()
                    && st.conditions.is_empty()
                    && covers_invoke(st)
                    && (st.resources.is_empty()
                        || st
                            .resources
                            .iter()
                            .any(|r| r == "*" || r == "execute-api:/*" || r.ends_with("/*")))
            })
        }))
    }
}

fn rest_entries(
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
            if integrates && m.authorization_type.trim().eq_ignore_ascii_case("NONE") {
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
    match rest_api_open(api) {
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
    let websocket = api.protocol.eq_ignore_ascii_case("WEBSOCKET");
    let kind_label = if websocket { "WebSocket" } else { "HTTP" };
    let is_none = |t: &str| t.trim().eq_ignore_ascii_case("NONE");
    let connect = routes.iter().find(|r| r.route_key == "$connect");
    let connect_open = connect.is_none_or(|r| is_none(&r.authorization_type));
    let integration_of = |target: Option<&str>| {
        let id = target?.trim().strip_prefix("integrations/")?;
        integrations.iter().find(|i| i.id == id)
    };

    let mut found = Vec::new();
    for route in routes {
        let open = if websocket {
            connect_open
        } else {
            is_none(&route.authorization_type)
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

// ───────────────────────────── checks ─────────────────────────────

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "exposure.public-entry-privileged-function",
        title: "Unauthenticated entry point reaches a privileged function",
        severity: Severity::Critical,
        category: Category::Exposure,
        service: "lambda",
        rationale: "Anyone on the internet can send input to this function, and its execution role \
            is an administrator or holds service wildcards. One injection bug or vulnerable \
            dependency on this path gives an anonymous attacker those permissions. Neither half \
            alone is as bad; together they are the shortest path to an account takeover.",
        fix: "Add authentication at the entry point, or cut the role down to what the function uses.",
        console: &[
            "Close the entry: {entry} (set an authorizer / AWS_IAM auth, then redeploy the API).",
            "Open the IAM console → Roles → {role_name}: remove the grants named in the evidence.",
            "Re-run Parapet: the path is gone when either end is fixed.",
        ],
        cli: "# close the entry point ({entry}):\n{close_cli}\n# and cut the role down:\n\
            aws iam detach-role-policy --role-name {role_name} --policy-arn arn:aws:iam::aws:policy/AdministratorAccess\n\
            aws iam put-role-policy --role-name {role_name} --policy-name {name}-least-privilege --policy-document file://scoped-policy.json",
        terraform: "resource \"aws_lambda_function_url\" \"{tf}\" {\n  function_name      = \"{name}\"\n  authorization_type = \"AWS_IAM\" # or an API Gateway authorizer in front\n}\n\nresource \"aws_iam_role_policy\" \"{tf}\" {\n  name   = \"{name}-least-privilege\"\n  role   = \"{role_name}\"\n  policy = data.aws_iam_policy_document.{tf}_scoped.json # only what {name} uses\n}",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html",
        evaluate: privileged_function,
    },
    CheckDef {
        id: "exposure.public-entry-secret-reader",
        title: "Unauthenticated entry point reaches a function that can read secrets",
        severity: Severity::High,
        category: Category::Exposure,
        service: "lambda",
        rationale: "The function answers anonymous requests and its role may call \
            secretsmanager:GetSecretValue. A bug that lets a caller steer which secret is read, \
            or that leaks memory or errors, discloses credentials to anyone.",
        fix: "Add authentication at the entry point; scope the role's GetSecretValue to the one secret it needs.",
        console: &[
            "Close the entry: {entry} (set an authorizer / AWS_IAM auth, then redeploy the API).",
            "Open the IAM console → Roles → {role_name}: limit secretsmanager:GetSecretValue to the ARN of the secret the function needs.",
        ],
        cli: "# close the entry point ({entry}):\n{close_cli}\n# and scope the role:\n\
            aws iam put-role-policy --role-name {role_name} --policy-name {name}-read-own-secret --policy-document file://read-one-secret.json",
        terraform: "data \"aws_iam_policy_document\" \"{tf}_secret\" {\n  statement {\n    actions   = [\"secretsmanager:GetSecretValue\"]\n    resources = [\"arn:aws:secretsmanager:{region}:{account}:secret:{name}/*\"]\n  }\n}\n\nresource \"aws_iam_role_policy\" \"{tf}_secret\" {\n  role   = \"{role_name}\"\n  policy = data.aws_iam_policy_document.{tf}_secret.json\n}",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access.html",
        evaluate: secret_reader,
    },
];

/// What the second half of the path is: the dangerous permissions, or `None` when the role
/// is fine.
type Danger = fn(&RolePrivileges) -> Vec<String>;

fn privileged_grants(p: &RolePrivileges) -> Vec<String> {
    p.admin.iter().chain(&p.overprivileged).cloned().collect()
}

fn secret_grants(p: &RolePrivileges) -> Vec<String> {
    p.can_read_secrets
        .iter()
        .map(|r| format!("secretsmanager:GetSecretValue on {r}"))
        .collect()
}

fn privileged_function(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    evaluate_paths(
        def,
        inv,
        privileged_grants,
        "an administrator or over-privileged role",
    )
}

fn secret_reader(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    evaluate_paths(def, inv, secret_grants, "a role that can read secrets")
}

fn evaluate_paths(def: &CheckDef, inv: &Inventory, danger: Danger, what: &str) -> Vec<Finding> {
    inv.functions
        .iter()
        .map(|f| {
            let (entries, gaps) = analyse(inv, f);
            let first = entries.first();
            let t = Target::new(&f.region, &f.arn, &f.name)
                .param("tf", tf_ident(&f.name))
                .param("role_name", lambda::role_name(&f.role_arn))
                .param(
                    "entry",
                    first
                        .map(|e| e.description.clone())
                        .unwrap_or_else(|| "the entry point".into()),
                )
                .param(
                    "close_cli",
                    first
                        .map(|e| e.close_cli.clone())
                        .unwrap_or_else(|| "# no open entry point".into()),
                );
            let Some(first) = first else {
                if !gaps.is_empty() {
                    return def.unknown(
                        inv,
                        &t,
                        format!(
                            "cannot tell whether it is publicly reachable: {}",
                            gaps.join("; ")
                        ),
                    );
                }
                return def.pass(
                    inv,
                    &t,
                    "no unauthenticated entry point reaches this function",
                    vec![Evidence::new("Unauthenticated entries", "(none)")],
                );
            };
            let role = match lambda::function_role(inv, f) {
                Ok(r) => r,
                Err(e) => return def.unknown(inv, &t, e),
            };
            let privileges = lambda::role_privileges(role);
            let grants = danger(&privileges);
            let mut ev: Vec<Evidence> = Vec::new();
            for e in &entries {
                ev.push(Evidence::new("Entry", &e.description));
                ev.push(Evidence::new("Integration", &e.via));
            }
            ev.push(Evidence::new("Function", &f.arn));
            ev.push(Evidence::new("Role", &role.arn));
            if grants.is_empty() {
                if !privileges.unreadable.is_empty() {
                    return def.unknown(
                        inv,
                        &t,
                        format!(
                            "publicly reachable, but not every policy of {} could be read: {}",
                            role.name,
                            privileges.unreadable.join("; ")
                        ),
                    );
                }
                ev.push(Evidence::new("Dangerous permission", "(none)"));
                return def.pass(
                    inv,
                    &t,
                    format!(
                        "publicly reachable ({}), but the role is not {what}",
                        first.description
                    ),
                    ev,
                );
            }
            ev.extend(
                grants
                    .iter()
                    .map(|g| Evidence::new("Dangerous permission", g)),
            );
            let more = if entries.len() > 1 {
                format!(
                    " (and {} more entr{})",
                    entries.len() - 1,
                    if entries.len() == 2 { "y" } else { "ies" }
                )
            } else {
                String::new()
            };
            def.fail(
                inv,
                &t,
                format!(
                    "{}{more} → {} → function {} → role {} → {}",
                    first.description,
                    first.via,
                    f.name,
                    role.name,
                    grants.join("; ")
                ),
                ev,
            )
        })
        .collect()
}
