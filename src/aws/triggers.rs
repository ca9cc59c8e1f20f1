//! The triggers poll area: what makes each function of a region run besides an API. Runs
//! after the functions area of the region: with no function there, nothing can be triggered
//! and it makes no request.
//!
//! Requests: ListEventSourceMappings pages (every mapping of the region at once),
//! ListSubscriptions pages (kept: protocol `lambda`), ListEventBuses pages, then ListRules per
//! bus and ListTargetsByRule per rule (kept: function targets). Then one request per source
//! that triggers a function, and only those: GetQueueAttributes per queue of an SQS mapping,
//! GetTopicAttributes per topic with a `lambda` subscription, DescribeEventBus per bus with a
//! rule that targets a function, DescribeStreamSummary per Kinesis stream of a mapping.
//! Nothing reads or sends messages or records.
//!
//! A listing that fails becomes a [`ListFailure`] of the area (a failed
//! ListEventSourceMappings hides queues and stream mappings, so it is recorded for SQS and
//! for Lambda); a source that cannot be read (AccessDenied, another account's queue) keeps
//! its `Err` on its own attributes, and its checks say `unknown`.

use crate::domain::inventory::Fetched;
use std::collections::{BTreeMap, BTreeSet};

use futures_util::future::join3;

use super::errors::CallFailure;
use super::fan_out;
use super::quotas;
use super::{Collected, RegionClients, Shared};
use crate::domain::arn::{Arn, function_ref, source_name};
use crate::domain::finding::Service;
use crate::domain::inventory::{
    Area, Bus, BusRule, EventSourceMapping, Inventory, Queue, QueueAttributes, SourceKind, Stream,
    Subscription, Topic, TopicAttributes,
};
use crate::domain::values::StreamEncryption;
use std::sync::Arc;

/// The largest page ListEventSourceMappings serves.
const MAPPINGS_PAGE: i32 = 100;
/// The largest page the EventBridge list calls serve.
const EVENTS_PAGE: i32 = 100;

