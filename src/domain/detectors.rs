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
    // HTTP headers and JSON fields: `x-api-key`, `api-key`.
    "API-KEY",
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

/// Every detection needs one of these words in the variable's name (in any case)…
pub fn name_markers() -> impl Iterator<Item = &'static str> {
    SECRET_NAME_WORDS
        .iter()
        .chain(AWS_SECRET_NAME_WORDS)
        .copied()
}

/// …or one of these in its value, as written: the token prefixes, an AWS access key id's, a
/// private key block's, a URL's, and every way a JWT's base64url header can begin (a JSON
/// object: `{`, then `"` or JSON white space, then any byte, encode to these three
/// characters). A line with none of them, in a file without an AWS access key id, holds no
/// detection, so it need not be judged (`domain::code_secrets`).
pub fn value_markers() -> impl Iterator<Item = &'static str> {
    const JWT_STARTS: [&str; 20] = [
        // `{"` then a byte: e y [IJKL]; `{ `: e y [ABCD]; `{\t`: e w [klmn]; `{\n`: e w
        // [opqr]; `{\r`: e w [0123].
        "eyI", "eyJ", "eyK", "eyL", "eyA", "eyB", "eyC", "eyD", "ewk", "ewl", "ewm", "ewn", "ewo",
        "ewp", "ewq", "ewr", "ew0", "ew1", "ew2", "ew3",
    ];
    TOKEN_RULES
        .iter()
        .map(|r| r.prefix)
        .chain(["AKIA", "ASIA", "PRIVATE KEY", "://"])
        .chain(JWT_STARTS)
}

/// One variable's detection; `beside_key_id`: another variable beside it (in the same map or
/// file) holds an AWS access key id, which makes a 40-character value a secret key.
pub fn detect_variable(name: &str, value: &str, beside_key_id: bool) -> Option<Detection> {
    detect(name, value, beside_key_id).map(|(detector, shown)| Detection {
        variable: name.to_string(),
        detector,
        masked: mask(shown),
    })
}

/// Whether `value` holds an AWS access key id.
pub fn holds_aws_key_id(value: &str) -> bool {
    find_aws_key_id(value).is_some()
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
mod tests;
