//! At AWS's API quotas (issue 19): `parapet scan` through the fault proxy in quota mode
//! (scripts/emulator/fault_proxy.py --quota: a token bucket per region and quota bucket at the
//! rates AWS documents, over-quota requests answered with AWS's throttling error for the
//! protocol), with every rate scaled down so that the small account reaches the quotas
//! within seconds (PARAPET_QUOTA_SCALE scales Parapet's table the same way).

use std::time::Duration;

use crate::support::emulator::{self, Moto, Parapet, Proxy};
use serde_json::Value;

/// Both sides' rates: half of AWS's.
const SCALE: &str = "0.5";

fn parapet() -> Parapet {
    Parapet {
        // A guard, not a speed claim.
        deadline: Duration::from_secs(300),
        env: vec![("PARAPET_QUOTA_SCALE".into(), SCALE.into())],
        ..Parapet::default()
    }
}

/// Every bucket the proxy saw: (name, its stats).
fn buckets(proxy: &Proxy) -> Vec<(String, Value)> {
    proxy.stats()["quota"]
        .as_object()
        .expect("quota stats")
        .iter()
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect()
}

/// What the clean scan decided, the same (status by check and resource) in `run`.
fn same_findings(clean: &Value, run: &Value, what: &str) {
    let clean = emulator::by_key(clean);
    let got = emulator::by_key(run);
    let mut wrong = Vec::new();
    for (key, c) in &clean {
        match got.get(key) {
            Some(g) if g.status == c.status => {}
            Some(g) => wrong.push(format!(
                "{} on {}: {} without the quota, {} ({}) with it",
                c.check_id, c.resource_name, c.status, g.status, g.message
            )),
            None => wrong.push(format!("{} on {} is missing", c.check_id, c.resource_name)),
        }
    }
    assert_eq!(clean.len(), got.len(), "{what}: as many findings");
    assert!(wrong.is_empty(), "{what}:\n  {}", wrong.join("\n  "));
}

#[test]
fn a_scan_at_the_quotas_decides_everything_and_keeps_to_its_share() {
    let moto = Moto::start();
    moto.seed(&[]);
    let parapet = parapet();
    let clean = parapet.scan(&moto.endpoint(), &[]);
    assert_eq!(clean.code, Some(0), "{}", clean.stderr);
    let clean = clean.snapshot().clone();

    // 1. Another client draws 90% of the tight buckets while Parapet takes half: together
    //    past the quota, so throttling answers arrive; each is paced and sent again, and the
    //    scan decides every finding exactly as without the quota. Parapet's own requests stay
    //    within its half in every second.
    let busy = Proxy::start(
        &moto.endpoint(),
        &[
            "--quota",
            "--quota-scale",
            SCALE,
            "--reserve",
            "lambda.control-plane=0.9",
            "--reserve",
            "lambda.get-policy=0.9",
            "--reserve",
            "apigateway.total=0.9",
        ],
    );
    let run = parapet.scan(&busy.endpoint(), &["--quota-share", "0.5"]);
    assert!(!run.timed_out, "{}", run.stderr);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    same_findings(&clean, run.snapshot(), "beside a busy second client");
    let stats = buckets(&busy);
    let throttled: u64 = stats
        .iter()
        .map(|(_, b)| b["throttled"].as_u64().unwrap())
        .sum();
    assert!(throttled > 0, "the quota was reached: {stats:#?}");
    for (name, b) in &stats {
        let rate = b["rate"].as_f64().unwrap();
        let peak = b["peak_per_second"].as_u64().unwrap() as f64;
        assert!(
            peak <= (rate * 0.5).floor() + 1.0,
            "{name}: {peak} requests in one second at share 0.5 of {rate}/s: {b}"
        );
    }

    // 2. A deploy pipeline drawing half of every bucket while Parapet runs at the default
    //    share: the pipeline is never throttled, and neither is Parapet.
    let shared = Proxy::start(
        &moto.endpoint(),
        &[
            "--quota",
            "--quota-scale",
            SCALE,
            "--reserve",
            "lambda.control-plane=0.5",
            "--reserve",
            "lambda.get-policy=0.5",
            "--reserve",
            "apigateway.total=0.5",
        ],
    );
    let run = parapet.scan(&shared.endpoint(), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    same_findings(&clean, run.snapshot(), "at the default share");
    for (name, b) in buckets(&shared) {
        assert_eq!(b["throttled"].as_u64(), Some(0), "{name}: {b}");
        assert_eq!(
            b["reserve_denied"].as_f64(),
            Some(0.0),
            "{name}: the other client was throttled: {b}"
        );
    }
}
