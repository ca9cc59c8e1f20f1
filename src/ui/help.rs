//! Help (`?`): generated from the keymap table, plus commands, the status legend, the score
//! formula, themes, file locations and this session's messages.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::footer::{level_glyph, level_token};
use super::widgets::panel;
use super::widgets::{fit, pad, status_span, timestamp, wrap_words};
use crate::app::command::COMMANDS;
use crate::app::keymap::Scope;
use crate::app::state::State;
use crate::app::theme::{Origin, Theme, Token};
use crate::domain::finding::Status;

/// The score formula of CHECKS.md, as shown in help.
pub const SCORE_FORMULA: &str = "Weights: critical 10 · high 5 · medium 3 · low 1. For each check, pass rate = pass / (pass + fail) over its resources. The score is the weighted mean of pass rates over checks with at least one pass or fail, × 100, rounded; category scores likewise. Unknown and muted findings stay out of the score and are shown beside it as coverage = decided / (decided + unknown). Grades: A ≥ 90 · B ≥ 80 · C ≥ 70 · D ≥ 60 · F below. Impact = points the score gains if a check's failing resources pass.";

fn section(name: &str, t: &Theme) -> Line<'static> {
    Line::from(Span::styled(format!(" {name}"), t[Token::Header]))
}

/// Where a binding works, when that is not obvious from its group.
fn scopes_note(scopes: &[Scope]) -> String {
    if scopes.contains(&Scope::Global) || scopes.len() != 1 {
        return String::new();
    }
    let names: Vec<String> = scopes.iter().map(|s| s.title().to_lowercase()).collect();
    format!("  ({})", names.join(", "))
}

pub fn lines(state: &State, w: usize) -> Vec<Line<'static>> {
    let t = &state.theme;
    let body = w.saturating_sub(6).max(20);
    let mut out = vec![section("KEYS", t)];
    let rows = state.keymap.help_rows();
    let mut groups: Vec<&str> = Vec::new();
    for r in &rows {
        if !groups.contains(&r.group) {
            groups.push(r.group);
        }
    }
    for group in groups {
        out.push(Line::from(Span::styled(
            format!("  {group}"),
            t[Token::Title],
        )));
        for row in rows.iter().filter(|r| r.group == group) {
            out.push(Line::from(vec![
                Span::styled(format!("   {}", pad(&row.keys, 20, false)), t[Token::Key]),
                Span::styled(row.description.to_string(), t[Token::Text]),
                Span::styled(scopes_note(row.scopes), t[Token::Dim]),
            ]));
        }
    }
    out.push(Line::from(Span::styled(
        "   In prompts: enter accepts, esc cancels, ctrl-u clears, ctrl-w deletes a word.",
        t[Token::Dim],
    )));
    out.push(Line::default());
    out.push(section("COMMANDS", t));
    for (usage, what) in COMMANDS {
        out.push(Line::from(vec![
            Span::styled(format!("   {}", pad(usage, 30, false)), t[Token::Key]),
            Span::styled((*what).to_string(), t[Token::Text]),
        ]));
    }
    out.push(Line::default());
    out.push(section("STATUS", t));
    let legend = [
        (Status::Pass, "the resource meets the check"),
        (Status::Fail, "the resource needs fixing"),
        (
            Status::Unknown,
            "could not decide: data was not collected (reason shown)",
        ),
        (
            Status::Muted,
            "failing or unknown, muted by you with a reason",
        ),
        (Status::NotApplicable, "the check does not apply"),
    ];
    for (s, what) in legend {
        out.push(Line::from(vec![
            Span::raw("   "),
            status_span(s, t),
            Span::raw(" ".repeat(12usize.saturating_sub(s.label().chars().count()))),
            Span::styled(what.to_string(), t[Token::Text]),
        ]));
    }
    out.push(Line::default());
    out.push(section("SCORE", t));
    for l in wrap_words(SCORE_FORMULA, body) {
        out.push(Line::from(Span::styled(format!("   {l}"), t[Token::Text])));
    }
    out.push(Line::default());
    out.push(section("THEMES", t));
    for name in state.themes.names() {
        let current = name == state.theme.name;
        let mut about = state
            .themes
            .description(&name)
            .unwrap_or_default()
            .to_string();
        if let Some(Origin::File(p)) = state.themes.origin(&name) {
            about = format!("{about} ({})", p.display());
        }
        let name_style = if current {
            t[Token::Accent]
        } else {
            t[Token::Text]
        };
        out.push(Line::from(vec![
            Span::styled(if current { "   ▶ " } else { "     " }, t[Token::Accent]),
            Span::styled(pad(&name, 12, false), name_style),
            Span::styled(fit(&about, w.saturating_sub(18)), t[Token::Dim]),
        ]));
    }
    if state.no_color {
        out.push(Line::from(Span::styled(
            "   NO_COLOR / --no-color is set: colours are off (mono).",
            t[Token::Dim],
        )));
    }
    out.push(Line::default());
    out.push(section("FILES", t));
    for (label, path) in [
        ("key overrides", &state.keys_file),
        ("user themes", &state.themes_dir),
        ("snapshots", &state.exports_dir),
    ] {
        out.push(Line::from(vec![
            Span::styled(format!("   {}", pad(label, 16, false)), t[Token::Dim]),
            Span::styled(path.display().to_string(), t[Token::Text]),
        ]));
    }
    out.push(Line::from(Span::styled(
        "   keys.toml example:  quit = \"ctrl-q\"   down = [\"j\", \"down\"]",
        t[Token::Dim],
    )));
    let note = match &state.mutes_file {
        Some(f) => format!(
            "Mutes made with x are saved to {} (--mutes FILE names another; commit it to share them).",
            f.path.display()
        ),
        None => "Mutes made with x last for this session (no mutes file).".to_string(),
    };
    for l in wrap_words(&note, body) {
        out.push(Line::from(Span::styled(format!("   {l}"), t[Token::Dim])));
    }
    if !state.log.is_empty() {
        out.push(Line::default());
        out.push(section("MESSAGES", t));
        for m in state.log.iter().rev().take(30) {
            let lead = format!("   {} {} ", level_glyph(m.level), timestamp(m.at));
            let indent = lead.chars().count();
            for (i, l) in wrap_words(&m.text, w.saturating_sub(indent + 2).max(10))
                .into_iter()
                .enumerate()
            {
                let first = if i == 0 {
                    lead.clone()
                } else {
                    " ".repeat(indent)
                };
                out.push(Line::from(vec![
                    Span::styled(first, t[level_token(m.level)]),
                    Span::styled(l, t[Token::Text]),
                ]));
            }
        }
    }
    out
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State, scroll: u16) {
    let t = &state.theme;
    let block = panel("", true, t)
        .title(Line::from(Span::styled(" Help ", t[Token::Title])))
        .title(
            Line::from(vec![
                Span::styled(" j/k", t[Token::Key]),
                Span::styled(" scroll  ", t[Token::Dim]),
                Span::styled("esc", t[Token::Key]),
                Span::styled(" close ", t[Token::Dim]),
            ])
            .right_aligned(),
        );
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let lines = lines(state, usize::from(inner.width));
    let max = lines.len().saturating_sub(usize::from(inner.height)) as u16;
    state.viewport.text_max_scroll.set(max);
    state.viewport.page.set(usize::from(inner.height).max(1));
    frame.render_widget(Paragraph::new(lines).scroll((scroll.min(max), 0)), inner);
}
