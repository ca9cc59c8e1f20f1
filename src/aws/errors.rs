//! Turning failed AWS calls into knowledge: every failure becomes a one-line reason that
//! names what went wrong and, for denials, the IAM action that is missing. These strings end
//! up on `unknown` findings and in the status strip.

use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::domain::failure::Failure;
pub use crate::domain::failure::FailureKind;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallFailure {
    pub kind: FailureKind,
    /// IAM action of the call, e.g. `lambda:GetPolicy`.
    pub action: &'static str,
    pub code: Option<String>,
    pub status: Option<u16>,
    pub message: String,
}

impl CallFailure {
    /// An answer that arrived but lacks what the call is for.
    pub fn unparsable(action: &'static str, message: &str) -> CallFailure {
        CallFailure {
            kind: FailureKind::Unparsable,
            action,
            code: None,
            status: None,
            message: message.to_string(),
        }
    }

    /// The failure as the domain keeps it: kind, action and reason.
    pub fn failure(&self) -> Failure {
        Failure::new(self.kind, Some(self.action), self.reason())
    }

    /// The one-line reason shown on findings, e.g. `AccessDenied: missing lambda:GetPolicy`.
    pub fn reason(&self) -> String {
        // What a service says may quote a URL (its endpoint, a presigned location).
        crate::domain::text::redact_urls(&self.reason_raw()).into_owned()
    }

    fn reason_raw(&self) -> String {
        match self.kind {
            FailureKind::Denied => format!("AccessDenied: missing {}", self.action),
            FailureKind::Throttled if self.message.starts_with("when ") => {
                format!(
                    "Throttled: {} still throttled {}",
                    self.action, self.message
                )
            }
            FailureKind::Throttled => {
                format!("Throttled: {} still throttled after retries", self.action)
            }
            FailureKind::NotImplemented => format!(
                "NotImplemented: the endpoint does not implement {}{}",
                self.action,
                self.status
                    .map(|s| format!(" (HTTP {s})"))
                    .unwrap_or_default()
            ),
            FailureKind::NotFound => format!("NotFound: {}", self.message),
            FailureKind::Credentials => format!("Credentials: {}", self.message),
            FailureKind::Unreachable => format!("Unreachable: {} ({})", self.action, self.message),
            FailureKind::Unparsable => {
                format!("Unparsable response to {}: {}", self.action, self.message)
            }
            FailureKind::Other => format!(
                "{}: {}",
                self.code.as_deref().unwrap_or("Error"),
                self.message
            ),
        }
    }
}

const DENIED_CODES: &[&str] = &[
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedException",
    "AuthorizationError",
    "Forbidden",
    "ForbiddenException",
];
const THROTTLE_CODES: &[&str] = &[
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "TooManyRequestsException",
    "RequestLimitExceeded",
    "RequestThrottled",
    "SlowDown",
];
const CREDENTIAL_CODES: &[&str] = &[
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "MissingAuthenticationToken",
    "IncompleteSignature",
];
const NOT_FOUND_CODES: &[&str] = &[
    "ResourceNotFoundException",
    "NotFoundException",
    "NoSuchEntity",
    "NoSuchEntityException",
    "NotFound",
];

/// Classifies a failed SDK call.
pub fn classify<E>(err: &SdkError<E, HttpResponse>, action: &'static str) -> CallFailure
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    let mut failure = CallFailure {
        kind: FailureKind::Other,
        action,
        code: None,
        status: None,
        message: String::new(),
    };
    match err {
        SdkError::ServiceError(service) => {
            let status = service.raw().status().as_u16();
            let inner = service.err();
            failure.status = Some(status);
            failure.code = inner.code().map(str::to_string);
            failure.message = inner
                .message()
                .map(str::to_string)
                .unwrap_or_else(|| format!("HTTP {status}"));
            failure.kind = kind_of(failure.code.as_deref(), status);
        }
        SdkError::TimeoutError(_) => {
            failure.kind = FailureKind::Unreachable;
            failure.message = "timed out".into();
        }
        SdkError::DispatchFailure(dispatch) => {
            failure.kind = FailureKind::Unreachable;
            failure.message = if dispatch.is_timeout() {
                "timed out".into()
            } else if dispatch.is_io() {
                "could not connect".into()
            } else {
                one_line(&format!(
                    "{}",
                    aws_smithy_types::error::display::DisplayErrorContext(err)
                ))
            };
        }
        SdkError::ResponseError(response) => {
            let status = response.raw().status().as_u16();
            failure.status = Some(status);
            failure.kind = kind_of(None, status);
            if failure.kind == FailureKind::Other {
                failure.kind = FailureKind::Unparsable;
            }
            failure.message = format!("HTTP {status}, body not understood");
        }
        other => {
            failure.message = one_line(&format!(
                "{}",
                aws_smithy_types::error::display::DisplayErrorContext(other)
            ));
            if failure.message.to_ascii_lowercase().contains("credential") {
                failure.kind = FailureKind::Credentials;
            }
        }
    }
    failure
}