pub async fn collect(shared: &Shared, clients: &RegionClients, current: &Inventory) -> Collected {
    let region = clients.region.clone();
    let mut collected = Collected::default();
    collected.inventory.account_id = shared.account_id.clone();
    collected.inventory.regions = vec![region.clone()];
    // A region where both listings answered and found neither a function nor a state
    // machine has nothing a source could trigger or a rule could start.
    let listed = |area: Area| {
        !current
            .list_failures
            .iter()
            .any(|f| f.region == region && f.area == area)
    };
    if listed(Area::Functions)
        && listed(Area::Workflows)
        && !current.functions.iter().any(|f| f.region == region)
        && !current.state_machines.iter().any(|m| m.region == region)
    {
        return collected;
    }

    let (mappings, subscriptions, buses) = join3(
        list_mappings(shared, &clients.lambda),
        list_lambda_subscriptions(shared, &clients.sns),
        list_buses_with_function_rules(shared, &clients.eventbridge),
    )
    .await;
    let fail = |collected: &mut Collected, services: &[Service], call: &str, f: CallFailure| {
        collected.listing_failed((services, Area::Triggers), &region, call, f);
    };
    let mappings = match mappings {
        Ok(m) => m,
        Err(f) => {
            fail(
                &mut collected,
                &[Service::Sqs, Service::Lambda],
                "lambda:ListEventSourceMappings",
                f,
            );
            Vec::new()
        }
    };
    let subscriptions = match subscriptions {
        Ok(s) => s,
        Err(f) => {
            fail(&mut collected, &[Service::Sns], "sns:ListSubscriptions", f);
            Vec::new()
        }
    };
    let buses = match buses {
        Ok(b) => b,
        Err((call, f)) => {
            fail(&mut collected, &[Service::EventBridge], call, f);
            Vec::new()
        }
    };

    // The sources that trigger a function, each read once.
    let queue_arns: BTreeSet<String> = mappings
        .iter()
        .filter(|m| m.kind() == SourceKind::Sqs)
        .filter_map(|m| m.source_arn.clone())
        .collect();
    let mut topic_subs: BTreeMap<String, Vec<Subscription>> = BTreeMap::new();
    for (topic, sub) in subscriptions {
        topic_subs.entry(topic).or_default().push(sub);
    }
    let stream_arns: BTreeSet<String> = mappings
        .iter()
        .filter(|m| m.kind() == SourceKind::Kinesis)
        .filter_map(|m| m.source_arn.clone())
        .collect();
    let ((queues, topics, buses), streams) = futures_util::future::join(
        join3(
            fan_out(queue_arns.iter(), |arn| {
                read_queue(shared, &clients.sqs, arn)
            }),
            fan_out(topic_subs.keys(), |arn| {
                read_topic(shared, &clients.sns, arn)
            }),
            fan_out(buses, |(bus, rules)| {
                read_bus(shared, &clients.eventbridge, bus, rules)
            }),
        ),
        fan_out(stream_arns.iter(), |arn| {
            read_stream(shared, &clients.kinesis, arn)
        }),
    )
    .await;

    fn note<T>(collected: &mut Collected, r: Result<T, CallFailure>) -> Fetched<T> {
        r.map_err(|f| collected.note(f))
    }
    let queues: Vec<Arc<Queue>> = queue_arns
        .iter()
        .zip(queues)
        .map(|(arn, attributes)| {
            Arc::new(Queue {
                arn: arn.clone(),
                name: source_name(arn),
                region: Arn::parse(arn).map_or(region.clone(), |a| a.region.to_string()),
                attributes: note(&mut collected, attributes),
            })
        })
        .collect();
    let topics: Vec<Arc<Topic>> = topic_subs
        .into_iter()
        .zip(topics)
        .map(|((arn, subscriptions), attributes)| {
            Arc::new(Topic {
                name: source_name(&arn),
                region: region.clone(),
                subscriptions,
                attributes: note(&mut collected, attributes),
                arn,
            })
        })
        .collect();
    let buses: Vec<Arc<Bus>> = buses
        .into_iter()
        .map(|(mut bus, policy)| {
            bus.policy = note(&mut collected, policy);
            bus.region = region.clone();
            Arc::new(bus)
        })
        .collect();
    collected.inventory.mappings = mappings
        .into_iter()
        .map(|mut m| {
            m.region = region.clone();
            Arc::new(m)
        })
        .collect();
    collected.inventory.streams = stream_arns
        .iter()
        .zip(streams)
        .map(|(arn, encryption)| {
            Arc::new(Stream {
                arn: arn.clone(),
                name: source_name(arn),
                region: Arn::parse(arn).map_or(region.clone(), |a| a.region.to_string()),
                encryption: note(&mut collected, encryption),
            })
        })
        .collect();
    collected.inventory.queues = queues;
    collected.inventory.topics = topics;
    collected.inventory.buses = buses;
    collected
}

// ───────────────────────────── listings ─────────────────────────────

async fn list_mappings(
    shared: &Shared,
    lambda: &aws_sdk_lambda::Client,
) -> Result<Vec<EventSourceMapping>, CallFailure> {
    shared
        .pages(
            &quotas::LAMBDA_LIST_EVENT_SOURCE_MAPPINGS,
            |marker| {
                lambda
                    .list_event_source_mappings()
                    .set_marker(marker)
                    .max_items(MAPPINGS_PAGE)
                    .send()
            },
            |page| {
                let items = page
                    .event_source_mappings()
                    .iter()
                    .map(|m| EventSourceMapping {
                        uuid: m.uuid().unwrap_or_default().to_string(),
                        region: String::new(),
                        source_arn: m.event_source_arn().map(str::to_string),
                        function_arn: m.function_arn().unwrap_or_default().to_string(),
                        state: m.state().map(Into::into),
                        maximum_retry_attempts: m.maximum_retry_attempts(),
                        maximum_record_age_seconds: m.maximum_record_age_in_seconds(),
                        bisect_batch_on_function_error: m.bisect_batch_on_function_error(),
                        on_failure_destination: m
                            .destination_config()
                            .and_then(|d| d.on_failure())
                            .and_then(|d| d.destination())
                            .filter(|d| !d.is_empty())
                            .map(str::to_string),
                    })
                    .collect();
                (items, page.next_marker().map(str::to_string))
            },
        )
        .await
}

