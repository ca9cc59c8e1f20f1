//! The live source's scheduler: identifies the account, then schedules the five poll areas
//! per region as background tasks and streams each (area, region) batch through the same
//! [`SourceEvent`] contract the demo uses.
//!
//! Scheduling: functions, gateways and secrets start at once; throttles waits for the
//! region's functions and gateways, encryption for its functions and secrets, because they
//! read what those found (the source keeps a merged view for that, sharing every resource with
//! the batches it sends: no second copy of the inventory). Each area
//! then re-polls on its interval; refresh, pause and shutdown come in as
//! [`SourceCommand`]s. One loop owns the schedule; the collections run as tasks in a
//! [`JoinSet`], so a slow or failing (even panicking) area never holds up the others, and
//! nothing here ever blocks the UI.
//!
//! The scheduler is generic over a [`Collector`], so its rules are tested with fake
//! collectors and no AWS at all.

use crate::domain::failure::{Failure, FailureKind};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::Duration;

use futures_util::future::BoxFuture;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::task::{JoinError, JoinHandle, JoinSet};
use tokio::time::Instant;

use crate::aws::accounts::{self, AccountsSpec};
use crate::aws::client::{self, AwsOptions, profile_name};
use crate::aws::quotas::Shares;
use crate::aws::{Collected, Pollers};
use crate::config::Intervals;
use crate::domain::collection::CollectionState;
use crate::domain::inventory::{Area, Inventory};
use crate::domain::snapshot::AccountInfo;
use crate::domain::source::{Batch, Identity, SourceCommand, SourceEvent};

#[derive(Clone, Debug, PartialEq)]
pub struct LiveOptions {
    pub aws: AwsOptions,
    /// Re-poll period per area; zero turns an area's periodic re-poll off.
    pub intervals: Intervals,
    /// Collect every area in every region exactly once, then end (headless scan).
    pub once: bool,
    /// Several accounts (the TUI's live source; `parapet scan` runs each account itself).
    pub accounts: AccountsSpec,
}

/// Starts a live source over several accounts (`--profile` repeated, `--accounts`): resolves
/// them (a failure there is `Fatal`), sends `Accounts`, then runs one scheduler per account,
/// each with the same per-area intervals, forwarding its events as `OfAccount`. Commands go
/// to every account. An account that cannot start sends its own `Fatal`; the others go on.
pub fn spawn_accounts(
    events: UnboundedSender<SourceEvent>,
    mut commands: UnboundedReceiver<SourceCommand>,
    base: AwsOptions,
    spec: AccountsSpec,
    intervals: Intervals,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        let targets = match Box::pin(accounts::resolve(&base, &spec)).await {
            Ok(targets) => targets,
            Err(e) => {
                let _ = events.send(SourceEvent::Fatal {
                    message: e.message,
                    hint: e.hint,
                });
                return;
            }
        };
        let infos = targets
            .iter()
            .map(|t| AccountInfo {
                id: t.id.clone().unwrap_or_default(),
                name: t.name.clone(),
                profile: t
                    .aws
                    .assume
                    .is_none()
                    .then(|| t.aws.profile.clone())
                    .flatten(),
                role_arn: t.role_arn.clone(),
                regions: client::explicit_regions(&t.aws),
                error: None,
            })
            .collect();
        if events.send(SourceEvent::Accounts(infos)).is_err() {
            return;
        }
        let mut senders = Vec::with_capacity(targets.len());
        let mut tasks = Vec::with_capacity(targets.len() * 2);
        for target in targets {
            let key = target.key();
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            let (command_tx, command_rx) = tokio::sync::mpsc::unbounded_channel();
            let options = LiveOptions {
                aws: target.aws,
                intervals: intervals.clone(),
                once: false,
                accounts: AccountsSpec::Base,
            };
            tasks.push(tokio::spawn(async move {
                Box::pin(run(tx, command_rx, options)).await;
            }));
            let out = events.clone();
            tasks.push(tokio::spawn(async move {
                while let Some(event) = rx.recv().await {
                    let wrapped = SourceEvent::OfAccount {
                        key: key.clone(),
                        event: Box::new(event),
                    };
                    if out.send(wrapped).is_err() {
                        break;
                    }
                }
            }));
            senders.push(command_tx);
        }
        loop {
            tokio::select! {
                () = events.closed() => break,
                command = commands.recv() => {
                    let command = command.unwrap_or(SourceCommand::Shutdown);
                    for s in &senders {
                        let _ = s.send(command);
                    }
                    if command == SourceCommand::Shutdown {
                        break;
                    }
                }
            }
        }
        for s in &senders {
            let _ = s.send(SourceCommand::Shutdown);
        }
        for task in tasks {
            let _ = tokio::time::timeout(Duration::from_millis(200), task).await;
        }
    })
}

