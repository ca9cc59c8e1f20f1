//! The IAM actions Parapet uses and the least-privilege policy `parapet policy` prints.
//!
//! [`CALLS`] lists every action the live source calls (the strings pollers pass to
//! [`Shared::call`](super::Shared::call), which also name the missing permission on an
//! `AccessDenied` finding). [`COMPAT`] adds patterns that only exist so emulators that check
//! their own operation names accept the policy. To support a new call, add one row; a test
//! fails when a poller uses an action this table does not list.

use serde::Serialize;

use crate::domain::inventory::Area;

/// One IAM action (or action pattern) in the shipped policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Permission {
    /// `service:Action`, exactly as IAM spells it (a pattern for [`COMPAT`] rows).
    pub action: &'static str,
    /// The poll areas that need it; empty = start-up (identifying the account).
    pub areas: &'static [Area],
    /// What Parapet reads with it.
    pub purpose: &'static str,
}

impl Permission {
    pub fn service(&self) -> &'static str {
        self.action.split(':').next().unwrap_or(self.action)
    }
}

const FUNCTIONS: &[Area] = &[Area::Functions];
const TRIGGERS: &[Area] = &[Area::Triggers];
/// Granted only by `parapet policy --code`: the code area is opt-in.
const CODE: &[Area] = &[Area::Code];
const WORKFLOWS: &[Area] = &[Area::Workflows];
const GRAPHQL: &[Area] = &[Area::Graphql];
const USERS: &[Area] = &[Area::Users];
const LOGS: &[Area] = &[Area::Logs];
/// Roles are read for functions, state machines, GraphQL data sources and identity pools'
/// guests.
const ROLES: &[Area] = &[Area::Functions, Area::Workflows, Area::Graphql, Area::Users];

