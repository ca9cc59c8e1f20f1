use super::*;

#[test]
fn every_call_is_in_the_permission_table_and_every_bucket_says_where_its_rate_is_from() {
    for api in APIS {
        assert!(
            super::super::permissions::CALLS
                .iter()
                .any(|p| p.action == api.action),
            "{} needs {}, which `parapet policy` does not grant",
            api.operation,
            api.action
        );
        assert!(!api.buckets.is_empty(), "{}", api.operation);
    }
    for b in buckets() {
        assert!(b.rate > 0.0, "{}", b.id);
        match b.source {
            Source::Documented { url, quote } => {
                assert!(url.starts_with("https://") && !quote.is_empty(), "{}", b.id)
            }
            Source::Inferred { url, why } => {
                assert!(url.starts_with("https://") && !why.is_empty(), "{}", b.id)
            }
            Source::Default { why } => assert!(!why.is_empty(), "{}", b.id),
        }
    }
    // Two rows that are one quota carry the same rate.
    for a in buckets() {
        for b in buckets() {
            if a.id == b.id {
                assert_eq!(a.rate, b.rate, "{}", a.id);
            }
        }
    }
}

/// A request that draws on two buckets takes the same moment in both: the requests of
/// the narrower bucket never come closer than its interval, whatever the other holds.
#[tokio::test(start_paused = true)]
async fn a_request_on_two_buckets_keeps_to_both() {
    let narrow = Arc::new(Pacer::new(2.0));
    let total = Arc::new(Pacer::new(10.0));
    let start = Instant::now();
    let mut sent = Vec::new();
    for i in 0..12 {
        if i % 3 == 0 {
            acquire(&[Arc::clone(&narrow), Arc::clone(&total)], 1.0).await;
            sent.push(start.elapsed());
        } else {
            total.acquire(1.0).await;
        }
    }
    for pair in sent.windows(2) {
        assert!(pair[1] - pair[0] >= Duration::from_millis(500), "{sent:?}");
    }
}

/// Requests leave at the bucket's rate times the share, not faster; a throttling answer
/// halves the pace and pauses the bucket a second.
#[tokio::test(start_paused = true)]
async fn a_pacer_releases_at_its_share_of_the_rate() {
    let p = Arc::new(Pacer::new(10.0));
    let start = Instant::now();
    for _ in 0..11 {
        p.acquire(0.5).await;
    }
    // 5 a second: the 11th leaves at 2 s.
    assert_eq!(start.elapsed(), Duration::from_secs(2));
    p.throttled();
    let before = Instant::now();
    p.acquire(0.5).await;
    p.acquire(0.5).await;
    // A second's pause, then 2.5 a second.
    assert_eq!(before.elapsed(), Duration::from_millis(1400));
    assert_eq!(p.counts(), (13, 1));
}

#[test]
fn a_collections_floor_names_its_bucket_and_region() {
    let mut requests = std::collections::BTreeMap::new();
    requests.insert(("us-east-1".into(), "lambda.control-plane".into()), 300u64);
    requests.insert(("eu-west-1".into(), "lambda.control-plane".into()), 150u64);
    // IAM is global: both regions' requests count against one bucket (10/s).
    requests.insert(("us-east-1".into(), "iam.reads".into()), 100u64);
    requests.insert(("eu-west-1".into(), "iam.reads".into()), 100u64);
    let (floor, at) = floor_of(&requests, 0.5).unwrap();
    // 300 / 7.5 = 40 s; IAM: 200 / 5 = 40 s too; the regional one is named first? The
    // largest wins, ties by order: check both are 40 s and the name is one of them.
    assert_eq!(floor, Duration::from_secs(40));
    assert!(
        at == "lambda.control-plane in us-east-1" || at == "iam.reads",
        "{at}"
    );
    requests.insert(("us-east-1".into(), "iam.reads".into()), 300u64);
    assert_eq!(
        floor_of(&requests, 0.5),
        Some((Duration::from_secs(80), "iam.reads".to_string()))
    );
    assert_eq!(floor_of(&Default::default(), 0.5), None);
    assert_eq!(duration_text(Duration::from_secs(267)), "4m 27s");
    assert_eq!(duration_text(Duration::from_secs(3780)), "1h 03m");
    assert!(
        expectation(0.5).contains("4m 27s per 1,000 functions"),
        "{}",
        expectation(0.5)
    );
}

#[test]
fn the_floor_is_the_slowest_bucket() {
    let mut requests = HashMap::new();
    requests.insert("lambda.control-plane", 3000u64);
    requests.insert("lambda.get-policy", 1000u64);
    requests.insert("kms.describe-key", 2000u64);
    // 3000 / 15 = 200 s at share 1; 400 s at share 0.5.
    assert_eq!(floor(&requests, 1.0), Duration::from_secs(200));
    assert_eq!(floor(&requests, 0.5), Duration::from_secs(400));
}
