//! Where to scan and with which credentials: the standard AWS chain via aws-config (env vars,
//! shared config/credentials files, profiles, SSO, web identity, IMDS/ECS), `--profile`,
//! `--region` (repeatable or `all`), `--endpoint-url` / `AWS_ENDPOINT_URL`, adaptive retry and
//! timeouts on every call.

use std::sync::Arc;
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use tokio::sync::Semaphore;

use super::RegionClients;
use super::errors::{self, FailureKind, NotImplementedIsFinal, ThrottlingIsPaced};
use crate::domain::text::redact_urls;

/// The regions enabled by default in every commercial account. `--region all` scans these;
/// opt-in regions are scanned when named explicitly.
pub const DEFAULT_ENABLED_REGIONS: &[&str] = &[
    "us-east-1",
    "us-east-2",
    "us-west-1",
    "us-west-2",
    "ca-central-1",
    "eu-central-1",
    "eu-west-1",
    "eu-west-2",
    "eu-west-3",
    "eu-north-1",
    "ap-northeast-1",
    "ap-northeast-2",
    "ap-northeast-3",
    "ap-south-1",
    "ap-southeast-1",
    "ap-southeast-2",
    "sa-east-1",
];

/// Requests in flight at once over a whole run, every account and region together, unless
/// `--max-in-flight` says otherwise.
pub const DEFAULT_MAX_IN_FLIGHT: usize = 256;

/// The cap on AWS requests in flight that every account of one run shares (a clone shares
/// the same permits), on top of the per-account, per-region and per-family limits.
#[derive(Clone)]
pub struct InFlight {
    pub permits: Arc<Semaphore>,
    /// The cap.
    pub limit: usize,
}

impl InFlight {
    pub fn new(limit: usize) -> InFlight {
        let limit = limit.max(1);
        InFlight {
            permits: Arc::new(Semaphore::new(limit)),
            limit,
        }
    }

    /// Whether `other` shares these permits (not only the same limit).
    pub fn is_shared_with(&self, other: &InFlight) -> bool {
        Arc::ptr_eq(&self.permits, &other.permits)
    }
}

impl Default for InFlight {
    fn default() -> Self {
        InFlight::new(DEFAULT_MAX_IN_FLIGHT)
    }
}

/// Options are equal when their caps are: whether two share permits is
/// [`InFlight::is_shared_with`].
impl PartialEq for InFlight {
    fn eq(&self, other: &Self) -> bool {
        self.limit == other.limit
    }
}

impl Eq for InFlight {}

impl std::fmt::Debug for InFlight {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "InFlight({})", self.limit)
    }
}

/// A role to assume in another account from the base credentials (`--assume-role`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assume {
    pub account_id: String,
    pub role_name: String,
    pub external_id: Option<String>,
}

impl Assume {
    /// The role's ARN in `partition` (`aws`, `aws-cn`, `aws-us-gov`).
    pub fn role_arn(&self, partition: &str) -> String {
        format!(
            "arn:{partition}:iam::{}:role/{}",
            self.account_id,
            self.role_name.trim_matches('/')
        )
    }
}

