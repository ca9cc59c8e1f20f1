use super::*;
use aws_sdk_lambda::operation::get_policy::GetPolicyError;
use std::sync::atomic::AtomicU64;
use tokio::sync::oneshot;

/// Issue 19: a throttling answer is not retried by the SDK (unpaced, with a budget that
/// ends in `unknown`) but by the call itself, after the bucket's pace allows, until it
/// passes; with `--deadline` run out it is a failure that says so.
#[tokio::test(start_paused = true)]
async fn throttled_calls_are_paced_and_sent_again_until_they_pass() {
    use crate::aws::fake::{self, Reply, Router};
    use std::sync::atomic::AtomicUsize;
    let answers = Arc::new(AtomicUsize::new(0));
    let router = Router::new({
        let answers = Arc::clone(&answers);
        move |_| {
            if answers.fetch_add(1, Ordering::SeqCst) < 4 {
                Reply::json_error(429, "TooManyRequestsException")
            } else {
                Reply::json(r#"{"Policy":"{}","RevisionId":"1"}"#)
            }
        }
    });
    let config = fake::sdk_config_retrying(router.clone(), "us-east-1");
    let clients = client::region_clients(&config, "us-east-1");
    let mut shared = fake::shared(&config);
    shared.account_id = "000000000191".into();
    shared.pace = true;
    let call = shared.call(&quotas::LAMBDA_GET_POLICY, || {
        clients.lambda.get_policy().function_name("f").send()
    });
    let out = shared.in_region("us-east-1", call).await;
    assert!(out.is_ok(), "{out:?}");
    assert_eq!(
        router.requests().len(),
        5,
        "each throttling answer sent again once, by Parapet, not by the SDK"
    );
    assert_eq!(shared.throttled.load(Ordering::Relaxed), 4);
    let pacer = quotas::pacer(
        "000000000191",
        "us-east-1",
        &quotas::LAMBDA_GET_POLICY_BUCKET,
    );
    assert_eq!(pacer.counts(), (5, 4));

    // With --deadline past, the first throttling answer is the answer.
    let always = Router::new(|_| Reply::json_error(429, "TooManyRequestsException"));
    let config = fake::sdk_config(always.clone(), "us-east-1");
    let clients = client::region_clients(&config, "us-east-1");
    let mut shared = fake::shared(&config);
    shared.pace = true;
    shared.account_id = "000000000192".into();
    shared.deadline = Some(tokio::time::Instant::now());
    let call = shared.call(&quotas::LAMBDA_GET_POLICY, || {
        clients.lambda.get_policy().function_name("f").send()
    });
    let failure = shared.in_region("us-east-1", call).await.unwrap_err();
    assert_eq!(failure.kind, FailureKind::Throttled);
    assert_eq!(
        failure.reason(),
        "Throttled: lambda:GetPolicy still throttled when --deadline ran out"
    );
    assert_eq!(always.requests().len(), 1);
}

/// Issue 18, 9: calls to an endpoint that never answered end one window after they
/// start, all of them; an endpoint that has answered is left to the call's own timeouts.
#[tokio::test(start_paused = true)]
async fn a_silent_endpoint_is_found_hung_and_an_answering_one_is_not() {
    let window = Duration::from_secs(30);
    let answers = client::Answers::default();
    let hang = Hang::new(answers.clone(), window, "http://127.0.0.1:9".into());
    let never = || std::future::pending::<Result<(), CallFailure>>();
    let started = tokio::time::Instant::now();
    let (a, b) = tokio::join!(hang.watch("lambda:ListFunctions", never()), async {
        tokio::time::sleep(Duration::from_secs(10)).await;
        hang.watch("apigateway:GET", never()).await
    });
    let a = a.unwrap_err();
    assert_eq!(a.kind, FailureKind::Unreachable);
    assert!(
        a.reason()
            .contains("no answer from http://127.0.0.1:9 within 30 s"),
        "{}",
        a.reason()
    );
    assert!(b.is_err(), "the other call in flight ends with it");
    assert_eq!(started.elapsed(), window);
    // Found hung: new calls fail at once for a window, then try again.
    assert!(hang.watch("kms:ListKeys", never()).await.is_err());
    assert_eq!(started.elapsed(), window);

    let answered = Hang::new(client::Answers::default(), window, "AWS".into());
    answered.answers.record();
    let waited =
        tokio::time::timeout(window * 4, answered.watch("lambda:GetPolicy", never())).await;
    assert!(waited.is_err(), "still waiting on its own timeouts");
    assert!(answered.watch("x:Y", async { Ok(()) }).await.is_ok());
}

type Answer = Result<(), SdkError<GetPolicyError, HttpResponse>>;

fn shared(per_family: usize) -> Arc<Shared> {
    let config = aws_config::SdkConfig::builder()
        .behavior_version(aws_config::BehaviorVersion::latest())
        .build();
    Arc::new(Shared::new(
        "123456789012".into(),
        aws_sdk_iam::Client::new(&config),
        per_family,
    ))
}

/// A call in `region` that holds its permit until `release` fires.
fn held(
    shared: &Arc<Shared>,
    region: &'static str,
    family: Family,
) -> (oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let (release, wait) = oneshot::channel::<()>();
    let shared = Arc::clone(shared);
    let task = tokio::spawn(async move {
        let mut wait = Some(wait);
        let call = shared.call(api_of(family), move || {
            let wait = wait.take();
            async move {
                if let Some(wait) = wait {
                    let _ = wait.await;
                }
                Answer::Ok(())
            }
        });
        shared.in_region(region, call).await.unwrap();
    });
    (release, task)
}

/// An API of `family`.
fn api_of(family: Family) -> &'static quotas::Api {
    match family {
        Family::Iam => &quotas::IAM_GET_POLICY,
        Family::Kms => &quotas::KMS_DESCRIBE_KEY,
        _ => &quotas::LAMBDA_GET_POLICY,
    }
}

