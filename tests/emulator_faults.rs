//! Fault tolerance: `parapet scan` through a fault-injecting proxy (scripts/emulator/fault_proxy.py)
//! in front of the emulator. Throttling errors, HTTP 500s, slow answers, dropped connections and
//! requests that never get an answer: the scan finishes within a deadline without panicking.
//! Compared per (check, resource) with a clean scan of the same account, faults that retries
//! absorb change nothing at all, and faults they cannot absorb only turn findings into
//! `unknown` with the reason: never into pass, fail or not_applicable.

use std::collections::BTreeMap;
use std::time::Duration;

use crate::support::emulator::{self, Found, Moto, Parapet, Proxy, Run};
use serde_json::Value;

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
        "{} finding(s) changed other than to unknown:\n  {}\n(and {} became unknown: {:#?})",
        wrong.len(),
        wrong.join("\n  "),
        unknown.len(),
        unknown
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

/// A seeded emulator and the snapshot of a clean scan of it. Each test has its own, so the
/// two fault scenarios run side by side.
fn clean_scan() -> (Moto, Parapet, Value) {
    let moto = Moto::start();
    moto.seed(&[]);
    let parapet = Parapet {
        deadline: Duration::from_secs(240),
        ..Parapet::default()
    };
    let clean = parapet.scan(&moto.endpoint(), &[]);
    finished(&clean, "clean scan");
    let snapshot = clean.snapshot().clone();
    (moto, parapet, snapshot)
}

/// Stalled requests wait for the per-attempt timeout: 3 s here instead of 30.
const QUICK: [&str; 2] = ["--call-timeout", "3"];

#[test]
fn transient_faults_change_nothing() {
    let (moto, parapet, clean_snapshot) = clean_scan();
    // 1. Transient faults: throttling, HTTP 500s, dropped connections, slow answers and
    //    stalled requests, each faulted request succeeding again within two retries. The
    //    findings must come out exactly as the clean run's. STS is spared: the identity call
    //    makes two attempts by design and its failure is a setup error (exit 2), not a
    //    degraded scan.
    let transient = Proxy::start(
        &moto.endpoint(),
        &[
            "--seed",
            "11",
            "--throttle-rate",
            "0.03",
            "--error-rate",
            "0.08",
            "--drop-rate",
            "0.05",
            "--slow-rate",
            "0.05",
            "--slow-ms",
            "1200",
            "--stall-rate",
            "0.03",
            "--max-faults-per-request",
            "2",
            "--spare",
            "sts",
        ],
    );
    let run = parapet.scan(&transient.endpoint(), &QUICK);
    finished(&run, "scan through transient faults");
    let faults = injected(&transient);
    for kind in ["throttle", "error", "drop", "slow", "stall"] {
        assert!(
            faults.get(kind).copied().unwrap_or(0) > 0,
            "the proxy injected no {kind} fault: {faults:?}"
        );
    }
    let unknown = degraded_only_to_unknown(&clean_snapshot, run.snapshot());
    assert!(
        unknown.is_empty(),
        "transient faults (at most 2 per request, 5 attempts per call) left {} findings unknown:\n{:#?}",
        unknown.len(),
        unknown
    );
}

#[test]
fn persistent_failures_degrade_only_to_unknown() {
    let (moto, parapet, clean_snapshot) = clean_scan();
    // 2. Throttling and persistent failures: the service's own throttling errors, 500s, 8% of
    //    distinct requests answering 500 on every attempt and 3% never answering at all. The
    //    scan still finishes (every call has a deadline); what those requests fed becomes
    //    unknown with the reason, everything else matches.
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
            "--stall-always-rate",
            "0.03",
            "--spare",
            "sts",
        ],
    );
    let run = parapet.scan(&persistent.endpoint(), &QUICK);
    finished(&run, "scan through persistent failures");
    let faults = injected(&persistent);
    for kind in ["always", "throttle", "error", "stall"] {
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
    assert!(
        unknown.iter().any(|f| f.message.contains("timed out")),
        "requests that never answered should leave `timed out` unknowns: {unknown:#?}"
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

/// Issue 18, 9: an endpoint that accepts connections and never answers. It used to be 60 s
/// with nothing said when STS hung, and 5 min 24 s ending in a hint about permissions when
/// STS answered but the services hung. Now what is waited for is said, the whole scan gives up
/// one attempt timeout after nothing answers, and the message names the endpoint.
#[test]
fn a_hung_endpoint_is_named_and_given_up_on() {
    let moto = Moto::start();
    let parapet = Parapet {
        // A guard against a hang, not a speed claim: the old behaviour took minutes.
        deadline: Duration::from_secs(90),
        ..Parapet::default()
    };

    // STS itself never answers.
    let all = Proxy::start(&moto.endpoint(), &["--stall-always-rate", "1"]);
    let run = parapet.scan(&all.endpoint(), &["--call-timeout", "5"]);
    assert!(!run.timed_out, "{}", run.stderr);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "waiting for STS GetCallerIdentity at {}",
            all.endpoint()
        )),
        "says what it waits for: {}",
        run.stderr
    );
    assert!(
        run.stderr.contains(&format!(
            "cannot reach AWS at {} (timed out)",
            all.endpoint()
        )),
        "{}",
        run.stderr
    );

    // STS answers; every other service accepts the connection and stays silent.
    let services = Proxy::start(
        &moto.endpoint(),
        &["--stall-always-rate", "1", "--spare", "sts"],
    );
    let run = parapet.scan(&services.endpoint(), &QUICK);
    assert!(!run.timed_out, "{}", run.stderr);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(
        run.stderr.contains(&format!(
            "no answer from {} within 3 s",
            services.endpoint()
        )),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("check the network"), "{}", run.stderr);
    assert!(!run.stderr.contains("permissions"), "{}", run.stderr);
    // Every finding of the snapshot is unknown with the reason, none pass.
    let findings = run.snapshot()["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(
        findings.iter().all(|f| f["status"] == "unknown"),
        "a hung endpoint decided nothing"
    );
}
