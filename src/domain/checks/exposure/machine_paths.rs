//! Exposure through Step Functions (see docs/CHECKS.md): an unauthenticated REST method or
//! HTTP route whose integration starts the state machine (`StartExecution` /
//! `StartSyncExecution`), a rule on an EventBridge bus anyone may put events on, or a
//! resolver of a public GraphQL API whose template or code names it, reaches a machine whose role fails `sfn.privileged-role`, or that invokes a function
//! whose role is an administrator or can escalate. One finding per state machine; the path is
//! entry → state machine → (task → function →) role → permission.

use crate::domain::catalogue::{CheckDef, Context, Target, tf_ident};
use crate::domain::entry_points::{is_private, unauthenticated};
use crate::domain::finding::{Category, Evidence, Finding, ResourceKind, Service, Severity};
use crate::domain::graphql::{Exposure, exposure};
use crate::domain::iam::{escalation_paths, role_privileges, state_machine_escalation_paths};
use crate::domain::inventory::{Area, Inventory, ResolverCode, StateMachine};
use crate::domain::triggers::{Openness, bus_openness};
use crate::domain::values::ApiProtocol;
use crate::domain::workflows::{machine_arns_in, names_function};

pub const CHECKS: &[CheckDef] = &[CheckDef {
    id: "exposure.public-entry-privileged-state-machine",
    title: "An unauthenticated entry starts a privileged state machine",
    severity: Severity::Critical,
    category: Category::Exposure,
    service: Service::StepFunctions,
    areas: &[
        Area::Workflows,
        Area::Gateways,
        Area::Graphql,
        Area::Triggers,
        Area::Functions,
    ],
    resource: ResourceKind::StateMachine,
    rationale: "Anyone can start this workflow with input of their choosing (a route without \
        authentication, or a public GraphQL API), and the workflow runs as an administrator or \
        a role that can escalate, or hands the input to a function that does. Tampered input \
        then walks straight into those permissions.",
    fix: "Add authentication at the entry; scope the state machine's role and its functions' roles.",
    console: &[
        "Close the entry: {entry} (add an authorizer or IAM auth).",
        "Open the IAM console → Roles → {role_name}: remove the grants named in the evidence.",
        "Re-run Parapet: the path is gone when either end is fixed.",
    ],
    cli: "# close the entry ({entry}), then scope the role:\naws iam list-attached-role-policies --role-name {role_name}\naws iam list-role-policies --role-name {role_name}",
    terraform: "resource \"aws_api_gateway_method\" \"{tf}\" {\n  # …\n  authorization = \"AWS_IAM\" # or COGNITO_USER_POOLS with an admin-only pool\n}",
    fsbp: None,
    prowler: None,
    docs_url: "https://docs.aws.amazon.com/step-functions/latest/dg/tutorial-api-gateway.html",
    evaluate: privileged_state_machine,
}];

/// The unauthenticated ways to start `m`, and what could not be read.
fn entries(inv: &Inventory, m: &StateMachine) -> (Vec<String>, Vec<String>) {
    let (mut ways, mut gaps) = (Vec::new(), Vec::new());
    for api in &inv.rest_apis {
        let resources = match &api.resources {
            Ok(r) => r,
            Err(e) => {
                gaps.push(format!("REST API {} resources: {e}", api.name));
                continue;
            }
        };
        if is_private(api) {
            continue;
        }
        for r in resources {
            for method in &r.methods {
                if unauthenticated(&method.authorization_type)
                    && method.started_machines.contains(&m.arn)
                {
                    ways.push(format!(
                        "REST {} {} {} (NONE)",
                        api.name, method.http_method, r.path
                    ));
                }
            }
        }
    }
    for api in inv
        .v2_apis
        .iter()
        .filter(|a| a.protocol != ApiProtocol::WebSocket)
    {
        let (routes, integrations) = match (&api.routes, &api.integrations) {
            (Ok(r), Ok(i)) => (r, i),
            (Err(e), _) | (_, Err(e)) => {
                gaps.push(format!("HTTP API {} routes: {e}", api.name));
                continue;
            }
        };
        for route in routes
            .iter()
            .filter(|r| unauthenticated(&r.authorization_type))
        {
            let target = route
                .target
                .as_deref()
                .and_then(|t| t.strip_prefix("integrations/"));
            let starts = integrations.iter().any(|i| {
                Some(i.id.as_str()) == target && i.started_machine.as_deref() == Some(&m.arn)
            });
            if starts {
                ways.push(format!("HTTP {} {} (NONE)", api.name, route.route_key));
            }
        }
    }
    // EventBridge rules on a bus anyone may put events on (the triggers area keeps the
    // rules that target a state machine).
    for bus in &inv.buses {
        for rule in bus.rules.iter().filter(|r| r.machine_arns.contains(&m.arn)) {
            match bus_openness(bus) {
                Openness::Public(why) => ways.push(format!(
                    "EventBridge bus {} ({}) rule {}",
                    bus.name,
                    why.join("; "),
                    rule.name
                )),
                Openness::Restricted => {}
                Openness::Unknown(e) => gaps.push(format!("bus {} policy: {e}", bus.name)),
            }
        }
    }
    for failure in inv
        .list_failures
        .iter()
        .filter(|f| f.service == Service::EventBridge)
    {
        gaps.push(format!(
            "{} failed in {}: {}",
            failure.call, failure.region, failure.reason
        ));
    }
    for api in &inv.graphql_apis {
        let why = match exposure(api, inv) {
            Exposure::Public(why) => why,
            Exposure::Closed(_) => continue,
            Exposure::Unknown(why) => {
                gaps.push(format!("whether GraphQL API {} is public: {why}", api.name));
                continue;
            }
        };
        let names = |c: &ResolverCode| {
            [&c.request_template, &c.response_template, &c.code]
                .into_iter()
                .flatten()
                .any(|t| machine_arns_in(t).contains(&m.arn))
        };
        match &api.resolvers {
            Ok(resolvers) => {
                for r in resolvers.iter().filter(|r| names(&r.code)) {
                    ways.push(format!(
                        "GraphQL API {} ({why}) resolver {}.{}",
                        api.name, r.type_name, r.field_name
                    ));
                }
            }
            Err(e) => gaps.push(format!("resolvers of GraphQL API {}: {e}", api.name)),
        }
        if let Ok(functions) = &api.functions {
            for f in functions.iter().filter(|f| names(&f.code)) {
                ways.push(format!(
                    "GraphQL API {} ({why}) function {}",
                    api.name, f.name
                ));
            }
        }
    }
    (ways, gaps)
}

