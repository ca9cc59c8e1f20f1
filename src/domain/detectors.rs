//! Secret detectors over environment variables and stage variables.
//!
//! The detectors look at values, and at names only where a value alone is ambiguous (a 40-char
//! AWS secret key, a high-entropy string). References to where a secret lives (ARNs, Secrets
//! Manager names, SSM parameter paths, `{{resolve:...}}`) are the *right* way to pass secrets
//! and are never reported. A detection carries the variable name, the detector and a masked
//! prefix; the value itself never leaves this module.

use std::collections::BTreeMap;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detection {
    pub variable: String,
    pub detector: &'static str,
    pub masked: String,
}

/// Minimum length for the high-entropy detector (shorter values are too ambiguous).
pub const HIGH_ENTROPY_MIN_LEN: usize = 16;
/// Shannon entropy threshold in bits per character for the high-entropy detector. Random
/// 16-char alphanumerics score ~3.6-3.9; repeated or dictionary-like values score lower.
pub const HIGH_ENTROPY_BITS: f64 = 3.0;

/// Words that make a variable name "secret-like" for the entropy detector.
const SECRET_NAME_WORDS: &[&str] = &[
    "PASSWORD",
    "PASSWD",
    "SECRET",
    "TOKEN",
    "API_KEY",
    "APIKEY",
    "PRIVATE_KEY",
];

/// Names under which a 40-char base64 value is taken to be an AWS secret access key.
const AWS_SECRET_NAME_WORDS: &[&str] = &[
    "SECRET",
    "PASSWORD",
    "TOKEN",
    "API_KEY",
    "PRIVATE_KEY",
    "ACCESS_KEY",
    "CREDENTIAL",
];

/// Name suffixes that say the variable *refers to* a secret (its id, name, path, lifetime)
/// rather than holding it: `DB_SECRET_ARN`, `API_TOKEN_TTL`, `PASSWORD_PARAM_NAME`.
const REFERENCE_NAME_SUFFIXES: &[&str] = &[
    "_ARN",
    "_NAME",
    "_ID",
    "_PATH",
    "_PARAM",
    "_PARAMETER",
    "_REF",
    "_URL",
    "_URI",
    "_ENDPOINT",
    "_TTL",
    "_EXPIRY",
    "_LENGTH",
    "_HEADER",
    "_REGION",
    "_FILE",
];

/// Scan a map of variables (env vars or stage variables). Needs the whole map because an AWS
/// secret access key counts when it sits next to an access key id or under a secret-like name.
/// At most one detection per variable (the most specific detector wins), in name order.
pub fn scan(vars: &BTreeMap<String, String>) -> Vec<Detection> {
    let has_key_id = vars.values().any(|v| find_aws_key_id(v).is_some());
    vars.iter()
        .filter_map(|(name, value)| {
            detect(name, value, has_key_id).map(|(detector, shown)| Detection {
                variable: name.clone(),
                detector,
                masked: mask(shown),
            })
        })
        .collect()
}

/// first 4 chars + "****" (fewer if the value is short; never the whole value)
pub fn mask(value: &str) -> String {
    let n = value.chars().count();
    let shown = (n / 2).min(4);
    let prefix: String = value.chars().take(shown).collect();
    format!("{prefix}****")
}

