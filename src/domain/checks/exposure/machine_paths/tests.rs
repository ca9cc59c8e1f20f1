//! Unit tests of exposure.public-entry-privileged-state-machine: an open HTTP route or a
//! public bus rule that starts a machine with a privileged role (or a privileged task
//! function) fails with the path; an authenticated route passes; unread entries are unknown.

use std::sync::Arc;

use super::*;
use crate::domain::failure::Failure;
use crate::domain::finding::Status;
use crate::domain::inventory::{
    Bus, BusRule, Function, Integration, Role, RolePolicy, Route, V2Api,
};

const ACCOUNT: &str = "111122223333";
const REGION: &str = "us-east-1";

fn machine_arn(name: &str) -> String {
    format!("arn:aws:states:{REGION}:{ACCOUNT}:stateMachine:{name}")
}

fn machine(name: &str, role: &str, task_function: &str) -> Arc<StateMachine> {
    let definition = format!(
        r#"{{"StartAt":"T","States":{{"T":{{"Type":"Task","Resource":"arn:aws:states:::lambda:invoke","Parameters":{{"FunctionName":"{task_function}"}},"End":true}}}}}}"#
    );
    Arc::new(StateMachine {
        arn: machine_arn(name),
        name: name.into(),
        region: REGION.into(),
        kind: Default::default(),
        described: Ok(crate::domain::workflows::machine_config(
            format!("arn:aws:iam::{ACCOUNT}:role/{role}"),
            definition,
            Default::default(),
            false,
        )),
    })
}

fn role(name: &str, statement: &str) -> (String, Arc<Result<Role, Failure>>) {
    let arn = format!("arn:aws:iam::{ACCOUNT}:role/{name}");
    (
        arn.clone(),
        Arc::new(Ok(Role {
            arn,
            name: name.into(),
            policies: vec![RolePolicy {
                name: "p".into(),
                arn: None,
                document: Ok(format!(
                    r#"{{"Version":"2012-10-17","Statement":[{statement}]}}"#
                )),
            }],
        })),
    )
}

/// An HTTP API whose `POST /<machine>` route (authorized as given) starts each machine.
fn http_api(machines: &[(&str, &str)]) -> Arc<V2Api> {
    Arc::new(V2Api {
        name: "shop-http".into(),
        region: REGION.into(),
        routes: Ok(machines
            .iter()
            .map(|(m, auth)| Route {
                id: format!("r-{m}"),
                route_key: format!("POST /{m}"),
                authorization_type: (*auth).into(),
                authorizer_id: None,
                target: Some(format!("integrations/i-{m}")),
            })
            .collect()),
        integrations: Ok(machines
            .iter()
            .map(|(m, _)| Integration {
                id: format!("i-{m}"),
                integration_type: "AWS_PROXY".into(),
                started_machine: Some(machine_arn(m)),
                ..Default::default()
            })
            .collect()),
        ..Default::default()
    })
}

fn inventory() -> Inventory {
    Inventory {
        account_id: ACCOUNT.into(),
        functions: vec![
            Arc::new(Function {
                name: "charge".into(),
                arn: format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:charge"),
                region: REGION.into(),
                role_arn: format!("arn:aws:iam::{ACCOUNT}:role/admin"),
                ..Default::default()
            }),
            Arc::new(Function {
                name: "ship".into(),
                arn: format!("arn:aws:lambda:{REGION}:{ACCOUNT}:function:ship"),
                region: REGION.into(),
                role_arn: format!("arn:aws:iam::{ACCOUNT}:role/scoped"),
                ..Default::default()
            }),
        ],
        state_machines: vec![
            // Privileged itself.
            machine("maker", "machine-maker", "ship"),
            // Scoped itself, but its task runs as an administrator.
            machine("charger", "scoped", "charge"),
            // Scoped all the way.
            machine("shipper", "scoped", "ship"),
            // Privileged, but only an authenticated route starts it.
            machine("internal", "machine-maker", "ship"),
            // Started by a rule on a public bus.
            machine("evented", "machine-maker", "ship"),
        ],
        v2_apis: vec![http_api(&[
            ("maker", "NONE"),
            ("charger", "NONE"),
            ("shipper", "NONE"),
            ("internal", "AWS_IAM"),
        ])],
        buses: vec![Arc::new(Bus {
            name: "partners".into(),
            arn: format!("arn:aws:events:{REGION}:{ACCOUNT}:event-bus/partners"),
            region: REGION.into(),
            policy: Ok(Some(
                r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"events:PutEvents","Resource":"*"}]}"#.into(),
            )),
            rules: vec![BusRule {
                name: "start-evented".into(),
                machine_arns: vec![machine_arn("evented")],
                ..Default::default()
            }],
        })],
        roles: [
            role(
                "machine-maker",
                r#"{"Effect":"Allow","Action":["states:CreateStateMachine","iam:PassRole"],"Resource":"*"}"#,
            ),
            role("scoped", r#"{"Effect":"Allow","Action":"dynamodb:GetItem","Resource":"*"}"#),
            role("admin", r#"{"Effect":"Allow","Action":"*","Resource":"*"}"#),
        ]
        .into_iter()
        .collect(),
        ..Inventory::default()
    }
}

fn findings(inv: &Inventory) -> Vec<(String, Status, String)> {
    let def = &CHECKS[0];
    let ctx = Context::new(time::OffsetDateTime::UNIX_EPOCH);
    (def.evaluate)(def, inv, &ctx)
        .into_iter()
        .map(|f| (f.resource_name.to_string(), f.status, f.message.to_string()))
        .collect()
}

#[test]
fn open_entries_into_privileged_machines_fail_with_the_path() {
    let got = findings(&inventory());
    let status: Vec<(&str, Status)> = got.iter().map(|(n, s, _)| (n.as_str(), *s)).collect();
    assert_eq!(
        status,
        [
            ("maker", Status::Fail),
            ("charger", Status::Fail),
            ("shipper", Status::Pass),
            ("internal", Status::Pass),
            ("evented", Status::Fail),
        ],
        "{got:#?}"
    );
    assert!(got[0].2.starts_with("HTTP shop-http POST /maker (NONE) → state machine maker → role machine-maker → create a state machine with any role"), "{}", got[0].2);
    assert!(
        got[1].2.contains("task T → function charge → role admin"),
        "{}",
        got[1].2
    );
    assert!(
        got[4].2.contains("EventBridge bus partners"),
        "{}",
        got[4].2
    );
}

#[test]
fn unread_entries_are_unknown_never_pass() {
    let mut inv = inventory();
    Arc::make_mut(&mut inv.v2_apis[0]).routes = Err("AccessDenied: apigateway:GET".into());
    let got = findings(&inv);
    // No other entry reaches them: undecided.
    assert_eq!(got[2].1, Status::Unknown, "{got:#?}");
    assert_eq!(got[3].1, Status::Unknown, "{got:#?}");
    // The buses could not be listed: a machine no open route starts is undecided.
    let mut inv = inventory();
    inv.list_failures
        .push(crate::domain::inventory::ListFailure {
            service: Service::EventBridge,
            area: Area::Triggers,
            region: REGION.into(),
            call: "events:ListEventBuses".into(),
            reason: Failure::parse("AccessDenied: events:ListEventBuses"),
        });
    let got = findings(&inv);
    assert_eq!(got[3].1, Status::Unknown, "{got:#?}");
    assert_eq!(
        got[0].1,
        Status::Fail,
        "an open route still decides: {got:#?}"
    );
}
