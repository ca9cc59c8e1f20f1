//! Unit tests of `apigw.rs`, kept apart so the module itself stays readable.

use std::collections::BTreeMap;

use super::*;
use crate::domain::checks::testing::{assert_filled, ev};
use crate::domain::checks::testing::{eval, one};
use crate::domain::finding::Status;
use crate::domain::inventory::{Authorizer, BasePathMapping, RequestValidator, UsagePlan};
use crate::domain::inventory::{RestDomain, RestStage};
use std::sync::Arc;

const R: &str = "eu-west-1";
const ACCOUNT: &str = "111122223333";

fn api(endpoint: &str) -> RestApi {
    RestApi {
        id: "a1b2c3d4e5".into(),
        name: "orders-api".into(),
        region: R.into(),
        endpoint_type: endpoint.into(),
        ..Default::default()
    }
}

fn method(verb: &str, auth: &str) -> RestMethod {
    RestMethod {
        http_method: verb.into(),
        authorization_type: auth.into(),
        ..Default::default()
    }
}

fn resource(id: &str, path: &str, methods: Vec<RestMethod>) -> RestResource {
    RestResource {
        id: id.into(),
        path: path.into(),
        methods,
    }
}

fn inv_of(apis: Vec<RestApi>) -> Inventory {
    let mut usage_plans = BTreeMap::new();
    usage_plans.insert(R.to_string(), Ok(Vec::new()));
    Inventory {
        account_id: ACCOUNT.into(),
        rest_apis: apis.into_iter().map(Arc::new).collect(),
        usage_plans,
        ..Default::default()
    }
}

/// An API deployed to one stage, with these resources.
fn with_resources(endpoint: &str, resources: Vec<RestResource>) -> Inventory {
    inv_of(vec![RestApi {
        resources: Ok(resources),
        stages: Ok(vec![stage("prod")]),
        ..api(endpoint)
    }])
}

fn stage(name: &str) -> RestStage {
    RestStage {
        name: name.into(),
        ..Default::default()
    }
}

fn with_stage(s: RestStage) -> Inventory {
    inv_of(vec![RestApi {
        stages: Ok(vec![s]),
        ..api("REGIONAL")
    }])
}

fn stages_denied() -> Inventory {
    inv_of(vec![RestApi {
        stages: Err("AccessDenied: apigateway:GET on /restapis/*/stages".into()),
        ..api("REGIONAL")
    }])
}

fn setting(f: impl FnOnce(&mut MethodSetting)) -> MethodSetting {
    let mut s = MethodSetting::default();
    f(&mut s);
    s
}

// ─────────── catalogue ───────────

// ─────────── apigw.method-no-auth ───────────

#[test]
fn method_no_auth_lists_every_open_method_even_with_an_unused_authorizer() {
    let mut inv = with_resources(
        "REGIONAL",
        vec![
            resource(
                "r1",
                "/orders",
                vec![
                    method("GET", "NONE"),
                    method("POST", "NONE"),
                    method("OPTIONS", "NONE"),
                ],
            ),
            resource("r2", "/orders/{id}", vec![method("DELETE", "AWS_IAM")]),
            resource("r3", "/health", vec![method("get", "NONE")]),
        ],
    );
    Arc::make_mut(&mut inv.rest_apis[0]).authorizers = Ok(vec![Authorizer {
        id: "auth1".into(),
        name: "cognito".into(),
        authorizer_type: "COGNITO_USER_POOLS".into(),
        authorizer_uri: None,
        ..Default::default()
    }]);
    Arc::make_mut(&mut inv.rest_apis[0]).stages = Ok(vec![stage("prod")]);
    let f = one("apigw.method-no-auth", &inv);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.severity, Severity::High);
    assert_eq!(
        f.resource_id,
        "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5"
    );
    assert_eq!(f.resource_name, "orders-api");
    assert!(f.message.contains("3 methods"), "{}", f.message);
    for m in ["GET /health", "GET /orders", "POST /orders"] {
        assert!(f.message.contains(m), "{m} missing in {}", f.message);
        assert_eq!(ev(&f, m).as_deref(), Some("authorizationType = NONE"));
    }
    assert!(!f.message.contains("OPTIONS"));
    assert!(!f.message.contains("DELETE"));
    assert!(ev(&f, "authorizers").unwrap().contains("cognito"));
    // The fix names the first open method and the real stage.
    assert!(
        f.remediation()
            .cli
            .contains("--resource-id r3 --http-method GET")
    );
    assert!(f.remediation().cli.contains("--stage-name prod"));
    assert_filled(&f);
}

