//! Exposure paths: joins across Lambda, API Gateway and IAM (see docs/CHECKS.md,
//! "Exposure paths").
//!
//! [`unauthenticated_entry_points`] (in `domain::entry_points`) lists every way to reach a
//! function without credentials:
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

pub mod event_paths;
pub mod graphql_paths;
mod join;
pub mod machine_paths;
pub mod vulnerable;

use crate::domain::arn::role_name;
use crate::domain::catalogue::{CheckDef, Context, Target, tf_ident};
use crate::domain::entry_points::analyse;
use crate::domain::finding::{Category, Evidence, Finding, ResourceKind, Service, Severity};
use crate::domain::iam::RolePrivileges;
use crate::domain::inventory::{Area, Inventory};
use join::{WayIn, Words};

// ───────────────────────────── checks ─────────────────────────────

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "exposure.public-entry-privileged-function",
        title: "Unauthenticated entry point reaches a privileged function",
        severity: Severity::Critical,
        category: Category::Exposure,
        service: Service::Lambda,
        areas: &[Area::Functions, Area::Gateways],
        resource: ResourceKind::Function,
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
        service: Service::Lambda,
        areas: &[Area::Functions, Area::Gateways],
        resource: ResourceKind::Function,
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

/// What the second half of the path is: the dangerous permissions, or none when the role
/// is fine.
type Danger = fn(&RolePrivileges) -> Vec<String>;

/// How the entry-point joins word their verdicts.
const WORDS: Words = Words {
    reached: "publicly reachable",
    undecided: "cannot tell whether it is publicly reachable",
    none: "no unauthenticated entry point reaches this function",
    none_label: "Unauthenticated entries",
    one: "entry",
    many: "entries",
};

fn privileged_function(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    evaluate_paths(
        def,
        inv,
        RolePrivileges::privileged_grants,
        "an administrator or over-privileged role",
    )
}

fn secret_reader(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    evaluate_paths(
        def,
        inv,
        RolePrivileges::secret_grants,
        "a role that can read secrets",
    )
}

fn evaluate_paths(def: &CheckDef, inv: &Inventory, danger: Danger, what: &str) -> Vec<Finding> {
    inv.functions
        .iter()
        .map(|f| {
            let (entries, gaps) = analyse(inv, f);
            let first = entries.first();
            let t = Target::new(&f.region, &f.arn, &f.name)
                .param("tf", tf_ident(&f.name))
                .param("role_name", role_name(&f.role_arn))
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
            let ways: Vec<WayIn> = entries
                .iter()
                .map(|e| WayIn {
                    headline: e.description.clone(),
                    via: e.via.clone(),
                    evidence: vec![
                        Evidence::new("Entry", &e.description),
                        Evidence::new("Integration", &e.via),
                    ],
                })
                .collect();
            join::judge(def, inv, f, &t, (&ways, &gaps), &WORDS, what, |_, _, p| {
                danger(p)
            })
        })
        .collect()
}

#[cfg(test)]
mod tests;
