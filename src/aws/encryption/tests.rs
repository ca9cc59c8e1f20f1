use super::*;
use crate::aws::errors::FailureKind;
use crate::aws::fake::*;
use crate::domain::catalogue::Context;
use crate::domain::collection::CollectionState;
use crate::domain::finding::Status;
use crate::domain::inventory::{Function, Secret};
use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use serde_json::{Value, json};
use std::sync::Arc;
use std::sync::atomic::Ordering;

const CMK: &str = "1234abcd-12ab-34cd-56ef-1234567890ab";
const RSA: &str = "0987dcba-09fe-87dc-65ba-ab0987654321";
const AWS_SM: &str = "61e90bb4-446c-4ae8-9757-00eedb4b190f";
const POLICY: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"*","Resource":"*"}]}"#;

fn key_arn(id: &str) -> String {
    format!("arn:aws:kms:{REGION}:{ACCOUNT}:key/{id}")
}

fn function(name: &str, region: &str, key: Option<String>) -> Function {
    Function {
        name: name.into(),
        arn: format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"),
        region: region.into(),
        kms_key_arn: key,
        ..Default::default()
    }
}

fn secret(name: &str, key: Option<&str>) -> Secret {
    Secret {
        name: name.into(),
        arn: format!("arn:aws:secretsmanager:{REGION}:{ACCOUNT}:secret:{name}-AbCdEf"),
        region: REGION.into(),
        kms_key_id: key.map(str::to_string),
        ..Default::default()
    }
}

fn metadata(id: &str, spec: &str) -> Value {
    json!({"KeyMetadata": {
        "AWSAccountId": ACCOUNT, "KeyId": id, "Arn": key_arn(id),
        "Enabled": true, "KeyState": "Enabled", "KeyUsage": "ENCRYPT_DECRYPT",
        // moto says CUSTOMER even for the alias/aws/* keys.
        "KeyManager": "CUSTOMER", "KeySpec": spec, "CustomerMasterKeySpec": spec
    }})
}

/// A small account the way moto serves it: a customer key `alias/app` with rotation on, an
/// RSA signing key, and the secrets manager default key, whose ListAliases entry points at
/// a stale placeholder id until DescribeKey creates the key.
fn account(op: &str, body: &Value) -> (u16, String) {
    let key_of = |r: &str| -> Option<&str> {
        match r {
            "alias/app" => Some(CMK),
            r if r == CMK || r == key_arn(CMK) => Some(CMK),
            r if r == RSA || r == key_arn(RSA) => Some(RSA),
            "alias/aws/secretsmanager" => Some(AWS_SM),
            r if r == AWS_SM || r == key_arn(AWS_SM) => Some(AWS_SM),
            _ => None,
        }
    };
    let key = body["KeyId"].as_str().and_then(key_of);
    let v = match (op, key) {
        ("ListAliases", _) => json!({"Aliases": [
                {"AliasName": "alias/app", "AliasArn": format!("arn:aws:kms:{REGION}:{ACCOUNT}:alias/app"), "TargetKeyId": CMK},
                {"AliasName": "alias/app-old", "TargetKeyId": CMK},
                {"AliasName": "alias/aws/secretsmanager", "TargetKeyId": "fee5173a-placeholder"},
                {"AliasName": "alias/unused"}
            ], "Truncated": false}),
        ("DescribeKey", Some(id)) => metadata(
            id,
            if id == RSA {
                "RSA_2048"
            } else {
                "SYMMETRIC_DEFAULT"
            },
        ),
        ("GetKeyRotationStatus", Some(id)) => {
            json!({"KeyId": key_arn(id), "KeyRotationEnabled": id == CMK})
        }
        ("GetKeyPolicy", Some(_)) => {
            assert_eq!(body["PolicyName"], "default");
            json!({"Policy": POLICY, "PolicyName": "default"})
        }
        (_, None) => {
            return (
                    400,
                    json!({"__type": "NotFoundException", "message": format!("{} not found", body["KeyId"])})
                        .to_string(),
                );
        }
        (op, _) => panic!("unexpected operation {op}"),
    };
    (200, v.to_string())
}

