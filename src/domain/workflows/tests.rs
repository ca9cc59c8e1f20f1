//! Unit tests of reading a state machine's Lambda tasks and joining them to functions.

use std::sync::Arc;

use super::*;
use crate::domain::values::{MachineLogLevel, MachineType};

const ACCOUNT: &str = "111122223333";

fn function(region: &str, name: &str) -> Function {
    Function {
        name: name.into(),
        region: region.into(),
        arn: format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"),
        ..Default::default()
    }
}

#[test]
fn tasks_in_every_form_and_nesting() {
    let definition = r#"{
      "StartAt": "A",
      "States": {
        "A": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:111122223333:function:charge:live", "Payload.$": "$"}, "Next": "B"},
        "B": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:111122223333:function:legacy", "Next": "C"},
        "C": {"Type": "Parallel", "Branches": [
               {"StartAt": "C1", "States": {"C1": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
                  "Parameters": {"FunctionName": "notify", "Payload": {"token.$": "$$.Task.Token"}}, "End": true}}}],
              "Next": "D"},
        "D": {"Type": "Map", "ItemProcessor": {"StartAt": "D1", "States": {
               "D1": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                      "Parameters": {"FunctionName.$": "$.fn"}, "End": true}}}, "Next": "E"},
        "E": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
              "Parameters": {"TableName": "orders"}, "Next": "F"},
        "F": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Arguments": {"FunctionName": "{% $states.input.fn %}"}, "End": true}
      }
    }"#;
    let tasks = lambda_tasks(definition).expect("JSON");
    let named: Vec<(&str, Option<&str>)> = tasks
        .iter()
        .map(|t| (t.state.as_str(), t.function.as_deref()))
        .collect();
    assert_eq!(
        named,
        vec![
            (
                "A",
                Some("arn:aws:lambda:us-east-1:111122223333:function:charge:live")
            ),
            (
                "B",
                Some("arn:aws:lambda:us-east-1:111122223333:function:legacy")
            ),
            ("C1", Some("notify")),
            ("D1", None),
            ("F", None),
        ]
    );
    assert!(lambda_tasks("{not json").is_err());
}

#[test]
fn references_name_a_function_of_the_right_region_and_account() {
    let charge = function("us-east-1", "charge");
    let names = |r: &str, machine_region: &str| names_function(r, &charge, ACCOUNT, machine_region);
    assert!(names("charge", "us-east-1"));
    assert!(names("charge:live", "us-east-1"));
    assert!(!names("charge", "eu-west-1"));
    assert!(names("111122223333:function:charge", "us-east-1"));
    assert!(names(
        "arn:aws:lambda:us-east-1:111122223333:function:charge:7",
        "eu-west-1"
    ));
    assert!(!names(
        "arn:aws:lambda:us-east-1:444455556666:function:charge",
        "us-east-1"
    ));
    assert!(!names("charge-v2", "us-east-1"));
}

#[test]
fn callers_of_a_function_name_the_machine_and_the_task() {
    let machine = |name: &str, region: &str, definition: &str| StateMachine {
        arn: format!("arn:aws:states:{region}:{ACCOUNT}:stateMachine:{name}"),
        name: name.into(),
        region: region.into(),
        kind: MachineType::Standard,
        described: Ok(crate::domain::workflows::machine_config(
            String::new(),
            definition.into(),
            MachineLogLevel::Off,
            false,
        )),
    };
    let by_arn = r#"{"StartAt":"Reserve","States":{"Reserve":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"arn:aws:lambda:eu-west-1:111122223333:function:reserve"},"End":true}}}"#;
    let by_name = r#"{"StartAt":"Reserve","States":{"Reserve":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"reserve"},"End":true}}}"#;
    let inv = Inventory {
        account_id: ACCOUNT.into(),
        state_machines: vec![
            Arc::new(machine("fulfil", "us-east-1", by_arn)),
            Arc::new(machine("local", "us-east-1", by_name)),
            Arc::new(machine("broken", "eu-west-1", "{")),
        ],
        ..Inventory::default()
    };
    let callers: Vec<(String, String)> = callers_of(&inv, &function("eu-west-1", "reserve"))
        .into_iter()
        .map(|(m, state)| (m.name.clone(), state))
        .collect();
    assert_eq!(callers, vec![("fulfil".to_string(), "Reserve".to_string())]);
}

#[test]
fn what_starts_an_execution_and_which_machine() {
    assert!(starts_execution(
        "arn:aws:apigateway:us-east-1:states:action/StartExecution"
    ));
    assert!(starts_execution(
        "arn:aws:apigateway:eu-west-1:states:action/StartSyncExecution"
    ));
    assert!(!starts_execution(
        "arn:aws:apigateway:us-east-1:states:action/DescribeExecution"
    ));
    assert!(!starts_execution(
        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/x/invocations"
    ));
    assert!(subtype_starts_execution("StepFunctions-StartExecution"));
    assert!(!subtype_starts_execution("StepFunctions-StopExecution"));
    let template = r#"{"input": "$util.escapeJavaScript($input.json('$'))",
        "stateMachineArn": "arn:aws:states:us-east-1:111122223333:stateMachine:order-fulfilment"}
        also arn:aws:states:us-east-1:111122223333:stateMachine:order-fulfilment again,
        arn:aws:states:us-east-1:111122223333:execution:order-fulfilment:abc and
        arn:aws:lambda:us-east-1:111122223333:function:x"#;
    assert_eq!(
        machine_arns_in(template),
        ["arn:aws:states:us-east-1:111122223333:stateMachine:order-fulfilment"]
    );
}
