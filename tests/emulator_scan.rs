//! `parapet scan` against a real AWS API emulator (moto 5.2.5) seeded with a realistic serverless
//! account (scripts/emulator/seed.py): every check the emulator can express, with a passing and
//! a failing resource each; the emulator's gaps asserted as `unknown` with their reason; no
//! seeded secret value in the snapshot; exit codes; collection status per area × region.

use std::collections::{BTreeMap, BTreeSet};

use crate::support::emulator::{self, Found, Moto, Parapet, REGION};
use serde_json::Value;

/// (check id, resource name, expected status). Resource names are the seed's (seed.py).
const EXPECTED: &[(&str, &str, &str)] = &[
    // ── Lambda
    ("lambda.public-resource-policy", "public-admin-fn", "fail"),
    ("lambda.public-resource-policy", "orders-fn", "pass"),
    ("lambda.public-resource-policy", "reports-fn", "pass"),
    ("lambda.public-resource-policy", "rotation-fn", "pass"),
    ("lambda.function-url-no-auth", "public-admin-fn", "fail"),
    ("lambda.function-url-no-auth", "reports-fn", "pass"),
    ("lambda.function-url-no-auth", "orders-fn", "not_applicable"),
    (
        "lambda.function-url-cors-wildcard",
        "public-admin-fn",
        "fail",
    ),
    ("lambda.function-url-cors-wildcard", "reports-fn", "pass"),
    ("lambda.cross-account-invoke", "reports-fn", "fail"),
    ("lambda.cross-account-invoke", "orders-fn", "pass"),
    ("lambda.cross-account-invoke", "rotation-fn", "pass"),
    ("lambda.secrets-in-env", "public-admin-fn", "fail"),
    ("lambda.secrets-in-env", "orders-fn", "pass"),
    ("lambda.secrets-in-env", "reports-fn", "pass"),
    ("lambda.env-not-encrypted-cmk", "public-admin-fn", "fail"),
    ("lambda.env-not-encrypted-cmk", "orders-fn", "pass"),
    ("lambda.deprecated-runtime", "reports-fn", "fail"),
    ("lambda.deprecated-runtime", "notify-fn", "fail"),
    ("lambda.deprecated-runtime", "orders-fn", "pass"),
    ("lambda.cross-account-layer", "orders-fn", "pass"),
    (
        "lambda.cross-account-layer",
        "public-admin-fn",
        "not_applicable",
    ),
    ("lambda.no-vpc", "public-admin-fn", "fail"),
    ("lambda.no-vpc", "orders-fn", "pass"),
    ("lambda.no-failure-destination", "notify-fn", "fail"),
    ("lambda.no-failure-destination", "reports-fn", "pass"),
    ("lambda.no-tracing", "public-admin-fn", "fail"),
    ("lambda.no-tracing", "orders-fn", "pass"),
    ("lambda.admin-execution-role", "public-admin-fn", "fail"),
    ("lambda.admin-execution-role", "orders-fn", "pass"),
    ("lambda.admin-execution-role", "reports-fn", "pass"),
    ("lambda.overprivileged-role", "reports-fn", "fail"),
    ("lambda.overprivileged-role", "orders-fn", "pass"),
    (
        "lambda.unbounded-concurrency-public",
        "public-admin-fn",
        "fail",
    ),
    ("lambda.unbounded-concurrency-public", "reports-fn", "fail"),
    ("lambda.unbounded-concurrency-public", "orders-fn", "pass"),
    (
        "lambda.unbounded-concurrency-public",
        "rotation-fn",
        "not_applicable",
    ),
    // ── API Gateway REST
    ("apigw.method-no-auth", "shop-api", "fail"),
    ("apigw.method-no-auth", "internal-private-api", "fail"),
    ("apigw.method-no-auth", "secure-api", "pass"),
    ("apigw.api-key-only-auth", "shop-api", "fail"),
    ("apigw.api-key-only-auth", "secure-api", "pass"),
    ("apigw.no-request-validation", "shop-api", "fail"),
    ("apigw.no-request-validation", "secure-api", "pass"),
    (
        "apigw.private-api-open-policy",
        "internal-private-api",
        "fail",
    ),
    ("apigw.private-api-open-policy", "secure-api", "pass"),
    ("apigw.no-waf", "shop-api/prod", "pass"),
    ("apigw.no-waf", "shop-api/dev", "fail"),
    ("apigw.execution-logging-off", "shop-api/prod", "pass"),
    ("apigw.execution-logging-off", "secure-api/v1", "pass"),
    ("apigw.execution-logging-off", "shop-api/dev", "fail"),
    ("apigw.execution-logging-off", "shop-api/staging", "fail"),
    ("apigw.access-logging-off", "shop-api/prod", "pass"),
    ("apigw.access-logging-off", "shop-api/dev", "fail"),
    ("apigw.no-tracing", "shop-api/prod", "pass"),
    ("apigw.no-tracing", "shop-api/dev", "fail"),
    ("apigw.cache-not-encrypted", "shop-api/prod", "pass"),
    ("apigw.cache-not-encrypted", "shop-api/dev", "fail"),
    (
        "apigw.cache-not-encrypted",
        "shop-api/staging",
        "not_applicable",
    ),
    ("apigw.no-throttling", "shop-api/prod", "pass"),
    ("apigw.no-throttling", "shop-api/staging", "pass"),
    ("apigw.no-throttling", "secure-api/v1", "pass"),
    (
        "apigw.no-throttling",
        "internal-private-api/internal",
        "fail",
    ),
    ("apigw.secrets-in-stage-variables", "shop-api/dev", "fail"),
    ("apigw.secrets-in-stage-variables", "shop-api/prod", "pass"),
    ("apigw.weak-tls-domain", "legacy.shop.example.com", "fail"),
    ("apigw.weak-tls-domain", "api.shop.example.com", "pass"),
    ("apigw.default-endpoint-enabled", "shop-api", "fail"),
    ("apigw.default-endpoint-enabled", "secure-api", "pass"),
    (
        "apigw.default-endpoint-enabled",
        "internal-private-api",
        "not_applicable",
    ),
    // moto cannot create client certificates (GenerateClientCertificate is a 404), so no stage
    // can pass; stages without one fail on the data GetStages really returns.
    ("apigw.no-client-certificate", "shop-api/prod", "fail"),
    ("apigw.no-client-certificate", "secure-api/v1", "fail"),
    // ── API Gateway v2
    ("apigwv2.route-no-auth", "storefront-http", "fail"),
    ("apigwv2.route-no-auth", "chat-ws", "fail"),
    ("apigwv2.route-no-auth", "partner-http", "pass"),
    (
        "apigwv2.access-logging-off",
        "storefront-http/$default",
        "pass",
    ),
    ("apigwv2.access-logging-off", "partner-http/live", "pass"),
    (
        "apigwv2.access-logging-off",
        "storefront-http/preview",
        "fail",
    ),
    ("apigwv2.access-logging-off", "chat-ws/production", "fail"),
    ("apigwv2.no-throttling", "storefront-http/$default", "pass"),
    ("apigwv2.no-throttling", "storefront-http/preview", "fail"),
    (
        "apigwv2.cors-wildcard-credentials",
        "storefront-http",
        "fail",
    ),
    ("apigwv2.cors-wildcard-credentials", "partner-http", "pass"),
    (
        "apigwv2.cors-wildcard-credentials",
        "chat-ws",
        "not_applicable",
    ),
    (
        "apigwv2.secrets-in-stage-variables",
        "storefront-http/preview",
        "fail",
    ),
    (
        "apigwv2.secrets-in-stage-variables",
        "storefront-http/$default",
        "pass",
    ),
    (
        "apigwv2.private-integration-no-tls",
        "storefront-http",
        "fail",
    ),
    ("apigwv2.private-integration-no-tls", "partner-http", "pass"),
    ("apigwv2.weak-tls-domain", "ws-legacy.example.com", "fail"),
    ("apigwv2.weak-tls-domain", "http.example.com", "pass"),
    // ── Secrets Manager (fails that need old dates: see aged_secrets below)
    ("secrets.public-policy", "prod/public/token", "fail"),
    ("secrets.public-policy", "prod/db/master", "pass"),
    ("secrets.public-policy", "prod/partner/api-key", "pass"),
    (
        "secrets.cross-account-access",
        "prod/partner/api-key",
        "fail",
    ),
    ("secrets.cross-account-access", "prod/db/master", "pass"),
    ("secrets.rotation-disabled", "prod/public/token", "fail"),
    ("secrets.rotation-disabled", "prod/db/master", "pass"),
    ("secrets.not-rotated-recently", "prod/db/master", "pass"),
    ("secrets.not-rotated-recently", "prod/public/token", "pass"),
    ("secrets.rotation-overdue", "prod/db/master", "pass"),
    (
        "secrets.rotation-overdue",
        "prod/public/token",
        "not_applicable",
    ),
    ("secrets.aws-managed-key", "prod/public/token", "fail"),
    ("secrets.aws-managed-key", "dev/db/password", "fail"),
    ("secrets.aws-managed-key", "prod/db/master", "pass"),
    ("secrets.aws-managed-key", "prod/partner/api-key", "pass"),
    // ── KMS (keys referenced by the functions and secrets above)
    ("kms.rotation-disabled", "secrets-norotate", "fail"),
    ("kms.rotation-disabled", "app-env", "pass"),
    // moto reports KeyManager CUSTOMER even for alias/aws/* keys; the alias decides.
    (
        "kms.rotation-disabled",
        "aws/secretsmanager",
        "not_applicable",
    ),
    ("kms.pending-deletion", "doomed", "fail"),
    ("kms.pending-deletion", "app-env", "pass"),
    ("kms.public-key-policy", "open-key", "fail"),
    ("kms.public-key-policy", "app-env", "pass"),
    // ── Exposure paths
    (
        "exposure.public-entry-privileged-function",
        "public-admin-fn",
        "fail",
    ),
    (
        "exposure.public-entry-privileged-function",
        "orders-fn",
        "pass",
    ),
    // rotation-fn is reachable only if an authorizer of an HTTP API runs it: deciding it
    // needs the v2 authorizers, which moto serves only one by one (GetAuthorizers, plural, is
    // not implemented; the poller falls back to GetAuthorizer per id).
    (
        "exposure.public-entry-privileged-function",
        "rotation-fn",
        "pass",
    ),
    ("exposure.public-entry-secret-reader", "reports-fn", "fail"),
    ("exposure.public-entry-secret-reader", "orders-fn", "pass"),
    // ── Step Functions (seed.py seed_workflows)
    ("sfn.logging-off", "orders-flow", "fail"),
    ("sfn.logging-off", "refunds-flow", "pass"),
    ("sfn.no-tracing", "orders-flow", "fail"),
    ("sfn.no-tracing", "refunds-flow", "pass"),
    ("sfn.secrets-in-definition", "orders-flow", "fail"),
    // JSONata expressions and a Secrets Manager ARN are not credentials.
    ("sfn.secrets-in-definition", "refunds-flow", "pass"),
    ("sfn.privileged-role", "orders-flow", "fail"),
    ("sfn.privileged-role", "refunds-flow", "pass"),
    // flows-http's open POST /orders starts orders-flow (an administrator role).
    (
        "exposure.public-entry-privileged-state-machine",
        "orders-flow",
        "fail",
    ),
    // ── AppSync (seed.py seed_graphql). moto serves no data sources, resolvers or types, and
    // no introspectionConfig or query limits: those are GAPS (unknown, as on a denying
    // endpoint) on the public API, and not applicable on the private one.
    ("appsync.api-key-auth", "shop-graphql", "fail"),
    ("appsync.api-key-auth", "admin-graphql", "pass"),
    ("appsync.api-key-long-lived", "shop-graphql", "fail"),
    ("appsync.api-key-long-lived", "admin-graphql", "pass"),
    ("appsync.field-logging-off", "shop-graphql", "fail"),
    ("appsync.field-logging-off", "admin-graphql", "pass"),
    ("appsync.no-waf", "shop-graphql", "fail"),
    ("appsync.no-waf", "admin-graphql", "not_applicable"),
    (
        "appsync.introspection-enabled",
        "admin-graphql",
        "not_applicable",
    ),
    ("appsync.no-query-limits", "admin-graphql", "not_applicable"),
    // ── Log groups (seed.py seed_logs): public-admin-fn has none at all.
    ("lambda.log-retention-unset", "orders-fn", "pass"),
    ("lambda.log-retention-unset", "reports-fn", "fail"),
    ("lambda.log-retention-unset", "public-admin-fn", "fail"),
    // ── Cognito (seed.py seed_users)
    ("cognito.self-signup-authorizer", "open-users", "fail"),
    ("cognito.self-signup-authorizer", "staff-users", "pass"),
    (
        "cognito.self-signup-authorizer",
        "lonely-users",
        "not_applicable",
    ),
    (
        "cognito.identity-pool-guest-privileged",
        "closed-ids",
        "pass",
    ),
    // ── Event sources (seed.py seed_triggers)
    ("events.queue-public-send", "public-orders-in", "fail"),
    ("events.queue-public-send", "private-orders-in", "pass"),
    ("events.topic-public-publish", "public-events", "fail"),
    // AWS's default topic policy: {"AWS":"*"} restricted by AWS:SourceOwner.
    ("events.topic-public-publish", "default-events", "pass"),
    // moto stores PutPermission's Principal "*" as arn:aws:iam::*:root.
    ("events.bus-public-put", "open-bus", "fail"),
    ("events.bus-public-put", "partner-bus", "pass"),
    ("events.source-cross-account", "partner-bus", "fail"),
    ("events.source-cross-account", "private-orders-in", "pass"),
    ("events.source-cross-account", "default-events", "pass"),
    ("events.stream-not-encrypted", "clicks", "fail"),
    ("events.stream-not-encrypted", "sealed-clicks", "pass"),
    ("events.queue-not-encrypted", "public-orders-in", "fail"),
    ("events.queue-not-encrypted", "private-orders-in", "pass"),
    ("events.topic-not-encrypted", "public-events", "fail"),
    ("events.topic-not-encrypted", "default-events", "pass"),
    ("events.no-dead-letter", "public-orders-in", "fail"),
    ("events.no-dead-letter", "private-orders-in", "pass"),
    (
        "events.no-dead-letter",
        "clicks → unbounded-stream-worker",
        "fail",
    ),
    (
        "events.no-dead-letter",
        "orders-stream → bounded-stream-worker",
        "pass",
    ),
    (
        "events.stream-unbounded-retries",
        "clicks → unbounded-stream-worker",
        "fail",
    ),
    (
        "events.stream-unbounded-retries",
        "orders-stream → bounded-stream-worker",
        "pass",
    ),
    (
        "lambda.service-invoke-no-source",
        "public-topic-worker",
        "fail",
    ),
    (
        "lambda.service-invoke-no-source",
        "default-topic-worker",
        "pass",
    ),
    (
        "lambda.service-invoke-no-source",
        "private-queue-worker",
        "not_applicable",
    ),
    ("lambda.role-can-escalate", "open-bus-worker", "fail"),
    ("lambda.role-can-escalate", "public-queue-worker", "fail"),
    ("lambda.role-can-escalate", "private-queue-worker", "pass"),
    (
        "exposure.public-event-source-privileged-function",
        "public-queue-worker",
        "fail",
    ),
    (
        "exposure.public-event-source-privileged-function",
        "open-bus-worker",
        "fail",
    ),
    (
        "exposure.public-event-source-privileged-function",
        "private-queue-worker",
        "pass",
    ),
    (
        "exposure.public-event-source-secret-reader",
        "public-topic-worker",
        "fail",
    ),
    (
        "exposure.public-event-source-secret-reader",
        "default-topic-worker",
        "pass",
    ),
];

