//! Checks for AppSync GraphQL APIs (see docs/CHECKS.md).
//!
//! The resource is the API: its ARN is the resource id, its name the resource name. Whether an
//! API is public is `domain::graphql::exposure`; a check that only applies to public APIs is
//! `not_applicable` on a closed one and `unknown` when exposure could not be decided. Mapping
//! templates and resolver code never leave the domain: a finding names the resolver, the
//! line, the detector and a masked prefix.

use time::Duration;

use crate::domain::catalogue::{CheckDef, Context, Target, tf_ident};
use crate::domain::code_secrets::{CodeSecret, scan_file};
use crate::domain::finding::{Category, Evidence, Finding, ResourceKind, Service, Severity};
use crate::domain::graphql::{Exposure, exposure};
use crate::domain::inventory::{Area, GraphqlApi, Inventory, ResolverCode};
use crate::domain::values::{FieldLogLevel, GraphqlAuthType, GraphqlVisibility, Introspection};

/// API keys that live longer than this fail appsync.api-key-long-lived.
pub const API_KEY_MAX_DAYS: i64 = 90;

const AREAS: &[Area] = &[Area::Graphql];
/// Checks that judge public APIs read the user pools behind them too.
const PUBLIC_AREAS: &[Area] = &[Area::Graphql, Area::Users];

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "appsync.api-key-auth",
        title: "GraphQL API accepts API keys",
        severity: Severity::Medium,
        category: Category::Auth,
        service: Service::AppSync,
        areas: AREAS,
        resource: ResourceKind::GraphqlApi,
        rationale: "An API key identifies an application, not a caller: it ships inside the web \
            or mobile client, where anyone can read it, and every request carrying it is \
            accepted. As the default or an additional provider it lets anyone call the \
            operations the key may reach.",
        fix: "Move clients to Cognito user pools, IAM or OIDC authentication; keep API keys for throttled public reads only.",
        console: &[
            "Open the AppSync console in {region} → APIs → {name} → Settings.",
            "Authorization modes: change the default mode from API key to Amazon Cognito user pools, IAM or OpenID Connect, and delete API key from the additional modes.",
            "Save, then update the clients to sign their requests.",
        ],
        cli: "aws appsync update-graphql-api --api-id {api_id} --name {name} --region {region} \\\n  --authentication-type AMAZON_COGNITO_USER_POOLS \\\n  --user-pool-config userPoolId=<pool-id>,awsRegion={region},defaultAction=ALLOW",
        terraform: "resource \"aws_appsync_graphql_api\" \"{tf}\" {\n  # …\n  authentication_type = \"AMAZON_COGNITO_USER_POOLS\"\n  user_pool_config {\n    user_pool_id   = aws_cognito_user_pool.main.id\n    default_action = \"ALLOW\"\n  }\n}",
        fsbp: Some("AppSync.5"),
        prowler: Some("appsync_graphql_api_no_api_key_authentication"),
        docs_url: "https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html",
        evaluate: api_key_auth,
    },
    CheckDef {
        id: "appsync.api-key-long-lived",
        title: "GraphQL API key lives longer than 90 days",
        severity: Severity::Low,
        category: Category::Secrets,
        service: Service::AppSync,
        areas: AREAS,
        resource: ResourceKind::GraphqlApi,
        rationale: "An API key that leaked with a client build keeps working until it expires. \
            A key valid for up to a year (AppSync's maximum, and what many templates set) \
            gives whoever copied it a year of access; short-lived keys rotated with releases \
            bound that.",
        fix: "Set the key to expire within 90 days and rotate it with client releases.",
        console: &[
            "Open the AppSync console in {region} → APIs → {name} → Settings → API keys.",
            "Create a key expiring within 90 days, move the clients to it, then delete the long-lived key.",
        ],
        cli: "aws appsync list-api-keys --api-id {api_id} --region {region} --query 'apiKeys[].expires'\naws appsync update-api-key --api-id {api_id} --region {region} --id <key-id> \\\n  --expires $(( $(date +%s) + 90*24*3600 ))",
        terraform: "resource \"aws_appsync_api_key\" \"{tf}\" {\n  api_id  = aws_appsync_graphql_api.{tf}.id\n  expires = timeadd(plantimestamp(), \"2160h\") # 90 days\n}",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html#api-key-authorization",
        evaluate: api_key_long_lived,
    },
    CheckDef {
        id: "appsync.field-logging-off",
        title: "GraphQL API does not log its resolvers",
        severity: Severity::Medium,
        category: Category::Logging,
        service: Service::AppSync,
        areas: AREAS,
        resource: ResourceKind::GraphqlApi,
        rationale: "Without field-level logging an API keeps no record of which resolvers ran \
            and which failed: an abusive query, an injection attempt through arguments or a \
            failing data source leaves nothing to investigate.",
        fix: "Set the API's field log level to ERROR (or ALL) with a CloudWatch Logs role.",
        console: &[
            "Open the AppSync console in {region} → APIs → {name} → Settings → Logging.",
            "Enable logs, set Field resolver log level to Error (or All) and choose a role.",
            "Save.",
        ],
        cli: "aws appsync update-graphql-api --api-id {api_id} --name {name} --region {region} \\\n  --log-config fieldLogLevel=ERROR,cloudWatchLogsRoleArn=arn:aws:iam::{account}:role/appsync-logs,excludeVerboseContent=true",
        terraform: "resource \"aws_appsync_graphql_api\" \"{tf}\" {\n  # …\n  log_config {\n    field_log_level          = \"ERROR\"\n    cloudwatch_logs_role_arn = aws_iam_role.appsync_logs.arn\n    exclude_verbose_content  = true\n  }\n}",
        fsbp: Some("AppSync.2"),
        prowler: Some("appsync_field_level_logging_enabled"),
        docs_url: "https://docs.aws.amazon.com/appsync/latest/devguide/monitoring.html",
        evaluate: field_logging_off,
    },
    CheckDef {
        id: "appsync.no-waf",
        title: "Public GraphQL API has no WAF web ACL",
        severity: Severity::Medium,
        category: Category::Exposure,
        service: Service::AppSync,
        areas: AREAS,
        resource: ResourceKind::GraphqlApi,
        rationale: "An internet-facing GraphQL endpoint without a web ACL takes every request: \
            no rate-based rule stops a flood, no managed rule set drops known-bad payloads \
            before they reach the resolvers and the functions behind them.",
        fix: "Associate a WAF web ACL with rate-based rules with the API.",
        console: &[
            "Open the WAF console → Web ACLs ({region}) → create or choose a web ACL with a rate-based rule.",
            "Associated AWS resources → Add → AWS AppSync → {name}.",
        ],
        cli: "aws wafv2 associate-web-acl --region {region} \\\n  --web-acl-arn arn:aws:wafv2:{region}:{account}:regional/webacl/<name>/<id> \\\n  --resource-arn {arn}",
        terraform: "resource \"aws_wafv2_web_acl_association\" \"{tf}\" {\n  resource_arn = aws_appsync_graphql_api.{tf}.arn\n  web_acl_arn  = aws_wafv2_web_acl.api.arn\n}",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/appsync/latest/devguide/WAF-Integration.html",
        evaluate: no_waf,
    },
    CheckDef {
        id: "appsync.introspection-enabled",
        title: "Public GraphQL API answers introspection",
        severity: Severity::Low,
        category: Category::Exposure,
        service: Service::AppSync,
        areas: PUBLIC_AREAS,
        resource: ResourceKind::GraphqlApi,
        rationale: "Introspection hands anyone who can call the API its whole schema: every \
            query, mutation, argument and type, including the ones no client uses. On a \
            public API that is a map for an attacker; production clients do not need it.",
        fix: "Disable introspection on the production API.",
        console: &[
            "Open the AppSync console in {region} → APIs → {name} → Settings.",
            "API configuration → Introspection queries: disable.",
            "Save.",
        ],
        cli: "aws appsync update-graphql-api --api-id {api_id} --name {name} --region {region} --introspection-config DISABLED",
        terraform: "resource \"aws_appsync_graphql_api\" \"{tf}\" {\n  # …\n  introspection_config = \"DISABLED\"\n}",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/appsync/latest/devguide/configuring-introspection.html",
        evaluate: introspection_enabled,
    },
    CheckDef {
        id: "appsync.no-query-limits",
        title: "Public GraphQL API sets no query depth or resolver limit",
        severity: Severity::Medium,
        category: Category::Throttling,
        service: Service::AppSync,
        areas: PUBLIC_AREAS,
        resource: ResourceKind::GraphqlApi,
        rationale: "Without a query depth limit or a resolver count limit one nested query can \
            fan out into thousands of resolver calls, each one a function invocation or a \
            database read: a denial of service and a bill, from a single request.",
        fix: "Set both a query depth limit and a resolver count limit.",
        console: &[
            "Open the AppSync console in {region} → APIs → {name} → Settings.",
            "API configuration: set Query depth limit (e.g. 10) and Resolver count limit (e.g. 1000).",
            "Save.",
        ],
        cli: "aws appsync update-graphql-api --api-id {api_id} --name {name} --region {region} \\\n  --query-depth-limit 10 --resolver-count-limit 1000",
        terraform: "resource \"aws_appsync_graphql_api\" \"{tf}\" {\n  # …\n  query_depth_limit    = 10\n  resolver_count_limit = 1000\n}",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/appsync/latest/APIReference/API_GraphqlApi.html",
        evaluate: no_query_limits,
    },
    CheckDef {
        id: "appsync.secrets-in-resolvers",
        title: "GraphQL resolver code holds a credential",
        severity: Severity::Critical,
        category: Category::Secrets,
        service: Service::AppSync,
        areas: AREAS,
        resource: ResourceKind::GraphqlApi,
        rationale: "Resolver mapping templates and JavaScript code are readable by anyone with \
            appsync:ListResolvers or appsync:GetResolver, and usually sit in source control. A \
            credential written into them (an HTTP data source's bearer token, a partner API \
            key) is exposed to all of them; read it from Secrets Manager in a Lambda data \
            source instead.",
        fix: "Move the credential to Secrets Manager, read it from a Lambda data source, then rotate it.",
        console: &[
            "Open the AppSync console in {region} → APIs → {name} → Schema → Resolvers (or Functions).",
            "Open {first_secret} and remove the literal credential; read it at run time from Secrets Manager.",
            "Save, then rotate the exposed credential where it was issued.",
        ],
        cli: "aws appsync list-resolvers --api-id {api_id} --type-name <Type> --region {region}\n# edit the resolver named in {first_secret}, then:\naws appsync update-resolver --api-id {api_id} --type-name <Type> --field-name <field> --region {region} --code file://resolver.js",
        terraform: "resource \"aws_appsync_resolver\" \"{tf}\" {\n  # …\n  # No literals: read the credential from Secrets Manager in a Lambda data source.\n}",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/appsync/latest/devguide/resolver-reference-overview-js.html",
        evaluate: secrets_in_resolvers,
    },
];