/// Every action Parapet calls, grouped by service in policy order.
pub const CALLS: &[Permission] = &[
    Permission {
        action: "sts:GetCallerIdentity",
        areas: &[],
        purpose: "the account id shown in the header (AWS allows it to everyone; listed for emulators)",
    },
    Permission {
        action: "lambda:ListFunctions",
        areas: FUNCTIONS,
        purpose: "functions: runtime, role, environment variables, KMS key, layers, VPC, tracing",
    },
    Permission {
        action: "lambda:GetPolicy",
        areas: FUNCTIONS,
        purpose: "resource policy: public and cross-account invoke",
    },
    Permission {
        action: "lambda:GetFunctionUrlConfig",
        areas: FUNCTIONS,
        purpose: "function URL auth type and CORS",
    },
    Permission {
        action: "lambda:GetFunctionEventInvokeConfig",
        areas: FUNCTIONS,
        purpose: "asynchronous invocation failure destinations",
    },
    Permission {
        action: "lambda:ListAliases",
        areas: FUNCTIONS,
        purpose: "aliases, whose own URL and policy expose the function too",
    },
    Permission {
        action: "lambda:ListFunctionUrlConfigs",
        areas: FUNCTIONS,
        purpose: "the function URLs of a function and all its aliases in one call",
    },
    Permission {
        action: "lambda:ListCodeSigningConfigs",
        areas: FUNCTIONS,
        purpose: "code signing configs of the region (Enforce or Warn)",
    },
    Permission {
        action: "lambda:ListFunctionsByCodeSigningConfig",
        areas: FUNCTIONS,
        purpose: "the functions each code signing config covers (read per config)",
    },
    Permission {
        action: "lambda:GetFunctionConcurrency",
        areas: &[Area::Throttles],
        purpose: "reserved concurrency, only for functions reachable without authentication",
    },
    Permission {
        action: "iam:ListAttachedRolePolicies",
        areas: ROLES,
        purpose: "managed policies of each distinct execution role",
    },
    Permission {
        action: "iam:GetPolicy",
        areas: ROLES,
        purpose: "default version of each managed policy",
    },
    Permission {
        action: "iam:GetPolicyVersion",
        areas: ROLES,
        purpose: "managed policy documents (once per policy)",
    },
    Permission {
        action: "iam:ListRolePolicies",
        areas: ROLES,
        purpose: "inline policies of each distinct execution role",
    },
    Permission {
        action: "iam:GetRolePolicy",
        areas: ROLES,
        purpose: "inline policy documents",
    },
    Permission {
        action: "apigateway:GET",
        areas: &[Area::Gateways, Area::Throttles],
        purpose: "REST, HTTP and WebSocket APIs: stages, methods, routes, authorizers, \
                  validators, integrations, domains, base paths, usage plans (every API \
                  Gateway read is apigateway:GET in IAM)",
    },
    Permission {
        action: "secretsmanager:ListSecrets",
        areas: &[Area::Secrets],
        purpose: "secret metadata: rotation, KMS key, dates, tags (never the value)",
    },
    Permission {
        action: "secretsmanager:GetResourcePolicy",
        areas: &[Area::Secrets],
        purpose: "public and cross-account secret policies",
    },
    Permission {
        action: "kms:DescribeKey",
        areas: &[Area::Encryption],
        purpose: "keys referenced by functions and secrets: manager, spec, state",
    },
    Permission {
        action: "kms:GetKeyRotationStatus",
        areas: &[Area::Encryption],
        purpose: "rotation of customer-managed symmetric keys",
    },
    Permission {
        action: "kms:GetKeyPolicy",
        areas: &[Area::Encryption],
        purpose: "public and cross-account key policies",
    },
    Permission {
        action: "kms:ListAliases",
        areas: &[Area::Encryption],
        purpose: "key aliases (names on screen, alias references)",
    },
    Permission {
        action: "lambda:GetFunction",
        areas: CODE,
        purpose: "with --code only: the function's CodeSha256 and the address its deployment package is downloaded from once (read in memory, never stored)",
    },
    Permission {
        action: "lambda:GetLayerVersion",
        areas: CODE,
        purpose: "with --code only: the address a layer version's package is downloaded from once",
    },
    Permission {
        action: "lambda:ListEventSourceMappings",
        areas: TRIGGERS,
        purpose: "queues, streams and Kafka topics that trigger functions; retries and failure destinations",
    },
    Permission {
        action: "sqs:GetQueueAttributes",
        areas: TRIGGERS,
        purpose: "policy, encryption and dead-letter queue of each queue that triggers a function (never messages)",
    },
    Permission {
        action: "sns:ListSubscriptions",
        areas: TRIGGERS,
        purpose: "topics with a lambda subscription",
    },
    Permission {
        action: "sns:GetTopicAttributes",
        areas: TRIGGERS,
        purpose: "policy and encryption of each topic that triggers a function",
    },
    Permission {
        action: "events:ListEventBuses",
        areas: TRIGGERS,
        purpose: "event buses",
    },
    Permission {
        action: "events:ListRules",
        areas: TRIGGERS,
        purpose: "the rules of each bus",
    },
    Permission {
        action: "events:ListTargetsByRule",
        areas: TRIGGERS,
        purpose: "which rules target a function",
    },
    Permission {
        action: "events:DescribeEventBus",
        areas: TRIGGERS,
        purpose: "the policy of each bus whose rules trigger a function",
    },
    Permission {
        action: "kinesis:DescribeStreamSummary",
        areas: TRIGGERS,
        purpose: "the encryption of each Kinesis stream that triggers a function (never its records)",
    },
    Permission {
        action: "states:ListStateMachines",
        areas: WORKFLOWS,
        purpose: "state machines (name, type)",
    },
    Permission {
        action: "states:DescribeStateMachine",
        areas: WORKFLOWS,
        purpose: "a state machine's definition, role, logging and tracing (never executions or their history)",
    },
    Permission {
        action: "appsync:ListGraphqlApis",
        areas: GRAPHQL,
        purpose: "GraphQL APIs (authentication, visibility, logging, WAF, introspection, query limits)",
    },
    Permission {
        action: "appsync:ListApiKeys",
        areas: GRAPHQL,
        purpose: "when each API key expires (the key itself is dropped as it is read)",
    },
    Permission {
        action: "appsync:ListDataSources",
        areas: GRAPHQL,
        purpose: "an API's data sources (type, Lambda function, service role)",
    },
    Permission {
        action: "appsync:ListFunctions",
        areas: GRAPHQL,
        purpose: "an API's pipeline functions (data source, mapping templates, code)",
    },
    Permission {
        action: "appsync:ListTypes",
        areas: GRAPHQL,
        purpose: "an API's type names, to list each object type's resolvers",
    },
    Permission {
        action: "appsync:ListResolvers",
        areas: GRAPHQL,
        purpose: "a type's resolvers (data source, pipeline, mapping templates, code)",
    },
    Permission {
        action: "cognito-idp:ListUserPools",
        areas: USERS,
        purpose: "user pools (id, name)",
    },
    Permission {
        action: "cognito-idp:DescribeUserPool",
        areas: USERS,
        purpose: "whether anyone may sign up to a user pool (never its users)",
    },
    Permission {
        action: "cognito-identity:ListIdentityPools",
        areas: USERS,
        purpose: "identity pools (id, name)",
    },
    Permission {
        action: "cognito-identity:DescribeIdentityPool",
        areas: USERS,
        purpose: "whether an identity pool lets unauthenticated guests in",
    },
    Permission {
        action: "cognito-identity:GetIdentityPoolRoles",
        areas: USERS,
        purpose: "the role guests get (asked only of pools that let guests in)",
    },
    Permission {
        action: "logs:DescribeLogGroups",
        areas: LOGS,
        purpose: "the retention of the functions' log groups (never a log event)",
    },
];

