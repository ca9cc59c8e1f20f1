//! Overview: the score and grade (big), coverage, who is scanned, a tile per category with
//! its score and failing counts by severity, the collection state and the top fixes.
//! Wide terminals get tiles and a collection table; 80×24 gets a compact category table.

use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::status_strip::short;
use super::widgets::panel;
use super::widgets::{
    Col, ago, bar, col_widths, fit, grade_token, row_line, severity_token, status_span, timestamp,
    width, wrap_items,
};
use super::{bigtext, list};
use crate::app::derive::area_of_check;
use crate::app::state::{SourceKind, State};
use crate::app::theme::{Theme, Token};
use crate::domain::collection::CollectionState;
use crate::domain::finding::{Category, Severity, Status};
use crate::domain::score::grade;

/// Per-category numbers for tiles and the table.
struct CategoryStats {
    category: Category,
    score: Option<u32>,
    failing: [usize; 4],
    checks_failing: usize,
    checks: usize,
    /// Some of its checks wait for a poll area that has not reported yet.
    loading: bool,
}

fn category_stats(state: &State) -> Vec<CategoryStats> {
    Category::ALL
        .iter()
        .map(|&category| {
            let mut failing = [0usize; 4];
            let mut checks_failing = 0;
            let mut checks = 0;
            let mut loading = false;
            for row in state
                .derived
                .checks
                .iter()
                .filter(|c| c.category == category)
            {
                if row.counts.total() > 0 {
                    checks += 1;
                } else if area_of_check(&row.id).is_some_and(|a| state.area_pending(a)) {
                    loading = true;
                }
                if row.status == Status::Fail {
                    checks_failing += 1;
                }
                for &i in &row.findings {
                    let f = &state.assessment.findings[i];
                    if f.shown() == Status::Fail {
                        failing[sev_index(f.severity)] += 1;
                    }
                }
            }
            CategoryStats {
                category,
                score: state
                    .derived
                    .score
                    .categories
                    .get(&category)
                    .copied()
                    .flatten(),
                failing,
                checks_failing,
                checks,
                loading,
            }
        })
        .collect()
}

fn sev_index(s: Severity) -> usize {
    Severity::ALL.iter().position(|x| *x == s).unwrap_or(3)
}

/// Draws the banner of a source that cannot run, when there is one, and returns the rest.
pub fn fatal_banner(frame: &mut Frame, area: Rect, state: &State) -> Rect {
    let Some(fatal) = &state.fatal else {
        return area;
    };
    let [banner, rest] = Layout::vertical([Constraint::Length(4), Constraint::Min(0)]).areas(area);
    draw_fatal(frame, banner, state, &fatal.message, &fatal.hint);
    rest
}

pub fn draw(frame: &mut Frame, area: Rect, state: &State) {
    let area = fatal_banner(frame, area, state);
    if area.width >= 100 && area.height >= 30 {
        draw_wide(frame, area, state);
    } else {
        draw_compact(frame, area, state);
    }
}

fn draw_fatal(frame: &mut Frame, area: Rect, state: &State, message: &str, hint: &str) {
    let t = &state.theme;
    let block = panel(" ✘ cannot collect ", true, t)
        .border_style(t[Token::Error])
        .padding(ratatui::widgets::Padding::horizontal(1));
    let lines = vec![
        Line::from(Span::styled(message.to_string(), t[Token::Error])),
        Line::from(Span::styled(hint.to_string(), t[Token::Text])),
    ];
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(ratatui::widgets::Wrap { trim: true }),
        area,
    );
}

fn draw_compact(frame: &mut Frame, area: Rect, state: &State) {
    let [left, right] =
        Layout::horizontal([Constraint::Length(28), Constraint::Min(0)]).areas(area);
    let [score, account] =
        Layout::vertical([Constraint::Length(10), Constraint::Min(0)]).areas(left);
    let [cats, fixes] = Layout::vertical([Constraint::Length(14), Constraint::Min(0)]).areas(right);
    draw_score(frame, score, state);
    draw_account(frame, account, state);
    draw_category_table(frame, cats, state);
    draw_top_fixes(frame, fixes, state);
}