/// Emulator gaps: (check id, resource name, words the `unknown` reason must contain).
const GAPS: &[(&str, &str, &[&str])] = &[
    // moto never records LastAccessedDate and stamps CreatedDate "now": a young secret with no
    // access date cannot be judged.
    ("secrets.unused", "prod/db/master", &["LastAccessedDate"]),
    ("secrets.unused", "prod/public/token", &["LastAccessedDate"]),
    // Every code-signing call is a 404 on moto: unknown, never "no config".
    (
        "lambda.no-code-signing",
        "orders-fn",
        &["lambda:ListCodeSigningConfigs"],
    ),
    // AppSync on moto: no introspectionConfig in the listing (so no query limits either:
    // they came with it), and ListTypes / ListDataSources / ListFunctions are 404s.
    (
        "appsync.introspection-enabled",
        "shop-graphql",
        &["introspectionConfig"],
    ),
    (
        "appsync.no-query-limits",
        "shop-graphql",
        &["queryDepthLimit"],
    ),
    (
        "appsync.secrets-in-resolvers",
        "shop-graphql",
        &["resolvers"],
    ),
    (
        "appsync.secrets-in-resolvers",
        "admin-graphql",
        &["resolvers"],
    ),
    // shop-graphql is public and its resolvers are a 404 on moto: whether it reaches a
    // function or a state machine cannot be told.
    (
        "exposure.public-graphql-privileged-function",
        "orders-fn",
        &["resolvers"],
    ),
    (
        "exposure.public-entry-privileged-state-machine",
        "refunds-flow",
        &["resolvers"],
    ),
    // moto does not implement GetIdentityPoolRoles: a pool that lets guests in has an
    // unknown guest role.
    (
        "cognito.identity-pool-guest-privileged",
        "guest-ids",
        &["GetIdentityPoolRoles"],
    ),
];