/// (topic ARN, subscription) for every subscription with protocol `lambda`.
async fn list_lambda_subscriptions(
    shared: &Shared,
    sns: &aws_sdk_sns::Client,
) -> Result<Vec<(String, Subscription)>, CallFailure> {
    shared
        .pages(
            &quotas::SNS_LIST_SUBSCRIPTIONS,
            |token| sns.list_subscriptions().set_next_token(token).send(),
            |page| {
                let items = page
                    .subscriptions()
                    .iter()
                    .filter(|s| {
                        s.protocol()
                            .is_some_and(|p| p.eq_ignore_ascii_case("lambda"))
                    })
                    .filter_map(|s| {
                        Some((
                            s.topic_arn()?.to_string(),
                            Subscription {
                                arn: s.subscription_arn().unwrap_or_default().to_string(),
                                function_arn: s.endpoint()?.to_string(),
                            },
                        ))
                    })
                    .collect();
                (items, page.next_token().map(str::to_string))
            },
        )
        .await
}

/// Every bus with its rules that target a function (buses with none are left out). The
/// error names the listing that failed.
async fn list_buses_with_function_rules(
    shared: &Shared,
    events: &aws_sdk_eventbridge::Client,
) -> Result<Vec<(Bus, Vec<BusRule>)>, (&'static str, CallFailure)> {
    let buses = shared
        .pages(
            &quotas::EVENTS_LIST_EVENT_BUSES,
            |token| {
                events
                    .list_event_buses()
                    .set_next_token(token)
                    .limit(EVENTS_PAGE)
                    .send()
            },
            |page| {
                let items = page
                    .event_buses()
                    .iter()
                    .map(|b| {
                        (
                            b.name().unwrap_or_default().to_string(),
                            b.arn().unwrap_or_default().to_string(),
                        )
                    })
                    .collect();
                (items, page.next_token().map(str::to_string))
            },
        )
        .await
        .map_err(|f| ("events:ListEventBuses", f))?;

    let rules = fan_out(buses.iter(), |(bus, _)| {
        list_function_rules(shared, events, bus)
    })
    .await;
    let mut out = Vec::new();
    for ((name, arn), rules) in buses.into_iter().zip(rules) {
        let rules = rules?;
        if rules.is_empty() {
            continue;
        }
        out.push((
            Bus {
                name,
                arn,
                region: String::new(),
                policy: Ok(None),
                rules: Vec::new(),
            },
            rules,
        ));
    }
    Ok(out)
}

/// The rules of `bus` that target a function or a state machine, with those targets.
async fn list_function_rules(
    shared: &Shared,
    events: &aws_sdk_eventbridge::Client,
    bus: &str,
) -> Result<Vec<BusRule>, (&'static str, CallFailure)> {
    let rules = shared
        .pages(
            &quotas::EVENTS_LIST_RULES,
            |token| {
                events
                    .list_rules()
                    .event_bus_name(bus)
                    .set_next_token(token)
                    .limit(EVENTS_PAGE)
                    .send()
            },
            |page| {
                let items = page
                    .rules()
                    .iter()
                    .map(|r| {
                        (
                            r.name().unwrap_or_default().to_string(),
                            r.arn().unwrap_or_default().to_string(),
                        )
                    })
                    .collect();
                (items, page.next_token().map(str::to_string))
            },
        )
        .await
        .map_err(|f| ("events:ListRules", f))?;
    let targets = fan_out(rules.iter(), |(rule, _)| async move {
        shared
            .pages(
                &quotas::EVENTS_LIST_TARGETS_BY_RULE,
                |token| {
                    events
                        .list_targets_by_rule()
                        .rule(rule)
                        .event_bus_name(bus)
                        .set_next_token(token)
                        .limit(EVENTS_PAGE)
                        .send()
                },
                |page| {
                    let items: Vec<String> = page
                        .targets()
                        .iter()
                        .map(|t| t.arn().to_string())
                        .filter(|arn| function_ref(arn).is_some() || is_machine(arn))
                        .collect();
                    (items, page.next_token().map(str::to_string))
                },
            )
            .await
    })
    .await;
    let mut out = Vec::new();
    for ((name, arn), targets) in rules.into_iter().zip(targets) {
        let targets = targets.map_err(|f| ("events:ListTargetsByRule", f))?;
        let (machine_arns, function_arns): (Vec<String>, Vec<String>) =
            targets.into_iter().partition(|t| is_machine(t));
        if !function_arns.is_empty() || !machine_arns.is_empty() {
            out.push(BusRule {
                name,
                arn,
                function_arns,
                machine_arns,
            });
        }
    }
    Ok(out)
}

