//! Live AWS sources: one poller per poll area (functions, gateways, throttles, encryption,
//! secrets, triggers, and the opt-in code), ready to run per region as [`Pollers`] (the app's scheduler drives them and turns
//! their results into the [`SourceEvent`](crate::domain::source::SourceEvent)s the demo sends
//! too). This module holds only clients, pollers, errors and the permission table.
//!
//! Every call goes through [`Shared::call`]: a semaphore per API family bounds concurrency,
//! the SDK's adaptive retry handles throttling, and a failure comes back as a
//! [`CallFailure`](errors::CallFailure) whose reason lands on `unknown` findings.

pub mod accounts;
pub mod aliases;
pub mod client;
pub mod code;
pub mod code_signing;
pub mod encryption;
pub mod errors;
#[cfg(test)]
pub(crate) mod fake;
pub mod functions;
pub mod gateways;
pub mod graphql;
pub mod logs;
pub mod permissions;
pub mod qualified;
pub mod quotas;
pub mod roles;
pub mod secrets;
pub mod throttles;
pub mod triggers;
pub mod users;
pub mod workflows;

use crate::domain::failure::Failure;
use crate::domain::source::Job;
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use futures_util::future::BoxFuture;
use futures_util::stream::{FuturesUnordered, StreamExt};
use tokio::sync::{Mutex, Semaphore};

use crate::domain::collection::CollectionState;
use crate::domain::inventory::{Area, Inventory, ListFailure, Role};
use crate::domain::vocabulary::Service;
use errors::{CallFailure, FailureKind};

/// How many of a fan-out's futures are alive at once (see [`fan_out`]). Far above the
/// per-family limits, so the semaphores, not this, bound the calls in flight.
const FAN_OUT: usize = 128;

/// Awaits `f` of every item, results in order, like `join_all`, but builds the futures only
/// as earlier ones finish, [`FAN_OUT`] at a time. An SDK call's future is tens of kilobytes:
/// building one per function of a 10,000-function account up front held half a gigabyte
/// while they waited for their turn at the semaphore. A new one starts as soon as any one
/// finishes, not only the oldest: under quota pacing the oldest may wait for a slow bucket
/// while the others, done, would leave the window idle.
pub(crate) async fn fan_out<I, F, Fut>(items: I, mut f: F) -> Vec<Fut::Output>
where
    I: IntoIterator,
    F: FnMut(I::Item) -> Fut,
    Fut: Future,
{
    let mut pending = items.into_iter().enumerate();
    let indexed = |(i, item): (usize, I::Item), f: &mut F| {
        let fut = f(item);
        async move { (i, fut.await) }
    };
    let mut running = FuturesUnordered::new();
    for next in pending.by_ref().take(FAN_OUT) {
        running.push(indexed(next, &mut f));
    }
    let mut done: Vec<Option<Fut::Output>> = Vec::new();
    while let Some((i, output)) = running.next().await {
        if done.len() <= i {
            done.resize_with(i + 1, || None);
        }
        done[i] = Some(output);
        if let Some(next) = pending.next() {
            running.push(indexed(next, &mut f));
        }
    }
    done.into_iter().flatten().collect()
}

/// Every poller of every region, over one set of credentials: what the live scheduler
/// drives, one (area, region) collection at a time.
pub struct Pollers {
    pub shared: Arc<Shared>,
    clients: HashMap<String, RegionClients>,
    /// The code area's settings (`--code`); without them it collects nothing.
    code: Option<Arc<code::CodeOptions>>,
}

