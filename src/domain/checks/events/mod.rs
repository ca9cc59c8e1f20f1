//! Checks for event sources and triggers (see docs/CHECKS.md, "Event sources and
//! triggers"): the queues, topics and buses that make a function run, and its stream and
//! Kafka mappings.
//!
//! The resource of a finding is what a person would fix: the queue, the topic, the bus, or
//! for a stream or Kafka mapping the mapping itself (named `SOURCE → FUNCTION`). Only sources
//! that trigger a function are collected, so every resource here is one. Who may write to a
//! source is judged by `domain::triggers` (shared with the exposure joins); a source whose
//! attributes or policy could not be read is `unknown` with the reason, never `pass`.
//!
//! Findings carry the service of their resource (`sqs`, `sns`, `events`, or `lambda` for a
//! mapping); a check's `service` is the one whose failed listing makes it `unknown` for a
//! region, and the checks that span several services add the others' listing failures
//! themselves ([`other_listing_failures`]).

use crate::domain::arn::{Arn, function_ref, source_name};
use crate::domain::catalogue::{CheckDef, Context, Target, tf_ident};
use crate::domain::finding::{Category, Evidence, Finding, ResourceKind, Service, Severity};
use crate::domain::inventory::{
    Area, EventSourceMapping, Inventory, Queue, SourceKind, Stream, Topic,
};
use crate::domain::policy::PolicyDocument;
use crate::domain::triggers::{
    Openness, bus_openness, granted_accounts, queue_openness, topic_openness,
};
use crate::domain::values::StreamEncryption;
use std::sync::Arc;

const DOCS_SQS_POLICY: &str = "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-sqs-policies.html";
const DOCS_SNS_POLICY: &str =
    "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html";
