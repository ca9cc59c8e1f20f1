use super::*;

#[test]
fn parses_the_commands() {
    assert_eq!(parse("q"), Ok(Command::Quit));
    assert_eq!(parse(":quit"), Ok(Command::Quit));
    assert_eq!(
        parse("theme light"),
        Ok(Command::Theme(Some("light".into())))
    );
    assert_eq!(parse("theme"), Ok(Command::Theme(None)));
    assert_eq!(
        parse("region eu-west-1"),
        Ok(Command::Region(Some("eu-west-1".into())))
    );
    assert_eq!(parse("region all"), Ok(Command::Region(None)));
    assert_eq!(
        parse("account 111122223333"),
        Ok(Command::Account(Some("111122223333".into())))
    );
    assert_eq!(parse(":acc all"), Ok(Command::Account(None)));
    assert_eq!(
        parse("sev high"),
        Ok(Command::Severity(Some(Severity::High)))
    );
    assert_eq!(
        parse("sev  CRIT "),
        Ok(Command::Severity(Some(Severity::Critical)))
    );
    assert_eq!(parse("sev"), Ok(Command::Severity(None)));
    assert_eq!(
        parse("export /tmp/a.json"),
        Ok(Command::Export(Some("/tmp/a.json".into())))
    );
    assert_eq!(parse("export"), Ok(Command::Export(None)));
    assert_eq!(parse("res"), Ok(Command::View(View::Resources)));
}

#[test]
fn rejects_unknown_input_with_a_hint() {
    assert!(parse("sev huge").unwrap_err().contains("unknown severity"));
    assert!(parse("frobnicate").unwrap_err().contains(":help"));
    assert!(parse("  ").is_err());
}
