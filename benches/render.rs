//! Render time of the checklist and check-detail screens with at least 10,000 findings.
//!
//! Builds a synthetic account by cloning the demo account's functions, REST APIs,
//! HTTP/WebSocket APIs and secrets under new names until the real checks produce ≥ 10,000
//! findings, loads it into the real app `State`, and draws the real UI into a ratatui
//! `TestBackend` of 120×40. Between frames the selection moves one row (not timed), so every
//! frame draws something new. Prints the median and p95 per frame; nothing is asserted.
//!
//! Run: `cargo bench --bench render` (or `scripts/bench`, which also measures start-up and
//! memory). `PARAPET_BENCH_FRAMES` sets the frames per screen (default 500),
//! `PARAPET_BENCH_FINDINGS` the least number of findings, `PARAPET_BENCH_SNAPSHOT=FILE` writes
//! the synthetic account's snapshot there.

use std::hint::black_box;
use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use time::OffsetDateTime;

use parapet::app::action::Action;
use parapet::app::keymap::Op;
use parapet::app::state::{CheckDetail, Pane, Screen, State, StateOptions};
use parapet::app::update::update;
use parapet::demo;
use parapet::domain::inventory::Inventory;
use parapet::ui;

const WIDTH: u16 = 120;
const HEIGHT: u16 = 40;
/// At least this many findings (`PARAPET_BENCH_FINDINGS` overrides it: `scripts/bench --scale`
/// uses 250,000).
const MIN_FINDINGS: usize = 10_000;