/// What makes the machine dangerous: its own role's grants, then each task function's, as
/// path tails (`role X → grant`, `task T → function F → role R → grant`); and what could not
/// be read.
fn dangers(inv: &Inventory, m: &StateMachine) -> Result<(Vec<String>, Vec<String>), String> {
    let config = m.described.as_ref().map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let mut unread = Vec::new();
    match inv.role(&config.role_arn) {
        Some(Ok(role)) => {
            let privileges = role_privileges(role);
            let escalations = state_machine_escalation_paths(role, &m.arn);
            out.extend(
                privileges
                    .admin
                    .iter()
                    .chain(&escalations.paths)
                    .map(|g| format!("role {} → {g}", role.name)),
            );
            unread.extend(privileges.unreadable);
            unread.extend(escalations.unreadable);
        }
        Some(Err(e)) => unread.push(format!("role {}: {e}", config.role_arn)),
        None => unread.push(format!("role {} was not collected", config.role_arn)),
    }
    for task in &config.lambda_tasks {
        let Some(reference) = &task.function else {
            continue;
        };
        for f in inv
            .functions
            .iter()
            .filter(|f| names_function(reference, f, &inv.account_id, &m.region))
        {
            match inv.role(&f.role_arn) {
                Some(Ok(role)) => {
                    let privileges = role_privileges(role);
                    let escalations = escalation_paths(role, &f.arn);
                    out.extend(privileges.admin.iter().chain(&escalations.paths).map(|g| {
                        format!(
                            "task {} → function {} → role {} → {g}",
                            task.state, f.name, role.name
                        )
                    }));
                    unread.extend(privileges.unreadable);
                    unread.extend(escalations.unreadable);
                }
                Some(Err(e)) => unread.push(format!("role {}: {e}", f.role_arn)),
                None => unread.push(format!("role {} was not collected", f.role_arn)),
            }
        }
    }
    Ok((out, unread))
}

fn privileged_state_machine(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.state_machines
        .iter()
        .map(|m| {
            let (ways, gaps) = entries(inv, m);
            let role_name = m
                .role_arn()
                .and_then(|r| r.rsplit('/').next())
                .unwrap_or("the state machine's role")
                .to_string();
            let t = Target::new(&m.region, &m.arn, &m.name)
                .param("tf", tf_ident(&m.name))
                .param("role_name", role_name)
                .param(
                    "entry",
                    ways.first().cloned().unwrap_or_else(|| "the entry".into()),
                );
            let Some(first) = ways.first() else {
                if !gaps.is_empty() {
                    return def.unknown(
                        inv,
                        &t,
                        format!(
                            "cannot tell whether an unauthenticated entry starts it: {}",
                            gaps.join("; ")
                        ),
                    );
                }
                return def.pass(
                    inv,
                    &t,
                    "no unauthenticated entry starts this state machine",
                    vec![Evidence::new("Unauthenticated entries", "(none)")],
                );
            };
            let mut ev: Vec<Evidence> = ways.iter().map(|w| Evidence::new("Entry", w)).collect();
            let (grants, unread) = match dangers(inv, m) {
                Ok(d) => d,
                Err(e) => return def.unknown(inv, &t, e),
            };
            let Some(grant) = grants.first() else {
                if let Some(why) = unread.first() {
                    return def.unknown(
                        inv,
                        &t,
                        format!("an unauthenticated entry starts it, but {why}"),
                    );
                }
                ev.push(Evidence::new("Dangerous permission", "(none)"));
                return def.pass(
                    inv,
                    &t,
                    format!(
                        "an unauthenticated entry starts it ({first}), but neither its role nor its functions' roles are privileged"
                    ),
                    ev,
                );
            };
            ev.extend(grants.iter().map(|g| Evidence::new("Dangerous permission", g)));
            let more = match ways.len() {
                1 => String::new(),
                n => format!(" (and {} more entries)", n - 1),
            };
            def.fail(
                inv,
                &t,
                format!("{first}{more} → state machine {} → {grant}", m.name),
                ev,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;
