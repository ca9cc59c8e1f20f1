use super::*;
use crate::aws::fake::*;
use crate::domain::collection::CollectionState;
use crate::domain::inventory::ListFailure;
use serde_json::{Value, json};
use std::sync::atomic::Ordering;
use time::macros::datetime;

fn arn(name: &str) -> String {
    format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-AbCdEf")
}

fn entry(name: &str) -> Value {
    json!({"ARN": arn(name), "Name": name, "CreatedDate": 1_700_000_000})
}

/// Two listing pages: `plain` and `rotating` on the first, `cmk` on the second.
fn two_pages(op: &str, body: &Value) -> Option<(u16, String)> {
    if op != "ListSecrets" {
        return None;
    }
    let page = if body.get("NextToken").is_none() {
        json!({"SecretList": [entry("plain"), {
                "ARN": arn("rotating"), "Name": "rotating",
                "RotationEnabled": true,
                "RotationLambdaARN": "arn:aws:lambda:eu-west-1:123456789012:function:rotator",
                "RotationRules": {"AutomaticallyAfterDays": 30},
                "CreatedDate": 1_700_000_000,
                "LastRotatedDate": 1_710_000_000.5,
                "LastAccessedDate": 1_720_000_000,
                "NextRotationDate": 1_712_592_000,
                "KmsKeyId": null
            }], "NextToken": "page-2"})
    } else {
        assert_eq!(body["NextToken"], "page-2");
        json!({"SecretList": [{
            "ARN": arn("cmk"), "Name": "cmk",
            "KmsKeyId": "alias/payments", "CreatedDate": 1_700_000_000
        }]})
    };
    Some((200, page.to_string()))
}

async fn run(fake: &FakeAws) -> (Collected, u64) {
    let config = sdk_config(fake.clone(), REGION);
    let shared = shared(&config);
    let collected = collect(&shared, &clients(&config)).await;
    (collected, shared.calls.load(Ordering::Relaxed))
}

#[tokio::test]
async fn lists_every_page_and_reads_each_policy_once() {
    let fake = FakeAws::new(|op, body| {
        two_pages(op, body).unwrap_or_else(|| {
                assert_eq!(op, "GetResourcePolicy");
                let id = body["SecretId"].as_str().unwrap();
                let policy = if id.contains(":secret:cmk-") {
                    json!({"ARN": id, "Name": "cmk", "ResourcePolicy": "{\"Version\":\"2012-10-17\",\"Statement\":[]}"})
                } else {
                    // No policy: moto and AWS leave ResourcePolicy out (or null).
                    json!({"ARN": id, "Name": "x", "ResourcePolicy": null})
                };
                (200, policy.to_string())
            })
    });
    let (collected, calls) = run(&fake).await;
    assert_eq!(collected.state(), CollectionState::Ok);
    assert_eq!(collected.inventory.regions, vec![REGION.to_string()]);
    let secrets = &collected.inventory.secrets;
    let names: Vec<&str> = secrets.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["plain", "rotating", "cmk"], "listing order kept");

    let plain = &secrets[0];
    assert_eq!(plain.arn, arn("plain"));
    assert_eq!(plain.region, REGION);
    assert_eq!(plain.kms_key_id, None);
    assert_eq!(plain.rotation_enabled, None);
    assert_eq!(plain.created, Some(datetime!(2023-11-14 22:13:20 UTC)));
    assert_eq!(plain.last_rotated, None);
    assert_eq!(plain.policy, Ok(None));

    let rotating = &secrets[1];
    assert_eq!(rotating.rotation_enabled, Some(true));
    assert_eq!(rotating.rotation_days, Some(30));
    assert_eq!(
        rotating.rotation_lambda_arn.as_deref(),
        Some("arn:aws:lambda:eu-west-1:123456789012:function:rotator")
    );
    assert_eq!(
        rotating.last_rotated,
        Some(datetime!(2024-03-09 16:00:00.5 UTC)),
        "fractional epoch seconds keep their fraction"
    );
    assert_eq!(
        rotating.last_accessed,
        Some(datetime!(2024-07-03 09:46:40 UTC))
    );
    assert_eq!(
        rotating.next_rotation,
        Some(datetime!(2024-04-08 16:00 UTC))
    );
    assert_eq!(rotating.kms_key_id, None, "explicit JSON null is no key");

    let cmk = &secrets[2];
    assert_eq!(cmk.kms_key_id.as_deref(), Some("alias/payments"));
    assert_eq!(
        cmk.policy,
        Ok(Some("{\"Version\":\"2012-10-17\",\"Statement\":[]}".into()))
    );

    // Two listing pages + one policy call per secret, by ARN.
    assert_eq!(calls, 5);
    assert_eq!(fake.bodies("ListSecrets").len(), 2);
    assert_eq!(fake.bodies("ListSecrets")[0]["MaxResults"], 100);
    let mut policy_ids: Vec<String> = fake
        .bodies("GetResourcePolicy")
        .iter()
        .map(|b| b["SecretId"].as_str().unwrap().to_string())
        .collect();
    policy_ids.sort();
    assert_eq!(policy_ids, [arn("cmk"), arn("plain"), arn("rotating")]);
}

#[tokio::test]
async fn never_reads_secret_values() {
    let fake = FakeAws::new(|op, body| {
        two_pages(op, body).unwrap_or_else(|| (200, json!({"ARN": "x"}).to_string()))
    });
    let (collected, _) = run(&fake).await;
    assert_eq!(collected.inventory.secrets.len(), 3);
    let mut ops = fake.operations();
    ops.sort();
    ops.dedup();
    assert_eq!(
        ops,
        ["GetResourcePolicy", "ListSecrets"],
        "only these two operations are sent"
    );
    for action in ACTIONS {
        assert_eq!(action.split(':').next(), Some("secretsmanager"), "{action}");
        assert!(
            !action.contains("SecretValue"),
            "{action} would read secret values"
        );
    }
    assert_eq!(ACTIONS, [LIST_SECRETS, GET_RESOURCE_POLICY]);
}

