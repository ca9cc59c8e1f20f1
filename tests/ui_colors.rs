//! Colour checks on the rendered buffer: states use their theme token's style (and never
//! colour alone), the selection is reverse video plus `▶` in mono, and mono emits no colour.

use crate::ui_support::*;
use parapet::app::state::{State, StateOptions};
use parapet::app::theme::{ThemeSet, Token};
use ratatui::buffer::Buffer;
use ratatui::style::{Color, Modifier};

/// (x, y) of the first occurrence of `needle` on screen.
fn find(buf: &Buffer, needle: &str) -> Option<(u16, u16)> {
    for y in 0..buf.area.height {
        let row: Vec<String> = (0..buf.area.width)
            .map(|x| buf[(x, y)].symbol().to_string())
            .collect();
        let line: String = row.concat();
        if let Some(byte) = line.find(needle) {
            let x = line[..byte].chars().count() as u16;
            return Some((x, y));
        }
    }
    None
}

fn themed(theme: &str) -> State {
    let mut s = State::new(
        NOW,
        StateOptions {
            theme: Some(theme.into()),
            ..options()
        },
    );
    feed_demo(&mut s);
    s.toast = None;
    s
}

#[test]
fn fail_pass_and_severity_cells_use_their_tokens() {
    let mut s = themed("dark");
    press(&mut s, "<tab><enter>");
    let buf = render(&s, 120, 40);
    let dark = ThemeSet::built_in().resolve("dark").unwrap();
    let (x, y) = find(&buf, "✘ FAIL").expect("a failing row");
    assert_eq!(buf[(x, y)].fg, dark[Token::Fail].fg.unwrap());
    assert!(buf[(x, y)].modifier.contains(Modifier::BOLD));
    assert_eq!(dark[Token::Fail].fg, Some(Color::Indexed(203)));
    let (x, y) = find(&buf, "✔ PASS").expect("a passing row");
    assert_eq!(buf[(x, y)].fg, Color::Indexed(114));
    let (x, y) = find(&buf, "? UNKNOWN").expect("an unknown row");
    assert_eq!(buf[(x, y)].fg, dark[Token::Unknown].fg.unwrap());
    let (x, y) = find(&buf, "critical").expect("a severity word");
    assert_eq!(buf[(x, y)].fg, dark[Token::SeverityCritical].fg.unwrap());
}

#[test]
fn the_selected_row_is_marked_and_highlighted() {
    let mut s = themed("dark");
    press(&mut s, "<tab>");
    let buf = render(&s, 80, 24);
    let (x, y) = find(&buf, "▶ ✘ FAIL").expect("the selected row");
    for cx in x..x + 40 {
        assert_eq!(
            buf[(cx, y)].bg,
            Color::Indexed(237),
            "selection background at {cx}"
        );
        assert!(buf[(cx, y)].modifier.contains(Modifier::BOLD));
    }
    // The status keeps its own colour inside the selection.
    assert_eq!(buf[(x + 2, y)].fg, Color::Indexed(203));
    // Other rows are not highlighted.
    assert_eq!(buf[(x + 2, y + 1)].bg, Color::Reset);
}

#[test]
fn mono_has_no_colour_at_all_and_reverses_the_selection() {
    for script in [
        "",
        "<tab>",
        "<tab><enter>",
        "<tab><enter><tab>",
        "<tab><tab>",
        "<tab><tab><enter>",
        "?",
        ":x",
        "<tab>/sec",
    ] {
        let mut s = themed("mono");
        press(&mut s, script);
        for (w, h) in [(80, 24), (120, 40)] {
            let buf = render(&s, w, h);
            for cell in buf.content() {
                assert_eq!(
                    cell.fg,
                    Color::Reset,
                    "script {script:?}: fg on {:?}",
                    cell.symbol()
                );
                assert_eq!(
                    cell.bg,
                    Color::Reset,
                    "script {script:?}: bg on {:?}",
                    cell.symbol()
                );
            }
        }
    }
    let mut s = themed("mono");
    press(&mut s, "<tab>");
    let buf = render(&s, 80, 24);
    let (x, y) = find(&buf, "▶ ✘ FAIL").expect("the selected row");
    assert!(buf[(x, y)].modifier.contains(Modifier::REVERSED));
    assert!(buf[(x + 30, y)].modifier.contains(Modifier::REVERSED));
    // Failing is still emphasised without colour.
    let (x, y) = find(&buf, "  ✘ FAIL").expect("an unselected failing row");
    assert!(buf[(x + 2, y)].modifier.contains(Modifier::BOLD));
    assert!(!buf[(x + 2, y)].modifier.contains(Modifier::REVERSED));
}

#[test]
fn no_color_option_renders_mono_even_when_a_theme_is_configured() {
    let mut s = State::new(
        NOW,
        StateOptions {
            no_color: true,
            theme: Some("colorblind".into()),
            ..options()
        },
    );
    feed_demo(&mut s);
    let buf = render(&s, 120, 40);
    assert!(
        buf.content()
            .iter()
            .all(|c| c.fg == Color::Reset && c.bg == Color::Reset)
    );
}

