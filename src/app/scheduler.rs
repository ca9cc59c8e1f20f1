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
use crate::domain::source::{Batch, Identity, Job, SourceCommand, SourceEvent};

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
        // Triggers: sources of the functions found, and the rules that start the state
        // machines found (a region with neither costs nothing).
        Area::Triggers => &[Area::Functions, Area::Workflows],
        // Workflows, graphql and users: the roles already read for functions are not read
        // again.
        // Logs: only the groups of the functions found.
        Area::Code | Area::Workflows | Area::Graphql | Area::Users | Area::Logs => {
            &[Area::Functions]
        }
        Area::Functions | Area::Gateways | Area::Secrets => &[],
    }
}

/// Runs one area in one region. `current` is the source's merged inventory when the run
/// starts (what dependent areas read).
pub trait Collector: Send + Sync + 'static {
    fn collect(&self, job: Job) -> BoxFuture<'static, Collected>;
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
        periods(&options.intervals, options.aws.code.is_some()),
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

/// Every area's period; an opt-in area only when asked for (`code`).
fn periods(intervals: &Intervals, code: bool) -> BTreeMap<Area, Duration> {
    Area::ALL
        .iter()
        .filter(|a| code || !a.opt_in())
        .map(|&a| (a, intervals.get(a)))
        .collect()
}

impl Collector for Pollers {
    fn collect(&self, job: Job) -> BoxFuture<'static, Collected> {
        Pollers::collect(self, job)
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
        // Every area, but an opt-in one only when it has a period (was asked for).
        let slots = Area::ALL
            .iter()
            .filter(|a| !a.opt_in() || periods.contains_key(a))
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
        let work = self.collector.collect(Job {
            area,
            region: region.clone(),
            current: Arc::clone(&self.current),
            share,
        });
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
mod tests;
