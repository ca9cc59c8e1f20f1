use std::sync::atomic::Ordering;

use aws_smithy_http_client::test_util::{ReplayEvent, StaticReplayClient};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;

use super::*;
use crate::aws::fake::{self as testing, ACCOUNT, Reply, Router, Seen};
use crate::domain::collection::CollectionState;
use crate::domain::inventory::ListFailure;
use crate::domain::values::{PackageType, TracingMode};

const APP_ROLE: &str = "arn:aws:iam::123456789012:role/app-role";
const REPORT_ROLE: &str = "arn:aws:iam::123456789012:role/service-role/report-role";
const BASIC: &str = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
const ADMIN: &str = "arn:aws:iam::aws:policy/AdministratorAccess";
const REPORTS_READ: &str = "arn:aws:iam::123456789012:policy/reports-read";
/// A URL-encoded document, as IAM returns them.
const ENCODED_DOC: &str = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22logs%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";

fn function_json(name: &str, role: &str, extra: &str) -> String {
    format!(
        r#"{{"FunctionName":"{name}","FunctionArn":"arn:aws:lambda:us-east-1:{ACCOUNT}:function:{name}","Role":"{role}"{extra}}}"#
    )
}

fn orders_json() -> String {
    function_json(
        "orders",
        APP_ROLE,
        r#","Runtime":"python3.12","PackageType":"Zip",
               "Environment":{"Variables":{"TABLE":"orders","STAGE":"prod"}},
               "KMSKeyArn":"arn:aws:kms:us-east-1:123456789012:key/1111-2222",
               "Layers":[{"Arn":"arn:aws:lambda:us-east-1:123456789012:layer:deps:3","CodeSize":10},
                         {"Arn":"arn:aws:lambda:us-east-1:123456789012:layer:otel:1","CodeSize":20}],
               "VpcConfig":{"SubnetIds":["subnet-a","subnet-b"],"SecurityGroupIds":["sg-1"],"VpcId":"vpc-123abc"},
               "TracingConfig":{"Mode":"Active"}"#,
    )
}

/// moto-style: explicit nulls for absent optionals.
fn billing_json() -> String {
    function_json(
        "billing",
        APP_ROLE,
        r#","Runtime":"nodejs20.x","PackageType":"Zip","Environment":null,"KMSKeyArn":null,
               "Layers":null,"VpcConfig":null,"TracingConfig":{"Mode":"PassThrough"},"DeadLetterConfig":null"#,
    )
}

fn reports_json() -> String {
    function_json(
        "reports",
        REPORT_ROLE,
        r#","PackageType":"Image",
               "DeadLetterConfig":{"TargetArn":"arn:aws:sqs:us-east-1:123456789012:reports-dlq"}"#,
    )
}

fn xml(action: &str, result: &str) -> Reply {
    Reply::xml(&format!(
        "<{action}Response xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><{action}Result>{result}</{action}Result>\
             <ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></{action}Response>"
    ))
}

fn attached(policies: &[&str]) -> Reply {
    let members: String = policies
        .iter()
        .map(|arn| {
            let name = arn.rsplit('/').next().unwrap_or(arn);
            format!("<member><PolicyName>{name}</PolicyName><PolicyArn>{arn}</PolicyArn></member>")
        })
        .collect();
    xml(
        "ListAttachedRolePolicies",
        &format!("<AttachedPolicies>{members}</AttachedPolicies><IsTruncated>false</IsTruncated>"),
    )
}

fn inline(names: &[&str], marker: Option<&str>) -> Reply {
    let members: String = names
        .iter()
        .map(|n| format!("<member>{n}</member>"))
        .collect();
    let tail = match marker {
        Some(m) => format!("<IsTruncated>true</IsTruncated><Marker>{m}</Marker>"),
        None => "<IsTruncated>false</IsTruncated>".into(),
    };
    xml(
        "ListRolePolicies",
        &format!("<PolicyNames>{members}</PolicyNames>{tail}"),
    )
}