fn target(a: &GraphqlApi) -> Target {
    Target::new(&a.region, &a.arn, &a.name)
        .param("api_id", a.api_id.as_str())
        .param("tf", tf_ident(&a.name))
}

fn per_api(inv: &Inventory, judge: impl Fn(&GraphqlApi, Target) -> Finding) -> Vec<Finding> {
    inv.graphql_apis
        .iter()
        .map(|a| judge(a, target(a)))
        .collect()
}

fn auth_evidence(a: &GraphqlApi) -> Evidence {
    let kinds: Vec<&str> = a.auth.iter().map(|p| p.kind.as_str()).collect();
    Evidence::new(
        "authenticationType (then additional providers)",
        if kinds.is_empty() {
            "(none)".to_string()
        } else {
            kinds.join(", ")
        },
    )
}

fn api_key_auth(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_api(inv, |a, t| {
        let ev = vec![auth_evidence(a)];
        let at = a
            .auth
            .iter()
            .position(|p| p.kind == GraphqlAuthType::ApiKey);
        match at {
            Some(0) => def.fail(inv, &t, "the default authentication is API_KEY", ev),
            Some(_) => def.fail(
                inv,
                &t,
                "API_KEY is an additional authentication provider",
                ev,
            ),
            None if a.auth.is_empty() => {
                def.unknown(inv, &t, "ListGraphqlApis gave no authentication type")
            }
            None => def.pass(inv, &t, "no provider is API_KEY", ev),
        }
    })
}

