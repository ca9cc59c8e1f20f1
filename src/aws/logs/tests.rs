//! The logs area on recorded CloudWatch Logs exchanges: one paginated listing under
//! `/aws/lambda/`, one lookup per custom group, nothing for a region without functions.

use std::sync::Arc;

use super::*;
use crate::aws::fake::*;
use crate::domain::inventory::Function;
use serde_json::{Value, json};

fn function(name: &str, log_group: Option<&str>) -> Arc<Function> {
    Arc::new(Function {
        name: name.into(),
        region: REGION.into(),
        log_group: log_group.map(str::to_string),
        ..Default::default()
    })
}

fn answer(op: &str, body: &Value) -> (u16, String) {
    assert_eq!(op, "DescribeLogGroups");
    let out = match (body["logGroupNamePrefix"].as_str(), body.get("nextToken")) {
        (Some("/aws/lambda/"), None) => json!({"logGroups": [
            {"logGroupName": "/aws/lambda/kept", "retentionInDays": 30},
            {"logGroupName": "/aws/lambda/other-function", "retentionInDays": 1}],
            "nextToken": "p2"}),
        (Some("/aws/lambda/"), Some(_)) => json!({"logGroups": [
            {"logGroupName": "/aws/lambda/forever"}]}),
        (Some("/shop/custom"), _) => json!({"logGroups": [
            {"logGroupName": "/shop/custom", "retentionInDays": 14},
            {"logGroupName": "/shop/custom-old"}]}),
        other => panic!("unexpected request {other:?}"),
    };
    (200, out.to_string())
}

#[tokio::test]
async fn reads_the_lambda_groups_once_and_each_custom_group_by_name() {
    let fake = FakeAws::new(answer);
    let config = sdk_config(fake.clone(), REGION);
    let shared = shared(&config);
    let current = Inventory {
        functions: vec![
            function("kept", None),
            function("forever", None),
            function("missing", None),
            function("custom", Some("/shop/custom")),
        ],
        ..Inventory::default()
    };
    let collected = collect(&shared, &region_clients(&config, REGION), &current).await;
    assert_eq!(
        fake.operations().len(),
        3,
        "two pages and one custom lookup"
    );
    let groups = collected.inventory.log_groups[REGION]
        .as_ref()
        .expect("read");
    let got: Vec<(&str, Option<i32>)> = groups
        .iter()
        .map(|g| (g.name.as_str(), g.retention_days))
        .collect();
    // Only the groups the functions use; the look-alike prefix match is dropped.
    assert_eq!(
        got,
        [
            ("/aws/lambda/kept", Some(30)),
            ("/aws/lambda/forever", None),
            ("/shop/custom", Some(14))
        ]
    );
}

#[tokio::test]
async fn a_denied_listing_marks_the_region_unread_and_no_functions_means_no_request() {
    let fake = FakeAws::new(|_, _| {
        (
            400,
            json!({"__type": "AccessDeniedException", "message": "no"}).to_string(),
        )
    });
    let config = sdk_config(fake.clone(), REGION);
    let shared = shared(&config);
    let current = Inventory {
        functions: vec![function("kept", None)],
        ..Inventory::default()
    };
    let collected = collect(&shared, &region_clients(&config, REGION), &current).await;
    assert!(collected.inventory.log_groups[REGION].is_err());
    assert_eq!(collected.inventory.list_failures.len(), 1);
    assert_eq!(collected.inventory.list_failures[0].service, Service::Logs);

    let empty = collect(
        &shared,
        &region_clients(&config, "us-west-2"),
        &Inventory::default(),
    )
    .await;
    assert_eq!(
        fake.operations().len(),
        1,
        "nothing asked without functions"
    );
    assert_eq!(empty.inventory.log_groups["us-west-2"], Ok(vec![]));
}