/// The IAM side of the test account.
fn iam_route(s: &Seen) -> Reply {
    let role = s.param("RoleName").unwrap_or_default();
    let policy_arn = s.param("PolicyArn").unwrap_or_default();
    match s.action().unwrap_or_default().as_str() {
        "ListAttachedRolePolicies" => match role.as_str() {
            "app-role" => attached(&[BASIC, ADMIN]),
            "report-role" => attached(&[BASIC, REPORTS_READ]),
            _ => Reply::iam_error(404, "NoSuchEntity"),
        },
        "ListRolePolicies" => match (role.as_str(), s.param("Marker").as_deref()) {
            ("app-role", None) => inline(&["inline-a"], Some("next-page")),
            ("app-role", Some("next-page")) => inline(&["inline-b"], None),
            ("report-role", None) => inline(&[], None),
            _ => Reply::iam_error(400, "InvalidInput"),
        },
        "GetPolicy" => xml(
            "GetPolicy",
            &format!(
                "<Policy><Arn>{policy_arn}</Arn><DefaultVersionId>v4</DefaultVersionId></Policy>"
            ),
        ),
        "GetPolicyVersion" if policy_arn == REPORTS_READ => Reply::iam_error(403, "AccessDenied"),
        "GetPolicyVersion" if s.param("VersionId").as_deref() == Some("v4") => xml(
            "GetPolicyVersion",
            &format!(
                "<PolicyVersion><Document>{ENCODED_DOC}</Document><VersionId>v4</VersionId><IsDefaultVersion>true</IsDefaultVersion></PolicyVersion>"
            ),
        ),
        "GetRolePolicy" => xml(
            "GetRolePolicy",
            &format!(
                "<RoleName>{role}</RoleName><PolicyName>{0}</PolicyName><PolicyDocument>{ENCODED_DOC}</PolicyDocument>",
                s.param("PolicyName").unwrap_or_default()
            ),
        ),
        _ => Reply::iam_error(400, "InvalidAction"),
    }
}

/// Lambda in us-east-1 (two ListFunctions pages) and us-west-2 (one function sharing
/// `app-role`), IAM for both.
fn account_route(s: &Seen) -> Reply {
    if s.action().is_some() {
        return iam_route(s);
    }
    let west = s.uri.contains("us-west-2");
    match s.path.as_str() {
        "/2015-03-31/functions/" | "/2015-03-31/functions" if west => Reply::json(&format!(
            r#"{{"Functions":[{}]}}"#,
            function_json("west-fn", APP_ROLE, "")
        )),
        "/2015-03-31/functions/" | "/2015-03-31/functions" => match s.query("Marker").as_deref() {
            None => Reply::json(&format!(
                r#"{{"Functions":[{},{}],"NextMarker":"page-2"}}"#,
                orders_json(),
                billing_json()
            )),
            Some("page-2") => Reply::json(&format!(
                r#"{{"Functions":[{}],"NextMarker":null}}"#,
                reports_json()
            )),
            Some(_) => Reply::json_error(400, "InvalidParameterValueException"),
        },
        "/2015-03-31/functions/orders/policy" => Reply::json(
            r#"{"Policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunctionUrl\",\"Resource\":\"*\"},{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"sns.amazonaws.com\"},\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"*\"}]}","RevisionId":"r1"}"#,
        ),
        "/2021-10-31/functions/orders/url" => Reply::json(
            r#"{"FunctionUrl":"https://abc.lambda-url.us-east-1.on.aws/","FunctionArn":"arn:aws:lambda:us-east-1:123456789012:function:orders",
                    "AuthType":"NONE","Cors":{"AllowOrigins":["*","https://shop.example"],"AllowCredentials":true},
                    "CreationTime":"2024-01-01T00:00:00Z","LastModifiedTime":"2024-01-01T00:00:00Z","InvokeMode":"BUFFERED"}"#,
        ),
        "/2019-09-25/functions/orders/event-invoke-config" => Reply::json(
            r#"{"FunctionArn":"arn:aws:lambda:us-east-1:123456789012:function:orders:$LATEST","LastModified":1700000000,
                    "MaximumRetryAttempts":1,"MaximumEventAgeInSeconds":3600,
                    "DestinationConfig":{"OnFailure":{"Destination":"arn:aws:sqs:us-east-1:123456789012:failures"},"OnSuccess":{"Destination":null}}}"#,
        ),
        "/2015-03-31/functions/reports/policy" => Reply::denied_xml("lambda:GetPolicy"),
        "/2021-10-31/functions/reports/url" => Reply {
            status: 500,
            content_type: "text/html",
            headers: Vec::new(),
            body: "<html><body>Internal Server Error</body></html>".into(),
        },
        "/2019-09-25/functions/reports/event-invoke-config" => Reply::json(
            r#"{"FunctionArn":"arn:aws:lambda:us-east-1:123456789012:function:reports","MaximumRetryAttempts":0,"DestinationConfig":null}"#,
        ),
        // An endpoint without ListFunctionUrlConfigs (moto): GetFunctionUrlConfig then.
        p if p.ends_with("/urls") => Reply {
            status: 404,
            content_type: "text/html",
            headers: Vec::new(),
            body: "<html><body>Not Found</body></html>".into(),
        },
        p if p.ends_with("/aliases") => Reply::json(r#"{"Aliases":[]}"#),
        p if p.starts_with("/2020-04-22/code-signing-configs") => {
            Reply::json(r#"{"CodeSigningConfigs":[]}"#)
        }
        // billing and west-fn have no policy, URL or event invoke config.
        _ => Reply::json_error(404, "ResourceNotFoundException"),
    }
}

