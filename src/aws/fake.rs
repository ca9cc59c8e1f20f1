//! The one fake AWS endpoint of the poller tests: canned HTTP answers chosen per request
//! ([`Router`], for REST-JSON and query-protocol services, and [`FakeAws`] on top of it for
//! JSON-protocol ones), every request recorded, and SDK clients wired to it, so the real SDK
//! serializes every request and parses every answer.

use std::sync::{Arc, Mutex as StdMutex};

use aws_config::retry::RetryConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_sdk_lambda::config::{Credentials, SharedCredentialsProvider};
use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_runtime_api::shared::IntoShared;
use aws_smithy_types::body::SdkBody;

use serde_json::Value;

use crate::aws::{RegionClients, Shared};

pub const ACCOUNT: &str = "123456789012";
/// The region of [`FakeAws`] tests.
pub const REGION: &str = "eu-west-1";

/// One canned HTTP answer.
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl Reply {
    pub fn json(body: &str) -> Reply {
        Reply {
            status: 200,
            content_type: "application/json",
            headers: Vec::new(),
            body: body.to_string(),
        }
    }
    pub fn xml(body: &str) -> Reply {
        Reply {
            status: 200,
            content_type: "text/xml",
            headers: Vec::new(),
            body: body.to_string(),
        }
    }
    /// A REST-JSON service error as Lambda and API Gateway send it.
    pub fn json_error(status: u16, code: &str) -> Reply {
        Reply {
            status,
            content_type: "application/json",
            headers: vec![("x-amzn-errortype", code.to_string())],
            body: format!(r#"{{"Type":"User","message":"{code} from the test"}}"#),
        }
    }
    /// The XML AccessDenied body moto answers with HTTP 403, even for JSON services.
    pub fn denied_xml(action: &str) -> Reply {
        Reply {
            status: 403,
            content_type: "text/xml",
            headers: Vec::new(),
            body: format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><ErrorResponse><Errors><Error>\
                 <Code>AccessDenied</Code><Message>User: arn:aws:iam::{ACCOUNT}:user/scanner \
                 is not authorized to perform: {action}</Message></Error></Errors>\
                 <RequestId>r1</RequestId></ErrorResponse>"
            ),
        }
    }
    /// An IAM (query protocol) error.
    pub fn iam_error(status: u16, code: &str) -> Reply {
        Reply {
            status,
            content_type: "text/xml",
            headers: Vec::new(),
            body: format!(
                "<ErrorResponse><Error><Type>Sender</Type><Code>{code}</Code>\
                 <Message>{code} from the test</Message></Error><RequestId>r1</RequestId></ErrorResponse>"
            ),
        }
    }

    pub fn into_response(self) -> HttpResponse {
        let mut response = HttpResponse::new(
            StatusCode::try_from(self.status).expect("status"),
            SdkBody::from(self.body),
        );
        response
            .headers_mut()
            .insert("content-type", self.content_type);
        for (name, value) in self.headers {
            response.headers_mut().insert(name, value);
        }
        response
    }
}

/// A request as the router sees it.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub uri: String,
    /// Path with percent-escapes decoded.
    pub path: String,
    /// The operation of a JSON-protocol request (`X-Amz-Target: Service.Operation`).
    pub target: Option<String>,
    pub body: String,
}

impl Seen {
    /// A form parameter of a query-protocol (IAM) request, decoded.
    pub fn param(&self, key: &str) -> Option<String> {
        self.body.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == key).then(|| decode(v))
        })
    }
    /// The IAM action of a query-protocol request.
    pub fn action(&self) -> Option<String> {
        self.param("Action")
    }
    /// A query-string parameter, decoded.
    pub fn query(&self, key: &str) -> Option<String> {
        let query = self.uri.split_once('?')?.1;
        query.split('&').find_map(|pair| {
            let (k, v) = pair.split_once('=')?;
            (k == key).then(|| decode(v))
        })
    }
}

fn decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                match u8::from_str_radix(hex, 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 3;
                    }
                    Err(_) => {
                        out.push(b'%');
                        i += 1;
                    }
                }
            }
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

type Route = dyn Fn(&Seen) -> Reply + Send + Sync;

/// An HTTP client that answers each request with what `route` says, recording them all.
#[derive(Clone)]
pub struct Router {
    route: Arc<Route>,
    seen: Arc<StdMutex<Vec<Seen>>>,
    /// Answer after this long, like a network round trip (so concurrent polls interleave).
    delay: Option<std::time::Duration>,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router").finish_non_exhaustive()
    }
}

impl Router {
    pub fn new(route: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Router {
        Router {
            route: Arc::new(route),
            seen: Arc::default(),
            delay: None,
        }
    }
    pub fn with_delay(mut self, delay: std::time::Duration) -> Router {
        self.delay = Some(delay);
        self
    }
    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().expect("router lock").clone()
    }
    /// How many requests satisfied `pred`.
    pub fn count(&self, pred: impl Fn(&Seen) -> bool) -> usize {
        self.requests().iter().filter(|s| pred(s)).count()
    }
    /// How many query-protocol requests had this action.
    pub fn count_action(&self, action: &str) -> usize {
        self.count(|s| s.action().as_deref() == Some(action))
    }
}

