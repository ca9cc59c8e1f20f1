//! Unit tests of secrets in code: the detectors over files as functions ship them.

use super::*;

/// AWS's documentation key pair (never valid), as people paste it.
const KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";

fn found(path: &str, text: &str, dependency: bool) -> Vec<(usize, &'static str)> {
    scan_file(path, text.as_bytes(), dependency)
        .into_iter()
        // A test's few names, leaked to compare with literals.
        .map(|s| (s.line, &*Box::leak(s.detector.into_boxed_str())))
        .collect()
}

#[test]
fn the_functions_own_files_are_read_with_every_detector() {
    let config = "// payment settings\n\
        module.exports = {\n\
        \x20 region: 'eu-west-1',\n\
        \x20 stripeKey: \"sk_live_4eC39HqLyjWDarjtT1zdp7dc\",\n\
        \x20 dbPasswordSecretArn: 'arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf',\n\
        \x20 password: process.env.DB_PASSWORD,\n\
        };\n";
    assert_eq!(found("config.js", config, false), [(4, "stripe-live-key")]);
    let env =
        format!("# local\nexport AWS_ACCESS_KEY_ID={KEY_ID}\nAWS_SECRET_ACCESS_KEY={SECRET}\n");
    assert_eq!(
        found(".env", &env, false),
        [(2, "aws-access-key-id"), (3, "aws-secret-access-key")]
    );
    let yaml = "db:\n  host: db.internal\n  password: \"Zq8vR2mX4tL9pK7wQ3nB\"\n";
    assert_eq!(found("settings.yaml", yaml, false), [(3, "high-entropy")]);
    let json = r#"{"apiToken": "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"}"#;
    assert_eq!(found("app.json", json, false), [(1, "github-token")]);
}

#[test]
fn dependencies_only_count_what_cannot_be_a_coincidence() {
    let fixture = "const password = 'Zq8vR2mX4tL9pK7wQ3nB';\nconst token = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';\n";
    assert!(found("node_modules/stripe/test/fixtures.js", fixture, true).is_empty());
    let lone_id = format!("accessKeyId: '{KEY_ID}'\n");
    assert!(found("node_modules/aws-sdk/test/creds.js", &lone_id, true).is_empty());
    let pair = format!("accessKeyId: '{KEY_ID}',\nsecretAccessKey: '{SECRET}',\n");
    assert_eq!(
        found("node_modules/leaky/config.js", &pair, true),
        [(1, "aws-access-key-id"), (2, "aws-secret-access-key")]
    );
    let pem = "const key = `\n-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA\n-----END RSA PRIVATE KEY-----`;\n";
    assert_eq!(
        found("node_modules/jws/test/keys.js", pem, true),
        [(2, "private-key")]
    );
    assert!(in_dependency("node_modules/x/index.js"));
    assert!(in_dependency(
        "python/lib/python3.12/site-packages/requests/api.py"
    ));
    assert!(in_dependency("lib/guava.jar!/com/google/Foo.properties"));
    assert!(in_dependency(
        "vendor/bundle/ruby/3.2.0/gems/rack-2.2.22/lib/rack.rb"
    ));
    assert!(!in_dependency("src/handler.py"));
    assert!(!in_dependency("index.js"));
}

#[test]
fn no_value_ever_leaves_and_binaries_are_skipped() {
    let env = format!("AWS_ACCESS_KEY_ID={KEY_ID}\nAWS_SECRET_ACCESS_KEY={SECRET}\n");
    let all = scan_file(".env", env.as_bytes(), false);
    assert_eq!(all.len(), 2);
    let shown = format!("{all:?}");
    for value in [KEY_ID, SECRET, &SECRET[..8], &KEY_ID[..8]] {
        assert!(!shown.contains(value), "{shown}");
    }
    assert!(
        all.iter()
            .all(|s| s.masked.ends_with("****") && s.masked.len() <= 8)
    );
    let mut binary = env.into_bytes();
    binary.insert(0, 0);
    assert!(scan_file("lib.so", &binary, false).is_empty());
    assert!(!worth_reading("static/logo.PNG"));
    assert!(worth_reading("index.mjs"));
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]

    /// The marker prefilter only skips lines no detector would report: files built from
    /// names and values of every detector, and of none, give the same findings with it and
    /// without it.
    #[test]
    fn the_prefilter_never_hides_a_detection(
        lines in proptest::collection::vec(
            (0usize..12, 0usize..4, 0usize..14, proptest::bool::ANY), 1..12),
        dependency in proptest::bool::ANY,
    ) {
        const NAMES: [&str; 12] = [
            "password", "DB_PASSWORD", "apiKey", "token", "name", "url", "AWS_SECRET_ACCESS_KEY",
            "region", "x", "clientSecret", "accessKeyId", "credential",
        ];
        const SEPARATORS: [&str; 4] = [" = ", ": ", "=", " := "];
        let values = [
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
            KEY_ID,
            SECRET,
            "https://user:s3cretPassw0rd@db.example.com/x",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXZhbHVl",
            "Zq8vR2mX4tL9pK7wQ3nB",
            "hello world",
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf",
            "xoxb-123456789012-123456789012-abcdefABCDEF123456",
            "-----BEGIN PRIVATE KEY-----",
            "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
            "process.env.DB_PASSWORD",
            "MyApp-DbCredentials",
        ];
        let text: String = lines
            .iter()
            .map(|&(n, s, v, quoted)| {
                let value = if quoted { format!("\"{}\"", values[v]) } else { values[v].to_string() };
                format!("{}{}{}\n", NAMES[n], SEPARATORS[s], value)
            })
            .collect();
        let with = scan_file_with("f.js", text.as_bytes(), dependency, true);
        let without = scan_file_with("f.js", text.as_bytes(), dependency, false);
        proptest::prop_assert_eq!(with, without, "{}", text);
    }

    /// The vectorised search of a lower-cased copy marks exactly the lines the
    /// case-insensitive automaton marks, whatever the case and the bytes around them.
    #[test]
    fn both_marker_searches_mark_the_same_lines(
        text in "([a-zA-Z0-9_:/ =\"\né]|Password|PASSWD|Api_Key|tOkEn|eyJ|EYj|AkIa|asia|://|SK_LIVE_|Ghp_|-----BEGIN PRIVATE KEY){0,80}",
    ) {
        proptest::prop_assert!(lower_markers().is_some(), "no vectorised search on this CPU");
        let automaton = lines_at(&text, markers().find_iter(text.as_str()).map(|m| m.start()));
        proptest::prop_assert_eq!(marked_lines(&text), automaton, "{:?}", text);
    }
}