/// Checks no seed can make pass or fail on moto 5.2.5, and why (reported, not asserted).
const INEXPRESSIBLE: &[(&str, &str)] = &[
    (
        "lambda.cross-account-layer/fail",
        "moto resolves a layer ARN by name in the caller's own account",
    ),
    (
        "apigw.no-client-certificate/pass",
        "GenerateClientCertificate is not implemented",
    ),
    ("secrets.unused/pass", "LastAccessedDate is always null"),
    (
        "lambda.no-code-signing/pass",
        "no code-signing call is implemented (unit-tested on recorded answers)",
    ),
    (
        "lambda.no-code-signing/fail",
        "no code-signing call is implemented (unit-tested on recorded answers)",
    ),
    (
        "exposure.public-graphql-privileged-function/pass",
        "moto serves no resolvers (unit tests and the demo cover the join)",
    ),
    (
        "exposure.public-graphql-privileged-function/fail",
        "moto serves no resolvers (unit tests and the demo cover the join)",
    ),
    (
        "exposure.public-entry-privileged-state-machine/pass",
        "the public GraphQL API's resolvers are a 404 on moto, so no machine is clear",
    ),
    (
        "cognito.identity-pool-guest-privileged/fail",
        "GetIdentityPoolRoles is not implemented (recorded answers: src/aws/users/tests.rs)",
    ),
    (
        "appsync.no-waf/pass",
        "moto keeps no WAF association (recorded answers: src/aws/graphql/tests.rs)",
    ),
    (
        "appsync.introspection-enabled/pass",
        "moto returns no introspectionConfig (recorded answers)",
    ),
    (
        "appsync.introspection-enabled/fail",
        "moto returns no introspectionConfig (recorded answers)",
    ),
    (
        "appsync.no-query-limits/pass",
        "moto returns no query limits (recorded answers)",
    ),
    (
        "appsync.no-query-limits/fail",
        "moto returns no query limits (recorded answers)",
    ),
    (
        "appsync.secrets-in-resolvers/pass",
        "moto serves no resolvers, types or functions (recorded answers)",
    ),
    (
        "appsync.secrets-in-resolvers/fail",
        "moto serves no resolvers, types or functions (recorded answers)",
    ),
];