fn min_findings() -> usize {
    std::env::var("PARAPET_BENCH_FINDINGS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(MIN_FINDINGS)
}

/// Replaces the last occurrence of `old` in `s` (names sit at the end of ARNs).
fn rename(s: &str, old: &str, new: &str) -> String {
    match s.rfind(old) {
        Some(i) => format!("{}{new}{}", &s[..i], &s[i + old.len()..]),
        None => s.to_string(),
    }
}

/// The demo account with every function, API and secret repeated `copies` times under new
/// names (copy 0 keeps the original names, so cross-references of the fixture still resolve).
fn scaled_inventory(now: OffsetDateTime, copies: usize) -> Inventory {
    let base = demo::inventory(now);
    let mut inv = base.clone();
    for i in 1..copies {
        let suffix = format!("-{i:04}");
        for f in &base.functions {
            let mut f = (**f).clone();
            let name = format!("{}{suffix}", f.name);
            f.arn = rename(&f.arn, &f.name, &name);
            f.name = name;
            inv.functions.push(f.into());
        }
        for a in &base.rest_apis {
            let mut a = (**a).clone();
            a.id = format!("{}{i:04}", a.id);
            a.name = format!("{}{suffix}", a.name);
            inv.rest_apis.push(a.into());
        }
        for a in &base.v2_apis {
            let mut a = (**a).clone();
            a.id = format!("{}{i:04}", a.id);
            a.name = format!("{}{suffix}", a.name);
            inv.v2_apis.push(a.into());
        }
        for s in &base.secrets {
            let mut s = (**s).clone();
            let name = format!("{}{suffix}", s.name);
            s.arn = rename(&s.arn, &s.name, &name);
            s.name = name;
            inv.secrets.push(s.into());
        }
    }
    inv
}

/// A state holding at least `MIN_FINDINGS` findings, on the overview.
fn big_state(now: OffsetDateTime) -> State {
    let per_copy = {
        let mut s = State::new(now, StateOptions::default());
        s.load_inventory(demo::inventory(now));
        s.assessment.findings.len().max(1)
    };
    let want = min_findings();
    let mut copies = want.div_ceil(per_copy) + 1;
    loop {
        let mut state = State::new(now, StateOptions::default());
        state.load_inventory(scaled_inventory(now, copies));
        let got = state.assessment.findings.len();
        if got >= want {
            return state;
        }
        // The copies yield fewer findings than the original (account-wide findings are not
        // repeated): add what is missing, in proportion.
        copies = copies * want / got.max(1) + 1;
    }
}

struct Stats {
    median: Duration,
    p95: Duration,
    mean: Duration,
}

fn stats(mut samples: Vec<Duration>) -> Stats {
    samples.sort();
    let n = samples.len();
    let pick = |q: f64| samples[((n as f64 - 1.0) * q).round() as usize];
    Stats {
        median: pick(0.5),
        p95: pick(0.95),
        mean: samples.iter().sum::<Duration>() / n as u32,
    }
}

/// Draws the current screen `frames` times, moving the selection down one row between
/// frames (untimed; wraps to the top at the end of the list).
fn time_screen(state: &mut State, frames: usize) -> Stats {
    let mut terminal = Terminal::new(TestBackend::new(WIDTH, HEIGHT)).expect("test backend");
    // Warm-up: first frame fills the viewport feedback (page size) and the caches.
    for _ in 0..20 {
        terminal.draw(|f| ui::draw(f, state)).expect("draw");
    }
    let mut samples = Vec::with_capacity(frames);
    for i in 0..frames {
        let start = Instant::now();
        terminal.draw(|f| ui::draw(f, state)).expect("draw");
        samples.push(start.elapsed());
        let op = if i % 40 == 39 { Op::Top } else { Op::Down };
        update(state, Action::Op(op));
    }
    black_box(terminal.backend().buffer());
    stats(samples)
}

fn ms(d: Duration) -> String {
    format!("{:.3}", d.as_secs_f64() * 1000.0)
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` would pass nothing useful either.
    let frames: usize = std::env::var("PARAPET_BENCH_FRAMES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(500);
    let now = OffsetDateTime::now_utc();
    let built = Instant::now();
    let mut state = big_state(now);
    let n_findings = state.assessment.findings.len();
    let n_checks = state.derived.checks.len();
    let n_resources = state.derived.resources.len();
    eprintln!(
        "synthetic account: {n_findings} findings, {n_checks} checks, {n_resources} resources \
         (built and evaluated in {:.0} ms)",
        built.elapsed().as_secs_f64() * 1000.0
    );

    // `PARAPET_BENCH_SNAPSHOT=FILE`: the synthetic account as a snapshot, for timing
    // `parapet open FILE` to its first frame.
    if let Some(path) = std::env::var_os("PARAPET_BENCH_SNAPSHOT") {
        let snapshot = parapet::tui::snapshot_of(&state);
        parapet::export::write_as(
            std::path::Path::new(&path),
            &snapshot,
            parapet::export::formats::Format::Json,
            true,
        )
        .expect("write the benchmark snapshot");
    }

    // Checklist.
    update(&mut state, Action::Op(Op::NextPane));
    assert!(
        matches!(state.screen(), Screen::Checklist),
        "Tab from the overview opens the checklist"
    );
    let checklist = time_screen(&mut state, frames);

    // Check detail of the check with the most findings.
    let biggest = state
        .derived
        .checks
        .iter()
        .max_by_key(|c| c.findings.len())
        .expect("some check")
        .clone();
    state.stack.push(Screen::CheckDetail(CheckDetail {
        check_id: biggest.id.clone(),
        selected: biggest
            .findings
            .first()
            .map(|&i| state.assessment.findings[i].resource_id.to_string()),
        focus: Pane::Resources,
        scroll: 0,
    }));
    let detail = time_screen(&mut state, frames);

    // Machine-readable lines for scripts/bench, then a human summary.
    println!(
        "RENDER findings={n_findings} detail_check={} detail_rows={}",
        biggest.id,
        biggest.findings.len()
    );
    for (name, s) in [("checklist", &checklist), ("detail", &detail)] {
        println!(
            "RENDER screen={name} frames={frames} median_ms={} p95_ms={} mean_ms={}",
            ms(s.median),
            ms(s.p95),
            ms(s.mean)
        );
    }
    eprintln!(
        "checklist ({WIDTH}x{HEIGHT}, {n_findings} findings): median {} ms, p95 {} ms",
        ms(checklist.median),
        ms(checklist.p95)
    );
    eprintln!(
        "check detail of {} ({} resources): median {} ms, p95 {} ms",
        biggest.id,
        biggest.findings.len(),
        ms(detail.median),
        ms(detail.p95)
    );
}