const DOCS_ESM_ERRORS: &str =
    "https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html";

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "events.queue-public-send",
        title: "Anyone can send messages to a queue that triggers a function",
        severity: Severity::Critical,
        category: Category::Exposure,
        service: Service::Sqs,
        areas: &[Area::Triggers],
        resource: ResourceKind::Queue,
        rationale: "The queue's policy lets any AWS principal call sqs:SendMessage with no \
            SourceArn, SourceAccount, PrincipalOrgID or VPC condition. Whatever anyone sends \
            becomes an event the function trusts and processes with its role: event data \
            tampering, injection through the payload, or a flood that burns concurrency.",
        fix: "Replace the queue policy with one naming the sender and an aws:SourceArn condition.",
        console: &[
            "Open the SQS console in {region} → Queues → {name} → Access policy → Edit.",
            "Remove the statement with Principal \"*\" (or give it an aws:SourceArn / aws:SourceAccount condition naming the producer).",
            "Save, then check the producer still delivers.",
        ],
        cli: "aws sqs set-queue-attributes --queue-url {queue_url} --region {region} --attributes file://queue-policy.json\n\
            # queue-policy.json: {\"Policy\": \"{\\\"Version\\\":\\\"2012-10-17\\\",\\\"Statement\\\":[{\\\"Effect\\\":\\\"Allow\\\",\
            \\\"Principal\\\":{\\\"Service\\\":\\\"sns.amazonaws.com\\\"},\\\"Action\\\":\\\"sqs:SendMessage\\\",\\\"Resource\\\":\\\"{arn}\\\",\
            \\\"Condition\\\":{\\\"ArnEquals\\\":{\\\"aws:SourceArn\\\":\\\"PRODUCER_ARN\\\"}}}]}\"}",
        terraform: "resource \"aws_sqs_queue_policy\" \"{tf}\" {\n  queue_url = \"{queue_url}\"\n  policy    = data.aws_iam_policy_document.{tf}_send.json\n}\n\ndata \"aws_iam_policy_document\" \"{tf}_send\" {\n  statement {\n    actions   = [\"sqs:SendMessage\"]\n    resources = [\"{arn}\"]\n    principals {\n      type        = \"Service\"\n      identifiers = [\"sns.amazonaws.com\"]\n    }\n    condition {\n      test     = \"ArnEquals\"\n      variable = \"aws:SourceArn\"\n      values   = [\"PRODUCER_ARN\"]\n    }\n  }\n}",
        fsbp: Some("SQS.3"),
        prowler: Some("sqs_queues_not_publicly_accessible"),
        docs_url: DOCS_SQS_POLICY,
        evaluate: queue_public_send,
    },
    CheckDef {
        id: "events.topic-public-publish",
        title: "Anyone can publish to a topic that triggers a function",
        severity: Severity::Critical,
        category: Category::Exposure,
        service: Service::Sns,
        areas: &[Area::Triggers],
        resource: ResourceKind::Topic,
        rationale: "The topic's policy lets any AWS principal call SNS:Publish with no SourceOwner, \
            SourceAccount, SourceArn or PrincipalOrgID condition, and a function subscribes to it: \
            anyone can hand the function an event it trusts. (AWS's default topic policy is \
            restricted by AWS:SourceOwner and passes.)",
        fix: "Restrict the topic policy's Publish grant to named principals or an aws:SourceOwner / aws:SourceArn condition.",
        console: &[
            "Open the SNS console in {region} → Topics → {name} → Edit → Access policy.",
            "Remove Principal \"*\" from the SNS:Publish statement, or add a condition naming the publishing account or resource.",
            "Save changes.",
        ],
        cli: "aws sns set-topic-attributes --topic-arn {arn} --attribute-name Policy --attribute-value file://topic-policy.json --region {region}\n\
            # topic-policy.json grants SNS:Publish only to the publisher, e.g. with\n\
            # \"Condition\": {\"StringEquals\": {\"AWS:SourceOwner\": \"{account}\"}}",
        terraform: "resource \"aws_sns_topic_policy\" \"{tf}\" {\n  arn    = \"{arn}\"\n  policy = data.aws_iam_policy_document.{tf}_publish.json\n}\n\ndata \"aws_iam_policy_document\" \"{tf}_publish\" {\n  statement {\n    actions   = [\"SNS:Publish\"]\n    resources = [\"{arn}\"]\n    principals {\n      type        = \"AWS\"\n      identifiers = [\"*\"]\n    }\n    condition {\n      test     = \"StringEquals\"\n      variable = \"AWS:SourceOwner\"\n      values   = [\"{account}\"]\n    }\n  }\n}",
        fsbp: None,
        prowler: Some("sns_topics_not_publicly_accessible"),
        docs_url: DOCS_SNS_POLICY,
        evaluate: topic_public_publish,
    },
    CheckDef {
        id: "events.bus-public-put",
        title: "Anyone can put events on a bus whose rules trigger a function",
        severity: Severity::High,
        category: Category::Exposure,
        service: Service::EventBridge,
        areas: &[Area::Triggers],
        resource: ResourceKind::Bus,
        rationale: "The bus's resource policy lets any account call events:PutEvents with no \
            aws:PrincipalOrgID or account condition, and a rule on it targets a function: \
            anyone who matches the rule's pattern invokes the function with an event of their \
            choosing. The default bus with no policy accepts only this account and passes.",
        fix: "Remove the public grant (aws events remove-permission) and re-grant with an organization condition.",
        console: &[
            "Open the EventBridge console in {region} → Event buses → {name} → Permissions.",
            "Edit the resource-based policy: remove Principal \"*\", or add a condition on aws:PrincipalOrgID.",
            "Update.",
        ],
        cli: "aws events remove-permission --event-bus-name {name} --statement-id {statement_id} --region {region}\n\
            aws events put-permission --event-bus-name {name} --action events:PutEvents --principal '*' \
            --statement-id org-only --condition Type=StringEquals,Key=aws:PrincipalOrgID,Value=o-XXXXXXXXXX --region {region}",
        terraform: "resource \"aws_cloudwatch_event_permission\" \"{tf}\" {\n  event_bus_name = \"{name}\"\n  principal      = \"*\"\n  statement_id   = \"org-only\"\n  condition {\n    key   = \"aws:PrincipalOrgID\"\n    type  = \"StringEquals\"\n    value = \"o-XXXXXXXXXX\"\n  }\n}",
        fsbp: None,
        prowler: Some("eventbridge_bus_exposed"),
        docs_url: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-bus-perms.html",
        evaluate: bus_public_put,
    },
    CheckDef {
        id: "events.source-cross-account",
        title: "Another account may send events to a source that triggers a function",
        severity: Severity::Medium,
        category: Category::Privilege,
        service: Service::Sqs,
        areas: &[Area::Triggers],
        resource: ResourceKind::Queue,
        rationale: "A queue, topic or bus policy grants an account outside the trusted list the \
            right to send, publish or put events: that account's principals decide what the \
            function processes. Keep such grants deliberate.",
        fix: "Remove the grant from the source's policy, or add the account to trusted_accounts in the Parapet config.",
        console: &[
            "Open the policy of {name} in the {service_console} console in {region}.",
            "Remove the statement granting account {other_account}, or add it to trusted_accounts in Parapet's config.toml if intended.",
        ],
        cli: "# {name} lets account {other_account} write to it; edit its policy:\n{policy_cli}",
        terraform: "# Remove {other_account} from the policy of {name} ({arn}), or trust it:\n# [checks]\n# trusted_accounts = [\"{other_account}\"]",
        fsbp: None,
        prowler: Some("eventbridge_bus_cross_account_access"),
        docs_url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies-cross-account-resource-access.html",
        evaluate: source_cross_account,
    },
    CheckDef {
        id: "events.queue-not-encrypted",
        title: "Queue that triggers a function is not encrypted",
        severity: Severity::Medium,
        category: Category::Encryption,
        service: Service::Sqs,
        areas: &[Area::Triggers],
        resource: ResourceKind::Queue,
        rationale: "Messages wait in the queue until the function takes them. Without SSE-SQS or a \
            KMS key they are stored unencrypted, and the payloads of events often carry \
            personal or payment data.",
        fix: "Turn on server-side encryption: SqsManagedSseEnabled=true (or a KmsMasterKeyId).",
        console: &[
            "Open the SQS console in {region} → Queues → {name} → Edit.",
            "Encryption → Server-side encryption: Enabled (Amazon SQS key, or an AWS KMS key) → Save.",
        ],
        cli: "aws sqs set-queue-attributes --queue-url {queue_url} --attributes SqsManagedSseEnabled=true --region {region}",
        terraform: "resource \"aws_sqs_queue\" \"{tf}\" {\n  name                    = \"{name}\"\n  sqs_managed_sse_enabled = true\n}",
        fsbp: Some("SQS.1"),
        prowler: Some("sqs_queues_server_side_encryption_enabled"),
        docs_url: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html",
        evaluate: queue_not_encrypted,
    },
    CheckDef {
        id: "events.topic-not-encrypted",
        title: "Topic that triggers a function is not encrypted with KMS",
        severity: Severity::Medium,
        category: Category::Encryption,
        service: Service::Sns,
        areas: &[Area::Triggers],
        resource: ResourceKind::Topic,
        rationale: "Without a KmsMasterKeyId, SNS stores the messages it has not delivered yet \
            unencrypted at rest; the events a function consumes often carry personal data.",
        fix: "Set a KMS key on the topic: set-topic-attributes --attribute-name KmsMasterKeyId.",
        console: &[
            "Open the SNS console in {region} → Topics → {name} → Edit.",
            "Encryption → Enable encryption → choose a KMS key (alias/aws/sns or a customer key) → Save changes.",
        ],
        cli: "aws sns set-topic-attributes --topic-arn {arn} --attribute-name KmsMasterKeyId --attribute-value alias/aws/sns --region {region}",
        terraform: "resource \"aws_sns_topic\" \"{tf}\" {\n  name              = \"{name}\"\n  kms_master_key_id = \"alias/aws/sns\"\n}",
        fsbp: None,
        prowler: Some("sns_topics_kms_encryption_at_rest_enabled"),
        docs_url: "https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html",
        evaluate: topic_not_encrypted,
    },
    CheckDef {
        id: "events.no-dead-letter",
        title: "Failed events have nowhere to go",
        severity: Severity::Medium,
        category: Category::Resilience,
        service: Service::Sqs,
        areas: &[Area::Triggers],
        resource: ResourceKind::Queue,
        rationale: "A message the function keeps failing on is retried until it expires and is \
            then lost (a queue without a redrive policy), or a stream or Kafka batch is retried \
            and then dropped with no record (a mapping without an OnFailure destination). \
            Failures vanish, and a poison message can keep the consumer busy.",
        fix: "Give the queue a redrive policy to a dead-letter queue; give the mapping an OnFailure destination.",
        console: &[
            "For a queue: SQS console in {region} → Queues → {name} → Edit → Dead-letter queue: Enabled, choose a queue, Maximum receives 5 → Save.",
            "For a mapping: Lambda console → the function → Configuration → Triggers → {name} → Edit → On-failure destination → Save.",
        ],
        cli: "{dlq_cli}",
        terraform: "{dlq_terraform}",
        fsbp: None,
        prowler: None,
        docs_url: DOCS_ESM_ERRORS,
        evaluate: no_dead_letter,
    },
    CheckDef {
        id: "events.stream-unbounded-retries",
        title: "Stream mapping retries a failing batch forever",
        severity: Severity::Low,
        category: Category::Resilience,
        service: Service::Lambda,
        areas: &[Area::Triggers],
        resource: ResourceKind::Mapping,
        rationale: "With MaximumRetryAttempts and MaximumRecordAgeInSeconds unlimited (-1 or \
            absent) and BisectBatchOnFunctionError off, one malformed record makes Lambda retry \
            its batch until the record expires from the stream (up to a year on Kinesis): the \
            shard stops, a denial of service by payload.",
        fix: "Bound the retries and split failing batches: --maximum-retry-attempts N --bisect-batch-on-function-error.",
        console: &[
            "Open the Lambda console in {region} → the function → Configuration → Triggers → {name} → Edit.",
            "Additional settings: Retry attempts 3, Maximum age of record 3600, Split batch on error: on → Save.",
        ],
        cli: "aws lambda update-event-source-mapping --uuid {uuid} --maximum-retry-attempts 3 \
            --maximum-record-age-in-seconds 3600 --bisect-batch-on-function-error --region {region}",
        terraform: "resource \"aws_lambda_event_source_mapping\" \"{tf}\" {\n  # ... existing arguments ...\n  maximum_retry_attempts         = 3\n  maximum_record_age_in_seconds  = 3600\n  bisect_batch_on_function_error = true\n}",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/lambda/latest/dg/with-kinesis.html#services-kinesis-errors",
        evaluate: stream_unbounded_retries,
    },
    CheckDef {
        id: "events.stream-not-encrypted",
        title: "Kinesis stream that triggers a function is not encrypted",
        severity: Severity::Medium,
        category: Category::Encryption,
        service: Service::Kinesis,
        areas: &[Area::Triggers],
        resource: ResourceKind::Stream,
        rationale: "Records wait in a Kinesis stream for up to its retention period (a day by \
            default, a year at most) until the function reads them. With EncryptionType NONE \
            they are stored unencrypted, and the events of a stream often carry personal or \
            payment data.",
        fix: "Start server-side encryption with a KMS key (alias/aws/kinesis or your own).",
        console: &[
            "Open the Kinesis console in {region} → Data streams → {name}.",
            "Configuration → Encryption → Edit: Enable server-side encryption, choose a key → Save changes.",
        ],
        cli: "aws kinesis start-stream-encryption --stream-arn {arn} --encryption-type KMS --key-id alias/aws/kinesis --region {region}",
        terraform: "resource \"aws_kinesis_stream\" \"{tf}\" {\n  name            = \"{name}\"\n  encryption_type = \"KMS\"\n  kms_key_id      = \"alias/aws/kinesis\"\n}",
        fsbp: Some("Kinesis.1"),
        prowler: Some("kinesis_stream_encrypted_at_rest"),
        docs_url: "https://docs.aws.amazon.com/streams/latest/dev/server-side-encryption.html",
        evaluate: stream_not_encrypted,
    },
];

