//! The bottom row: the open prompt, else the latest message, else key hints from the keymap.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::widgets::{fit, width};
use crate::app::state::{Level, LineInput, Prompt, State};
use crate::app::theme::{Theme, Token};

/// The most rows an error may take: a long one (a save error with its path) wraps instead
/// of being cut off. Information and warnings stay on one row (the help screen keeps every
/// message whole).
pub const MAX_MESSAGE_ROWS: u16 = 3;

/// The rows the footer needs at `width`: one, or what the shown error wraps to.
pub fn height(state: &State, width: u16) -> u16 {
    match (&state.prompt, &state.toast) {
        (None, Some(toast)) if toast.message.level == Level::Error => {
            let text = message_text(toast.message.level, &toast.message.text);
            rows(&text, usize::from(width)).len() as u16
        }
        _ => 1,
    }
}

/// `text` cut into rows of at most `w` cells, at most [`MAX_MESSAGE_ROWS`]; the last ends in
/// `…` when there was more.
fn rows(text: &str, w: usize) -> Vec<String> {
    let w = w.max(2);
    let mut rows = vec![String::new()];
    let mut used = 0;
    for c in text.chars() {
        let cw = width(c.encode_utf8(&mut [0; 4]));
        if used + cw > w {
            rows.push(String::new());
            used = 0;
        }
        rows.last_mut().expect("one row at least").push(c);
        used += cw;
    }
    if rows.len() > usize::from(MAX_MESSAGE_ROWS) {
        rows.truncate(usize::from(MAX_MESSAGE_ROWS));
        let last = rows.last_mut().expect("one row at least");
        let kept: String = last.chars().take(last.chars().count() - 1).collect();
        *last = format!("{kept}…");
    }
    rows
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let w = usize::from(area.width);
    if let (None, Some(toast)) = (&state.prompt, &state.toast)
        && area.height > 1
    {
        let text = message_text(toast.message.level, &toast.message.text);
        let style = t[level_token(toast.message.level)];
        let lines: Vec<Line> = rows(&text, w)
            .into_iter()
            .map(|r| Line::from(Span::styled(r, style)))
            .collect();
        frame.render_widget(Paragraph::new(lines), area);
        return;
    }
    let line = match &state.prompt {
        Some(Prompt::Filter { input, .. }) => input_line("/", input, "", w, t),
        Some(Prompt::Command { input }) => input_line(":", input, "", w, t),
        Some(Prompt::Mute(d)) => {
            let mut keys = vec![("tab", "next field"), ("enter", "mute"), ("esc", "cancel")];
            if d.resource.is_some() {
                keys.insert(1, ("space", "scope"));
            }
            let mut spans = vec![Span::raw(" ")];
            for (k, what) in keys {
                spans.push(Span::styled(format!("<{k}>"), t[Token::Key]));
                spans.push(Span::styled(format!(" {what}  "), t[Token::Dim]));
            }
            Line::from(spans)
        }
        Some(Prompt::ConfirmOverwrite { .. }) => Line::from(vec![
            Span::styled(" file exists: overwrite? ", t[Token::Warning]),
            Span::styled("y", t[Token::Key]),
            Span::styled("/", t[Token::Dim]),
            Span::styled("n", t[Token::Key]),
        ]),
        None => match &state.toast {
            Some(toast) => message_line(toast.message.level, &toast.message.text, w, t),
            None => hints(state, w),
        },
    };
    frame.render_widget(Paragraph::new(line), area);
}

pub fn level_token(level: Level) -> Token {
    match level {
        Level::Info => Token::Info,
        Level::Warning => Token::Warning,
        Level::Error => Token::Error,
    }
}

pub fn level_glyph(level: Level) -> &'static str {
    match level {
        Level::Info => "›",
        Level::Warning => "⚠",
        Level::Error => "✘",
    }
}

fn message_text(level: Level, text: &str) -> String {
    format!(" {} {text}", level_glyph(level))
}

fn message_line(level: Level, text: &str, w: usize, t: &Theme) -> Line<'static> {
    let text = fit(&message_text(level, text), w);
    Line::from(Span::styled(text, t[level_token(level)]))
}

/// A prompt with its text; the cell under the cursor is reverse video (visible in mono too).
pub(super) fn input_line(
    prefix: &str,
    input: &LineInput,
    suffix: &str,
    w: usize,
    t: &Theme,
) -> Line<'static> {
    let prefix = format!(" {prefix}");
    let room = w.saturating_sub(width(&prefix) + 1).max(1);
    let chars: Vec<char> = input.text.chars().collect();
    // Keep the cursor in view when the text is longer than the room.
    let start = input.cursor.saturating_sub(room.saturating_sub(1));
    let before: String = chars[start..input.cursor.min(chars.len())].iter().collect();
    let at: String = chars
        .get(input.cursor)
        .map_or(" ".into(), |c| c.to_string());
    let after: String = chars.iter().skip(input.cursor + 1).collect();
    let mut spans = vec![
        Span::styled(prefix, t[Token::Accent]),
        Span::styled(before, t[Token::Text]),
        Span::styled(at, t[Token::Text].add_modifier(Modifier::REVERSED)),
        Span::styled(after, t[Token::Text]),
    ];
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    if used + width(suffix) <= w {
        spans.push(Span::styled(suffix.to_string(), t[Token::Dim]));
    }
    Line::from(spans)
}

fn hints(state: &State, w: usize) -> Line<'static> {
    let t = &state.theme;
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    let at_root = state.stack.len() <= 1;
    for (key, hint) in state.keymap.footer(state.scope()) {
        if at_root && hint == "back" {
            continue;
        }
        let k = format!("<{key}>");
        let piece = width(&k) + 1 + width(hint) + 2;
        if used + piece > w {
            break;
        }
        used += piece;
        spans.push(Span::styled(k, t[Token::Key]));
        spans.push(Span::styled(format!(" {hint}  "), t[Token::Dim]));
    }
    Line::from(spans)
}