#[tokio::test]
async fn collect_maps_every_field_and_turns_failures_into_reasons() {
    let router = Router::new(account_route);
    let config = testing::sdk_config(router.clone(), "us-east-1");
    let shared = testing::shared(&config);
    let clients = testing::region_clients(&config, "us-east-1");

    let collected = collect(&shared, &clients).await;
    let inv = &collected.inventory;
    assert_eq!(inv.account_id, ACCOUNT);
    assert_eq!(inv.regions, vec!["us-east-1".to_string()]);
    let names: Vec<&str> = inv.functions.iter().map(|f| f.name.as_str()).collect();
    assert_eq!(
        names,
        ["orders", "billing", "reports"],
        "both pages arrive, in order"
    );

    let orders = &inv.functions[0];
    assert_eq!(
        orders.arn,
        format!("arn:aws:lambda:us-east-1:{ACCOUNT}:function:orders")
    );
    assert_eq!(orders.region, "us-east-1");
    assert_eq!(orders.runtime.as_deref(), Some("python3.12"));
    assert_eq!(orders.package_type, Some(PackageType::Zip));
    assert_eq!(orders.role_arn, APP_ROLE);
    assert_eq!(orders.env.get("TABLE").map(String::as_str), Some("orders"));
    assert_eq!(orders.env.len(), 2);
    assert_eq!(
        orders.kms_key_arn.as_deref(),
        Some("arn:aws:kms:us-east-1:123456789012:key/1111-2222")
    );
    assert_eq!(
        orders.layers,
        [
            "arn:aws:lambda:us-east-1:123456789012:layer:deps:3",
            "arn:aws:lambda:us-east-1:123456789012:layer:otel:1"
        ]
    );
    assert_eq!(orders.vpc_subnet_ids, ["subnet-a", "subnet-b"]);
    assert_eq!(
        orders.tracing_mode.as_ref().map(|v| v.as_str()),
        Some("Active")
    );
    assert_eq!(orders.dead_letter_target, None);
    let policy = orders
        .policy
        .clone()
        .expect("policy read")
        .expect("has a policy");
    assert!(policy.contains("lambda:InvokeFunctionUrl"));
    assert_eq!(
        orders.url,
        Ok(Some(FunctionUrl {
            url: "https://abc.lambda-url.us-east-1.on.aws/".into(),
            auth_type: "NONE".into(),
            cors_allow_origins: vec!["*".into(), "https://shop.example".into()],
            cors_allow_credentials: true,
        }))
    );
    assert_eq!(
        orders.event_invoke,
        Ok(Some(EventInvokeConfig {
            on_failure_destination: Some("arn:aws:sqs:us-east-1:123456789012:failures".into()),
            on_success_destination: None,
            maximum_retry_attempts: Some(1),
        }))
    );

    // Nulls everywhere, and ResourceNotFound on the policy and URL calls: collected and empty.
    let billing = &inv.functions[1];
    assert_eq!(billing.runtime.as_deref(), Some("nodejs20.x"));
    assert!(
        billing.env.is_empty() && billing.layers.is_empty() && billing.vpc_subnet_ids.is_empty()
    );
    assert_eq!(billing.kms_key_arn, None);
    assert_eq!(billing.tracing_mode, Some(TracingMode::PassThrough));
    assert_eq!(billing.dead_letter_target, None);
    assert_eq!(billing.policy, Ok(None));
    assert_eq!(billing.url, Ok(None));
    assert_eq!(billing.event_invoke, Ok(None));
    // The event invoke config is read only where it can change a verdict: orders (SNS may
    // invoke it, no dead-letter queue) and reports (its policy could not be read); not
    // billing (no policy, so nothing invokes it asynchronously).
    let event_invoke_reads = |name: &str| {
        router.count(|s| s.path == format!("/2019-09-25/functions/{name}/event-invoke-config"))
    };
    assert_eq!(
        [
            event_invoke_reads("orders"),
            event_invoke_reads("billing"),
            event_invoke_reads("reports")
        ],
        [1, 0, 1]
    );

    // moto's XML 403 is a denial naming the action; an HTML 500 is "not implemented".
    let reports = &inv.functions[2];
    assert_eq!(
        reports.package_type.as_ref().map(|v| v.as_str()),
        Some("Image")
    );
    assert_eq!(
        reports.dead_letter_target.as_deref(),
        Some("arn:aws:sqs:us-east-1:123456789012:reports-dlq")
    );
    assert_eq!(reports.runtime, None);
    assert_eq!(
        reports.policy,
        Err("AccessDenied: missing lambda:GetPolicy".into())
    );
    let url_err = reports.url.clone().expect_err("URL call failed");
    assert!(
        url_err.starts_with("NotImplemented") && url_err.contains("lambda:GetFunctionUrlConfig"),
        "{url_err}"
    );
    assert_eq!(
        reports.event_invoke,
        Ok(Some(EventInvokeConfig {
            maximum_retry_attempts: Some(0),
            ..EventInvokeConfig::default()
        }))
    );

    // Roles: both, named from the ARN (path stripped), documents raw (URL-encoded).
    assert_eq!(inv.roles.len(), 2);
    let app = inv.roles[APP_ROLE].as_ref().clone().expect("app-role read");
    assert_eq!(app.name, "app-role");
    let listed: Vec<(&str, Option<&str>)> = app
        .policies
        .iter()
        .map(|p| (p.name.as_str(), p.arn.as_deref()))
        .collect();
    assert_eq!(
        listed,
        [
            ("AWSLambdaBasicExecutionRole", Some(BASIC)),
            ("AdministratorAccess", Some(ADMIN)),
            ("inline-a", None),
            ("inline-b", None),
        ],
        "managed then inline, the inline listing followed past its first page"
    );
    assert!(
        app.policies
            .iter()
            .all(|p| p.document.as_deref() == Ok(ENCODED_DOC))
    );
    let parsed = crate::domain::policy::PolicyDocument::parse(ENCODED_DOC);
    assert!(
        parsed.is_ok(),
        "the raw IAM text is what the policy parser reads"
    );

    let report = inv.roles[REPORT_ROLE]
        .as_ref()
        .clone()
        .expect("report-role listed");
    assert_eq!(report.name, "report-role");
    assert_eq!(report.policies.len(), 2);
    assert_eq!(report.policies[0].document.as_deref(), Ok(ENCODED_DOC));
    assert_eq!(
        report.policies[1].document,
        Err("AccessDenied: missing iam:GetPolicyVersion".into()),
        "one unreadable document is an Err on its own; the rest still decides"
    );

    // Each distinct managed policy is fetched once, however many roles attach it.
    let get_policy = |arn: &str| {
        router.count(|s| {
            s.action().as_deref() == Some("GetPolicy")
                && s.param("PolicyArn").as_deref() == Some(arn)
        })
    };
    assert_eq!(get_policy(BASIC), 1);
    assert_eq!(get_policy(ADMIN), 1);
    assert_eq!(router.count_action("ListAttachedRolePolicies"), 2);
    assert_eq!(router.count_action("ListRolePolicies"), 3);
    assert_eq!(router.count_action("GetRolePolicy"), 2);
    assert_eq!(
        shared.calls.load(Ordering::Relaxed) as usize,
        router.requests().len(),
        "every request went through Shared::call"
    );

    // Not-found answers are not failures; the three real ones are, each with its reason.
    assert_eq!(collected.state(), CollectionState::Partial);
    let mut actions: Vec<&str> = collected.failures.iter().map(|f| f.action).collect();
    actions.sort();
    assert_eq!(
        actions,
        [
            "iam:GetPolicyVersion",
            "lambda:GetFunctionUrlConfig",
            "lambda:GetPolicy"
        ]
    );
    assert!(
        collected
            .error()
            .is_some_and(|e| e.contains("(and 2 more)"))
    );

    // Caches keep only what was read completely, so denials are retried next poll.
    let cache = &shared.iam_cache;
    assert!(cache.role(APP_ROLE).is_some());
    assert!(cache.role(REPORT_ROLE).is_none());
    assert!(cache.policy(BASIC).is_some() && cache.policy(ADMIN).is_some());
    assert!(cache.policy(REPORTS_READ).is_none());
}