fn api_key_long_lived(def: &CheckDef, inv: &Inventory, ctx: &Context) -> Vec<Finding> {
    let limit = (ctx.now + Duration::days(API_KEY_MAX_DAYS)).unix_timestamp();
    per_api(inv, |a, t| {
        let keys = match &a.api_keys {
            Ok(keys) => keys,
            Err(e) => return def.unknown(inv, &t, format!("API keys: {e}")),
        };
        if keys.is_empty() {
            return def.not_applicable(inv, &t, "the API has no API keys");
        }
        let days = |expires: i64| (expires - ctx.now.unix_timestamp()).div_euclid(86_400);
        let long: Vec<i64> = keys.iter().copied().filter(|&e| e > limit).collect();
        let ev: Vec<Evidence> = keys
            .iter()
            .enumerate()
            .map(|(i, &e)| {
                Evidence::new(
                    format!("API key {} expires in", i + 1),
                    format!("{} days", days(e)),
                )
            })
            .collect();
        match long.iter().max() {
            Some(&latest) => def.fail(
                inv,
                &t,
                format!(
                    "{} of {} API keys expire more than {API_KEY_MAX_DAYS} days from now (the latest in {} days)",
                    long.len(),
                    keys.len(),
                    days(latest)
                ),
                ev,
            ),
            None => def.pass(
                inv,
                &t,
                format!("every API key expires within {API_KEY_MAX_DAYS} days"),
                ev,
            ),
        }
    })
}