/// The partition of a region: `aws-cn` for China, `aws-us-gov` for GovCloud, else `aws`.
pub fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else {
        "aws"
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AwsOptions {
    pub profile: Option<String>,
    /// As given: empty = the profile's region; `all` expands to [`DEFAULT_ENABLED_REGIONS`].
    pub regions: Vec<String>,
    pub endpoint_url: Option<String>,
    /// Attempts per call including the first (adaptive retry).
    pub max_attempts: u32,
    /// Timeout of one attempt (and of reading its answer).
    pub attempt_timeout: Duration,
    /// Whole-operation timeout: a last resort only. Attempts are bounded by
    /// `attempt_timeout` × `max_attempts`; what else a call waits for is the adaptive retry's
    /// client-side rate limiter, which after throttling deliberately spaces calls out, so a
    /// tight bound here would turn a slowed-down scan into a wall of timeouts.
    pub operation_timeout: Duration,
    /// Concurrent calls per API family.
    pub concurrency: usize,
    /// Assume this role from the loaded credentials before scanning (one account of
    /// `--accounts … --assume-role`).
    pub assume: Option<Assume>,
    /// The run's cap on requests in flight, shared with every other account of the run.
    pub in_flight: InFlight,
    /// The share of every API quota bucket the run takes (`--quota-share`).
    pub quota: super::quotas::Shares,
    /// `--deadline`: until when a throttled call may keep being retried (the run's start plus
    /// the flag's duration).
    pub deadline: Option<std::time::Instant>,
    /// The code area's settings; `None` without `--code` (the area is then never polled).
    pub code: Option<super::code::CodeOptions>,
}

impl Default for AwsOptions {
    fn default() -> Self {
        AwsOptions {
            profile: None,
            regions: Vec::new(),
            endpoint_url: None,
            max_attempts: 5,
            attempt_timeout: Duration::from_secs(30),
            operation_timeout: Duration::from_secs(600),
            concurrency: 16,
            assume: None,
            in_flight: InFlight::default(),
            quota: super::quotas::Shares::default(),
            deadline: None,
            code: None,
        }
    }
}

/// A problem that stops the live source before it starts, with what to do about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SetupError {
    pub message: String,
    pub hint: String,
}

impl std::fmt::Display for SetupError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} — {}", self.message, self.hint)
    }
}

impl std::error::Error for SetupError {}

/// The one HTTPS client every AWS call goes through: hyper 1 with rustls on ring, the
/// system's root certificates, and the proxy of `HTTPS_PROXY` / `NO_PROXY`, as the SDK's
/// default client is built, but on the one crypto stack the build compiles (Cargo.toml).
pub fn https_client() -> aws_smithy_runtime_api::client::http::SharedHttpClient {
    use aws_smithy_http_client::proxy::ProxyConfig;
    use aws_smithy_http_client::tls::{self, rustls_provider::CryptoMode};
    use aws_smithy_http_client::{Builder, ConnectorBuilder};
    Builder::new().build_with_connector_fn(|settings, components| {
        let mut connector =
            ConnectorBuilder::default().tls_provider(tls::Provider::Rustls(CryptoMode::Ring));
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    })
}

/// Loads the SDK configuration once (credentials chain, profile, endpoint, retry, timeouts).
pub async fn load(opts: &AwsOptions) -> SdkConfig {
    let http = https_client();
    // Standard retry, not adaptive: throttling is paced by `Shared::call` per quota bucket
    // (`quotas`), and the SDK's own client-side rate limiter would only slow every call of a
    // client after any of them was throttled. The retries that remain are for transient
    // failures (timeouts, 5xx), at most `max_attempts`.
    let mut loader = aws_config::defaults(BehaviorVersion::latest())
        .http_client(http.clone())
        .retry_config(RetryConfig::standard().with_max_attempts(opts.max_attempts.max(1)))
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5).min(opts.attempt_timeout))
                .read_timeout(opts.attempt_timeout)
                .operation_attempt_timeout(opts.attempt_timeout)
                .operation_timeout(opts.operation_timeout)
                .build(),
        );
    if let Some(profile) = &opts.profile {
        // A named profile's credentials, as the AWS CLI's --profile: the default chain would
        // take AWS_ACCESS_KEY_ID from the environment first, and several --profile would
        // then scan one account several times.
        let credentials = aws_config::profile::ProfileFileCredentialsProvider::builder()
            .profile_name(profile)
            .configure(
                &aws_config::provider_config::ProviderConfig::default().with_http_client(http),
            )
            .build();
        loader = loader
            .profile_name(profile)
            .credentials_provider(credentials);
    }
    if let Some(url) = &opts.endpoint_url {
        loader = loader.endpoint_url(url);
    }
    if let Some(first) = opts.regions.first().filter(|r| r.as_str() != "all") {
        loader = loader.region(Region::new(first.clone()));
    }
    loader.load().await
}