/// Patterns added for emulators. moto authorizes API Gateway requests by its own operation
/// names (`apigateway:GetRestApis`, `apigateway:GetStages`, …) instead of the real IAM action
/// `apigateway:GET`, and only matches `Resource: "*"`. In real IAM, action names match
/// case-insensitively, so `apigateway:Get*` matches `apigateway:GET`, which is granted anyway:
/// the pattern adds nothing there.
pub const COMPAT: &[Permission] = &[Permission {
    action: "apigateway:Get*",
    areas: &[Area::Gateways, Area::Throttles],
    purpose: "emulators (moto) that check operation names such as apigateway:GetRestApis; \
              equals apigateway:GET in real IAM",
}];

/// A policy statement's Sid per service (letters and digits only, as IAM requires).
fn sid(service: &str) -> &'static str {
    match service {
        "sts" => "IdentifyAccount",
        "lambda" => "ReadLambdaFunctions",
        "iam" => "ReadExecutionRolePolicies",
        // Why two actions: see COMPAT.
        "apigateway" => "ReadApiGatewayGETForAwsGetStarForEmulators",
        "secretsmanager" => "ReadSecretMetadataNeverValues",
        "kms" => "ReadKmsKeys",
        "sqs" => "ReadQueueAttributesNeverMessages",
        "sns" => "ReadTopicAttributes",
        "events" => "ReadEventBusesAndRules",
        "kinesis" => "ReadStreamEncryptionNeverRecords",
        "states" => "ReadStateMachinesNeverExecutions",
        "appsync" => "ReadGraphqlApisNeverQueries",
        "cognito-idp" => "ReadUserPoolsNeverUsers",
        "cognito-identity" => "ReadIdentityPoolsNeverIdentities",
        "logs" => "ReadLogGroupRetentionNeverEvents",
        _ => "Read",
    }
}

#[derive(Serialize)]
struct PolicyDocument {
    #[serde(rename = "Version")]
    version: &'static str,
    #[serde(rename = "Statement")]
    statement: Vec<PolicyStatement>,
}

#[derive(Serialize)]
struct PolicyStatement {
    #[serde(rename = "Sid")]
    sid: &'static str,
    #[serde(rename = "Effect")]
    effect: &'static str,
    #[serde(rename = "Action")]
    action: Vec<&'static str>,
    #[serde(rename = "Resource")]
    resource: Resource,
}