#[test]
fn method_no_auth_passes_when_every_method_authenticates() {
    let inv = with_resources(
        "EDGE",
        vec![resource(
            "r1",
            "/orders",
            vec![
                method("GET", "COGNITO_USER_POOLS"),
                method("POST", "CUSTOM"),
                method("OPTIONS", "NONE"),
            ],
        )],
    );
    let f = one("apigw.method-no-auth", &inv);
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert_eq!(
        ev(&f, "POST /orders").as_deref(),
        Some("authorizationType = CUSTOM")
    );
}

#[test]
fn method_no_auth_is_medium_on_private_apis() {
    let inv = with_resources(
        "PRIVATE",
        vec![resource("r1", "/internal", vec![method("GET", "NONE")])],
    );
    let f = one("apigw.method-no-auth", &inv);
    assert_eq!(f.status, Status::Fail);
    assert_eq!(f.severity, Severity::Medium);
    assert!(f.message.contains("PRIVATE"));
}

#[test]
fn method_no_auth_treats_a_missing_authorization_type_as_none() {
    let inv = with_resources(
        "REGIONAL",
        vec![resource("r1", "/", vec![method("PUT", "")])],
    );
    let f = one("apigw.method-no-auth", &inv);
    assert_eq!(f.status, Status::Fail);
    assert!(ev(&f, "PUT /").unwrap().contains("missing"));
}

#[test]
fn method_no_auth_not_applicable_without_methods_besides_options() {
    let only_options = with_resources(
        "REGIONAL",
        vec![resource("r1", "/", vec![method("OPTIONS", "NONE")])],
    );
    assert_eq!(
        one("apigw.method-no-auth", &only_options).status,
        Status::NotApplicable
    );
    let empty = with_resources("REGIONAL", Vec::new());
    assert_eq!(
        one("apigw.method-no-auth", &empty).status,
        Status::NotApplicable
    );
}

#[test]
fn method_no_auth_not_applicable_until_deployed() {
    let mut inv = with_resources(
        "REGIONAL",
        vec![resource("r1", "/", vec![method("GET", "NONE")])],
    );
    Arc::make_mut(&mut inv.rest_apis[0]).stages = Ok(Vec::new());
    let f = one("apigw.method-no-auth", &inv);
    assert_eq!(f.status, Status::NotApplicable);
    assert!(f.message.contains("not deployed"), "{}", f.message);
    // Stages that could not be listed leave the methods to decide.
    Arc::make_mut(&mut inv.rest_apis[0]).stages = Err("AccessDenied".into());
    assert_eq!(one("apigw.method-no-auth", &inv).status, Status::Fail);
}

#[test]
fn method_no_auth_unknown_when_resources_could_not_be_read() {
    let inv = inv_of(vec![RestApi {
        resources: Err("AccessDenied: apigateway:GET".into()),
        ..api("REGIONAL")
    }]);
    let f = one("apigw.method-no-auth", &inv);
    assert_eq!(f.status, Status::Unknown);
    assert!(f.message.contains("AccessDenied"));
}

#[test]
fn method_no_auth_gives_one_finding_per_api() {
    let mut a = api("REGIONAL");
    a.resources = Ok(vec![resource("r1", "/a", vec![method("GET", "NONE")])]);
    a.stages = Ok(vec![stage("prod")]);
    let mut b = a.clone();
    b.id = "zz9".into();
    b.name = "admin-api".into();
    b.resources = Ok(vec![resource("r9", "/b", vec![method("GET", "AWS_IAM")])]);
    let f = eval("apigw.method-no-auth", &inv_of(vec![a, b]));
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].status, Status::Fail);
    assert_eq!(f[1].status, Status::Pass);
    assert_eq!(f[1].resource_name, "admin-api");
}

// ─────────── apigw.api-key-only-auth ───────────

#[test]
fn api_key_only_auth_fails_on_key_without_authorizer() {
    let mut keyed = method("POST", "NONE");
    keyed.api_key_required = true;
    let mut keyed_iam = method("GET", "AWS_IAM");
    keyed_iam.api_key_required = true;
    let inv = with_resources(
        "REGIONAL",
        vec![resource("r1", "/orders", vec![keyed, keyed_iam])],
    );
    let f = one("apigw.api-key-only-auth", &inv);
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("POST /orders"));
    assert!(!f.message.contains("GET /orders"));
    assert!(f.remediation().cli.contains("--http-method POST"));
    assert_filled(&f);
}

#[test]
fn api_key_only_auth_passes_with_authorizer_or_no_keys() {
    let mut keyed_iam = method("GET", "AWS_IAM");
    keyed_iam.api_key_required = true;
    let inv = with_resources(
        "REGIONAL",
        vec![resource(
            "r1",
            "/orders",
            vec![keyed_iam, method("POST", "NONE")],
        )],
    );
    assert_eq!(one("apigw.api-key-only-auth", &inv).status, Status::Pass);
}