/// A check of an opt-in poll area (`--code`).
fn opt_in(id: &str) -> bool {
    parapet::domain::checks::find(id).is_some_and(|c| c.areas.iter().any(|a| a.opt_in()))
}

fn status_table(found: &[Found]) -> String {
    let mut out = String::new();
    for f in found {
        out.push_str(&format!(
            "  {} | {} | {} | {}\n",
            f.check_id, f.resource_name, f.status, f.message
        ));
    }
    out
}

fn one<'a>(found: &'a [Found], check: &str, resource: &str) -> &'a Found {
    let hits = emulator::find(found, check, resource);
    assert_eq!(
        hits.len(),
        1,
        "expected exactly one {check} finding on {resource}, got {}:\n{}",
        hits.len(),
        status_table(
            &found
                .iter()
                .filter(|f| f.check_id == check)
                .cloned()
                .collect::<Vec<_>>()
        )
    );
    hits[0]
}

#[test]
fn scan_of_the_seeded_account_decides_every_check_the_emulator_can_express() {
    let moto = Moto::start();
    let manifest = moto.seed(&[]);
    let parapet = Parapet::default();

    let run = parapet.scan(&moto.endpoint(), &[]);
    assert!(!run.timed_out, "scan did not finish:\n{}", run.stderr);
    assert_eq!(
        run.code,
        Some(0),
        "scan without thresholds:\n{}",
        run.stderr
    );
    let snapshot = run.snapshot();
    let found = emulator::findings(snapshot);

    // Every expectation, collected so one run shows every mismatch.
    let mut wrong = Vec::new();
    for (check, resource, want) in EXPECTED {
        let hits = emulator::find(&found, check, resource);
        match hits.as_slice() {
            [f] if f.status == *want => {}
            [f] => wrong.push(format!(
                "{check} on {resource}: want {want}, got {} ({})",
                f.status, f.message
            )),
            _ => wrong.push(format!(
                "{check} on {resource}: want {want}, got {} findings",
                hits.len()
            )),
        }
    }
    for (check, resource, words) in GAPS {
        let f = one(&found, check, resource);
        if f.status != "unknown" || !words.iter().all(|w| f.message.contains(w)) {
            wrong.push(format!(
                "{check} on {resource} (emulator gap): want unknown mentioning {words:?}, got {} ({})",
                f.status, f.message
            ));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} expectation(s) not met:\n  {}\n\nall findings:\n{}",
        wrong.len(),
        wrong.join("\n  "),
        status_table(&found)
    );

    // The table covers the whole catalogue, with a pass and a fail per check unless the
    // emulator cannot express one (INEXPRESSIBLE, covered by aged_secrets or not at all).
    // The opt-in checks (`--code`) are emulator_code's: this scan runs without them, and
    // none of their findings may appear.
    let catalogue: BTreeSet<String> = Parapet::default()
        .run(&["checks", "--format", "json"])
        .stdout
        .parse::<Value>()
        .ok()
        .and_then(|v| {
            v.as_array().map(|a| {
                a.iter()
                    .filter_map(|c| c["id"].as_str().map(String::from))
                    .filter(|id| !opt_in(id))
                    .collect()
            })
        })
        .unwrap_or_default();
    assert!(
        found.iter().all(|f| !opt_in(&f.check_id)),
        "an opt-in check ran"
    );
    let mut seen: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (check, _, want) in EXPECTED {
        seen.entry(check).or_default().insert(want);
    }
    let aged_fails = [
        "secrets.not-rotated-recently",
        "secrets.rotation-overdue",
        "secrets.unused",
    ];
    for id in &catalogue {
        let statuses = seen.get(id.as_str()).cloned().unwrap_or_default();
        for want in ["pass", "fail"] {
            let covered = statuses.contains(want)
                || (want == "fail" && aged_fails.contains(&id.as_str()))
                || INEXPRESSIBLE
                    .iter()
                    .any(|(k, _)| *k == format!("{id}/{want}"));
            assert!(covered, "no {want} expectation for {id}");
        }
    }
    assert!(
        catalogue.len() >= 40,
        "`parapet checks --format json` listed {} checks",
        catalogue.len()
    );

    // Nothing the seed planted as a credential reaches the snapshot, not even a prefix.
    let text = serde_json::to_string(snapshot).unwrap();
    for value in manifest["secret_values"].as_array().unwrap() {
        let value = value.as_str().unwrap();
        assert!(
            !text.contains(value),
            "snapshot leaks a seeded secret value"
        );
        let prefix: String = value.chars().take(10).collect();
        assert!(
            !text.contains(&prefix),
            "snapshot leaks a 10-character prefix of a seeded secret value"
        );
    }

    // Collection: every area in the region, each complete: the emulator's unimplemented calls
    // are worked around (GetAuthorizer for v2 authorizers, GetFunctionUrlConfig per alias) or
    // not needed, so anything but `ok` is a call that failed for a reason the test should
    // know about. The one exception: code signing, which moto does not implement at all.
    let collection = snapshot["collection"].as_array().expect("collection");
    let functions = collection
        .iter()
        .find(|c| c["area"] == "functions" && c["region"] == REGION)
        .expect("functions collected");
    assert_eq!(functions["status"], "partial", "{functions}");
    assert!(
        functions["error"]
            .as_str()
            .is_some_and(|e| e.contains("lambda:ListCodeSigningConfigs")),
        "{functions}"
    );
    for area in [
        "gateways",
        "throttles",
        "encryption",
        "secrets",
        "triggers",
        "logs",
    ] {
        let entry = collection
            .iter()
            .find(|c| c["area"] == area && c["region"] == REGION)
            .unwrap_or_else(|| panic!("no collection entry for {area} × {REGION}"));
        assert_eq!(entry["status"], "ok", "{area}: {entry}");
        assert!(entry["error"].is_null(), "{area}: {entry}");
    }
    // The graphql area is partial: moto answers ListDataSources, ListFunctions and ListTypes
    // with 404s (their checks say unknown above).
    let graphql = collection
        .iter()
        .find(|c| c["area"] == "graphql" && c["region"] == REGION)
        .expect("graphql collected");
    assert_eq!(graphql["status"], "partial", "{graphql}");
    assert_eq!(collection.len(), 10, "{collection:?}");
    assert_eq!(snapshot["accounts"][0]["id"], emulator::ACCOUNT);
    assert_eq!(snapshot["regions"], serde_json::json!([REGION]));

    // Thresholds: critical failures exist, so --fail-on critical exits 3, and the score is
    // below 100.
    let gated = parapet.scan(&moto.endpoint(), &["--fail-on", "critical"]);
    assert_eq!(gated.code, Some(3), "--fail-on critical:\n{}", gated.stderr);
    assert!(
        gated.snapshot.is_some(),
        "the snapshot is written even when gating"
    );
    let high_floor = parapet.scan(&moto.endpoint(), &["--fail-under", "100"]);
    assert_eq!(
        high_floor.code,
        Some(3),
        "--fail-under 100:\n{}",
        high_floor.stderr
    );
}