impl Pollers {
    /// Loads the configuration, resolves the regions and identifies the account.
    pub async fn connect(
        aws: &client::AwsOptions,
    ) -> Result<(Pollers, Vec<String>), client::SetupError> {
        let config = client::load(aws).await;
        let regions = client::regions(aws, &config)?;
        let mut config = client::with_region(config, &regions[0]);
        if let Some(assume) = &aws.assume {
            // Boxed: the SDK's futures are large, and this one would otherwise live inside
            // every scheduler task's future, on a worker thread's stack.
            config = Box::pin(client::assume_role(aws, assume, &config)).await?;
        }
        let account_id = client::account_id(aws, &client::identity_config(aws, &config)).await?;
        if let Some(assume) = aws.assume.as_ref().filter(|a| a.account_id != account_id) {
            return Err(client::SetupError {
                message: format!(
                    "the role assumed for account {} belongs to account {account_id}",
                    assume.account_id
                ),
                hint: "check the account ids given to --accounts".into(),
            });
        }
        let answers = client::Answers::default();
        let mut shared = Shared::new(
            account_id,
            client::iam_client_with(&config, &answers),
            aws.concurrency,
        );
        shared.in_flight = Some(Arc::clone(&aws.in_flight.permits));
        shared.hang = Hang::new(
            answers.clone(),
            aws.attempt_timeout,
            client::endpoint_label(aws),
        );
        shared.pace = true;
        shared.share = aws.quota.full;
        shared.deadline = aws.deadline.map(tokio::time::Instant::from_std);
        let shared = Arc::new(shared);
        let clients = regions
            .iter()
            .map(|r| (r.clone(), client::region_clients_with(&config, r, &answers)))
            .collect();
        let code = aws.code.clone().map(Arc::new);
        Ok((
            Pollers {
                shared,
                clients,
                code,
            },
            regions,
        ))
    }

    /// Runs the job's area poller in its region; its `current` inventory is what dependent
    /// areas read (the functions, gateways and secrets collected so far).
    pub fn collect(&self, job: Job) -> BoxFuture<'static, Collected> {
        let shared = Arc::clone(&self.shared);
        let clients = self.clients.get(&job.region).cloned();
        let code = self.code.clone();
        Box::pin(async move {
            // The scheduler only asks for the regions the clients were built for.
            let Some(clients) = clients else {
                return Collected::default();
            };
            let work = async {
                let current = &job.current;
                match job.area {
                    Area::Functions => functions::collect(&shared, &clients).await,
                    Area::Gateways => gateways::collect(&shared, &clients).await,
                    Area::Throttles => throttles::collect(&shared, &clients, current).await,
                    Area::Encryption => encryption::collect(&shared, &clients, current).await,
                    Area::Secrets => secrets::collect(&shared, &clients).await,
                    Area::Triggers => triggers::collect(&shared, &clients, current).await,
                    Area::Workflows => workflows::collect(&shared, &clients, current).await,
                    Area::Graphql => graphql::collect(&shared, &clients, current).await,
                    Area::Users => users::collect(&shared, &clients, current).await,
                    Area::Logs => logs::collect(&shared, &clients, current).await,
                    // The scheduler polls the code area only with `--code`.
                    Area::Code => match &code {
                        Some(options) => code::collect(&shared, &clients, current, options).await,
                        None => Collected::default(),
                    },
                }
            };
            let counted = REQUESTS.scope(Default::default(), async {
                let collected = SHARE
                    .scope(job.share, shared.in_region(&clients.region, work))
                    .await;
                let requests = REQUESTS.with(|r| r.take());
                (collected, requests)
            });
            let (mut collected, requests) = counted.await;
            collected.requests = requests;
            if collected.inventory.account_id.is_empty() {
                collected.inventory.account_id = shared.account_id.clone();
            }
            collected
        })
    }
}

/// API families, each with its own concurrency limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    Lambda,
    ApiGateway,
    ApiGatewayV2,
    SecretsManager,
    Kms,
    Iam,
    Sqs,
    Sns,
    EventBridge,
    StepFunctions,
    Kinesis,
    AppSync,
    CognitoIdp,
    CognitoIdentity,
    Logs,
}

/// Per-family semaphores of one region (IAM, a global service, has one for all regions).
/// Bounded so one area cannot starve the others or trip the service's per-region rate
/// limits; wide enough to hide round-trip latency.
pub struct Limits {
    lambda: Semaphore,
    apigateway: Semaphore,
    apigatewayv2: Semaphore,
    secretsmanager: Semaphore,
    kms: Semaphore,
    iam: Semaphore,
    sqs: Semaphore,
    sns: Semaphore,
    eventbridge: Semaphore,
    sfn: Semaphore,
    kinesis: Semaphore,
    appsync: Semaphore,
    cognito_idp: Semaphore,
    cognito_identity: Semaphore,
    logs: Semaphore,
}

