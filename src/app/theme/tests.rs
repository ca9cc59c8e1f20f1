use super::*;

#[test]
fn every_built_in_theme_resolves() {
    let set = ThemeSet::built_in();
    for (name, _) in BUILT_IN {
        let theme = set.resolve(name).unwrap();
        assert_eq!(theme.name, *name);
    }
}

#[test]
fn mono_has_no_colour_but_a_reversed_selection() {
    let theme = ThemeSet::built_in().resolve(MONO_THEME).unwrap();
    assert!(!theme.has_colour());
    assert!(
        theme[Token::Selection]
            .add_modifier
            .contains(Modifier::REVERSED)
    );
}

#[test]
fn colour_themes_have_colour() {
    for name in ["dark", "light", "colorblind"] {
        assert!(
            ThemeSet::built_in().resolve(name).unwrap().has_colour(),
            "{name}"
        );
    }
}

#[test]
fn child_overrides_one_token_and_inherits_the_rest() {
    let (set, warnings) = ThemeSet::with_user_files(vec![(
        PathBuf::from("/cfg/themes/mine.toml"),
        "parent = \"dark\"\n[tokens]\nfail = \"#ff0000\"\n".into(),
    )]);
    assert!(warnings.is_empty(), "{warnings:?}");
    let mine = set.resolve("mine").unwrap();
    let dark = set.resolve("dark").unwrap();
    assert_eq!(mine[Token::Fail].fg, Some(Color::Rgb(255, 0, 0)));
    assert_eq!(mine[Token::Pass], dark[Token::Pass]);
}

#[test]
fn unset_tokens_fall_back_to_related_tokens() {
    let (set, _) = ThemeSet::with_user_files(vec![(
        PathBuf::from("t/minimal.toml"),
        "[tokens]\nfail = \"red\"\npass = \"green\"\n".into(),
    )]);
    let t = set.resolve("minimal").unwrap();
    assert_eq!(t[Token::ScoreF].fg, Some(Color::Red));
    assert_eq!(t[Token::SeverityCritical].fg, Some(Color::Red));
    assert_eq!(t[Token::StatusOk].fg, Some(Color::Green));
    assert_eq!(t[Token::Text], Style::default());
}

#[test]
fn bad_colour_names_file_line_and_key() {
    let (set, warnings) = ThemeSet::with_user_files(vec![(
        PathBuf::from("/cfg/themes/broken.toml"),
        "parent = \"dark\"\n[tokens]\npass = \"green\"\nfail = \"#zz0000\"\n".into(),
    )]);
    assert_eq!(warnings.len(), 1);
    let w = &warnings[0];
    assert!(w.contains("/cfg/themes/broken.toml:4"), "{w}");
    assert!(w.contains("fail"), "{w}");
    assert!(w.contains("invalid colour"), "{w}");
    assert!(set.resolve("broken").is_err());
}

#[test]
fn unknown_token_and_unknown_parent_are_reported() {
    let (_, warnings) = ThemeSet::with_user_files(vec![
        (PathBuf::from("a.toml"), "[tokens]\nfial = \"red\"\n".into()),
        (PathBuf::from("b.toml"), "parent = \"nope\"\n".into()),
        (PathBuf::from("dark.toml"), "".into()),
    ]);
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert!(warnings[0].contains("a.toml:2") && warnings[0].contains("fial"));
    assert!(warnings[1].contains("b.toml:1") && warnings[1].contains("nope"));
    assert!(warnings[2].contains("already a theme name"));
}

#[test]
fn a_parent_later_in_the_alphabet_resolves_and_loops_are_refused() {
    let (set, warnings) = ThemeSet::with_user_files(vec![
        (
            PathBuf::from("t/aaa.toml"),
            "parent = \"zzz\"\n[tokens]\npass = \"blue\"\n".into(),
        ),
        (
            PathBuf::from("t/zzz.toml"),
            "parent = \"dark\"\n[tokens]\nfail = \"#ff0000\"\n".into(),
        ),
        (PathBuf::from("t/x.toml"), "parent = \"y\"\n".into()),
        (PathBuf::from("t/y.toml"), "parent = \"x\"\n".into()),
        (PathBuf::from("t/z1.toml"), "parent = \"x\"\n".into()),
    ]);
    let aaa = set.resolve("aaa").unwrap();
    assert_eq!(aaa[Token::Pass].fg, Some(Color::Blue));
    assert_eq!(aaa[Token::Fail].fg, Some(Color::Rgb(255, 0, 0)), "from zzz");
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert!(warnings[0].contains("t/x.toml:1") && warnings[0].contains("loop"));
    assert!(warnings[1].contains("t/y.toml") && warnings[1].contains("`x`"));
    assert!(warnings[2].contains("t/z1.toml") && warnings[2].contains("`x`"));
    for gone in ["x", "y", "z1"] {
        assert!(set.resolve(gone).is_err(), "{gone}");
    }
}

#[test]
fn table_specs_set_modifiers() {
    let (set, w) = ThemeSet::with_user_files(vec![(
        PathBuf::from("x.toml"),
        "[tokens]\nselection = { bg = \"blue\", bold = true }\n".into(),
    )]);
    assert!(w.is_empty(), "{w:?}");
    let s = set.resolve("x").unwrap()[Token::Selection];
    assert_eq!(s.bg, Some(Color::Blue));
    assert!(s.add_modifier.contains(Modifier::BOLD));
}

#[test]
fn cycle_order_wraps() {
    let set = ThemeSet::built_in();
    assert_eq!(set.next_after("dark"), "light");
    assert_eq!(set.next_after("colorblind"), "dark");
    assert_eq!(set.next_after("nope"), "dark");
}
