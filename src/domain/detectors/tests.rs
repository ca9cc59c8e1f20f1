use super::*;

fn one(name: &str, value: &str) -> Vec<Detection> {
    scan(&BTreeMap::from([(name.to_string(), value.to_string())]))
}

fn detector(name: &str, value: &str) -> Option<&'static str> {
    one(name, value).first().map(|d| d.detector)
}

// Test values are assembled at runtime so the source never holds a literal credential shape.
fn fake(prefix: &str, body: &str) -> String {
    format!("{prefix}{body}")
}

#[test]
fn aws_access_key_id() {
    let v = fake("AKIA", "IOSFODNN7EXAMPLE");
    let d = one("ACCESS", &v);
    assert_eq!(d.len(), 1);
    assert_eq!(d[0].detector, "aws-access-key-id");
    assert_eq!(d[0].masked, "AKIA****");
    assert_eq!(
        detector("X", &fake("ASIA", "Y2K4ZQ7EXAMPLE12")),
        Some("aws-access-key-id")
    );
    // Too short, too long, or lowercase: not a key id.
    assert_eq!(detector("X", &fake("AKIA", "IOSFODNN7EXAMPL")), None);
    assert_eq!(detector("X", &fake("AKIA", "IOSFODNN7EXAMPLEX")), None);
    assert_eq!(detector("X", &fake("AKIA", "iosfodnn7example")), None);
}

#[test]
fn aws_secret_key_next_to_key_id() {
    let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let vars = BTreeMap::from([
        ("KEY".to_string(), fake("AKIA", "IOSFODNN7EXAMPLE")),
        ("OTHER".to_string(), secret.to_string()),
    ]);
    let found = scan(&vars);
    assert_eq!(found.len(), 2);
    assert_eq!(found[1].variable, "OTHER");
    assert_eq!(found[1].detector, "aws-secret-access-key");
    assert_eq!(found[1].masked, "wJal****");
    // Alone, under a neutral name: not flagged (could be anything).
    assert_eq!(detector("OTHER", secret), None);
    // Alone, under a secret-like name: flagged.
    assert_eq!(
        detector("AWS_SECRET_ACCESS_KEY", secret),
        Some("aws-secret-access-key")
    );
}

#[test]
fn hex_digest_next_to_key_id_is_not_an_aws_secret() {
    let vars = BTreeMap::from([
        ("KEY".to_string(), fake("AKIA", "IOSFODNN7EXAMPLE")),
        (
            "GIT_SHA".to_string(),
            "3f786850e387550fdab836ed7e6dc881de23001b".to_string(),
        ),
    ]);
    let found = scan(&vars);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].variable, "KEY");
}

#[test]
fn private_key_block() {
    let v = format!(
        "-----BEGIN RSA {}-----\nMIIEow...\n-----END RSA {}-----",
        "PRIVATE KEY", "PRIVATE KEY"
    );
    assert_eq!(detector("CERT", &v), Some("private-key"));
    let ec = format!("-----BEGIN {}-----\nabc\n", "PRIVATE KEY");
    assert_eq!(detector("K", &ec), Some("private-key"));
    let pgp = format!("-----BEGIN PGP {} BLOCK-----\nlQOYBF...\n", "PRIVATE KEY");
    assert_eq!(detector("SIGNING", &pgp), Some("private-key"));
    let public = format!("-----BEGIN {}-----\nMIIB...\n", "PUBLIC KEY");
    assert_eq!(detector("CERT", &public), None);
    // A public key or certificate is not a secret.
    assert_eq!(
        detector(
            "K",
            "-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----"
        ),
        None
    );
}