impl Limits {
    pub fn new(per_family: usize) -> Limits {
        Limits {
            lambda: Semaphore::new(per_family),
            apigateway: Semaphore::new(per_family),
            apigatewayv2: Semaphore::new(per_family),
            secretsmanager: Semaphore::new(per_family),
            kms: Semaphore::new(per_family),
            iam: Semaphore::new(per_family),
            sqs: Semaphore::new(per_family),
            sns: Semaphore::new(per_family),
            eventbridge: Semaphore::new(per_family),
            sfn: Semaphore::new(per_family),
            kinesis: Semaphore::new(per_family),
            appsync: Semaphore::new(per_family),
            cognito_idp: Semaphore::new(per_family),
            cognito_identity: Semaphore::new(per_family),
            logs: Semaphore::new(per_family),
        }
    }

    fn get(&self, family: Family) -> &Semaphore {
        match family {
            Family::Lambda => &self.lambda,
            Family::ApiGateway => &self.apigateway,
            Family::ApiGatewayV2 => &self.apigatewayv2,
            Family::SecretsManager => &self.secretsmanager,
            Family::Kms => &self.kms,
            Family::Iam => &self.iam,
            Family::Sqs => &self.sqs,
            Family::Sns => &self.sns,
            Family::EventBridge => &self.eventbridge,
            Family::StepFunctions => &self.sfn,
            Family::Kinesis => &self.kinesis,
            Family::AppSync => &self.appsync,
            Family::CognitoIdp => &self.cognito_idp,
            Family::CognitoIdentity => &self.cognito_identity,
            Family::Logs => &self.logs,
        }
    }
}

tokio::task_local! {
    /// The region a collection runs for, set by [`Shared::in_region`]: which region's limits
    /// a call waits on, without threading the region through every poller function.
    static REGION: String;
    /// The share of every quota bucket the running collection may use (`--quota-share`).
    static SHARE: f64;
    /// The requests the running collection has sent, per quota bucket.
    static REQUESTS: std::cell::RefCell<std::collections::BTreeMap<&'static str, u64>>;
}

/// The most pages one listing may take: a server that keeps handing out new tokens ends
/// in a failure, not in a scan that never finishes (nor in a list cut short unsaid).
pub(crate) const MAX_PAGES: usize = 10_000;

/// Every page of a listing: `fetch(token)` returns one page's items and the next marker or
/// token. Stops at the last page (no token, or an empty one) and on a repeated token (a
/// server handing back the same token would loop forever); more than [`MAX_PAGES`] pages
/// fail as `action`'s.
pub(crate) async fn follow_pages<T, F, Fut>(
    action: &'static str,
    mut fetch: F,
) -> Result<Vec<T>, CallFailure>
where
    F: FnMut(Option<String>) -> Fut,
    Fut: Future<Output = Result<(Vec<T>, Option<String>), CallFailure>>,
{
    let mut out = Vec::new();
    let mut token = None;
    let mut seen = std::collections::HashSet::new();
    for _ in 0..MAX_PAGES {
        let (items, next) = fetch(token.take()).await?;
        out.extend(items);
        match next.filter(|t| !t.is_empty()) {
            Some(next) if seen.insert(next.clone()) => token = Some(next),
            _ => return Ok(out),
        }
    }
    Err(CallFailure::unparsable(
        action,
        &format!("the listing did not end after {MAX_PAGES} pages"),
    ))
}

/// The clients of one region.
#[derive(Clone)]
pub struct RegionClients {
    pub region: String,
    pub lambda: aws_sdk_lambda::Client,
    pub apigateway: aws_sdk_apigateway::Client,
    pub apigatewayv2: aws_sdk_apigatewayv2::Client,
    pub secretsmanager: aws_sdk_secretsmanager::Client,
    pub kms: aws_sdk_kms::Client,
    pub sqs: aws_sdk_sqs::Client,
    pub sns: aws_sdk_sns::Client,
    pub eventbridge: aws_sdk_eventbridge::Client,
    pub sfn: aws_sdk_sfn::Client,
    pub kinesis: aws_sdk_kinesis::Client,
    pub appsync: aws_sdk_appsync::Client,
    pub cognito_idp: aws_sdk_cognitoidentityprovider::Client,
    pub cognito_identity: aws_sdk_cognitoidentity::Client,
    pub logs: aws_sdk_cloudwatchlogs::Client,
}