#[test]
fn api_key_only_auth_ignores_options_and_reports_unknown() {
    let mut options = method("OPTIONS", "NONE");
    options.api_key_required = true;
    let inv = with_resources("REGIONAL", vec![resource("r1", "/", vec![options])]);
    assert_eq!(
        one("apigw.api-key-only-auth", &inv).status,
        Status::NotApplicable
    );
    let denied = inv_of(vec![RestApi {
        resources: Err("Throttling: rate exceeded".into()),
        ..api("REGIONAL")
    }]);
    let f = one("apigw.api-key-only-auth", &denied);
    assert_eq!(f.status, Status::Unknown);
    assert!(f.message.contains("Throttling"));
}

// ─────────── apigw.no-request-validation ───────────

fn validated(verb: &str, validator: Option<&str>) -> RestMethod {
    RestMethod {
        request_validator_id: validator.map(str::to_string),
        ..method(verb, "AWS_IAM")
    }
}

fn validator(id: &str, body: bool, params: bool) -> RequestValidator {
    RequestValidator {
        id: id.into(),
        name: format!("v-{id}"),
        validate_body: body,
        validate_parameters: params,
    }
}

#[test]
fn no_request_validation_fails_on_write_method_without_validator() {
    let inv = with_resources(
        "REGIONAL",
        vec![resource(
            "r1",
            "/orders",
            vec![
                validated("POST", None),
                validated("PATCH", Some("  ")),
                validated("GET", None),
            ],
        )],
    );
    let f = one("apigw.no-request-validation", &inv);
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("PATCH /orders") && f.message.contains("POST /orders"));
    assert!(!f.message.contains("GET"));
    assert_filled(&f);
}

#[test]
fn no_request_validation_fails_on_validator_that_validates_nothing() {
    let mut a = api("REGIONAL");
    a.resources = Ok(vec![resource(
        "r1",
        "/orders",
        vec![validated("PUT", Some("v0"))],
    )]);
    a.validators = Ok(vec![validator("v0", false, false)]);
    let f = one("apigw.no-request-validation", &inv_of(vec![a]));
    assert_eq!(f.status, Status::Fail);
    assert!(ev(&f, "PUT /orders").unwrap().contains("neither"));
}

#[test]
fn no_request_validation_passes_with_validators() {
    let mut a = api("REGIONAL");
    a.resources = Ok(vec![resource(
        "r1",
        "/orders",
        vec![validated("POST", Some("vb")), validated("PUT", Some("vp"))],
    )]);
    a.validators = Ok(vec![
        validator("vb", true, false),
        validator("vp", false, true),
    ]);
    assert_eq!(
        one("apigw.no-request-validation", &inv_of(vec![a])).status,
        Status::Pass
    );
}

#[test]
fn no_request_validation_unknown_only_when_validators_are_needed() {
    let mut a = api("REGIONAL");
    a.resources = Ok(vec![resource(
        "r1",
        "/orders",
        vec![validated("POST", Some("vb"))],
    )]);
    a.validators = Err("AccessDenied: GetRequestValidators".into());
    let f = one("apigw.no-request-validation", &inv_of(vec![a.clone()]));
    assert_eq!(f.status, Status::Unknown);
    assert!(f.message.contains("AccessDenied"));

    // A write method without any validator fails whatever the validators say.
    a.resources = Ok(vec![resource(
        "r1",
        "/orders",
        vec![validated("POST", Some("vb")), validated("PUT", None)],
    )]);
    assert_eq!(
        one("apigw.no-request-validation", &inv_of(vec![a.clone()])).status,
        Status::Fail
    );

    // A validator id the API does not list cannot be judged.
    a.resources = Ok(vec![resource(
        "r1",
        "/orders",
        vec![validated("POST", Some("gone"))],
    )]);
    a.validators = Ok(vec![validator("vb", true, true)]);
    assert_eq!(
        one("apigw.no-request-validation", &inv_of(vec![a])).status,
        Status::Unknown
    );
}

#[test]
fn no_request_validation_not_applicable_for_read_only_apis() {
    let inv = with_resources(
        "REGIONAL",
        vec![resource(
            "r1",
            "/",
            vec![validated("GET", None), validated("OPTIONS", None)],
        )],
    );
    assert_eq!(
        one("apigw.no-request-validation", &inv).status,
        Status::NotApplicable
    );
    let denied = inv_of(vec![RestApi {
        resources: Err("AccessDenied".into()),
        ..api("REGIONAL")
    }]);
    assert_eq!(
        one("apigw.no-request-validation", &denied).status,
        Status::Unknown
    );
}