#[tokio::test]
async fn a_role_seen_in_another_region_costs_no_iam_call() {
    let router = Router::new(account_route);
    let config = testing::sdk_config(router.clone(), "us-east-1");
    let shared = testing::shared(&config);
    collect(&shared, &testing::region_clients(&config, "us-east-1")).await;
    let iam_before = router.count(|s| s.action().is_some());

    let west = collect(&shared, &testing::region_clients(&config, "us-west-2")).await;
    assert_eq!(west.inventory.regions, vec!["us-west-2".to_string()]);
    assert_eq!(west.inventory.functions.len(), 1);
    assert_eq!(west.inventory.functions[0].region, "us-west-2");
    let role = west.inventory.roles[APP_ROLE]
        .as_ref()
        .clone()
        .expect("from the cache");
    assert_eq!(role.policies.len(), 4);
    assert_eq!(router.count(|s| s.action().is_some()), iam_before);
    assert_eq!(west.state(), CollectionState::Ok);
    assert!(west.failures.is_empty());
}

#[tokio::test]
async fn regions_polled_together_read_each_role_once_and_later_polls_read_it_again() {
    let router = Router::new(account_route).with_delay(std::time::Duration::from_millis(5));
    let config = testing::sdk_config(router.clone(), "us-east-1");
    let shared = testing::shared(&config);
    let (east, west) = (
        testing::region_clients(&config, "us-east-1"),
        testing::region_clients(&config, "us-west-2"),
    );
    let (a, b) = join(collect(&shared, &east), collect(&shared, &west)).await;
    assert!(a.inventory.roles[APP_ROLE].is_ok() && b.inventory.roles[APP_ROLE].is_ok());
    let iam = |router: &Router| {
        router.count(|s| {
            s.action()
                .is_some_and(|a| a == "ListAttachedRolePolicies" || a == "ListRolePolicies")
        })
    };
    let first = iam(&router);
    let alone = {
        let router = Router::new(account_route);
        let config = testing::sdk_config(router.clone(), "us-east-1");
        collect(
            &testing::shared(&config),
            &testing::region_clients(&config, "us-east-1"),
        )
        .await;
        iam(&router)
    };
    assert_eq!(
        first, alone,
        "the second region waited for the first's reading"
    );

    // Once the documents are older than the cache's lifetime, a poll reads them again:
    // role changes show on the next periodic poll or refresh.
    let mut stale = testing::shared(&config);
    stale.iam_cache = crate::aws::IamCache::new(std::time::Duration::ZERO);
    collect(&stale, &east).await;
    let before = iam(&router);
    collect(&stale, &east).await;
    assert_eq!(iam(&router) - before, alone);
}