/// How long IAM documents read by one functions poll serve the others (every region's poll
/// of the same round, and the next round when it comes sooner). Long enough for a round over
/// every region, short enough that each periodic poll or refresh reads roles anew.
pub const IAM_CACHE_TTL: Duration = Duration::from_secs(60);

/// Execution roles and managed policy documents, shared by the functions polls of every
/// region. Only complete reads are kept, for [`IAM_CACHE_TTL`]; `gate` makes concurrent polls
/// wait for one reading of a role instead of each repeating it.
pub struct IamCache {
    pub gate: Mutex<()>,
    ttl: Duration,
    roles: std::sync::Mutex<HashMap<String, (Instant, Role)>>,
    policies: std::sync::Mutex<HashMap<String, (Instant, String)>>,
}

impl IamCache {
    pub fn new(ttl: Duration) -> IamCache {
        IamCache {
            gate: Mutex::new(()),
            ttl,
            roles: Default::default(),
            policies: Default::default(),
        }
    }

    fn fresh<T: Clone>(
        &self,
        map: &std::sync::Mutex<HashMap<String, (Instant, T)>>,
        key: &str,
    ) -> Option<T> {
        let map = map.lock().unwrap_or_else(|e| e.into_inner());
        map.get(key)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, v)| v.clone())
    }

    pub fn role(&self, arn: &str) -> Option<Role> {
        self.fresh(&self.roles, arn)
    }

    pub fn put_role(&self, role: Role) {
        let mut map = self.roles.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(role.arn.clone(), (Instant::now(), role));
    }

    pub fn policy(&self, arn: &str) -> Option<String> {
        self.fresh(&self.policies, arn)
    }

    pub fn put_policy(&self, arn: &str, document: String) {
        let mut map = self.policies.lock().unwrap_or_else(|e| e.into_inner());
        map.insert(arn.to_string(), (Instant::now(), document));
    }
}

/// An endpoint that accepts connections and never answers: without this, every call waits
/// out its whole retry budget (5 attempts of `--call-timeout` each, five minutes and more for
/// a scan). A call that has waited a whole attempt timeout while the account's services have
/// never answered anything (no result, no error, no throttling) finds the endpoint hung;
/// every call in flight then ends at once, and new calls fail at once for the same time,
/// after which they try again (a live TUI's next poll). An endpoint that has answered is
/// never judged so: one request that never gets an answer among others that do is a request
/// problem, left to the per-attempt timeout and the retries.
pub struct Hang {
    answers: client::Answers,
    /// `None`: never (a `Shared` made without a live connection: the tests' fakes).
    window: Option<Duration>,
    /// For messages: the endpoint, or "AWS".
    endpoint: String,
    /// When the endpoint was found hung.
    since: tokio::sync::watch::Sender<Option<Instant>>,
}

impl Hang {
    pub fn new(answers: client::Answers, window: Duration, endpoint: String) -> Hang {
        Hang {
            answers,
            window: Some(window.max(Duration::from_millis(10))),
            endpoint,
            since: tokio::sync::watch::Sender::new(None),
        }
    }

    fn failure(&self, action: &'static str) -> CallFailure {
        CallFailure {
            kind: FailureKind::Unreachable,
            action,
            code: None,
            status: None,
            message: format!(
                "no answer from {} within {} s: it accepts connections but does not answer; \
                 check the network, a proxy or --endpoint-url",
                self.endpoint,
                self.window.unwrap_or_default().as_secs()
            ),
        }
    }

    /// Whether the endpoint was found hung less than a window ago.
    fn is_hung(&self) -> bool {
        let Some(window) = self.window else {
            return false;
        };
        self.since.borrow().is_some_and(|at| at.elapsed() < window)
    }

    /// Awaits `request`, or ends it as soon as the endpoint is found hung (by this call or
    /// another).
    async fn watch<T>(
        &self,
        action: &'static str,
        request: impl Future<Output = Result<T, CallFailure>>,
    ) -> Result<T, CallFailure> {
        let Some(window) = self.window else {
            return request.await;
        };
        if self.is_hung() {
            return Err(self.failure(action));
        }
        let mut found = self.since.subscribe();
        found.mark_unchanged();
        tokio::pin!(request);
        loop {
            tokio::select! {
                result = &mut request => return result,
                changed = found.changed() => {
                    if changed.is_ok() && self.is_hung() {
                        return Err(self.failure(action));
                    }
                }
                () = tokio::time::sleep(window) => {
                    if !self.answers.ever() {
                        self.since.send_replace(Some(Instant::now()));
                        return Err(self.failure(action));
                    }
                }
            }
        }
    }
}