/// The areas whose results `area` reads, in the same region.
pub fn dependencies(area: Area) -> &'static [Area] {
    match area {
        Area::Throttles => &[Area::Functions, Area::Gateways],
        Area::Encryption => &[Area::Functions, Area::Secrets],
        Area::Triggers => &[Area::Functions],
        Area::Functions | Area::Gateways | Area::Secrets => &[],
    }
}

/// Runs one area in one region. `current` is the source's merged inventory when the run
/// starts (what dependent areas read).
pub trait Collector: Send + Sync + 'static {
    /// `share`: the share of every quota bucket the collection may use (a periodic poll of the
    /// live TUI takes less than a first collection or a refresh).
    fn collect(
        &self,
        area: Area,
        region: &str,
        current: Arc<Inventory>,
        share: f64,
    ) -> BoxFuture<'static, Collected>;
}

/// Starts the live source. It sends `Identity` (or `Fatal`, then ends), then a batch per
/// (area, region) as each completes, re-polls every area on its interval unless paused, and
/// obeys `commands`. It ends on `Shutdown`, when the receiver of `events` is dropped, or, with
/// `once`, when every area has been collected in every region.
pub fn spawn(
    events: UnboundedSender<SourceEvent>,
    commands: UnboundedReceiver<SourceCommand>,
    options: LiveOptions,
) -> JoinHandle<()> {
    tokio::spawn(async move {
        run(events, commands, options).await;
    })
}

/// How long the source waits for its identity before saying what it waits for.
pub const WAITING_NOTICE: Duration = Duration::from_secs(3);

/// The live source until it ends; returns the number of AWS calls made (0 when it could
/// not start).
pub(crate) async fn run(
    events: UnboundedSender<SourceEvent>,
    mut commands: UnboundedReceiver<SourceCommand>,
    options: LiveOptions,
) -> u64 {
    let mut paused = false;
    let mut commands_open = true;
    let setup = Pollers::connect(&options.aws);
    tokio::pin!(setup);
    // Said once if the credentials chain and STS take longer than a moment.
    let notice = tokio::time::sleep(WAITING_NOTICE);
    tokio::pin!(notice);
    let mut noticed = false;
    // Commands are honoured while the credentials chain and STS answer.
    let ready = loop {
        tokio::select! {
            biased;
            () = events.closed() => return 0,
            () = &mut notice, if !noticed => {
                noticed = true;
                let _ = events.send(SourceEvent::Waiting {
                    what: format!(
                        "STS GetCallerIdentity at {} (which account the credentials are for; \
                         at most {} s)",
                        crate::aws::client::endpoint_label(&options.aws),
                        (crate::aws::client::IDENTITY_ATTEMPT_TIMEOUT
                            .min(options.aws.attempt_timeout)
                            * 2)
                        .as_secs()
                    ),
                });
            }
            command = commands.recv(), if commands_open => match command {
                Some(SourceCommand::Shutdown) => return 0,
                Some(SourceCommand::SetPaused(p)) => paused = p,
                // Everything is about to be collected anyway.
                Some(SourceCommand::Refresh(_)) => {}
                None => commands_open = false,
            },
            result = &mut setup => break result,
        }
    };
    let (pollers, regions) = match ready {
        Ok(ready) => ready,
        Err(e) => {
            let _ = events.send(SourceEvent::Fatal {
                message: e.message,
                hint: e.hint,
            });
            return 0;
        }
    };
    let shared = Arc::clone(&pollers.shared);
    if events
        .send(SourceEvent::Identity(Identity {
            account_id: shared.account_id.clone(),
            profile: profile_name(&options.aws),
            regions: regions.clone(),
        }))
        .is_err()
    {
        return 0;
    }
    schedule(
        pollers,
        regions,
        periods(&options.intervals),
        options.once,
        paused,
        events,
        commands_open.then_some(commands),
        options.aws.quota,
    )
    .await;
    shared.calls.load(Ordering::Relaxed)
}

