use super::*;

fn opts(profile: Option<&str>, endpoint: Option<&str>) -> AwsOptions {
    AwsOptions {
        profile: profile.map(String::from),
        endpoint_url: endpoint.map(String::from),
        ..AwsOptions::default()
    }
}

#[test]
fn setup_errors_say_what_to_do() {
    let sso = setup_error(
        &opts(Some("prod"), None),
        FailureKind::Credentials,
        "",
        "dispatch failure: other: the SSO token has expired; run aws sso login",
    );
    assert_eq!(sso.message, "the SSO session has expired or is missing");
    assert_eq!(sso.hint, "run `aws sso login --profile prod`");

    let profile = setup_error(
        &opts(Some("nope"), None),
        FailureKind::Credentials,
        "",
        "failed to load credentials: ProfileFile provider: profile `nope` was not defined",
    );
    assert_eq!(profile.message, "profile `nope` is not defined");

    let none = setup_error(
        &opts(None, None),
        FailureKind::Other,
        "",
        "dispatch failure: other: no providers in chain provided credentials: \
             CredentialsNotLoaded",
    );
    assert_eq!(none.message, "no AWS credentials found");
    assert!(none.hint.contains("aws configure"));

    let expired = setup_error(
        &opts(Some("dev"), None),
        FailureKind::Credentials,
        "ExpiredToken: The security token included in the request is expired",
        "service error: ExpiredToken",
    );
    assert!(
        expired
            .message
            .starts_with("AWS rejected the credentials (ExpiredToken")
    );
    assert!(
        expired.hint.ends_with("(profile `dev`)"),
        "{}",
        expired.hint
    );

    let denied = setup_error(&opts(None, None), FailureKind::Denied, "AccessDenied", "");
    assert_eq!(denied.message, "access denied to sts:GetCallerIdentity");
    assert!(denied.hint.contains("parapet policy"));
}

#[test]
fn an_unreachable_endpoint_is_named_with_its_cause() {
    let down = setup_error(
        &opts(None, Some("http://127.0.0.1:9")),
        FailureKind::Unreachable,
        "",
        "dispatch failure: io error: Connection refused (os error 111)",
    );
    assert_eq!(
        down.message,
        "cannot reach AWS at http://127.0.0.1:9 (connection refused)"
    );
    assert_eq!(down.hint, "is the endpoint http://127.0.0.1:9 up?");
    let dns = setup_error(
        &opts(None, None),
        FailureKind::Unreachable,
        "",
        "dispatch failure: dns error: failed to lookup address information",
    );
    assert_eq!(dns.message, "cannot reach AWS (name resolution failed)");
    assert!(dns.hint.contains("network"));
}

/// An HTML error page (an emulator's unimplemented call) is final at once; a service's
/// own 500 is retried as usual.
#[tokio::test]
async fn not_implemented_pages_are_not_retried() {
    use crate::aws::fake::{Reply, Router};
    for (html, attempts) in [(true, 1), (false, 3)] {
        let router = Router::new(move |_| {
            if html {
                Reply {
                    status: 500,
                    content_type: "text/html; charset=utf-8",
                    headers: Vec::new(),
                    body: "<!doctype html><title>500 Internal Server Error</title>".into(),
                }
            } else {
                Reply::json_error(500, "ServiceException")
            }
        });
        let config = crate::aws::fake::sdk_config_retrying(router.clone(), "us-east-1");
        let clients = region_clients(&config, "us-east-1");
        let err = clients
            .lambda
            .get_policy()
            .function_name("f")
            .send()
            .await
            .unwrap_err();
        assert_eq!(router.requests().len(), attempts, "html: {html}");
        let kind = errors::classify(&err, "lambda:GetPolicy").kind;
        let want = if html {
            FailureKind::NotImplemented
        } else {
            FailureKind::Other
        };
        assert_eq!(kind, want);
    }
}

#[test]
fn regions_expand_all_and_drop_repeats_in_order() {
    let config = SdkConfig::builder()
        .region(Region::new("eu-west-1"))
        .behavior_version(BehaviorVersion::latest())
        .build();
    let with = |regions: &[&str]| AwsOptions {
        regions: regions.iter().map(|r| r.to_string()).collect(),
        ..AwsOptions::default()
    };
    assert_eq!(regions(&with(&[]), &config).unwrap(), ["eu-west-1"]);
    assert_eq!(
        regions(&with(&["us-east-1", "eu-west-1", "us-east-1"]), &config).unwrap(),
        ["us-east-1", "eu-west-1"]
    );
    let all = regions(&with(&["ap-east-1", "all"]), &config).unwrap();
    assert_eq!(all[0], "ap-east-1", "an opt-in region named beside all");
    assert_eq!(all.len(), 1 + DEFAULT_ENABLED_REGIONS.len());
    let no_region = SdkConfig::builder()
        .behavior_version(BehaviorVersion::latest())
        .build();
    let err = regions(&with(&[]), &no_region).unwrap_err();
    assert_eq!(err.message, "no AWS region configured");
}