// ─────────── apigw.private-api-open-policy ───────────

fn with_policy(endpoint: &str, policy: Option<&str>, methods: Vec<RestMethod>) -> Inventory {
    inv_of(vec![RestApi {
        policy: policy.map(str::to_string),
        resources: Ok(vec![resource("r1", "/orders", methods)]),
        ..api(endpoint)
    }])
}

fn policy_status(endpoint: &str, policy: &str, methods: Vec<RestMethod>) -> Status {
    one(
        "apigw.private-api-open-policy",
        &with_policy(endpoint, Some(policy), methods),
    )
    .status
}

const OPEN_STRING: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}]}"#;

#[test]
fn private_api_without_policy_passes() {
    let f = one(
        "apigw.private-api-open-policy",
        &with_policy("PRIVATE", None, vec![method("GET", "NONE")]),
    );
    assert_eq!(f.status, Status::Pass);
    assert!(f.message.contains("rejects every call"));
}

#[test]
fn private_api_policy_with_public_principal_fails_in_every_shape() {
    let object = r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"execute-api:*","Resource":"*"}}"#;
    let list = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["execute-api:Invoke"],"Resource":["execute-api:/prod/*"]}]}"#;
    let encoded = serde_json::to_string(OPEN_STRING).unwrap();
    for policy in [OPEN_STRING, object, list, encoded.as_str()] {
        let f = one(
            "apigw.private-api-open-policy",
            &with_policy("PRIVATE", Some(policy), vec![method("GET", "AWS_IAM")]),
        );
        assert_eq!(f.status, Status::Fail, "{policy}");
        assert!(ev(&f, "Statement[0]").is_some(), "{:?}", f.evidence);
        assert!(f.remediation().cli.contains("aws:SourceVpce"));
        assert_filled(&f);
    }
}

#[test]
fn private_api_policy_restricted_to_vpc_endpoints_passes() {
    let allow_with_condition = r#"{"Statement":[{"Sid":"vpce","Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-0abc"}}}]}"#;
    let for_any_value = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:sourcevpc":["vpc-1","vpc-2"]}}}]}"#;
    // The pattern AWS documents: allow everyone, deny unless from the endpoint.
    let deny_pattern = r#"{"Statement":[
        {"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"},
        {"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*",
         "Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0abc"}}}]}"#;
    let full_arns = r#"{"Statement":[
        {"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/prod/GET/orders"},
        {"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/*",
         "Condition":{"StringNotEquals":{"aws:SourceVpce":["vpce-0abc"]}}}]}"#;
    for policy in [allow_with_condition, for_any_value, deny_pattern, full_arns] {
        assert_eq!(
            policy_status("PRIVATE", policy, vec![method("GET", "NONE")]),
            Status::Pass,
            "{policy}"
        );
    }
}

#[test]
fn private_api_policy_with_weak_conditions_fails() {
    let ip_only = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#;
    let null_check = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"Null":{"aws:SourceVpce":"false"}}}]}"#;
    let any_vpce = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"StringLike":{"aws:SourceVpce":"vpce-*"}}}]}"#;
    let if_exists = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}}]}"#;
    // A Deny that covers one path leaves the rest open.
    let partial_deny = r#"{"Statement":[
        {"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"},
        {"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/prod/GET/admin",
         "Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0abc"}}}]}"#;
    for policy in [ip_only, null_check, any_vpce, if_exists, partial_deny] {
        assert_eq!(
            policy_status("PRIVATE", policy, vec![method("GET", "AWS_IAM")]),
            Status::Fail,
            "{policy}"
        );
    }
}

#[test]
fn private_api_policy_for_specific_accounts_passes() {
    let account = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"execute-api:Invoke","Resource":"*"}]}"#;
    let deny_all = r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"*"}]}"#;
    for policy in [account, deny_all] {
        assert_eq!(
            policy_status("PRIVATE", policy, vec![method("GET", "NONE")]),
            Status::Pass
        );
    }
}

#[test]
fn public_api_open_policy_fails_only_with_unauthenticated_methods() {
    assert_eq!(
        policy_status("REGIONAL", OPEN_STRING, vec![method("GET", "NONE")]),
        Status::Fail
    );
    let f = one(
        "apigw.private-api-open-policy",
        &with_policy("EDGE", Some(OPEN_STRING), vec![method("GET", "NONE")]),
    );
    assert_eq!(
        ev(&f, "unauthenticated methods").as_deref(),
        Some("GET /orders")
    );
    assert!(f.remediation().cli.contains("aws:SourceIp"));
    assert_filled(&f);
    assert_eq!(
        policy_status(
            "REGIONAL",
            OPEN_STRING,
            vec![method("GET", "AWS_IAM"), method("OPTIONS", "NONE")]
        ),
        Status::Pass
    );
    let ip_restricted = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24"]}}}]}"#;
    assert_eq!(
        policy_status("REGIONAL", ip_restricted, vec![method("GET", "NONE")]),
        Status::Pass
    );
    let everywhere = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}}]}"#;
    assert_eq!(
        policy_status("REGIONAL", everywhere, vec![method("GET", "NONE")]),
        Status::Fail
    );
}