fn current() -> Inventory {
    Inventory {
        functions: vec![
            function("pay", REGION, Some(key_arn(CMK))).into(),
            function("sign", REGION, Some(key_arn(RSA))).into(),
            function("plain", REGION, None).into(),
            function(
                "elsewhere",
                "us-east-1",
                Some("arn:aws:kms:us-east-1:123456789012:key/other".into()),
            )
            .into(),
        ],
        secrets: vec![
            secret("by-alias", Some("alias/app")).into(),
            secret("default-key", None).into(),
            secret("blank-key", Some("  ")).into(),
        ],
        ..Default::default()
    }
}

async fn run(fake: &FakeAws, current: &Inventory) -> (Collected, u64) {
    let config = sdk_config(fake.clone(), REGION);
    let shared = shared(&config);
    let collected = collect(&shared, &clients(&config), current).await;
    (collected, shared.calls.load(Ordering::Relaxed))
}

fn statuses(inv: &Inventory, check: &str) -> Vec<(String, Status)> {
    let def = crate::domain::checks::find(check).unwrap();
    let ctx = Context::new(time::macros::datetime!(2025-06-01 12:00 UTC));
    (def.evaluate)(def, inv, &ctx)
        .into_iter()
        .map(|f| (f.resource_name.to_string(), f.status))
        .collect()
}

#[test]
fn references_of_the_region_with_the_secrets_default() {
    let refs: Vec<String> = references(&current(), REGION).into_iter().collect();
    assert_eq!(
        refs,
        vec![
            "alias/app".to_string(),
            SECRETS_MANAGER_DEFAULT_KEY.into(),
            key_arn(RSA),
            key_arn(CMK)
        ]
    );
    assert!(references(&Inventory::default(), REGION).is_empty());
}

#[test]
fn alias_names_from_references() {
    assert_eq!(alias_name("alias/app"), Some("alias/app"));
    assert_eq!(
        alias_name("arn:aws:kms:eu-west-1:123456789012:alias/aws/lambda"),
        Some("alias/aws/lambda")
    );
    assert_eq!(alias_name(&key_arn(CMK)), None);
    assert_eq!(alias_name(CMK), None);
    assert_eq!(
        alias_name("arn:aws:kms:eu-west-1:123456789012:alias/"),
        None
    );
}

#[tokio::test]
async fn one_key_per_distinct_key_with_the_calls_it_needs() {
    let fake = FakeAws::new(account);
    let inv = current();
    let (collected, calls) = run(&fake, &inv).await;
    assert_eq!(
        collected.state(),
        CollectionState::Ok,
        "{:?}",
        collected.failures
    );
    let keys = &collected.inventory.keys;
    assert_eq!(keys.len(), 3, "{keys:#?}");

    // The CMK is referenced twice (ARN by a function, alias by a secret): one Key.
    let cmk = inv_key(keys, "alias/app");
    let d = cmk.details.as_ref().unwrap();
    assert_eq!(d.arn, key_arn(CMK));
    assert_eq!(d.id, CMK);
    assert_eq!(d.aliases, ["alias/app", "alias/app-old"]);
    assert_eq!(d.manager, Some(KeyManager::Customer));
    assert_eq!(d.state.as_ref().map(|v| v.as_str()), Some("Enabled"));
    assert_eq!(d.spec.as_deref(), Some("SYMMETRIC_DEFAULT"));
    assert_eq!(d.rotation_enabled, Ok(true));
    assert_eq!(d.policy.as_deref(), Ok(POLICY));
    assert_eq!(cmk.region, REGION);

    // The default key: its alias comes from the reference (ListAliases is stale).
    let sm = inv_key(keys, SECRETS_MANAGER_DEFAULT_KEY);
    let d = sm.details.as_ref().unwrap();
    assert_eq!(d.id, AWS_SM);
    assert_eq!(d.aliases, [SECRETS_MANAGER_DEFAULT_KEY]);
    assert_eq!(
        d.rotation_enabled,
        Ok(true),
        "AWS managed keys rotate yearly"
    );

    let rsa = inv_key(keys, &key_arn(RSA));
    assert_eq!(rsa.details.as_ref().unwrap().rotation_enabled, Ok(false));

    // Every reference finds its key, as the checks look them up.
    let mut merged = inv.clone();
    merged.apply_batch(
        crate::domain::inventory::Area::Encryption,
        REGION,
        collected.inventory.clone(),
    );
    for reference in references(&inv, REGION) {
        assert!(merged.find_key(REGION, &reference).is_some(), "{reference}");
    }

    // ListAliases once; DescribeKey per distinct reference; rotation only for the CMK;
    // a key policy per key; nothing for the other region.
    let mut ops = fake.operations();
    ops.sort();
    assert_eq!(
        ops,
        [
            "DescribeKey",
            "DescribeKey",
            "DescribeKey",
            "DescribeKey",
            "GetKeyPolicy",
            "GetKeyPolicy",
            "GetKeyPolicy",
            "GetKeyRotationStatus",
            "ListAliases"
        ]
    );
    assert_eq!(calls, 9);
    assert_eq!(
        fake.bodies("GetKeyRotationStatus")[0]["KeyId"],
        key_arn(CMK)
    );
    assert!(
        fake.requests()
            .iter()
            .all(|(_, b)| !b.to_string().contains("us-east-1"))
    );

    // kms.rotation-disabled sees what it expects from each key.
    let mut rotation = statuses(&merged, "kms.rotation-disabled");
    rotation.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        rotation,
        [
            (RSA.to_string(), Status::NotApplicable),
            ("app".to_string(), Status::Pass),
            ("aws/secretsmanager".to_string(), Status::NotApplicable),
        ]
    );
}