// ───────────────────────────── targets ─────────────────────────────

/// The account in a source ARN (a queue of another account keeps its own).
fn account_in(arn: &str) -> String {
    Arn::parse(arn).map_or_else(String::new, |a| a.account.to_string())
}

fn queue_url(q: &Queue) -> String {
    format!(
        "https://sqs.{}.amazonaws.com/{}/{}",
        q.region,
        account_in(&q.arn),
        q.name
    )
}

fn queue_target(q: &Queue) -> Target {
    Target::new(&q.region, &q.arn, &q.name)
        .param("tf", tf_ident(&q.name))
        .param("queue_url", queue_url(q))
}

fn named_target(region: &str, arn: &str, name: &str) -> Target {
    Target::new(region, arn, name).param("tf", tf_ident(name))
}

fn mapping_target(m: &EventSourceMapping) -> Target {
    let name = m.display_name();
    Target::new(&m.region, m.arn(), &name)
        .param("tf", tf_ident(&name))
        .param("uuid", &m.uuid)
}

/// The functions a source triggers, for evidence: `orders-worker (mapping 1a2b…)`.
fn triggered(inv: &Inventory, source_arn: &str) -> Evidence {
    let mut names: Vec<String> = inv
        .mappings
        .iter()
        .filter(|m| m.source_arn.as_deref() == Some(source_arn))
        .map(|m| function_name_of(&m.function_arn))
        .collect();
    for t in inv.topics.iter().filter(|t| t.arn == source_arn) {
        names.extend(
            t.subscriptions
                .iter()
                .map(|s| function_name_of(&s.function_arn)),
        );
    }
    for b in inv.buses.iter().filter(|b| b.arn == source_arn) {
        for r in &b.rules {
            names.extend(
                r.function_arns
                    .iter()
                    .map(|a| format!("{} (rule {})", function_name_of(a), r.name)),
            );
        }
    }
    names.dedup();
    Evidence::new("Triggers", names.join(", "))
}