impl Default for Hang {
    /// Never finds the endpoint hung.
    fn default() -> Self {
        Hang {
            answers: client::Answers::default(),
            window: None,
            endpoint: "AWS".into(),
            since: tokio::sync::watch::Sender::new(None),
        }
    }
}

/// What all regions share: IAM (global), limits, caches, counters.
pub struct Shared {
    pub account_id: String,
    pub iam: aws_sdk_iam::Client,
    /// Concurrent calls per family and region.
    per_family: usize,
    limits: std::sync::Mutex<HashMap<String, Arc<Limits>>>,
    /// IAM is global: one set of limits for every region.
    global: Limits,
    pub iam_cache: IamCache,
    /// Calls made (SDK operations, not counting retries).
    pub calls: AtomicU64,
    /// The run's cap on requests in flight over every account (`--max-in-flight`).
    pub in_flight: Option<Arc<Semaphore>>,
    /// Whether the endpoint answers at all.
    pub hang: Hang,
    /// Whether calls are paced by the quota buckets (a live connection; not the tests'
    /// fakes, whose calls are instant and whose pacing is tested on its own).
    pub pace: bool,
    /// The share of every quota bucket a call takes outside a collection's own share.
    pub share: f64,
    /// `--deadline`: until when a throttled call is tried again; `None`, for as long as it
    /// takes.
    pub deadline: Option<tokio::time::Instant>,
    /// Throttling answers received.
    pub throttled: AtomicU64,
}

impl Shared {
    pub fn new(account_id: String, iam: aws_sdk_iam::Client, per_family: usize) -> Shared {
        let per_family = per_family.max(1);
        Shared {
            account_id,
            iam,
            per_family,
            limits: Default::default(),
            global: Limits::new(per_family),
            iam_cache: IamCache::new(IAM_CACHE_TTL),
            calls: AtomicU64::new(0),
            in_flight: None,
            hang: Hang::default(),
            pace: false,
            share: quotas::DEFAULT_SHARE,
            deadline: None,
            throttled: AtomicU64::new(0),
        }
    }

    /// Runs `work` (one area's collection) with `region`'s limits for its calls.
    pub async fn in_region<T>(&self, region: &str, work: impl Future<Output = T>) -> T {
        REGION.scope(region.to_string(), work).await
    }

    fn limits_here(&self) -> Option<Arc<Limits>> {
        let region = REGION.try_with(Clone::clone).ok()?;
        let mut map = self.limits.lock().unwrap_or_else(|e| e.into_inner());
        Some(Arc::clone(
            map.entry(region)
                .or_insert_with(|| Arc::new(Limits::new(self.per_family))),
        ))
    }

