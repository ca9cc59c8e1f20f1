use super::*;
use crate::aws::errors::{CallFailure, FailureKind};
use std::sync::atomic::AtomicBool;
use tokio::sync::mpsc::unbounded_channel;

const WAIT: Duration = Duration::from_secs(10);

#[derive(Clone, Debug)]
struct Entry {
    area: Area,
    region: String,
    start: Instant,
    end: Option<Instant>,
    /// The markers of earlier batches in `current` when this run started.
    saw: Vec<String>,
    /// The share of the quotas it was given.
    share: f64,
}

/// A collector that sleeps, records when it ran and what it saw, and returns a marker
/// (a usage-plan key `area@region`) so dependants can prove they read its result.
#[derive(Clone, Default)]
struct Fake {
    log: Arc<std::sync::Mutex<Vec<Entry>>>,
    delays: BTreeMap<Area, Duration>,
    panic_in: Option<(Area, &'static str)>,
    deny_in: Option<(Area, &'static str)>,
    dropped: Arc<AtomicBool>,
}

struct DropFlag(Arc<AtomicBool>);
impl Drop for DropFlag {
    fn drop(&mut self) {
        self.0.store(true, Ordering::SeqCst);
    }
}

fn marker(area: Area, region: &str) -> String {
    format!("{}@{region}", area.as_str())
}

fn put_marker(inv: &mut Inventory, area: Area, region: &str) {
    use crate::domain::inventory::{Function, Key, RestApi, Secret, UsagePlan};
    let name = marker(area, region);
    let region = region.to_string();
    match area {
        Area::Functions => inv.functions.push(
            Function {
                name,
                region,
                ..Default::default()
            }
            .into(),
        ),
        Area::Gateways => inv.rest_apis.push(
            RestApi {
                name,
                region,
                ..Default::default()
            }
            .into(),
        ),
        Area::Secrets => inv.secrets.push(
            Secret {
                name,
                region,
                ..Default::default()
            }
            .into(),
        ),
        Area::Throttles => {
            let plan = UsagePlan {
                name,
                ..Default::default()
            };
            inv.usage_plans.insert(region, Ok(vec![plan]));
        }
        Area::Encryption => inv.keys.push(
            Key {
                reference: name,
                region,
                details: Err("marker".into()),
            }
            .into(),
        ),
        Area::Triggers => inv.queues.push(
            crate::domain::inventory::Queue {
                arn: name.clone(),
                name,
                region,
                attributes: Ok(Default::default()),
            }
            .into(),
        ),
        Area::Code => inv.layer_code.push(
            crate::domain::inventory::LayerCode {
                arn: name,
                region,
                report: Ok(Default::default()),
            }
            .into(),
        ),
        Area::Workflows => inv.state_machines.push(
            crate::domain::inventory::StateMachine {
                arn: name.clone(),
                name,
                region,
                kind: Default::default(),
                described: Err("marker".into()),
            }
            .into(),
        ),
        Area::Graphql => inv.graphql_apis.push(
            crate::domain::inventory::GraphqlApi {
                arn: name.clone(),
                api_id: name.clone(),
                name,
                region,
                visibility: Default::default(),
                auth: Vec::new(),
                field_log_level: None,
                waf_web_acl_arn: None,
                introspection: None,
                query_depth_limit: None,
                resolver_count_limit: None,
                api_keys: Err("marker".into()),
                data_sources: Err("marker".into()),
                resolvers: Err("marker".into()),
                functions: Err("marker".into()),
            }
            .into(),
        ),
        Area::Logs => {
            inv.log_groups.insert(
                region,
                Ok(vec![crate::domain::inventory::LogGroup {
                    name,
                    retention_days: None,
                }]),
            );
        }
        Area::Users => inv.user_pools.push(
            crate::domain::inventory::UserPool {
                arn: name.clone(),
                id: name.clone(),
                name,
                region,
                self_signup: Err("marker".into()),
            }
            .into(),
        ),
    }
}

/// The areas of a run without `--code`.
fn polled() -> Vec<Area> {
    Area::ALL.into_iter().filter(|a| !a.opt_in()).collect()
}

fn markers(inv: &Inventory) -> Vec<String> {
    let mut out: Vec<String> = inv.functions.iter().map(|f| f.name.clone()).collect();
    out.extend(inv.rest_apis.iter().map(|a| a.name.clone()));
    out.extend(inv.secrets.iter().map(|s| s.name.clone()));
    out.extend(inv.keys.iter().map(|k| k.reference.clone()));
    out.extend(inv.state_machines.iter().map(|m| m.name.clone()));
    out.extend(inv.graphql_apis.iter().map(|a| a.name.clone()));
    out.extend(inv.user_pools.iter().map(|p| p.name.clone()));
    for groups in inv.log_groups.values().flatten() {
        out.extend(groups.iter().map(|g| g.name.clone()));
    }
    for plans in inv.usage_plans.values().flatten() {
        out.extend(plans.iter().map(|p| p.name.clone()));
    }
    out
}

impl Collector for Fake {
    fn collect(&self, job: Job) -> BoxFuture<'static, Collected> {
        let this = self.clone();
        let Job {
            area,
            region,
            current,
            share,
        } = job;
        Box::pin(async move {
            let flag = DropFlag(Arc::clone(&this.dropped));
            let index = {
                let mut log = this.log.lock().unwrap();
                log.push(Entry {
                    area,
                    region: region.clone(),
                    start: Instant::now(),
                    end: None,
                    saw: markers(&current),
                    share,
                });
                log.len() - 1
            };
            tokio::time::sleep(this.delays.get(&area).copied().unwrap_or_default()).await;
            if this.panic_in.is_some_and(|(a, r)| a == area && r == region) {
                panic!("fake poller bug");
            }
            let mut collected = Collected::default();
            collected.inventory.regions.push(region.clone());
            // A marker in a list the area owns, so it survives Inventory::apply_batch.
            put_marker(&mut collected.inventory, area, &region);
            if this.deny_in.is_some_and(|(a, r)| a == area && r == region) {
                collected.note(CallFailure {
                    kind: FailureKind::Denied,
                    action: "lambda:GetPolicy",
                    code: Some("AccessDeniedException".into()),
                    status: Some(403),
                    message: "denied".into(),
                });
            }
            this.log.lock().unwrap()[index].end = Some(Instant::now());
            std::mem::forget(flag);
            collected
        })
    }
}

/// Each polled area's delay, in `polled()` order; areas past the list take its last delay.
fn delays(ms: &[u64]) -> BTreeMap<Area, Duration> {
    let last = *ms.last().expect("a delay");
    polled()
        .iter()
        .zip(ms.iter().copied().chain(std::iter::repeat(last)))
        .map(|(a, m)| (*a, Duration::from_millis(m)))
        .collect()
}

/// How many areas a run without `--code` polls: one batch each per region.
fn n() -> usize {
    polled().len()
}

fn every(period: Duration) -> BTreeMap<Area, Duration> {
    polled().iter().map(|a| (*a, period)).collect()
}

struct Running {
    rx: UnboundedReceiver<SourceEvent>,
    cmd: UnboundedSender<SourceCommand>,
    handle: JoinHandle<()>,
}

fn start(fake: Fake, regions: &[&str], periods: BTreeMap<Area, Duration>, once: bool) -> Running {
    let (ev_tx, rx) = unbounded_channel();
    let (cmd, cmd_rx) = unbounded_channel();
    let regions: Vec<String> = regions.iter().map(|r| r.to_string()).collect();
    let handle = tokio::spawn(async move {
        let mut s = Scheduler::new(fake, regions, periods, once, ev_tx);
        s.run(Some(cmd_rx)).await;
    });
    Running { rx, cmd, handle }
}

async fn next(rx: &mut UnboundedReceiver<SourceEvent>) -> Option<SourceEvent> {
    tokio::time::timeout(WAIT, rx.recv())
        .await
        .expect("the scheduler answers in time")
}

/// Events until `n` batches arrived.
async fn until_batches(rx: &mut UnboundedReceiver<SourceEvent>, n: usize) -> Vec<SourceEvent> {
    let mut out = Vec::new();
    let mut seen = 0;
    while seen < n {
        let ev = next(rx).await.expect("the scheduler is running");
        if matches!(ev, SourceEvent::Batch(_)) {
            seen += 1;
        }
        out.push(ev);
    }
    out
}

/// Everything that arrives within `window`.
async fn drain(rx: &mut UnboundedReceiver<SourceEvent>, window: Duration) -> Vec<SourceEvent> {
    let mut out = Vec::new();
    let deadline = Instant::now() + window;
    while let Ok(Some(ev)) = tokio::time::timeout_at(deadline, rx.recv()).await {
        out.push(ev);
    }
    out
}

fn batches(events: &[SourceEvent]) -> Vec<&Batch> {
    events.iter().filter_map(SourceEvent::batch).collect()
}

fn runs(log: &[Entry], area: Area, region: &str) -> Vec<Entry> {
    log.iter()
        .filter(|e| e.area == area && e.region == region)
        .cloned()
        .collect()
}

fn check_dependencies(log: &[Entry], region: &str, round: usize) {
    for area in [Area::Throttles, Area::Encryption, Area::Triggers] {
        let run = &runs(log, area, region)[round];
        for dep in dependencies(area) {
            let dep_run = &runs(log, *dep, region)[round];
            let ended = dep_run.end.expect("the dependency finished");
            assert!(
                run.start >= ended,
                "{area:?} {region} round {round} started before {dep:?} ended"
            );
            assert!(
                run.saw.contains(&marker(*dep, region)),
                "{area:?} {region} did not see {dep:?}'s batch: {:?}",
                run.saw
            );
        }
    }
}

#[tokio::test]
async fn once_collects_every_area_and_region_exactly_once_in_dependency_order() {
    let fake = Fake {
        delays: delays(&[40, 15, 5, 5, 60, 60, 60]),
        ..Fake::default()
    };
    let log = Arc::clone(&fake.log);
    let mut s = start(fake, &["r1", "r2"], every(Duration::from_millis(5)), true);
    let mut events = Vec::new();
    while let Some(ev) = next(&mut s.rx).await {
        events.push(ev);
    }
    tokio::time::timeout(WAIT, s.handle).await.unwrap().unwrap();

    let got = batches(&events);
    assert_eq!(got.len(), 2 * n(), "one batch per area and region");
    let log = log.lock().unwrap().clone();
    assert_eq!(
        log.len(),
        2 * n(),
        "each ran exactly once despite the short interval"
    );
    for region in ["r1", "r2"] {
        for area in polled() {
            let pos = |f: &dyn Fn(&SourceEvent) -> bool| events.iter().position(f);
            let started = pos(&|e| matches!(e, SourceEvent::Started { area: a, region: r } if *a == area && r == region)).unwrap();
            let progress = pos(&|e| matches!(e, SourceEvent::Progress { area: a, region: r, percent: 100 } if *a == area && r == region)).unwrap();
            let done = pos(
                &|e| matches!(e, SourceEvent::Batch(b) if b.area == area && b.region == region),
            )
            .unwrap();
            assert!(started < progress && progress < done, "{area:?} {region}");
            let b = got
                .iter()
                .find(|b| b.area == area && b.region == region)
                .unwrap();
            assert_eq!(b.status, CollectionState::Ok);
            assert_eq!(b.error, None);
            assert_eq!(b.inventory.regions, vec![region.to_string()]);
        }
        check_dependencies(&log, region, 0);
    }
    // The independent areas all start at once, before any of them is done.
    let first_end = log.iter().filter_map(|e| e.end).min().unwrap();
    for area in [Area::Functions, Area::Gateways, Area::Secrets] {
        for region in ["r1", "r2"] {
            assert!(
                runs(&log, area, region)[0].start < first_end,
                "{area:?} {region}"
            );
        }
    }
}

/// The opt-in code area runs only when asked for (its period in the map), after functions.
#[tokio::test]
async fn the_code_area_runs_only_when_asked_for_after_functions() {
    let fake = Fake::default();
    let log = Arc::clone(&fake.log);
    let mut periods = every(Duration::ZERO);
    periods.insert(Area::Code, Duration::ZERO);
    let mut s = start(fake, &["r1"], periods, true);
    let mut events = Vec::new();
    while let Some(ev) = next(&mut s.rx).await {
        events.push(ev);
    }
    tokio::time::timeout(WAIT, s.handle).await.unwrap().unwrap();
    assert_eq!(
        batches(&events).len(),
        Area::ALL.len(),
        "every area, code too"
    );
    let log = log.lock().unwrap().clone();
    let code = runs(&log, Area::Code, "r1");
    let functions = runs(&log, Area::Functions, "r1");
    assert_eq!(code.len(), 1);
    assert!(
        code[0].start >= functions[0].end.unwrap(),
        "after functions"
    );
    assert!(
        code[0].saw.contains(&marker(Area::Functions, "r1")),
        "reads their batch"
    );
    // Without its period, it never runs (the other tests' schedules).
    let fake = Fake::default();
    let log = Arc::clone(&fake.log);
    let mut s = start(fake, &["r1"], every(Duration::ZERO), true);
    while next(&mut s.rx).await.is_some() {}
    tokio::time::timeout(WAIT, s.handle).await.unwrap().unwrap();
    assert!(runs(&log.lock().unwrap(), Area::Code, "r1").is_empty());
}

#[tokio::test]
async fn one_failing_or_panicking_area_does_not_stop_the_others() {
    let fake = Fake {
        delays: delays(&[5, 5, 5, 5, 5, 5, 5]),
        panic_in: Some((Area::Gateways, "r2")),
        deny_in: Some((Area::Functions, "r1")),
        ..Fake::default()
    };
    let log = Arc::clone(&fake.log);
    let mut s = start(fake, &["r1", "r2"], every(Duration::ZERO), true);
    let mut events = Vec::new();
    while let Some(ev) = next(&mut s.rx).await {
        events.push(ev);
    }
    let got = batches(&events);
    assert_eq!(got.len(), 2 * n());
    let find = |area, region| {
        got.iter()
            .find(|b| b.area == area && b.region == region)
            .unwrap()
    };
    let panicked = find(Area::Gateways, "r2");
    assert_eq!(panicked.status, CollectionState::Failed);
    assert!(
        panicked
            .error
            .as_deref()
            .unwrap()
            .contains("gateways poller panicked"),
        "{:?}",
        panicked.error
    );
    assert_eq!(panicked.inventory.regions, vec!["r2".to_string()]);
    // What the area owned in r2 becomes unknown, not absent.
    assert_eq!(
        panicked.inventory.list_failures,
        Inventory::failed_area(Area::Gateways, "r2", panicked.error.as_deref().unwrap())
            .list_failures
    );
    assert_eq!(panicked.inventory.list_failures.len(), 2);
    let denied = find(Area::Functions, "r1");
    assert_eq!(denied.status, CollectionState::Partial);
    assert_eq!(
        denied.error.as_deref(),
        Some("AccessDenied: missing lambda:GetPolicy")
    );
    // Throttles in r2 still ran, after the failed gateways batch.
    assert_eq!(find(Area::Throttles, "r2").status, CollectionState::Ok);
    assert_eq!(runs(&log.lock().unwrap(), Area::Throttles, "r2").len(), 1);
    for area in [Area::Functions, Area::Secrets, Area::Encryption] {
        assert_eq!(find(area, "r2").status, CollectionState::Ok);
    }
}

#[tokio::test]
async fn refresh_of_one_area_reruns_it_and_what_reads_it_in_every_region_only() {
    let fake = Fake {
        delays: delays(&[5, 5, 5, 5, 5, 5, 5]),
        ..Fake::default()
    };
    let log = Arc::clone(&fake.log);
    let mut s = start(fake, &["r1", "r2"], every(Duration::ZERO), false);
    until_batches(&mut s.rx, 2 * n()).await;
    assert!(
        drain(&mut s.rx, Duration::from_millis(80)).await.is_empty(),
        "no periodic polls with a zero interval"
    );

    // Secrets: read by encryption.
    s.cmd
        .send(SourceCommand::Refresh(Some(Area::Secrets)))
        .unwrap();
    let events = until_batches(&mut s.rx, 4).await;
    let mut got: Vec<(Area, &str)> = batches(&events)
        .iter()
        .map(|b| (b.area, b.region.as_str()))
        .collect();
    got.sort_unstable();
    assert_eq!(
        got,
        [
            (Area::Encryption, "r1"),
            (Area::Encryption, "r2"),
            (Area::Secrets, "r1"),
            (Area::Secrets, "r2")
        ]
    );
    // … each encryption run after its region's second secrets run.
    let log = log.lock().unwrap().clone();
    for region in ["r1", "r2"] {
        let encryption = &runs(&log, Area::Encryption, region)[1];
        let secrets = &runs(&log, Area::Secrets, region)[1];
        assert!(encryption.start >= secrets.end.expect("secrets finished"));
    }
    assert!(drain(&mut s.rx, Duration::from_millis(80)).await.is_empty());

    // Throttles: read by nobody.
    s.cmd
        .send(SourceCommand::Refresh(Some(Area::Throttles)))
        .unwrap();
    let events = until_batches(&mut s.rx, 2).await;
    assert!(batches(&events).iter().all(|b| b.area == Area::Throttles));
    assert!(drain(&mut s.rx, Duration::from_millis(80)).await.is_empty());
}

#[tokio::test]
async fn refresh_all_reruns_everything_with_dependencies_and_fresh_inputs() {
    let fake = Fake {
        delays: delays(&[30, 10, 5, 5, 20, 20, 20]),
        ..Fake::default()
    };
    let log = Arc::clone(&fake.log);
    let mut s = start(fake, &["r1", "r2"], every(Duration::ZERO), false);
    until_batches(&mut s.rx, 2 * n()).await;
    s.cmd.send(SourceCommand::Refresh(None)).unwrap();
    let events = until_batches(&mut s.rx, 2 * n()).await;
    assert_eq!(batches(&events).len(), 2 * n());
    let log = log.lock().unwrap().clone();
    for region in ["r1", "r2"] {
        check_dependencies(&log, region, 1);
    }
}

#[tokio::test]
async fn a_refresh_during_a_run_runs_again_once_after_it() {
    let fake = Fake {
        delays: delays(&[80, 1, 1, 1, 1, 1, 1]),
        ..Fake::default()
    };
    let log = Arc::clone(&fake.log);
    let mut s = start(fake, &["r1"], every(Duration::ZERO), false);
    // Functions is in flight: ask twice, get one more run, after the first.
    s.cmd
        .send(SourceCommand::Refresh(Some(Area::Functions)))
        .unwrap();
    s.cmd
        .send(SourceCommand::Refresh(Some(Area::Functions)))
        .unwrap();
    until_batches(&mut s.rx, n() + 1).await;
    assert!(
        drain(&mut s.rx, Duration::from_millis(150))
            .await
            .is_empty()
    );
    let log = log.lock().unwrap().clone();
    let f = runs(&log, Area::Functions, "r1");
    assert_eq!(f.len(), 2);
    assert!(
        f[1].start >= f[0].end.unwrap(),
        "never two runs of one slot at once"
    );
}

/// Issue 19: the first collection and a refresh take the full share of the quotas, a
/// periodic poll the periodic share.
#[tokio::test]
async fn periodic_polls_take_the_periodic_share_and_refreshes_the_full_one() {
    let fake = Fake {
        delays: delays(&[5, 5, 5, 5, 5, 5, 5]),
        ..Fake::default()
    };
    let log = Arc::clone(&fake.log);
    let (ev_tx, mut rx) = unbounded_channel();
    let (cmd, cmd_rx) = unbounded_channel();
    let shares = Shares {
        full: 0.5,
        periodic: 0.25,
    };
    let handle = tokio::spawn(async move {
        let mut s = Scheduler::new(
            fake,
            vec!["r1".into()],
            every(Duration::from_millis(40)),
            false,
            ev_tx,
        );
        s.shares = shares;
        s.run(Some(cmd_rx)).await;
    });
    // The first collection, then a periodic round.
    until_batches(&mut rx, 2 * n()).await;
    cmd.send(SourceCommand::SetPaused(true)).unwrap();
    drain(&mut rx, Duration::from_millis(60)).await;
    let runs = log.lock().unwrap().clone();
    assert!(runs[..n()].iter().all(|e| e.share == 0.5), "{runs:?}");
    assert!(runs[n()..].iter().all(|e| e.share == 0.25), "{runs:?}");
    let before = runs.len();
    cmd.send(SourceCommand::Refresh(Some(Area::Gateways)))
        .unwrap();
    // Gateways and what reads it (throttles), paused or not.
    drain(&mut rx, Duration::from_millis(100)).await;
    let runs = log.lock().unwrap().clone();
    assert!(runs.len() > before);
    assert_eq!(runs[before].area, Area::Gateways);
    assert!(runs[before..].iter().all(|e| e.share == 0.5), "{runs:?}");
    cmd.send(SourceCommand::Shutdown).unwrap();
    handle.await.unwrap();
}

#[tokio::test]
async fn periodic_polls_repeat_with_progress_until_paused_and_refresh_works_while_paused() {
    let fake = Fake {
        delays: delays(&[5, 5, 5, 5, 5, 5, 5]),
        ..Fake::default()
    };
    let mut s = start(fake, &["r1"], every(Duration::from_millis(30)), false);
    // The initial load and at least two periodic rounds.
    let events = until_batches(&mut s.rx, 3 * n()).await;
    for area in polled() {
        let n = batches(&events).iter().filter(|b| b.area == area).count();
        assert!(n >= 2, "{area:?} re-polled ({n})");
    }
    // Re-polls know the last duration, so they report an estimate along the way; every
    // run reports 100 before its batch.
    let hundreds = events
        .iter()
        .filter(|e| matches!(e, SourceEvent::Progress { percent: 100, .. }))
        .count();
    assert!(hundreds >= 3 * n(), "{hundreds}");

    s.cmd.send(SourceCommand::SetPaused(true)).unwrap();
    // Runs already in flight (or waiting on their inputs) may still finish.
    drain(&mut s.rx, Duration::from_millis(300)).await;
    let quiet = drain(&mut s.rx, Duration::from_millis(150)).await;
    assert!(quiet.is_empty(), "no re-poll while paused: {quiet:?}");

    s.cmd
        .send(SourceCommand::Refresh(Some(Area::Secrets)))
        .unwrap();
    let events = until_batches(&mut s.rx, 1).await;
    assert!(batches(&events).iter().all(|b| b.area == Area::Secrets));

    s.cmd.send(SourceCommand::SetPaused(false)).unwrap();
    let events = until_batches(&mut s.rx, n()).await;
    assert_eq!(batches(&events).len(), n(), "polling resumes");
}

#[tokio::test]
async fn estimated_progress_rises_between_start_and_batch() {
    let fake = Fake {
        // Long enough for two progress ticks even on a loaded machine.
        delays: delays(&[600, 1, 1, 1, 1, 1, 1]),
        ..Fake::default()
    };
    let mut s = start(fake, &["r1"], every(Duration::ZERO), false);
    until_batches(&mut s.rx, n()).await;
    s.cmd
        .send(SourceCommand::Refresh(Some(Area::Functions)))
        .unwrap();
    let events = until_batches(&mut s.rx, 1).await;
    let percents: Vec<u8> = events
        .iter()
        .filter_map(|e| match e {
            SourceEvent::Progress { percent, .. } => Some(*percent),
            _ => None,
        })
        .collect();
    assert!(percents.len() >= 2, "{percents:?}");
    assert!(percents.windows(2).all(|w| w[0] < w[1]), "{percents:?}");
    assert!(percents[..percents.len() - 1].iter().all(|p| *p <= 95));
    assert_eq!(percents.last(), Some(&100));
}

#[tokio::test]
async fn shutdown_ends_the_source_and_aborts_collections_in_flight() {
    let fake = Fake {
        delays: delays(&[10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000]),
        ..Fake::default()
    };
    let dropped = Arc::clone(&fake.dropped);
    let mut s = start(fake, &["r1"], every(Duration::ZERO), false);
    assert!(matches!(
        next(&mut s.rx).await,
        Some(SourceEvent::Started { .. })
    ));
    s.cmd.send(SourceCommand::Shutdown).unwrap();
    tokio::time::timeout(Duration::from_secs(1), s.handle)
        .await
        .expect("the source ends at once")
        .expect("without panicking");
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(
        dropped.load(Ordering::SeqCst),
        "the slow collection was aborted"
    );
}

#[tokio::test]
async fn dropping_the_event_receiver_ends_the_source() {
    let fake = Fake {
        delays: delays(&[10_000, 10_000, 10_000, 10_000, 10_000, 10_000, 10_000]),
        ..Fake::default()
    };
    let s = start(fake, &["r1"], every(Duration::from_millis(10)), false);
    let Running { rx, cmd, handle } = s;
    drop(rx);
    tokio::time::timeout(Duration::from_secs(1), handle)
        .await
        .expect("the source ends")
        .expect("without panicking");
    drop(cmd);
}

#[tokio::test]
async fn a_closed_command_channel_keeps_polling() {
    let fake = Fake {
        delays: delays(&[1, 1, 1, 1, 1, 1, 1]),
        ..Fake::default()
    };
    let Running {
        mut rx,
        cmd,
        handle,
    } = start(fake, &["r1"], every(Duration::from_millis(20)), false);
    drop(cmd);
    until_batches(&mut rx, 10).await;
    assert!(!handle.is_finished());
    handle.abort();
}

#[test]
fn only_throttles_encryption_triggers_and_code_wait_for_others() {
    assert_eq!(
        dependencies(Area::Throttles),
        [Area::Functions, Area::Gateways]
    );
    assert_eq!(
        dependencies(Area::Triggers),
        [Area::Functions, Area::Workflows]
    );
    assert_eq!(dependencies(Area::Code), [Area::Functions]);
    assert_eq!(
        dependencies(Area::Encryption),
        [Area::Functions, Area::Secrets]
    );
    for area in [Area::Functions, Area::Gateways, Area::Secrets] {
        assert!(dependencies(area).is_empty());
    }
}