#[test]
fn token_prefixes() {
    let cases = [
        (
            fake("sk_live_", "4eC39HqLyjWDarjtT1zdp7dc"),
            "stripe-live-key",
        ),
        (fake("rk_live_", "51H8xYzAbCdEfGhIjKlMn"), "stripe-live-key"),
        (
            fake("ghp_", "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
            "github-token",
        ),
        (
            fake(
                "github_pat_",
                "11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
            ),
            "github-token",
        ),
        (
            fake("xoxb-", "123456789012-1234567890123-AbCdEfGhIjKl"),
            "slack-token",
        ),
        (fake("xoxp-", "123456789012-abcdefABCDEF"), "slack-token"),
        (
            fake("AIza", "SyA-1234567890abcdefghijklmnopqrstu"),
            "google-api-key",
        ),
        (fake("glpat-", "xxxxXXXXxxxxXXXX1234"), "gitlab-token"),
    ];
    for (value, want) in cases {
        assert_eq!(detector("NEUTRAL", &value), Some(want), "{want}");
        // Embedded in a larger string (e.g. a header value) still counts.
        assert_eq!(
            detector("NEUTRAL", &format!("Bearer {value}")),
            Some(want),
            "{want}"
        );
    }
    let d = one("STRIPE", &fake("sk_live_", "4eC39HqLyjWDarjtT1zdp7dc"));
    assert_eq!(d[0].masked, "sk_l****");
}

#[test]
fn token_prefix_lookalikes_are_not_tokens() {
    assert_eq!(detector("MODE", "sk_test_4eC39HqLyjWDarjtT1zdp7dc"), None);
    assert_eq!(detector("NAME", "ghp_short"), None);
    assert_eq!(detector("NAME", "mask_live_abcdefghijklmnop"), None);
    assert_eq!(detector("NAME", "xoxq-1234567890123"), None);
}

fn b64(s: &str) -> String {
    URL_SAFE_NO_PAD.encode(s)
}

#[test]
fn jwt() {
    let token = format!(
        "{}.{}.{}",
        b64(r#"{"alg":"HS256","typ":"JWT"}"#),
        b64(r#"{"sub":"1234567890","name":"demo"}"#),
        "SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c"
    );
    assert_eq!(detector("AUTH", &token), Some("jwt"));
    assert_eq!(detector("AUTH", &format!("Bearer {token}")), Some("jwt"));
    assert_eq!(one("AUTH", &token)[0].masked, "eyJh****");
    // Three dotted parts whose header is not JSON with alg: a version or hostname.
    assert_eq!(detector("HOST", "api.example.com"), None);
    let no_alg = format!("{}.{}.sig", b64(r#"{"typ":"JWT"}"#), b64("{}"));
    assert_eq!(detector("X", &no_alg), None);
}

#[test]
fn url_credentials() {
    assert_eq!(
        detector(
            "DATABASE_URL",
            "postgres://app:s3cr3t-pw@db.internal:5432/orders"
        ),
        Some("url-credentials")
    );
    let d = one(
        "DATABASE_URL",
        "postgres://app:s3cr3t-pw@db.internal:5432/orders",
    );
    assert_eq!(d[0].masked, "post****");
    assert!(!d[0].masked.contains("s3cr3t"));
    // No password, a placeholder, or no credentials at all.
    assert_eq!(
        detector("DATABASE_URL", "postgres://app@db.internal/orders"),
        None
    );
    assert_eq!(
        detector("DATABASE_URL", "postgres://app:${DB_PASSWORD}@db/orders"),
        None
    );
    assert_eq!(
        detector("API_URL", "https://api.example.com/v1/orders?x=1"),
        None
    );
    // An email in the path is not userinfo.
    assert_eq!(
        detector("API_URL", "https://example.com/users/a:b@c.com"),
        None
    );
    // Under a secret-like name a plain URL is still just a URL.
    assert_eq!(
        detector("TOKEN_ENDPOINT", "https://auth.example.com/oauth2/token"),
        None
    );
    assert_eq!(
        detector(
            "SECRET_WEBHOOK",
            "https://hooks.example.com/abcdefghijklmnop"
        ),
        None
    );
}

#[test]
fn high_entropy_under_secret_names() {
    for name in [
        "DB_PASSWORD",
        "CLIENT_SECRET",
        "AUTH_TOKEN",
        "PARTNER_API_KEY",
        "SIGNING_PRIVATE_KEY",
    ] {
        assert_eq!(
            detector(name, "Zq8vR2mX4tL9pK7w"),
            Some("high-entropy"),
            "{name}"
        );
    }
    assert_eq!(
        detector("DB_PASSWORD", "9f86d081884c7d659a2feaa0c55ad015"),
        Some("high-entropy")
    );
    // Random strings are not names, even in name-like case styles.
    assert_eq!(
        detector("CLIENT_SECRET", "Xk9Pq-Lm3Rt_Wz7Yv"),
        Some("high-entropy")
    );
    // Same value under a neutral name: not flagged.
    assert_eq!(detector("BUILD_ID", "Zq8vR2mX4tL9pK7w"), None);
    // Low entropy or a single character class.
    assert_eq!(detector("DB_PASSWORD", "aaaaaaaaaaaaaaaa1"), None);
    assert_eq!(detector("DB_PASSWORD", "abababababababab"), None);
    // Too short for the entropy detector.
    assert_eq!(detector("DB_PASSWORD", "Zq8vR2mX4t"), None);
}

#[test]
fn references_to_secrets_are_not_secrets() {
    let cases = [
        (
            "DB_SECRET",
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/payments/stripe-AbCdEf",
        ),
        ("ROLE", "arn:aws:iam::123456789012:role/Zq8vR2mX4tL9pK7w"),
        ("STRIPE_SECRET", "prod/payments/stripe"),
        ("DB_PASSWORD", "/app/db/password"),
        ("DB_PASSWORD", "/App/Prod/DbPassword-Param"),
        ("API_KEY", "payments-api-key-secret-name"),
        (
            "DB_PASSWORD",
            "{{resolve:secretsmanager:prod/db:SecretString:password}}",
        ),
        ("DB_PASSWORD", "resolve:secretsmanager:prod/db"),
        ("DB_PASSWORD_SECRET_ARN", "Zq8vR2mX4tL9pK7w-ignored-by-name"),
        ("API_TOKEN_TTL", "3600"),
        ("DB_PASSWORD", "${ssm:/app/db/password}"),
        // Secret and parameter names without a path.
        ("STRIPE_SECRET", "ProdStripeApiKey"),
        ("DB_SECRET", "MyApp-DbCredentials"),
        ("DB_PASSWORD_SECRET", "PaymentsDbSecret"),
        ("API_KEY", "PAYMENTS_API_KEY_V2"),
        ("TOKEN", "Orders.SigningToken2"),
    ];
    for (name, value) in cases {
        assert_eq!(detector(name, value), None, "{name}={value}");
    }
}

#[test]
fn ordinary_values_are_not_secrets() {
    let cases = [
        ("TOKEN", "short"),
        ("API_KEY", "3f2504e0-4f89-11d3-9a0c-0305e82c3301"),
        ("SECRET_ENABLED", "true"),
        ("TOKEN_LIMIT", "12345678901234567"),
        ("PASSWORD_MIN", "-1.5e10"),
        ("TABLE", "orders-prod"),
        ("LOG_LEVEL", "debug"),
        ("EMPTY", ""),
    ];
    for (name, value) in cases {
        assert_eq!(detector(name, value), None, "{name}={value}");
    }
}

#[test]
fn detections_are_sorted_by_name_one_per_variable() {
    let vars = BTreeMap::from([
        (
            "B_TOKEN".to_string(),
            fake("ghp_", "aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789"),
        ),
        ("A_KEY".to_string(), fake("AKIA", "IOSFODNN7EXAMPLE")),
        ("C".to_string(), "plain".to_string()),
    ]);
    let found = scan(&vars);
    let names: Vec<_> = found
        .iter()
        .map(|d| (d.variable.as_str(), d.detector))
        .collect();
    assert_eq!(
        names,
        [("A_KEY", "aws-access-key-id"), ("B_TOKEN", "github-token")]
    );
}

#[test]
fn mask_never_reveals_whole_value() {
    assert_eq!(mask("abcdefghij"), "abcd****");
    assert_eq!(mask("abcdef"), "abc****");
    assert_eq!(mask("ab"), "a****");
    assert_eq!(mask("a"), "****");
    assert_eq!(mask(""), "****");
    assert_eq!(mask("pässwörd-long"), "päss****");
}

#[test]
fn entropy_values() {
    assert_eq!(shannon_entropy(""), 0.0);
    assert_eq!(shannon_entropy("aaaa"), 0.0);
    assert!((shannon_entropy("abcd") - 2.0).abs() < 1e-9);
}

#[test]
fn every_jwt_header_begins_with_a_value_marker() {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let markers: Vec<&str> = value_markers().collect();
    // `{` then `"` or JSON white space, then every possible third byte.
    for second in [b'"', b' ', b'\t', b'\n', b'\r'] {
        for third in 0..=255u8 {
            let encoded = URL_SAFE_NO_PAD.encode([b'{', second, third]);
            assert!(
                markers.iter().any(|m| encoded.starts_with(m)),
                "{encoded} ({second:#x}, {third:#x}) begins with no marker"
            );
        }
    }
}

#[test]
fn hyphenated_header_names_are_secret_like() {
    let v = fake("pk_demo_", "7Hq2Wm9Xv4Lc8RzQp3");
    assert_eq!(detector("x-api-key", &v), Some("high-entropy"));
    assert_eq!(detector("Api-Key", &v), Some("high-entropy"));
    // The same value under a name that says nothing stays quiet.
    assert_eq!(detector("x-request-id", &v), None);
}
