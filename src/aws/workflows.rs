//! The workflows poll area: Step Functions `ListStateMachines` (paginated), then per state
//! machine `DescribeStateMachine` (its definition, role, logging and tracing), and the roles
//! of those machines that the functions area has not already read. One request per machine
//! beyond the listing; executions and their history are never read.

use std::sync::Arc;

use futures_util::StreamExt;

use super::errors::CallFailure;
use super::quotas;
use super::roles::roles_after_functions;
use super::{Collected, RegionClients, Shared};
use crate::domain::finding::Service;
use crate::domain::inventory::{Area, Inventory, MachineConfig, StateMachine};
use crate::domain::values::{MachineLogLevel, MachineType};

pub const LIST_STATE_MACHINES: &str = "states:ListStateMachines";

/// The largest page ListStateMachines serves.
const PAGE_SIZE: i32 = 1000;

/// Describe calls queued at once (the family semaphore bounds what is on the wire).
const QUEUE: usize = 64;

/// Collects the state machines of one region. `current` is the merged view so far: roles the
/// functions area already read are not read again.
pub async fn collect(shared: &Shared, clients: &RegionClients, current: &Inventory) -> Collected {
    let region = clients.region.as_str();
    let mut collected = Collected::default();
    collected.inventory.regions.push(region.to_string());

    let listed = list(shared, clients).await;
    let items = match listed {
        Ok(items) => items,
        Err(failure) => {
            let what = (&[Service::StepFunctions][..], Area::Workflows);
            collected.listing_failed(what, region, LIST_STATE_MACHINES, failure);
            return collected;
        }
    };
    let described: Vec<_> = futures_util::stream::iter(items)
        .map(|(arn, name, kind)| async move {
            let config = describe(shared, clients, &arn).await;
            (arn, name, kind, config)
        })
        .buffered(QUEUE)
        .collect()
        .await;

    let mut machines = Vec::new();
    for (arn, name, kind, config) in described {
        machines.push(StateMachine {
            arn,
            name,
            region: region.to_string(),
            kind,
            described: config.map_err(|failure| collected.note(failure)),
        });
    }
    let (roles, failures) = roles_after_functions(
        shared,
        current,
        machines.iter().filter_map(|m| m.role_arn()),
    )
    .await;
    collected.failures.extend(failures);
    collected.inventory.roles = roles;
    collected.inventory.state_machines = machines.into_iter().map(Arc::new).collect();
    collected
}

/// Every state machine of the region: (ARN, name, type).
async fn list(
    shared: &Shared,
    clients: &RegionClients,
) -> Result<Vec<(String, String, MachineType)>, CallFailure> {
    shared
        .pages(
            &quotas::SFN_LIST_STATE_MACHINES,
            |token| {
                clients
                    .sfn
                    .list_state_machines()
                    .set_next_token(token)
                    .max_results(PAGE_SIZE)
                    .send()
            },
            |page| {
                let items = page
                    .state_machines
                    .into_iter()
                    .map(|m| {
                        (
                            m.state_machine_arn,
                            m.name,
                            MachineType::parse(m.r#type.as_str()),
                        )
                    })
                    .collect();
                (items, page.next_token)
            },
        )
        .await
}

/// One state machine's configuration.
async fn describe(
    shared: &Shared,
    clients: &RegionClients,
    arn: &str,
) -> Result<MachineConfig, CallFailure> {
    let out = shared
        .call(&quotas::SFN_DESCRIBE_STATE_MACHINE, || {
            clients
                .sfn
                .describe_state_machine()
                .state_machine_arn(arn)
                .send()
        })
        .await?;
    Ok(crate::domain::workflows::machine_config(
        out.role_arn,
        out.definition,
        out.logging_configuration
            .and_then(|l| l.level)
            .map_or_else(MachineLogLevel::default, |l| {
                MachineLogLevel::parse(l.as_str())
            }),
        out.tracing_configuration.is_some_and(|t| t.enabled),
    ))
}

#[cfg(test)]
mod tests;