/// Starts the scheduler over any [`Collector`]: every area in every region at once, then
/// each area again `periods[area]` after its last run ended (zero or missing: no re-poll),
/// obeying `commands`, until `Shutdown` or the receiver of `events` is dropped. Sends no
/// `Identity` (that is the caller's to send, if it has one). The live source runs through
/// the same path over the AWS [`Pollers`]; this entry point lets tests and benchmarks drive
/// the real schedule over a fake collector.
pub fn spawn_with<C: Collector>(
    collector: C,
    regions: Vec<String>,
    periods: BTreeMap<Area, Duration>,
    events: UnboundedSender<SourceEvent>,
    commands: UnboundedReceiver<SourceCommand>,
) -> JoinHandle<()> {
    tokio::spawn(schedule(
        collector,
        regions,
        periods,
        false,
        false,
        events,
        Some(commands),
        Shares::default(),
    ))
}

/// The schedule over `collector` until it ends (see [`Scheduler::run`]).
#[allow(clippy::too_many_arguments)]
async fn schedule<C: Collector>(
    collector: C,
    regions: Vec<String>,
    periods: BTreeMap<Area, Duration>,
    once: bool,
    paused: bool,
    events: UnboundedSender<SourceEvent>,
    commands: Option<UnboundedReceiver<SourceCommand>>,
    shares: Shares,
) {
    let mut scheduler = Scheduler::new(collector, regions, periods, once, events);
    scheduler.paused = paused;
    scheduler.shares = shares;
    scheduler.run(commands).await;
}

fn periods(intervals: &Intervals) -> BTreeMap<Area, Duration> {
    Area::ALL.iter().map(|&a| (a, intervals.get(a))).collect()
}

impl Collector for Pollers {
    fn collect(
        &self,
        area: Area,
        region: &str,
        current: Arc<Inventory>,
        share: f64,
    ) -> BoxFuture<'static, Collected> {
        Pollers::collect(self, area, region, current, share)
    }
}

/// How often a running collection reports its estimated progress.
const PROGRESS_TICK: Duration = Duration::from_millis(250);

/// One (area, region) of the schedule.
#[derive(Debug, Default)]
struct Slot {
    /// A run is requested (initial load, refresh, interval elapsed).
    wanted: bool,
    /// The wanted run is a periodic one (interval elapsed), not a first load or a refresh:
    /// it takes the periodic share of the quotas.
    periodic: bool,
    /// When the run in flight started.
    started: Option<Instant>,
    /// Completed runs.
    runs: u32,
    /// Next periodic run, counted from the end of the last one.
    due: Option<Instant>,
    /// The last run's wall time: the progress estimate of the next.
    last_duration: Option<Duration>,
}

struct Scheduler<C: Collector> {
    collector: C,
    regions: Vec<String>,
    periods: BTreeMap<Area, Duration>,
    once: bool,
    paused: bool,
    slots: BTreeMap<(Area, usize), Slot>,
    /// Every batch merged: what dependent areas read. Its resources are the `Arc`s of the
    /// batches sent to the app, so this view costs pointers, not a copy of the inventory.
    current: Arc<Inventory>,
    tasks: JoinSet<Collected>,
    running: HashMap<tokio::task::Id, (Area, usize)>,
    events: UnboundedSender<SourceEvent>,
    /// The share of the quotas each kind of run takes.
    shares: Shares,
}

impl<C: Collector> Scheduler<C> {
    fn new(
        collector: C,
        regions: Vec<String>,
        periods: BTreeMap<Area, Duration>,
        once: bool,
        events: UnboundedSender<SourceEvent>,
    ) -> Self {
        let slots = Area::ALL
            .iter()
            .flat_map(|&a| (0..regions.len()).map(move |r| ((a, r), Slot::default())))
            .collect();
        Scheduler {
            collector,
            regions,
            periods,
            once,
            paused: false,
            slots,
            current: Arc::new(Inventory::default()),
            tasks: JoinSet::new(),
            running: HashMap::new(),
            events,
            shares: Shares::default(),
        }
    }

    /// The schedule until shutdown, the app going away, or (with `once`) everything
    /// collected. Dropping the scheduler aborts the collections in flight.
    async fn run(&mut self, mut commands: Option<UnboundedReceiver<SourceCommand>>) {
        let events = self.events.clone();
        self.request(None);
        if !self.dispatch() {
            return;
        }
        loop {
            if self.once && self.idle() {
                return;
            }
            let due = if self.paused || self.once {
                None
            } else {
                self.next_due()
            };
            tokio::select! {
                biased;
                () = events.closed() => return,
                command = recv(&mut commands), if commands.is_some() => match command {
                    Some(SourceCommand::Shutdown) => return,
                    Some(SourceCommand::Refresh(area)) => self.request(area),
                    Some(SourceCommand::SetPaused(p)) => self.paused = p,
                    // Nobody can command us any more; keep polling until the app goes away.
                    None => commands = None,
                },
                Some(joined) = self.tasks.join_next_with_id() => {
                    if !self.joined(joined) {
                        return;
                    }
                }
                () = sleep_until(due), if due.is_some() => self.fire_due(Instant::now()),
            }
            if !self.dispatch() {
                return;
            }
        }
    }