/// `orders-worker`, or `orders-worker:live` for a qualified ARN.
fn function_name_of(arn: &str) -> String {
    match function_ref(arn) {
        Some(f) => match f.qualifier {
            Some(q) => format!("{}:{q}", f.name),
            None => f.name,
        },
        None => arn.to_string(),
    }
}

/// A finding about a resource of another service than the check's (a topic under
/// `events.source-cross-account`, a mapping under `events.no-dead-letter`).
fn of_service(mut f: Finding, service: Service) -> Finding {
    f.service = service;
    f
}

/// The `unknown` findings for failed listings of the services a multi-service check covers
/// besides its own (`run` adds its own service's).
fn other_listing_failures(def: &CheckDef, inv: &Inventory, services: &[Service]) -> Vec<Finding> {
    inv.list_failures
        .iter()
        .filter(|x| x.area == Area::Triggers && services.contains(&x.service))
        .map(|x| {
            let t = Target::listing(x.service, &x.region);
            of_service(
                def.unknown(inv, &t, format!("{} failed: {}", x.call, x.reason)),
                x.service,
            )
        })
        .collect()
}

// ───────────────────────────── who may write ─────────────────────────────

/// One finding per source (its target, [`Openness`] and ARN) over who may `action` it.
fn judge_openness<'a>(
    def: &CheckDef,
    inv: &Inventory,
    action: &str,
    sources: impl Iterator<Item = (Target, Openness, &'a str)>,
) -> Vec<Finding> {
    sources
        .map(|(t, openness, arn)| judge_one(def, inv, &t, openness, action, triggered(inv, arn)))
        .collect()
}