/// Whether `name` is spelled as AWS region names are: lowercase words and a number joined by
/// dashes, starting with a two-letter area (`eu-west-1`, `us-gov-west-1`, `us-isob-east-1`).
pub fn is_region_name(name: &str) -> bool {
    let parts: Vec<&str> = name.split('-').collect();
    parts.len() >= 3
        && parts[0].len() == 2
        && parts[..parts.len() - 1]
            .iter()
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase()))
        && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit())
        && !parts[parts.len() - 1].is_empty()
}

/// The regions `--region` names (`all` expanded), without repeats; empty when none is given.
pub fn explicit_regions(opts: &AwsOptions) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for r in &opts.regions {
        if r == "all" {
            out.extend(DEFAULT_ENABLED_REGIONS.iter().map(|s| s.to_string()));
        } else {
            out.push(r.clone());
        }
    }
    let mut seen = Vec::new();
    out.retain(|r| {
        let fresh = !seen.contains(r);
        seen.push(r.clone());
        fresh
    });
    out
}

/// The regions to scan, from the options and the loaded configuration.
pub fn regions(opts: &AwsOptions, config: &SdkConfig) -> Result<Vec<String>, SetupError> {
    let mut out = explicit_regions(opts);
    if out.is_empty() {
        match config.region() {
            // From a profile or AWS_REGION: checked as --region is, before the SDK sees it.
            Some(r) if !is_region_name(r.as_ref()) => {
                return Err(SetupError {
                    message: format!("`{r}` is not an AWS region (like eu-west-1)"),
                    hint: profile_hint(
                        opts,
                        "fix region= in your AWS config or AWS_REGION, or pass --region REGION",
                    ),
                });
            }
            Some(r) => out.push(r.to_string()),
            None => {
                return Err(SetupError {
                    message: "no AWS region configured".into(),
                    hint: profile_hint(
                        opts,
                        "pass --region REGION, or set AWS_REGION or region= in your profile",
                    ),
                });
            }
        }
    }
    let mut seen = Vec::new();
    out.retain(|r| {
        let fresh = !seen.contains(r);
        seen.push(r.clone());
        fresh
    });
    Ok(out)
}

/// When an account's endpoint last answered anything at all (any HTTP response: a result,
/// an error page, a throttling answer), shared by every client of the account. What tells an
/// endpoint that accepts connections but never answers from one that is only slow.
#[derive(Clone, Debug, Default)]
pub struct Answers(Arc<std::sync::atomic::AtomicU64>);

/// The instant the [`Answers`] clocks count from.
fn epoch() -> std::time::Instant {
    static EPOCH: std::sync::OnceLock<std::time::Instant> = std::sync::OnceLock::new();
    *EPOCH.get_or_init(std::time::Instant::now)
}

impl Answers {
    /// An answer arrived now.
    pub fn record(&self) {
        let at = epoch().elapsed().as_millis() as u64 + 1;
        self.0.fetch_max(at, std::sync::atomic::Ordering::Relaxed);
    }

    /// Whether anything has answered at all.
    pub fn ever(&self) -> bool {
        self.0.load(std::sync::atomic::Ordering::Relaxed) != 0
    }
}

impl aws_smithy_runtime_api::client::interceptors::Intercept for Answers {
    fn name(&self) -> &'static str {
        "parapet-answers"
    }

    /// Called once per attempt that got a response, before it is read.
    fn read_after_transmit(
        &self,
        _: &aws_smithy_runtime_api::client::interceptors::context::BeforeDeserializationInterceptorContextRef<'_>,
        _: &aws_smithy_runtime_api::client::runtime_components::RuntimeComponents,
        _: &mut aws_smithy_types::config_bag::ConfigBag,
    ) -> Result<(), aws_smithy_runtime_api::box_error::BoxError> {
        self.record();
        Ok(())
    }
}

/// A service client from the shared configuration, with [`NotImplementedIsFinal`] among its
/// retry classifiers and `answers` told of every response.
macro_rules! client {
    ($sdk:ident, $config:expr, $answers:expr) => {
        $sdk::Client::from_conf(
            $sdk::config::Builder::from($config)
                .retry_classifier(NotImplementedIsFinal)
                .retry_classifier(ThrottlingIsPaced)
                .interceptor($answers.clone())
                .build(),
        )
    };
}

