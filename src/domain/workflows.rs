//! What a Step Functions state machine runs: the Task states of its definition (Amazon States
//! Language, JSONPath or JSONata) that invoke a Lambda function, found in nested Parallel
//! branches and Map iterators too, and the functions of an account they name. Pure: the
//! definition is text the workflows area read.

use serde_json::Value;

pub use super::inventory::LambdaTask;
use super::inventory::{Function, Inventory, MachineConfig, StateMachine};
use super::values::MachineLogLevel;

/// A state machine's configuration, with its Lambda tasks read from `definition` once, here.
pub fn machine_config(
    role_arn: String,
    definition: String,
    log_level: MachineLogLevel,
    tracing: bool,
) -> MachineConfig {
    let lambda_tasks = lambda_tasks(&definition).unwrap_or_default();
    MachineConfig {
        role_arn,
        definition,
        log_level,
        tracing,
        lambda_tasks,
    }
}

/// The Lambda-invoking Task states of a definition. `Err` when it is not JSON.
pub fn lambda_tasks(definition: &str) -> Result<Vec<LambdaTask>, String> {
    let doc: Value =
        serde_json::from_str(definition).map_err(|e| format!("the definition is not JSON: {e}"))?;
    let mut out = Vec::new();
    states_of(&doc, &mut out);
    Ok(out)
}

/// Walks the `States` of a machine, a Parallel branch or a Map's processor.
fn states_of(machine: &Value, out: &mut Vec<LambdaTask>) {
    let Some(states) = machine.get("States").and_then(Value::as_object) else {
        return;
    };
    for (name, state) in states {
        match state.get("Type").and_then(Value::as_str) {
            Some("Task") => {
                if let Some(task) = lambda_task(name, state) {
                    out.push(task);
                }
            }
            Some("Parallel") => {
                for branch in state
                    .get("Branches")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                {
                    states_of(branch, out);
                }
            }
            Some("Map") => {
                for key in ["ItemProcessor", "Iterator"] {
                    if let Some(inner) = state.get(key) {
                        states_of(inner, out);
                    }
                }
            }
            _ => {}
        }
    }
}

/// A Task state's Lambda function: the optimized integration
/// (`arn:aws:states:::lambda:invoke`, `.waitForTaskToken`) with `FunctionName` in
/// `Parameters` (JSONPath) or `Arguments` (JSONata), or a function ARN as the Resource itself.
fn lambda_task(name: &str, state: &Value) -> Option<LambdaTask> {
    let resource = state.get("Resource").and_then(Value::as_str)?;
    let task = |function: Option<String>| LambdaTask {
        state: name.to_string(),
        function,
    };
    if resource.starts_with("arn:")
        && resource.contains(":lambda:")
        && resource.contains(":function:")
    {
        return Some(task(Some(resource.to_string())));
    }
    let integration = resource.split(':').skip(5).collect::<Vec<_>>().join(":");
    if !(resource.starts_with("arn:")
        && resource.contains(":states:")
        && integration.starts_with("lambda:invoke"))
    {
        return None;
    }
    let fields = state
        .get("Parameters")
        .or_else(|| state.get("Arguments"))
        .and_then(Value::as_object);
    let named = fields
        .and_then(|f| f.get("FunctionName"))
        .and_then(Value::as_str)
        .filter(|v| !is_expression(v))
        .map(str::to_string);
    Some(task(named))
}

fn is_expression(value: &str) -> bool {
    let v = value.trim();
    v.starts_with("{%") && v.ends_with("%}")
}

/// Whether a REST integration URI is a Step Functions action that starts an execution
/// (`arn:aws:apigateway:REGION:states:action/StartExecution`, `…/StartSyncExecution`).
pub fn starts_execution(uri: &str) -> bool {
    let Some((head, action)) = uri.trim().rsplit_once("action/") else {
        return false;
    };
    head.ends_with(":states:") && matches!(action, "StartExecution" | "StartSyncExecution")
}

/// Whether an HTTP API integration subtype starts an execution.
pub fn subtype_starts_execution(subtype: &str) -> bool {
    matches!(
        subtype.trim(),
        "StepFunctions-StartExecution" | "StepFunctions-StartSyncExecution"
    )
}

/// The state machine ARNs written in `text` (a mapping template, resolver code).
pub fn machine_arns_in(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("arn:") {
        let candidate = &rest[at..];
        let end = candidate
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '_' | '.')))
            .unwrap_or(candidate.len());
        let arn = &candidate[..end];
        let parts: Vec<&str> = arn.split(':').collect();
        if let ["arn", _, "states", _, _, "stateMachine", name] = parts.as_slice()
            && !name.is_empty()
            && !out.iter().any(|a| a == arn)
        {
            out.push(arn.to_string());
        }
        rest = &candidate[end.max(4)..];
    }
    out
}

/// Whether `reference` (a name, `ACCOUNT:function:NAME`, or a function ARN, any with a
/// version or alias), written in a state machine of `machine_region` in `account`, names
/// `function`. A name or partial ARN means a function of the machine's own region.
pub fn names_function(
    reference: &str,
    function: &Function,
    account: &str,
    machine_region: &str,
) -> bool {
    let reference = reference.trim();
    let parts: Vec<&str> = reference.split(':').collect();
    let (region, owner, name) = match parts.as_slice() {
        ["arn", _, "lambda", region, owner, "function", name, ..] => (*region, *owner, *name),
        [owner, "function", name, ..] => (machine_region, *owner, *name),
        [name] | [name, _] => (machine_region, account, *name),
        _ => return false,
    };
    name == function.name && region == function.region && owner == account
}

/// The state machines of `inv` with a Task that invokes `function`, and that Task's state
/// name (a machine may invoke a function of another region by its ARN). Reads the tasks
/// parsed when each configuration was built: cheap enough for the render path.
pub fn callers_of<'a>(inv: &'a Inventory, function: &Function) -> Vec<(&'a StateMachine, String)> {
    let mut out = Vec::new();
    for machine in &inv.state_machines {
        let Ok(config) = &machine.described else {
            continue;
        };
        for task in &config.lambda_tasks {
            if task
                .function
                .as_deref()
                .is_some_and(|r| names_function(r, function, &inv.account_id, &machine.region))
            {
                out.push((&**machine, task.state.clone()));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests;