fn draw_wide(frame: &mut Frame, area: Rect, state: &State) {
    // Room for every (area, region) of the collection box, within reason.
    let top_h = (state.collection.len() as u16 + 2).clamp(10, 12);
    let [top, tiles, bottom] = Layout::vertical([
        Constraint::Length(top_h),
        Constraint::Length(15),
        Constraint::Min(0),
    ])
    .areas(area);
    let [score, account, collection] = Layout::horizontal([
        Constraint::Length(30),
        Constraint::Min(0),
        Constraint::Length(46),
    ])
    .areas(top);
    draw_score(frame, score, state);
    draw_account(frame, account, state);
    draw_collection(frame, collection, state);
    draw_tiles(frame, tiles, state);
    draw_top_fixes(frame, bottom, state);
}

fn draw_score(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let s = &state.derived.score;
    let block = panel(" Score ", false, t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let style = t[grade_token(s.grade)];
    let (num, letter) = match (s.overall, s.grade) {
        (Some(n), Some(g)) => (n.to_string(), g.to_string()),
        _ => ("--".to_string(), String::new()),
    };
    let big_num = bigtext::render(&num);
    let big_grade = bigtext::render(&letter);
    let inner_w = usize::from(inner.width);
    let mut lines: Vec<Line> = Vec::new();
    let block_w = bigtext::width(&num) + 3 + bigtext::width(&letter);
    let indent = " ".repeat(inner_w.saturating_sub(block_w) / 2);
    for i in 0..3 {
        lines.push(Line::from(vec![
            Span::raw(indent.clone()),
            Span::styled(big_num[i].clone(), style),
            Span::raw("   "),
            Span::styled(big_grade[i].clone(), style),
        ]));
    }
    let caption = match s.overall {
        Some(n) => format!("{n}/100 · grade {}", grade(n)),
        None => "no decided checks yet".to_string(),
    };
    lines.push(Line::from(Span::styled(
        format!(
            "{}{caption}",
            " ".repeat(inner_w.saturating_sub(width(&caption)) / 2)
        ),
        t[Token::Dim],
    )));
    let bar_w = inner_w.saturating_sub(2);
    let (full, empty) = bar(s.overall.unwrap_or(0), bar_w);
    lines.push(Line::from(vec![
        Span::raw(" "),
        Span::styled(full, style),
        Span::styled(empty, t[Token::Dim]),
    ]));
    let c = &s.coverage;
    lines.push(Line::from(vec![
        Span::styled(" coverage ", t[Token::Dim]),
        Span::styled(format!("{}%", c.percent), t[Token::Text]),
    ]));
    lines.push(Line::from(vec![
        Span::styled(
            format!(" {} unknown", c.unknown),
            if c.unknown > 0 {
                t[Token::Unknown]
            } else {
                t[Token::Dim]
            },
        ),
        Span::styled(" · ", t[Token::Dim]),
        Span::styled(format!("{} muted", c.muted), t[Token::Muted]),
    ]));
    lines.push(Line::from(vec![
        Span::raw(" "),
        Span::styled(format!("✘ {} fail", c.fail), t[Token::Fail]),
        Span::styled(" · ", t[Token::Dim]),
        Span::styled(format!("✔ {} pass", c.pass), t[Token::Pass]),
    ]));
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_account(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let block = panel(" Account ", false, t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let id = &state.identity;
    let w = usize::from(inner.width).saturating_sub(10);
    let field = |label: &str, value: String, token: Token| {
        Line::from(vec![
            Span::styled(format!(" {label:<8} "), t[Token::Dim]),
            Span::styled(fit(&value, w), t[token]),
        ])
    };
    let source = match &state.source {
        SourceKind::Demo => "demo (embedded)".to_string(),
        SourceKind::Live { endpoint_url: None } => "AWS (live)".to_string(),
        SourceKind::Live {
            endpoint_url: Some(url),
        } => format!("live via {url}"),
        SourceKind::Snapshot { path, .. } => path.file_name().map_or_else(
            || path.display().to_string(),
            |f| f.to_string_lossy().into_owned(),
        ),
    };
    let mut lines = vec![
        field(
            "account",
            if id.account_id.is_empty() {
                "waiting…".into()
            } else {
                id.account_id.clone()
            },
            Token::Text,
        ),
        field(
            "profile",
            id.profile.clone().unwrap_or_else(|| "—".into()),
            Token::Text,
        ),
    ];
    let region_rows = if id.regions.is_empty() {
        vec!["—".to_string()]
    } else {
        wrap_items(&id.regions, w, 2)
    };
    for (i, r) in region_rows.into_iter().enumerate() {
        lines.push(field(if i == 0 { "regions" } else { "" }, r, Token::Text));
    }
    lines.push(field("source", source, Token::Text));
    if let SourceKind::Snapshot { generated_at, .. } = &state.source {
        lines.push(field("taken", timestamp(*generated_at), Token::Text));
    }
    let checks_failing = state
        .derived
        .checks
        .iter()
        .filter(|c| c.status == Status::Fail)
        .count();
    let checks_run = state
        .derived
        .checks
        .iter()
        .filter(|c| c.counts.total() > 0)
        .count();
    lines.push(field(
        "checks",
        format!("{checks_failing}/{checks_run} failing"),
        if checks_failing > 0 {
            Token::Fail
        } else {
            Token::Pass
        },
    ));
    if let Some(r) = &state.region {
        lines.push(field("view", format!("{r} only"), Token::Warning));
    }
    let mut kinds: Vec<(&str, usize)> = Vec::new();
    for r in &state.derived.resources {
        match kinds.iter_mut().find(|(k, _)| *k == r.kind.label()) {
            Some((_, n)) => *n += 1,
            None => kinds.push((r.kind.label(), 1)),
        }
    }
    kinds.sort();
    let kinds: Vec<String> = kinds
        .iter()
        .map(|(k, n)| match *n {
            1 => format!("{n} {k}"),
            // "event bus" → "event buses"
            _ if k.ends_with('s') => format!("{n} {k}es"),
            _ => format!("{n} {k}s"),
        })
        .collect();
    if kinds.is_empty() {
        lines.push(field("scanned", "nothing yet".into(), Token::Dim));
    } else {
        let room = usize::from(inner.height).saturating_sub(lines.len());
        for (i, r) in wrap_items(&kinds, w, room).into_iter().enumerate() {
            lines.push(field(if i == 0 { "scanned" } else { "" }, r, Token::Text));
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// A count under a severity header; zero is a dim `·`.
fn count_cell(n: usize, sev: Severity, t: &Theme) -> (String, ratatui::style::Style, bool) {
    if n == 0 {
        ("·".into(), t[Token::Dim], true)
    } else {
        (n.to_string(), t[severity_token(sev)], true)
    }
}

fn draw_category_table(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let block = panel(" Categories ", true, t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if inner.height == 0 {
        return;
    }
    let cols = [
        Col::Fixed(2),
        Col::Fill,
        Col::Fixed(5),
        Col::Fixed(4),
        Col::Fixed(4),
        Col::Fixed(3),
        Col::Fixed(3),
    ];
    let widths = col_widths(&cols, usize::from(inner.width).saturating_sub(2));
    let [head, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(inner);
    let h = t[Token::Header];
    let header = row_line(
        vec![
            ("#".into(), h, false),
            ("CATEGORY".into(), h, false),
            ("SCORE".into(), h, false),
            ("crit".into(), h, true),
            ("high".into(), h, true),
            ("med".into(), h, true),
            ("low".into(), h, true),
        ],
        &widths,
    );
    let mut head_line = header;
    head_line.spans.insert(0, Span::raw("  "));
    frame.render_widget(Paragraph::new(head_line), head);
    let stats = category_stats(state);
    let range = list::window(
        stats.len(),
        state.overview_selected,
        usize::from(body.height),
        &state.viewport.overview_offset,
    );
    let lines: Vec<Line<'static>> = stats[range.clone()]
        .iter()
        .enumerate()
        .map(|(i, c)| {
            let n = range.start + i + 1;
            let (score_text, score_style) = match c.score {
                Some(s) => (
                    format!("{s:>3} {}", grade(s)),
                    t[grade_token(Some(grade(s)))],
                ),
                None => ("  —".into(), t[Token::Dim]),
            };
            let mut cells = vec![
                (
                    if n <= 9 { n.to_string() } else { " ".into() },
                    t[Token::Key],
                    false,
                ),
                (c.category.title().to_string(), t[Token::Text], false),
                (score_text, score_style, false),
            ];
            for (k, sev) in Severity::ALL.iter().enumerate() {
                cells.push(count_cell(c.failing[k], *sev, t));
            }
            row_line(cells, &widths)
        })
        .collect();
    let selected = state.overview_selected.checked_sub(range.start);
    list::draw_rows(frame, body, lines, selected, t);
}

fn draw_tiles(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let stats = category_stats(state);
    let per_row = 4;
    let rows = stats.len().div_ceil(per_row);
    let row_areas = Layout::vertical(vec![Constraint::Length(5); rows]).split(area);
    for (r, row_area) in row_areas.iter().enumerate() {
        let cells = Layout::horizontal(vec![Constraint::Ratio(1, per_row as u32); per_row])
            .split(*row_area);
        for c in 0..per_row {
            let i = r * per_row + c;
            let Some(s) = stats.get(i) else { continue };
            let selected = i == state.overview_selected;
            let num = if i < 9 {
                format!("{} ", i + 1)
            } else {
                String::new()
            };
            let marker = if selected { "▶ " } else { "" };
            let title_style = if selected {
                t[Token::Selection].patch(t[Token::Title])
            } else {
                t[Token::Title]
            };
            let block = panel("", selected, t).title(Line::from(vec![
                Span::raw(" "),
                Span::styled(
                    fit(
                        &format!("{marker}{num}{}", s.category.title()),
                        usize::from(cells[c].width).saturating_sub(4),
                    ),
                    title_style,
                ),
                Span::raw(" "),
            ]));
            let inner = block.inner(cells[c]);
            frame.render_widget(block, cells[c]);
            let iw = usize::from(inner.width);
            let style = t[grade_token(s.score.map(grade))];
            let score_text = match s.score {
                Some(v) => format!("{v:>3} {}", grade(v)),
                None => "  — n/a".into(),
            };
            let (full, empty) = bar(s.score.unwrap_or(0), iw.saturating_sub(9).min(20));
            let mut lines = vec![Line::from(vec![
                Span::styled(format!(" {score_text}  "), style),
                Span::styled(full, style),
                Span::styled(empty, t[Token::Dim]),
            ])];
            let words = |short: bool| -> Vec<Span<'static>> {
                Severity::ALL
                    .iter()
                    .enumerate()
                    .filter(|(k, _)| s.failing[*k] > 0)
                    .map(|(k, sev)| {
                        let word = if short {
                            &sev.as_str()[..sev.as_str().len().min(4)]
                        } else {
                            sev.as_str()
                        };
                        let word = if short && *sev == Severity::Medium {
                            "med"
                        } else {
                            word
                        };
                        let gap = if short { " " } else { "  " };
                        Span::styled(
                            format!("{} {word}{gap}", s.failing[k]),
                            t[severity_token(*sev)],
                        )
                    })
                    .collect()
            };
            let mut failing = words(false);
            if failing.iter().map(|x| width(&x.content)).sum::<usize>() + 3 > iw {
                failing = words(true);
            }
            if failing.is_empty() {
                let (text, token) = if s.loading {
                    (" ⟳ loading…", Token::StatusRunning)
                } else if s.checks == 0 {
                    (" no resources in scope", Token::Dim)
                } else {
                    (" ✔ nothing failing", Token::Pass)
                };
                lines.push(Line::from(Span::styled(text, t[token])));
            } else {
                let mut spans = vec![Span::styled(" ✘ ", t[Token::Fail])];
                spans.extend(failing);
                lines.push(Line::from(spans));
            }
            lines.push(Line::from(Span::styled(
                format!(" {} of {} checks failing", s.checks_failing, s.checks),
                t[Token::Dim],
            )));
            frame.render_widget(Paragraph::new(lines), inner);
        }
    }
}

fn draw_collection(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let block = panel(" Collection ", false, t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let widths = col_widths(
        &[Col::Fixed(10), Col::Fixed(12), Col::Fill],
        usize::from(inner.width).saturating_sub(1),
    );
    let mut lines = Vec::new();
    if state.collection.is_empty() {
        let text = match &state.waiting {
            Some(what) => format!(" waiting for {what}…"),
            None => " waiting for the first batch…".to_string(),
        };
        lines.push(Line::from(Span::styled(text, t[Token::Dim])));
    }
    for ((area, region), s) in &state.collection {
        let (text, token) = match s.status.status {
            CollectionState::Pending => ("· waiting".to_string(), Token::Dim),
            CollectionState::Running => (
                format!("⟳ {}%", s.status.progress.unwrap_or(0)),
                Token::StatusRunning,
            ),
            CollectionState::Ok => {
                let when = match (&state.source, s.last_success, s.status.duration_ms) {
                    (SourceKind::Demo | SourceKind::Live { .. }, Some(ts), _) => ago(ts, state.now),
                    (_, _, Some(ms)) if ms > 0 => format!("in {:.1}s", ms as f64 / 1000.0),
                    _ => "ok".to_string(),
                };
                (format!("✔ {when}"), Token::StatusOk)
            }
            CollectionState::Partial => (
                format!("◐ {}", short(&s.status.error, "partial")),
                Token::Warning,
            ),
            CollectionState::Failed => (
                format!("! {}", short(&s.status.error, "failed")),
                Token::StatusError,
            ),
        };
        let mut line = row_line(
            vec![
                (area.as_str().to_string(), t[Token::Text], false),
                (region.clone(), t[Token::Dim], false),
                (text, t[token], false),
            ],
            &widths,
        );
        line.spans.insert(0, Span::raw(" "));
        lines.push(line);
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

fn draw_top_fixes(frame: &mut Frame, area: Rect, state: &State) {
    let t = &state.theme;
    let block = panel(" Fix first (score points to gain) ", false, t);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let mut rows: Vec<&crate::app::derive::CheckRow> = state
        .derived
        .checks
        .iter()
        .filter(|c| c.impact > 0.0)
        .collect();
    rows.sort_by(|a, b| {
        b.impact
            .total_cmp(&a.impact)
            .then(a.severity.cmp(&b.severity))
    });
    let wide = inner.width >= 100;
    let cols: Vec<Col> = if wide {
        vec![
            Col::Fixed(6),
            Col::Fixed(8),
            Col::Fixed(8),
            Col::Fill,
            Col::Fixed(38),
        ]
    } else {
        vec![Col::Fixed(6), Col::Fixed(8), Col::Fill, Col::Fixed(7)]
    };
    let widths = col_widths(&cols, usize::from(inner.width).saturating_sub(1));
    let mut lines: Vec<Line> = rows
        .iter()
        .take(usize::from(inner.height))
        .map(|c| {
            let mut cells = vec![
                (format!("+{:.1}", c.impact), t[Token::Accent], true),
                (
                    c.severity.as_str().to_string(),
                    t[severity_token(c.severity)],
                    false,
                ),
            ];
            if wide {
                let s = status_span(c.status, t);
                cells.push((s.content.to_string(), s.style, false));
                cells.push((c.title.clone(), t[Token::Text], false));
                cells.push((c.id.clone(), t[Token::Dim], false));
            } else {
                cells.push((c.title.clone(), t[Token::Text], false));
                cells.push((
                    format!("{}/{}", c.counts.fail, c.counts.total()),
                    t[Token::Fail],
                    true,
                ));
            }
            let mut line = row_line(cells, &widths);
            line.spans.insert(0, Span::raw(" "));
            line
        })
        .collect();
    if lines.is_empty() {
        let text = if state.fatal.is_some() {
            " nothing collected (see above)"
        } else if state.assessment.findings.is_empty() {
            " collecting…"
        } else {
            " ✔ nothing failing: every decided check passes"
        };
        lines.push(Line::from(Span::styled(text, t[Token::Pass])));
    }
    frame.render_widget(Paragraph::new(lines), inner);
}