/// The profile shown in the header: `--profile`, else `AWS_PROFILE`, else none (default).
pub fn profile_name(aws: &AwsOptions) -> Option<String> {
    aws.profile.clone().or_else(|| {
        std::env::var("AWS_PROFILE")
            .ok()
            .filter(|p| !p.trim().is_empty())
    })
}

/// Attempts for the identity call. It decides whether the source starts at all: an
/// unreachable endpoint or a dead network should be reported in seconds, not after the
/// backoff of a full retry budget.
const IDENTITY_ATTEMPTS: u32 = 2;

/// How long one attempt of the identity call waits for an answer: STS answers in well under a
/// second, and until it has nothing else can start.
pub const IDENTITY_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);

/// The configuration of the identity call: at most [`IDENTITY_ATTEMPTS`] attempts of at most
/// [`IDENTITY_ATTEMPT_TIMEOUT`] each (less with a lower `--call-timeout`).
pub fn identity_config(aws: &AwsOptions, config: &SdkConfig) -> SdkConfig {
    let attempt = aws.attempt_timeout.min(IDENTITY_ATTEMPT_TIMEOUT);
    config
        .to_builder()
        .retry_config(
            RetryConfig::standard().with_max_attempts(aws.max_attempts.clamp(1, IDENTITY_ATTEMPTS)),
        )
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(Duration::from_secs(5).min(attempt))
                .read_timeout(attempt)
                .operation_attempt_timeout(attempt)
                .operation_timeout(attempt * IDENTITY_ATTEMPTS + Duration::from_secs(5))
                .build(),
        )
        .build()
}

/// `config` with `fallback` as its region when it has none (`--region all` without a
/// configured region: STS and IAM still need one to sign with).
pub fn with_region(config: SdkConfig, fallback: &str) -> SdkConfig {
    if config.region().is_some() {
        config
    } else {
        config
            .to_builder()
            .region(Region::new(fallback.to_string()))
            .build()
    }
}

/// The clients of one region, sharing the loaded configuration.
pub fn region_clients(config: &SdkConfig, region: &str) -> RegionClients {
    region_clients_with(config, region, &Answers::default())
}

/// [`region_clients`] whose responses are recorded in `answers`.
pub fn region_clients_with(config: &SdkConfig, region: &str, answers: &Answers) -> RegionClients {
    let region_cfg = config
        .to_builder()
        .region(Region::new(region.to_string()))
        .build();
    RegionClients {
        region: region.to_string(),
        lambda: client!(aws_sdk_lambda, &region_cfg, answers),
        apigateway: client!(aws_sdk_apigateway, &region_cfg, answers),
        apigatewayv2: client!(aws_sdk_apigatewayv2, &region_cfg, answers),
        secretsmanager: client!(aws_sdk_secretsmanager, &region_cfg, answers),
        kms: client!(aws_sdk_kms, &region_cfg, answers),
        sqs: client!(aws_sdk_sqs, &region_cfg, answers),
        sns: client!(aws_sdk_sns, &region_cfg, answers),
        eventbridge: client!(aws_sdk_eventbridge, &region_cfg, answers),
        sfn: client!(aws_sdk_sfn, &region_cfg, answers),
        kinesis: client!(aws_sdk_kinesis, &region_cfg, answers),
        appsync: client!(aws_sdk_appsync, &region_cfg, answers),
        cognito_idp: client!(aws_sdk_cognitoidentityprovider, &region_cfg, answers),
        cognito_identity: client!(aws_sdk_cognitoidentity, &region_cfg, answers),
        logs: client!(aws_sdk_cloudwatchlogs, &region_cfg, answers),
    }
}

/// The IAM client (global: one for every region).
pub fn iam_client(config: &SdkConfig) -> aws_sdk_iam::Client {
    iam_client_with(config, &Answers::default())
}