fn inv_key<'a>(keys: &'a [Arc<Key>], reference: &str) -> &'a Key {
    keys.iter()
        .map(|k| &**k)
        .find(|k| k.matches(reference))
        .unwrap_or_else(|| panic!("no key for {reference}"))
}

#[tokio::test]
async fn customer_key_with_rotation_off_fails_the_check() {
    let fake = FakeAws::new(|op, body| {
        if op == "GetKeyRotationStatus" {
            return (200, json!({"KeyRotationEnabled": false}).to_string());
        }
        account(op, body)
    });
    let inv = Inventory {
        secrets: vec![secret("s", Some("alias/app")).into()],
        ..Default::default()
    };
    let (collected, calls) = run(&fake, &inv).await;
    assert_eq!(calls, 4);
    assert_eq!(
        statuses(&collected.inventory, "kms.rotation-disabled"),
        [("app".to_string(), Status::Fail)]
    );
}

#[tokio::test]
async fn denied_calls_become_reasons_on_the_key() {
    let fake = FakeAws::new(|op, body| match op {
        "GetKeyRotationStatus" => (403, xml_access_denied("kms:GetKeyRotationStatus")),
        "GetKeyPolicy" => (403, xml_access_denied("kms:GetKeyPolicy")),
        "DescribeKey" if body["KeyId"] == key_arn(RSA) => {
            (403, xml_access_denied("kms:DescribeKey"))
        }
        _ => account(op, body),
    });
    let inv = Inventory {
        functions: vec![
            function("pay", REGION, Some(key_arn(CMK))).into(),
            function("sign", REGION, Some(key_arn(RSA))).into(),
        ],
        ..Default::default()
    };
    let (collected, _) = run(&fake, &inv).await;
    assert_eq!(collected.state(), CollectionState::Partial);
    let keys = &collected.inventory.keys;
    let rsa = inv_key(keys, &key_arn(RSA));
    assert_eq!(
        rsa.details,
        Err("AccessDenied: missing kms:DescribeKey".into())
    );
    let cmk = inv_key(keys, &key_arn(CMK)).details.as_ref().unwrap();
    assert_eq!(
        cmk.rotation_enabled,
        Err("AccessDenied: missing kms:GetKeyRotationStatus".into())
    );
    assert_eq!(
        cmk.policy,
        Err("AccessDenied: missing kms:GetKeyPolicy".into())
    );
    assert_eq!(collected.failures.len(), 3);
    for check in ["kms.rotation-disabled", "kms.public-key-policy"] {
        assert!(
            statuses(&collected.inventory, check)
                .iter()
                .all(|(_, s)| *s == Status::Unknown),
            "{check}"
        );
    }
}

