use super::*;

fn opts(dir: &Path) -> TuiOptions {
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

#[test]
fn broken_config_files_become_warnings_not_failures() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("keys.toml"), "quit = 5\n").unwrap();
    std::fs::create_dir(dir.path().join("themes")).unwrap();
    std::fs::write(
        dir.path().join("themes/bad.toml"),
        "[tokens]\npass = \"nope\"\n",
    )
    .unwrap();
    let state = build_state(&mut opts(dir.path()), OffsetDateTime::UNIX_EPOCH);
    let texts: Vec<&str> = state.log.iter().map(|m| m.text.as_str()).collect();
    assert_eq!(texts.len(), 2, "{texts:?}");
    assert!(texts[0].contains("keys.toml:1") && texts[0].contains("using default keys"));
    assert!(texts[1].contains("bad.toml:2") && texts[1].contains("pass"));
    assert!(state.log.iter().all(|m| m.level == Level::Warning));
    assert_eq!(state.theme.name, "dark");
}

#[test]
fn user_theme_from_the_config_dir_can_be_chosen() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("themes")).unwrap();
    std::fs::write(
        dir.path().join("themes/night.toml"),
        "parent = \"dark\"\n[tokens]\nfail = \"#ff0000\"\n",
    )
    .unwrap();
    let mut o = opts(dir.path());
    o.theme = Some("night".into());
    let state = build_state(&mut o, OffsetDateTime::UNIX_EPOCH);
    assert_eq!(state.theme.name, "night");
    assert!(state.log.is_empty());
}

#[test]
fn export_creates_the_default_directory_and_refuses_to_clobber() {
    let dir = tempfile::tempdir().unwrap();
    let exports = dir.path().join("snapshots");
    let state = build_state(&mut opts(dir.path()), OffsetDateTime::UNIX_EPOCH);
    let snap = snapshot_of(&state);
    let path = exports.join("a.json");
    assert_eq!(write_export(&path, &snap, false, &exports), Ok(()));
    assert_eq!(
        write_export(&path, &snap, false, &exports),
        Err(ExportFailure::AlreadyExists)
    );
    assert_eq!(write_export(&path, &snap, true, &exports), Ok(()));
    let elsewhere = dir.path().join("missing/b.json");
    assert!(matches!(
        write_export(&elsewhere, &snap, false, &exports),
        Err(ExportFailure::Other(_))
    ));
}