#[tokio::test]
async fn a_failed_listing_is_a_list_failure_and_nothing_else_is_asked() {
    let router = Router::new(|s: &Seen| {
        if s.path.starts_with("/2015-03-31/functions") {
            Reply::denied_xml("lambda:ListFunctions")
        } else {
            Reply::json_error(500, "ServiceException")
        }
    });
    let config = testing::sdk_config(router.clone(), "eu-west-1");
    let shared = testing::shared(&config);
    let collected = collect(&shared, &testing::region_clients(&config, "eu-west-1")).await;

    assert_eq!(
        collected.inventory.list_failures,
        vec![ListFailure {
            service: Service::Lambda,
            area: crate::domain::inventory::Area::Functions,
            region: "eu-west-1".into(),
            call: "lambda:ListFunctions".into(),
            reason: "AccessDenied: missing lambda:ListFunctions".into(),
        }]
    );
    assert!(collected.inventory.functions.is_empty());
    assert!(collected.inventory.roles.is_empty());
    assert_eq!(collected.inventory.regions, vec!["eu-west-1".to_string()]);
    assert_eq!(collected.inventory.account_id, ACCOUNT);
    assert_eq!(collected.state(), CollectionState::Failed);
    let requests = router.requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "GET", "a read, nothing else");
}

#[tokio::test]
async fn a_role_whose_listing_fails_is_an_err_and_is_asked_again_next_poll() {
    let router = Router::new(|s: &Seen| match s.action().as_deref() {
        Some("ListAttachedRolePolicies") => Reply::iam_error(403, "AccessDenied"),
        Some("ListRolePolicies") => inline(&[], None),
        Some(_) => Reply::iam_error(400, "InvalidAction"),
        None if s.path.starts_with("/2015-03-31/functions/") && s.path.len() > 22 => {
            Reply::json_error(404, "ResourceNotFoundException")
        }
        None => Reply::json(&format!(
            r#"{{"Functions":[{},{}]}}"#,
            function_json("a", APP_ROLE, ""),
            function_json("bad-role", "not-an-arn", "")
        )),
    });
    let config = testing::sdk_config(router.clone(), "us-east-1");
    let shared = testing::shared(&config);
    let clients = testing::region_clients(&config, "us-east-1");

    let first = collect(&shared, &clients).await;
    assert_eq!(
        first.inventory.role(APP_ROLE),
        Some(&Err(
            "AccessDenied: missing iam:ListAttachedRolePolicies".into()
        ))
    );
    assert_eq!(
        first.inventory.role("not-an-arn"),
        Some(&Err("not an IAM role ARN: not-an-arn".into()))
    );
    assert_eq!(first.inventory.functions.len(), 2);
    assert_eq!(first.state(), CollectionState::Partial);
    assert_eq!(router.count_action("ListAttachedRolePolicies"), 1);

    collect(&shared, &clients).await;
    assert_eq!(router.count_action("ListAttachedRolePolicies"), 2);
}

