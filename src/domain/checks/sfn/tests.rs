//! Unit tests of the Step Functions checks: pass, fail, unknown per check, and the traps of a
//! definition (JSONata expressions, JSONPath fields and Secrets Manager ARNs are not secrets).

use std::sync::Arc;

use super::*;
use crate::domain::failure::Failure;
use crate::domain::finding::Status;
use crate::domain::inventory::{Role, RolePolicy};
use crate::domain::values::MachineType;

const ACCOUNT: &str = "111122223333";

fn machine(name: &str, config: Result<MachineConfig, Failure>) -> StateMachine {
    StateMachine {
        arn: format!("arn:aws:states:us-east-1:{ACCOUNT}:stateMachine:{name}"),
        name: name.into(),
        region: "us-east-1".into(),
        kind: MachineType::Standard,
        described: config,
    }
}

fn config(definition: &str, log_level: &str, tracing: bool, role: &str) -> MachineConfig {
    crate::domain::workflows::machine_config(
        format!("arn:aws:iam::{ACCOUNT}:role/{role}"),
        definition.into(),
        MachineLogLevel::parse(log_level),
        tracing,
    )
}

fn role(name: &str, statements: &str) -> (String, Arc<Result<Role, Failure>>) {
    let arn = format!("arn:aws:iam::{ACCOUNT}:role/{name}");
    (
        arn.clone(),
        Arc::new(Ok(Role {
            arn,
            name: name.into(),
            policies: vec![RolePolicy {
                name: "tasks".into(),
                arn: None,
                document: Ok(format!(
                    r#"{{"Version":"2012-10-17","Statement":[{statements}]}}"#
                )),
            }],
        })),
    )
}

fn inventory(machines: Vec<StateMachine>) -> Inventory {
    Inventory {
        account_id: ACCOUNT.into(),
        regions: vec!["us-east-1".into()],
        state_machines: machines.into_iter().map(Arc::new).collect(),
        roles: [
            role(
                "scoped",
                r#"{"Effect":"Allow","Action":"lambda:InvokeFunction","Resource":"arn:aws:lambda:us-east-1:111122223333:function:ship"}"#,
            ),
            role(
                "machine-maker",
                r#"{"Effect":"Allow","Action":["states:CreateStateMachine","iam:PassRole"],"Resource":"*"}"#,
            ),
            role(
                "admin",
                r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#,
            ),
        ]
        .into_iter()
        .collect(),
        ..Inventory::default()
    }
}

fn statuses(id: &str, inv: &Inventory) -> Vec<(String, Status)> {
    let def = CHECKS.iter().find(|c| c.id == id).expect("the check");
    let ctx = Context::new(time::OffsetDateTime::UNIX_EPOCH);
    (def.evaluate)(def, inv, &ctx)
        .into_iter()
        .map(|f| (f.resource_name.to_string(), f.status))
        .collect()
}

const PLAIN: &str = r#"{"StartAt":"Ship","States":{"Ship":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{"FunctionName":"arn:aws:lambda:us-east-1:111122223333:function:ship","Payload.$":"$"},"End":true}}}"#;

#[test]
fn logging_and_tracing_pass_fail_and_unknown() {
    let inv = inventory(vec![
        machine("logged", Ok(config(PLAIN, "ERROR", true, "scoped"))),
        machine("silent", Ok(config(PLAIN, "OFF", false, "scoped"))),
        machine("unset", Ok(config(PLAIN, "", false, "scoped"))),
        machine(
            "denied",
            Err(Failure::parse("AccessDenied: states:DescribeStateMachine")),
        ),
    ]);
    assert_eq!(
        statuses("sfn.logging-off", &inv),
        vec![
            ("logged".into(), Status::Pass),
            ("silent".into(), Status::Fail),
            ("unset".into(), Status::Fail),
            ("denied".into(), Status::Unknown),
        ]
    );
    assert_eq!(
        statuses("sfn.no-tracing", &inv),
        vec![
            ("logged".into(), Status::Pass),
            ("silent".into(), Status::Fail),
            ("unset".into(), Status::Fail),
            ("denied".into(), Status::Unknown),
        ]
    );
    // A logging level this version does not know is not a pass.
    let newer = inventory(vec![machine(
        "newer",
        Ok(config(PLAIN, "VERBOSE", true, "scoped")),
    )]);
    assert_eq!(
        statuses("sfn.logging-off", &newer),
        vec![("newer".into(), Status::Unknown)]
    );
}