    /// Every page of a list call, each request sent through [`Shared::call`]:
    /// `request(token)` sends one page's request, `split(page)` takes the page's items and
    /// the next marker or token (see [`follow_pages`] for where it stops).
    pub async fn pages<P, T, E, F, Fut>(
        &self,
        api: &'static quotas::Api,
        request: F,
        split: impl Fn(P) -> (Vec<T>, Option<String>),
    ) -> Result<Vec<T>, CallFailure>
    where
        F: Fn(Option<String>) -> Fut,
        Fut: Future<Output = Result<P, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let (request, split) = (&request, &split);
        follow_pages(api.action, |token| async move {
            let page = self.call(api, || request(token.clone())).await?;
            Ok(split(page))
        })
        .await
    }

    /// Runs one SDK call: under its family's limit (the current region's, or the global one
    /// for IAM and outside [`Shared::in_region`]) and the run's in-flight cap, paced by the
    /// quota buckets it draws from ([`quotas`]), classifying a failure. `request` builds the
    /// request anew for each attempt: a throttling answer slows the buckets and the call is
    /// sent again when they allow, for as long as `--deadline` (if any) allows, so a finding
    /// is never `unknown` because of throttling while the scan can still wait.
    pub async fn call<T, E, F, Fut>(
        &self,
        api: &'static quotas::Api,
        mut request: F,
    ) -> Result<T, CallFailure>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let action = api.action;
        let regional = (api.family != Family::Iam)
            .then(|| self.limits_here())
            .flatten();
        let limits = regional.as_deref().unwrap_or(&self.global);
        let region = REGION.try_with(Clone::clone).unwrap_or_default();
        let share = SHARE.try_with(|s| *s).unwrap_or(self.share);
        let pacers: Vec<Arc<quotas::Pacer>> = if self.pace {
            api.buckets
                .iter()
                .map(|b| quotas::pacer(&self.account_id, &region, b))
                .collect()
        } else {
            Vec::new()
        };
        loop {
            // The quota first, then the concurrency limits: a call waiting for its bucket's
            // slot holds no permit that a call of another bucket could use meanwhile.
            quotas::acquire(&pacers, share).await;
            let _permit = limits.get(api.family).acquire().await;
            // After the family's permit: a call waiting for its family holds no global
            // permit.
            let _global = match &self.in_flight {
                Some(cap) => Some(cap.acquire().await),
                None => None,
            };
            self.calls.fetch_add(1, Ordering::Relaxed);
            let _ = REQUESTS.try_with(|r| {
                let mut r = r.borrow_mut();
                for bucket in api.buckets {
                    *r.entry(bucket.id).or_default() += 1;
                }
            });
            // Boxed: an SDK call's future is tens of kilobytes, and nesting it in the watch's
            // future inline overflowed a test thread's 2 MiB stack in the unoptimized build.
            let attempt =
                Box::pin(async { request().await.map_err(|e| errors::classify(&e, action)) });
            let result = self.hang.watch(action, attempt).await;
            match result {
                Err(mut failure) if failure.kind == FailureKind::Throttled => {
                    self.throttled.fetch_add(1, Ordering::Relaxed);
                    for pacer in &pacers {
                        pacer.throttled();
                    }
                    if self
                        .deadline
                        .is_some_and(|d| tokio::time::Instant::now() >= d)
                    {
                        failure.message = "when --deadline ran out".into();
                        return Err(failure);
                    }
                }
                other => {
                    for pacer in &pacers {
                        pacer.answered();
                    }
                    return other;
                }
            }
        }
    }
}

/// What one poller produced for one (area, region).
#[derive(Debug, Default)]
pub struct Collected {
    pub inventory: Inventory,
    /// Every failed call; their reasons are already on the inventory's `Err` fields.
    pub failures: Vec<CallFailure>,
    /// The requests sent, per quota bucket.
    pub requests: std::collections::BTreeMap<&'static str, u64>,
}

impl Collected {
    /// `Failed` when a listing failed (nothing usable), `Partial` with per-call failures,
    /// else `Ok`.
    pub fn state(&self) -> CollectionState {
        if !self.inventory.list_failures.is_empty() {
            CollectionState::Failed
        } else if self
            .failures
            .iter()
            .any(|f| f.kind != FailureKind::NotFound)
        {
            CollectionState::Partial
        } else {
            CollectionState::Ok
        }
    }

    /// The first failure, its reason followed by how many more there were.
    pub fn error(&self) -> Option<Failure> {
        let real: Vec<&CallFailure> = self
            .failures
            .iter()
            .filter(|f| f.kind != FailureKind::NotFound)
            .collect();
        let first = real.first()?.failure();
        Some(if real.len() > 1 {
            first.with_suffix(&format!(" (and {} more)", real.len() - 1))
        } else {
            first
        })
    }

    /// Records a failure and returns it, for an `Err` field.
    pub fn note(&mut self, failure: CallFailure) -> Failure {
        let kept = failure.failure();
        self.failures.push(failure);
        kept
    }

    /// Records a failed listing: `call` could not list `services`' resources of `area` in
    /// `region`, so their checks say `unknown` there.
    pub fn listing_failed(
        &mut self,
        (services, area): (&[Service], Area),
        region: &str,
        call: &str,
        failure: CallFailure,
    ) {
        let reason = self.note(failure);
        for &service in services {
            self.inventory.list_failures.push(ListFailure {
                service,
                area,
                region: region.to_string(),
                call: call.to_string(),
                reason: reason.clone(),
            });
        }
    }
}

#[cfg(test)]
mod tests;