/// [`iam_client`] whose responses are recorded in `answers`.
pub fn iam_client_with(config: &SdkConfig, answers: &Answers) -> aws_sdk_iam::Client {
    client!(aws_sdk_iam, config, answers)
}

/// Where calls go, for messages: the endpoint given (its credentials hidden), else AWS.
pub fn endpoint_label(opts: &AwsOptions) -> String {
    opts.endpoint_url
        .clone()
        .or_else(|| {
            std::env::var("AWS_ENDPOINT_URL")
                .ok()
                .filter(|u| !u.trim().is_empty())
        })
        .map_or_else(|| "AWS".to_string(), |u| redact_urls(&u).into_owned())
}

/// Session name of every role session Parapet opens (CloudTrail shows it).
pub const SESSION_NAME: &str = "parapet";

/// `config` with the credentials of `assume`'s role, assumed from `config`'s (refreshed
/// before they expire). The role is assumed once first, with the identity call's short retry
/// budget, so a missing role, a trust policy that does not trust the caller or a wrong
/// external id is reported at once, with what to do.
pub async fn assume_role(
    aws: &AwsOptions,
    assume: &Assume,
    config: &SdkConfig,
) -> Result<SdkConfig, SetupError> {
    let region = config.region().map(|r| r.to_string()).unwrap_or_default();
    let arn = assume.role_arn(partition(&region));
    let sts = aws_sdk_sts::Client::new(&identity_config(aws, config));
    let probe = sts
        .assume_role()
        .role_arn(&arn)
        .role_session_name(SESSION_NAME)
        .set_external_id(assume.external_id.clone())
        .send()
        .await;
    if let Err(err) = probe {
        let failure = errors::classify(&err, "sts:AssumeRole");
        return Err(assume_error(assume, &arn, failure.kind, &failure.reason()));
    }
    let mut provider = aws_config::sts::AssumeRoleProvider::builder(&arn)
        .session_name(SESSION_NAME)
        .configure(config);
    if let Some(id) = &assume.external_id {
        provider = provider.external_id(id);
    }
    let provider = provider.build().await;
    Ok(config
        .to_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build())
}

/// A role that could not be assumed: which, why, and what to check.
pub fn assume_error(assume: &Assume, arn: &str, kind: FailureKind, reason: &str) -> SetupError {
    let external = if assume.external_id.is_some() {
        " and the external id"
    } else {
        ""
    };
    match kind {
        FailureKind::Denied => SetupError {
            message: format!("cannot assume {arn}: {reason}"),
            hint: format!(
                "check that the role exists in account {}, that its trust policy names the \
                 base identity{external}, and that the base identity may sts:AssumeRole it \
                 (`parapet policy`)",
                assume.account_id
            ),
        },
        FailureKind::Credentials => SetupError {
            message: format!("cannot assume {arn}: the base credentials were rejected ({reason})"),
            hint:
                "they may have expired: refresh them (`aws sso login`, new session keys) and retry"
                    .into(),
        },
        _ => SetupError {
            message: format!("cannot assume {arn}: {reason}"),
            hint: "check the network, the endpoint and the role name (--assume-role)".into(),
        },
    }
}

/// The account id from STS GetCallerIdentity, or a setup error saying what to do.
pub async fn account_id(opts: &AwsOptions, config: &SdkConfig) -> Result<String, SetupError> {
    let sts = aws_sdk_sts::Client::new(config);
    match sts.get_caller_identity().send().await {
        Ok(out) => out.account.ok_or_else(|| SetupError {
            message: "STS GetCallerIdentity returned no account id".into(),
            hint: "check the endpoint (--endpoint-url) answers like AWS STS".into(),
        }),
        Err(err) => {
            let failure = errors::classify(&err, "sts:GetCallerIdentity");
            let detail = aws_smithy_types::error::display::DisplayErrorContext(&err).to_string();
            // Name the endpoint in the message however it was set.
            let opts = AwsOptions {
                endpoint_url: opts.endpoint_url.clone().or_else(|| {
                    std::env::var("AWS_ENDPOINT_URL")
                        .ok()
                        .filter(|u| !u.trim().is_empty())
                }),
                ..opts.clone()
            };
            Err(setup_error(&opts, failure.kind, &failure.reason(), &detail))
        }
    }
}