#[test]
fn public_api_without_policy_passes() {
    let f = one(
        "apigw.private-api-open-policy",
        &with_policy("REGIONAL", None, vec![method("GET", "NONE")]),
    );
    assert_eq!(f.status, Status::Pass);
}

#[test]
fn open_policy_unknown_on_parse_error_or_missing_methods() {
    assert_eq!(
        policy_status("PRIVATE", "{not json", vec![]),
        Status::Unknown
    );
    let mut inv = with_policy("REGIONAL", Some(OPEN_STRING), vec![]);
    Arc::make_mut(&mut inv.rest_apis[0]).resources = Err("AccessDenied".into());
    let f = one("apigw.private-api-open-policy", &inv);
    assert_eq!(f.status, Status::Unknown);
    // A restricted policy does not need the methods.
    let restricted = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"execute-api:Invoke","Resource":"*"}]}"#;
    Arc::make_mut(&mut inv.rest_apis[0]).policy = Some(restricted.into());
    assert_eq!(
        one("apigw.private-api-open-policy", &inv).status,
        Status::Pass
    );
}

// ─────────── stage checks ───────────

#[test]
fn stage_checks_report_unknown_for_the_api_when_stages_are_missing() {
    let inv = stages_denied();
    for id in [
        "apigw.no-waf",
        "apigw.execution-logging-off",
        "apigw.access-logging-off",
        "apigw.no-tracing",
        "apigw.cache-not-encrypted",
        "apigw.no-client-certificate",
        "apigw.no-throttling",
        "apigw.secrets-in-stage-variables",
    ] {
        let f = one(id, &inv);
        assert_eq!(f.status, Status::Unknown, "{id}");
        assert_eq!(
            f.resource_id,
            "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5"
        );
        assert!(f.message.contains("AccessDenied"), "{id}");
        assert_filled(&f);
    }
}

#[test]
fn stage_findings_name_the_stage() {
    let mut inv = with_stage(stage("prod"));
    if let Ok(stages) = &mut Arc::make_mut(&mut inv.rest_apis[0]).stages {
        stages.push(stage("dev"));
    }
    let f = eval("apigw.no-waf", &inv);
    assert_eq!(f.len(), 2);
    assert_eq!(f[0].resource_name, "orders-api/prod");
    assert_eq!(
        f[0].resource_id,
        "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/prod"
    );
    assert_eq!(f[1].resource_name, "orders-api/dev");
    assert!(f[1].remediation().terraform.contains("orders_api_dev"));
}

#[test]
fn no_waf_pass_and_fail() {
    let f = one("apigw.no-waf", &with_stage(stage("prod")));
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.remediation().cli.contains(
            "--resource-arn arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/prod"
        )
    );
    assert!(
        f.remediation()
            .cli
            .contains("arn:aws:wafv2:eu-west-1:111122223333:")
    );
    assert_filled(&f);
    let mut s = stage("prod");
    s.web_acl_arn = Some("arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/main/1".into());
    assert_eq!(one("apigw.no-waf", &with_stage(s)).status, Status::Pass);
    let mut blank = stage("prod");
    blank.web_acl_arn = Some(String::new());
    assert_eq!(one("apigw.no-waf", &with_stage(blank)).status, Status::Fail);
}

#[test]
fn execution_logging_needs_the_stage_default() {
    let level = |key: &str, l: Option<&str>| {
        let mut s = stage("prod");
        s.method_settings
            .insert(key.into(), setting(|m| m.logging_level = l.map(Into::into)));
        one("apigw.execution-logging-off", &with_stage(s))
    };
    assert_eq!(level("*/*", Some("ERROR")).status, Status::Pass);
    assert_eq!(level("*/*", Some("INFO")).status, Status::Pass);
    assert_eq!(level("*/*", Some("OFF")).status, Status::Fail);
    assert_eq!(level("*/*", None).status, Status::Fail);
    // A single method logging does not make the stage log.
    assert_eq!(level("~1orders/GET", Some("INFO")).status, Status::Fail);
    let f = one("apigw.execution-logging-off", &with_stage(stage("prod")));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.remediation().cli,
        "aws apigateway update-stage --rest-api-id a1b2c3d4e5 --stage-name prod \
         --patch-operations op=replace,path=/*/*/logging/loglevel,value=ERROR --region eu-west-1"
    );
}

