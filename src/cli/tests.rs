use super::*;
use crate::domain::inventory::Area;

fn parse(args: &[&str]) -> Cli {
    Cli::try_parse_from(std::iter::once("parapet").chain(args.iter().copied())).unwrap()
}

#[test]
fn aws_flags_become_options_in_any_position() {
    let cli = parse(&[
        "scan",
        "--profile",
        "prod",
        "--region",
        "eu-west-1",
        "--region",
        "us-east-1",
        "--endpoint-url",
        "http://127.0.0.1:4566",
    ]);
    let o = cli.aws_options();
    assert_eq!(o.profile.as_deref(), Some("prod"));
    assert_eq!(o.regions, ["eu-west-1", "us-east-1"]);
    assert_eq!(o.endpoint_url.as_deref(), Some("http://127.0.0.1:4566"));
    assert_eq!(o.max_attempts, AwsOptions::default().max_attempts);

    let plain = parse(&[]).aws_options();
    assert_eq!(plain, AwsOptions::default());

    let quick = parse(&["scan", "--call-timeout", "3"]).aws_options();
    assert_eq!(quick.attempt_timeout, Duration::from_secs(3));
    assert_eq!(quick.max_attempts, AwsOptions::default().max_attempts);
    assert!(
        Cli::try_parse_from(["parapet", "scan", "--call-timeout", "0"]).is_err(),
        "a zero timeout would fail every call"
    );
}

#[test]
fn interval_overrides_every_configured_area() {
    let configured = Intervals::default();
    assert_eq!(parse(&[]).intervals(&configured), configured);
    let all = parse(&["--interval", "30"]).intervals(&configured);
    for area in Area::ALL {
        assert_eq!(all.get(area), Duration::from_secs(30));
    }
}

#[test]
fn scan_flags_parse_and_reject_bad_thresholds() {
    let cli = parse(&[
        "scan",
        "--fail-on",
        "HIGH",
        "--fail-under",
        "70",
        "-o",
        "x.json",
    ]);
    match cli.command {
        Some(Command::Scan {
            fail_on,
            fail_under,
            output,
            force,
            ..
        }) => {
            assert_eq!(fail_on, Some(Severity::High));
            assert_eq!(fail_under, Some(70));
            assert_eq!(output, Some(PathBuf::from("x.json")));
            assert!(!force);
        }
        other => panic!("{other:?}"),
    }
    let bad = |args: &[&str]| {
        Cli::try_parse_from(std::iter::once("parapet").chain(args.iter().copied())).is_err()
    };
    assert!(bad(&["scan", "--fail-on", "severe"]));
    assert!(bad(&["scan", "--fail-under", "101"]));
    assert!(bad(&["scan", "--format", "xml"]));
}

/// Issue 18, 18: `--region eu_west_1` or `''` reached the SDK (a 700-character dump);
/// `--shard -1/2` and other negative numbers said "unexpected argument".
#[test]
fn bad_values_are_named_with_what_is_expected() {
    let said = |args: &[&str]| {
        Cli::try_parse_from(std::iter::once("parapet").chain(args.iter().copied()))
            .unwrap_err()
            .to_string()
    };
    for region in ["eu_west_1", "", "EU-WEST-1", "eu-west", "eu-west-1 "] {
        let e = said(&["scan", "--region", region]);
        assert!(e.contains("is not an AWS region"), "{region:?}: {e}");
    }
    for ok in [
        "eu-west-1",
        "us-gov-west-1",
        "cn-northwest-1",
        "all",
        "ap-southeast-5",
    ] {
        assert_eq!(parse(&["--region", ok]).regions, [ok]);
    }
    let e = said(&["scan", "--shard", "-1/2"]);
    assert!(e.contains("I/N"), "{e}");
    let e = said(&["scan", "--fail-under", "-5"]);
    assert!(
        e.contains("-5") && !e.contains("unexpected argument"),
        "{e}"
    );
    let e = said(&["--interval", "-1"]);
    assert!(
        e.contains("-1") && !e.contains("unexpected argument"),
        "{e}"
    );
}

/// Issue 19: the share and the deadline, each refused with the accepted range.
#[test]
fn quota_share_and_deadline_parse_or_say_what_they_take() {
    let config = crate::config::Config::default();
    let o = parse(&["scan"]).aws_options_for(&config);
    assert_eq!((o.quota.full, o.quota.periodic), (0.5, 0.25));
    assert_eq!(o.deadline, None);
    let o = parse(&["scan", "--quota-share", "1", "--deadline", "15m"]).aws_options_for(&config);
    assert_eq!((o.quota.full, o.quota.periodic), (1.0, 1.0));
    let left = o.deadline.unwrap() - std::time::Instant::now();
    assert!(left > Duration::from_secs(14 * 60) && left <= Duration::from_secs(15 * 60));
    let said = |args: &[&str]| {
        Cli::try_parse_from(std::iter::once("parapet").chain(args.iter().copied()))
            .unwrap_err()
            .to_string()
    };
    for share in ["0", "1.5", "-0.2", "half"] {
        let e = said(&["scan", "--quota-share", share]);
        assert!(
            e.contains("--quota-share") && e.contains("at most 1"),
            "{e}"
        );
    }
    for deadline in ["soon", "0s", "-5m"] {
        let e = said(&["scan", "--deadline", deadline]);
        assert!(
            e.contains("--deadline") && e.contains("not a duration"),
            "{e}"
        );
    }
}