fn judge_one(
    def: &CheckDef,
    inv: &Inventory,
    t: &Target,
    openness: Openness,
    action: &str,
    triggers: Evidence,
) -> Finding {
    match openness {
        Openness::Unknown(e) => def.unknown(inv, t, e),
        Openness::Restricted => def.pass(
            inv,
            t,
            format!("no statement lets anyone {action}"),
            vec![triggers],
        ),
        Openness::Public(statements) => {
            let mut ev = vec![triggers];
            ev.extend(statements.iter().map(|s| Evidence::new("Public grant", s)));
            def.fail(
                inv,
                t,
                format!("anyone may {action}: {}", statements.join("; ")),
                ev,
            )
        }
    }
}

fn queue_public_send(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    let sources = inv.queues.iter();
    let sources = sources.map(|q| (queue_target(q), queue_openness(q), q.arn.as_str()));
    judge_openness(def, inv, "sqs:SendMessage", sources)
}

fn topic_public_publish(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    let sources = inv.topics.iter().map(|t| {
        let target = named_target(&t.region, &t.arn, &t.name);
        (target, topic_openness(t), t.arn.as_str())
    });
    judge_openness(def, inv, "sns:Publish", sources)
}

fn bus_public_put(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    let sources = inv.buses.iter().map(|b| {
        let openness = bus_openness(b);
        // The first public statement's Sid, for remove-permission.
        let sid = match (&openness, &b.policy) {
            (Openness::Public(_), Ok(Some(text))) => PolicyDocument::parse(text)
                .ok()
                .and_then(|d| {
                    crate::domain::triggers::public_grants(
                        &d,
                        "events:PutEvents",
                        crate::domain::triggers::BUS_RESTRICTING,
                    )
                    .first()
                    .and_then(|st| st.sid.clone())
                })
                .unwrap_or_else(|| "STATEMENT_ID".into()),
            _ => "STATEMENT_ID".into(),
        };
        let t = named_target(&b.region, &b.arn, &b.name).param("statement_id", sid);
        (t, openness, b.arn.as_str())
    });
    judge_openness(def, inv, "events:PutEvents", sources)
}

// ───────────────────────────── other accounts ─────────────────────────────

