//! The demo's Step Functions state machines: the order-fulfilment workflow (no logging, no
//! tracing, a carrier API key written into its definition, and a role left able to create
//! state machines with any role) and the refund-review workflow that does it right (logs,
//! traces, reads its secret by reference, a role scoped to its one task).

use super::fixture::*;
use super::iam::{LOGS_STATEMENT, inline, role};
use crate::domain::inventory::{Fetched, Role, StateMachine};
use crate::domain::values::{MachineLogLevel, MachineType};

fn machine_arn(region: &str, name: &str) -> String {
    format!("arn:aws:states:{region}:{DEMO_ACCOUNT}:stateMachine:{name}")
}

pub(super) fn state_machines() -> Vec<StateMachine> {
    let fulfilment = format!(
        r#"{{
  "Comment": "Reserve stock, charge, book the carrier, tell the customer",
  "StartAt": "Reserve",
  "States": {{
    "Reserve": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {{"FunctionName": "{reserve}", "Payload.$": "$"}}, "Next": "Charge"}},
    "Charge": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {{"FunctionName": "{charge}", "Payload.$": "$.order"}}, "Next": "BookCarrier"}},
    "BookCarrier": {{"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
      "Parameters": {{"ApiEndpoint": "https://api.carrier.example/v2/shipments", "Method": "POST",
        "Headers": {{"CarrierApiKey": "{key}"}}, "RequestBody.$": "$.shipment"}}, "Next": "Notify"}},
    "Notify": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Parameters": {{"FunctionName": "{notify}", "Payload.$": "$"}}, "End": true}}
  }}
}}"#,
        reserve = function_arn(EUW1, "inventory-reserve"),
        charge = function_arn(USE1, "payments-charge"),
        notify = function_arn(USE1, "notifications-email"),
        key = FAKE_CARRIER_API_KEY,
    );
    let refunds = format!(
        r#"{{
  "QueryLanguage": "JSONata",
  "StartAt": "Review",
  "States": {{
    "Review": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
      "Arguments": {{"FunctionName": "{refund}",
        "Payload": {{"order": "{{% $states.input.order %}}", "ApiKey": "{{% $states.input.apiKey %}}",
          "SecretId": "{secret}"}}}}, "End": true}}
  }}
}}"#,
        refund = function_arn(USE1, "payments-refund"),
        secret = secret_arn(USE1, "prod/payments/stripe", "AbCdEf"),
    );
    vec![
        StateMachine {
            arn: machine_arn(USE1, "order-fulfilment"),
            name: "order-fulfilment".into(),
            region: USE1.into(),
            kind: MachineType::Standard,
            described: Ok(crate::domain::workflows::machine_config(
                role_arn("order-fulfilment-sfn-role"),
                fulfilment,
                MachineLogLevel::Off,
                false,
            )),
        },
        StateMachine {
            arn: machine_arn(USE1, "refund-review"),
            name: "refund-review".into(),
            region: USE1.into(),
            kind: MachineType::Express,
            described: Ok(crate::domain::workflows::machine_config(
                role_arn("refund-review-sfn-role"),
                refunds,
                MachineLogLevel::All,
                true,
            )),
        },
    ]
}

pub(super) fn roles() -> Vec<(String, Fetched<Role>)> {
    vec![
        role(
            "order-fulfilment-sfn-role",
            vec![inline(
                "fulfilment",
                &[
                    format!(
                        r#"{{"Sid":"Tasks","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":["{}","{}","{}"]}}"#,
                        function_arn(EUW1, "inventory-reserve"),
                        function_arn(USE1, "payments-charge"),
                        function_arn(USE1, "notifications-email"),
                    ),
                    // Left over from the pipeline that deployed it.
                    r#"{"Sid":"Deploy","Effect":"Allow","Action":["states:CreateStateMachine","states:UpdateStateMachine","iam:PassRole"],"Resource":"*"}"#.to_string(),
                ],
            )],
        ),
        role(
            "refund-review-sfn-role",
            vec![inline(
                "review",
                &[
                    LOGS_STATEMENT.to_string(),
                    format!(
                        r#"{{"Sid":"Task","Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"{}"}}"#,
                        function_arn(USE1, "payments-refund")
                    ),
                ],
            )],
        ),
    ]
}
