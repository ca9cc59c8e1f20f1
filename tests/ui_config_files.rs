//! The TUI's own files in the config dir: keys.toml and themes/*.toml. Broken files never
//! stop the TUI: they fall back and say so (file, line, key) in the UI.

use std::path::Path;

use crate::ui_support::*;
use parapet::app::screens::{checklist::Checklist, list::ListScreen};
use parapet::app::state::{Level, Screen, SourceKind};
use parapet::config::{Config, ConfigPaths};
use parapet::export;
use parapet::tui::{TuiOptions, TuiSource, build_state, snapshot_of};

fn options(dir: &Path) -> TuiOptions {
    TuiOptions {
        source: TuiSource::Demo { speed: 0.0 },
        theme: None,
        no_color: false,
        paths: ConfigPaths::in_dir(dir.to_path_buf()),
        config: Config::default(),
        mutes_file: None,
        mutelist: None,
        baseline: None,
    }
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Each cause said once: no clause of a warning (the parts between `: `) repeats.
fn assert_said_once(msg: &str) {
    let clauses: Vec<&str> = msg.split(": ").collect();
    for (i, clause) in clauses.iter().enumerate() {
        assert!(
            !clauses[i + 1..].contains(clause),
            "`{clause}` said twice: {msg}"
        );
    }
}

#[test]
fn a_broken_keys_file_warns_in_the_footer_and_the_defaults_still_work() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "keys.toml",
        "quit = \"ctrl-q\"\ndown = \"hyper-j\"\n",
    );
    let mut s = build_state(&mut options(dir.path()), NOW);
    let footer = text(&s, 120, 40).lines().nth(39).unwrap().to_string();
    let expected = format!(
        "⚠ {}:2: key `down`: invalid key `hyper-j`",
        dir.path().join("keys.toml").display()
    );
    assert!(footer.contains(&expected), "{footer}");
    assert!(
        s.log[0].text.ends_with("using default keys"),
        "{}",
        s.log[0].text
    );
    assert_said_once(&s.log[0].text);
    feed_demo(&mut s);
    press(&mut s, "<tab>j");
    assert_eq!(s.screen(), &Screen::Checklist);
    assert_eq!(
        s.checklist.selected,
        Some(s.derived.checks[Checklist::visible(&s).0[1]].id.clone())
    );
    // The warning stays readable in help after the toast is gone.
    tick(&mut s, 30);
    assert!(s.toast.is_none());
    press(&mut s, "?");
    render(&s, 120, 40);
    press(&mut s, "G");
    assert!(text(&s, 120, 40).contains("key `down`: invalid key `hyper-j`"));
}

#[test]
fn an_unknown_action_in_keys_toml_is_named() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "keys.toml", "# mine\n\nrefersh = \"F5\"\n");
    let s = build_state(&mut options(dir.path()), NOW);
    assert_eq!(s.log.len(), 1);
    let m = &s.log[0];
    assert_eq!(m.level, Level::Warning);
    assert!(
        m.text
            .contains("keys.toml:3: key `refersh`: unknown action"),
        "{}",
        m.text
    );
}

#[test]
fn keys_toml_overrides_single_keys() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "keys.toml",
        "down = [\"n\", \"down\"]\nhelp = \"f1\"\n",
    );
    let mut s = build_state(&mut options(dir.path()), NOW);
    assert!(s.log.is_empty(), "{:?}", s.log);
    feed_demo(&mut s);
    press(&mut s, "<tab>");
    let first = Checklist::visible(&s).1;
    press(&mut s, "n");
    assert_eq!(Checklist::visible(&s).1, first + 1);
    // The footer and help show the user's keys.
    update_f1(&mut s);
    assert!(matches!(s.screen(), Screen::Help { .. }));
    let screen = text(&s, 120, 40);
    assert!(screen.contains("n ↓"), "{screen}");
}

fn update_f1(s: &mut parapet::app::state::State) {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    parapet::app::update::update(
        s,
        parapet::app::action::Action::Key(KeyEvent::new(KeyCode::F(1), KeyModifiers::NONE)),
    );
}

#[test]
fn a_broken_theme_warns_and_the_default_theme_is_used() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "themes/neon.toml",
        "parent = \"dark\"\n[tokens]\npass = \"green\"\nfail = \"#ff00zz\"\n",
    );
    write(
        dir.path(),
        "themes/calm.toml",
        "parent = \"light\"\n[tokens]\naccent = \"#336699\"\n",
    );
    let mut opts = options(dir.path());
    opts.config.theme = Some("neon".into());
    let mut s = build_state(&mut opts, NOW);
    assert_eq!(s.theme.name, "dark");
    let texts: Vec<&str> = s.log.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    texts.iter().for_each(|t| assert_said_once(t));
    assert!(
        texts[0].contains("neon.toml:4: key `fail`: invalid colour `#ff00zz`"),
        "{}",
        texts[0]
    );
    assert!(
        texts[1].contains("unknown theme `neon`") && texts[1].contains("using dark"),
        "{}",
        texts[1]
    );
    // The good user theme is offered and selectable.
    press(&mut s, ":theme calm<enter>");
    assert_eq!(s.theme.name, "calm");
    press(&mut s, "?");
    render(&s, 120, 40);
    press(&mut s, "G");
    let help = text(&s, 120, 40);
    assert!(help.contains("calm.toml"), "{help}");
}

#[test]
fn the_cli_theme_wins_over_the_config_and_no_color_over_both() {
    let dir = tempfile::tempdir().unwrap();
    let mut opts = options(dir.path());
    opts.config.theme = Some("light".into());
    opts.theme = Some("colorblind".into());
    assert_eq!(build_state(&mut opts, NOW).theme.name, "colorblind");
    opts.no_color = true;
    assert_eq!(build_state(&mut opts, NOW).theme.name, "mono");
}

#[test]
fn an_exported_snapshot_opens_with_the_same_account_and_score() {
    let dir = tempfile::tempdir().unwrap();
    let mut live = demo_state();
    press(&mut live, "<tab>fxaccepted<enter>");
    let path = dir.path().join("snap.json");
    export::write_snapshot(&path, &snapshot_of(&live), false).unwrap();
    let snapshot = export::read_snapshot(&path).unwrap();
    let mut opts = options(dir.path());
    opts.source = TuiSource::Snapshot {
        snapshot,
        path: path.clone(),
    };
    let s = build_state(&mut opts, NOW);
    assert!(matches!(&s.source, SourceKind::Snapshot { path: p, .. } if *p == path));
    assert_eq!(s.identity, live.identity);
    assert_eq!(s.assessment.score, live.assessment.score);
    assert_eq!(s.assessment.findings, live.assessment.findings);
    assert_eq!(
        s.collection_statuses().len(),
        live.collection_statuses().len()
    );
    let score = &s.derived.score;
    let header = format!("score {} {}", score.overall.unwrap(), score.grade.unwrap());
    assert!(text(&s, 80, 24).lines().next().unwrap().ends_with(&header));
}
