//! Live AWS sources: one poller per poll area (functions, gateways, throttles, encryption,
//! secrets), run per region by the scheduler in [`source`], feeding the same
//! [`SourceEvent`](crate::app::source::SourceEvent) contract as the demo.
//!
//! Every call goes through [`Shared::call`]: a semaphore per API family bounds concurrency,
//! the SDK's adaptive retry handles throttling, and a failure comes back as a
//! [`CallFailure`](errors::CallFailure) whose reason lands on `unknown` findings.

pub mod client;
pub mod encryption;
pub mod errors;
pub mod functions;
pub mod gateways;
pub mod permissions;
pub mod scan;
pub mod secrets;
pub mod source;
pub mod throttles;

use std::collections::HashMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};

use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use tokio::sync::{Mutex, Semaphore};

use crate::domain::collection::CollectionState;
use crate::domain::inventory::{Fetched, Inventory, Role};
use errors::{CallFailure, FailureKind};

/// API families, each with its own concurrency limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    Lambda,
    ApiGateway,
    ApiGatewayV2,
    SecretsManager,
    Kms,
    Iam,
}

/// Per-family semaphores. Bounded so one area cannot starve the others or trip account
/// throttles; wide enough to hide round-trip latency.
pub struct Limits {
    lambda: Semaphore,
    apigateway: Semaphore,
    apigatewayv2: Semaphore,
    secretsmanager: Semaphore,
    kms: Semaphore,
    iam: Semaphore,
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
        }
    }
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
}

/// What all regions share: IAM (global), limits, caches, counters.
pub struct Shared {
    pub account_id: String,
    pub iam: aws_sdk_iam::Client,
    pub limits: Limits,
    /// Execution roles, fetched once per distinct role across regions and areas.
    pub roles: Mutex<HashMap<String, Fetched<Role>>>,
    /// Managed policy documents by policy ARN (AWS managed policies are shared by many roles).
    pub managed_policies: Mutex<HashMap<String, Fetched<String>>>,
    /// Calls made (SDK operations, not counting retries).
    pub calls: AtomicU64,
}

impl Shared {
    /// Runs one SDK call under its family's limit, classifying a failure.
    pub async fn call<T, E, F>(
        &self,
        family: Family,
        action: &'static str,
        request: F,
    ) -> Result<T, CallFailure>
    where
        F: Future<Output = Result<T, SdkError<E, HttpResponse>>>,
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let _permit = self.limits.get(family).acquire().await;
        self.calls.fetch_add(1, Ordering::Relaxed);
        request.await.map_err(|e| errors::classify(&e, action))
    }
}

/// What one poller produced for one (area, region).
#[derive(Debug, Default)]
pub struct Collected {
    pub inventory: Inventory,
    /// Every failed call; their reasons are already on the inventory's `Err` fields.
    pub failures: Vec<CallFailure>,
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

    /// The first failure's reason, plus how many more.
    pub fn error(&self) -> Option<String> {
        let real: Vec<&CallFailure> = self
            .failures
            .iter()
            .filter(|f| f.kind != FailureKind::NotFound)
            .collect();
        let first = real.first()?;
        Some(if real.len() > 1 {
            format!("{} (and {} more)", first.reason(), real.len() - 1)
        } else {
            first.reason()
        })
    }

    /// Records a failure and returns its reason, for an `Err` field.
    pub fn note(&mut self, failure: CallFailure) -> String {
        let reason = failure.reason();
        self.failures.push(failure);
        reason
    }
}
