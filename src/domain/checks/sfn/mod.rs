//! Checks for Step Functions state machines (see docs/CHECKS.md).
//!
//! The resource is the state machine: its ARN is the resource id, its name the resource name.
//! A machine DescribeStateMachine could not read leaves every check `unknown` with the reason.
//! The definition never leaves the domain: a finding names where a credential sits in it, the
//! detector and a masked prefix.

use serde_json::Value;

use crate::domain::catalogue::{CheckDef, Context, Target, tf_ident};
use crate::domain::detectors;
use crate::domain::finding::{Category, Evidence, Finding, ResourceKind, Service, Severity};
use crate::domain::iam::{role_privileges, state_machine_escalation_paths};
use crate::domain::inventory::{Area, Inventory, MachineConfig, StateMachine};
use crate::domain::values::MachineLogLevel;

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "sfn.logging-off",
        title: "State machine does not log its executions",
        severity: Severity::Medium,
        category: Category::Logging,
        service: Service::StepFunctions,
        areas: &[Area::Workflows],
        resource: ResourceKind::StateMachine,
        rationale: "With logging level OFF a state machine keeps no record of its executions in \
            CloudWatch Logs: a failed or abused run (a task called with tampered input, a \
            workflow started far more often than it should) leaves nothing to investigate. \
            Log at least ERROR to a log group.",
        fix: "Set the logging configuration to level ERROR (or ALL) with a log group destination.",
        console: &[
            "Open the Step Functions console in {region} → State machines → {name}.",
            "Edit → Config → Logging: set Log level to ERROR (or ALL) and choose a log group.",
            "Save.",
        ],
        cli: "aws stepfunctions update-state-machine --state-machine-arn {arn} --region {region} \\\n  --logging-configuration 'level=ERROR,includeExecutionData=false,destinations=[{cloudWatchLogsLogGroup={logGroupArn=arn:aws:logs:{region}:{account}:log-group:/aws/vendedlogs/states/{name}:*}}]'",
        terraform: "resource \"aws_sfn_state_machine\" \"{tf}\" {\n  # …\n  logging_configuration {\n    level                  = \"ERROR\"\n    include_execution_data = false\n    log_destination        = \"${aws_cloudwatch_log_group.{tf}.arn}:*\"\n  }\n}",
        fsbp: Some("StepFunctions.1"),
        prowler: Some("stepfunctions_statemachine_logging_enabled"),
        docs_url: "https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html",
        evaluate: logging_off,
    },
    CheckDef {
        id: "sfn.no-tracing",
        title: "State machine has X-Ray tracing off",
        severity: Severity::Low,
        category: Category::Logging,
        service: Service::StepFunctions,
        areas: &[Area::Workflows],
        resource: ResourceKind::StateMachine,
        rationale: "Without X-Ray tracing an execution cannot be followed through the functions \
            and services its tasks call, so a slow or misbehaving step, or an unexpected call, \
            is hard to find.",
        fix: "Enable X-Ray tracing on the state machine.",
        console: &[
            "Open the Step Functions console in {region} → State machines → {name}.",
            "Edit → Config → Additional configuration: turn on Enable X-Ray tracing.",
            "Save.",
        ],
        cli: "aws stepfunctions update-state-machine --state-machine-arn {arn} --region {region} --tracing-configuration enabled=true",
        terraform: "resource \"aws_sfn_state_machine\" \"{tf}\" {\n  # …\n  tracing_configuration {\n    enabled = true\n  }\n}",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-xray-tracing.html",
        evaluate: no_tracing,
    },
    CheckDef {
        id: "sfn.secrets-in-definition",
        title: "State machine definition holds a credential",
        severity: Severity::Critical,
        category: Category::Secrets,
        service: Service::StepFunctions,
        areas: &[Area::Workflows],
        resource: ResourceKind::StateMachine,
        rationale: "A state machine's definition is readable by anyone with \
            states:DescribeStateMachine, is copied into every execution's history and often \
            into source control. A credential written into its Parameters, Arguments or a \
            literal payload is exposed to all of them; pass a Secrets Manager reference and \
            read the value where it is used.",
        fix: "Replace the literal with a Secrets Manager reference read at run time, then rotate the credential.",
        console: &[
            "Open the Step Functions console in {region} → State machines → {name} → Edit.",
            "Find {first_secret} in the definition and replace the literal value with a Secrets Manager reference (e.g. a task calling secretsmanager:GetSecretValue, or a Lambda function that reads it).",
            "Save, then rotate the exposed credential where it was issued.",
        ],
        cli: "aws stepfunctions describe-state-machine --state-machine-arn {arn} --region {region} --query definition --output text > definition.json\n# edit definition.json: remove the literal at {first_secret}\naws stepfunctions update-state-machine --state-machine-arn {arn} --region {region} --definition file://definition.json",
        terraform: "resource \"aws_sfn_state_machine\" \"{tf}\" {\n  # …\n  # Keep credentials out of the definition: reference the secret instead of its value.\n  definition = templatefile(\"${path.module}/{name}.asl.json\", {\n    secret_arn = aws_secretsmanager_secret.{tf}.arn\n  })\n}",
        fsbp: None,
        prowler: Some("stepfunctions_statemachine_no_secrets_in_definition"),
        docs_url: "https://docs.aws.amazon.com/step-functions/latest/dg/sfn-best-practices.html",
        evaluate: secrets_in_definition,
    },
    CheckDef {
        id: "sfn.privileged-role",
        title: "State machine runs as an administrator or a role that can escalate",
        severity: Severity::Critical,
        category: Category::Privilege,
        service: Service::StepFunctions,
        areas: &[Area::Workflows],
        resource: ResourceKind::StateMachine,
        rationale: "A state machine's tasks call AWS with its role. A role with administrator \
            access, or one that can grant itself more (pass any role to a new function or state \
            machine, rewrite IAM policies, replace another function's code), turns any way to \
            start or tamper with the workflow into control of the account. Scope the role to the \
            tasks of the definition.",
        fix: "Scope the role to the resources the definition's tasks call; remove {first_path}.",
        console: &[
            "Open the IAM console → Roles → {role_name}.",
            "Permissions: detach AdministratorAccess and remove {first_path}.",
            "Add a policy allowing only the definition's tasks (lambda:InvokeFunction on its functions, …).",
        ],
        cli: "aws iam list-attached-role-policies --role-name {role_name}\naws iam list-role-policies --role-name {role_name}\n# detach or rewrite the policies granting {first_path}",
        terraform: "data \"aws_iam_policy_document\" \"{tf}_tasks\" {\n  statement {\n    actions   = [\"lambda:InvokeFunction\"]\n    resources = [\"arn:aws:lambda:{region}:{account}:function:<task-function>\"]\n  }\n}",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/step-functions/latest/dg/procedure-create-iam-role.html",
        evaluate: privileged_role,
    },
];

