use std::sync::atomic::Ordering;

use super::*;
use crate::aws::fake::{self as testing, ACCOUNT, Reply, Router, Seen};
use crate::domain::collection::CollectionState;
use crate::domain::inventory::{Function, FunctionUrl};

fn function(name: &str, region: &str, auth: Option<&str>) -> Function {
    Function {
        name: name.into(),
        arn: format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"),
        region: region.into(),
        url: Ok(auth.map(|a| FunctionUrl {
            url: format!("https://{name}.lambda-url.{region}.on.aws/"),
            auth_type: a.into(),
            ..FunctionUrl::default()
        })),
        ..Function::default()
    }
}

/// us-east-1: `open` and `capped` have public URLs, `signed` needs IAM auth, `internal`
/// has no URL; `far` is public but in another region.
fn current() -> Inventory {
    Inventory {
        account_id: ACCOUNT.into(),
        regions: vec!["us-east-1".into(), "eu-west-1".into()],
        functions: vec![
            function("open", "us-east-1", Some("NONE")).into(),
            function("capped", "us-east-1", Some("NONE")).into(),
            function("locked", "us-east-1", Some("NONE")).into(),
            function("signed", "us-east-1", Some("AWS_IAM")).into(),
            function("internal", "us-east-1", None).into(),
            function("far", "eu-west-1", Some("NONE")).into(),
        ],
        ..Inventory::default()
    }
}

fn plan(id: &str, stages: &str, throttle: &str) -> String {
    format!(r#"{{"id":"{id}","name":"plan {id}","apiStages":[{stages}]{throttle}}}"#)
}

fn route(s: &Seen) -> Reply {
    match s.path.as_str() {
        "/usageplans" => match s.query("position").as_deref() {
            None => Reply::json(&format!(
                r#"{{"item":[{},{}],"position":"p2"}}"#,
                plan(
                    "gold",
                    r#"{"apiId":"a1","stage":"prod"},{"apiId":"a2","stage":"dev"}"#,
                    r#","throttle":{"rateLimit":100.5,"burstLimit":200}"#
                ),
                plan(
                    "free",
                    r#"{"apiId":"a1","stage":"dev"}"#,
                    r#","throttle":null"#
                ),
            )),
            Some("p2") => Reply::json(&format!(
                r#"{{"item":[{}],"position":null}}"#,
                plan(
                    "bronze",
                    "",
                    r#","throttle":{"rateLimit":5.0,"burstLimit":10}"#
                )
            )),
            Some(_) => Reply::json_error(400, "BadRequestException"),
        },
        "/2019-09-30/functions/open/concurrency" => Reply::json("{}"),
        "/2019-09-30/functions/capped/concurrency" => {
            Reply::json(r#"{"ReservedConcurrentExecutions":25}"#)
        }
        "/2019-09-30/functions/locked/concurrency" => {
            Reply::denied_xml("lambda:GetFunctionConcurrency")
        }
        _ => Reply::json_error(404, "NotFoundException"),
    }
}

#[tokio::test]
async fn usage_plans_across_pages_and_concurrency_of_reachable_functions_only() {
    let router = Router::new(route);
    let config = testing::sdk_config(router.clone(), "us-east-1");
    let shared = testing::shared(&config);
    let clients = testing::region_clients(&config, "us-east-1");

    let collected = collect(&shared, &clients, &current()).await;
    let inv = &collected.inventory;
    assert_eq!(inv.regions, vec!["us-east-1".to_string()]);
    assert_eq!(inv.account_id, ACCOUNT);

    let plans = inv.usage_plans["us-east-1"].clone().expect("plans read");
    assert_eq!(
        plans,
        vec![
            UsagePlan {
                id: "gold".into(),
                name: "plan gold".into(),
                api_stages: vec![("a1".into(), "prod".into()), ("a2".into(), "dev".into())],
                throttle_rate_limit: Some(100.5),
                throttle_burst_limit: Some(200),
            },
            UsagePlan {
                id: "free".into(),
                name: "plan free".into(),
                api_stages: vec![("a1".into(), "dev".into())],
                throttle_rate_limit: None,
                throttle_burst_limit: None,
            },
            UsagePlan {
                id: "bronze".into(),
                name: "plan bronze".into(),
                api_stages: vec![],
                throttle_rate_limit: Some(5.0),
                throttle_burst_limit: Some(10),
            },
        ]
    );

    let arn = |name: &str| format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}");
    let reserved = &inv.reserved_concurrency["us-east-1"];
    assert_eq!(
        reserved.len(),
        3,
        "only the functions reachable without auth"
    );
    assert_eq!(reserved[&arn("open")], Ok(None));
    assert_eq!(reserved[&arn("capped")], Ok(Some(25)));
    assert_eq!(
        reserved[&arn("locked")],
        Err("AccessDenied: missing lambda:GetFunctionConcurrency".into())
    );
    assert_eq!(
        router.count(|s| s.path.ends_with("/concurrency")),
        3,
        "no call for signed, internal or the other region's function"
    );
    assert_eq!(router.count(|s| s.path == "/usageplans"), 2);
    assert_eq!(shared.calls.load(Ordering::Relaxed), 5);
    assert_eq!(collected.state(), CollectionState::Partial);
    assert_eq!(collected.failures.len(), 1);
}

#[tokio::test]
async fn a_denied_plan_listing_is_an_err_and_the_region_key_is_always_there() {
    let router = Router::new(|_: &Seen| Reply::denied_xml("apigateway:GET"));
    let config = testing::sdk_config(router.clone(), "eu-west-1");
    let shared = testing::shared(&config);
    let clients = testing::region_clients(&config, "eu-west-1");
    let nothing_public = Inventory {
        functions: vec![function("signed", "eu-west-1", Some("AWS_IAM")).into()],
        ..Inventory::default()
    };

    let collected = collect(&shared, &clients, &nothing_public).await;
    assert_eq!(
        collected.inventory.usage_plans.get("eu-west-1"),
        Some(&Err("AccessDenied: missing apigateway:GET".into()))
    );
    assert_eq!(
        collected.inventory.reserved_concurrency.get("eu-west-1"),
        Some(&BTreeMap::new()),
        "collected and empty: nothing reachable, nothing asked"
    );
    assert_eq!(router.requests().len(), 1);
    assert_eq!(collected.state(), CollectionState::Partial);
}

#[tokio::test]
async fn an_empty_region_has_empty_plans() {
    let router = Router::new(|s: &Seen| match s.path.as_str() {
        "/usageplans" => Reply::json(r#"{"item":[]}"#),
        _ => Reply::json_error(404, "NotFoundException"),
    });
    let config = testing::sdk_config(router.clone(), "us-east-1");
    let shared = testing::shared(&config);
    let clients = testing::region_clients(&config, "us-east-1");
    let collected = collect(&shared, &clients, &current()).await;
    // The public functions of us-east-1 are asked about even when no plan exists;
    // their 404s (deleted since the functions poll) are reasons, not silent defaults.
    assert_eq!(
        collected.inventory.usage_plans.get("us-east-1"),
        Some(&Ok(vec![]))
    );
    let reserved = &collected.inventory.reserved_concurrency["us-east-1"];
    assert_eq!(reserved.len(), 3);
    assert!(
        reserved
            .values()
            .all(|r| r.as_ref().is_err_and(|e| e.starts_with("NotFound")))
    );
}