#[test]
fn aged_secrets_fail_the_age_checks() {
    // Secrets Manager's clock 200 days behind: secrets created, rotated and due months ago.
    let moto = Moto::start_with(&["--secrets-clock-offset-days", "200"]);
    let manifest = moto.seed(&["--aged"]);
    let run = Parapet::default().scan(&moto.endpoint(), &[]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let found = emulator::findings(run.snapshot());
    let never = manifest["aged_secrets"]["never_rotated"].as_str().unwrap();
    let overdue = manifest["aged_secrets"]["rotation_overdue"]
        .as_str()
        .unwrap();
    for (check, resource, want) in [
        ("secrets.not-rotated-recently", never, "fail"),
        ("secrets.not-rotated-recently", overdue, "fail"),
        ("secrets.rotation-disabled", never, "fail"),
        ("secrets.rotation-disabled", overdue, "pass"),
        ("secrets.rotation-overdue", overdue, "fail"),
        ("secrets.rotation-overdue", never, "not_applicable"),
        ("secrets.unused", never, "fail"),
    ] {
        let f = one(&found, check, resource);
        assert_eq!(f.status, want, "{check} on {resource}: {}", f.message);
    }
    let text = serde_json::to_string(run.snapshot()).unwrap();
    for value in manifest["secret_values"].as_array().unwrap() {
        assert!(!text.contains(value.as_str().unwrap()));
    }
}

#[test]
fn two_regions_are_collected_side_by_side() {
    let moto = Moto::start();
    moto.seed(&[]);
    let parapet = Parapet::default();
    let one = parapet.scan(&moto.endpoint(), &[]);
    // The seed fills us-east-1; eu-west-1 is an empty region of the same account.
    let two = parapet.scan(&moto.endpoint(), &["--region", "eu-west-1"]);
    assert_eq!(two.code, Some(0), "{}", two.stderr);
    let snapshot = two.snapshot();
    assert_eq!(
        snapshot["regions"],
        serde_json::json!([REGION, "eu-west-1"])
    );
    let collection = snapshot["collection"].as_array().unwrap();
    assert_eq!(collection.len(), 20, "{collection:?}");
    for c in collection {
        // moto implements no code-signing call: the functions of us-east-1 are partial
        // (eu-west-1 has no function, so nothing is asked there); nor AppSync's listings
        // under an API, nor GetIdentityPoolRoles (eu-west-1 has neither an API nor a pool).
        let partial = ["functions", "graphql", "users"]
            .iter()
            .any(|a| c["area"] == *a);
        let want = if partial && c["region"] == REGION {
            "partial"
        } else {
            "ok"
        };
        assert_eq!(c["status"], want, "{c}");
    }
    for region in [REGION, "eu-west-1"] {
        assert_eq!(
            collection.iter().filter(|c| c["region"] == region).count(),
            10,
            "{region}"
        );
    }
    // Same decisions as the one-region scan; nothing invented for the empty region.
    let single = emulator::by_key(one.snapshot());
    let double = emulator::by_key(snapshot);
    assert_eq!(single.len(), double.len());
    for (k, f) in &single {
        assert_eq!(double[k].status, f.status, "{} on {}", k.0, f.resource_name);
    }

    // The same scan as ASFF on stdout: batches botocore's Security Hub model accepts, each of
    // one region, holding every finding.
    let endpoint = moto.endpoint();
    let asff = parapet.run(&[
        "scan",
        "--endpoint-url",
        &endpoint,
        "--region",
        REGION,
        "--region",
        "eu-west-1",
        "--format",
        "asff",
    ]);
    assert_eq!(asff.code, Some(0), "{}", asff.stderr);
    assert!(
        asff.stderr.contains("ASFF batches written to stdout"),
        "{}",
        asff.stderr
    );
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), &asff.stdout).unwrap();
    let read = crate::formats::read_back("asff", file.path());
    assert_eq!(
        read["count"].as_u64().unwrap() as usize,
        snapshot["findings"].as_array().unwrap().len()
    );
}