#[tokio::test]
async fn failed_alias_listing_still_collects_keys() {
    let fake = FakeAws::new(|op, body| match op {
        "ListAliases" => (403, xml_access_denied("kms:ListAliases")),
        _ => account(op, body),
    });
    let (collected, _) = run(&fake, &current()).await;
    assert_eq!(collected.state(), CollectionState::Partial);
    assert_eq!(
        collected.error().as_deref(),
        Some("AccessDenied: missing kms:ListAliases")
    );
    assert!(collected.inventory.list_failures.is_empty());
    let keys = &collected.inventory.keys;
    assert_eq!(keys.len(), 3);
    // Aliases only from the references that used them.
    let cmk = inv_key(keys, &key_arn(CMK)).details.as_ref().unwrap();
    assert_eq!(cmk.aliases, ["alias/app"]);
    let rsa = inv_key(keys, &key_arn(RSA)).details.as_ref().unwrap();
    assert!(rsa.aliases.is_empty());
}

#[tokio::test]
async fn missing_key_is_an_unknown_not_a_pass() {
    let fake = FakeAws::new(account);
    let inv = Inventory {
        secrets: vec![secret("s", Some("alias/deleted")).into()],
        ..Default::default()
    };
    let (collected, _) = run(&fake, &inv).await;
    let key = &collected.inventory.keys[0];
    assert_eq!(key.reference, "alias/deleted");
    assert!(
        key.details.as_ref().unwrap_err().starts_with("NotFound"),
        "{key:?}"
    );
    assert_eq!(
        statuses(&collected.inventory, "kms.pending-deletion"),
        [("alias/deleted".to_string(), Status::Unknown)]
    );
}

#[tokio::test]
async fn keys_behind_failed_listings_are_unknown_for_the_region() {
    let fake = FakeAws::new(|op, _| panic!("unexpected {op}"));
    let failure = |service: Service, call: &str, region: &str| ListFailure {
        service,
        area: service.area(),
        region: region.into(),
        call: call.into(),
        reason: "Throttled: rate exceeded".into(),
    };
    let inv = Inventory {
        list_failures: vec![
            failure(
                Service::SecretsManager,
                "secretsmanager:ListSecrets",
                REGION,
            ),
            failure(Service::Lambda, "lambda:ListFunctions", "ap-south-1"),
            failure(Service::ApiGateway, "apigateway:GetRestApis", REGION),
        ],
        ..Default::default()
    };
    let (collected, calls) = run(&fake, &inv).await;
    assert_eq!(calls, 0);
    let failures = &collected.inventory.list_failures;
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0].service.as_str(), "kms");
    assert_eq!(failures[0].region, REGION);
    assert!(
        failures[0]
            .reason
            .contains("secretsmanager:ListSecrets failed: Throttled"),
        "{}",
        failures[0].reason
    );
}

#[tokio::test]
async fn nothing_referenced_sends_nothing() {
    let fake = FakeAws::new(|op, _| panic!("unexpected {op}"));
    let inv = Inventory {
        functions: vec![function("plain", REGION, None).into()],
        ..Default::default()
    };
    let (collected, calls) = run(&fake, &inv).await;
    assert_eq!(calls, 0);
    assert!(collected.inventory.keys.is_empty());
    assert_eq!(collected.inventory.regions, [REGION]);
    assert_eq!(collected.state(), CollectionState::Ok);
}

#[test]
fn rotation_is_asked_only_of_customer_symmetric_keys() {
    let base = KeyDetails {
        arn: key_arn(CMK),
        id: CMK.into(),
        aliases: vec!["alias/app".into()],
        manager: Some("CUSTOMER".into()),
        state: Some("Enabled".into()),
        spec: Some("SYMMETRIC_DEFAULT".into()),
        rotation_enabled: Ok(false),
        policy: Ok(String::new()),
    };
    assert_eq!(rotation_without_asking(&base), None);
    let aws = KeyDetails {
        manager: Some("AWS".into()),
        aliases: vec![],
        ..base.clone()
    };
    assert_eq!(rotation_without_asking(&aws), Some(true));
    let moto_aws = KeyDetails {
        aliases: vec!["alias/aws/lambda".into()],
        ..base.clone()
    };
    assert_eq!(rotation_without_asking(&moto_aws), Some(true));
    for spec in ["RSA_2048", "ECC_NIST_P256", "HMAC_256"] {
        let k = KeyDetails {
            spec: Some(spec.into()),
            ..base.clone()
        };
        assert_eq!(rotation_without_asking(&k), Some(false), "{spec}");
    }
    let undecided = KeyDetails {
        manager: None,
        aliases: vec![],
        spec: None,
        ..base
    };
    assert_eq!(rotation_without_asking(&undecided), None, "ask when unsure");
}