#[test]
fn access_logging_pass_and_fail() {
    let mut s = stage("prod");
    s.access_log_destination = Some("arn:aws:logs:eu-west-1:111122223333:log-group:access".into());
    assert_eq!(
        one("apigw.access-logging-off", &with_stage(s)).status,
        Status::Pass
    );
    let f = one("apigw.access-logging-off", &with_stage(stage("prod")));
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.remediation()
            .cli
            .contains("log-group:API-Gateway-Access-Logs_a1b2c3d4e5/prod")
    );
    assert_filled(&f);
}

#[test]
fn tracing_pass_and_fail() {
    let mut s = stage("prod");
    s.tracing_enabled = true;
    assert_eq!(one("apigw.no-tracing", &with_stage(s)).status, Status::Pass);
    let f = one("apigw.no-tracing", &with_stage(stage("prod")));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(ev(&f, "tracingEnabled").as_deref(), Some("false"));
}

#[test]
fn cache_encryption_cases() {
    assert_eq!(
        one("apigw.cache-not-encrypted", &with_stage(stage("prod"))).status,
        Status::NotApplicable
    );
    // Cluster on, no caching method, stage default not encrypted (or missing).
    let mut cluster = stage("prod");
    cluster.cache_cluster_enabled = true;
    assert_eq!(
        one("apigw.cache-not-encrypted", &with_stage(cluster.clone())).status,
        Status::Fail
    );
    cluster
        .method_settings
        .insert("*/*".into(), setting(|m| m.cache_data_encrypted = true));
    assert_eq!(
        one("apigw.cache-not-encrypted", &with_stage(cluster)).status,
        Status::Pass
    );
    // Method-level caching without a cluster flag still counts.
    let mut method_cache = stage("prod");
    method_cache
        .method_settings
        .insert("~1orders/GET".into(), setting(|m| m.caching_enabled = true));
    let f = one(
        "apigw.cache-not-encrypted",
        &with_stage(method_cache.clone()),
    );
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("~1orders/GET"));
    method_cache.method_settings.insert(
        "~1orders/GET".into(),
        setting(|m| {
            m.caching_enabled = true;
            m.cache_data_encrypted = true;
        }),
    );
    assert_eq!(
        one("apigw.cache-not-encrypted", &with_stage(method_cache)).status,
        Status::Pass
    );
}

#[test]
fn client_certificate_pass_and_fail() {
    let mut s = stage("prod");
    s.client_certificate_id = Some("abc123".into());
    assert_eq!(
        one("apigw.no-client-certificate", &with_stage(s)).status,
        Status::Pass
    );
    let f = one("apigw.no-client-certificate", &with_stage(stage("prod")));
    assert_eq!(f.status, Status::Fail);
    assert!(f.remediation().cli.contains("--stage-name prod"));
    assert_filled(&f);
}

// ─────────── apigw.no-throttling ───────────

fn throttled(key: &str, rate: Option<f64>, burst: Option<i32>) -> RestStage {
    let mut s = stage("prod");
    s.method_settings.insert(
        key.into(),
        setting(|m| {
            m.throttling_rate_limit = rate;
            m.throttling_burst_limit = burst;
        }),
    );
    s
}

fn plan(stages: &[(&str, &str)], rate: Option<f64>, burst: Option<i32>) -> UsagePlan {
    UsagePlan {
        id: "up1".into(),
        name: "basic".into(),
        api_stages: stages
            .iter()
            .map(|(a, s)| (a.to_string(), s.to_string()))
            .collect(),
        throttle_rate_limit: rate,
        throttle_burst_limit: burst,
    }
}

fn with_plans(s: RestStage, plans: Result<Vec<UsagePlan>, String>) -> Inventory {
    let mut inv = with_stage(s);
    inv.usage_plans.insert(R.into(), plans.map_err(Into::into));
    inv
}

#[test]
fn throttling_from_stage_or_method_settings_passes() {
    let stage_level = throttled("*/*", Some(100.0), Some(200));
    assert_eq!(
        one("apigw.no-throttling", &with_stage(stage_level)).status,
        Status::Pass
    );
    let method_level = throttled("~1orders/POST", None, Some(10));
    let f = one("apigw.no-throttling", &with_stage(method_level.clone()));
    assert_eq!(f.status, Status::Pass);
    assert!(f.message.contains("~1orders/POST"));
    // Stage throttling decides even when usage plans could not be read.
    let f = one(
        "apigw.no-throttling",
        &with_plans(method_level, Err("AccessDenied: GetUsagePlans".into())),
    );
    assert_eq!(f.status, Status::Pass);
}

