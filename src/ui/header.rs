//! The top two rows: who is being scanned with the score, then the views and where you are.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::widgets::{fit, grade_token, timestamp, width};
use crate::app::state::{Screen, SourceKind, State};
use crate::app::theme::Token;

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let [top, tabs] = Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(area);
    draw_identity(frame, top, state);
    draw_tabs(frame, tabs, state);
}

fn draw_identity(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let id = &state.identity;
    let mut right: Vec<Span> = Vec::new();
    if state.paused {
        right.push(Span::styled("⏸ PAUSED  ", t[Token::Warning]));
    }
    if let Some(r) = &state.region {
        right.push(Span::styled(format!("{r} only  "), t[Token::Warning]));
    }
    let score = &state.derived.score;
    let score_text = match (score.overall, score.grade) {
        (Some(s), Some(g)) => format!("{s} {g}"),
        _ => "—".to_string(),
    };
    right.push(Span::styled("score ", t[Token::Dim]));
    right.push(Span::styled(
        format!("{score_text} "),
        t[grade_token(score.grade)],
    ));
    let right_w: usize = right.iter().map(|s| width(&s.content)).sum();

    let account = if id.account_id.is_empty() {
        "…".to_string()
    } else {
        id.account_id.clone()
    };
    let source = match &state.source {
        SourceKind::Demo => "demo".to_string(),
        SourceKind::Live { endpoint_url: None } => "live".to_string(),
        SourceKind::Live {
            endpoint_url: Some(url),
        } => format!("live · {url}"),
        SourceKind::Snapshot { path, generated_at } => {
            let mut s = format!(
                "snapshot {} · {}",
                path.file_name()
                    .map(|f| f.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                timestamp(*generated_at)
            );
            if let Some(b) = &state.baseline {
                s.push_str(&format!(" · {}", b.label));
            }
            s
        }
    };
    let mut parts: Vec<(&str, String)> = Vec::new();
    if state.is_organization() {
        match state.account.as_ref().and_then(|a| state.find_account(a)) {
            Some(a) => {
                parts.push(("account", a.id.clone()));
                if let Some(name) = a.name.as_ref().or(a.profile.as_ref()) {
                    parts.push(("", name.clone()));
                }
                parts.push(("of", format!("{} accounts", state.accounts.list.len())));
            }
            None => parts.push((
                "organization",
                format!("{} accounts", state.accounts.list.len()),
            )),
        }
    } else {
        parts.push(("account", account));
        if let Some(p) = &id.profile {
            parts.push(("profile", p.clone()));
        }
    }
    if !id.regions.is_empty() {
        parts.push(("regions", id.regions.join(",")));
    }
    parts.push(("", source));
    let budget = usize::from(area.width).saturating_sub(right_w + 12);
    let labelled: usize = parts
        .iter()
        .map(|(l, v)| width(l) + width(v) + if l.is_empty() { 2 } else { 3 })
        .sum();
    // Labels when they fit; else values only, separated by dots.
    let with_labels = labelled <= budget;
    let mut left = vec![Span::styled(" ◆ parapet ", t[Token::Title])];
    let mut used = 0;
    for (i, (label, value)) in parts.into_iter().enumerate() {
        let room = budget.saturating_sub(used);
        if room < 4 {
            break;
        }
        let value_style = if label.is_empty() {
            t[Token::Dim]
        } else {
            t[Token::Text]
        };
        if with_labels {
            left.push(Span::raw(" "));
            if !label.is_empty() {
                left.push(Span::styled(format!("{label} "), t[Token::Dim]));
                used += width(label) + 1;
            }
            let shown = fit(&value, budget.saturating_sub(used + 2));
            used += width(&shown) + 2;
            left.push(Span::styled(shown, value_style));
            left.push(Span::raw(" "));
        } else {
            left.push(Span::styled(
                if i == 0 { " " } else { " · " },
                t[Token::Dim],
            ));
            let shown = fit(&value, room.saturating_sub(3));
            used += width(&shown) + 3;
            left.push(Span::styled(shown, value_style));
        }
    }
    let [l, r] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(right_w as u16)]).areas(area);
    frame.render_widget(Paragraph::new(Line::from(left)), l);
    frame.render_widget(Paragraph::new(Line::from(right)), r);
}

fn draw_tabs(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let main = match state.stack.get(1) {
        Some(Screen::Checklist) => 1,
        Some(Screen::Resources) => 2,
        _ => 0,
    };
    let mut spans = vec![Span::raw(" ")];
    for (i, name) in ["Overview", "Checklist", "Resources"].iter().enumerate() {
        if i == main {
            spans.push(Span::styled(
                format!(" {name} "),
                t[Token::Selection].patch(t[Token::Title]),
            ));
        } else {
            spans.push(Span::styled(format!(" {name} "), t[Token::Dim]));
        }
        spans.push(Span::raw(" "));
    }
    // Breadcrumb for screens deeper than the main view.
    let crumbs: Vec<String> = state
        .stack
        .iter()
        .skip(if main == 0 { 1 } else { 2 })
        .map(|s| match s {
            Screen::CheckDetail(d) => d.check_id.clone(),
            Screen::ResourceDetail(d) => state
                .resource_row(&d.resource_id)
                .map(|r| r.name.clone())
                .unwrap_or_else(|| d.resource_id.clone()),
            other => other.title().to_string(),
        })
        .collect();
    if !crumbs.is_empty() {
        let used: usize = spans.iter().map(|s| width(&s.content)).sum();
        let room = usize::from(area.width).saturating_sub(used + 3);
        let text = fit(&crumbs.join(" › "), room);
        spans.push(Span::styled("› ", t[Token::Dim]));
        spans.push(Span::styled(text, t[Token::Accent]));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
