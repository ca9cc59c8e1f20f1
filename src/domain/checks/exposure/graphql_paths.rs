//! Exposure through AppSync (see docs/CHECKS.md): a public GraphQL API (`domain::graphql`)
//! has a resolver whose Lambda data source is a function whose role is an administrator,
//! over-privileged or able to escalate, or whose data source's service role is. One finding
//! per function, like the other joins; the path is API → resolver (`Type.field`) → data
//! source → function → role → permission.

use super::join::{self, WayIn, Words};
use crate::domain::arn::role_name;
use crate::domain::catalogue::{CheckDef, Context, Target, tf_ident};
use crate::domain::finding::{Category, Evidence, Finding, ResourceKind, Service, Severity};
use crate::domain::graphql::{Exposure, exposure, lambda_resolvers, names_function};
use crate::domain::iam::{escalation_paths, role_privileges};
use crate::domain::inventory::{Area, Function, Inventory};

pub const CHECKS: &[CheckDef] = &[CheckDef {
    id: "exposure.public-graphql-privileged-function",
    title: "A public GraphQL API resolves through a privileged function",
    severity: Severity::Critical,
    category: Category::Exposure,
    service: Service::Lambda,
    areas: &[Area::Functions, Area::Graphql, Area::Users],
    resource: ResourceKind::Function,
    rationale: "Anyone who can call the GraphQL API (an API key shipped in the web client, or a \
        user pool anyone can sign up to) sends arguments that a resolver hands to this \
        function, and the function (or the role AppSync invokes it with) is an administrator, \
        holds service wildcards or can escalate. One injection bug in a resolver's function is \
        then control of the account.",
    fix: "Require user authentication on the API (no API key, no open sign-up), or scope the role.",
    console: &[
        "Close the API: {entry} (AppSync console → Settings → authorization modes).",
        "Open the IAM console → Roles → {role_name}: remove the grants named in the evidence.",
        "Re-run Parapet: the path is gone when either end is fixed.",
    ],
    cli: "# close the API ({entry}): move it off API_KEY, or close the pool's sign-up\n\
        # and cut the role down:\n\
        aws iam detach-role-policy --role-name {role_name} --policy-arn arn:aws:iam::aws:policy/AdministratorAccess\n\
        aws iam put-role-policy --role-name {role_name} --policy-name {name}-least-privilege --policy-document file://scoped-policy.json",
    terraform: "resource \"aws_iam_role_policy\" \"{tf}\" {\n  name   = \"{name}-least-privilege\"\n  role   = \"{role_name}\"\n  policy = data.aws_iam_policy_document.{tf}_scoped.json # only what {name} uses\n}",
    fsbp: None,
    prowler: None,
    docs_url: "https://docs.aws.amazon.com/appsync/latest/devguide/security-authz.html",
    evaluate: graphql_privileged_function,
}];

const WORDS: Words = Words {
    reached: "a public GraphQL API resolves through it",
    undecided: "cannot tell whether a public GraphQL API resolves through it",
    none: "no public GraphQL API resolves through this function",
    none_label: "Public GraphQL resolvers",
    one: "resolver",
    many: "resolvers",
};

/// The public resolvers that call `f`, the resolvers whose data source's service role is
/// itself privileged (one line each, the path), and what could not be decided.
fn ways_in(inv: &Inventory, f: &Function) -> (Vec<WayIn>, Vec<String>, Vec<String>) {
    let (mut ways, mut privileged_sources, mut gaps) = (Vec::new(), Vec::new(), Vec::new());
    for api in &inv.graphql_apis {
        let why = match exposure(api, inv) {
            Exposure::Closed(_) => continue,
            Exposure::Public(why) => why,
            Exposure::Unknown(why) => {
                if lambda_resolvers(api)
                    .iter()
                    .any(|r| names_function(&r.function_arn, f))
                {
                    gaps.push(format!("whether GraphQL API {} is public: {why}", api.name));
                }
                continue;
            }
        };
        if let Err(e) = api.resolvers.as_ref().and(api.data_sources.as_ref()) {
            gaps.push(format!(
                "the resolvers of public GraphQL API {}: {e}",
                api.name
            ));
            continue;
        }
        for r in lambda_resolvers(api)
            .into_iter()
            .filter(|r| names_function(&r.function_arn, f))
        {
            let headline = format!("GraphQL API {} ({why})", api.name);
            let via = format!("resolver {} → data source {}", r.field, r.data_source);
            if let Some(Ok(role)) = r.service_role.as_deref().and_then(|arn| inv.role(arn)) {
                let privileges = role_privileges(role);
                let mut grants = privileges.privileged_grants();
                grants.extend(escalation_paths(role, &api.arn).paths);
                if !grants.is_empty() {
                    privileged_sources.push(format!(
                        "{headline} → {via} (service role {}) → {}",
                        role.name,
                        grants.join("; ")
                    ));
                }
            }
            ways.push(WayIn {
                evidence: vec![
                    Evidence::new("Entry", &headline),
                    Evidence::new("Resolver", &via),
                ],
                headline,
                via,
            });
        }
    }
    (ways, privileged_sources, gaps)
}

fn graphql_privileged_function(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.functions
        .iter()
        .map(|f| {
            let (ways, privileged_sources, gaps) = ways_in(inv, f);
            let t = Target::new(&f.region, &f.arn, &f.name)
                .param("tf", tf_ident(&f.name))
                .param("role_name", role_name(&f.role_arn))
                .param(
                    "entry",
                    ways.first()
                        .map(|w| w.headline.clone())
                        .unwrap_or_else(|| "the GraphQL API".into()),
                );
            if let Some(first) = privileged_sources.first() {
                let ev = ways
                    .iter()
                    .flat_map(|w| w.evidence.clone())
                    .chain(
                        privileged_sources
                            .iter()
                            .map(|p| Evidence::new("Privileged service role", p)),
                    )
                    .collect();
                return def.fail(inv, &t, first.clone(), ev);
            }
            join::judge(
                def,
                inv,
                f,
                &t,
                (&ways, &gaps),
                &WORDS,
                "an administrator, over-privileged or able to escalate",
                |f, role, privileges| {
                    let mut grants = privileges.privileged_grants();
                    grants.extend(escalation_paths(role, &f.arn).paths);
                    grants
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;