fn source_cross_account(def: &CheckDef, inv: &Inventory, ctx: &Context) -> Vec<Finding> {
    struct Source<'a> {
        service: Service,
        target: Target,
        arn: &'a str,
        policy: Result<Option<&'a str>, &'a str>,
        action: &'static str,
        console: &'static str,
        policy_cli: String,
    }
    let mut sources: Vec<Source> = Vec::new();
    for q in &inv.queues {
        sources.push(Source {
            service: Service::Sqs,
            target: queue_target(q),
            arn: &q.arn,
            policy: match &q.attributes {
                Ok(a) => Ok(a.policy.as_deref()),
                Err(e) => Err(&e.reason),
            },
            action: "sqs:SendMessage",
            console: "SQS",
            policy_cli: format!(
                "aws sqs set-queue-attributes --queue-url {} --attributes file://queue-policy.json --region {}",
                queue_url(q),
                q.region
            ),
        });
    }
    for t in &inv.topics {
        sources.push(Source {
            service: Service::Sns,
            target: named_target(&t.region, &t.arn, &t.name),
            arn: &t.arn,
            policy: match &t.attributes {
                Ok(a) => Ok(a.policy.as_deref()),
                Err(e) => Err(&e.reason),
            },
            action: "sns:Publish",
            console: "SNS",
            policy_cli: format!(
                "aws sns set-topic-attributes --topic-arn {} --attribute-name Policy --attribute-value file://topic-policy.json --region {}",
                t.arn, t.region
            ),
        });
    }
    for b in &inv.buses {
        sources.push(Source {
            service: Service::EventBridge,
            target: named_target(&b.region, &b.arn, &b.name),
            arn: &b.arn,
            policy: match &b.policy {
                Ok(p) => Ok(p.as_deref()),
                Err(e) => Err(&e.reason),
            },
            action: "events:PutEvents",
            console: "EventBridge",
            policy_cli: format!(
                "aws events remove-permission --event-bus-name {} --statement-id STATEMENT_ID --region {}",
                b.name, b.region
            ),
        });
    }
    let mut findings: Vec<Finding> = sources
        .into_iter()
        .map(|s| {
            let own = account_in(s.arn);
            let t = s
                .target
                .param("service_console", s.console)
                .param("policy_cli", &s.policy_cli);
            let verdict = match s.policy {
                Err(e) => def.unknown(inv, &t.clone().param("other_account", "ACCOUNT"), e),
                Ok(None) => def.pass(
                    inv,
                    &t.clone().param("other_account", "ACCOUNT"),
                    "no policy: only the owning account may write to it",
                    vec![triggered(inv, s.arn)],
                ),
                Ok(Some(text)) => match PolicyDocument::parse(text) {
                    Err(e) => def.unknown(
                        inv,
                        &t.clone().param("other_account", "ACCOUNT"),
                        format!("policy could not be parsed: {e}"),
                    ),
                    Ok(doc) => {
                        let foreign: Vec<(String, String)> = granted_accounts(&doc, s.action)
                            .into_iter()
                            .filter(|(a, _)| *a != own && !ctx.is_trusted(inv, a))
                            .map(|(a, st)| (a, crate::domain::iam::statement_summary(st)))
                            .collect();
                        match foreign.first() {
                            None => def.pass(
                                inv,
                                &t.clone().param("other_account", "ACCOUNT"),
                                format!(
                                    "every {} grant names this account or a trusted one",
                                    s.action
                                ),
                                vec![triggered(inv, s.arn)],
                            ),
                            Some((first, _)) => {
                                let mut ev = vec![triggered(inv, s.arn)];
                                ev.extend(
                                    foreign
                                        .iter()
                                        .map(|(a, st)| Evidence::new(format!("Account {a}"), st)),
                                );
                                let accounts: Vec<&str> =
                                    foreign.iter().map(|(a, _)| a.as_str()).collect();
                                def.fail(
                                    inv,
                                    &t.clone().param("other_account", first),
                                    format!(
                                        "untrusted account{} {} may {}",
                                        if accounts.len() == 1 { "" } else { "s" },
                                        accounts.join(", "),
                                        s.action
                                    ),
                                    ev,
                                )
                            }
                        }
                    }
                },
            };
            of_service(verdict, s.service)
        })
        .collect();
    findings.extend(other_listing_failures(
        def,
        inv,
        &[Service::Sns, Service::EventBridge],
    ));
    findings
}

// ───────────────────────────── encryption ─────────────────────────────