#[test]
fn account_default_or_negative_limits_are_not_throttles() {
    for (rate, burst) in [
        (Some(10_000.0), Some(5_000)),
        (Some(-1.0), Some(-1)),
        (None, None),
    ] {
        let f = one(
            "apigw.no-throttling",
            &with_stage(throttled("*/*", rate, burst)),
        );
        assert_eq!(f.status, Status::Fail, "{rate:?} {burst:?}");
        assert_filled(&f);
    }
}

#[test]
fn usage_plan_throttle_covering_the_stage_passes() {
    let f = one(
        "apigw.no-throttling",
        &with_plans(
            stage("prod"),
            Ok(vec![plan(&[("a1b2c3d4e5", "prod")], Some(50.0), None)]),
        ),
    );
    assert_eq!(f.status, Status::Pass);
    assert!(f.message.contains("basic"));
}

#[test]
fn usage_plans_that_do_not_cover_or_do_not_throttle_fail() {
    let other_stage = plan(&[("a1b2c3d4e5", "dev")], Some(50.0), Some(10));
    let f = one(
        "apigw.no-throttling",
        &with_plans(stage("prod"), Ok(vec![other_stage])),
    );
    assert_eq!(f.status, Status::Fail);
    assert!(ev(&f, "usage plans").unwrap().contains("none covers"));
    let no_throttle = plan(&[("a1b2c3d4e5", "prod")], None, None);
    let f = one(
        "apigw.no-throttling",
        &with_plans(stage("prod"), Ok(vec![no_throttle])),
    );
    assert_eq!(f.status, Status::Fail);
    assert!(ev(&f, "usage plan basic (up1)").is_some());
}

#[test]
fn throttling_unknown_when_usage_plans_are_missing() {
    let f = one(
        "apigw.no-throttling",
        &with_plans(
            stage("prod"),
            Err("AccessDenied: apigateway:GET /usageplans".into()),
        ),
    );
    assert_eq!(f.status, Status::Unknown);
    assert!(f.message.contains("AccessDenied"));
    let mut inv = with_stage(stage("prod"));
    inv.usage_plans.clear();
    let f = one("apigw.no-throttling", &inv);
    assert_eq!(f.status, Status::Unknown);
    assert!(f.message.contains("not collected"));
}

// ─────────── apigw.secrets-in-stage-variables ───────────

#[test]
fn stage_variable_secrets_are_reported_masked() {
    let key_id = format!("{}{}", "AKIA", "IOSFODNN7EXAMPLE");
    let mut s = stage("prod");
    s.variables.insert("backendKey".into(), key_id.clone());
    s.variables.insert("lambdaAlias".into(), "live".into());
    let f = one("apigw.secrets-in-stage-variables", &with_stage(s));
    assert_eq!(f.status, Status::Fail);
    assert!(f.message.contains("backendKey"));
    assert!(!f.message.contains("lambdaAlias"));
    let json = serde_json::to_string(&f).unwrap();
    assert!(!json.contains(&key_id), "secret value leaked: {json}");
    assert!(ev(&f, "variables.backendKey").unwrap().contains("****"));
    assert!(
        f.remediation()
            .cli
            .contains("op=remove,path=/variables/backendKey")
    );
    assert_filled(&f);
}

#[test]
fn stage_variables_without_secrets_pass() {
    assert_eq!(
        one(
            "apigw.secrets-in-stage-variables",
            &with_stage(stage("prod"))
        )
        .status,
        Status::Pass
    );
    let mut s = stage("prod");
    s.variables.insert("alias".into(), "live".into());
    s.variables.insert(
        "secretArn".into(),
        "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf".into(),
    );
    let f = one("apigw.secrets-in-stage-variables", &with_stage(s));
    assert_eq!(f.status, Status::Pass, "{}", f.message);
    assert_eq!(ev(&f, "variables").as_deref(), Some("alias, secretArn"));
}

// ─────────── apigw.weak-tls-domain ───────────

fn domain(policy: Option<&str>) -> Inventory {
    Inventory {
        rest_domains: vec![RestDomain {
            name: "api.example.com".into(),
            region: R.into(),
            security_policy: policy.map(str::to_string),
            ..Default::default()
        }],
        ..Default::default()
    }
}