/// Returns the detector name and the part of the value to mask.
fn detect<'a>(name: &str, value: &'a str, map_has_key_id: bool) -> Option<(&'static str, &'a str)> {
    let v = value.trim();
    if v.is_empty() || is_reference(v) {
        return None;
    }
    // PEM (`-----BEGIN RSA PRIVATE KEY-----`) and PGP (`-----BEGIN PGP PRIVATE KEY BLOCK-----`).
    if v.contains("-----BEGIN") && v.contains("PRIVATE KEY") {
        return Some(("private-key", v));
    }
    if let Some(m) = find_aws_key_id(v) {
        return Some(("aws-access-key-id", m));
    }
    if let Some(hit) = find_token_prefix(v) {
        return Some(hit);
    }
    if let Some(m) = find_jwt(v) {
        return Some(("jwt", m));
    }
    if v.contains("://") {
        // A URL is only a secret when it embeds credentials; either way the remaining
        // detectors do not apply to URLs.
        return url_has_credentials(v).then_some(("url-credentials", v));
    }
    if is_benign_value(v) {
        return None;
    }
    let upper = name.to_ascii_uppercase();
    if looks_like_aws_secret_key(v)
        && (map_has_key_id || AWS_SECRET_NAME_WORDS.iter().any(|w| upper.contains(w)))
    {
        return Some(("aws-secret-access-key", v));
    }
    if SECRET_NAME_WORDS.iter().any(|w| upper.contains(w))
        && !REFERENCE_NAME_SUFFIXES.iter().any(|s| upper.ends_with(s))
        && looks_high_entropy(v)
    {
        return Some(("high-entropy", v));
    }
    None
}

/// ARNs and dynamic references point at a secret; they are not one.
fn is_reference(v: &str) -> bool {
    v.starts_with("arn:")
        || v.starts_with("resolve:")
        || v.contains("{{resolve:")
        || (v.starts_with("${") && v.ends_with('}'))
}

/// Values that are never secrets on their own: short, numbers, booleans, UUIDs, names and
/// paths of Secrets Manager secrets or SSM parameters (`prod/payments/stripe`,
/// `MyApp-DbCredentials`, `ProdStripeApiKey`).
fn is_benign_value(v: &str) -> bool {
    v.chars().count() < 8
        || v.parse::<f64>().is_ok()
        || matches!(
            v.to_ascii_lowercase().as_str(),
            "true" | "false" | "yes" | "no" | "on" | "off" | "enabled" | "disabled" | "null"
        )
        || is_uuid(v)
        || is_path_like(v)
        || is_name_like(v)
}

fn is_uuid(v: &str) -> bool {
    let parts: Vec<&str> = v.split('-').collect();
    parts.len() == 5
        && parts
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(p, n)| p.len() == n && p.chars().all(|c| c.is_ascii_hexdigit()))
}

/// `prod/payments/stripe`, `/app/db/password`: a slash-separated name whose segments read like
/// words (one case style each). Random base64 with `/` has mixed-case segments and does not
/// qualify.
fn is_path_like(v: &str) -> bool {
    if !v.contains('/') || v.ends_with('/') {
        return false;
    }
    let segs: Vec<&str> = v.strip_prefix('/').unwrap_or(v).split('/').collect();
    segs.iter().all(|s| {
        !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
            && word_like(s)
    })
}

/// `MyApp-DbCredentials`, `ProdStripeApiKey`, `PAYMENTS_DB_SECRET`: how secrets and parameters
/// are named. Two or more words (parts split on `-_.`, and camel humps within a part), each
/// part letters with at most trailing digits, either all capitals or humps of a capital (or
/// the first letter) and lower case, three letters a word on average. Random strings
/// (`Zq8vR2mX4tL9pK7w`, `XkPqLmRtWz`) fail one of these.
fn is_name_like(v: &str) -> bool {
    let mut words = 0;
    let mut letters = 0;
    for part in v.split(['-', '_', '.']) {
        let head = part.trim_end_matches(|c: char| c.is_ascii_digit());
        if head.is_empty() || !head.chars().all(|c| c.is_ascii_alphabetic()) {
            return false;
        }
        letters += head.len();
        if head.chars().all(|c| c.is_ascii_uppercase()) {
            words += 1;
            continue;
        }
        let chars: Vec<char> = head.chars().collect();
        if chars
            .windows(2)
            .any(|p| p[0].is_ascii_uppercase() && p[1].is_ascii_uppercase())
            || chars.last().is_some_and(char::is_ascii_uppercase)
        {
            return false;
        }
        words += 1 + chars[1..].iter().filter(|c| c.is_ascii_uppercase()).count();
    }
    words >= 2 && letters >= 3 * words
}