#[tokio::test]
async fn denied_policy_is_an_unknown_reason_on_that_secret_only() {
    let fake = FakeAws::new(|op, body| {
        two_pages(op, body).unwrap_or_else(|| {
            let id = body["SecretId"].as_str().unwrap();
            if id.contains(":secret:rotating-") {
                (403, xml_access_denied("secretsmanager:GetResourcePolicy"))
            } else {
                (200, json!({"ARN": id}).to_string())
            }
        })
    });
    let (collected, _) = run(&fake).await;
    let secrets = &collected.inventory.secrets;
    assert_eq!(secrets.len(), 3);
    assert_eq!(secrets[0].policy, Ok(None));
    assert_eq!(
        secrets[1].policy,
        Err("AccessDenied: missing secretsmanager:GetResourcePolicy".into())
    );
    assert_eq!(secrets[2].policy, Ok(None));
    assert_eq!(collected.state(), CollectionState::Partial);
    assert_eq!(
        collected.error().as_deref(),
        Some("AccessDenied: missing secretsmanager:GetResourcePolicy")
    );
    assert!(collected.inventory.list_failures.is_empty());
}

#[tokio::test]
async fn failed_listing_is_a_list_failure() {
    let fake = FakeAws::new(|op, _| {
        assert_eq!(op, "ListSecrets");
        (403, xml_access_denied("secretsmanager:ListSecrets"))
    });
    let (collected, calls) = run(&fake).await;
    assert_eq!(calls, 1);
    assert!(collected.inventory.secrets.is_empty());
    assert_eq!(collected.state(), CollectionState::Failed);
    assert_eq!(
        collected.inventory.list_failures,
        vec![ListFailure {
            service: Service::SecretsManager,
            area: crate::domain::inventory::Area::Secrets,
            region: REGION.into(),
            call: "secretsmanager:ListSecrets".into(),
            reason: "AccessDenied: missing secretsmanager:ListSecrets".into(),
        }]
    );
}

#[tokio::test]
async fn a_failure_on_a_later_page_keeps_the_earlier_pages() {
    let fake = FakeAws::new(|op, body| match op {
        "ListSecrets" if body.get("NextToken").is_some() => (
            400,
            json!({"__type": "InvalidNextTokenException", "message": "bad token"}).to_string(),
        ),
        "ListSecrets" => two_pages(op, body).unwrap(),
        _ => (200, json!({"ARN": body["SecretId"]}).to_string()),
    });
    let (collected, _) = run(&fake).await;
    let names: Vec<&str> = collected
        .inventory
        .secrets
        .iter()
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, ["plain", "rotating"]);
    assert_eq!(collected.state(), CollectionState::Failed);
    let failure = &collected.inventory.list_failures[0];
    assert_eq!(failure.call, LIST_SECRETS);
    assert_eq!(
        failure.reason,
        "InvalidNextTokenException: bad token".into()
    );
}

#[tokio::test]
async fn empty_region_sends_one_request() {
    let fake = FakeAws::new(|_, _| (200, json!({"SecretList": []}).to_string()));
    let (collected, calls) = run(&fake).await;
    assert_eq!(calls, 1);
    assert!(collected.inventory.secrets.is_empty());
    assert_eq!(collected.state(), CollectionState::Ok);
}

/// Recorded exchange: one secret, whose GetResourcePolicy answer has no ResourcePolicy.
#[tokio::test]
async fn recorded_secret_without_policy_is_ok_none() {
    use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
    use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
    use aws_smithy_runtime_api::http::StatusCode;
    use aws_smithy_types::body::SdkBody;

    fn request(target: &str, body: Value) -> HttpRequest {
        let mut req = HttpRequest::new(SdkBody::from(body.to_string()));
        req.set_uri(format!("https://secretsmanager.{REGION}.amazonaws.com/"))
            .unwrap();
        req.headers_mut().insert("x-amz-target", target.to_string());
        req
    }
    fn ok(body: Value) -> HttpResponse {
        let mut res = HttpResponse::new(
            StatusCode::try_from(200).unwrap(),
            SdkBody::from(body.to_string()),
        );
        res.headers_mut()
            .insert("content-type", "application/x-amz-json-1.1");
        res
    }
    let replay = StaticReplayClient::new(vec![
        ReplayEvent::new(
            request("secretsmanager.ListSecrets", json!({"MaxResults": 100})),
            ok(json!({"SecretList": [entry("db")]})),
        ),
        ReplayEvent::new(
            request(
                "secretsmanager.GetResourcePolicy",
                json!({"SecretId": arn("db")}),
            ),
            ok(json!({"ARN": arn("db"), "Name": "db"})),
        ),
    ]);
    let config = sdk_config(replay.clone(), REGION);
    let shared = shared(&config);
    let collected = collect(&shared, &clients(&config)).await;
    replay.relaxed_requests_match();
    assert_eq!(collected.inventory.secrets.len(), 1);
    assert_eq!(collected.inventory.secrets[0].policy, Ok(None));
    assert_eq!(collected.state(), CollectionState::Ok);
}

#[test]
fn sdk_dates_convert_exactly() {
    let d = aws_smithy_types::DateTime::from_secs_and_nanos(1_700_000_000, 250_000_000);
    assert_eq!(
        to_time(Some(&d)),
        Some(datetime!(2023-11-14 22:13:20.25 UTC))
    );
    assert_eq!(to_time(None), None);
}