/// The benchmark's shape: many functions sharing a few roles stay within 4 requests each
/// (3.25 here: the event invoke config is read only for the functions SNS may invoke).
#[tokio::test]
async fn requests_stay_within_four_per_function_when_roles_are_shared() {
    let router = Router::new(|s: &Seen| {
        if s.action().is_some() {
            return iam_route(s);
        }
        if s.path == "/2015-03-31/functions/" || s.path == "/2015-03-31/functions" {
            let page: u32 = s.query("Marker").and_then(|m| m.parse().ok()).unwrap_or(0);
            let functions: Vec<String> = (page * 50..page * 50 + 50)
                .map(|i| {
                    let role = if i % 2 == 0 { APP_ROLE } else { REPORT_ROLE };
                    function_json(&format!("fn-{i}"), role, "")
                })
                .collect();
            let next = if page < 3 {
                format!(r#","NextMarker":"{}""#, page + 1)
            } else {
                String::new()
            };
            return Reply::json(&format!(
                r#"{{"Functions":[{}]{next}}}"#,
                functions.join(",")
            ));
        }
        // Every fourth function is subscribed to a topic, so SNS may invoke it.
        if let Some(i) = s
            .path
            .strip_prefix("/2015-03-31/functions/fn-")
            .and_then(|rest| rest.strip_suffix("/policy"))
            .and_then(|i| i.parse::<u32>().ok())
            && i % 4 == 0
        {
            return Reply::json(
                r#"{"Policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"sns.amazonaws.com\"},\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"*\"}]}"}"#,
            );
        }
        Reply::json_error(404, "ResourceNotFoundException")
    });
    let config = testing::sdk_config(router.clone(), "us-east-1");
    let shared = testing::shared(&config);
    let collected = collect(&shared, &testing::region_clients(&config, "us-east-1")).await;

    let functions = collected.inventory.functions.len();
    assert_eq!(functions, 200, "four pages of 50");
    let requests = router.requests().len();
    assert_eq!(requests, shared.calls.load(Ordering::Relaxed) as usize);
    // Per function: GetPolicy, ListFunctionUrlConfigs and ListAliases, and
    // GetFunctionEventInvokeConfig for the quarter that SNS may invoke; per region: the
    // four pages, the URL-listing probe and the code signing listing; IAM: a few calls for
    // the two shared roles.
    let per_function = ["/policy", "/urls", "/aliases"]
        .iter()
        .map(|suffix| router.count(|s| s.path.ends_with(suffix) && !s.path.contains("fn-0/")))
        .sum::<usize>();
    assert_eq!(per_function, 3 * (functions - 1));
    let event_invoke = router.count(|s| s.path.ends_with("/event-invoke-config"));
    assert_eq!(event_invoke, functions / 4);
    let iam = router.count(|s| s.action().is_some());
    assert!(
        requests - iam <= 3 * functions + functions / 4 + 4 + 2 + 1,
        "{requests} requests ({iam} IAM) for {functions} functions"
    );
    assert_eq!(
        router.count(|s| s.path.ends_with("/policy")),
        functions,
        "one GetPolicy per function"
    );
}

/// A function with two aliases: `live` with its own public URL (listed by
/// ListFunctionUrlConfigs) and policy, `blue` whose policy could not be read; one code
/// signing config (Enforce) covering it through a qualified ARN.
fn alias_route(s: &Seen) -> Reply {
    if s.action().is_some() {
        return iam_route(s);
    }
    let qualifier = s.query("Qualifier");
    match (s.path.as_str(), qualifier.as_deref()) {
        ("/2015-03-31/functions/" | "/2015-03-31/functions", _) => {
            Reply::json(&format!(r#"{{"Functions":[{}]}}"#, orders_json()))
        }
        ("/2021-10-31/functions/orders/urls", _) => match s.query("Marker").as_deref() {
            None => Reply::json(
                r#"{"FunctionUrlConfigs":[{"FunctionUrl":"https://latest.lambda-url.us-east-1.on.aws/",
                        "FunctionArn":"arn:aws:lambda:us-east-1:123456789012:function:orders","AuthType":"AWS_IAM",
                        "CreationTime":"2024-01-01T00:00:00Z","LastModifiedTime":"2024-01-01T00:00:00Z"}],"NextMarker":"u2"}"#,
            ),
            _ => Reply::json(
                r#"{"FunctionUrlConfigs":[{"FunctionUrl":"https://live.lambda-url.us-east-1.on.aws/",
                        "FunctionArn":"arn:aws:lambda:us-east-1:123456789012:function:orders:live","AuthType":"NONE",
                        "Cors":{"AllowOrigins":["*"]},
                        "CreationTime":"2024-01-01T00:00:00Z","LastModifiedTime":"2024-01-01T00:00:00Z"}]}"#,
            ),
        },
        ("/2015-03-31/functions/orders/aliases", _) => match s.query("Marker").as_deref() {
            None => Reply::json(
                r#"{"Aliases":[{"AliasArn":"arn:aws:lambda:us-east-1:123456789012:function:orders:live",
                        "Name":"live","FunctionVersion":"3"}],"NextMarker":"a2"}"#,
            ),
            _ => Reply::json(
                r#"{"Aliases":[{"AliasArn":"arn:aws:lambda:us-east-1:123456789012:function:orders:blue",
                        "Name":"blue","FunctionVersion":"2"}]}"#,
            ),
        },
        ("/2015-03-31/functions/orders/policy", Some("live")) => Reply::json(
            r#"{"Policy":"{\"Statement\":[{\"Sid\":\"open\",\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"lambda:InvokeFunction\"}]}","RevisionId":"r2"}"#,
        ),
        ("/2015-03-31/functions/orders/policy", Some("blue")) => {
            Reply::denied_xml("lambda:GetPolicy")
        }
        ("/2020-04-22/code-signing-configs" | "/2020-04-22/code-signing-configs/", _) => {
            Reply::json(
                r#"{"CodeSigningConfigs":[{"CodeSigningConfigId":"csc-1",
                        "CodeSigningConfigArn":"arn:aws:lambda:us-east-1:123456789012:code-signing-config:csc-1",
                        "AllowedPublishers":{"SigningProfileVersionArns":["arn:aws:signer:us-east-1:123456789012:/signing-profiles/p/v1"]},
                        "CodeSigningPolicies":{"UntrustedArtifactOnDeployment":"Enforce"},"LastModified":"2024-01-01T00:00:00Z"}]}"#,
            )
        }
        (p, _) if p.starts_with("/2020-04-22/code-signing-configs/") => Reply::json(
            r#"{"FunctionArns":["arn:aws:lambda:us-east-1:123456789012:function:orders:live"]}"#,
        ),
        _ => Reply::json_error(404, "ResourceNotFoundException"),
    }
}

