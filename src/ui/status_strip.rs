//! The poll-area strip: `functions ✔ 12s ago · gateways ⟳ 40% · secrets ! AccessDenied`.
//! One entry per area, summarising its regions; it compacts itself to fit narrow terminals.

use crate::domain::failure::Failure;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::widgets::{ago, fit, width};
use crate::app::state::{AreaStatus, SourceKind, State};
use crate::app::theme::{Theme, Token};
use crate::domain::collection::CollectionState;
use crate::domain::inventory::Area;

/// What one area shows, before formatting.
#[derive(Clone, Debug, PartialEq)]
pub enum AreaSummary {
    Waiting,
    Running(u8),
    Ok {
        since: Option<String>,
    },
    /// Data arrived but some calls failed: the first error's kind.
    Partial(String),
    /// Nothing usable arrived: why, in a word.
    Failed(String),
}

/// Combines an area's regions: running wins, then failed, then ok/partial.
pub fn summarize(statuses: &[&AreaStatus], state: &State) -> AreaSummary {
    if statuses.is_empty() {
        return AreaSummary::Waiting;
    }
    let running: Vec<u8> = statuses
        .iter()
        .filter(|s| s.status.status == CollectionState::Running)
        .map(|s| s.status.progress.unwrap_or(0))
        .collect();
    if !running.is_empty() {
        let done = statuses.len() - running.len();
        let pct = (running.iter().map(|p| u32::from(*p)).sum::<u32>() + 100 * done as u32)
            / statuses.len() as u32;
        return AreaSummary::Running(pct as u8);
    }
    if let Some(failed) = statuses
        .iter()
        .find(|s| s.status.status == CollectionState::Failed)
    {
        return AreaSummary::Failed(short(&failed.status.error, "failed"));
    }
    if statuses
        .iter()
        .all(|s| s.status.status == CollectionState::Pending)
    {
        return AreaSummary::Waiting;
    }
    if let Some(p) = statuses
        .iter()
        .find(|s| s.status.status == CollectionState::Partial)
    {
        return AreaSummary::Partial(short(&p.status.error, "partial"));
    }
    let last = statuses.iter().filter_map(|s| s.last_success).min();
    // A snapshot's areas all date from when it was taken (shown in the header): show how
    // long each took instead.
    let since = match &state.source {
        SourceKind::Snapshot { .. } => {
            let ms: u64 = statuses
                .iter()
                .filter_map(|s| s.status.duration_ms)
                .max()
                .unwrap_or(0);
            (ms > 0).then(|| format!("{:.1}s", ms as f64 / 1000.0))
        }
        _ => last.map(|t| ago(t, state.now)),
    };
    AreaSummary::Ok { since }
}

/// An area's failure in a word (`AccessDenied`), from its kind; `otherwise` without one.
pub fn short(error: &Option<Failure>, otherwise: &str) -> String {
    error
        .as_ref()
        .map_or_else(|| otherwise.to_string(), Failure::short)
}

fn segment(area: Area, s: &AreaSummary, level: u8, t: &Theme) -> Vec<Span<'static>> {
    let name = if level >= 3 {
        match area {
            Area::Functions => "fn",
            Area::Gateways => "gw",
            Area::Throttles => "thr",
            Area::Encryption => "kms",
            Area::Secrets => "sec",
            Area::Triggers => "trg",
            Area::Code => "code",
            Area::Workflows => "wf",
            Area::Graphql => "gql",
            Area::Users => "usr",
            Area::Logs => "log",
        }
    } else {
        area.as_str()
    };
    let (glyph, token, text) = match s {
        AreaSummary::Waiting if level >= 5 => ("○", Token::Dim, String::new()),
        AreaSummary::Waiting => ("○", Token::Dim, "waiting".to_string()),
        AreaSummary::Running(p) => ("⟳", Token::StatusRunning, format!("{p}%")),
        AreaSummary::Ok { since } => {
            let when = since.clone().unwrap_or_default();
            let when = match level {
                0 => when,
                // The narrowest form: the glyph alone (ten areas fit 80 columns).
                6.. => String::new(),
                _ => when.replace(" ago", ""),
            };
            ("✔", Token::StatusOk, when)
        }
        AreaSummary::Partial(e) | AreaSummary::Failed(e) => {
            let e = match level {
                0 | 1 => e.clone(),
                2 | 3 => fit(e, 12),
                4 => fit(e, 8),
                // The narrowest form: the glyph alone (the reason is on the findings).
                _ => String::new(),
            };
            match s {
                AreaSummary::Partial(_) => ("◐", Token::Warning, e),
                _ => ("!", Token::StatusError, e),
            }
        }
    };
    let shown = if text.is_empty() {
        glyph.to_string()
    } else {
        format!("{glyph} {text}")
    };
    vec![
        Span::styled(format!("{name} "), t[Token::Dim]),
        Span::styled(shown, t[token]),
    ]
}

pub fn line(state: &State, max: usize) -> Line<'static> {
    let t = &state.theme;
    // An opt-in area (`--code`) only when the source collects it (or it has reported).
    let collected = state.areas();
    let summaries: Vec<(Area, AreaSummary)> = Area::ALL
        .iter()
        .filter(|a| collected.contains(a) || state.collection.keys().any(|(x, _)| x == *a))
        .map(|&a| {
            let st: Vec<&AreaStatus> = state
                .collection
                .iter()
                .filter(|((area, _), _)| *area == a)
                .map(|(_, s)| s)
                .collect();
            (a, summarize(&st, state))
        })
        .collect();
    // The most detailed level that fits with the expected time of a full collection (at the
    // periodic polls' quota share, once known); else the most detailed that fits without it.
    let mut fallback: Option<Vec<Span<'static>>> = None;
    let mut last = Vec::new();
    for level in 0..7 {
        let mut spans = vec![Span::raw(" ")];
        for (i, (a, s)) in summaries.iter().enumerate() {
            if i > 0 {
                spans.push(Span::styled(
                    match level {
                        0..=2 => " · ",
                        3..=5 => "  ",
                        _ => " ",
                    },
                    t[Token::Dim],
                ));
            }
            spans.extend(segment(*a, s, level, t));
        }
        let w: usize = spans.iter().map(|s| width(&s.content)).sum();
        let full = match (state.expected_full, state.quota_share) {
            (Some(d), Some(share)) => Some(format!(
                "{}full ≥ {} @{:.0}%",
                if level >= 3 { "  " } else { " · " },
                crate::domain::quota::duration_text(d),
                share * 100.0
            )),
            _ => None,
        };
        match full {
            Some(text) if w + width(&text) <= max => {
                spans.push(Span::styled(text, t[Token::Dim]));
                return Line::from(spans);
            }
            None if w <= max => return Line::from(spans),
            _ => {}
        }
        if w <= max && fallback.is_none() {
            fallback = Some(spans.clone());
        }
        last = spans;
    }
    Line::from(fallback.unwrap_or(last))
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let line = line(state, usize::from(area.width));
    frame.render_widget(Paragraph::new(line), area);
}
