//! The TUI front end: its entry point and its one async loop: terminal input, a clock tick, source events,
//! finished effects and signals in a single `tokio::select!`; nothing in it blocks. Frames
//! are drawn only when something changed, at most ~60 per second.

pub mod terminal;

use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use crossterm::event::{Event, EventStream, KeyEventKind};
use futures_util::StreamExt;
use time::OffsetDateTime;
use tokio::signal::unix::{SignalKind, signal};
use tokio::sync::mpsc::{self, UnboundedReceiver, UnboundedSender};
use tokio::time::{Instant, MissedTickBehavior};

use crate::app::action::{Action, Effect, ExportFailure};
use crate::app::keymap::Keymap;
use crate::app::scheduler::{self, LiveOptions};
use crate::app::state::{Identity, Level, SourceKind, State, StateOptions};
use crate::app::theme::{self, ThemeSet};
use crate::app::update::update;
use crate::config::{Config, ConfigPaths};
use crate::demo::replay::{self as demo_source, DemoOptions};
use crate::domain::snapshot::Snapshot;
use crate::domain::source::{SourceCommand, SourceEvent};
use crate::export;
use terminal::Tui;

/// Where the TUI's data comes from. Every variant speaks the [`SourceEvent`] contract.
// Built once per run: the size difference between variants does not matter.
#[allow(clippy::large_enum_variant)]
pub enum TuiSource {
    /// The embedded demo account; `speed` 1.0 is the normal pace, 0 loads instantly.
    Demo { speed: f32 },
    /// A snapshot file already read (and validated) by the caller, shown read-only.
    Snapshot { snapshot: Snapshot, path: PathBuf },
    /// Live AWS: the five poll areas per region, in the background.
    Live(LiveOptions),
}

pub struct TuiOptions {
    pub source: TuiSource,
    /// `--theme`; wins over config.toml's `theme`.
    pub theme: Option<String>,
    /// `--no-color`; the `NO_COLOR` environment variable is honoured as well.
    pub no_color: bool,
    pub paths: ConfigPaths,
    pub config: Config,
    /// The mutes file, read before the terminal starts (a broken one is an error there).
    pub mutes_file: Option<crate::config::mutes::MutesFile>,
    /// `--mutelist`: a Prowler mutelist, read before the terminal starts.
    pub mutelist: Option<crate::domain::mutelist::Mutelist>,
    /// `parapet open NEW --baseline OLD`: OLD's name and findings, which changes are marked
    /// against.
    pub baseline: Option<(String, Vec<crate::domain::finding::Finding>)>,
}

/// Frame budget: at most ~60 frames per second.
const FRAME: Duration = Duration::from_millis(16);

/// Whether colour is off by the environment (<https://no-color.org>: set and not empty).
pub fn no_color_env() -> bool {
    std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty())
}

/// The start-up state: key overrides and user themes read from the config dir (problems
/// become warnings shown in the UI), and a snapshot's content when opening one (its findings
/// move into the state: a large snapshot is not copied).
pub fn build_state(opts: &mut TuiOptions, now: OffsetDateTime) -> State {
    let (keymap, mut warnings) = Keymap::load(&opts.paths.keys_file);
    let (files, read_warnings) = theme::read_theme_dir(&opts.paths.themes_dir);
    let (themes, theme_warnings) = ThemeSet::with_user_files(files);
    warnings.extend(read_warnings);
    warnings.extend(theme_warnings);
    if let Some(list) = &opts.mutelist {
        warnings.extend(
            list.warnings
                .iter()
                .map(|w| format!("{}: {w}", list.source)),
        );
    }
    let source = match &opts.source {
        TuiSource::Demo { .. } => SourceKind::Demo,
        TuiSource::Snapshot { snapshot, path } => SourceKind::Snapshot {
            path: path.clone(),
            generated_at: snapshot.generated_at,
        },
        TuiSource::Live(live) => SourceKind::Live {
            endpoint_url: live
                .aws
                .endpoint_url
                .clone()
                .or_else(|| std::env::var("AWS_ENDPOINT_URL").ok())
                .filter(|u| !u.is_empty())
                // Shown in the header: never a password or a token in the URL.
                .map(|u| crate::domain::text::redact_urls(&u).into_owned()),
        },
    };
    // What the live source collects: the code area with `--code` as with `[code] enabled`.
    let mut config = opts.config.clone();
    if let TuiSource::Live(live) = &opts.source {
        config.code.enabled = live.aws.code.is_some();
    }
    let mut state = State::new(
        now,
        StateOptions {
            source,
            config,
            exports_dir: opts.paths.exports_dir.clone(),
            keys_file: opts.paths.keys_file.clone(),
            themes_dir: opts.paths.themes_dir.clone(),
            themes,
            theme: opts.theme.clone(),
            no_color: opts.no_color || no_color_env(),
            keymap,
            warnings,
            mutes_file: opts.mutes_file.clone(),
            mutelist: opts.mutelist.clone(),
        },
    );
    if let TuiSource::Snapshot { snapshot, .. } = &mut opts.source {
        state.load_snapshot(
            snapshot.account_infos(),
            Identity {
                account_id: snapshot.primary_id().to_string(),
                profile: snapshot.primary_profile().map(String::from),
                regions: snapshot.regions.clone(),
            },
            std::mem::take(&mut snapshot.findings),
            std::mem::take(&mut snapshot.collection),
        );
    }
    if let Some((label, findings)) = &opts.baseline {
        state.set_baseline(label.clone(), findings.clone());
    }
    if let TuiSource::Live(live) = &opts.source {
        // Known before STS answers (and shown with a setup error too).
        state.accounts.list[0].info.profile = crate::aws::client::profile_name(&live.aws);
        state.show();
        state.quota_share = Some(live.aws.quota.periodic);
    }
    state
}

