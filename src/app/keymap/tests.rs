use super::*;

fn key(code: KeyCode) -> KeyEvent {
    KeyEvent::new(code, KeyModifiers::NONE)
}

#[test]
fn every_default_key_parses_and_names_are_unique() {
    let map = Keymap::default();
    let mut names: Vec<&str> = KEY_DEFS.iter().map(|d| d.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(names.len(), KEY_DEFS.len());
    assert_eq!(map.keys_for(Op::Down).len(), 2);
}

#[test]
fn no_default_key_means_two_things_on_one_screen() {
    let map = Keymap::default();
    for scope in Scope::SCREENS {
        let mut seen: Vec<(KeyChord, &str)> = Vec::new();
        for b in map
            .bindings
            .iter()
            .filter(|b| b.def.scopes.contains(&scope) || b.def.scopes.contains(&Global))
        {
            for k in &b.keys {
                if let Some((_, other)) = seen.iter().find(|(s, _)| s == k) {
                    panic!("{k} is both {other} and {} in {scope:?}", b.def.name);
                }
                seen.push((*k, b.def.name));
            }
        }
    }
}

#[test]
fn parses_key_strings() {
    assert_eq!(
        KeyChord::parse("ctrl-Q").unwrap(),
        KeyChord {
            code: KeyCode::Char('q'),
            mods: KeyModifiers::CONTROL
        }
    );
    assert_eq!(KeyChord::parse("G").unwrap().code, KeyCode::Char('G'));
    assert_eq!(KeyChord::parse("shift-tab").unwrap().code, KeyCode::BackTab);
    assert_eq!(KeyChord::parse("f5").unwrap().code, KeyCode::F(5));
    assert_eq!(KeyChord::parse("space").unwrap().code, KeyCode::Char(' '));
    assert!(KeyChord::parse("ctrl-").is_err());
    assert!(KeyChord::parse("hyper-x").is_err());
    assert!(KeyChord::parse("f13").is_err());
}

#[test]
fn shifted_letters_match_with_or_without_the_shift_flag() {
    let map = Keymap::default();
    let plain = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::NONE);
    let shifted = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
    assert_eq!(map.lookup(&plain, Checklist), Some(Op::Bottom));
    assert_eq!(map.lookup(&shifted, Checklist), Some(Op::Bottom));
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(map.lookup(&ctrl_c, Help), Some(Op::Quit));
    assert_eq!(
        map.lookup(&key(KeyCode::Char('c')), CheckDetail),
        Some(Op::Copy)
    );
    assert_eq!(map.lookup(&key(KeyCode::Char('c')), Overview), None);
}

#[test]
fn user_overrides_replace_single_actions() {
    let text = "quit = \"ctrl-q\"\ndown = [\"j\", \"down\", \"ctrl-n\"]\n";
    let (map, warnings) = Keymap::from_toml(text, Path::new("keys.toml")).unwrap();
    assert!(warnings.is_empty(), "{warnings:?}");
    let ctrl_q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::CONTROL);
    assert_eq!(map.lookup(&ctrl_q, Overview), Some(Op::Quit));
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    assert_eq!(map.lookup(&ctrl_c, Overview), None);
    let ctrl_n = KeyEvent::new(KeyCode::Char('n'), KeyModifiers::CONTROL);
    assert_eq!(map.lookup(&ctrl_n, Checklist), Some(Op::Down));
    assert_eq!(
        map.lookup(&key(KeyCode::Char('k')), Checklist),
        Some(Op::Up)
    );
}

#[test]
fn a_user_key_wins_over_a_default_and_says_so() {
    let (map, warnings) = Keymap::from_toml("sort = \"j\"\n", Path::new("/c/keys.toml")).unwrap();
    assert_eq!(
        map.lookup(&key(KeyCode::Char('j')), Checklist),
        Some(Op::Sort)
    );
    assert_eq!(warnings.len(), 1);
    assert!(
        warnings[0].contains("`j` now means sort (was down)"),
        "{warnings:?}"
    );
}

#[test]
fn unknown_action_names_file_line_and_key() {
    let text = "# my keys\nquit = \"ctrl-q\"\nqiut = \"x\"\n";
    let e = Keymap::from_toml(text, Path::new("/c/keys.toml")).unwrap_err();
    assert_eq!(e.line, Some(3));
    assert_eq!(e.key.as_deref(), Some("qiut"));
    assert!(
        e.to_string()
            .starts_with("/c/keys.toml:3: key `qiut`: unknown action"),
        "{e}"
    );
}

#[test]
fn bad_key_string_names_line_and_key() {
    let e = Keymap::from_toml("up = \"k\"\ndown = \"ctrl-\"\n", Path::new("k.toml")).unwrap_err();
    assert_eq!(e.line, Some(2));
    assert_eq!(e.key.as_deref(), Some("down"));
    assert!(e.message.contains("invalid key"));
    let e = Keymap::from_toml("down = 3\n", Path::new("k.toml")).unwrap_err();
    assert_eq!(e.line, Some(1));
    let e = Keymap::from_toml("down = [\n", Path::new("k.toml")).unwrap_err();
    assert_eq!(e.line, Some(1));
}

#[test]
fn broken_file_falls_back_to_defaults_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keys.toml");
    std::fs::write(&path, "down = \"nope-key\"\n").unwrap();
    let (map, warnings) = Keymap::load(&path);
    assert_eq!(
        map.lookup(&key(KeyCode::Char('j')), Checklist),
        Some(Op::Down)
    );
    assert_eq!(warnings.len(), 1);
    assert!(warnings[0].contains("keys.toml:1") && warnings[0].contains("using default keys"));
    let (_, none) = Keymap::load(&dir.path().join("missing.toml"));
    assert!(none.is_empty());
}

#[test]
fn help_merges_category_jumps() {
    let rows = Keymap::default().help_rows();
    let jump = rows
        .iter()
        .find(|r| r.description.starts_with("jump"))
        .unwrap();
    assert_eq!(jump.keys, "1-9");
    let down = rows.iter().find(|r| r.description == "move down").unwrap();
    assert_eq!(down.keys, "j ↓");
}

#[test]
fn footer_lists_screen_hints_before_global_ones() {
    let footer = Keymap::default().footer(Checklist);
    let hints: Vec<&str> = footer.iter().map(|(_, h)| *h).collect();
    assert_eq!(hints[..4], ["open", "filter", "failing", "sort"]);
    assert!(hints.contains(&"help"));
    assert!(!hints.contains(&"copy fix"));
}