fn field_logging_off(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_api(inv, |a, t| {
        let Some(level) = &a.field_log_level else {
            return def.fail(
                inv,
                &t,
                "the API has no log configuration",
                vec![Evidence::new("logConfig", "(none)")],
            );
        };
        let ev = vec![Evidence::new("logConfig.fieldLogLevel", level.as_str())];
        match level {
            FieldLogLevel::None => def.fail(inv, &t, "field logging is NONE", ev),
            FieldLogLevel::Other(v) => def.unknown(
                inv,
                &t,
                format!("ListGraphqlApis gave field log level {v:?}"),
            ),
            l => def.pass(inv, &t, format!("logs resolvers at level {l}"), ev),
        }
    })
}

fn visibility_evidence(a: &GraphqlApi) -> Evidence {
    let v = match &a.visibility {
        GraphqlVisibility::Other(v) if v.is_empty() => "GLOBAL (default)",
        v => v.as_str(),
    };
    Evidence::new("visibility", v)
}

fn no_waf(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_api(inv, |a, t| {
        let global = match &a.visibility {
            GraphqlVisibility::Private => {
                return def.not_applicable(
                    inv,
                    &t,
                    "visibility PRIVATE: reachable from a VPC only",
                );
            }
            GraphqlVisibility::Other(v) if !v.is_empty() => {
                return def.unknown(inv, &t, format!("ListGraphqlApis gave visibility {v:?}"));
            }
            _ => visibility_evidence(a),
        };
        match &a.waf_web_acl_arn {
            Some(acl) if !acl.trim().is_empty() => def.pass(
                inv,
                &t,
                "a WAF web ACL screens the API",
                vec![global, Evidence::new("wafWebAclArn", acl)],
            ),
            _ => def.fail(
                inv,
                &t,
                "the internet-facing API has no WAF web ACL",
                vec![global, Evidence::new("wafWebAclArn", "(none)")],
            ),
        }
    })
}

/// Runs `judge` on public APIs; a closed one is not applicable, one whose exposure could not
/// be decided unknown.
fn per_public_api(
    def: &CheckDef,
    inv: &Inventory,
    judge: impl Fn(&GraphqlApi, Target, Evidence) -> Finding,
) -> Vec<Finding> {
    per_api(inv, |a, t| match exposure(a, inv) {
        Exposure::Public(why) => judge(a, t, Evidence::new("Public", why)),
        Exposure::Closed(why) => def.not_applicable(inv, &t, format!("not public: {why}")),
        Exposure::Unknown(why) => def.unknown(inv, &t, format!("whether it is public: {why}")),
    })
}