fn target(m: &StateMachine) -> Target {
    Target::new(&m.region, &m.arn, &m.name).param("tf", tf_ident(&m.name))
}

/// Runs `judge` on every described state machine; one not described is `unknown`.
fn per_machine(
    def: &CheckDef,
    inv: &Inventory,
    judge: impl Fn(&StateMachine, &MachineConfig, Target) -> Finding,
) -> Vec<Finding> {
    inv.state_machines
        .iter()
        .map(|m| match &m.described {
            Ok(config) => judge(m, config, target(m)),
            Err(e) => def.unknown(inv, &target(m), e.to_string()),
        })
        .collect()
}

fn logging_off(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_machine(def, inv, |_, c, t| {
        let level = match &c.log_level {
            MachineLogLevel::Other(v) if v.is_empty() => "OFF (no logging configuration)",
            l => l.as_str(),
        };
        let ev = vec![Evidence::new("loggingConfiguration.level", level)];
        match &c.log_level {
            MachineLogLevel::Off => def.fail(inv, &t, "logging is OFF", ev),
            MachineLogLevel::Other(v) if v.is_empty() => {
                def.fail(inv, &t, "no logging configuration (OFF)", ev)
            }
            // A level this version does not know: not a pass.
            MachineLogLevel::Other(v) => def.unknown(
                inv,
                &t,
                format!("DescribeStateMachine gave logging level {v:?}"),
            ),
            l => def.pass(inv, &t, format!("logs executions at level {l}"), ev),
        }
    })
}

fn no_tracing(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_machine(def, inv, |_, c, t| {
        let ev = vec![Evidence::new(
            "tracingConfiguration.enabled",
            c.tracing.to_string(),
        )];
        if c.tracing {
            def.pass(inv, &t, "X-Ray tracing is on", ev)
        } else {
            def.fail(inv, &t, "X-Ray tracing is off", ev)
        }
    })
}

/// One credential in a definition: where (a path of state names and fields), the detector and
/// the masked value.
#[derive(Debug, PartialEq, Eq)]
pub struct DefinitionSecret {
    pub path: String,
    pub detector: &'static str,
    pub masked: String,
}

/// Whether a string is a JSONata expression (`{% $states.input.password %}`): evaluated at run
/// time, never a literal.
fn is_expression(value: &str) -> bool {
    let v = value.trim();
    v.starts_with("{%") && v.ends_with("%}")
}