#[tokio::test]
async fn aliases_urls_and_code_signing_are_read_with_their_pages() {
    let router = Router::new(alias_route);
    let config = testing::sdk_config(router.clone(), "us-east-1");
    let shared = testing::shared(&config);
    let collected = collect(&shared, &testing::region_clients(&config, "us-east-1")).await;
    let orders = &collected.inventory.functions[0];
    assert_eq!(
        orders.url.as_ref().unwrap().as_ref().unwrap().auth_type,
        "AWS_IAM"
    );
    let aliases = orders.aliases.as_ref().expect("aliases listed");
    let names: Vec<&str> = aliases.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["live", "blue"], "both pages");
    let live = &aliases[0];
    assert_eq!(live.arn, format!("{}:live", orders.arn));
    let url = live
        .url
        .as_ref()
        .unwrap()
        .as_ref()
        .expect("the alias's own URL");
    assert_eq!(url.auth_type, "NONE");
    assert_eq!(url.cors_allow_origins, ["*"]);
    assert!(
        live.policy
            .as_ref()
            .unwrap()
            .as_ref()
            .unwrap()
            .contains("open")
    );
    assert_eq!(aliases[1].url, Ok(None));
    assert_eq!(
        aliases[1].policy,
        Err("AccessDenied: missing lambda:GetPolicy".into())
    );
    let signing = orders.code_signing.as_ref().unwrap().as_ref().unwrap();
    assert_eq!(signing.untrusted_artifact_on_deployment, "Enforce");
    // No per-alias URL call: ListFunctionUrlConfigs answered for every qualifier.
    assert_eq!(router.count(|s| s.path.ends_with("/url")), 0);
    assert_eq!(
        router.count(|s| s.path.ends_with("/policy") && s.query("Qualifier").is_some()),
        2,
        "one GetPolicy per alias"
    );
    assert_eq!(collected.state(), CollectionState::Partial);
}

/// moto answers ListFunctionUrlConfigs and every code-signing call with an HTML 404: the
/// URLs come from GetFunctionUrlConfig per qualifier, and code signing is unknown.
#[tokio::test]
async fn without_the_url_listing_each_qualifier_is_asked_and_code_signing_is_unknown() {
    let html_404 = || Reply {
        status: 404,
        content_type: "text/html",
        headers: Vec::new(),
        body: "<html><body>Not Found</body></html>".into(),
    };
    let router = Router::new(move |s: &Seen| {
        if s.path.ends_with("/urls") || s.path.starts_with("/2020-04-22/") {
            return html_404();
        }
        if s.path.ends_with("/url") && s.query("Qualifier").as_deref() == Some("live") {
            return Reply::json(
                r#"{"FunctionUrl":"https://live.lambda-url.us-east-1.on.aws/","FunctionArn":"arn:aws:lambda:us-east-1:123456789012:function:orders:live",
                        "AuthType":"NONE","CreationTime":"2024-01-01T00:00:00Z","LastModifiedTime":"2024-01-01T00:00:00Z"}"#,
            );
        }
        if s.path.ends_with("/aliases") {
            return Reply::json(
                r#"{"Aliases":[{"AliasArn":"arn:aws:lambda:us-east-1:123456789012:function:orders:live","Name":"live"}]}"#,
            );
        }
        alias_route(s)
    });
    let config = testing::sdk_config(router.clone(), "us-east-1");
    let shared = testing::shared(&config);
    let collected = collect(&shared, &testing::region_clients(&config, "us-east-1")).await;
    let orders = &collected.inventory.functions[0];
    let live = &orders.aliases.as_ref().unwrap()[0];
    assert_eq!(
        live.url.as_ref().unwrap().as_ref().unwrap().auth_type,
        "NONE"
    );
    assert_eq!(orders.url, Ok(None), "$LATEST has no URL");
    let signing = orders
        .code_signing
        .as_ref()
        .expect_err("unknown, never none");
    assert!(
        signing.contains("lambda:ListCodeSigningConfigs"),
        "{signing}"
    );
    assert_eq!(
        router.count(|s| s.path.ends_with("/urls")),
        1,
        "probed once"
    );
}