/// The verdict on a source's encryption at rest: its KMS key (`KmsMasterKeyId`), else SSE-SQS
/// where the service has it (`sse`), else a failure that says `plain`.
fn judge_encryption(
    (def, inv, t, arn): (&CheckDef, &Inventory, &Target, &str),
    key: Option<&str>,
    sse: Option<bool>,
    plain: &str,
) -> Finding {
    let key = key.map(str::trim).filter(|k| !k.is_empty());
    let mut ev = vec![triggered(inv, arn)];
    if let Some(sse) = sse {
        ev.push(Evidence::new("SqsManagedSseEnabled", sse.to_string()));
    }
    ev.push(Evidence::new("KmsMasterKeyId", key.unwrap_or("(none)")));
    match key {
        Some(k) => def.pass(inv, t, format!("encrypted with KMS key {k}"), ev),
        None if sse == Some(true) => def.pass(inv, t, "encrypted with SSE-SQS", ev),
        None => def.fail(inv, t, plain, ev),
    }
}

fn queue_not_encrypted(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    let judge = |q: &Arc<Queue>| {
        let t = queue_target(q);
        let a = match &q.attributes {
            Err(e) => return def.unknown(inv, &t, e.clone()),
            Ok(a) => a,
        };
        let plain = "messages are stored unencrypted (no SSE-SQS, no KMS key)";
        let key = a.kms_master_key_id.as_deref();
        judge_encryption((def, inv, &t, &q.arn), key, Some(a.sqs_managed_sse), plain)
    };
    inv.queues.iter().map(judge).collect()
}

fn topic_not_encrypted(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    let judge = |topic: &Arc<Topic>| {
        let t = named_target(&topic.region, &topic.arn, &topic.name);
        match &topic.attributes {
            Err(e) => def.unknown(inv, &t, e.clone()),
            Ok(a) => judge_encryption(
                (def, inv, &t, &topic.arn),
                a.kms_master_key_id.as_deref(),
                None,
                "no KmsMasterKeyId: messages are stored unencrypted",
            ),
        }
    };
    inv.topics.iter().map(judge).collect()
}

fn stream_not_encrypted(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    let judge = |stream: &Arc<Stream>| {
        let t = named_target(&stream.region, &stream.arn, &stream.name);
        let encryption = match &stream.encryption {
            Err(e) => return def.unknown(inv, &t, e.clone()),
            Ok(e) => e,
        };
        let ev = vec![Evidence::new("EncryptionType", encryption.as_str())];
        match encryption {
            StreamEncryption::Kms => def.pass(inv, &t, "records are encrypted with KMS", ev),
            StreamEncryption::None => def.fail(
                inv,
                &t,
                "EncryptionType NONE: records are stored unencrypted",
                ev,
            ),
            // A type this version does not know, or none at all: not a pass.
            StreamEncryption::Other(v) => def.unknown(
                inv,
                &t,
                format!("DescribeStreamSummary gave EncryptionType {v:?}"),
            ),
        }
    };
    inv.streams.iter().map(judge).collect()
}

// ───────────────────────────── failures ─────────────────────────────

/// The dead-letter target of a redrive policy (`deadLetterTargetArn`).
fn dead_letter_target(redrive: &str) -> Option<String> {
    let v: serde_json::Value = serde_json::from_str(redrive).ok()?;
    let v = match v {
        // Some SDKs hand the attribute over JSON-encoded twice.
        serde_json::Value::String(s) => serde_json::from_str(&s).ok()?,
        v => v,
    };
    v.get("deadLetterTargetArn")?
        .as_str()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
}

