use super::*;
use crate::domain::catalogue::Context;
use crate::domain::checks;
use crate::domain::finding::Status;
use crate::domain::inventory::{Area, Inventory};
use time::macros::datetime;

#[test]
fn the_soon_deprecated_runtime_is_within_the_warning_window_when_one_exists() {
    for now in [
        datetime!(2025-08-01 00:00 UTC),
        datetime!(2027-02-15 00:00 UTC),
    ] {
        let runtime = runtime_deprecating_soon(now);
        assert!(
            matches!(
                runtimes::status(&runtime, now.date()),
                RuntimeStatus::DeprecatingSoon { .. }
            ),
            "{runtime} at {now}"
        );
    }
}

#[test]
fn without_a_candidate_the_runtime_is_still_supported() {
    // Nothing in the table is deprecated between these dates.
    let now = datetime!(2026-11-25 00:00 UTC);
    let runtime = runtime_deprecating_soon(now);
    assert_eq!(
        runtimes::status(&runtime, now.date()),
        RuntimeStatus::Supported,
        "{runtime}"
    );
}

#[test]
fn batch_for_matches_batches() {
    let now = datetime!(2026-01-10 08:00 UTC);
    for b in batches(now) {
        let one = batch_for(now, b.area, &b.region);
        assert_eq!(one.inventory, b.inventory);
        assert_eq!(one.status, b.status);
    }
}

/// A failed area turns what it fed into unknown findings, whichever area it is (what
/// other areas decide alone keeps its status), and the next good batch of the area clears
/// them.
#[test]
fn a_failed_area_leaves_unknowns_until_it_succeeds() {
    let now = datetime!(2025-06-01 12:00 UTC);
    let ctx = Context::new(now);
    let demo = crate::demo::inventory(now);
    let region = demo.functions[0].region.clone();
    for (area, check) in [
        (Area::Functions, "lambda.no-tracing"),
        (Area::Gateways, "apigw.no-waf"),
        (Area::Gateways, "apigwv2.route-no-auth"),
        (Area::Throttles, "apigw.no-throttling"),
        (Area::Encryption, "kms.rotation-disabled"),
        (Area::Secrets, "secrets.rotation-disabled"),
    ] {
        let mut inv = demo.clone();
        inv.apply_batch(
            area,
            &region,
            Inventory::failed_area(area, &region, "internal error: the poller panicked"),
        );
        let before = checks::evaluate_all(&demo, &ctx);
        let was = |f: &crate::domain::finding::Finding| {
            before
                .iter()
                .find(|b| b.check_id == f.check_id && b.resource_id == f.resource_id)
                .map(|b| b.status)
        };
        let findings = checks::evaluate_all(&inv, &ctx);
        let ours: Vec<_> = findings
            .iter()
            .filter(|f| f.check_id == check && f.region == region)
            .collect();
        let degraded = |f: &&&crate::domain::finding::Finding| {
            f.status == Status::Unknown && f.message.contains("panicked")
        };
        assert!(
            ours.iter().any(|f| degraded(&f)),
            "{check} after {area:?} failed"
        );
        for f in &ours {
            assert!(
                degraded(&f) || was(f) == Some(f.status),
                "{check} after {area:?} failed: {} {} ({})",
                f.resource_name,
                f.status,
                f.message
            );
        }
        // The next good batch restores the area.
        inv.apply_batch(
            area,
            &region,
            crate::demo::batch_for(now, area, &region).inventory,
        );
        let again = checks::evaluate_all(&inv, &ctx);
        assert!(
            again
                .iter()
                .filter(|f| f.check_id == check && f.region == region)
                .all(|f| !f.message.contains("panicked")),
            "{check} after {area:?} recovered"
        );
    }
}

/// The catalogue's declared resource kinds agree with what each demo finding's id says it
/// is (an independent reading of the id), and every check names the area it refreshes.
#[test]
fn declared_resource_kinds_match_the_resource_ids() {
    use crate::domain::finding::ResourceKind;
    let now = datetime!(2025-06-01 12:00 UTC);
    let findings = checks::evaluate_all(&inventory(now), &Context::new(now));
    assert!(findings.len() > 300);
    for f in &findings {
        let def = checks::find(&f.check_id).unwrap();
        let id = f.resource_id.as_str();
        let from_id = if id.contains(":event-source-mapping:") {
            ResourceKind::Mapping
        } else if id.starts_with("arn:aws:sqs:") {
            ResourceKind::Queue
        } else if id.starts_with("arn:aws:sns:") {
            ResourceKind::Topic
        } else if id.contains(":event-bus/") {
            ResourceKind::Bus
        } else if id.contains(":function:") {
            ResourceKind::Function
        } else if id.contains(":layer:") {
            ResourceKind::Layer
        } else if id.contains("/stages/") {
            ResourceKind::Stage
        } else if id.contains("/restapis/") {
            ResourceKind::RestApi
        } else if id.contains("/apis/") {
            ResourceKind::HttpApi
        } else if id.contains(":secret:") {
            ResourceKind::Secret
        } else if id.starts_with("arn:aws:cognito-idp:") {
            ResourceKind::UserPool
        } else if id.starts_with("arn:aws:cognito-identity:") {
            ResourceKind::IdentityPool
        } else if id.starts_with("arn:aws:appsync:") {
            ResourceKind::GraphqlApi
        } else if id.starts_with("arn:aws:kinesis:") {
            ResourceKind::Stream
        } else if id.contains(":stateMachine:") {
            ResourceKind::StateMachine
        } else if id.contains(":key/") || id.contains(":alias/") || id.starts_with("alias/") {
            ResourceKind::Key
        } else {
            ResourceKind::Domain
        };
        assert_eq!(def.resource_kind(f), from_id, "{} on {id}", f.check_id);
    }
    for def in checks::catalogue() {
        assert!(!def.areas.is_empty(), "{} names no poll area", def.id);
        // Event source mappings are Lambda resources the triggers area lists.
        assert!(
            def.areas.contains(&def.service.area()) || def.areas[0] == Area::Triggers,
            "{} does not read the area that lists its service",
            def.id
        );
    }
}