/// Maps a failed identity call to a message and a hint a person can act on.
pub fn setup_error(opts: &AwsOptions, kind: FailureKind, reason: &str, detail: &str) -> SetupError {
    let lower = detail.to_ascii_lowercase();
    let profile = opts.profile.as_deref();
    if lower.contains("sso") && (lower.contains("expired") || lower.contains("token")) {
        return SetupError {
            message: "the SSO session has expired or is missing".into(),
            hint: format!(
                "run `aws sso login{}`",
                profile
                    .map(|p| format!(" --profile {p}"))
                    .unwrap_or_default()
            ),
        };
    }
    // Before the credentials test: aws-config reports an undefined profile as a
    // credentials failure too.
    if lower.contains("profile")
        && (lower.contains("not found")
            || lower.contains("not defined")
            || lower.contains("no profile"))
    {
        return SetupError {
            message: format!("profile `{}` is not defined", profile.unwrap_or("default")),
            hint: "check ~/.aws/config, or run `aws configure --profile NAME`".into(),
        };
    }
    if lower.contains("no credentials")
        || lower.contains("credentialsnotloaded")
        || lower.contains("failed to load credentials")
        || lower.contains("loading credentials")
        || lower.contains("could not load credentials")
    {
        return SetupError {
            message: "no AWS credentials found".into(),
            hint: profile_hint(
                opts,
                "run `aws configure`, set AWS_PROFILE / AWS_ACCESS_KEY_ID, or pass --profile NAME",
            ),
        };
    }
    match kind {
        FailureKind::Credentials => SetupError {
            message: format!("AWS rejected the credentials ({reason})"),
            hint: profile_hint(opts, "they may have expired: refresh them (`aws sso login`, new session keys) and retry"),
        },
        FailureKind::Denied => SetupError {
            message: "access denied to sts:GetCallerIdentity".into(),
            hint: "check the credentials belong to the account you mean; `parapet policy` prints what Parapet needs".into(),
        },
        FailureKind::Unreachable => SetupError {
            message: format!(
                "cannot reach AWS{} ({})",
                opts.endpoint_url
                    .as_deref()
                    .map(|url| format!(" at {}", redact_urls(url)))
                    .unwrap_or_default(),
                unreachable_cause(&lower)
            ),
            hint: match (&opts.endpoint_url, unreachable_cause(&lower)) {
                (Some(url), "timed out") => format!(
                    "the endpoint {} took the connection but did not answer: is it up, or is a \
                     proxy or firewall in the way?",
                    redact_urls(url)
                ),
                (Some(url), _) => format!("is the endpoint {} up?", redact_urls(url)),
                (None, _) => {
                    "check your network connection, proxy settings or --endpoint-url".into()
                }
            },
        },
        _ => SetupError {
            message: format!("cannot identify the account: {reason}"),
            hint: "check your credentials and endpoint; `aws sts get-caller-identity` should work".into(),
        },
    }
}

/// The useful part of a dispatch failure's error chain.
fn unreachable_cause(lower_detail: &str) -> &'static str {
    if lower_detail.contains("connection refused") {
        "connection refused"
    } else if lower_detail.contains("timed out") || lower_detail.contains("timeout") {
        "timed out"
    } else if lower_detail.contains("dns")
        || lower_detail.contains("lookup")
        || lower_detail.contains("resolve")
    {
        "name resolution failed"
    } else if lower_detail.contains("tls") || lower_detail.contains("certificate") {
        "TLS handshake failed"
    } else {
        "connection failed"
    }
}

fn profile_hint(opts: &AwsOptions, hint: &str) -> String {
    match &opts.profile {
        Some(p) => format!("{hint} (profile `{p}`)"),
        None => hint.to_string(),
    }
}

#[cfg(test)]
mod tests;