fn no_dead_letter(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    let mut out = Vec::new();
    for q in &inv.queues {
        let t = queue_target(q).param(
            "dlq_cli",
            format!(
                "aws sqs set-queue-attributes --queue-url {} --region {} \
                 --attributes '{{\"RedrivePolicy\":\"{{\\\"deadLetterTargetArn\\\":\\\"{}-dlq\\\",\\\"maxReceiveCount\\\":\\\"5\\\"}}\"}}'",
                queue_url(q),
                q.region,
                q.arn
            ),
        )
        .param(
            "dlq_terraform",
            format!(
                "resource \"aws_sqs_queue\" \"{tf}_dlq\" {{\n  name = \"{name}-dlq\"\n}}\n\nresource \"aws_sqs_queue_redrive_policy\" \"{tf}\" {{\n  queue_url = \"{url}\"\n  redrive_policy = jsonencode({{\n    deadLetterTargetArn = aws_sqs_queue.{tf}_dlq.arn\n    maxReceiveCount     = 5\n  }})\n}}",
                tf = tf_ident(&q.name),
                name = q.name,
                url = queue_url(q)
            ),
        );
        out.push(match &q.attributes {
            Err(e) => def.unknown(inv, &t, e.clone()),
            Ok(a) => {
                let target = a.redrive_policy.as_deref().and_then(dead_letter_target);
                let ev = vec![
                    triggered(inv, &q.arn),
                    Evidence::new(
                        "RedrivePolicy",
                        a.redrive_policy.clone().unwrap_or_else(|| "(none)".into()),
                    ),
                ];
                match target {
                    Some(dlq) => def.pass(
                        inv,
                        &t,
                        format!("messages that keep failing go to {}", source_name(&dlq)),
                        ev,
                    ),
                    None => def.fail(
                        inv,
                        &t,
                        "no dead-letter queue: messages that keep failing are lost when they expire",
                        ev,
                    ),
                }
            }
        });
    }
    for m in inv.mappings.iter().filter(|m| m.kind() != SourceKind::Sqs) {
        if !m.kind().has_on_failure() {
            let t = mapping_target(m)
                .param(
                    "dlq_cli",
                    "# no OnFailure destination for this kind of source",
                )
                .param(
                    "dlq_terraform",
                    "# no OnFailure destination for this kind of source",
                );
            let na = def.not_applicable(
                inv,
                &t,
                format!(
                    "a {} mapping has no OnFailure destination: failed messages return to the source's own redelivery",
                    m.kind().label()
                ),
            );
            out.push(of_service(na, Service::Lambda));
            continue;
        }
        let t = mapping_target(m)
            .param(
                "dlq_cli",
                format!(
                    "aws lambda update-event-source-mapping --uuid {} --region {} \
                     --destination-config '{{\"OnFailure\":{{\"Destination\":\"arn:aws:sqs:{}:{}:{}-failures\"}}}}'",
                    m.uuid,
                    m.region,
                    m.region,
                    account_in(&m.function_arn),
                    tf_ident(&source_name(m.source_arn.as_deref().unwrap_or("stream")))
                ),
            )
            .param(
                "dlq_terraform",
                format!(
                    "resource \"aws_lambda_event_source_mapping\" \"{}\" {{\n  # ... existing arguments ...\n  destination_config {{\n    on_failure {{\n      destination_arn = aws_sqs_queue.failures.arn\n    }}\n  }}\n}}",
                    tf_ident(&m.display_name())
                ),
            );
        let ev = vec![
            Evidence::new(
                "Source",
                m.source_arn.as_deref().unwrap_or("self-managed Kafka"),
            ),
            Evidence::new("Function", &m.function_arn),
            Evidence::new(
                "DestinationConfig.OnFailure",
                m.on_failure_destination.as_deref().unwrap_or("(none)"),
            ),
        ];
        let verdict = match &m.on_failure_destination {
            Some(d) if !d.trim().is_empty() => def.pass(
                inv,
                &t,
                format!("failed batches go to {}", source_name(d)),
                ev,
            ),
            _ => def.fail(
                inv,
                &t,
                format!(
                    "no OnFailure destination: batches of the {} that keep failing are dropped without a record",
                    m.kind().label()
                ),
                ev,
            ),
        };
        out.push(of_service(verdict, Service::Lambda));
    }
    out
}

fn stream_unbounded_retries(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    let unlimited = |v: Option<i32>| v.is_none_or(|n| n < 0);
    let shown = |v: Option<i32>| v.map_or_else(|| "(absent)".to_string(), |n| n.to_string());
    inv.mappings
        .iter()
        .filter(|m| m.kind() != SourceKind::Sqs)
        .map(|m| {
            let t = mapping_target(m);
            if !m.kind().is_stream() {
                return def.not_applicable(
                    inv,
                    &t,
                    format!("a {} is not a stream: no shard to block", m.kind().label()),
                );
            }
            let bisect = m.bisect_batch_on_function_error == Some(true);
            let ev = vec![
                Evidence::new("Source", m.source_arn.as_deref().unwrap_or_default()),
                Evidence::new("MaximumRetryAttempts", shown(m.maximum_retry_attempts)),
                Evidence::new(
                    "MaximumRecordAgeInSeconds",
                    shown(m.maximum_record_age_seconds),
                ),
                Evidence::new("BisectBatchOnFunctionError", bisect.to_string()),
            ];
            if unlimited(m.maximum_retry_attempts)
                && unlimited(m.maximum_record_age_seconds)
                && !bisect
            {
                def.fail(
                    inv,
                    &t,
                    format!(
                        "a failing batch of the {} is retried until its records expire, blocking the shard",
                        m.kind().label()
                    ),
                    ev,
                )
            } else {
                def.pass(inv, &t, "retries are bounded or failing batches are split", ev)
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
