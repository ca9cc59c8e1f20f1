//! Modal dialogs drawn over the screen: confirm overwrite, and `x`'s mute dialog.

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use super::footer::input_line;
use super::widgets::{fit, width};
use crate::app::state::{LineInput, MuteDialog, MuteField, Prompt, State};
use crate::app::theme::Token;

/// A centred rect of at most `w`×`h` inside `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let [v] = Layout::vertical([Constraint::Length(h.min(area.height))])
        .flex(Flex::Center)
        .areas(area);
    let [c] = Layout::horizontal([Constraint::Length(w.min(area.width))])
        .flex(Flex::Center)
        .areas(v);
    c
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    match &state.prompt {
        Some(Prompt::ConfirmOverwrite { path }) => confirm_overwrite(frame, area, state, path),
        Some(Prompt::Mute(d)) => mute(frame, area, state, d),
        _ => {}
    }
}

/// The mute dialog: the focused field is marked with `▸` (not by colour alone) and shows the
/// cursor; the scope is a pair of radio buttons.
fn mute(frame: &mut Frame, area: Rect, state: &State, d: &MuteDialog) {
    let t = &state.theme;
    let rect = centered(area, 76, if d.problem.is_some() { 10 } else { 9 });
    let inner_w = usize::from(rect.width.saturating_sub(4));
    let label_w = 10;
    let field = |name: &str, which: MuteField| -> Vec<Span<'static>> {
        let focused = d.field == which;
        vec![
            Span::styled(if focused { "▸ " } else { "  " }, t[Token::Accent]),
            Span::styled(
                format!("{name:<w$}", w = label_w - 2),
                if focused {
                    t[Token::Accent]
                } else {
                    t[Token::Dim]
                },
            ),
        ]
    };
    let input = |name: &str, which: MuteField, value: &LineInput, placeholder: &str| {
        let mut spans = field(name, which);
        if d.field == which {
            spans.extend(
                input_line("", value, "", inner_w.saturating_sub(label_w + 1), t)
                    .spans
                    .into_iter()
                    .skip(1),
            );
        } else if value.text.is_empty() {
            spans.push(Span::styled(placeholder.to_string(), t[Token::Dim]));
        } else {
            spans.push(Span::styled(
                fit(&value.text, inner_w.saturating_sub(label_w)),
                t[Token::Text],
            ));
        }
        Line::from(spans)
    };
    let target = match &d.resource {
        Some((_, name)) => format!("on {name}"),
        None => "on every resource".to_string(),
    };
    let mut lines = vec![
        Line::from(Span::styled(fit(&target, inner_w), t[Token::Text])),
        Line::default(),
        input(
            "Reason",
            MuteField::Reason,
            &d.reason,
            "why this risk is accepted (required)",
        ),
        input(
            "Expires",
            MuteField::Expires,
            &d.expires,
            "YYYY-MM-DD (optional)",
        ),
    ];
    let radio = |on: bool, text: &str| -> Vec<Span<'static>> {
        vec![
            Span::styled(if on { "(•) " } else { "( ) " }, t[Token::Accent]),
            Span::styled(
                format!("{text}   "),
                if on { t[Token::Text] } else { t[Token::Dim] },
            ),
        ]
    };
    let mut scope = field("Scope", MuteField::Scope);
    if d.resource.is_some() {
        scope.extend(radio(!d.everywhere, "this resource"));
    }
    scope.extend(radio(d.everywhere, "the check everywhere"));
    lines.push(Line::from(scope));
    lines.push(Line::default());
    // Inside the dialog: the footer under it shows the dialog's keys.
    if let Some(problem) = &d.problem {
        lines.push(Line::from(Span::styled(
            fit(&format!("⚠ not muted yet: {problem}"), inner_w),
            t[Token::Warning],
        )));
    }
    let saved_to = match &state.mutes_file {
        Some(f) => format!("saved to {}", f.path.display()),
        None => "for this session only (no mutes file)".to_string(),
    };
    lines.push(Line::from(Span::styled(
        fit(&saved_to, inner_w),
        t[Token::Dim],
    )));
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t[Token::Accent])
        .title(Span::styled(
            fit(&format!(" Mute {} ", d.check_id), inner_w),
            t[Token::Accent],
        ))
        .style(t[Token::Background]);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(block.padding(ratatui::widgets::Padding::horizontal(1))),
        rect,
    );
}

fn confirm_overwrite(frame: &mut Frame, area: Rect, state: &State, path: &std::path::Path) {
    let t = &state.theme;
    let shown = path.display().to_string();
    let w = (width(&shown) + 6).clamp(40, 76) as u16;
    let rect = centered(area, w, 7);
    let inner_w = usize::from(rect.width.saturating_sub(4));
    let lines = vec![
        Line::from(Span::styled("This file already exists:", t[Token::Text])),
        Line::from(Span::styled(fit(&shown, inner_w), t[Token::Accent])),
        Line::default(),
        Line::from(vec![
            Span::styled("Overwrite it?  ", t[Token::Text]),
            Span::styled("y", t[Token::Key]),
            Span::styled(" yes   ", t[Token::Dim]),
            Span::styled("n", t[Token::Key]),
            Span::styled(" no", t[Token::Dim]),
        ]),
    ];
    let block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(t[Token::Warning])
        .title(Span::styled(" Export snapshot ", t[Token::Warning]))
        .style(t[Token::Background]);
    frame.render_widget(Clear, rect);
    frame.render_widget(
        Paragraph::new(lines).block(block.padding(ratatui::widgets::Padding::horizontal(1))),
        rect,
    );
}