/// Classifies by error code first, then by HTTP status (moto answers denials as XML with
/// 403 even for JSON services, and unimplemented calls as HTML 404/500).
pub fn kind_of(code: Option<&str>, status: u16) -> FailureKind {
    if let Some(code) = code {
        if DENIED_CODES.contains(&code) {
            return FailureKind::Denied;
        }
        if THROTTLE_CODES.contains(&code) {
            return FailureKind::Throttled;
        }
        if CREDENTIAL_CODES.contains(&code) {
            return FailureKind::Credentials;
        }
        if NOT_FOUND_CODES.contains(&code) {
            return FailureKind::NotFound;
        }
    }
    match status {
        403 => FailureKind::Denied,
        429 => FailureKind::Throttled,
        401 => FailureKind::Credentials,
        404 if code.is_none() => FailureKind::NotImplemented,
        500 | 501 if code.is_none() => FailureKind::NotImplemented,
        _ => FailureKind::Other,
    }
}

/// A retry classifier: an HTML page answering 404, 500 or 501 is an endpoint that does not
/// implement the call (emulators such as moto answer unimplemented operations this way; AWS
/// APIs answer errors in JSON or XML). Retrying cannot change that, and with backoff the five
/// attempts would cost seconds per call, so it is final at once.
#[derive(Debug, Default)]
pub struct NotImplementedIsFinal;

impl ClassifyRetry for NotImplementedIsFinal {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.response() {
            Some(r)
                if is_not_implemented_page(
                    r.status().as_u16(),
                    r.headers().get("content-type"),
                ) =>
            {
                RetryAction::RetryForbidden
            }
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "NotImplementedIsFinal"
    }
}

/// Leaves throttling to [`super::Shared::call`]: a throttling answer is not retried by the
/// SDK (whose retries would go out unpaced and, after five attempts, give up), but returned,
/// so the call slows the quota buckets it draws from and is sent again when they allow.
/// Recognised from the response, whatever the protocol: HTTP 429 (REST-JSON: Lambda, API
/// Gateway), or a 400/503 whose `x-amzn-ErrorType`/`x-amzn-query-error` header or body names
/// a throttling code (JSON protocol `ThrottlingException`, query protocol `Throttling`).
#[derive(Debug, Default)]
pub struct ThrottlingIsPaced;

impl ClassifyRetry for ThrottlingIsPaced {
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        match ctx.response() {
            Some(r) if is_throttling(r) => RetryAction::RetryForbidden,
            _ => RetryAction::NoActionIndicated,
        }
    }

    fn name(&self) -> &'static str {
        "ThrottlingIsPaced"
    }
}

/// Whether an HTTP response is a throttling answer.
fn is_throttling(r: &HttpResponse) -> bool {
    let status = r.status().as_u16();
    if status == 429 {
        return true;
    }
    if !matches!(status, 400 | 403 | 503) {
        return false;
    }
    // A header names the code first: `ThrottlingException:http://…`, `Throttling;Sender`.
    let header_names = |value: &str| {
        let first = value.split([':', ';']).next().unwrap_or("").trim();
        THROTTLE_CODES.contains(&first)
    };
    // A body names it where an error code goes, not merely in a message.
    let body_names = |body: &str| {
        let body: String = body.chars().filter(|c| !c.is_whitespace()).collect();
        THROTTLE_CODES.iter().any(|code| {
            body.contains(&format!("<Code>{code}</Code>"))
                || body.contains(&format!("\"__type\":\"{code}\""))
                || body.contains(&format!("#{code}\""))
                || body.contains(&format!("\"code\":\"{code}\""))
                || body.contains(&format!("\"Code\":\"{code}\""))
        })
    };
    ["x-amzn-errortype", "x-amzn-query-error"]
        .iter()
        .filter_map(|h| r.headers().get(*h))
        .any(header_names)
        || r.body()
            .bytes()
            .is_some_and(|b| body_names(&String::from_utf8_lossy(&b[..b.len().min(4096)])))
}

fn is_not_implemented_page(status: u16, content_type: Option<&str>) -> bool {
    matches!(status, 404 | 500 | 501)
        && content_type.is_some_and(|c| c.trim().to_ascii_lowercase().starts_with("text/html"))
}

/// One line, without the credentials of any URL in it (an endpoint given as
/// `https://user:password@host`, a presigned location).
fn one_line(s: &str) -> String {
    crate::domain::text::redact_urls(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests;