    /// Asks for a run of `area` (every area with `None`) in every region, and of the areas
    /// that read it, which start after it: a refreshed functions list is followed by reserved
    /// concurrency and keys for the functions it found. An area in flight runs again when it
    /// finishes, so the result is never older than the request.
    fn request(&mut self, area: Option<Area>) {
        for ((a, _), slot) in self.slots.iter_mut() {
            if area.is_none_or(|x| x == *a || dependencies(*a).contains(&x)) {
                slot.wanted = true;
                slot.periodic = false;
                slot.due = None;
            }
        }
    }

    fn idle(&self) -> bool {
        self.slots
            .values()
            .all(|s| !s.wanted && s.started.is_none())
    }

    fn next_due(&self) -> Option<Instant> {
        self.slots
            .values()
            .filter(|s| !s.wanted && s.started.is_none())
            .filter_map(|s| s.due)
            .min()
    }

    fn fire_due(&mut self, now: Instant) {
        for slot in self.slots.values_mut() {
            if slot.due.is_some_and(|d| d <= now) {
                slot.due = None;
                if !slot.wanted {
                    slot.periodic = true;
                }
                slot.wanted = true;
            }
        }
    }

    /// Whether `area` may start in region `r`: every area it reads has completed at least
    /// once and is neither running nor about to.
    fn deps_ready(&self, area: Area, r: usize) -> bool {
        dependencies(area).iter().all(|d| {
            self.slots
                .get(&(*d, r))
                .is_some_and(|s| s.runs > 0 && !s.wanted && s.started.is_none())
        })
    }

    /// Starts every wanted run that may start. `false` when the app has gone away.
    fn dispatch(&mut self) -> bool {
        let ready: Vec<(Area, usize)> = self
            .slots
            .iter()
            .filter(|(_, s)| s.wanted && s.started.is_none())
            .map(|(k, _)| *k)
            .filter(|(a, r)| self.deps_ready(*a, *r))
            .collect();
        for (area, r) in ready {
            if !self.start(area, r) {
                return false;
            }
        }
        true
    }

    fn start(&mut self, area: Area, r: usize) -> bool {
        let region = self.regions[r].clone();
        let Some(slot) = self.slots.get_mut(&(area, r)) else {
            return true;
        };
        slot.wanted = false;
        slot.started = Some(Instant::now());
        let estimate = slot.last_duration;
        let share = if std::mem::take(&mut slot.periodic) {
            self.shares.periodic
        } else {
            self.shares.full
        };
        if self
            .events
            .send(SourceEvent::Started {
                area,
                region: region.clone(),
            })
            .is_err()
        {
            return false;
        }
        let work = self
            .collector
            .collect(area, &region, Arc::clone(&self.current), share);
        let events = self.events.clone();
        let handle = self
            .tasks
            .spawn(with_progress(work, events, area, region, estimate));
        self.running.insert(handle.id(), (area, r));
        true
    }

    /// A collection ended (or panicked). `false` when the app has gone away.
    fn joined(&mut self, joined: Result<(tokio::task::Id, Collected), JoinError>) -> bool {
        match joined {
            Ok((id, collected)) => match self.running.remove(&id) {
                Some((area, r)) => {
                    let status = collected.state();
                    let error = collected.error();
                    let requests = collected
                        .requests
                        .iter()
                        .map(|(k, v)| (k.to_string(), *v))
                        .collect();
                    self.finish(area, r, collected.inventory, status, error, requests)
                }
                None => true,
            },
            Err(e) => match self.running.remove(&e.id()) {
                // A poller bug must not take the other areas down: report the batch failed.
                Some((area, r)) => {
                    let error = Failure::new(
                        FailureKind::Other,
                        None,
                        format!(
                            "internal error: the {} poller {}",
                            area.as_str(),
                            if e.is_panic() {
                                "panicked"
                            } else {
                                "was cancelled"
                            }
                        ),
                    );
                    let region = self.regions[r].clone();
                    self.finish(
                        area,
                        r,
                        Inventory::failed_area(area, &region, error.clone()),
                        CollectionState::Failed,
                        Some(error),
                        Default::default(),
                    )
                }
                None => true,
            },
        }
    }