#[test]
fn a_literal_credential_fails_and_references_do_not() {
    let literal = r#"{"StartAt":"Notify","States":{"Notify":{"Type":"Task","Resource":"arn:aws:states:::http:invoke","Parameters":{"ApiEndpoint":"https://api.example.com","Headers":{"Authorization":"Bearer ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"},"Method":"POST"},"End":true}}}"#;
    let references = r#"{"QueryLanguage":"JSONata","StartAt":"Charge","States":{"Charge":{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Arguments":{"FunctionName":"arn:aws:lambda:us-east-1:111122223333:function:charge","Payload":{"ApiKey":"{% $states.input.apiKey %}","Password":"{% $secret %}","SecretId":"arn:aws:secretsmanager:us-east-1:111122223333:secret:stripe-AbCdEf","Token.$":"$.token"}},"End":true}}}"#;
    let assigned = r#"{"StartAt":"Init","States":{"Init":{"Type":"Pass","Result":{"db_password":"Zq8vR2mX4tL9pK7wQ3nB"},"End":true}}}"#;
    let inv = inventory(vec![
        machine("literal", Ok(config(literal, "ALL", true, "scoped"))),
        machine("references", Ok(config(references, "ALL", true, "scoped"))),
        machine("pass-state", Ok(config(assigned, "ALL", true, "scoped"))),
        machine("broken", Ok(config("{not json", "ALL", true, "scoped"))),
        machine(
            "denied",
            Err(Failure::parse("AccessDenied: states:DescribeStateMachine")),
        ),
    ]);
    assert_eq!(
        statuses("sfn.secrets-in-definition", &inv),
        vec![
            ("literal".into(), Status::Fail),
            ("references".into(), Status::Pass),
            ("pass-state".into(), Status::Fail),
            ("broken".into(), Status::Unknown),
            ("denied".into(), Status::Unknown),
        ]
    );
    let found = definition_secrets(literal).expect("JSON");
    assert_eq!(
        found,
        vec![DefinitionSecret {
            path: "States.Notify.Parameters.Headers.Authorization".into(),
            detector: "github-token",
            masked: "ghp_****".into(),
        }]
    );
    // No finding carries the value.
    let def = CHECKS
        .iter()
        .find(|c| c.id == "sfn.secrets-in-definition")
        .unwrap();
    let findings = (def.evaluate)(def, &inv, &Context::new(time::OffsetDateTime::UNIX_EPOCH));
    let text = format!("{findings:?}");
    assert!(!text.contains("aBcDeFgHiJkLmNoPqRsTuVwXyZ"), "{text}");
    assert!(!text.contains("Zq8vR2mX4tL9pK7wQ3nB"), "{text}");
}

#[test]
fn privileged_roles_fail_scoped_ones_pass_and_missing_ones_are_unknown() {
    let inv = inventory(vec![
        machine("scoped", Ok(config(PLAIN, "ALL", true, "scoped"))),
        machine("maker", Ok(config(PLAIN, "ALL", true, "machine-maker"))),
        machine("admin", Ok(config(PLAIN, "ALL", true, "admin"))),
        machine("elsewhere", Ok(config(PLAIN, "ALL", true, "not-collected"))),
        machine(
            "denied",
            Err(Failure::parse("AccessDenied: states:DescribeStateMachine")),
        ),
    ]);
    assert_eq!(
        statuses("sfn.privileged-role", &inv),
        vec![
            ("scoped".into(), Status::Pass),
            ("maker".into(), Status::Fail),
            ("admin".into(), Status::Fail),
            ("elsewhere".into(), Status::Unknown),
            ("denied".into(), Status::Unknown),
        ]
    );
    let def = CHECKS
        .iter()
        .find(|c| c.id == "sfn.privileged-role")
        .unwrap();
    let findings = (def.evaluate)(def, &inv, &Context::new(time::OffsetDateTime::UNIX_EPOCH));
    let maker = &findings[1];
    assert!(
        maker
            .message
            .contains("create a state machine with any role"),
        "{}",
        maker.message
    );
}

#[test]
fn no_state_machines_no_findings() {
    assert!(statuses("sfn.logging-off", &inventory(Vec::new())).is_empty());
}