/// Whether a rule target is a Step Functions state machine.
fn is_machine(arn: &str) -> bool {
    arn.split(':').nth(2) == Some("states") && arn.contains(":stateMachine:")
}

// ───────────────────────────── sources ─────────────────────────────

/// The queue URL of a queue ARN (`arn:aws:sqs:R:A:NAME` → `https://sqs.R.amazonaws.com/A/NAME`).
pub fn queue_url(arn: &str) -> String {
    match Arn::parse(arn) {
        Some(a) => format!(
            "https://sqs.{}.amazonaws.com/{}/{}",
            a.region, a.account, a.resource
        ),
        None => arn.to_string(),
    }
}

/// A Kinesis stream's encryption (DescribeStreamSummary: one call, no shard list).
async fn read_stream(
    shared: &Shared,
    kinesis: &aws_sdk_kinesis::Client,
    arn: &str,
) -> Result<StreamEncryption, CallFailure> {
    let out = shared
        .call(&quotas::KINESIS_DESCRIBE_STREAM_SUMMARY, || {
            kinesis.describe_stream_summary().stream_arn(arn).send()
        })
        .await?;
    Ok(out
        .stream_description_summary()
        .and_then(|s| s.encryption_type())
        .map_or_else(StreamEncryption::default, |e| {
            StreamEncryption::parse(e.as_str())
        }))
}

async fn read_queue(
    shared: &Shared,
    sqs: &aws_sdk_sqs::Client,
    arn: &str,
) -> Result<QueueAttributes, CallFailure> {
    use aws_sdk_sqs::types::QueueAttributeName as Name;
    let out = shared
        .call(&quotas::SQS_GET_QUEUE_ATTRIBUTES, || {
            sqs.get_queue_attributes()
                .queue_url(queue_url(arn))
                .attribute_names(Name::All)
                .send()
        })
        .await?;
    let attrs = out.attributes();
    let get = |name: Name| {
        attrs
            .and_then(|a| a.get(&name))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    Ok(QueueAttributes {
        policy: get(Name::Policy),
        sqs_managed_sse: get(Name::SqsManagedSseEnabled)
            .is_some_and(|v| v.eq_ignore_ascii_case("true")),
        kms_master_key_id: get(Name::KmsMasterKeyId),
        redrive_policy: get(Name::RedrivePolicy),
    })
}

async fn read_topic(
    shared: &Shared,
    sns: &aws_sdk_sns::Client,
    arn: &str,
) -> Result<TopicAttributes, CallFailure> {
    let out = shared
        .call(&quotas::SNS_GET_TOPIC_ATTRIBUTES, || {
            sns.get_topic_attributes().topic_arn(arn).send()
        })
        .await?;
    let attrs = out.attributes();
    let get = |name: &str| {
        attrs
            .and_then(|a| a.get(name))
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    Ok(TopicAttributes {
        policy: get("Policy"),
        kms_master_key_id: get("KmsMasterKeyId"),
    })
}

async fn read_bus(
    shared: &Shared,
    events: &aws_sdk_eventbridge::Client,
    mut bus: Bus,
    rules: Vec<BusRule>,
) -> (Bus, Result<Option<String>, CallFailure>) {
    bus.rules = rules;
    let out = shared
        .call(&quotas::EVENTS_DESCRIBE_EVENT_BUS, || {
            events.describe_event_bus().name(&bus.name).send()
        })
        .await;
    let policy = out.map(|o| {
        o.policy()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(str::to_string)
    });
    (bus, policy)
}

#[cfg(test)]
mod tests;