#[test]
fn light_paints_its_background_and_colorblind_uses_okabe_ito() {
    let s = themed("light");
    let buf = render(&s, 80, 24);
    assert!(
        buf.content().iter().all(|c| c.bg != Color::Reset),
        "every cell has the light background"
    );
    let mut s = themed("colorblind");
    press(&mut s, "<tab><enter>");
    let buf = render(&s, 120, 40);
    let (x, y) = find(&buf, "✔ PASS").unwrap();
    assert_eq!(buf[(x, y)].fg, Color::Rgb(0x56, 0xB4, 0xE9));
    let (x, y) = find(&buf, "✘ FAIL").unwrap();
    assert_eq!(buf[(x, y)].fg, Color::Rgb(0xD5, 0x5E, 0x00));
}

#[test]
fn the_big_score_takes_the_grade_colour() {
    let s = themed("dark");
    let buf = render(&s, 80, 24);
    assert_eq!(s.derived.score.grade, Some('D'));
    let dark = ThemeSet::built_in().resolve("dark").unwrap();
    let caption = format!("{}/100", s.derived.score.overall.expect("a score"));
    let (x, y) = find(&buf, &caption).unwrap();
    assert_eq!(
        buf[(x, y)].fg,
        dark[Token::Dim].fg.unwrap(),
        "the caption is dim"
    );
    // The big digits and the bar are drawn in the grade's colour.
    // The demo's first digit is a 6, whose top row starts the big number.
    let (dx, dy) = find(&buf, "█▀▀ ").unwrap();
    assert!(dy < y);
    assert_eq!(buf[(dx, dy)].fg, dark[Token::ScoreD].fg.unwrap());
    let (bx, by) = find(&buf, "████").unwrap();
    assert!(by > y);
    assert_eq!(buf[(bx, by)].fg, dark[Token::ScoreD].fg.unwrap());
}

#[test]
fn a_user_theme_changes_what_the_widgets_draw() {
    let (themes, warnings) = ThemeSet::with_user_files(vec![(
        "/cfg/themes/alarm.toml".into(),
        "parent = \"dark\"\n[tokens]\nfail = { fg = \"#ff0000\", underlined = true }\n".into(),
    )]);
    assert!(warnings.is_empty());
    let mut s = State::new(
        NOW,
        StateOptions {
            themes,
            theme: Some("alarm".into()),
            ..options()
        },
    );
    feed_demo(&mut s);
    press(&mut s, "<tab>");
    let buf = render(&s, 80, 24);
    let (x, y) = find(&buf, "  ✘ FAIL").unwrap();
    assert_eq!(buf[(x + 2, y)].fg, Color::Rgb(255, 0, 0));
    assert!(buf[(x + 2, y)].modifier.contains(Modifier::UNDERLINED));
    // Inherited from dark.
    let (x, y) = find(&buf, "critical").unwrap();
    assert_eq!(buf[(x, y)].fg, Color::Indexed(197));
}

/// The bytes a crossterm backend writes for one full frame of `state`.
fn terminal_bytes(state: &State) -> String {
    use ratatui::backend::{Backend, CrosstermBackend};
    use std::cell::RefCell;
    use std::rc::Rc;

    #[derive(Clone, Default)]
    struct Sink(Rc<RefCell<Vec<u8>>>);
    impl std::io::Write for Sink {
        fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
            self.0.borrow_mut().extend_from_slice(b);
            Ok(b.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let buf = render(state, 80, 24);
    let sink = Sink::default();
    let mut backend = CrosstermBackend::new(sink.clone());
    let cells = buf.content().iter().enumerate().map(|(i, c)| {
        let (x, y) = buf.pos_of(i);
        (x, y, c)
    });
    backend.draw(cells).unwrap();
    let bytes = sink.0.borrow().clone();
    String::from_utf8(bytes).unwrap()
}

/// What the terminal receives for a mono frame: no colour sequence at all until ratatui's
/// final reset, so crossterm's NO_COLOR handling (which turns colour sequences into `ESC[m`,
/// wiping bold and reverse video) can never erase the selection.
#[test]
fn mono_frames_send_no_colour_sequences_to_the_terminal() {
    let mut s = themed("mono");
    press(&mut s, "<tab>");
    let out = terminal_bytes(&s);
    let suffix = "\x1b[39m\x1b[49m\x1b[59m\x1b[0m";
    let body = out
        .strip_suffix(suffix)
        .unwrap_or_else(|| panic!("ends with the final reset: {out:?}"));
    for colour in ["[38;", "[48;", "[58;", "[39m", "[49m", "[39;", ";49m"] {
        assert!(
            !body.contains(colour),
            "mono sent a colour sequence {colour:?}"
        );
    }
    assert!(body.contains("\x1b[7m"), "the selection is reverse video");
    assert!(body.contains("▶"));
    // A colour theme does send colours, so the check above can fail.
    let mut dark = themed("dark");
    press(&mut dark, "<tab>");
    assert!(terminal_bytes(&dark).contains("[38;5;203"));
}