#[derive(Serialize)]
#[serde(untagged)]
enum Resource {
    One(&'static str),
    Named(String),
    Many(&'static [&'static str]),
}

/// `apigateway:GET` on `*` would also read API key *values* (`GET /apikeys?includeValues`).
/// Parapet never lists API keys, so the policy denies them outright: the grant reads
/// configuration, never a credential. (moto matches only `Resource: "*"`, so this statement
/// changes nothing there.)
const API_KEYS: &[&str] = &[
    "arn:aws:apigateway:*::/apikeys",
    "arn:aws:apigateway:*::/apikeys/*",
];

/// Every action of the policy, table order, one statement per service; the code area's
/// only with `code`.
fn statements(code: bool) -> Vec<PolicyStatement> {
    let mut out: Vec<PolicyStatement> = Vec::new();
    let wanted = |p: &&Permission| code || !p.areas.iter().any(|a| a.opt_in());
    for p in CALLS.iter().chain(COMPAT).filter(wanted) {
        let sid = sid(p.service());
        match out.iter_mut().find(|s| s.sid == sid) {
            Some(s) => {
                if !s.action.contains(&p.action) {
                    s.action.push(p.action);
                }
            }
            None => out.push(PolicyStatement {
                sid,
                effect: "Allow",
                action: vec![p.action],
                // Reads span every function, API, secret and key; moto also matches only "*".
                resource: Resource::One("*"),
            }),
        }
    }
    out.push(PolicyStatement {
        sid: "NeverReadApiKeyValues",
        effect: "Deny",
        action: vec!["apigateway:GET"],
        resource: Resource::Many(API_KEYS),
    });
    out
}

/// The minimal read-only IAM policy covering every call Parapet makes (pretty JSON with a
/// trailing newline); with `code`, also the code area's (`parapet policy --code`).
pub fn policy_json(code: bool) -> String {
    let doc = PolicyDocument {
        version: "2012-10-17",
        statement: statements(code),
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("a policy of strings serializes");
    s.push('\n');
    s
}

/// The role name the base-identity policy names when `--assume-role` is not given.
pub const ROLE_PLACEHOLDER: &str = "ROLE_NAME";

/// What the base identity of a multi-account run needs besides its own account's read-only
/// policy: `sts:AssumeRole` on the read-only role in every account (`--assume-role`), and
/// `organizations:ListAccounts` for `--accounts org`. The per-account policy
/// ([`policy_json`]) goes on that role.
pub fn base_policy_json(role_name: Option<&str>) -> String {
    let role = role_name.unwrap_or(ROLE_PLACEHOLDER).trim_matches('/');
    let doc = PolicyDocument {
        version: "2012-10-17",
        statement: vec![
            PolicyStatement {
                sid: "AssumeTheReadOnlyRoleInEachAccount",
                effect: "Allow",
                action: vec!["sts:AssumeRole"],
                resource: Resource::Named(format!("arn:aws:iam::*:role/{role}")),
            },
            PolicyStatement {
                sid: "ListTheOrganizationsAccounts",
                effect: "Allow",
                action: vec!["organizations:ListAccounts"],
                resource: Resource::One("*"),
            },
        ],
    };
    let mut s = serde_json::to_string_pretty(&doc).expect("a policy of strings serializes");
    s.push('\n');
    s
}

/// Every action the base-identity policy ([`base_policy_json`]) allows.
pub fn base_policy_actions() -> Vec<&'static str> {
    vec!["sts:AssumeRole", "organizations:ListAccounts"]
}

/// Every action the policy allows (with `code`, `parapet policy --code`'s).
pub fn policy_actions(code: bool) -> Vec<&'static str> {
    statements(code)
        .into_iter()
        .filter(|s| s.effect == "Allow")
        .flat_map(|s| s.action)
        .collect()
}

#[cfg(test)]
mod tests;