// ── recorded HTTP exchanges (StaticReplayClient) ──

fn request(target: &str, body: Value) -> HttpRequest {
    let mut req = HttpRequest::new(SdkBody::from(body.to_string()));
    req.set_uri(format!("https://kms.{REGION}.amazonaws.com/"))
        .unwrap();
    req.headers_mut().insert("x-amz-target", target.to_string());
    req.headers_mut()
        .insert("content-type", "application/x-amz-json-1.1");
    req
}

fn response(status: u16, content_type: &'static str, body: String) -> HttpResponse {
    let mut res = HttpResponse::new(StatusCode::try_from(status).unwrap(), SdkBody::from(body));
    res.headers_mut().insert("content-type", content_type);
    res
}

fn json_response(body: Value) -> HttpResponse {
    response(200, "application/x-amz-json-1.1", body.to_string())
}

#[tokio::test]
async fn list_aliases_follows_next_marker() {
    let replay = StaticReplayClient::new(vec![
        ReplayEvent::new(
            request("TrentService.ListAliases", json!({"Limit": 100})),
            json_response(json!({
                "Aliases": [
                    {"AliasName": "alias/app", "TargetKeyId": CMK},
                    {"AliasName": "alias/aws/lambda", "TargetKeyId": AWS_SM}
                ],
                "NextMarker": "page-2", "Truncated": true
            })),
        ),
        ReplayEvent::new(
            request(
                "TrentService.ListAliases",
                json!({"Limit": 100, "Marker": "page-2"}),
            ),
            json_response(json!({
                "Aliases": [
                    {"AliasName": "alias/app-old", "TargetKeyId": CMK},
                    {"AliasName": "alias/unassigned"}
                ],
                "Truncated": false
            })),
        ),
    ]);
    let config = sdk_config(replay.clone(), REGION);
    let shared = shared(&config);
    let map = list_aliases(&shared, &clients(&config).kms).await.unwrap();
    assert_eq!(map[CMK], ["alias/app", "alias/app-old"]);
    assert_eq!(map[AWS_SM], ["alias/aws/lambda"]);
    assert_eq!(map.len(), 2, "an alias without a target maps to nothing");
    assert_eq!(shared.calls.load(Ordering::Relaxed), 2);
    let bodies: Vec<Value> = replay
        .actual_requests()
        .map(|r| serde_json::from_slice(r.body().bytes().unwrap()).unwrap())
        .collect();
    assert_eq!(bodies.len(), 2);
    assert_eq!(bodies[0].get("Marker"), None);
    assert_eq!(bodies[1]["Marker"], "page-2");
    replay.relaxed_requests_match();
}

#[tokio::test]
async fn describe_key_denied_with_an_xml_403() {
    let replay = StaticReplayClient::new(vec![ReplayEvent::new(
        request("TrentService.DescribeKey", json!({"KeyId": key_arn(CMK)})),
        response(403, "text/xml", xml_access_denied("kms:DescribeKey")),
    )]);
    let config = sdk_config(replay.clone(), REGION);
    let shared = shared(&config);
    let err = describe(&shared, &clients(&config), &key_arn(CMK))
        .await
        .unwrap_err();
    assert_eq!(err.kind, FailureKind::Denied);
    assert_eq!(err.status, Some(403));
    assert_eq!(err.reason(), "AccessDenied: missing kms:DescribeKey");
    assert_eq!(
        replay.actual_requests().count(),
        1,
        "a denial is not retried"
    );
}
