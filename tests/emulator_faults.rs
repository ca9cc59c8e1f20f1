//! Fault tolerance: `parapet scan` through a fault-injecting proxy (scripts/emulator/fault_proxy.py)
//! in front of the emulator. Throttling errors, HTTP 500s, slow answers and dropped connections:
//! the scan finishes within a deadline without panicking, and compared per (check, resource)
//! with a clean scan of the same account, every difference is "clean status → unknown": a
//! failure never turns into pass, fail or not_applicable, and nothing else changes.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;

use serde_json::Value;
use support::emulator::{self, Found, Moto, Parapet, Proxy, Run};

/// Checks the faulty run against the clean one; returns the findings that became unknown.
fn degraded_only_to_unknown(clean: &Value, faulty: &Value) -> Vec<Found> {
    let clean = emulator::by_key(clean);
    let faulty = emulator::by_key(faulty);
    let mut wrong = Vec::new();
    let mut unknown = Vec::new();
    for (key, c) in &clean {
        match faulty.get(key) {
            Some(f) if f.status == c.status => {}
            Some(f) if f.status == "unknown" => {
                assert!(!f.message.is_empty(), "unknown without a reason: {f:?}");
                unknown.push(f.clone());
            }
            Some(f) => wrong.push(format!(
                "{} on {}: clean {} ({}), faulty {} ({})",
                c.check_id, c.resource_name, c.status, c.message, f.status, f.message
            )),
            // A resource can only vanish when its listing failed, which the check reports as
            // an unknown of its own.
            None => {
                let listed_unknown = faulty.values().any(|f| {
                    f.check_id == c.check_id
                        && f.status == "unknown"
                        && !clean.contains_key(&(f.check_id.clone(), f.resource_id.clone()))
                });
                if !listed_unknown {
                    wrong.push(format!(
                        "{} on {} ({}) vanished without an unknown in its place",
                        c.check_id, c.resource_name, c.status
                    ));
                }
            }
        }
    }
    for (key, f) in &faulty {
        if !clean.contains_key(key) {
            if f.status == "unknown" {
                unknown.push(f.clone());
            } else {
                wrong.push(format!(
                    "{} on {} appeared only in the faulty run as {} ({})",
                    f.check_id, f.resource_name, f.status, f.message
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} finding(s) changed other than to unknown:\n  {}",
        wrong.len(),
        wrong.join("\n  ")
    );
    unknown
}

fn finished(run: &Run, what: &str) {
    assert!(
        !run.timed_out,
        "{what}: the scan hung (killed after {:?}):\n{}",
        run.elapsed, run.stderr
    );
    assert!(
        !run.stderr.contains("panicked"),
        "{what}: the scan panicked:\n{}",
        run.stderr
    );
    assert_eq!(
        run.code,
        Some(0),
        "{what}: exit code; stderr:\n{}",
        run.stderr
    );
}

fn injected(proxy: &Proxy) -> BTreeMap<String, u64> {
    let stats = proxy.stats();
    stats["faults"]
        .as_object()
        .map(|m| {
            m.iter()
                .map(|(k, v)| (k.clone(), v.as_u64().unwrap_or(0)))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn scans_through_faults_finish_and_degrade_only_to_unknown() {
    let moto = Moto::start();
    moto.seed(&[]);
    let parapet = Parapet {
        deadline: Duration::from_secs(240),
        ..Parapet::default()
    };

    let clean = parapet.scan(&moto.endpoint(), &[]);
    finished(&clean, "clean scan");
    let clean_snapshot = clean.snapshot().clone();

    // 1. Transient faults: HTTP 500s, dropped connections and slow answers, each faulted
    //    request succeeding again within two retries. The findings must come out the same as
    //    the clean run's (retry budget permitting: anything else may only become unknown).
    //    STS is spared: the identity call makes two attempts by design and its failure is a
    //    setup error (exit 2), not a degraded scan.
    let transient = Proxy::start(
        &moto.endpoint(),
        &[
            "--seed",
            "11",
            "--error-rate",
            "0.1",
            "--drop-rate",
            "0.06",
            "--slow-rate",
            "0.06",
            "--slow-ms",
            "1200",
            "--max-faults-per-request",
            "2",
            "--spare",
            "sts",
        ],
    );
    let run = parapet.scan(&transient.endpoint(), &[]);
    finished(&run, "scan through transient faults");
    let faults = injected(&transient);
    for kind in ["error", "drop", "slow"] {
        assert!(
            faults.get(kind).copied().unwrap_or(0) > 0,
            "the proxy injected no {kind} fault: {faults:?}"
        );
    }
    let unknown = degraded_only_to_unknown(&clean_snapshot, run.snapshot());
    let total = emulator::findings(&clean_snapshot).len();
    assert!(
        unknown.len() * 10 <= total,
        "transient faults (at most 2 per request, 5 attempts per call) left {} of {total} findings unknown:\n{:#?}",
        unknown.len(),
        unknown
    );

    // 2. Throttling and persistent failures: the service's own throttling errors, 500s, and
    //    8% of distinct requests answering 500 on every attempt. The scan still finishes;
    //    what those requests fed becomes unknown with the reason, everything else matches.
    let persistent = Proxy::start(
        &moto.endpoint(),
        &[
            "--seed",
            "23",
            "--fail-always-rate",
            "0.08",
            "--throttle-rate",
            "0.06",
            "--error-rate",
            "0.05",
            "--spare",
            "sts",
        ],
    );
    let run = parapet.scan(&persistent.endpoint(), &[]);
    finished(&run, "scan through persistent failures");
    let faults = injected(&persistent);
    for kind in ["always", "throttle", "error"] {
        assert!(
            faults.get(kind).copied().unwrap_or(0) > 0,
            "the proxy injected no {kind} fault: {faults:?}"
        );
    }
    let unknown = degraded_only_to_unknown(&clean_snapshot, run.snapshot());
    assert!(
        !unknown.is_empty(),
        "requests failed on every attempt, yet no finding became unknown"
    );
    for f in &unknown {
        assert!(
            [
                "InternalFailure",
                "injected fault",
                "Throttl",
                "timed out",
                "Unreachable",
                "dispatch",
                "connection",
            ]
            .iter()
            .any(|w| f.message.contains(w)),
            "unknown without the failure's reason: {f:?}"
        );
    }
    let collection = run.snapshot()["collection"].as_array().unwrap();
    assert!(
        collection.iter().any(|c| c["status"] != "ok"),
        "persistent failures must show in the collection status: {collection:?}"
    );
}