    fn finish(
        &mut self,
        area: Area,
        r: usize,
        mut inventory: Inventory,
        status: CollectionState,
        error: Option<Failure>,
        requests: BTreeMap<String, u64>,
    ) -> bool {
        let region = self.regions[r].clone();
        let period = self.periods.get(&area).copied().unwrap_or_default();
        let Some(slot) = self.slots.get_mut(&(area, r)) else {
            return true;
        };
        let duration = slot.started.take().map_or(Duration::ZERO, |t| t.elapsed());
        slot.runs += 1;
        slot.last_duration = Some(duration);
        // An interval too long for the clock (a hand-made one; the CLI and config.toml cap
        // them) never comes due rather than overflowing.
        slot.due = (!self.once && !period.is_zero())
            .then(|| Instant::now().checked_add(period))
            .flatten();

        if !inventory.regions.contains(&region) {
            inventory.regions.push(region.clone());
        }
        // Cheap: the clone shares every resource (see `Inventory`), and so does make_mut
        // when a running dependent still holds the previous view.
        Arc::make_mut(&mut self.current).apply_batch(area, &region, inventory.clone());
        self.events
            .send(SourceEvent::Batch(Box::new(Batch {
                area,
                region,
                status,
                error,
                duration,
                inventory,
                requests,
            })))
            .is_ok()
    }
}

/// Runs a collection, sending an estimated progress (from the previous run's duration)
/// while it runs, and 100 when it is done.
async fn with_progress(
    work: BoxFuture<'static, Collected>,
    events: UnboundedSender<SourceEvent>,
    area: Area,
    region: String,
    estimate: Option<Duration>,
) -> Collected {
    let progress = |percent: u8| {
        let _ = events.send(SourceEvent::Progress {
            area,
            region: region.clone(),
            percent,
        });
    };
    let collected = match estimate.filter(|e| !e.is_zero()) {
        None => work.await,
        Some(estimate) => {
            tokio::pin!(work);
            let began = Instant::now();
            let mut tick = tokio::time::interval_at(began + PROGRESS_TICK, PROGRESS_TICK);
            let mut last = 0;
            loop {
                tokio::select! {
                    collected = &mut work => break collected,
                    _ = tick.tick() => {
                        let ratio = began.elapsed().as_secs_f64() / estimate.as_secs_f64();
                        // An estimate: never claim to be done before the batch is.
                        let percent = (ratio * 100.0).clamp(0.0, 95.0) as u8;
                        if percent > last {
                            last = percent;
                            progress(percent);
                        }
                    }
                }
            }
        }
    };
    progress(100);
    collected
}