#[test]
fn weak_tls_domain_cases() {
    let f = one("apigw.weak-tls-domain", &domain(Some("TLS_1_0")));
    assert_eq!(f.status, Status::Fail);
    assert_eq!(
        f.resource_id,
        "arn:aws:apigateway:eu-west-1::/domainnames/api.example.com"
    );
    assert_eq!(f.resource_name, "api.example.com");
    assert!(
        f.remediation()
            .cli
            .contains("--domain-name api.example.com")
    );
    assert!(f.remediation().terraform.contains("api_example_com"));
    assert_filled(&f);
    for good in [
        "TLS_1_2",
        "SecurityPolicy_TLS13_1_3_2025_09",
        "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09",
        "SecurityPolicy_TLS12_PFS_2025_EDGE",
    ] {
        assert_eq!(
            one("apigw.weak-tls-domain", &domain(Some(good))).status,
            Status::Pass,
            "{good}"
        );
    }
    assert_eq!(
        one("apigw.weak-tls-domain", &domain(Some("TLS-1-0"))).status,
        Status::Fail
    );
    assert_eq!(
        one("apigw.weak-tls-domain", &domain(None)).status,
        Status::Unknown
    );
    assert_eq!(
        one("apigw.weak-tls-domain", &domain(Some("SomethingNew"))).status,
        Status::Unknown
    );
}

// ─────────── apigw.default-endpoint-enabled ───────────

fn mapped(disabled: bool, mappings: Result<Vec<BasePathMapping>, String>) -> Inventory {
    let mut inv = inv_of(vec![RestApi {
        disable_execute_api_endpoint: disabled,
        ..api("REGIONAL")
    }]);
    inv.rest_domains = vec![RestDomain {
        name: "api.example.com".into(),
        region: R.into(),
        security_policy: Some("TLS_1_2".into()),
        base_path_mappings: mappings.map_err(Into::into),
    }];
    inv
}

fn mapping(api_id: &str) -> BasePathMapping {
    BasePathMapping {
        base_path: "(none)".into(),
        rest_api_id: api_id.into(),
        stage: Some("prod".into()),
    }
}

#[test]
fn default_endpoint_cases() {
    let f = one(
        "apigw.default-endpoint-enabled",
        &mapped(false, Ok(vec![mapping("a1b2c3d4e5")])),
    );
    assert_eq!(f.status, Status::Fail);
    assert!(
        f.message
            .contains("a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com")
    );
    assert_eq!(
        ev(&f, "base path mapping").as_deref(),
        Some("https://api.example.com/ → stage prod")
    );
    assert!(f.remediation().cli.contains("--stage-name prod"));
    assert_filled(&f);
    assert_eq!(
        one(
            "apigw.default-endpoint-enabled",
            &mapped(true, Ok(vec![mapping("a1b2c3d4e5")]))
        )
        .status,
        Status::Pass
    );
    assert_eq!(
        one(
            "apigw.default-endpoint-enabled",
            &mapped(false, Ok(vec![mapping("other")]))
        )
        .status,
        Status::NotApplicable
    );
    let f = one(
        "apigw.default-endpoint-enabled",
        &mapped(false, Err("AccessDenied".into())),
    );
    assert_eq!(f.status, Status::Unknown);
    assert!(f.message.contains("api.example.com"));
}

#[test]
fn default_endpoint_ignores_other_regions_and_decides_despite_other_errors() {
    let mut inv = mapped(false, Ok(vec![mapping("a1b2c3d4e5")]));
    inv.rest_domains[0].region = "us-east-1".into();
    assert_eq!(
        one("apigw.default-endpoint-enabled", &inv).status,
        Status::NotApplicable
    );
    let mut inv = mapped(false, Ok(vec![mapping("a1b2c3d4e5")]));
    inv.rest_domains.push(RestDomain {
        name: "broken.example.com".into(),
        region: R.into(),
        security_policy: None,
        base_path_mappings: Err("AccessDenied".into()),
    });
    assert_eq!(
        one("apigw.default-endpoint-enabled", &inv).status,
        Status::Fail
    );
}

#[test]
fn default_endpoint_unknown_when_domains_could_not_be_listed() {
    let mut inv = mapped(false, Ok(vec![mapping("other")]));
    inv.rest_domains.clear();
    inv.list_failures
        .push(crate::domain::inventory::ListFailure {
            service: Service::ApiGateway,
            area: crate::domain::inventory::Area::Gateways,
            region: R.into(),
            call: REST_DOMAIN_LISTING.into(),
            reason: "Unreachable: apigateway:GET (timed out)".into(),
        });
    let found = eval("apigw.default-endpoint-enabled", &inv);
    let api = found
        .iter()
        .find(|f| f.resource_name == "orders-api")
        .expect("the API's own finding");
    assert_eq!(api.status, Status::Unknown, "{}", api.message);
    assert!(
        api.message.contains("GetDomainNames: Unreachable"),
        "{}",
        api.message
    );
    // Another region's failure says nothing about this one.
    inv.list_failures[0].region = "us-east-1".into();
    assert_eq!(
        one("apigw.default-endpoint-enabled", &inv).status,
        Status::NotApplicable
    );
}
