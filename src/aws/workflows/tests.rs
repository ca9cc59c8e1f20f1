use super::*;
use crate::aws::fake::*;
use crate::domain::inventory::Role;
use serde_json::{Value, json};
use std::sync::atomic::Ordering;

fn arn(name: &str) -> String {
    format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{name}")
}

fn role_arn(name: &str) -> String {
    format!("arn:aws:iam::{ACCOUNT}:role/{name}")
}

const DEFINITION: &str = r#"{"StartAt":"A","States":{"A":{"Type":"Pass","End":true}}}"#;

/// Two listing pages (`orders`, then `refunds`), each machine described; `refunds` has logging
/// and tracing on, `orders` neither (no logging configuration at all).
fn answer(op: &str, body: &Value) -> (u16, String) {
    match op {
        "ListStateMachines" => {
            let page = if body.get("nextToken").is_none() {
                json!({"stateMachines": [{"stateMachineArn": arn("orders"), "name": "orders",
                    "type": "STANDARD", "creationDate": 1_700_000_000}], "nextToken": "p2"})
            } else {
                assert_eq!(body["nextToken"], "p2");
                json!({"stateMachines": [{"stateMachineArn": arn("refunds"), "name": "refunds",
                    "type": "EXPRESS", "creationDate": 1_700_000_000}]})
            };
            (200, page.to_string())
        }
        "DescribeStateMachine" => {
            let machine = body["stateMachineArn"].as_str().expect("an ARN");
            let mut out = json!({"stateMachineArn": machine, "definition": DEFINITION,
                "roleArn": role_arn("sfn-role"), "type": "STANDARD", "creationDate": 1_700_000_000,
                "name": machine.rsplit(':').next().unwrap()});
            if machine.ends_with(":refunds") {
                out["loggingConfiguration"] =
                    json!({"level": "ERROR", "includeExecutionData": false});
                out["tracingConfiguration"] = json!({"enabled": true});
            }
            (200, out.to_string())
        }
        other => panic!("unexpected call {other}"),
    }
}

fn known_role() -> Inventory {
    let mut current = Inventory::default();
    current.roles.insert(
        role_arn("sfn-role"),
        Arc::new(Ok(Role {
            arn: role_arn("sfn-role"),
            name: "sfn-role".into(),
            policies: Vec::new(),
        })),
    );
    current
}

#[tokio::test]
async fn lists_every_page_describes_each_machine_once_and_reuses_known_roles() {
    let fake = FakeAws::new(answer);
    let config = sdk_config(fake.clone(), REGION);
    let shared = shared(&config);
    let collected = collect(&shared, &clients(&config), &known_role()).await;
    assert_eq!(
        fake.operations(),
        vec![
            "ListStateMachines",
            "ListStateMachines",
            "DescribeStateMachine",
            "DescribeStateMachine"
        ]
    );
    assert_eq!(shared.calls.load(Ordering::Relaxed), 4);
    let machines = &collected.inventory.state_machines;
    assert_eq!(machines.len(), 2);
    let orders = machines[0].described.as_ref().expect("described");
    assert_eq!(machines[0].kind, MachineType::Standard);
    assert_eq!(machines[1].kind, MachineType::Express);
    assert_eq!(orders.log_level, MachineLogLevel::default());
    assert!(!orders.tracing);
    assert_eq!(orders.definition, DEFINITION);
    let refunds = machines[1].described.as_ref().expect("described");
    assert_eq!(refunds.log_level, MachineLogLevel::Error);
    assert!(refunds.tracing);
    // The role the view already had comes along for the checks, read no second time.
    assert!(
        collected
            .inventory
            .roles
            .contains_key(&role_arn("sfn-role"))
    );
}

#[tokio::test]
async fn a_denied_listing_fails_the_area_and_a_denied_describe_one_machine() {
    let fake = FakeAws::new(|op, _| (403, xml_access_denied(&format!("states:{op}"))));
    let config = sdk_config(fake.clone(), REGION);
    let collected = collect(&shared(&config), &clients(&config), &known_role()).await;
    assert!(collected.inventory.state_machines.is_empty());
    let failure = &collected.inventory.list_failures[0];
    assert_eq!(failure.service, Service::StepFunctions);
    assert_eq!(failure.area, Area::Workflows);
    assert!(
        failure.reason.to_string().contains("AccessDenied"),
        "{}",
        failure.reason
    );

    let fake = FakeAws::new(|op, body| match op {
        "DescribeStateMachine" => (403, xml_access_denied("states:DescribeStateMachine")),
        _ => answer(op, body),
    });
    let config = sdk_config(fake.clone(), REGION);
    let collected = collect(&shared(&config), &clients(&config), &known_role()).await;
    assert_eq!(collected.inventory.state_machines.len(), 2);
    let why = collected.inventory.state_machines[0]
        .described
        .as_ref()
        .expect_err("denied");
    assert!(
        why.to_string().contains("states:DescribeStateMachine"),
        "{why}"
    );
}
