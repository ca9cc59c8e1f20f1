//! Unit tests of lambda.log-retention-unset: a retention passes, none or no group fails, a
//! region not read (or denied) is unknown, a custom LoggingConfig group is the one judged.

use std::sync::Arc;

use super::*;
use crate::domain::failure::Failure;
use crate::domain::finding::Status;
use crate::domain::inventory::{Function, LogGroup};

fn function(name: &str, region: &str, log_group: Option<&str>) -> Arc<Function> {
    Arc::new(Function {
        name: name.into(),
        arn: format!("arn:aws:lambda:{region}:111122223333:function:{name}"),
        region: region.into(),
        log_group: log_group.map(str::to_string),
        ..Default::default()
    })
}

fn group(name: &str, retention_days: Option<i32>) -> LogGroup {
    LogGroup {
        name: name.into(),
        retention_days,
    }
}

#[test]
fn retention_set_passes_and_forever_or_missing_fails() {
    let inv = Inventory {
        account_id: "111122223333".into(),
        functions: vec![
            function("kept", "us-east-1", None),
            function("forever", "us-east-1", None),
            function("missing", "us-east-1", None),
            // Its own group: the default one (kept forever) does not matter.
            function("custom", "us-east-1", Some("/shop/custom")),
            function("unread", "eu-west-1", None),
            function("denied", "ap-south-1", None),
        ],
        log_groups: [
            (
                "us-east-1".to_string(),
                Ok(vec![
                    group("/aws/lambda/kept", Some(30)),
                    group("/aws/lambda/forever", None),
                    group("/aws/lambda/custom", None),
                    group("/shop/custom", Some(14)),
                ]),
            ),
            (
                "ap-south-1".to_string(),
                Err(Failure::parse("AccessDenied: logs:DescribeLogGroups")),
            ),
        ]
        .into_iter()
        .collect(),
        ..Inventory::default()
    };
    let def = &CHECKS[0];
    let ctx = Context::new(time::OffsetDateTime::UNIX_EPOCH);
    let got: Vec<(String, Status)> = (def.evaluate)(def, &inv, &ctx)
        .into_iter()
        .map(|f| (f.resource_name.to_string(), f.status))
        .collect();
    let want: Vec<(String, Status)> = [
        ("kept", Status::Pass),
        ("forever", Status::Fail),
        ("missing", Status::Fail),
        ("custom", Status::Pass),
        ("unread", Status::Unknown),
        ("denied", Status::Unknown),
    ]
    .iter()
    .map(|(n, s)| (n.to_string(), *s))
    .collect();
    assert_eq!(got, want);
}
