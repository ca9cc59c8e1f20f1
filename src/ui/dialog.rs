//! Modal dialogs drawn over the screen (confirm overwrite).

use ratatui::Frame;
use ratatui::layout::{Constraint, Flex, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Clear, Paragraph};

use super::widgets::{fit, width};
use crate::app::state::{Prompt, State};
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
    let Some(Prompt::ConfirmOverwrite { path }) = &state.prompt else {
        return;
    };
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