impl HttpConnector for Router {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let uri = request.uri().to_string();
        let raw_path = uri.split_once("://").map(|(_, rest)| rest).unwrap_or(&uri);
        let raw_path = raw_path.find('/').map(|i| &raw_path[i..]).unwrap_or("/");
        let raw_path = raw_path.split('?').next().unwrap_or(raw_path);
        let seen = Seen {
            method: request.method().to_string(),
            path: decode(raw_path),
            target: request
                .headers()
                .get("x-amz-target")
                .map(|t| t.rsplit('.').next().unwrap_or_default().to_string()),
            body: String::from_utf8_lossy(request.body().bytes().unwrap_or_default()).into_owned(),
            uri,
        };
        let reply = (self.route)(&seen);
        self.seen.lock().expect("router lock").push(seen);
        match self.delay {
            None => HttpConnectorFuture::ready(Ok(reply.into_response())),
            Some(delay) => HttpConnectorFuture::new(async move {
                tokio::time::sleep(delay).await;
                Ok(reply.into_response())
            }),
        }
    }
}

impl HttpClient for Router {
    fn http_connector(
        &self,
        _: &HttpConnectorSettings,
        _: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.clone().into_shared()
    }
}

/// An SDK configuration whose every request goes to `http`, with dummy credentials and
/// no retries (each canned answer is final).
pub fn sdk_config(http: impl HttpClient + 'static, region: &str) -> SdkConfig {
    SdkConfig::builder()
        .http_client(http)
        .region(Region::new(region.to_string()))
        .credentials_provider(SharedCredentialsProvider::new(Credentials::new(
            "AKIDTESTTESTTEST",
            "test-only-not-a-secret",
            None,
            None,
            "parapet-tests",
        )))
        .retry_config(RetryConfig::disabled())
        .behavior_version(BehaviorVersion::latest())
        .build()
}

/// [`sdk_config`] with the SDK's standard retries: three attempts, 1 ms apart.
pub fn sdk_config_retrying(http: impl HttpClient + 'static, region: &str) -> SdkConfig {
    sdk_config(http, region)
        .to_builder()
        .retry_config(
            RetryConfig::standard()
                .with_max_attempts(3)
                .with_initial_backoff(std::time::Duration::from_millis(1)),
        )
        .build()
}

pub fn shared(config: &SdkConfig) -> Shared {
    Shared::new(ACCOUNT.to_string(), aws_sdk_iam::Client::new(config), 8)
}

pub fn region_clients(config: &SdkConfig, region: &str) -> RegionClients {
    crate::aws::client::region_clients(config, region)
}

type Handler = dyn Fn(&str, &Value) -> (u16, String) + Send + Sync;

/// A JSON-protocol endpoint (Secrets Manager, KMS) on a [`Router`]: `handler(operation,
/// request body)` gives the status and body; every request is recorded as (operation, body).
#[derive(Clone, Debug)]
pub struct FakeAws {
    router: Router,
}

impl FakeAws {
    pub fn new(handler: impl Fn(&str, &Value) -> (u16, String) + Send + Sync + 'static) -> Self {
        let handler: Arc<Handler> = Arc::new(handler);
        let router = Router::new(move |seen| {
            let (status, text) = handler(seen.target.as_deref().unwrap_or_default(), &json(seen));
            let content_type = if text.trim_start().starts_with('<') {
                "text/xml"
            } else {
                "application/x-amz-json-1.1"
            };
            Reply {
                status,
                content_type,
                headers: Vec::new(),
                body: text,
            }
        });
        FakeAws { router }
    }

    /// (operation, request body) of every request, in order.
    pub fn requests(&self) -> Vec<(String, Value)> {
        self.router
            .requests()
            .iter()
            .map(|s| (s.target.clone().unwrap_or_default(), json(s)))
            .collect()
    }

    /// Operations called, in order (e.g. `ListSecrets`).
    pub fn operations(&self) -> Vec<String> {
        self.requests().into_iter().map(|(op, _)| op).collect()
    }

    /// Request bodies of one operation.
    pub fn bodies(&self, operation: &str) -> Vec<Value> {
        self.requests()
            .into_iter()
            .filter(|(op, _)| op == operation)
            .map(|(_, body)| body)
            .collect()
    }
}

fn json(seen: &Seen) -> Value {
    serde_json::from_str(&seen.body).unwrap_or(Value::Null)
}

impl HttpClient for FakeAws {
    fn http_connector(
        &self,
        settings: &HttpConnectorSettings,
        components: &RuntimeComponents,
    ) -> SharedHttpConnector {
        self.router.http_connector(settings, components)
    }
}

/// The 403 answer moto gives to a denied call, whatever the service's protocol.
pub fn xml_access_denied(action: &str) -> String {
    Reply::denied_xml(action).body
}

/// [`FakeAws`] clients: [`sdk_config`] in [`REGION`].
pub fn clients(config: &SdkConfig) -> RegionClients {
    region_clients(config, REGION)
}