/// Runs the TUI until the user quits or a signal asks us to stop; `Some(signal)` when a
/// signal ended it (the process then exits 128 + signal, as the shell expects). The terminal
/// is restored on every path out of here (and by the panic hook on a panic).
pub async fn run_tui(mut opts: TuiOptions) -> anyhow::Result<Option<i32>> {
    let mut state = build_state(&mut opts, OffsetDateTime::now_utc());
    // The terminal first: if it cannot be set up, nothing else has started.
    let mut tui = Tui::enter().context("cannot set up the terminal")?;
    let (events_tx, events_rx) = mpsc::unbounded_channel();
    let (commands_tx, commands_rx) = mpsc::unbounded_channel();
    let source_task = match opts.source {
        TuiSource::Demo { speed } => Some(demo_source::spawn(
            events_tx,
            commands_rx,
            DemoOptions {
                speed,
                ..DemoOptions::default()
            },
        )),
        TuiSource::Snapshot { .. } => {
            drop(events_tx);
            None
        }
        TuiSource::Live(live) if live.accounts.is_multi() => Some(scheduler::spawn_accounts(
            events_tx,
            commands_rx,
            live.aws,
            live.accounts,
            live.intervals,
        )),
        TuiSource::Live(live) => Some(scheduler::spawn(events_tx, commands_rx, live)),
    };
    let result = event_loop(&mut tui, &mut state, events_rx, &commands_tx).await;
    tui.restore();
    let _ = commands_tx.send(SourceCommand::Shutdown);
    if let Some(task) = source_task {
        // A source that does not stop in time is dropped with the runtime.
        let _ = tokio::time::timeout(Duration::from_millis(200), task).await;
    }
    // The process ends next: freeing a 300,000-finding view piece by piece only delays the
    // shell prompt (by half a second, measured with perf on the 10x benchmark's snapshot).
    std::mem::forget(state);
    result
}

async fn event_loop(
    tui: &mut Tui,
    state: &mut State,
    mut source: UnboundedReceiver<SourceEvent>,
    commands: &UnboundedSender<SourceCommand>,
) -> anyhow::Result<Option<i32>> {
    let mut input = EventStream::new();
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    tick.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut sigterm = signal(SignalKind::terminate())?;
    let mut sigint = signal(SignalKind::interrupt())?;
    let mut sighup = signal(SignalKind::hangup())?;
    // SIGQUIT's default (a core dump) would leave the terminal raw: handled like SIGTERM.
    let mut sigquit = signal(SignalKind::quit())?;
    let mut sigcont = signal(SignalKind::from_raw(libc::SIGCONT))?;
    // Effects that run off the loop (exports) report back here.
    let (done_tx, mut done_rx) = mpsc::unbounded_channel::<Action>();
    let mut source_open = true;

    tui.draw(state)?;
    state.dirty = false;
    let mut last_draw = Instant::now();

    loop {
        let next_frame = last_draw + FRAME;
        let action = tokio::select! {
            event = input.next() => match event {
                Some(Ok(Event::Key(key))) if key.kind == KeyEventKind::Press => Some(Action::Key(key)),
                Some(Ok(Event::Paste(text))) => Some(Action::Paste(text)),
                Some(Ok(Event::Resize(..))) => Some(Action::Redraw),
                Some(Ok(_)) => None,
                Some(Err(e)) => return Err(e).context("reading terminal input"),
                None => break,
            },
            event = source.recv(), if source_open => match event {
                Some(event) => {
                    run(tui, state, Action::Tick(OffsetDateTime::now_utc()), commands, &done_tx)?;
                    Some(Action::Source(event))
                }
                None => {
                    source_open = false;
                    None
                }
            },
            Some(action) = done_rx.recv() => Some(action),
            _ = tick.tick() => Some(Action::Tick(OffsetDateTime::now_utc())),
            _ = sigterm.recv() => return Ok(Some(libc::SIGTERM)),
            _ = sigint.recv() => return Ok(Some(libc::SIGINT)),
            _ = sighup.recv() => return Ok(Some(libc::SIGHUP)),
            _ = sigquit.recv() => return Ok(Some(libc::SIGQUIT)),
            _ = sigcont.recv() => {
                // Stopped from outside (kill -STOP, a job-control stop): take the terminal back.
                tui.resume()?;
                Some(Action::Redraw)
            }
            _ = tokio::time::sleep_until(next_frame), if state.dirty => None,
        };
        if let Some(action) = action {
            run(tui, state, action, commands, &done_tx)?;
        }
        if state.quit {
            break;
        }
        if state.dirty && Instant::now() >= last_draw + FRAME {
            tui.draw(state)?;
            state.dirty = false;
            last_draw = Instant::now();
        }
    }
    Ok(None)
}

