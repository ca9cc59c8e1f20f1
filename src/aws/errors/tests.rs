use super::*;

/// Issue 19: throttling answers of every protocol Parapet reads are recognised from the
/// response, so the SDK leaves them to the pacing.
#[test]
fn throttling_answers_are_recognised_in_every_protocol() {
    use aws_smithy_types::body::SdkBody;
    let response = |status: u16, header: Option<(&str, &str)>, body: &str| {
        let mut r = HttpResponse::new(
            aws_smithy_runtime_api::http::StatusCode::try_from(status).unwrap(),
            SdkBody::from(body.to_string()),
        );
        if let Some((k, v)) = header {
            r.headers_mut().insert(k.to_string(), v.to_string());
        }
        r
    };
    // REST-JSON (Lambda, API Gateway): 429.
    assert!(is_throttling(&response(
        429,
        Some(("x-amzn-ErrorType", "TooManyRequestsException")),
        r#"{"Reason":"CallerRateLimitExceeded","Type":"User"}"#
    )));
    // JSON protocol (KMS, Secrets Manager, EventBridge): 400 and the type.
    assert!(is_throttling(&response(
        400,
        None,
        r#"{"__type":"com.amazonaws.kms#ThrottlingException","message":"Rate exceeded"}"#
    )));
    assert!(is_throttling(&response(
        400,
        Some(("x-amzn-ErrorType", "ThrottlingException:http://internal")),
        "{}"
    )));
    // Query protocol (IAM, SNS, SQS): 400 and an XML code.
    assert!(is_throttling(&response(
        400,
        None,
        "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>\
             <Message>Rate exceeded</Message></Error></ErrorResponse>"
    )));
    assert!(is_throttling(&response(
        400,
        Some(("x-amzn-query-error", "RequestThrottled;Sender")),
        ""
    )));
    // Not throttling: denied, missing, a message that merely mentions the word.
    assert!(!is_throttling(&response(
        403,
        Some(("x-amzn-ErrorType", "AccessDeniedException")),
        r#"{"message":"not allowed"}"#
    )));
    assert!(!is_throttling(&response(404, None, "{}")));
    assert!(!is_throttling(&response(
        400,
        None,
        r#"{"__type":"ValidationException","message":"Throttling settings are invalid"}"#
    )));
}
