//! The demo source: replays the embedded demo account through the same source contract the
//! AWS pollers use, with staggered per-area delays, so the screen shows areas loading,
//! completing and refreshing exactly as it will live.
//!
//! One task, one loop: pending events sit in a time-ordered queue; the loop waits for the
//! next due event, a command, the periodic re-poll, or the app going away, whichever is first.

use std::collections::BTreeMap;
use std::time::Duration;

use time::OffsetDateTime;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;
use tokio::time::{Instant, MissedTickBehavior};

use crate::demo;
use crate::domain::inventory::Area;
use crate::domain::source::{Batch, Identity, SourceCommand, SourceEvent};

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct DemoOptions {
    /// 1.0 is the normal pace (whole load well under 2 s); 2.0 twice as fast; 0 (or less)
    /// delivers everything at once, for tests and exports.
    pub speed: f32,
    /// Periodic re-poll of every area (zero disables it).
    pub interval: Duration,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions {
            speed: 1.0,
            interval: Duration::from_secs(60),
        }
    }
}

impl DemoOptions {
    /// Everything at once, no periodic re-poll: tests and `--export`.
    pub fn instant() -> Self {
        DemoOptions {
            speed: 0.0,
            interval: Duration::ZERO,
        }
    }
}

/// When an area's batch arrives at speed 1.0, after it started.
pub fn area_delay(area: Area) -> Duration {
    Duration::from_millis(match area {
        Area::Functions => 250,
        Area::Gateways => 500,
        Area::Throttles => 700,
        Area::Encryption => 900,
        Area::Secrets => 1200,
        Area::Triggers => 1000,
        Area::Code => 1500,
        Area::Workflows => 1100,
        Area::Graphql => 1300,
        Area::Users => 800,
        Area::Logs => 600,
    })
}

/// The second region lags a little behind the first, as real pollers would.
const REGION_LAG: Duration = Duration::from_millis(120);
/// Progress reported along the way, in percent of the area's delay.
const PROGRESS_STEPS: [u8; 2] = [35, 70];

/// What a scheduled step emits.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Started,
    Progress(u8),
    Done,
}

/// One scheduled event: (area, region index, step) and its offset from the refresh.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Planned {
    area: Area,
    region: usize,
    step: Step,
    after: Duration,
}

/// The event plan of one collection of `areas` over `regions` regions at `speed`.
fn plan(areas: &[Area], regions: usize, speed: f32) -> Vec<Planned> {
    let scale = |d: Duration| {
        if speed > 0.0 && speed.is_finite() {
            d.div_f32(speed)
        } else {
            Duration::ZERO
        }
    };
    let mut out = Vec::new();
    for &area in areas {
        for region in 0..regions {
            let start = REGION_LAG * region as u32;
            let total = area_delay(area);
            out.push(Planned {
                area,
                region,
                step: Step::Started,
                after: scale(start),
            });
            for p in PROGRESS_STEPS {
                out.push(Planned {
                    area,
                    region,
                    step: Step::Progress(p),
                    after: scale(start + total.mul_f32(f32::from(p) / 100.0)),
                });
            }
            out.push(Planned {
                area,
                region,
                step: Step::Done,
                after: scale(start + total),
            });
        }
    }
    out
}

/// Starts the demo source. It sends `Identity`, loads every area, re-polls every
/// `options.interval` unless paused, and obeys `commands`. It ends on `Shutdown` or when the
/// receiver of `events` is dropped.
pub fn spawn(
    events: UnboundedSender<SourceEvent>,
    commands: UnboundedReceiver<SourceCommand>,
    options: DemoOptions,
) -> JoinHandle<()> {
    tokio::spawn(run(events, commands, options))
}

struct Demo {
    events: UnboundedSender<SourceEvent>,
    regions: Vec<String>,
    speed: f32,
    /// (due, sequence) → step; the sequence keeps equal deadlines in plan order.
    queue: BTreeMap<(Instant, u64), Planned>,
    /// Start of the running collection per (area, region index), for batch durations.
    started: BTreeMap<(Area, usize), Instant>,
    seq: u64,
}