fn introspection_enabled(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_public_api(def, inv, |a, t, public| match &a.introspection {
        None => def.unknown(inv, &t, "ListGraphqlApis did not give introspectionConfig"),
        Some(Introspection::Enabled) => def.fail(
            inv,
            &t,
            "the public API answers introspection queries",
            vec![public, Evidence::new("introspectionConfig", "ENABLED")],
        ),
        Some(Introspection::Disabled) => def.pass(
            inv,
            &t,
            "introspection is disabled",
            vec![public, Evidence::new("introspectionConfig", "DISABLED")],
        ),
        Some(Introspection::Other(v)) => def.unknown(
            inv,
            &t,
            format!("ListGraphqlApis gave introspectionConfig {v:?}"),
        ),
    })
}

fn no_query_limits(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_public_api(def, inv, |a, t, public| {
        let shown = |v: Option<i32>| v.map_or("(not given)".to_string(), |n| n.to_string());
        let ev = vec![
            public,
            Evidence::new("queryDepthLimit", shown(a.query_depth_limit)),
            Evidence::new("resolverCountLimit", shown(a.resolver_count_limit)),
        ];
        let set = |v: Option<i32>| v.is_some_and(|n| n > 0);
        if set(a.query_depth_limit) || set(a.resolver_count_limit) {
            return def.pass(inv, &t, "a query depth or resolver count limit is set", ev);
        }
        match (a.query_depth_limit, a.resolver_count_limit) {
            (Some(_), Some(_)) => def.fail(
                inv,
                &t,
                "neither a query depth limit nor a resolver count limit is set",
                ev,
            ),
            _ => def.unknown(
                inv,
                &t,
                "ListGraphqlApis did not give queryDepthLimit and resolverCountLimit",
            ),
        }
    })
}

/// The credentials in one resolver's or pipeline function's templates and code, each with
/// where it is (`Query.order request template`).
fn code_secrets(owner: &str, code: &ResolverCode) -> Vec<CodeSecret> {
    [
        ("request template", &code.request_template),
        ("response template", &code.response_template),
        ("code", &code.code),
    ]
    .into_iter()
    .filter_map(|(part, text)| Some((part, text.as_deref()?)))
    .flat_map(|(part, text)| scan_file(&format!("{owner} {part}"), text.as_bytes(), false))
    .collect()
}

/// Every credential in the resolvers and pipeline functions of an API, with whether all of
/// them could be read (`Err` names what could not).
pub fn resolver_secrets(a: &GraphqlApi) -> (Vec<CodeSecret>, Result<(), String>) {
    let mut found = Vec::new();
    let mut unread = Ok(());
    match &a.resolvers {
        Ok(resolvers) => {
            for r in resolvers {
                let owner = format!("resolver {}.{}", r.type_name, r.field_name);
                found.extend(code_secrets(&owner, &r.code));
            }
        }
        Err(e) => unread = Err(format!("resolvers: {e}")),
    }
    match &a.functions {
        Ok(functions) => {
            for f in functions {
                found.extend(code_secrets(&format!("function {}", f.name), &f.code));
            }
        }
        Err(e) => {
            if unread.is_ok() {
                unread = Err(format!("pipeline functions: {e}"));
            }
        }
    }
    (found, unread)
}

fn secrets_in_resolvers(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_api(inv, |a, t| {
        let (found, unread) = resolver_secrets(a);
        let Some(first) = found.first() else {
            return match unread {
                Err(why) => def.unknown(inv, &t.param("first_secret", "the resolver"), why),
                Ok(()) => def.pass(
                    inv,
                    &t.param("first_secret", "none"),
                    "no resolver or function holds a credential",
                    vec![Evidence::new("Credentials in resolvers", "(none)")],
                ),
            };
        };
        let ev = found
            .iter()
            .map(|s| {
                Evidence::new(
                    format!("{} line {}", s.path, s.line),
                    format!("{} ({})", s.masked, s.detector),
                )
            })
            .collect();
        let more = match found.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        def.fail(
            inv,
            &t.param("first_secret", first.path.as_str()),
            format!(
                "{} line {} holds a credential ({}){more}",
                first.path, first.line, first.detector
            ),
            ev,
        )
    })
}

#[cfg(test)]
mod tests;