/// Every sub-word (split on `-_.`) has one case style: all lower, all upper, or camel/Pascal
/// case (letters with optional trailing digits, no two capitals in a row, at most a third
/// capitals). Random base64 segments like `wJalrXUtnFEMI` fail this.
fn word_like(s: &str) -> bool {
    s.split(['-', '_', '.']).all(|w| {
        let letters = || w.chars().filter(|c| c.is_ascii_alphabetic());
        let all_lower = letters().all(|c| c.is_ascii_lowercase());
        let all_upper = letters().all(|c| c.is_ascii_uppercase());
        all_lower || all_upper || camel_case(w)
    })
}

fn camel_case(w: &str) -> bool {
    let head = w.trim_end_matches(|c: char| c.is_ascii_digit());
    let chars: Vec<char> = head.chars().collect();
    let uppers = chars.iter().filter(|c| c.is_ascii_uppercase()).count();
    chars.iter().all(|c| c.is_ascii_alphabetic())
        && !chars
            .windows(2)
            .any(|p| p[0].is_ascii_uppercase() && p[1].is_ascii_uppercase())
        && uppers * 3 <= chars.len()
}

fn is_boundary(c: Option<char>) -> bool {
    c.is_none_or(|c| !c.is_ascii_alphanumeric())
}

fn char_before(v: &str, i: usize) -> Option<char> {
    v[..i].chars().next_back()
}