impl Demo {
    /// Schedules a collection of `area` (or all). An area already in flight restarts.
    fn refresh(&mut self, area: Option<Area>) {
        let areas: Vec<Area> = match area {
            Some(a) => vec![a],
            None => Area::ALL.to_vec(),
        };
        self.queue.retain(|_, p| !areas.contains(&p.area));
        let now = Instant::now();
        for p in plan(&areas, self.regions.len(), self.speed) {
            self.seq += 1;
            self.queue.insert((now + p.after, self.seq), p);
        }
    }

    fn next_due(&self) -> Option<Instant> {
        self.queue.keys().next().map(|(due, _)| *due)
    }

    /// Sends every step that is due. `false` when the app has gone away.
    fn emit_due(&mut self) -> bool {
        let now = Instant::now();
        while let Some(entry) = self.queue.first_entry() {
            if entry.key().0 > now {
                break;
            }
            let p = entry.remove();
            let event = self.event(p);
            if self.events.send(event).is_err() {
                return false;
            }
        }
        true
    }

    fn event(&mut self, p: Planned) -> SourceEvent {
        let region = self.regions[p.region].clone();
        match p.step {
            Step::Started => {
                self.started.insert((p.area, p.region), Instant::now());
                SourceEvent::Started {
                    area: p.area,
                    region,
                }
            }
            Step::Progress(percent) => SourceEvent::Progress {
                area: p.area,
                region,
                percent,
            },
            Step::Done => {
                let began = self.started.remove(&(p.area, p.region));
                let mut batch: Batch = demo::batch_for(OffsetDateTime::now_utc(), p.area, &region);
                batch.duration = began.map_or(Duration::ZERO, |t| t.elapsed());
                SourceEvent::Batch(Box::new(batch))
            }
        }
    }
}

async fn run(
    events: UnboundedSender<SourceEvent>,
    mut commands: UnboundedReceiver<SourceCommand>,
    options: DemoOptions,
) {
    let identity = demo::inventory(OffsetDateTime::now_utc());
    let regions = identity.regions.clone();
    if events
        .send(SourceEvent::Identity(Identity {
            account_id: identity.account_id,
            profile: None,
            regions: regions.clone(),
        }))
        .is_err()
    {
        return;
    }
    let mut demo = Demo {
        events: events.clone(),
        regions,
        speed: options.speed,
        queue: BTreeMap::new(),
        started: BTreeMap::new(),
        seq: 0,
    };
    demo.refresh(None);

    let periodic = !options.interval.is_zero();
    // A zero period would panic in `interval_at`; with polling off the timer never fires.
    let period = if periodic {
        options.interval
    } else {
        Duration::from_secs(3600)
    };
    let mut ticker = tokio::time::interval_at(Instant::now() + period, period);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    let mut paused = false;
    let mut commands_open = true;

    loop {
        let next = demo.next_due();
        tokio::select! {
            biased;
            () = events.closed() => return,
            command = commands.recv(), if commands_open => match command {
                Some(SourceCommand::Shutdown) => return,
                Some(SourceCommand::Refresh(area)) => demo.refresh(area),
                Some(SourceCommand::SetPaused(p)) => paused = p,
                // Nobody can command us any more; keep serving until the app goes away.
                None => commands_open = false,
            },
            () = sleep_until(next), if next.is_some() => {
                if !demo.emit_due() {
                    return;
                }
            }
            _ = ticker.tick(), if periodic => {
                if !paused {
                    demo.refresh(None);
                }
            }
        }
    }
}

async fn sleep_until(deadline: Option<Instant>) {
    if let Some(deadline) = deadline {
        tokio::time::sleep_until(deadline).await;
    }
}

#[cfg(test)]
mod tests;
