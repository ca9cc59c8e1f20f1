//! The demo account must exercise the whole catalogue: every check passes somewhere and fails
//! somewhere, the score is realistic, and the per-area batches add up to the same account.

use std::collections::BTreeSet;

use parapet::demo;
use parapet::domain::assessment::Assessment;
use parapet::domain::catalogue::Context;
use parapet::domain::checks::{self, catalogue};
use parapet::domain::collection::CollectionState;
use parapet::domain::finding::{Finding, Status};
use parapet::domain::inventory::{Area, Inventory};
use time::OffsetDateTime;
use time::macros::datetime;

fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}

fn assess(inv: &Inventory, now: OffsetDateTime) -> Assessment {
    Assessment::evaluate(inv, &Context::new(now), &[])
}

fn describe(findings: &[Finding], id: &str) -> String {
    findings
        .iter()
        .filter(|f| f.check_id == id)
        .map(|f| format!("  {} {} ({})", f.status, f.resource_name, f.message))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every check of the catalogue (whatever it holds, not a fixed list) has at least one pass
/// and one fail in the demo, today and at other dates (the fixture is relative to `now`).
#[test]
fn every_check_passes_and_fails_somewhere() {
    for now in [
        now(),
        datetime!(2025-06-15 12:00 UTC),
        datetime!(2027-03-01 00:00 UTC),
    ] {
        let assessment = assess(&demo::inventory(now), now);
        let findings = &assessment.findings;
        let mut problems = Vec::new();
        for def in catalogue() {
            let pass = checks::count(findings, def.id, Status::Pass);
            let fail = checks::count(findings, def.id, Status::Fail);
            if pass == 0 || fail == 0 {
                problems.push(format!(
                    "{} at {now}: {pass} pass, {fail} fail\n{}",
                    def.id,
                    describe(findings, def.id)
                ));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }
}

#[test]
fn score_is_realistic() {
    let now = now();
    let assessment = assess(&demo::inventory(now), now);
    let overall = assessment
        .score
        .overall
        .expect("the demo has decided findings");
    assert!(
        (25..80).contains(&overall),
        "score {overall} is not an F..C demo"
    );
    assert!(matches!(assessment.score.grade, Some('C' | 'D' | 'F')));
    // A few realistic unknowns, but most of the account is decided.
    let coverage = &assessment.score.coverage;
    assert!(coverage.unknown > 0, "the demo shows some unknowns");
    assert!(coverage.percent >= 85, "coverage {}%", coverage.percent);
}

#[test]
fn collection_errors_become_unknown_with_their_reason() {
    let now = now();
    let findings = assess(&demo::inventory(now), now).findings;
    let unknown = findings
        .iter()
        .find(|f| {
            f.check_id == "lambda.public-resource-policy" && f.resource_name == "legacy-export"
        })
        .expect("a finding for legacy-export");
    assert_eq!(unknown.status, Status::Unknown);
    assert!(
        unknown.message.contains("lambda:GetPolicy"),
        "{}",
        unknown.message
    );
}

#[test]
fn findings_never_show_a_secret_value() {
    let now = now();
    let findings = assess(&demo::inventory(now), now).findings;
    let text = serde_json::to_string(&findings).expect("findings serialize");
    for secret in demo::secret_values()
        .into_iter()
        .chain(demo::committed_secret_values())
    {
        assert!(!text.contains(secret), "a finding shows {}…", &secret[..4]);
    }
}

/// A credential committed in a package is found (the code checks fail, naming the file and
/// line) and kept nowhere: the inventory holds its first four characters at most.
#[test]
fn committed_secrets_are_found_and_kept_nowhere() {
    let now = now();
    let inventory = demo::inventory(now);
    let text = serde_json::to_string(&inventory).expect("inventory serializes");
    for secret in demo::committed_secret_values() {
        assert!(
            !text.contains(secret),
            "the inventory keeps {}…",
            &secret[..4]
        );
        assert!(text.contains(&format!("{}****", &secret[..4])));
    }
    let findings = assess(&inventory, now).findings;
    let failing = |id: &str| {
        findings
            .iter()
            .filter(|f| &*f.check_id == id && f.status == Status::Fail)
            .map(|f| f.message.to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        failing("code.secrets-in-package"),
        ["stripe-live-key at settings.py:4 in the function's package"]
    );
    assert_eq!(
        failing("layer.secrets-in-package"),
        ["aws-access-key-id at python/wms_client/settings.py:2 in the layer (and 1 more)"]
    );
}

#[test]
fn secret_values_are_in_the_fixture() {
    let text = serde_json::to_string(&demo::inventory(now())).expect("inventory serializes");
    let values = demo::secret_values();
    assert!(values.len() >= 6);
    for secret in values {
        assert!(
            text.contains(secret),
            "{}… is not in the fixture",
            &secret[..4]
        );
    }
}

#[test]
fn demo_account_shape() {
    let inv = demo::inventory(now());
    assert_eq!(inv.account_id, demo::DEMO_ACCOUNT);
    assert_eq!(inv.regions, ["us-east-1", "eu-west-1"]);
    assert!((16..=18).contains(&inv.functions.len()));
    // The event side: queues, topics, buses, streams and mappings, one queue unreadable.
    assert_eq!(inv.mappings.len(), 7);
    assert_eq!(inv.streams.len(), 2);
    assert_eq!(inv.queues.len(), 4);
    assert_eq!(inv.topics.len(), 2);
    assert_eq!(inv.buses.len(), 3);
    assert_eq!(
        inv.queues.iter().filter(|q| q.attributes.is_err()).count(),
        1
    );
    assert_eq!(inv.rest_apis.len(), 3);
    assert_eq!(inv.secrets.len(), 8);
    assert_eq!(inv.keys.len(), 4);
    let names: BTreeSet<&str> = inv.functions.iter().map(|f| f.name.as_str()).collect();
    for expected in [
        "payments-charge",
        "payments-webhook",
        "orders-get",
        "image-resize",
        "auth-authorizer",
        "legacy-export",
    ] {
        assert!(names.contains(expected), "{expected}");
    }
    // Every role a function uses is in the inventory.
    for f in &inv.functions {
        assert!(inv.role(&f.role_arn).is_some(), "{} role", f.name);
    }
}

#[test]
fn batches_cover_every_area_and_region() {
    let now = now();
    let batches = demo::batches(now);
    assert_eq!(batches.len(), Area::ALL.len() * 2);
    for area in Area::ALL {
        for region in ["us-east-1", "eu-west-1"] {
            let b = batches
                .iter()
                .find(|b| b.area == area && b.region == region)
                .unwrap_or_else(|| panic!("no batch for {area:?} {region}"));
            assert!(matches!(
                b.status,
                CollectionState::Ok | CollectionState::Partial
            ));
            assert_eq!(b.status == CollectionState::Partial, b.error.is_some());
            assert_eq!(b.inventory.regions, [region]);
            assert_eq!(b.inventory.account_id, demo::DEMO_ACCOUNT);
        }
    }
    // The denied GetPolicy shows up on the functions batch of us-east-1.
    let functions = batches
        .iter()
        .find(|b| b.area == Area::Functions && b.region == "us-east-1")
        .expect("functions batch");
    assert_eq!(functions.status, CollectionState::Partial);
    assert!(
        functions
            .error
            .as_deref()
            .unwrap_or("")
            .contains("AccessDenied")
    );
}

fn sorted_keys(findings: &[Finding]) -> Vec<(String, String, String, Status, String)> {
    let mut keys: Vec<_> = findings
        .iter()
        .map(|f| {
            (
                f.check_id.to_string(),
                f.region.to_string(),
                f.resource_id.to_string(),
                f.status,
                f.message.to_string(),
            )
        })
        .collect();
    keys.sort();
    keys
}

#[test]
fn merging_all_batches_gives_the_same_findings() {
    let now = now();
    let expected = sorted_keys(&assess(&demo::inventory(now), now).findings);

    let mut merged = Inventory::default();
    for b in demo::batches(now) {
        merged.apply_batch(b.area, &b.region, b.inventory);
    }
    assert_eq!(sorted_keys(&assess(&merged, now).findings), expected);

    // A refresh (everything merged again, in reverse order) changes nothing.
    for b in demo::batches(now).into_iter().rev() {
        merged.apply_batch(b.area, &b.region, b.inventory);
    }
    assert_eq!(sorted_keys(&assess(&merged, now).findings), expected);
}

#[test]
fn an_empty_batch_removes_what_the_area_had_in_that_region() {
    let now = now();
    let mut merged = Inventory::default();
    for b in demo::batches(now) {
        merged.apply_batch(b.area, &b.region, b.inventory);
    }
    assert!(
        merged
            .secrets
            .iter()
            .any(|s| s.region == demo::PRIMARY_REGION)
    );
    // Every secret in us-east-1 was deleted since the last poll.
    merged.apply_batch(
        parapet::domain::inventory::Area::Secrets,
        demo::PRIMARY_REGION,
        Inventory::default(),
    );
    assert!(
        !merged
            .secrets
            .iter()
            .any(|s| s.region == demo::PRIMARY_REGION)
    );
    assert!(
        merged
            .secrets
            .iter()
            .any(|s| s.region == demo::SECONDARY_REGION)
    );
    assert!(!merged.functions.is_empty(), "other areas are untouched");
}