/// `AKIA`/`ASIA` + 16 uppercase alphanumerics, not embedded in a longer word.
fn find_aws_key_id(v: &str) -> Option<&str> {
    for prefix in ["AKIA", "ASIA"] {
        for (i, _) in v.match_indices(prefix) {
            let rest = &v[i + 4..];
            let body = rest
                .chars()
                .take_while(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
                .count();
            if body == 16
                && is_boundary(char_before(v, i))
                && is_boundary(rest[16..].chars().next())
            {
                return Some(&v[i..i + 20]);
            }
        }
    }
    None
}

struct TokenRule {
    detector: &'static str,
    prefix: &'static str,
    min_body: usize,
    body: fn(char) -> bool,
}

fn alnum(c: char) -> bool {
    c.is_ascii_alphanumeric()
}
fn alnum_underscore(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}
fn alnum_dash(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-'
}
fn alnum_dash_underscore(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

const TOKEN_RULES: &[TokenRule] = &[
    TokenRule {
        detector: "stripe-live-key",
        prefix: "sk_live_",
        min_body: 10,
        body: alnum,
    },
    TokenRule {
        detector: "stripe-live-key",
        prefix: "rk_live_",
        min_body: 10,
        body: alnum,
    },
    TokenRule {
        detector: "github-token",
        prefix: "github_pat_",
        min_body: 22,
        body: alnum_underscore,
    },
    TokenRule {
        detector: "github-token",
        prefix: "ghp_",
        min_body: 30,
        body: alnum,
    },
    TokenRule {
        detector: "github-token",
        prefix: "gho_",
        min_body: 30,
        body: alnum,
    },
    TokenRule {
        detector: "github-token",
        prefix: "ghu_",
        min_body: 30,
        body: alnum,
    },
    TokenRule {
        detector: "github-token",
        prefix: "ghs_",
        min_body: 30,
        body: alnum,
    },
    TokenRule {
        detector: "github-token",
        prefix: "ghr_",
        min_body: 30,
        body: alnum,
    },
    TokenRule {
        detector: "slack-token",
        prefix: "xoxb-",
        min_body: 10,
        body: alnum_dash,
    },
    TokenRule {
        detector: "slack-token",
        prefix: "xoxa-",
        min_body: 10,
        body: alnum_dash,
    },
    TokenRule {
        detector: "slack-token",
        prefix: "xoxp-",
        min_body: 10,
        body: alnum_dash,
    },
    TokenRule {
        detector: "slack-token",
        prefix: "xoxr-",
        min_body: 10,
        body: alnum_dash,
    },
    TokenRule {
        detector: "slack-token",
        prefix: "xoxs-",
        min_body: 10,
        body: alnum_dash,
    },
    TokenRule {
        detector: "google-api-key",
        prefix: "AIza",
        min_body: 35,
        body: alnum_dash_underscore,
    },
    TokenRule {
        detector: "gitlab-token",
        prefix: "glpat-",
        min_body: 20,
        body: alnum_dash_underscore,
    },
];

fn find_token_prefix(v: &str) -> Option<(&'static str, &str)> {
    for rule in TOKEN_RULES {
        for (i, _) in v.match_indices(rule.prefix) {
            let start = i + rule.prefix.len();
            let body_len: usize = v[start..]
                .chars()
                .take_while(|&c| (rule.body)(c))
                .map(char::len_utf8)
                .sum();
            if body_len >= rule.min_body && is_boundary(char_before(v, i)) {
                return Some((rule.detector, &v[i..start + body_len]));
            }
        }
    }
    None
}

/// Three base64url parts whose first part decodes to a JSON object with `alg`.
fn find_jwt(v: &str) -> Option<&str> {
    v.split(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | ',' | ';' | '='))
        .find(|tok| is_jwt(tok))
}

fn is_jwt(tok: &str) -> bool {
    let parts: Vec<&str> = tok.split('.').collect();
    if parts.len() != 3 || parts[0].is_empty() || parts[1].is_empty() {
        return false;
    }
    let b64url = |p: &str| {
        p.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if !parts.iter().all(|p| b64url(p)) {
        return false;
    }
    let Ok(header) = URL_SAFE_NO_PAD.decode(parts[0]) else {
        return false;
    };
    serde_json::from_slice::<serde_json::Value>(&header)
        .ok()
        .and_then(|h| h.as_object().map(|o| o.contains_key("alg")))
        .unwrap_or(false)
}

/// `scheme://user:password@host`: credentials in the authority part. Placeholders such as
/// `${DB_PASSWORD}` are not credentials.
fn url_has_credentials(v: &str) -> bool {
    let Some(idx) = v.find("://") else {
        return false;
    };
    let rest = &v[idx + 3..];
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let Some((userinfo, _host)) = authority.rsplit_once('@') else {
        return false;
    };
    match userinfo.split_once(':') {
        Some((_user, pass)) => {
            !pass.is_empty() && !pass.starts_with("${") && !pass.starts_with("{{") && pass != "*"
        }
        None => false,
    }
}

/// 40 characters of base64 with upper, lower and digit all present (a hex digest or a word
/// does not qualify).
fn looks_like_aws_secret_key(v: &str) -> bool {
    v.len() == 40
        && v.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '/' || c == '+')
        && v.chars().any(|c| c.is_ascii_uppercase())
        && v.chars().any(|c| c.is_ascii_lowercase())
        && v.chars().any(|c| c.is_ascii_digit())
}

/// Long, no whitespace, at least two character classes (lower/upper/digit/symbol, where the
/// separators `-_./:` do not count as symbols, so `payments-db-credentials` is one class), and
/// Shannon entropy above [`HIGH_ENTROPY_BITS`].
fn looks_high_entropy(v: &str) -> bool {
    if v.chars().count() < HIGH_ENTROPY_MIN_LEN || v.chars().any(char::is_whitespace) {
        return false;
    }
    let classes = [
        v.chars().any(|c| c.is_ascii_lowercase()),
        v.chars().any(|c| c.is_ascii_uppercase()),
        v.chars().any(|c| c.is_ascii_digit()),
        v.chars()
            .any(|c| !c.is_ascii_alphanumeric() && !matches!(c, '-' | '_' | '.' | '/' | ':')),
    ]
    .iter()
    .filter(|b| **b)
    .count();
    classes >= 2 && shannon_entropy(v) >= HIGH_ENTROPY_BITS
}

/// Bits per character.
pub fn shannon_entropy(v: &str) -> f64 {
    let mut counts: BTreeMap<char, usize> = BTreeMap::new();
    for c in v.chars() {
        *counts.entry(c).or_default() += 1;
    }
    let n = v.chars().count() as f64;
    if n == 0.0 {
        return 0.0;
    }
    counts
        .values()
        .map(|&k| {
            let p = k as f64 / n;
            -p * p.log2()
        })
        .sum()
}

#[cfg(test)]
mod tests {
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
}