async fn finishes(shared: &Arc<Shared>, region: &'static str, family: Family) -> bool {
    let call = shared.call(api_of(family), || async { Answer::Ok(()) });
    tokio::time::timeout(Duration::from_millis(200), shared.in_region(region, call))
        .await
        .is_ok()
}

/// A fan-out keeps `join_all`'s order but never holds more than [`FAN_OUT`] futures:
/// each future counts itself alive from creation to completion.
#[tokio::test]
async fn fan_out_keeps_order_and_bounds_the_futures_alive() {
    use std::sync::atomic::AtomicUsize;
    let alive = AtomicUsize::new(0);
    let most = AtomicUsize::new(0);
    let n = FAN_OUT * 5 + 3;
    let out = fan_out(0..n, |i| {
        let now = alive.fetch_add(1, Ordering::SeqCst) + 1;
        most.fetch_max(now, Ordering::SeqCst);
        let alive = &alive;
        async move {
            // Later items finish first within a window, so order is the fan-out's doing.
            tokio::time::sleep(Duration::from_micros((n - i) as u64 % 7)).await;
            alive.fetch_sub(1, Ordering::SeqCst);
            i * 2
        }
    })
    .await;
    assert_eq!(out, (0..n).map(|i| i * 2).collect::<Vec<_>>());
    assert_eq!(most.load(Ordering::SeqCst), FAN_OUT);
    assert_eq!(alive.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn limits_are_per_region_except_for_global_iam() {
    let shared = shared(1);
    let (release, task) = held(&shared, "us-east-1", Family::Lambda);
    tokio::task::yield_now().await;
    tokio::time::sleep(Duration::from_millis(20)).await;
    // The region's one Lambda slot is taken; other regions and families are not held up.
    assert!(!finishes(&shared, "us-east-1", Family::Lambda).await);
    assert!(finishes(&shared, "eu-west-1", Family::Lambda).await);
    assert!(finishes(&shared, "us-east-1", Family::Kms).await);
    release.send(()).unwrap();
    task.await.unwrap();
    assert!(finishes(&shared, "us-east-1", Family::Lambda).await);

    // IAM is global: a call held in one region holds up IAM in every region.
    let (release, task) = held(&shared, "us-east-1", Family::Iam);
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(!finishes(&shared, "eu-west-1", Family::Iam).await);
    release.send(()).unwrap();
    task.await.unwrap();
    assert!(finishes(&shared, "eu-west-1", Family::Iam).await);
    // Counted once they get a slot: the two held, four that finished (not the two that
    // timed out waiting).
    assert_eq!(shared.calls.load(Ordering::Relaxed), 6);
}

#[test]
fn iam_cache_keeps_documents_for_its_lifetime_only() {
    let role = Role {
        arn: "arn:aws:iam::123456789012:role/app".into(),
        name: "app".into(),
        policies: Vec::new(),
    };
    let cache = IamCache::new(Duration::from_secs(60));
    assert!(cache.role(&role.arn).is_none());
    cache.put_role(role.clone());
    cache.put_policy("arn:aws:iam::aws:policy/ReadOnlyAccess", "{}".into());
    assert_eq!(cache.role(&role.arn), Some(role.clone()));
    assert_eq!(
        cache
            .policy("arn:aws:iam::aws:policy/ReadOnlyAccess")
            .as_deref(),
        Some("{}")
    );
    let expired = IamCache::new(Duration::ZERO);
    expired.put_role(role.clone());
    assert!(expired.role(&role.arn).is_none());
}

#[tokio::test]
async fn pages_stop_on_a_repeated_or_empty_token() {
    let calls = AtomicU64::new(0);
    let looped: Result<Vec<u64>, CallFailure> = follow_pages("apigateway:GET", |_| {
        let n = calls.fetch_add(1, Ordering::Relaxed);
        async move { Ok((vec![n], Some("same".to_string()))) }
    })
    .await;
    assert_eq!(
        looped,
        Ok(vec![0, 1]),
        "the second 'same' token ends the listing"
    );

    let empty: Result<Vec<u8>, CallFailure> = follow_pages("apigateway:GET", |_| async {
        Ok((vec![7], Some(String::new())))
    })
    .await;
    assert_eq!(empty, Ok(vec![7]));
}

/// A listing that never ends (a new token on every page) fails, naming the call, instead of
/// running forever or stopping silently with part of the list.
#[tokio::test]
async fn a_listing_that_never_ends_fails_after_the_page_limit() {
    let calls = AtomicU64::new(0);
    let endless: Result<Vec<u64>, CallFailure> = follow_pages("lambda:ListFunctions", |_| {
        let n = calls.fetch_add(1, Ordering::Relaxed);
        async move { Ok((vec![n], Some(format!("token-{n}")))) }
    })
    .await;
    let failure = endless.unwrap_err();
    assert_eq!(calls.load(Ordering::Relaxed), MAX_PAGES as u64);
    assert_eq!(failure.action, "lambda:ListFunctions");
    assert!(
        failure.reason().contains("did not end after 10000 pages"),
        "{}",
        failure.reason()
    );
}
