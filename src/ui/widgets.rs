//! Small shared pieces: status and severity labels (glyph + word, never colour alone),
//! column layout, truncation, wrapping, relative times.

use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType};
use time::OffsetDateTime;

use crate::app::theme::{Theme, Token};
use crate::domain::finding::{Severity, Status};

pub fn status_token(status: Status) -> Token {
    match status {
        Status::Pass => Token::Pass,
        Status::Fail => Token::Fail,
        Status::Unknown => Token::Unknown,
        Status::Muted | Status::NotApplicable => Token::Muted,
    }
}

/// `✘ FAIL` in the theme's fail style.
pub fn status_span(status: Status, theme: &Theme) -> Span<'static> {
    Span::styled(status.label(), theme[status_token(status)])
}

pub fn severity_token(sev: Severity) -> Token {
    match sev {
        Severity::Critical => Token::SeverityCritical,
        Severity::High => Token::SeverityHigh,
        Severity::Medium => Token::SeverityMedium,
        Severity::Low => Token::SeverityLow,
    }
}

pub fn severity_span(sev: Severity, theme: &Theme) -> Span<'static> {
    Span::styled(sev.as_str(), theme[severity_token(sev)])
}

pub fn grade_token(grade: Option<char>) -> Token {
    match grade {
        Some('A') => Token::ScoreA,
        Some('B') => Token::ScoreB,
        Some('C') => Token::ScoreC,
        Some('D') => Token::ScoreD,
        Some(_) => Token::ScoreF,
        None => Token::Dim,
    }
}

/// Display width of a string, counting every char as one cell (our glyphs are narrow).
pub fn width(s: &str) -> usize {
    s.chars().count()
}

/// Cuts `s` to `w` cells, ending with `…` when cut.
pub fn fit(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(w - 1).collect();
    out.push('…');
    out
}

/// Pads (or cuts) to exactly `w` cells.
pub fn pad(s: &str, w: usize, right: bool) -> String {
    let s = fit(s, w);
    let n = w.saturating_sub(width(&s));
    if right {
        format!("{}{s}", " ".repeat(n))
    } else {
        format!("{s}{}", " ".repeat(n))
    }
}

/// A column: fixed width, or a share of what is left.
#[derive(Clone, Copy, Debug)]
pub enum Col {
    Fixed(usize),
    Fill,
}

/// Widths for `cols` in `total` cells with one space between columns.
pub fn col_widths(cols: &[Col], total: usize) -> Vec<usize> {
    let gaps = cols.len().saturating_sub(1);
    let fixed: usize = cols
        .iter()
        .map(|c| match c {
            Col::Fixed(w) => *w,
            Col::Fill => 0,
        })
        .sum();
    let fills = cols
        .iter()
        .filter(|c| matches!(c, Col::Fill))
        .count()
        .max(1);
    let rest = total.saturating_sub(fixed + gaps);
    cols.iter()
        .enumerate()
        .map(|(i, c)| match c {
            Col::Fixed(w) => *w,
            Col::Fill => {
                // The first fill column gets the remainder.
                let first_fill = cols.iter().position(|c| matches!(c, Col::Fill)) == Some(i);
                rest / fills + if first_fill { rest % fills } else { 0 }
            }
        })
        .collect()
}

/// One table row: each cell padded/cut to its width (right-aligned where asked), keeping the
/// cell's style.
pub fn row_line(cells: Vec<(String, Style, bool)>, widths: &[usize]) -> Line<'static> {
    let mut spans = Vec::with_capacity(cells.len() * 2);
    for (i, ((text, style, right), w)) in cells.into_iter().zip(widths).enumerate() {
        if i > 0 {
            spans.push(Span::raw(" "));
        }
        spans.push(Span::styled(pad(&text, *w, right), style));
    }
    Line::from(spans)
}

/// `12s ago`, `3m ago`, `2h ago`, `4d ago`.
pub fn ago(then: OffsetDateTime, now: OffsetDateTime) -> String {
    let s = (now - then).whole_seconds().max(0);
    match s {
        0..=59 => format!("{s}s ago"),
        60..=3599 => format!("{}m ago", s / 60),
        3600..=86_399 => format!("{}h ago", s / 3600),
        _ => format!("{}d ago", s / 86_400),
    }
}

/// `2026-03-01 14:05 UTC`.
pub fn timestamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(time::UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02} {:02}:{:02} UTC",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute()
    )
}

/// A horizontal bar of `w` cells filled to `percent`.
pub fn bar(percent: u32, w: usize) -> (String, String) {
    let filled = ((percent.min(100) as usize) * w + 50) / 100;
    ("█".repeat(filled), "░".repeat(w - filled))
}

/// Word-wraps prose to `w` cells; words longer than a line are cut hard.
pub fn wrap_words(text: &str, w: usize) -> Vec<String> {
    let w = w.max(1);
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        for word in para.split_whitespace() {
            let mut word = word.to_string();
            while width(&word) > w {
                if !line.is_empty() {
                    out.push(std::mem::take(&mut line));
                }
                let head: String = word.chars().take(w).collect();
                word = word.chars().skip(w).collect();
                out.push(head);
            }
            if line.is_empty() {
                line = word;
            } else if width(&line) + 1 + width(&word) <= w {
                line.push(' ');
                line.push_str(&word);
            } else {
                out.push(std::mem::replace(&mut line, word));
            }
        }
        out.push(line);
    }
    out
}

/// Joins items with ` · ` into lines of at most `w` cells, at most `max_lines` lines (the
/// last line takes the rest and is cut with `…`).
pub fn wrap_items(items: &[String], w: usize, max_lines: usize) -> Vec<String> {
    let mut rows: Vec<String> = Vec::new();
    for item in items {
        match rows.last_mut() {
            Some(last) if width(last) + 3 + width(item) <= w => {
                last.push_str(" · ");
                last.push_str(item);
            }
            _ => rows.push(item.clone()),
        }
    }
    let max_lines = max_lines.max(1);
    if rows.len() > max_lines {
        let tail = rows.split_off(max_lines - 1).join(" · ");
        rows.push(tail);
    }
    rows.into_iter().map(|r| fit(&r, w)).collect()
}

/// Hard-wraps code (CLI, Terraform) at `w` cells, keeping indentation; continuation lines
/// are marked with `↪ ` so a reader knows they are one line.
pub fn wrap_code(text: &str, w: usize) -> Vec<String> {
    let w = w.max(4);
    let mut out = Vec::new();
    for line in text.lines() {
        let chars: Vec<char> = line.chars().collect();
        if chars.len() <= w {
            out.push(line.to_string());
            continue;
        }
        out.push(chars[..w].iter().collect());
        let mut rest = &chars[w..];
        while !rest.is_empty() {
            let take = rest.len().min(w - 2);
            out.push(format!("↪ {}", rest[..take].iter().collect::<String>()));
            rest = &rest[take..];
        }
    }
    out
}

/// A bordered box in the theme's border style (focused boxes use `border_focus`).
pub fn panel<'a>(title: &'a str, focused: bool, t: &Theme) -> Block<'a> {
    let mut block = Block::bordered()
        .border_type(BorderType::Rounded)
        .border_style(if focused {
            t[Token::BorderFocus]
        } else {
            t[Token::Border]
        });
    if !title.is_empty() {
        block = block.title(Span::styled(title, t[Token::Title]));
    }
    block
}

#[cfg(test)]
mod tests;
