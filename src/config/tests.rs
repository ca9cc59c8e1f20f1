use super::*;

fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<PathBuf> + 'a {
    move |k| {
        vars.iter()
            .find(|(n, _)| *n == k)
            .map(|(_, v)| PathBuf::from(v))
    }
}

#[test]
fn parapet_config_dir_wins_over_xdg() {
    let p = ConfigPaths::resolve_with(env(&[
        ("PARAPET_CONFIG_DIR", "/a"),
        ("XDG_CONFIG_HOME", "/b"),
    ]));
    assert_eq!(p.dir, PathBuf::from("/a"));
    assert_eq!(p.keys_file, PathBuf::from("/a/keys.toml"));
}

#[test]
fn xdg_config_home_is_honoured() {
    let p = ConfigPaths::resolve_with(env(&[("XDG_CONFIG_HOME", "/x")]));
    assert_eq!(p.dir, PathBuf::from("/x/parapet"));
    assert_eq!(p.themes_dir, PathBuf::from("/x/parapet/themes"));
}

#[test]
fn empty_file_is_default() {
    let c = Config::parse("", Path::new("c.toml")).unwrap();
    assert_eq!(c, Config::default());
}

#[test]
fn settings_and_mutes_parse() {
    let text = r#"
theme = "light"
trusted_accounts = ["999988887777"]
max_secret_age_days = 30

[intervals]
secrets = 60

[[mute]]
check = "apigw.no-waf"
resource = "orders-api/dev"
reason = "dev stage, no traffic"
"#;
    let c = Config::parse(text, Path::new("c.toml")).unwrap();
    assert_eq!(c.theme.as_deref(), Some("light"));
    assert_eq!(c.intervals.secrets, 60);
    assert_eq!(c.intervals.functions, 300);
    let ctx = c.context(time::OffsetDateTime::UNIX_EPOCH);
    assert_eq!(ctx.max_secret_age_days, 30);
    assert_eq!(ctx.trusted_accounts, vec!["999988887777".to_string()]);
}

#[test]
fn unknown_key_names_file_line_and_key() {
    let text = "theme = \"dark\"\nmax_secret_age = 3\n";
    let e = Config::parse(text, Path::new("/cfg/config.toml")).unwrap_err();
    assert_eq!(e.line, Some(2));
    assert_eq!(e.key.as_deref(), Some("max_secret_age"));
    let shown = e.to_string();
    assert!(
        shown.starts_with("/cfg/config.toml:2: key `max_secret_age`"),
        "{shown}"
    );
    assert!(!shown.contains('\n'));
}

#[test]
fn wrong_type_names_line_and_key() {
    let text = "theme = \"dark\"\n\nunused_secret_days = \"ninety\"\n";
    let e = Config::parse(text, Path::new("c.toml")).unwrap_err();
    assert_eq!(e.line, Some(3));
    assert_eq!(e.key.as_deref(), Some("unused_secret_days"));
}

#[test]
fn broken_toml_is_an_error_not_a_panic() {
    let e = Config::parse("theme = [", Path::new("c.toml")).unwrap_err();
    assert_eq!(e.line, Some(1));
}

#[test]
fn bad_trusted_account_is_rejected() {
    let e = Config::parse("trusted_accounts = [\"12\"]", Path::new("c.toml")).unwrap_err();
    assert_eq!(e.key.as_deref(), Some("trusted_accounts[0]"));
}

#[test]
fn out_of_range_values_are_errors_naming_the_key() {
    for (text, key, words) in [
        (
            "max_secret_age_days = -5\n",
            "max_secret_age_days",
            "not a number of days",
        ),
        (
            "unused_secret_days = 0\n",
            "unused_secret_days",
            "not a number of days",
        ),
        (
            "[intervals]\nsecrets = 18446744073709551615\n",
            "secrets",
            "longer than a week",
        ),
        (
            "[[mute]]\ncheck = \"lambda.no-vpc\"\nreason = \"  \"\n",
            "mute.reason",
            "needs a reason",
        ),
        ("[quota]\nshare = 1.5\n", "quota.share", "at most 1"),
        (
            "[quota]\nperiodic_share = 0\n",
            "quota.periodic_share",
            "above 0",
        ),
    ] {
        let e = Config::parse(text, Path::new("c.toml")).unwrap_err();
        assert_eq!(e.key.as_deref(), Some(key), "{text}: {e}");
        assert!(e.message.contains(words), "{e}");
        assert!(e.line.is_some(), "{e}");
    }
    let fine = Config::parse(
        "max_secret_age_days = 1\n[intervals]\nfunctions = 0\nsecrets = 604800\n",
        Path::new("c.toml"),
    );
    assert!(fine.is_ok(), "{fine:?}");
}

#[test]
fn missing_file_is_default() {
    let c = Config::load(Path::new("/nonexistent/parapet/config.toml")).unwrap();
    assert_eq!(c, Config::default());
}