async fn recv(commands: &mut Option<UnboundedReceiver<SourceCommand>>) -> Option<SourceCommand> {
    match commands {
        Some(rx) => rx.recv().await,
        None => std::future::pending().await,
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    match deadline {
        Some(d) => tokio::time::sleep_until(d).await,
        None => std::future::pending().await,
    }
}

#[cfg(test)]
mod tests {
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
        }
    }

    fn markers(inv: &Inventory) -> Vec<String> {
        let mut out: Vec<String> = inv.functions.iter().map(|f| f.name.clone()).collect();
        out.extend(inv.rest_apis.iter().map(|a| a.name.clone()));
        out.extend(inv.secrets.iter().map(|s| s.name.clone()));
        out.extend(inv.keys.iter().map(|k| k.reference.clone()));
        for plans in inv.usage_plans.values().flatten() {
            out.extend(plans.iter().map(|p| p.name.clone()));
        }
        out
    }

    impl Collector for Fake {
        fn collect(
            &self,
            area: Area,
            region: &str,
            current: Arc<Inventory>,
            share: f64,
        ) -> BoxFuture<'static, Collected> {
            let this = self.clone();
            let region = region.to_string();
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

    fn delays(ms: [u64; 6]) -> BTreeMap<Area, Duration> {
        Area::ALL
            .iter()
            .zip(ms)
            .map(|(a, m)| (*a, Duration::from_millis(m)))
            .collect()
    }

    fn every(period: Duration) -> BTreeMap<Area, Duration> {
        Area::ALL.iter().map(|a| (*a, period)).collect()
    }

    struct Running {
        rx: UnboundedReceiver<SourceEvent>,
        cmd: UnboundedSender<SourceCommand>,
        handle: JoinHandle<()>,
    }

    fn start(
        fake: Fake,
        regions: &[&str],
        periods: BTreeMap<Area, Duration>,
        once: bool,
    ) -> Running {
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
            delays: delays([40, 15, 5, 5, 60, 60]),
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
        assert_eq!(got.len(), 12, "one batch per area and region");
        let log = log.lock().unwrap().clone();
        assert_eq!(
            log.len(),
            12,
            "each ran exactly once despite the short interval"
        );
        for region in ["r1", "r2"] {
            for area in Area::ALL {
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

    #[tokio::test]
    async fn one_failing_or_panicking_area_does_not_stop_the_others() {
        let fake = Fake {
            delays: delays([5, 5, 5, 5, 5, 5]),
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
        assert_eq!(got.len(), 12);
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
            delays: delays([5, 5, 5, 5, 5, 5]),
            ..Fake::default()
        };
        let log = Arc::clone(&fake.log);
        let mut s = start(fake, &["r1", "r2"], every(Duration::ZERO), false);
        until_batches(&mut s.rx, 12).await;
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
            delays: delays([30, 10, 5, 5, 20, 20]),
            ..Fake::default()
        };
        let log = Arc::clone(&fake.log);
        let mut s = start(fake, &["r1", "r2"], every(Duration::ZERO), false);
        until_batches(&mut s.rx, 12).await;
        s.cmd.send(SourceCommand::Refresh(None)).unwrap();
        let events = until_batches(&mut s.rx, 12).await;
        assert_eq!(batches(&events).len(), 12);
        let log = log.lock().unwrap().clone();
        for region in ["r1", "r2"] {
            check_dependencies(&log, region, 1);
        }
    }

    #[tokio::test]
    async fn a_refresh_during_a_run_runs_again_once_after_it() {
        let fake = Fake {
            delays: delays([80, 1, 1, 1, 1, 1]),
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
        until_batches(&mut s.rx, 6 + 1).await;
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
            delays: delays([5, 5, 5, 5, 5, 5]),
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
        until_batches(&mut rx, 12).await;
        cmd.send(SourceCommand::SetPaused(true)).unwrap();
        drain(&mut rx, Duration::from_millis(60)).await;
        let runs = log.lock().unwrap().clone();
        assert!(runs[..6].iter().all(|e| e.share == 0.5), "{runs:?}");
        assert!(runs[6..].iter().all(|e| e.share == 0.25), "{runs:?}");
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
            delays: delays([5, 5, 5, 5, 5, 5]),
            ..Fake::default()
        };
        let mut s = start(fake, &["r1"], every(Duration::from_millis(30)), false);
        // The initial load and at least two periodic rounds.
        let events = until_batches(&mut s.rx, 18).await;
        for area in Area::ALL {
            let n = batches(&events).iter().filter(|b| b.area == area).count();
            assert!(n >= 2, "{area:?} re-polled ({n})");
        }
        // Re-polls know the last duration, so they report an estimate along the way; every
        // run reports 100 before its batch.
        let hundreds = events
            .iter()
            .filter(|e| matches!(e, SourceEvent::Progress { percent: 100, .. }))
            .count();
        assert!(hundreds >= 18, "{hundreds}");

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
        let events = until_batches(&mut s.rx, 6).await;
        assert_eq!(batches(&events).len(), 6, "polling resumes");
    }

    #[tokio::test]
    async fn estimated_progress_rises_between_start_and_batch() {
        let fake = Fake {
            // Long enough for two progress ticks even on a loaded machine.
            delays: delays([600, 1, 1, 1, 1, 1]),
            ..Fake::default()
        };
        let mut s = start(fake, &["r1"], every(Duration::ZERO), false);
        until_batches(&mut s.rx, 6).await;
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
            delays: delays([10_000, 10_000, 10_000, 10_000, 10_000, 10_000]),
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
            delays: delays([10_000, 10_000, 10_000, 10_000, 10_000, 10_000]),
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
            delays: delays([1, 1, 1, 1, 1, 1]),
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
    fn only_throttles_encryption_and_triggers_wait_for_others() {
        assert_eq!(
            dependencies(Area::Throttles),
            [Area::Functions, Area::Gateways]
        );
        assert_eq!(dependencies(Area::Triggers), [Area::Functions]);
        assert_eq!(
            dependencies(Area::Encryption),
            [Area::Functions, Area::Secrets]
        );
        for area in [Area::Functions, Area::Gateways, Area::Secrets] {
            assert!(dependencies(area).is_empty());
        }
    }
}