fn replay_request(uri: &str) -> HttpRequest {
    HttpRequest::get(uri).expect("uri")
}

fn replay_response(
    status: u16,
    content_type: &str,
    extra: Option<(&str, &str)>,
    body: &str,
) -> HttpResponse {
    let mut response = HttpResponse::new(
        StatusCode::try_from(status).expect("status"),
        SdkBody::from(body.to_string()),
    );
    response
        .headers_mut()
        .insert("content-type", content_type.to_string());
    if let Some((name, value)) = extra {
        response
            .headers_mut()
            .insert(name.to_string(), value.to_string());
    }
    response
}

fn replay_shared(replay: &StaticReplayClient) -> (Shared, aws_sdk_lambda::Client) {
    let config = testing::sdk_config(replay.clone(), "us-east-1");
    (
        testing::shared(&config),
        aws_sdk_lambda::Client::new(&config),
    )
}

/// moto does not paginate ListFunctions: two recorded pages prove the marker is followed.
#[tokio::test]
async fn list_functions_follows_next_marker_across_recorded_pages() {
    let base = "https://lambda.us-east-1.amazonaws.com/2015-03-31/functions";
    let replay = StaticReplayClient::new(vec![
        ReplayEvent::new(
            replay_request(&format!("{base}?MaxItems=50")),
            replay_response(
                200,
                "application/json",
                None,
                &format!(
                    r#"{{"Functions":[{},{}],"NextMarker":"page-2"}}"#,
                    orders_json(),
                    billing_json()
                ),
            ),
        ),
        ReplayEvent::new(
            replay_request(&format!("{base}?Marker=page-2&MaxItems=50")),
            replay_response(
                200,
                "application/json",
                None,
                &format!(r#"{{"Functions":[{}]}}"#, reports_json()),
            ),
        ),
    ]);
    let (shared, lambda) = replay_shared(&replay);
    let configs = list_functions(&shared, &lambda).await.expect("listed");
    let names: Vec<&str> = configs.iter().filter_map(|c| c.function_name()).collect();
    assert_eq!(names, ["orders", "billing", "reports"]);
    replay.assert_requests_match(&[
        "x-amz-user-agent",
        "authorization",
        "user-agent",
        "x-amz-date",
        "amz-sdk-invocation-id",
        "amz-sdk-request",
    ]);
    assert_eq!(shared.calls.load(Ordering::Relaxed), 2);
}

/// GetPolicy answers recorded from Lambda and from moto with enforcement on.
#[tokio::test]
async fn get_policy_not_found_is_none_and_a_403_xml_body_is_a_denial() {
    let uri = |name: &str| {
        format!("https://lambda.us-east-1.amazonaws.com/2015-03-31/functions/{name}/policy")
    };
    let denied = Reply::denied_xml("lambda:GetPolicy").body;
    let replay = StaticReplayClient::new(vec![
        ReplayEvent::new(
            replay_request(&uri("none")),
            replay_response(
                404,
                "application/json",
                Some(("x-amzn-errortype", "ResourceNotFoundException")),
                r#"{"Type":"User","Message":"The resource you requested does not exist."}"#,
            ),
        ),
        ReplayEvent::new(
            replay_request(&uri("locked")),
            replay_response(403, "text/xml", None, &denied),
        ),
        ReplayEvent::new(
            replay_request(&uri("open")),
            replay_response(
                200,
                "application/json",
                None,
                r#"{"Policy":"{\"Statement\":[]}","RevisionId":"1"}"#,
            ),
        ),
    ]);
    let (shared, lambda) = replay_shared(&replay);

    assert_eq!(fetch_policy(&shared, &lambda, "none").await, Ok(None));
    let denied = fetch_policy(&shared, &lambda, "locked")
        .await
        .expect_err("denied");
    assert_eq!(denied.kind, FailureKind::Denied);
    assert_eq!(denied.reason(), "AccessDenied: missing lambda:GetPolicy");
    assert_eq!(
        fetch_policy(&shared, &lambda, "open").await,
        Ok(Some(r#"{"Statement":[]}"#.to_string()))
    );
    replay.assert_requests_match(&[
        "x-amz-user-agent",
        "authorization",
        "user-agent",
        "x-amz-date",
        "amz-sdk-invocation-id",
        "amz-sdk-request",
    ]);
}

#[test]
fn role_names_drop_the_path() {
    assert_eq!(crate::aws::roles::role_name(APP_ROLE), Some("app-role"));
    assert_eq!(
        crate::aws::roles::role_name(REPORT_ROLE),
        Some("report-role")
    );
    assert_eq!(
        crate::aws::roles::role_name("arn:aws:iam::123456789012:user/someone"),
        None
    );
    assert_eq!(
        crate::aws::roles::role_name("arn:aws:iam::123456789012:role/"),
        None
    );
}