/// The credentials a definition holds: every string field (Parameters, Arguments, a Pass
/// state's Result, Assign, anywhere) judged as a variable and its value would be, except
/// JSONPath fields (`Name.$`), JSONata expressions and references (ARNs, dynamic
/// references), which are resolved at run time. `Err` when the definition is not JSON.
pub fn definition_secrets(definition: &str) -> Result<Vec<DefinitionSecret>, String> {
    let doc: Value =
        serde_json::from_str(definition).map_err(|e| format!("the definition is not JSON: {e}"))?;
    let mut strings: Vec<(String, String, String)> = Vec::new();
    collect_strings(&doc, "", "", &mut strings);
    let key_id = strings
        .iter()
        .any(|(_, _, v)| !is_expression(v) && detectors::holds_aws_key_id(v));
    let mut out: Vec<DefinitionSecret> = strings
        .iter()
        .filter(|(_, name, value)| !name.ends_with(".$") && !is_expression(value))
        .filter_map(|(path, name, value)| {
            detectors::detect_variable(name, value, key_id).map(|d| DefinitionSecret {
                path: path.clone(),
                detector: d.detector,
                masked: d.masked,
            })
        })
        .collect();
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

/// Every string under `value` with its path (`States.Charge.Parameters.ApiKey`) and the name
/// of the field holding it (an array's items keep their field's name).
fn collect_strings(value: &Value, path: &str, name: &str, out: &mut Vec<(String, String, String)>) {
    match value {
        Value::String(s) => out.push((path.to_string(), name.to_string(), s.clone())),
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                collect_strings(item, &format!("{path}[{i}]"), name, out);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                let path = if path.is_empty() {
                    key.clone()
                } else {
                    format!("{path}.{key}")
                };
                collect_strings(item, &path, key, out);
            }
        }
        _ => {}
    }
}

fn secrets_in_definition(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_machine(def, inv, |_, c, t| {
        let found = match definition_secrets(&c.definition) {
            Ok(found) => found,
            Err(e) => return def.unknown(inv, &t.param("first_secret", "the credential"), e),
        };
        let Some(first) = found.first() else {
            return def.pass(
                inv,
                &t.param("first_secret", "none"),
                "the definition holds no credential",
                vec![Evidence::new("Credentials in the definition", "(none)")],
            );
        };
        let ev = found
            .iter()
            .map(|s| Evidence::new(s.path.as_str(), format!("{} ({})", s.masked, s.detector)))
            .collect();
        let more = match found.len() {
            1 => String::new(),
            n => format!(" and {} more", n - 1),
        };
        def.fail(
            inv,
            &t.param("first_secret", first.path.as_str()),
            format!(
                "the definition holds a credential at {} ({}){more}",
                first.path, first.detector
            ),
            ev,
        )
    })
}

fn privileged_role(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_machine(def, inv, |m, c, t| {
        let role_name = c
            .role_arn
            .rsplit('/')
            .next()
            .unwrap_or_default()
            .to_string();
        let t = t.param("role_name", role_name);
        let unknown_t = t.clone().param("first_path", "the privileged grants");
        let role = match inv.role(&c.role_arn) {
            _ if c.role_arn.trim().is_empty() => {
                return def.unknown(inv, &unknown_t, "the state machine reports no role");
            }
            None => {
                return def.unknown(
                    inv,
                    &unknown_t,
                    format!("role {} was not collected", c.role_arn),
                );
            }
            Some(Err(e)) => {
                return def.unknown(inv, &unknown_t, format!("role {}: {e}", c.role_arn));
            }
            Some(Ok(role)) => role,
        };
        let privileges = role_privileges(role);
        let escalations = state_machine_escalation_paths(role, &m.arn);
        let grants: Vec<(&str, &String)> = privileges
            .admin
            .iter()
            .map(|g| ("Administrator", g))
            .chain(escalations.paths.iter().map(|p| ("Escalation path", p)))
            .collect();
        let role_ev = Evidence::new("Role", &role.arn);
        let Some((_, first)) = grants.first() else {
            let unreadable: Vec<&String> = privileges
                .unreadable
                .iter()
                .chain(&escalations.unreadable)
                .collect();
            if let Some(why) = unreadable.first() {
                return def.unknown(
                    inv,
                    &unknown_t,
                    format!("not every policy of {} could be read: {why}", role.name),
                );
            }
            return def.pass(
                inv,
                &t.param("first_path", "none"),
                format!(
                    "role {} is not an administrator and grants no known escalation path",
                    role.name
                ),
                vec![role_ev, Evidence::new("Escalation paths", "(none)")],
            );
        };
        let mut ev = vec![role_ev];
        ev.extend(
            grants
                .iter()
                .map(|(label, g)| Evidence::new(*label, g.as_str())),
        );
        let more = match grants.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        def.fail(
            inv,
            &t.param("first_path", first.as_str()),
            format!("role {} is privileged: {first}{more}", role.name),
            ev,
        )
    })
}

#[cfg(test)]
mod tests;