/// Applies an action and carries out the effects it asks for.
fn run(
    tui: &mut Tui,
    state: &mut State,
    action: Action,
    commands: &UnboundedSender<SourceCommand>,
    done: &UnboundedSender<Action>,
) -> anyhow::Result<()> {
    for effect in update(state, action) {
        match effect {
            Effect::Source(command) => {
                // A source that has ended cannot refresh; the UI already said what it does.
                let _ = commands.send(command);
            }
            Effect::ExportSnapshot { path, force } => {
                start_export(state, path, force, done.clone())
            }
            Effect::CopyToClipboard(text) => {
                if let Err(e) = tui.copy_to_clipboard(&text) {
                    update(
                        state,
                        Action::Notify(Level::Error, format!("copy failed: {e}")),
                    );
                }
            }
            Effect::Suspend => {
                tui.suspend().context("resuming the terminal")?;
                state.dirty = true;
            }
            Effect::Quit => state.quit = true,
        }
    }
    Ok(())
}

/// The snapshot of what the screen shows now (all regions, mutes in force).
pub fn snapshot_of(state: &State) -> Snapshot {
    let accounts = state.accounts.list.iter().map(|a| a.info.clone()).collect();
    Snapshot::of_accounts(
        state.assessment.findings.clone(),
        accounts,
        state.every_collection_status(),
        state.now,
    )
    .with_mutes(state.mutes())
}

/// Writes on a blocking thread; the result comes back as an action.
fn start_export(state: &State, path: PathBuf, force: bool, done: UnboundedSender<Action>) {
    // The files this run reads are never an export's target, confirmed or not.
    let mut inputs: Vec<PathBuf> = vec![state.keys_file.clone()];
    if let SourceKind::Snapshot { path, .. } = &state.source {
        inputs.push(path.clone());
    }
    inputs.extend(state.mutes_file.as_ref().map(|m| m.path.clone()));
    inputs.extend(state.mutelist.as_ref().map(|m| PathBuf::from(&m.source)));
    let refused = {
        let inputs: Vec<&Path> = inputs.iter().map(PathBuf::as_path).collect();
        export::refuse_input(&path, &inputs).err()
    };
    if let Some(e) = refused {
        let _ = done.send(Action::ExportFinished {
            path,
            result: Err(ExportFailure::Other(e.to_string())),
        });
        return;
    }
    let snapshot = snapshot_of(state);
    let exports_dir = state.exports_dir.clone();
    tokio::task::spawn_blocking(move || {
        let result = write_export(&path, &snapshot, force, &exports_dir);
        let _ = done.send(Action::ExportFinished { path, result });
    });
}

/// Writes a snapshot; the default snapshots directory is created (0700) on first use.
pub fn write_export(
    path: &Path,
    snapshot: &Snapshot,
    force: bool,
    exports_dir: &Path,
) -> Result<(), ExportFailure> {
    if path.parent() == Some(exports_dir) && !exports_dir.exists() {
        use std::os::unix::fs::DirBuilderExt;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(exports_dir)
            .map_err(|e| ExportFailure::Other(format!("{}: {e}", exports_dir.display())))?;
    }
    export::write_snapshot(path, snapshot, force).map_err(|e| {
        if e.is_already_exists() {
            ExportFailure::AlreadyExists
        } else {
            ExportFailure::Other(e.to_string())
        }
    })
}

#[cfg(test)]
mod tests;
