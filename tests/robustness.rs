//! Robustness, proven rather than hoped:
//!
//! - property tests (proptest, stable Rust) that feed arbitrary bytes, arbitrary JSON shapes
//!   and arbitrary TOML-ish documents to every parser of outside input — the IAM policy
//!   parser and its evaluation, the snapshot loader (in memory and from a file), and the
//!   `config.toml`, `keys.toml` and theme parsers — and assert that none panics and every
//!   failure is a clear error (non-empty, naming the file where there is one);
//! - a round trip: a generated policy, written as JSON, parsed and evaluated, decides every
//!   (action, resource) as an independent model of IAM's rules does;
//! - a soak test: the live scheduler over a fake collector whose answers change every cycle
//!   (resources appear, change and vanish; listings fail; pollers panic), 1,000 poll cycles
//!   of every area, with the real app state fed every event and checked after every batch.
//!
//! Each property runs `PARAPET_PROPTEST_CASES` cases (default 100,000; the file-based ones a
//! fiftieth of that). Failures are not persisted: CI never writes into the source tree.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config as ProptestConfig, TestCaseError};
use serde_json::{Map, Value, json};

use parapet::app::keymap::{KEY_DEFS, KeyChord, Keymap};
use parapet::app::theme::{Origin, ThemeSet, Token};
use parapet::config::{Config, ConfigError};
use parapet::domain::arn::{self, account_of};
use parapet::domain::assessment::Assessment;
use parapet::domain::checks;
use parapet::domain::collection::CollectionStatus;
use parapet::domain::policy::{Effect, PolicyDocument, Principal, glob_match, specific_value};
use parapet::domain::snapshot::Snapshot;
use parapet::export::{self, ExportErrorKind};
use time::OffsetDateTime;
use time::macros::datetime;

// ───────────────────────────── budget ─────────────────────────────

/// Cases per parser: `PARAPET_PROPTEST_CASES`, default 100,000.
pub(crate) fn cases() -> u32 {
    std::env::var("PARAPET_PROPTEST_CASES")
        .ok()
        .and_then(|v| v.trim().replace('_', "").parse().ok())
        .unwrap_or(100_000)
}

/// `cases` cases, nothing written to disk, and a bounded shrink (a failure is reported
/// within a minute).
pub(crate) fn budget(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: None,
        max_shrink_iters: 4_096,
        max_shrink_time: 60_000,
        ..ProptestConfig::default()
    }
}

/// Properties that touch the disk run a fiftieth of the budget (at least 100 cases).
pub(crate) fn disk_budget() -> ProptestConfig {
    budget((cases() / 50).max(100))
}

const NOW: OffsetDateTime = datetime!(2026-03-02 09:30:00 UTC);

// ───────────────────────────── shared strategies ─────────────────────────────

/// Arbitrary bytes, read as text the way a lossy reader would.
fn lossy_text() -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<u8>(), 0..400)
        .prop_map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// Short arbitrary Unicode (control characters, combining marks, astral planes).
fn any_string(max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(any::<char>(), 0..max).prop_map(String::from_iter)
}

/// A string from `pool` most of the time, else arbitrary Unicode.
fn pooled(pool: &'static [&'static str]) -> BoxedStrategy<String> {
    prop_oneof![
        4 => proptest::sample::select(pool).prop_map(str::to_string),
        1 => any_string(12),
    ]
    .boxed()
}

/// Text made of tokens of the format (so it gets past the first character more often than
/// random bytes do), glued without any grammar.
pub(crate) fn token_soup(tokens: &'static [&'static str]) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            6 => proptest::sample::select(tokens).prop_map(str::to_string),
            1 => any_string(3),
        ],
        0..40,
    )
    .prop_map(|parts| parts.concat())
}

/// Arbitrary JSON whose object keys and strings come mostly from `keys` and `strings`.
fn json_value(
    keys: &'static [&'static str],
    strings: &'static [&'static str],
) -> BoxedStrategy<Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        pooled(strings).prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 48, 6, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::vec((pooled(keys), inner), 0..6)
                .prop_map(|kv| Value::Object(kv.into_iter().collect::<Map<_, _>>())),
        ]
    })
    .boxed()
}

/// Byte-level damage to a valid document: flips, deletions, insertions, truncation.
#[derive(Clone, Debug)]
enum Damage {
    Flip(Index, u8),
    Delete(Index, usize),
    Insert(Index, Vec<u8>),
    Truncate(Index),
    /// Swap a JSON scalar somewhere for another one.
    Splice(Index, &'static str),
}

fn damage() -> impl Strategy<Value = Vec<Damage>> {
    let one = prop_oneof![
        (any::<Index>(), any::<u8>()).prop_map(|(i, b)| Damage::Flip(i, b)),
        (any::<Index>(), 1usize..64).prop_map(|(i, n)| Damage::Delete(i, n)),
        (any::<Index>(), proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Damage::Insert(i, b)),
        any::<Index>().prop_map(Damage::Truncate),
        (
            any::<Index>(),
            proptest::sample::select(
                &[
                    "null",
                    "true",
                    "-1",
                    "1e999",
                    "\"\"",
                    "[]",
                    "{}",
                    "\"x\"",
                    "18446744073709551616",
                    ",",
                    ":",
                    "\"\\ud800\"",
                ][..]
            )
        )
            .prop_map(|(i, s)| Damage::Splice(i, s)),
    ];
    proptest::collection::vec(one, 1..6)
}

fn apply_damage(mut bytes: Vec<u8>, damage: &[Damage]) -> Vec<u8> {
    for d in damage {
        if bytes.is_empty() {
            break;
        }
        match d {
            Damage::Flip(i, b) => {
                let i = i.index(bytes.len());
                bytes[i] ^= b | 1;
            }
            Damage::Delete(i, n) => {
                let i = i.index(bytes.len());
                let end = (i + n).min(bytes.len());
                bytes.drain(i..end);
            }
            Damage::Insert(i, b) => {
                let i = i.index(bytes.len() + 1);
                bytes.splice(i..i, b.iter().copied());
            }
            Damage::Truncate(i) => {
                let i = i.index(bytes.len());
                bytes.truncate(i);
            }
            Damage::Splice(i, s) => {
                // Replace the scalar (or punctuation) starting at the next value boundary.
                let start = i.index(bytes.len());
                let Some(at) = bytes[start..]
                    .iter()
                    .position(|b| matches!(b, b':' | b'[' | b','))
                    .map(|p| start + p + 1)
                else {
                    continue;
                };
                let end = bytes[at..]
                    .iter()
                    .position(|b| matches!(b, b',' | b'}' | b']' | b'\n'))
                    .map_or(bytes.len(), |p| at + p);
                bytes.splice(at..end, s.bytes());
            }
        }
    }
    bytes
}

/// A clear error: something to read.
fn assert_clear(message: &str, what: &str) {
    assert!(!message.trim().is_empty(), "{what}: empty error message");
}

// ───────────────────────────── IAM policies ─────────────────────────────

const POLICY_KEYS: &[&str] = &[
    "Version",
    "Id",
    "Statement",
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
    "AWS",
    "aws",
    "Service",
    "Federated",
    "CanonicalUser",
    "*",
    "StringEquals",
    "StringNotEquals",
    "StringLike",
    "ForAnyValue:StringEquals",
    "ForAllValues:StringLike",
    "StringEqualsIfExists",
    "Null",
    "Bool",
    "ArnLike",
    "IpAddress",
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:PrincipalOrgID",
    "aws:SourceVpce",
    "aws:SecureTransport",
    "lambda:FunctionUrlAuthType",
    "FunctionUrlAuthType",
];

const POLICY_STRINGS: &[&str] = &[
    "2012-10-17",
    "Allow",
    "Deny",
    "allow",
    "DENY",
    "Maybe",
    "*",
    "",
    "?",
    "**",
    "s3:*",
    "s3:Get*",
    "s3:GetObject",
    "lambda:Invoke*",
    "lambda:InvokeFunctionUrl",
    "kms:Decr?pt",
    "iam:PassRole",
    "secretsmanager:GetSecretValue",
    "arn:aws:s3:::orders/*",
    "arn:aws:iam::111122223333:root",
    "arn:aws:iam::*:root",
    "arn:aws:sts::444455556666:assumed-role/r/s",
    "arn:aws:lambda:us-east-1:111122223333:function:api",
    "111122223333",
    "11112222333",
    "s3.amazonaws.com",
    "events.amazonaws.com.cn",
    "cognito-identity.amazonaws.com",
    "NONE",
    "AWS_IAM",
    "o-a1b2c3d4e5",
    "o-*",
    "vpce-*",
    "vpce-0a1b2c3d",
    "0.0.0.0/0",
    "::/0",
    "203.0.113.0/24",
    "true",
    "false",
    "%7B",
    "%",
    "{\"Statement\":[]}",
    "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"*\",\"Resource\":\"*\"}}",
    "\"{\\\"Statement\\\":[]}\"",
];

const POLICY_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    "\"",
    " ",
    "\n",
    "\\",
    "\\\"",
    "\\u00e9",
    "\\ud800",
    "null",
    "true",
    "false",
    "0",
    "-1.5e3",
    "\"Statement\"",
    "\"Effect\"",
    "\"Allow\"",
    "\"Deny\"",
    "\"Action\"",
    "\"Resource\"",
    "\"Principal\"",
    "\"Condition\"",
    "\"*\"",
    "\"AWS\"",
    "%",
    "%7B",
    "%7D",
    "%22",
    "%5B",
    "%3A",
    "%2",
    "%€",
    "%+7",
    "€",
    "\u{0}",
];

/// A policy document in one of the shapes the parser accepts or should refuse: arbitrary
/// JSON, a policy-shaped object whose statements are arbitrary, either of them wrapped in a
/// JSON string (once or twice) or URL-encoded.
fn policy_json() -> impl Strategy<Value = String> {
    let any_json = json_value(POLICY_KEYS, POLICY_STRINGS);
    let statement = proptest::collection::vec(
        (
            proptest::sample::select(POLICY_KEYS),
            json_value(POLICY_KEYS, POLICY_STRINGS),
        ),
        0..8,
    )
    .prop_map(|kv| {
        Value::Object(
            kv.into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<Map<_, _>>(),
        )
    })
    .boxed();
    let shaped = (
        any::<bool>(),
        prop_oneof![
            statement.clone(),
            proptest::collection::vec(statement, 0..5).prop_map(Value::Array),
            json_value(POLICY_KEYS, POLICY_STRINGS),
        ],
    )
        .prop_map(|(version, statements)| {
            let mut doc = Map::new();
            if version {
                doc.insert("Version".into(), json!("2012-10-17"));
            }
            doc.insert("Statement".into(), statements);
            Value::Object(doc)
        });
    (prop_oneof![any_json, shaped], 0u8..5).prop_map(|(doc, wrap)| match wrap {
        0 => Value::String(doc.to_string()).to_string(),
        1 => Value::String(Value::String(doc.to_string()).to_string()).to_string(),
        2 => url_encode(&doc.to_string()),
        _ => doc.to_string(),
    })
}

/// IAM's GetPolicyVersion encoding: everything but ASCII alphanumerics as `%XX`.
fn url_encode(text: &str) -> String {
    text.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// Every read-only question the app asks of a parsed policy, with `probes` as the actions,
/// resources, services and keys asked about. Returns nothing: the point is that none panics.
fn interrogate(doc: &PolicyDocument, probes: &[String]) {
    let probe = |i: usize| {
        probes
            .get(i % probes.len().max(1))
            .map_or("", String::as_str)
    };
    for (i, _) in probes.iter().enumerate() {
        let _ = doc.allows(probe(i), probe(i + 1));
    }
    let allow_count = doc.allow_statements().count();
    assert_eq!(
        allow_count,
        doc.statements
            .iter()
            .filter(|s| s.effect == Effect::Allow)
            .count()
    );
    for (n, st) in doc.statements.iter().enumerate() {
        let _ = st.matches_action(probe(n));
        let _ = st.matches_resource(probe(n + 1));
        let _ = st.grants_service_wildcard(probe(n + 2));
        let _ = st.on_all_resources();
        let public = st.is_public_principal();
        assert_eq!(public, st.principal == Principal::Anyone);
        let keys: Vec<&str> = probes.iter().map(String::as_str).collect();
        let _ = st.has_condition_key(&keys);
        let _ = st.condition_values(probe(n));
        let _ = st.function_url_auth_type();
        let aws = st.aws_principals();
        let _ = st.service_principals();
        for account in st.principal_accounts() {
            assert!(
                account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit()),
                "principal_accounts gave {account:?}"
            );
        }
        for p in &aws {
            if let Some(a) = account_of(p) {
                assert!(p.contains(&a));
            }
        }
        for c in &st.conditions {
            let _ = c.operator_base();
            let _ = c.is_on(&keys);
            let _ = c.narrows(&keys);
            for v in &c.values {
                let _ = specific_value(v);
            }
        }
        for pattern in st.actions.iter().chain(&st.resources) {
            let _ = glob_match(pattern, probe(n));
        }
    }
}

fn probes() -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(pooled(POLICY_STRINGS), 1..5)
}

proptest! {
    #![proptest_config(budget(cases()))]

    /// Bytes, token soup and JSON of every shape: a policy or an error that says why, and
    /// every question about a parsed policy answered without a panic.
    #[test]
    fn policy_parser_never_panics(
        text in prop_oneof![
            2 => lossy_text(),
            2 => token_soup(POLICY_TOKENS),
            6 => policy_json(),
        ],
        probes in probes(),
    ) {
        match PolicyDocument::parse(&text) {
            Ok(doc) => interrogate(&doc, &probes),
            Err(e) => assert_clear(&e, "PolicyDocument::parse"),
        }
        for p in &probes {
            let _ = account_of(p);
            let _ = specific_value(p);
            let _ = glob_match(p, &text);
            let _ = glob_match(&text, p);
        }
    }
}

// ───────────────────────────── policy round trip ─────────────────────────────

/// A statement as the generator means it (before JSON).
#[derive(Clone, Debug)]
struct GenStatement {
    allow: bool,
    effect_spelling: &'static str,
    sid: Option<String>,
    not_action: bool,
    actions: Vec<String>,
    /// `None`: no Resource element (resource policies). `Some((not, patterns))`.
    resources: Option<(bool, Vec<String>)>,
    principal: Option<GenPrincipal>,
    /// A condition (on a Deny it makes the Deny not count for `allows`).
    condition: bool,
    /// A list of one is written as a bare string.
    bare_strings: bool,
}

#[derive(Clone, Debug)]
enum GenPrincipal {
    Star,
    AwsStar,
    Accounts(Vec<&'static str>),
    Service(&'static str),
}

const SERVICES: &[&str] = &["s3", "lambda", "kms", "iam"];
const VERBS: &[&str] = &[
    "GetObject",
    "PutObject",
    "GetBucketPolicy",
    "InvokeFunction",
    "InvokeFunctionUrl",
    "Decrypt",
    "PassRole",
    "ListRoles",
];
const RESOURCES: &[&str] = &[
    "arn:aws:s3:::orders/2024/a.csv",
    "arn:aws:s3:::orders/x",
    "arn:aws:s3:::Orders/x",
    "arn:aws:s3:::orders",
    "arn:aws:s3:::reports/x",
    "arn:aws:lambda:us-east-1:111122223333:function:api",
    "arn:aws:lambda:us-east-1:111122223333:function:API",
    "arn:aws:lambda:eu-west-1:111122223333:function:apx",
    "arn:aws:kms:eu-west-1:111122223333:key/abcd",
    "arn:aws:kms:eu-west-1:111122223333:key/ABCD",
];
/// Resource patterns: wildcards only at the end of an ARN segment or as a whole segment,
/// where IAM's "within a segment, or across colons when last" rule and a plain glob agree.
const RESOURCE_PATTERNS: &[&str] = &[
    "*",
    "arn:aws:s3:::orders/*",
    "arn:aws:s3:::Orders/*",
    "arn:aws:s3:::*",
    "arn:aws:s3:::orders*",
    "arn:aws:lambda:*:111122223333:function:*",
    "arn:aws:lambda:us-east-1:111122223333:function:ap?",
    "arn:aws:lambda:us-east-1:111122223333:function:AP?",
    "arn:aws:kms:eu-west-1:111122223333:key/*",
    "arn:aws:kms:eu-west-1:111122223333:*",
];

fn action_pattern() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(SERVICES),
        proptest::sample::select(VERBS),
        0u8..8,
        any::<bool>(),
    )
        .prop_map(|(svc, verb, shape, shout)| {
            let p = match shape {
                0 => "*".to_string(),
                1 => format!("{svc}:*"),
                2 => format!("{svc}:{}*", &verb[..3]),
                3 => format!("{svc}:{}?{}", &verb[..2], &verb[3..]),
                4 => format!("{svc}:*{}", &verb[verb.len() - 3..]),
                _ => format!("{svc}:{verb}"),
            };
            if shout { p.to_uppercase() } else { p }
        })
}

fn resource_pattern() -> impl Strategy<Value = String> {
    prop_oneof![
        proptest::sample::select(RESOURCE_PATTERNS).prop_map(str::to_string),
        proptest::sample::select(RESOURCES).prop_map(str::to_string),
    ]
}

fn gen_statement() -> impl Strategy<Value = GenStatement> {
    (
        proptest::sample::select(&["Allow", "Deny", "allow", "deny", "ALLOW", "DENY"][..]),
        proptest::option::of("[A-Za-z0-9]{1,8}"),
        any::<bool>(),
        proptest::collection::vec(action_pattern(), 1..4),
        proptest::option::of((
            any::<bool>(),
            proptest::collection::vec(resource_pattern(), 1..4),
        )),
        proptest::option::of(prop_oneof![
            Just(GenPrincipal::Star),
            Just(GenPrincipal::AwsStar),
            proptest::collection::vec(
                proptest::sample::select(
                    &[
                        "111122223333",
                        "arn:aws:iam::444455556666:root",
                        "arn:aws:iam::777788889999:role/x",
                        "AIDAEXAMPLEUSERID",
                    ][..]
                ),
                1..3
            )
            .prop_map(GenPrincipal::Accounts),
            proptest::sample::select(&["s3.amazonaws.com", "events.amazonaws.com"][..])
                .prop_map(GenPrincipal::Service),
        ]),
        (0u8..4, any::<bool>()),
    )
        .prop_map(
            |(spelling, sid, not_action, actions, resources, principal, (cond, bare))| {
                GenStatement {
                    allow: spelling.eq_ignore_ascii_case("allow"),
                    effect_spelling: spelling,
                    sid,
                    not_action,
                    actions,
                    resources,
                    principal,
                    condition: cond == 0,
                    bare_strings: bare,
                }
            },
        )
}

impl GenStatement {
    fn to_json(&self) -> Value {
        let list = |items: &[String]| {
            if self.bare_strings && items.len() == 1 {
                json!(items[0])
            } else {
                json!(items)
            }
        };
        let mut st = Map::new();
        if let Some(sid) = &self.sid {
            st.insert("Sid".into(), json!(sid));
        }
        st.insert("Effect".into(), json!(self.effect_spelling));
        let action_key = if self.not_action {
            "NotAction"
        } else {
            "Action"
        };
        st.insert(action_key.into(), list(&self.actions));
        if let Some((not, patterns)) = &self.resources {
            let key = if *not { "NotResource" } else { "Resource" };
            st.insert(key.into(), list(patterns));
        }
        if let Some(p) = &self.principal {
            let v = match p {
                GenPrincipal::Star => json!("*"),
                GenPrincipal::AwsStar => json!({"AWS": "*"}),
                GenPrincipal::Accounts(a) if a.len() == 1 && self.bare_strings => {
                    json!({"AWS": a[0]})
                }
                GenPrincipal::Accounts(a) => json!({ "AWS": a }),
                GenPrincipal::Service(s) => json!({ "Service": s }),
            };
            st.insert("Principal".into(), v);
        }
        if self.condition {
            st.insert(
                "Condition".into(),
                json!({"StringEquals": {"aws:SourceAccount": "111122223333"}}),
            );
        }
        Value::Object(st)
    }

    fn public(&self) -> bool {
        matches!(
            self.principal,
            Some(GenPrincipal::Star | GenPrincipal::AwsStar)
        )
    }

    fn accounts(&self) -> Vec<String> {
        match &self.principal {
            Some(GenPrincipal::Accounts(a)) => a.iter().filter_map(|p| model_account(p)).collect(),
            _ => Vec::new(),
        }
    }
}

/// The account in a bare id or an ARN, written independently of `policy::account_of`.
fn model_account(p: &str) -> Option<String> {
    if p.len() == 12 && p.chars().all(|c| c.is_ascii_digit()) {
        return Some(p.to_string());
    }
    let account = p.strip_prefix("arn:")?.split(':').nth(3)?;
    (account.len() == 12 && account.chars().all(|c| c.is_ascii_digit()))
        .then(|| account.to_string())
}

/// IAM wildcard matching: `*` any sequence (also empty), `?` exactly one character.
fn model_glob(pattern: &[char], value: &[char]) -> bool {
    // Classic two-pointer match with backtracking to the last `*`.
    let (mut p, mut v) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while v < value.len() {
        if p < pattern.len() && (pattern[p] == '?' || pattern[p] == value[v]) {
            p += 1;
            v += 1;
        } else if p < pattern.len() && pattern[p] == '*' {
            star = Some((p, v));
            p += 1;
        } else if let Some((sp, sv)) = star {
            p = sp + 1;
            v = sv + 1;
            star = Some((sp, sv + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|c| *c == '*')
}

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

/// IAM: action names are case-insensitive.
fn model_action_matches(st: &GenStatement, action: &str) -> bool {
    let action = chars(&action.to_lowercase());
    let listed = st
        .actions
        .iter()
        .any(|p| model_glob(&chars(&p.to_lowercase()), &action));
    listed != st.not_action
}

/// IAM: resource ARNs are case-sensitive. No Resource
/// element (a resource policy) covers every resource.
fn model_resource_matches(st: &GenStatement, resource: &str, fold_case: bool) -> bool {
    let fold = |s: &str| {
        if fold_case {
            s.to_lowercase()
        } else {
            s.to_string()
        }
    };
    match &st.resources {
        None => true,
        Some((not, patterns)) => {
            let r = chars(&fold(resource));
            let listed = patterns.iter().any(|p| model_glob(&chars(&fold(p)), &r));
            listed != *not
        }
    }
}

/// `allows` as documented: an explicit unconditional Deny wins; otherwise any matching
/// Allow (conditions on an Allow do not stop it: "can this role do X" counts a conditional
/// grant). Principals play no part.
fn model_allows(stmts: &[GenStatement], action: &str, resource: &str, fold_case: bool) -> bool {
    let hit = |s: &GenStatement| {
        model_action_matches(s, action) && model_resource_matches(s, resource, fold_case)
    };
    let denied = stmts.iter().any(|s| !s.allow && !s.condition && hit(s));
    !denied && stmts.iter().any(|s| s.allow && hit(s))
}

fn query_action() -> impl Strategy<Value = String> {
    (
        proptest::sample::select(SERVICES),
        proptest::sample::select(VERBS),
        0u8..3,
    )
        .prop_map(|(svc, verb, case)| match case {
            0 => format!("{svc}:{verb}"),
            1 => format!("{svc}:{verb}").to_lowercase(),
            _ => format!("{}:{verb}", svc.to_uppercase()),
        })
}

/// A whole generated policy and how it is written (bare statement object or list, wrapped
/// in a JSON string, URL-encoded).
fn gen_policy() -> impl Strategy<Value = (Vec<GenStatement>, u8, bool)> {
    (
        proptest::collection::vec(gen_statement(), 1..6),
        0u8..6,
        any::<bool>(),
    )
}

fn write_policy(stmts: &[GenStatement], wrap: u8, single_as_object: bool) -> String {
    let statements = if single_as_object && stmts.len() == 1 {
        stmts[0].to_json()
    } else {
        Value::Array(stmts.iter().map(GenStatement::to_json).collect())
    };
    let doc = json!({"Version": "2012-10-17", "Statement": statements});
    match wrap {
        0 => Value::String(doc.to_string()).to_string(),
        1 => url_encode(&doc.to_string()),
        2 => serde_json::to_string_pretty(&doc).unwrap(),
        _ => doc.to_string(),
    }
}

proptest! {
    #![proptest_config(budget(cases()))]

    /// A generated policy survives JSON and the parser with its meaning: every statement's
    /// effect, actions, resources and principal come back, and `allows` decides every probe
    /// as the IAM model does.
    #[test]
    fn generated_policies_round_trip_through_parse_and_evaluation(
        (stmts, wrap, single) in gen_policy(),
        queries in proptest::collection::vec(
            (query_action(), proptest::sample::select(RESOURCES)),
            1..8,
        ),
    ) {
        let text = write_policy(&stmts, wrap, single);
        let doc = PolicyDocument::parse(&text)
            .unwrap_or_else(|e| panic!("a valid generated policy was refused: {e}\n{text}"));
        prop_assert_eq!(doc.statements.len(), stmts.len());
        for (got, want) in doc.statements.iter().zip(&stmts) {
            prop_assert_eq!(got.effect == Effect::Allow, want.allow);
            prop_assert_eq!(&got.sid, &want.sid);
            prop_assert_eq!(&got.actions, &want.actions);
            prop_assert_eq!(got.not_action, want.not_action);
            match &want.resources {
                None => prop_assert!(got.resources.is_empty() && !got.not_resource),
                Some((not, patterns)) => {
                    prop_assert_eq!(&got.resources, patterns);
                    prop_assert_eq!(got.not_resource, *not);
                }
            }
            prop_assert_eq!(got.is_public_principal(), want.public());
            prop_assert_eq!(got.principal_accounts(), want.accounts());
            prop_assert_eq!(got.conditions.len(), usize::from(want.condition));
            for q in 0..3 {
                let action = format!("{}:{}", SERVICES[q % SERVICES.len()], VERBS[q]);
                prop_assert_eq!(got.matches_action(&action), model_action_matches(want, &action));
            }
        }
        for (action, resource) in &queries {
            let iam = model_allows(&stmts, action, resource, false);
            let got = doc.allows(action, resource);
            prop_assert!(
                got == iam,
                "allows({}, {}) = {} but IAM says {}\n{}",
                action, resource, got, iam, text
            );
        }
    }
}

/// IAM matches resource ARNs case-sensitively (actions are not): `arn:aws:s3:::orders/*`
/// does not cover `arn:aws:s3:::Orders/x`. The round trip found Parapet folding case here.
#[test]
fn resource_arns_match_case_sensitively() {
    let doc = PolicyDocument::parse(
        r#"{"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::orders/*"}}"#,
    )
    .unwrap();
    assert!(doc.allows("s3:GetObject", "arn:aws:s3:::orders/x"));
    assert!(!doc.allows("s3:GetObject", "arn:aws:s3:::Orders/x"));
}

/// The model's glob is the reference the round trip trusts: pin it on IAM's own examples.
#[test]
fn model_glob_follows_iam_wildcards() {
    let m = |p: &str, v: &str| model_glob(&chars(p), &chars(v));
    assert!(m("*", ""));
    assert!(m("s3:Get*", "s3:GetObject"));
    assert!(m("kms:Decr?pt", "kms:Decrypt"));
    assert!(!m("kms:Decr?pt", "kms:Decrpt"));
    assert!(m("arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y"));
    assert!(m("a*b*c", "aXXbYYc"));
    assert!(!m("a*b*c", "aXXbYY"));
    assert!(
        !m("s3:Get*", "S3:GETOBJECT"),
        "the model glob itself is exact"
    );
    assert_eq!(
        model_account("arn:aws:iam::444455556666:root").as_deref(),
        Some("444455556666")
    );
    assert_eq!(
        arn::account_of("arn:aws:iam::444455556666:root"),
        model_account("arn:aws:iam::444455556666:root")
    );
}

// ───────────────────────────── snapshots ─────────────────────────────

/// The demo account's snapshot, built the way `parapet --demo --export` builds it.
fn demo_snapshot() -> &'static Snapshot {
    static SNAPSHOT: OnceLock<Snapshot> = OnceLock::new();
    SNAPSHOT.get_or_init(|| {
        let config = Config::default();
        let inventory = parapet::demo::inventory(NOW);
        let assessment = Assessment::evaluate(&inventory, &config.context(NOW), &config.mutes());
        let collection = parapet::demo::batches(NOW)
            .into_iter()
            .map(|b| CollectionStatus {
                account_id: String::new(),
                area: b.area,
                region: b.region,
                status: b.status,
                error: b.error,
                duration_ms: Some(b.duration.as_millis() as u64),
                progress: None,
            })
            .collect();
        Snapshot::of(
            assessment,
            inventory.account_id.clone(),
            Some("shop-prod".into()),
            inventory.regions.clone(),
            collection,
            NOW,
        )
        .with_mutes(vec![parapet::domain::assessment::Mute {
            check_id: "apigw.no-waf".into(),
            resource: None,
            reason: "dev stage".into(),
            ..Default::default()
        }])
    })
}

/// Valid snapshot texts to damage: the whole demo export, and small ones cut from it (a
/// few findings of every status, every collection status), pretty and compact.
fn valid_snapshots() -> &'static [Vec<u8>] {
    static TEXTS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        let full = demo_snapshot();
        let mut small = full.clone();
        let mut seen = BTreeSet::new();
        small
            .findings
            .retain(|f| seen.insert(format!("{:?}", f.status)));
        small.collection.truncate(3);
        let mut texts = vec![
            small.to_json_pretty().unwrap().into_bytes(),
            serde_json::to_vec(&small).unwrap(),
        ];
        let mut tiny = small.clone();
        tiny.findings.truncate(1);
        tiny.mutes = None;
        texts.push(serde_json::to_vec(&tiny).unwrap());
        texts.push(full.to_json_pretty().unwrap().into_bytes());
        for t in &texts {
            let text = std::str::from_utf8(t).unwrap();
            Snapshot::parse(text).expect("the undamaged snapshot reads");
        }
        texts
    })
}

const SNAPSHOT_KEYS: &[&str] = &[
    "schema_version",
    "tool",
    "name",
    "version",
    "generated_at",
    "account",
    "id",
    "profile",
    "regions",
    "score",
    "overall",
    "grade",
    "categories",
    "formula",
    "weights",
    "coverage",
    "collection",
    "area",
    "region",
    "status",
    "error",
    "duration_ms",
    "findings",
    "check_id",
    "severity",
    "category",
    "service",
    "resource_id",
    "resource_name",
    "message",
    "evidence",
    "remediation",
    "mutes",
    "reason",
];

const SNAPSHOT_STRINGS: &[&str] = &[
    "parapet",
    "0.1.0",
    "2026-03-02T09:30:00Z",
    "2026-02-30T25:61:00Z",
    "111122223333",
    "us-east-1",
    "functions",
    "ok",
    "failed",
    "pass",
    "fail",
    "unknown",
    "muted",
    "not_applicable",
    "critical",
    "high",
    "exposure",
    "lambda",
    "A",
    "lambda.public-url",
];

const SNAPSHOT_TOKENS: &[&str] = &[
    "{",
    "}",
    "[",
    "]",
    ":",
    ",",
    " ",
    "\n",
    "\"",
    "\"schema_version\"",
    "1",
    "2",
    "0",
    "-1",
    "1.5",
    "99999999999999999999",
    "null",
    "true",
    "\"findings\"",
    "\"tool\"",
    "\"x\"",
    "\\",
    "\\u0000",
    "\u{feff}",
    "€",
];

/// A snapshot text: bytes, token soup, arbitrary JSON (a third with `schema_version: 2` and
/// a third with `1`, so it reaches the field checks of both versions), or a damaged valid snapshot.
fn snapshot_bytes() -> impl Strategy<Value = Vec<u8>> {
    let json_doc = (json_value(SNAPSHOT_KEYS, SNAPSHOT_STRINGS), 0u8..3).prop_map(|(v, how)| {
        let v = match (how, v) {
            (0, Value::Object(mut m)) => {
                m.insert("schema_version".into(), json!(2));
                Value::Object(m)
            }
            (1, v) => json!({"schema_version": 1, "findings": v}),
            (_, v) => v,
        };
        v.to_string().into_bytes()
    });
    let damaged = (0usize..3, damage())
        .prop_map(|(which, d)| apply_damage(valid_snapshots()[which].clone(), &d));
    prop_oneof![
        2 => proptest::collection::vec(any::<u8>(), 0..400),
        2 => token_soup(SNAPSHOT_TOKENS).prop_map(String::into_bytes),
        3 => json_doc,
        3 => damaged,
    ]
}

proptest! {
    #![proptest_config(budget(cases()))]

    /// Whatever the text, `Snapshot::parse` returns a snapshot or a one-line reason; a
    /// snapshot it accepts writes back out and reads again the same.
    #[test]
    fn snapshot_parser_never_panics(bytes in snapshot_bytes()) {
        let text = String::from_utf8_lossy(&bytes);
        match Snapshot::parse(&text) {
            Ok(snapshot) => {
                let again = snapshot.to_json_pretty().expect("an accepted snapshot serializes");
                let back = Snapshot::parse(&again).expect("what Parapet writes, it reads");
                prop_assert_eq!(back, snapshot.clone());
                let _ = snapshot.to_assessment();
                let _ = snapshot.score_is_consistent();
                let _ = snapshot.default_file_name();
            }
            Err(e) => {
                let shown = e.to_string();
                assert_clear(&shown, "Snapshot::parse");
                prop_assert!(!shown.contains('\n'), "{:?}", shown);
            }
        }
    }
}

/// Runs `test` on `disk_budget()` cases of `strategy`, each written to `file` in one scratch
/// directory (a directory per case would cost more than the parsing).
fn on_disk<S: Strategy>(
    file: &str,
    strategy: S,
    test: impl Fn(&Path, &S::Value) -> Result<(), TestCaseError>,
) where
    S::Value: AsRef<[u8]>,
{
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(file);
    let mut runner = proptest::test_runner::TestRunner::new(disk_budget());
    if let Err(e) = runner.run(&strategy, |bytes| {
        std::fs::write(&path, bytes.as_ref()).unwrap();
        test(&path, &bytes)
    }) {
        panic!("{e}");
    }
}

/// The same through a file (raw bytes, so invalid UTF-8 too): a snapshot or an error that
/// names the file, on one line.
#[test]
fn snapshot_files_never_panic() {
    let bytes = prop_oneof![
        4 => snapshot_bytes(),
        1 => damage().prop_map(|d| apply_damage(valid_snapshots()[3].clone(), &d)),
    ];
    on_disk(
        "parapet-111122223333-20260302T093000Z.json",
        bytes,
        |path, bytes| {
            match export::read_snapshot(path) {
                Ok(snapshot) => prop_assert_eq!(snapshot.schema_version, 2),
                Err(e) => {
                    prop_assert_eq!(&e.path, path);
                    let shown = e.to_string();
                    prop_assert!(
                        shown.starts_with(&format!("{}: ", path.display())),
                        "does not name the file: {}",
                        shown
                    );
                    assert_clear(&e.reason(), "read_snapshot");
                    prop_assert!(!shown.contains('\n'), "{:?}", shown);
                    if std::str::from_utf8(bytes).is_err() {
                        prop_assert!(matches!(e.kind, ExportErrorKind::NotUtf8), "{}", shown);
                    }
                }
            }
            Ok(())
        },
    );
}

#[test]
fn the_whole_demo_snapshot_survives_damage_too() {
    // The big document is parsed a few hundred times here (a full budget of it would
    // dominate the run): the properties above damage the small ones.
    let full = &valid_snapshots()[3];
    let mut runner = proptest::test_runner::TestRunner::new(budget((cases() / 200).max(50)));
    runner
        .run(&damage(), |d| {
            let bytes = apply_damage(full.clone(), &d);
            match Snapshot::parse(&String::from_utf8_lossy(&bytes)) {
                Ok(_) => {}
                Err(e) => assert_clear(&e.to_string(), "Snapshot::parse"),
            }
            Ok(())
        })
        .unwrap();
}

// ───────────────────────────── TOML files ─────────────────────────────

/// A TOML value of every type TOML has, plus deliberate garbage.
#[derive(Clone, Debug)]
enum Toml {
    Str(String, u8),
    Int(i64, u8),
    Float(f64),
    Bool(bool),
    Datetime(&'static str),
    Array(Vec<Toml>),
    Inline(Vec<(String, Toml)>),
    /// Text pasted as-is: an unterminated string, a stray bracket, ...
    Raw(String),
}

#[derive(Clone, Debug)]
enum Line {
    KeyValue(Vec<String>, Toml),
    Table(Vec<String>),
    ArrayTable(Vec<String>),
    Comment(String),
    Blank,
    Raw(String),
}

const TOML_GARBAGE: &[&str] = &[
    "\"unterminated",
    "'also",
    "[",
    "]",
    "[[",
    "= 1",
    "key =",
    "a.b.c = ",
    "\"\"\"",
    "{ x = 1",
    "0x",
    "1__0",
    "+inf",
    "nan",
    "\\",
    "\u{0}",
    "€",
    "\t",
    "\r\n",
    "#",
];

const DATETIMES: &[&str] = &[
    "1979-05-27T07:32:00Z",
    "1979-05-27T00:32:00.999999-07:00",
    "1979-05-27 07:32:00",
    "1979-05-27",
    "07:32:00",
    "2026-02-30T25:61:00Z",
];

fn toml_value(strings: &'static [&'static str]) -> BoxedStrategy<Toml> {
    let leaf = prop_oneof![
        4 => (pooled(strings), 0u8..4).prop_map(|(s, style)| Toml::Str(s, style)),
        2 => (prop_oneof![any::<i64>(), -5i64..400], 0u8..5).prop_map(|(n, style)| Toml::Int(n, style)),
        1 => any::<f64>().prop_map(Toml::Float),
        1 => any::<bool>().prop_map(Toml::Bool),
        1 => proptest::sample::select(DATETIMES).prop_map(Toml::Datetime),
        1 => proptest::sample::select(TOML_GARBAGE).prop_map(|s| Toml::Raw(s.to_string())),
    ];
    leaf.prop_recursive(3, 24, 5, move |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Toml::Array),
            proptest::collection::vec((pooled(strings), inner), 0..4).prop_map(Toml::Inline),
        ]
    })
    .boxed()
}

fn key_path(keys: &'static [&'static str]) -> impl Strategy<Value = Vec<String>> {
    prop_oneof![
        6 => pooled(keys).prop_map(|k| vec![k]),
        1 => proptest::collection::vec(pooled(keys), 1..4),
    ]
}

/// A TOML-ish document over a format's own key names and values.
fn toml_doc(
    keys: &'static [&'static str],
    strings: &'static [&'static str],
) -> impl Strategy<Value = String> {
    let line = prop_oneof![
        8 => (key_path(keys), toml_value(strings)).prop_map(|(k, v)| Line::KeyValue(k, v)),
        2 => key_path(keys).prop_map(Line::Table),
        1 => key_path(keys).prop_map(Line::ArrayTable),
        1 => any_string(10).prop_map(Line::Comment),
        1 => Just(Line::Blank),
        1 => proptest::sample::select(TOML_GARBAGE).prop_map(|s| Line::Raw(s.to_string())),
    ];
    proptest::collection::vec(line, 0..12).prop_map(|lines| {
        let mut out = String::new();
        for l in &lines {
            render_line(l, &mut out);
            out.push('\n');
        }
        out
    })
}

fn render_key(k: &str) -> String {
    if !k.is_empty()
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        k.to_string()
    } else {
        basic_string(k)
    }
}

fn render_path(path: &[String]) -> String {
    path.iter()
        .map(|k| render_key(k))
        .collect::<Vec<_>>()
        .join(".")
}

fn basic_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", c as u32 & 0xFFFF)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn render_value(v: &Toml, out: &mut String) {
    match v {
        Toml::Str(s, style) => match style {
            1 if !s.contains(['\'', '\n', '\r']) && !s.chars().any(char::is_control) => {
                out.push_str(&format!("'{s}'"))
            }
            2 if !s.contains("'''") => out.push_str(&format!("'''\n{s}'''")),
            3 => out.push_str(&format!("\"\"{}\"\"", basic_string(s))),
            _ => out.push_str(&basic_string(s)),
        },
        Toml::Int(n, style) => match style {
            1 if *n >= 0 => out.push_str(&format!("0x{n:X}")),
            2 if *n >= 0 => out.push_str(&format!("0o{n:o}")),
            3 if *n >= 0 => out.push_str(&format!("0b{n:b}")),
            4 if n.abs() >= 1000 => {
                let s = n.abs().to_string();
                let mut grouped = String::new();
                for (i, c) in s.chars().enumerate() {
                    if i > 0 && (s.len() - i) % 3 == 0 {
                        grouped.push('_');
                    }
                    grouped.push(c);
                }
                out.push_str(if *n < 0 { "-" } else { "" });
                out.push_str(&grouped);
            }
            _ => out.push_str(&n.to_string()),
        },
        Toml::Float(f) => {
            if f.is_nan() {
                out.push_str("nan");
            } else if f.is_infinite() {
                out.push_str(if *f > 0.0 { "inf" } else { "-inf" });
            } else {
                let s = format!("{f:?}");
                out.push_str(&s);
                if !s.contains(['.', 'e', 'E']) {
                    out.push_str(".0");
                }
            }
        }
        Toml::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Toml::Datetime(d) => out.push_str(d),
        Toml::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render_value(item, out);
            }
            out.push(']');
        }
        Toml::Inline(kv) => {
            out.push_str("{ ");
            for (i, (k, v)) in kv.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&render_key(k));
                out.push_str(" = ");
                render_value(v, out);
            }
            out.push_str(" }");
        }
        Toml::Raw(s) => out.push_str(s),
    }
}

fn render_line(line: &Line, out: &mut String) {
    match line {
        Line::KeyValue(k, v) => {
            out.push_str(&render_path(k));
            out.push_str(" = ");
            render_value(v, out);
        }
        Line::Table(k) => out.push_str(&format!("[{}]", render_path(k))),
        Line::ArrayTable(k) => out.push_str(&format!("[[{}]]", render_path(k))),
        Line::Comment(c) => {
            let c: String = c.chars().filter(|c| *c != '\n' && *c != '\r').collect();
            out.push_str(&format!("# {c}"));
        }
        Line::Blank => {}
        Line::Raw(s) => out.push_str(s),
    }
}

const TOML_TOKENS: &[&str] = &[
    "[",
    "]",
    "[[",
    "]]",
    "=",
    " = ",
    "\"",
    "'",
    "\"\"\"",
    "'''",
    "{",
    "}",
    ",",
    ".",
    "\n",
    "#",
    "true",
    "1",
    "-0",
    "1e5",
    "0x1F",
    "inf",
    "1979-05-27",
    "\\u00e9",
    "\\",
    "a",
    "key",
    "€",
    "\r",
];

/// Text for a TOML parser: bytes, token soup, or a generated document over `keys`.
fn toml_text(
    keys: &'static [&'static str],
    strings: &'static [&'static str],
) -> impl Strategy<Value = String> {
    prop_oneof![
        2 => lossy_text(),
        2 => token_soup(TOML_TOKENS),
        6 => toml_doc(keys, strings),
    ]
}

/// A [`ConfigError`] for `path`: it names the file first and says something.
fn assert_names_file(e: &ConfigError, path: &Path) {
    assert_eq!(e.path, path);
    let shown = e.to_string();
    assert!(
        shown.starts_with(&path.display().to_string()),
        "does not name the file: {shown}"
    );
    assert_clear(&e.message, "ConfigError");
}

// ── config.toml

const CONFIG_KEYS: &[&str] = &[
    "theme",
    "trusted_accounts",
    "max_secret_age_days",
    "unused_secret_days",
    "intervals",
    "functions",
    "gateways",
    "throttles",
    "encryption",
    "secrets",
    "mute",
    "check",
    "resource",
    "reason",
];

const CONFIG_STRINGS: &[&str] = &[
    "dark",
    "light",
    "111122223333",
    "12",
    "arn:aws:iam::111122223333:root",
    "apigw.no-waf",
    "lambda.public-url",
    "no.such-check",
    "orders-api/dev",
    "dev stage, no traffic",
    "",
];

proptest! {
    #![proptest_config(budget(cases()))]

    /// `config.toml`: a configuration or an error naming the file; what it accepts holds
    /// only real account ids and check ids.
    #[test]
    fn config_parser_never_panics(text in toml_text(CONFIG_KEYS, CONFIG_STRINGS)) {
        let path = Path::new("/home/dev/.config/parapet/config.toml");
        match Config::parse(&text, path) {
            Ok(config) => {
                for a in &config.trusted_accounts {
                    let account = account_of(a);
                    prop_assert_eq!(account.as_deref(), Some(a.as_str()));
                }
                for m in &config.mutes {
                    prop_assert!(checks::find(&m.check).is_some());
                }
                let _ = config.context(NOW);
                let _ = config.mutes();
                for area in parapet::domain::inventory::Area::ALL {
                    let _ = config.intervals.get(area);
                }
            }
            Err(e) => assert_names_file(&e, path),
        }
    }
}

// ── keys.toml

const KEY_STRINGS: &[&str] = &[
    "j",
    "G",
    "?",
    "ctrl-q",
    "CTRL-Q",
    "alt-x",
    "shift-tab",
    "ctrl-alt-shift-",
    "ctrl-",
    "enter",
    "esc",
    "pgdown",
    "pgdn",
    "f5",
    "f0",
    "f13",
    "f",
    "f1x",
    "space",
    "del",
    "€",
    "ctrl-€",
    "",
    "  ",
];

fn key_names() -> &'static [&'static str] {
    static NAMES: OnceLock<Vec<&'static str>> = OnceLock::new();
    NAMES.get_or_init(|| {
        let mut names: Vec<&'static str> = KEY_DEFS.iter().map(|d| d.name).collect();
        names.extend(["no_such_action", "Quit", "up "]);
        names
    })
}

fn keys_text() -> impl Strategy<Value = String> {
    // `toml_doc` wants a 'static slice: the names come from the binding table.
    let names: &'static [&'static str] = key_names();
    let binding = (
        proptest::sample::select(names),
        prop_oneof![
            pooled(KEY_STRINGS).prop_map(|k| basic_string(&k)),
            proptest::collection::vec(pooled(KEY_STRINGS), 0..4).prop_map(|ks| {
                format!(
                    "[{}]",
                    ks.iter()
                        .map(|k| basic_string(k))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            }),
        ],
    )
        .prop_map(|(name, value)| format!("{} = {value}", render_key(name)));
    prop_oneof![
        2 => toml_text(names, KEY_STRINGS),
        3 => proptest::collection::vec(binding, 0..8).prop_map(|lines| lines.join("\n")),
    ]
}

proptest! {
    #![proptest_config(budget(cases()))]

    /// `keys.toml`: a keymap with warnings that name the file, or an error naming it; and
    /// every key string either parses to a chord that prints and parses back, or says why.
    #[test]
    fn keys_parser_never_panics(
        text in keys_text(),
        chord in prop_oneof![pooled(KEY_STRINGS), any_string(8)],
    ) {
        let path = Path::new("/home/dev/.config/parapet/keys.toml");
        match Keymap::from_toml(&text, path) {
            Ok((keymap, warnings)) => {
                for w in &warnings {
                    prop_assert!(w.starts_with(&path.display().to_string()), "{}", w);
                }
                for def in KEY_DEFS {
                    let _ = keymap.key_label(def.op);
                }
            }
            Err(e) => assert_names_file(&e, path),
        }
        match KeyChord::parse(&chord) {
            Ok(k) => {
                let shown = k.to_string();
                prop_assert!(!shown.is_empty());
            }
            Err(e) => {
                assert_clear(&e, "KeyChord::parse");
            }
        }
    }
}

/// `Keymap::load` from a real file: a broken file falls back to the defaults with a warning
/// that names the file, never a panic.
#[test]
fn keys_files_never_panic() {
    let bytes = prop_oneof![
        keys_text().prop_map(String::into_bytes),
        proptest::collection::vec(any::<u8>(), 0..200),
    ];
    on_disk("keys.toml", bytes, |path, bytes| {
        let (_, warnings) = Keymap::load(path);
        for w in &warnings {
            prop_assert!(w.contains(&path.display().to_string()), "{}", w);
            assert_clear(w, "Keymap::load");
        }
        if let Ok(text) = std::str::from_utf8(bytes)
            && Keymap::from_toml(text, path).is_err()
        {
            prop_assert!(!warnings.is_empty(), "a broken keys.toml went unmentioned");
        }
        Ok(())
    });
}

// ── themes

const THEME_STRINGS: &[&str] = &[
    "red",
    "Red",
    "lightblue",
    "#e06c75",
    "#E06C75",
    "#12",
    "#zzzzzz",
    "203",
    "256",
    "-1",
    "default",
    "reset",
    "dark",
    "light",
    "mono",
    "colorblind",
    "mine",
    "other",
    "a theme",
];

fn theme_keys() -> &'static [&'static str] {
    static KEYS: OnceLock<Vec<&'static str>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut keys = vec![
            "parent",
            "description",
            "tokens",
            "fg",
            "bg",
            "bold",
            "dim",
            "italic",
            "underlined",
            "reversed",
            "blink",
        ];
        keys.extend(Token::ALL.iter().map(|t| t.name()));
        keys
    })
}

/// A theme file: a generated document, or a well-formed one with generated tokens.
fn theme_text() -> impl Strategy<Value = String> {
    let keys: &'static [&'static str] = theme_keys();
    let token = (
        proptest::sample::select(keys),
        prop_oneof![
            pooled(THEME_STRINGS).prop_map(|c| basic_string(&c)),
            (
                proptest::option::of(pooled(THEME_STRINGS)),
                proptest::option::of(pooled(THEME_STRINGS)),
                proptest::collection::vec((proptest::sample::select(keys), any::<bool>()), 0..3),
            )
                .prop_map(|(fg, bg, flags)| {
                    let mut parts = Vec::new();
                    if let Some(fg) = fg {
                        parts.push(format!("fg = {}", basic_string(&fg)));
                    }
                    if let Some(bg) = bg {
                        parts.push(format!("bg = {}", basic_string(&bg)));
                    }
                    for (k, on) in flags {
                        parts.push(format!("{} = {on}", render_key(k)));
                    }
                    format!("{{ {} }}", parts.join(", "))
                }),
        ],
    )
        .prop_map(|(k, v)| format!("{} = {v}", render_key(k)));
    let structured = (
        proptest::option::of(pooled(THEME_STRINGS)),
        proptest::collection::vec(token, 0..6),
    )
        .prop_map(|(parent, tokens)| {
            let mut out = String::new();
            if let Some(p) = parent {
                out.push_str(&format!("parent = {}\n", basic_string(&p)));
            }
            out.push_str("description = \"generated\"\n[tokens]\n");
            out.push_str(&tokens.join("\n"));
            out
        });
    prop_oneof![
        2 => toml_text(keys, THEME_STRINGS),
        3 => structured,
    ]
}

proptest! {
    #![proptest_config(budget(cases()))]

    /// Theme files: each one becomes a theme or a warning that names it (never both, never
    /// neither), and every theme in the set resolves.
    #[test]
    fn theme_parser_never_panics(
        files in proptest::collection::vec(
            (proptest::sample::select(THEME_STRINGS), theme_text()),
            1..4,
        ),
    ) {
        let files: Vec<(PathBuf, String)> = files
            .into_iter()
            .enumerate()
            .map(|(i, (name, text))| {
                // Distinct paths; the stem may still clash with a built-in or another file.
                (PathBuf::from(format!("/home/dev/.config/parapet/themes{i}/{name}.toml")), text)
            })
            .collect();
        let (set, warnings) = ThemeSet::with_user_files(files.clone());
        for (path, _) in &files {
            let shown = path.display().to_string();
            let loaded = set
                .names()
                .iter()
                .any(|n| set.origin(n) == Some(&Origin::File(path.clone())));
            let warned = warnings.iter().filter(|w| w.contains(&shown)).count();
            prop_assert!(
                loaded != (warned > 0) && warned <= 1,
                "{}: loaded {} with {} warnings: {:?}", shown, loaded, warned, warnings
            );
        }
        prop_assert_eq!(
            set.names().len() + warnings.len(),
            parapet::app::theme::BUILT_IN.len() + files.len()
        );
        for name in set.names() {
            let theme = set.resolve(&name);
            prop_assert!(theme.is_ok(), "{} does not resolve: {:?}", name, theme.err());
            let theme = theme.unwrap();
            for t in Token::ALL {
                let _ = theme.get(*t);
            }
            let _ = set.next_after(&name);
            let _ = set.description(&name);
        }
    }
}

// ───────────────────────────── soak ─────────────────────────────

/// The live scheduler over a fake account that changes on every poll, 1,000 cycles of
/// every area in two regions, on tokio's paused clock (hours of polling in seconds).
mod soak {
    use std::collections::{BTreeMap, BTreeSet, VecDeque};
    use std::sync::{Arc, Mutex, Once};
    use std::time::Duration;

    use futures_util::future::BoxFuture;
    use parapet::app::action::Action;
    use parapet::app::scheduler::{Collector, spawn_with};
    use parapet::app::state::{State, StateOptions};
    use parapet::app::update::update;
    use parapet::aws::Collected;
    use parapet::aws::errors::{CallFailure, FailureKind};
    use parapet::domain::assessment::Assessment;
    use parapet::domain::collection::CollectionState;
    use parapet::domain::failure::Failure;
    use parapet::domain::finding::{Service, Status};
    use parapet::domain::inventory::{
        Area, Fetched, Function, FunctionUrl, Inventory, Key, KeyDetails, ListFailure,
        MethodSetting, RestApi, RestDomain, RestMethod, RestResource, RestStage, Role, RolePolicy,
        Route, Secret, UsagePlan, V2Api, V2Domain, V2Stage,
    };
    use parapet::domain::source::Job;
    use parapet::domain::source::{Identity, SourceCommand, SourceEvent};
    use tokio::sync::mpsc::unbounded_channel;

    use super::NOW;

    const ACCOUNT: &str = "111122223333";
    const REGIONS: [&str; 2] = ["us-east-1", "eu-west-1"];
    const CYCLES: u32 = 1_000;
    /// How many of each resource a region may have at once (each poll lists about half). The
    /// app re-evaluates the whole catalogue on every batch, so this sets the test's cost.
    const FUNCTIONS: u64 = 3;
    const REST_APIS: u64 = 2;
    const HTTP_APIS: u64 = 2;
    const SECRETS: u64 = 3;
    /// Key references a region can have: k0..k3 by ARN and alias/payments.
    const KEYS: u64 = 5;
    /// What the fake panics with, so the test's panic hook can keep it quiet.
    const FAKE_PANIC: &str = "fake poller bug";

    /// Deterministic pseudo-random numbers (SplitMix64): the same answers on every run.
    struct Rng(u64);

    impl Rng {
        fn new(area: Area, region: &str, run: u32) -> Rng {
            let mut seed =
                0x9E37_79B9_7F4A_7C15_u64 ^ u64::from(run).wrapping_mul(0xA24B_AED4_963E_E407);
            for b in area.as_str().bytes().chain(region.bytes()) {
                seed = (seed ^ u64::from(b)).wrapping_mul(0x1000_0000_01B3);
            }
            Rng(seed)
        }

        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        /// True `num` times in `den`.
        fn chance(&mut self, num: u64, den: u64) -> bool {
            self.below(den) < num
        }

        fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
            &items[self.below(items.len() as u64) as usize]
        }
    }

    /// What one run handed back (`None`: it panicked).
    type Produced = Option<(Inventory, CollectionState, Option<Failure>)>;

    #[derive(Default)]
    struct Log {
        runs: BTreeMap<(Area, String), u32>,
        produced: BTreeMap<(Area, String), VecDeque<Produced>>,
    }

    /// A collector whose account changes on every poll: resources appear, change and
    /// vanish, execution roles come and go, listings fail, calls are denied, pollers panic.
    #[derive(Clone, Default)]
    struct Shifting {
        log: Arc<Mutex<Log>>,
    }

    impl Collector for Shifting {
        fn collect(&self, job: Job) -> BoxFuture<'static, Collected> {
            let log = Arc::clone(&self.log);
            let Job {
                area,
                region,
                current,
                ..
            } = job;
            Box::pin(async move {
                let run = {
                    let mut log = log.lock().unwrap();
                    let n = log.runs.entry((area, region.clone())).or_default();
                    *n += 1;
                    *n
                };
                let mut rng = Rng::new(area, &region, run);
                // Collections take a while (and overlap); the paused clock makes it free.
                tokio::time::sleep(Duration::from_millis(rng.below(4_000))).await;
                let record = |p: Produced| {
                    log.lock()
                        .unwrap()
                        .produced
                        .entry((area, region.clone()))
                        .or_default()
                        .push_back(p);
                };
                if rng.chance(1, 50) {
                    record(None);
                    panic!("{FAKE_PANIC}: {area:?} in {region}, run {run}");
                }
                let collected = answer(area, &region, run, &current, &mut rng);
                record(Some((
                    collected.inventory.clone(),
                    collected.state(),
                    collected.error(),
                )));
                collected
            })
        }
    }

    fn denied(c: &mut Collected, action: &'static str) -> Failure {
        c.note(CallFailure {
            kind: FailureKind::Denied,
            action,
            code: Some("AccessDeniedException".into()),
            status: Some(403),
            message: "denied".into(),
        })
    }

    fn list_failed(c: &mut Collected, region: &str, service: Service, action: &'static str) {
        let reason = denied(c, action);
        c.inventory.list_failures.push(ListFailure {
            service,
            area: service.area(),
            region: region.into(),
            call: action.into(),
            reason,
        });
    }

    const POLICIES: &[&str] = &[
        r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"lambda:InvokeFunctionUrl","Resource":"*","Condition":{"StringEquals":{"lambda:FunctionUrlAuthType":"NONE"}}}]}"#,
        r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::999988887777:root"},"Action":"*"}}"#,
        r#"{"Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com"},"Action":"lambda:InvokeFunction","Condition":{"StringEquals":{"aws:SourceAccount":"111122223333"}}}]}"#,
        r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}"#,
        "{not json",
    ];

    const ROLE_DOCUMENTS: &[&str] = &[
        r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#,
        r#"{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","logs:*"],"Resource":"*"}]}"#,
        r#"{"Statement":[{"Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"*"}]}"#,
        "%7B%22Statement%22%3A%5B%5D%7D",
        "%7B%",
    ];

    fn answer(area: Area, region: &str, run: u32, current: &Inventory, rng: &mut Rng) -> Collected {
        let mut c = Collected::default();
        c.inventory.account_id = ACCOUNT.into();
        c.inventory.regions = vec![region.to_string()];
        match area {
            Area::Functions => functions(&mut c, region, run, rng),
            Area::Gateways => gateways(&mut c, region, run, rng),
            Area::Throttles => throttles(&mut c, region, current, rng),
            Area::Encryption => encryption(&mut c, region, current, rng),
            Area::Secrets => secrets(&mut c, region, run, rng),
            // Nothing triggers the soak's functions, it runs without --code and has no state
            // machines, GraphQL APIs or Cognito pools: empty batches.
            Area::Triggers
            | Area::Code
            | Area::Workflows
            | Area::Graphql
            | Area::Users
            | Area::Logs => {}
        }
        c
    }

    fn functions(c: &mut Collected, region: &str, run: u32, rng: &mut Rng) {
        if rng.chance(1, 12) {
            list_failed(c, region, Service::Lambda, "lambda:ListFunctions");
            return;
        }
        for i in 0..FUNCTIONS {
            if !rng.chance(1, 2) {
                continue;
            }
            let name = format!("fn-{i}");
            // Now and then a role that exists for one poll only (created, then deleted).
            let role_arn = if rng.chance(1, 4) {
                format!("arn:aws:iam::{ACCOUNT}:role/ephemeral-{region}-{run}-{i}")
            } else {
                format!("arn:aws:iam::{ACCOUNT}:role/app-{}", rng.below(3))
            };
            let policy = match rng.below(6) {
                0 => {
                    denied(c, "lambda:GetPolicy");
                    Err("AccessDenied: missing lambda:GetPolicy".into())
                }
                1 | 2 => Ok(None),
                _ => Ok(Some(rng.pick(POLICIES).to_string())),
            };
            let url = match rng.below(5) {
                0 => Ok(Some(FunctionUrl {
                    url: format!("https://{name}.lambda-url.{region}.on.aws/"),
                    auth_type: (*rng.pick(&["NONE", "AWS_IAM"])).into(),
                    cors_allow_origins: vec!["*".into()],
                    cors_allow_credentials: rng.chance(1, 2),
                })),
                1 => Err("Throttled: lambda:GetFunctionUrlConfig still throttled".into()),
                _ => Ok(None),
            };
            let mut env = BTreeMap::new();
            if rng.chance(1, 3) {
                env.insert("STRIPE_KEY".into(), format!("sk_live_{:024}", run));
            }
            if rng.chance(1, 2) {
                env.insert("STAGE".into(), "prod".into());
            }
            c.inventory.functions.push(
                Function {
                    arn: format!("arn:aws:lambda:{region}:{ACCOUNT}:function:{name}"),
                    name,
                    region: region.to_string(),
                    runtime: rng
                        .pick(&[
                            Some("python3.12"),
                            Some("nodejs20.x"),
                            Some("python3.7"),
                            None,
                        ])
                        .map(str::to_string),
                    package_type: Some("Zip".into()),
                    role_arn,
                    env,
                    kms_key_arn: rng
                        .chance(1, 2)
                        .then(|| format!("arn:aws:kms:{region}:{ACCOUNT}:key/k{}", rng.below(4))),
                    layers: if rng.chance(1, 5) {
                        vec![format!(
                            "arn:aws:lambda:{region}:999988887777:layer:shared:3"
                        )]
                    } else {
                        Vec::new()
                    },
                    vpc_subnet_ids: Vec::new(),
                    tracing_mode: Some((*rng.pick(&["Active", "PassThrough"])).into()),
                    dead_letter_target: None,
                    policy,
                    url,
                    event_invoke: Ok(None),
                    aliases: Ok(Vec::new()),
                    code_signing: Ok(None),
                    code_sha256: None,
                    log_group: None,
                }
                .into(),
            );
        }
        let arns: BTreeSet<String> = c
            .inventory
            .functions
            .iter()
            .map(|f| f.role_arn.clone())
            .collect();
        for arn in arns {
            let role: Fetched<Role> = if rng.chance(1, 10) {
                denied(c, "iam:GetRole");
                Err("AccessDenied: missing iam:GetRole".into())
            } else {
                Ok(Role {
                    name: arn.rsplit('/').next().unwrap_or_default().to_string(),
                    arn: arn.clone(),
                    policies: vec![RolePolicy {
                        name: "inline".into(),
                        arn: None,
                        document: Ok(rng.pick(ROLE_DOCUMENTS).to_string()),
                    }],
                })
            };
            c.inventory.roles.insert(arn, role.into());
        }
    }

    fn gateways(c: &mut Collected, region: &str, run: u32, rng: &mut Rng) {
        if rng.chance(1, 12) {
            list_failed(c, region, Service::ApiGateway, "apigateway:GET");
        } else {
            for i in 0..REST_APIS {
                if !rng.chance(1, 2) {
                    continue;
                }
                let integration = format!(
                    "arn:aws:apigateway:{region}:lambda:path/2015-03-31/functions/arn:aws:lambda:{region}:{ACCOUNT}:function:fn-{}/invocations",
                    rng.below(FUNCTIONS)
                );
                let mut settings = BTreeMap::new();
                if rng.chance(1, 2) {
                    settings.insert(
                        "*/*".to_string(),
                        MethodSetting {
                            logging_level: Some((*rng.pick(&["OFF", "ERROR", "INFO"])).into()),
                            throttling_rate_limit: Some(rng.below(1000) as f64),
                            throttling_burst_limit: Some(rng.below(500) as i32),
                            caching_enabled: rng.chance(1, 2),
                            cache_data_encrypted: rng.chance(1, 2),
                        },
                    );
                }
                let stages = if rng.chance(1, 8) {
                    denied(c, "apigateway:GET");
                    Err("AccessDenied: missing apigateway:GET".into())
                } else {
                    Ok(vec![RestStage {
                        name: rng.pick(&["prod", "dev"]).to_string(),
                        deployment_id: Some(format!("d{run}")),
                        web_acl_arn: rng.chance(1, 2).then(|| {
                            format!("arn:aws:wafv2:{region}:{ACCOUNT}:regional/webacl/w/1")
                        }),
                        method_settings: settings,
                        access_log_destination: None,
                        tracing_enabled: rng.chance(1, 2),
                        cache_cluster_enabled: false,
                        client_certificate_id: None,
                        variables: BTreeMap::new(),
                    }])
                };
                c.inventory.rest_apis.push(
                    RestApi {
                        id: format!("rest{i}"),
                        name: format!("orders-{i}"),
                        region: region.to_string(),
                        endpoint_type: (*rng.pick(&["EDGE", "REGIONAL", "PRIVATE"])).into(),
                        policy: rng.chance(1, 3).then(|| rng.pick(POLICIES).to_string()),
                        disable_execute_api_endpoint: rng.chance(1, 4),
                        resources: Ok(vec![RestResource {
                            id: "res1".into(),
                            path: "/orders".into(),
                            methods: vec![RestMethod {
                                http_method: "POST".into(),
                                authorization_type: (*rng.pick(&["NONE", "AWS_IAM", ""])).into(),
                                authorizer_id: None,
                                api_key_required: rng.chance(1, 2),
                                request_validator_id: None,
                                integration_uri: Some(integration),
                                ..Default::default()
                            }],
                        }]),
                        authorizers: Ok(Vec::new()),
                        validators: Ok(Vec::new()),
                        stages,
                    }
                    .into(),
                );
            }
            if rng.chance(1, 2) {
                c.inventory.rest_domains.push(RestDomain {
                    // A custom domain that is renamed every few polls.
                    name: format!("api{}.example.com", run / 3 % 4),
                    region: region.to_string(),
                    security_policy: Some(rng.pick(&["TLS_1_0", "TLS_1_2"]).to_string()),
                    base_path_mappings: Ok(Vec::new()),
                });
            }
        }
        if rng.chance(1, 12) {
            list_failed(c, region, Service::ApiGatewayV2, "apigateway:GET /v2/apis");
            return;
        }
        for i in 0..HTTP_APIS {
            if !rng.chance(1, 2) {
                continue;
            }
            c.inventory.v2_apis.push(
                V2Api {
                    id: format!("http{i}"),
                    name: format!("items-{i}"),
                    region: region.to_string(),
                    protocol: "HTTP".into(),
                    cors: None,
                    disable_execute_api_endpoint: false,
                    routes: Ok(vec![Route {
                        id: "r1".into(),
                        route_key: "GET /items".into(),
                        authorization_type: (*rng.pick(&["NONE", "JWT", "AWS_IAM"])).into(),
                        authorizer_id: None,
                        target: None,
                    }]),
                    integrations: Ok(Vec::new()),
                    authorizers: Ok(Vec::new()),
                    stages: Ok(vec![V2Stage {
                        name: "$default".into(),
                        access_log_destination: rng
                            .chance(1, 2)
                            .then(|| format!("arn:aws:logs:{region}:{ACCOUNT}:log-group:g")),
                        default_throttling_rate_limit: rng.chance(1, 2).then_some(50.0),
                        default_throttling_burst_limit: Some(100),
                        route_throttles: BTreeMap::new(),
                        variables: BTreeMap::new(),
                    }]),
                }
                .into(),
            );
        }
        if rng.chance(1, 3) {
            c.inventory.v2_domains.push(V2Domain {
                name: format!("items{}.example.com", rng.below(3)),
                region: region.to_string(),
                security_policy: Some("TLS_1_2".into()),
            });
        }
    }

    fn throttles(c: &mut Collected, region: &str, current: &Inventory, rng: &mut Rng) {
        let plans: Fetched<Vec<UsagePlan>> = if rng.chance(1, 10) {
            denied(c, "apigateway:GET");
            Err("AccessDenied: missing apigateway:GET".into())
        } else {
            let mut plans = Vec::new();
            for a in current.rest_apis.iter().filter(|a| a.region == region) {
                if rng.chance(1, 2) {
                    plans.push(UsagePlan {
                        id: format!("plan-{}", a.id),
                        name: format!("plan for {}", a.name),
                        api_stages: vec![(a.id.clone(), "prod".into())],
                        throttle_rate_limit: Some(100.0),
                        throttle_burst_limit: Some(rng.below(200) as i32),
                    });
                }
            }
            Ok(plans)
        };
        c.inventory.usage_plans.insert(region.to_string(), plans);
        let reserved = current
            .functions
            .iter()
            .filter(|f| f.region == region)
            .map(|f| {
                let r: Fetched<Option<i32>> = match rng.below(4) {
                    0 => Ok(None),
                    1 => Err("Throttled: lambda:GetFunctionConcurrency".into()),
                    _ => Ok(Some(rng.below(50) as i32)),
                };
                (f.arn.clone(), r)
            })
            .collect();
        c.inventory
            .reserved_concurrency
            .insert(region.to_string(), reserved);
    }

    fn encryption(c: &mut Collected, region: &str, current: &Inventory, rng: &mut Rng) {
        // As the real poller: where functions or secrets could not be listed, neither can
        // the keys they use.
        for f in current.list_failures.iter().filter(|f| {
            f.region == region && matches!(f.service, Service::Lambda | Service::SecretsManager)
        }) {
            c.inventory.list_failures.push(ListFailure {
                service: Service::Kms,
                area: Area::Encryption,
                region: region.to_string(),
                call: "keys in use".into(),
                reason: format!("cannot tell which keys are in use: {} failed", f.call).into(),
            });
        }
        let references: BTreeSet<String> = current
            .functions
            .iter()
            .filter(|f| f.region == region)
            .filter_map(|f| f.kms_key_arn.clone())
            .chain(
                current
                    .secrets
                    .iter()
                    .filter(|s| s.region == region)
                    .filter_map(|s| s.kms_key_id.clone()),
            )
            .collect();
        for reference in references {
            let details = if rng.chance(1, 10) {
                denied(c, "kms:DescribeKey");
                Err("AccessDenied: missing kms:DescribeKey".into())
            } else {
                let id = reference.rsplit('/').next().unwrap_or_default().to_string();
                Ok(KeyDetails {
                    arn: format!("arn:aws:kms:{region}:{ACCOUNT}:key/{id}"),
                    id,
                    aliases: Vec::new(),
                    manager: Some((*rng.pick(&["CUSTOMER", "AWS"])).into()),
                    state: Some((*rng.pick(&["Enabled", "Disabled", "PendingDeletion"])).into()),
                    spec: Some("SYMMETRIC_DEFAULT".into()),
                    rotation_enabled: if rng.chance(1, 8) {
                        Err("AccessDenied: missing kms:GetKeyRotationStatus".into())
                    } else {
                        Ok(rng.chance(1, 2))
                    },
                    policy: Ok(rng.pick(POLICIES).to_string()),
                })
            };
            c.inventory.keys.push(
                Key {
                    reference,
                    region: region.to_string(),
                    details,
                }
                .into(),
            );
        }
    }

    fn secrets(c: &mut Collected, region: &str, run: u32, rng: &mut Rng) {
        if rng.chance(1, 12) {
            list_failed(
                c,
                region,
                Service::SecretsManager,
                "secretsmanager:ListSecrets",
            );
            return;
        }
        for i in 0..SECRETS {
            if !rng.chance(1, 2) {
                continue;
            }
            let name = format!("prod/s{i}");
            let days = |rng: &mut Rng| {
                rng.chance(2, 3)
                    .then(|| NOW - time::Duration::days(rng.below(400) as i64))
            };
            let key_arn = format!("arn:aws:kms:{region}:{ACCOUNT}:key/k{}", rng.below(4));
            let kms_key_id = rng
                .pick(&[None, Some("alias/payments".to_string()), Some(key_arn)])
                .clone();
            let policy: Fetched<Option<String>> = match rng.below(4) {
                0 => {
                    denied(c, "secretsmanager:GetResourcePolicy");
                    Err("AccessDenied: missing secretsmanager:GetResourcePolicy".into())
                }
                1 => Ok(Some(rng.pick(POLICIES).to_string())),
                _ => Ok(None),
            };
            c.inventory.secrets.push(
                Secret {
                    // Deleted and recreated every few polls: a new ARN suffix.
                    arn: format!(
                        "arn:aws:secretsmanager:{region}:{ACCOUNT}:secret:{name}-{:06}",
                        (run / 5) % 7
                    ),
                    name,
                    region: region.to_string(),
                    kms_key_id,
                    rotation_enabled: Some(rng.chance(1, 2)),
                    rotation_lambda_arn: None,
                    rotation_days: rng.chance(1, 2).then_some(30),
                    created: days(rng),
                    last_rotated: days(rng),
                    last_accessed: days(rng),
                    next_rotation: None,
                    policy,
                }
                .into(),
            );
        }
    }

    /// Keeps the fake's deliberate panics out of the test output; any other panic is shown.
    fn quiet_fake_panics() {
        static ONCE: Once = Once::new();
        ONCE.call_once(|| {
            let default = std::panic::take_hook();
            std::panic::set_hook(Box::new(move |info| {
                let payload = info.payload();
                let message = payload
                    .downcast_ref::<String>()
                    .map(String::as_str)
                    .or_else(|| payload.downcast_ref::<&str>().copied())
                    .unwrap_or("");
                if !message.starts_with(FAKE_PANIC) {
                    default(info);
                }
            }));
        });
    }

    /// The inventory with every list in one order, to compare as sets.
    fn normalized(inv: &Inventory) -> Inventory {
        let mut n = inv.clone();
        n.regions.sort();
        n.functions.sort_by(|a, b| a.arn.cmp(&b.arn));
        n.rest_apis.sort_by_key(|a| a.arn());
        n.rest_domains
            .sort_by(|a, b| (&a.region, &a.name).cmp(&(&b.region, &b.name)));
        n.v2_apis.sort_by_key(|a| a.arn());
        n.v2_domains
            .sort_by(|a, b| (&a.region, &a.name).cmp(&(&b.region, &b.name)));
        n.secrets.sort_by(|a, b| a.arn.cmp(&b.arn));
        n.keys
            .sort_by(|a, b| (&a.region, &a.reference).cmp(&(&b.region, &b.reference)));
        n.list_failures.sort_by(|a, b| {
            (&a.region, &a.service, &a.call).cmp(&(&b.region, &b.service, &b.call))
        });
        n
    }

    /// The fields in which two inventories differ, with what only one of them has.
    fn differences(got: &Inventory, want: &Inventory) -> Vec<String> {
        fn diff<T: std::fmt::Debug + PartialEq>(
            name: &str,
            a: &[T],
            b: &[T],
            out: &mut Vec<String>,
        ) {
            if a != b {
                let extra: Vec<&T> = a.iter().filter(|x| !b.contains(x)).collect();
                let missing: Vec<&T> = b.iter().filter(|x| !a.contains(x)).collect();
                out.push(format!("{name}: extra {extra:?}, missing {missing:?}"));
            }
        }
        let mut out = Vec::new();
        if got.account_id != want.account_id {
            out.push(format!(
                "account_id {:?} != {:?}",
                got.account_id, want.account_id
            ));
        }
        diff("regions", &got.regions, &want.regions, &mut out);
        diff("functions", &got.functions, &want.functions, &mut out);
        let roles = |i: &Inventory| {
            i.roles
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Vec<_>>()
        };
        diff("roles", &roles(got), &roles(want), &mut out);
        diff("rest_apis", &got.rest_apis, &want.rest_apis, &mut out);
        diff(
            "rest_domains",
            &got.rest_domains,
            &want.rest_domains,
            &mut out,
        );
        let plans = |i: &Inventory| {
            i.usage_plans
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Vec<_>>()
        };
        diff("usage_plans", &plans(got), &plans(want), &mut out);
        diff("v2_apis", &got.v2_apis, &want.v2_apis, &mut out);
        diff("v2_domains", &got.v2_domains, &want.v2_domains, &mut out);
        diff("secrets", &got.secrets, &want.secrets, &mut out);
        let reserved = |i: &Inventory| {
            i.reserved_concurrency
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Vec<_>>()
        };
        diff(
            "reserved_concurrency",
            &reserved(got),
            &reserved(want),
            &mut out,
        );
        diff("keys", &got.keys, &want.keys, &mut out);
        diff(
            "list_failures",
            &got.list_failures,
            &want.list_failures,
            &mut out,
        );
        if out.is_empty() && got != want {
            out.push("(some other field)".into());
        }
        out
    }

    /// What the inventory must be: the latest batch of every (area, region), nothing else.
    /// Execution roles are global: the latest read of each role some function runs as.
    fn expected(
        account_id: &str,
        latest: &BTreeMap<(Area, String), Inventory>,
        roles: &BTreeMap<String, Arc<Fetched<Role>>>,
    ) -> Inventory {
        let mut inv = Inventory {
            account_id: account_id.into(),
            ..Inventory::default()
        };
        for ((area, region), batch) in latest {
            if !inv.regions.contains(region) {
                inv.regions.push(region.clone());
            }
            let b = batch.clone();
            match area {
                Area::Functions => inv.functions.extend(b.functions),
                Area::Gateways => {
                    inv.rest_apis.extend(b.rest_apis);
                    inv.rest_domains.extend(b.rest_domains);
                    inv.v2_apis.extend(b.v2_apis);
                    inv.v2_domains.extend(b.v2_domains);
                }
                Area::Throttles => {
                    inv.usage_plans.extend(b.usage_plans);
                    inv.reserved_concurrency.extend(b.reserved_concurrency);
                }
                Area::Encryption => inv.keys.extend(b.keys),
                Area::Secrets => inv.secrets.extend(b.secrets),
                Area::Triggers => {
                    inv.mappings.extend(b.mappings);
                    inv.queues.extend(b.queues);
                    inv.topics.extend(b.topics);
                    inv.buses.extend(b.buses);
                    inv.streams.extend(b.streams);
                }
                Area::Code => {
                    inv.function_code.extend(b.function_code);
                    inv.layer_code.extend(b.layer_code);
                }
                Area::Workflows => inv.state_machines.extend(b.state_machines),
                Area::Graphql => inv.graphql_apis.extend(b.graphql_apis),
                Area::Logs => inv.log_groups.extend(b.log_groups),
                Area::Users => {
                    inv.user_pools.extend(b.user_pools);
                    inv.identity_pools.extend(b.identity_pools);
                }
            }
            inv.list_failures.extend(b.list_failures);
        }
        inv.roles = roles.clone();
        inv
    }

    /// (check, resource, status) of every finding, sorted: equal lists are equal multisets.
    fn finding_keys(
        findings: &[parapet::domain::finding::Finding],
    ) -> Vec<(String, String, Status)> {
        let mut keys: Vec<_> = findings
            .iter()
            .map(|f| (f.check_id.to_string(), f.resource_id.to_string(), f.status))
            .collect();
        keys.sort();
        keys
    }

    fn unique<T: Ord + std::fmt::Debug>(items: impl IntoIterator<Item = T>, what: &str) {
        let mut seen = BTreeSet::new();
        for item in items {
            let shown = format!("{item:?}");
            assert!(
                seen.insert(item),
                "a {what} is in the inventory twice: {shown}"
            );
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_live_scheduler_keeps_the_inventory_exact_over_1000_changing_poll_cycles() {
        quiet_fake_panics();
        let regions: Vec<String> = REGIONS.iter().map(|r| r.to_string()).collect();
        let periods: BTreeMap<Area, Duration> = [
            (Area::Functions, 60),
            (Area::Gateways, 61),
            (Area::Throttles, 62),
            (Area::Encryption, 63),
            (Area::Secrets, 59),
            (Area::Triggers, 58),
            (Area::Workflows, 57),
            (Area::Graphql, 56),
            (Area::Users, 55),
            (Area::Logs, 54),
        ]
        .into_iter()
        .map(|(a, s)| (a, Duration::from_secs(s)))
        .collect();
        // An area without a period would never reach CYCLES: the loop below would not end.
        for area in Area::ALL.into_iter().filter(|a| !a.opt_in()) {
            assert!(periods.contains_key(&area), "no soak period for {area:?}");
        }
        let fake = Shifting::default();
        let log = Arc::clone(&fake.log);
        let (events, mut rx) = unbounded_channel();
        let (commands, commands_rx) = unbounded_channel();
        let source = spawn_with(fake, regions.clone(), periods, events, commands_rx);

        let mut state = State::new(NOW, StateOptions::default());
        update(
            &mut state,
            Action::Source(SourceEvent::Identity(Identity {
                account_id: ACCOUNT.into(),
                profile: None,
                regions: regions.clone(),
            })),
        );
        let mut latest: BTreeMap<(Area, String), Inventory> = BTreeMap::new();
        let mut roles: BTreeMap<String, Arc<Fetched<Role>>> = BTreeMap::new();
        let mut batches: BTreeMap<(Area, String), u32> = BTreeMap::new();
        let mut account_id = String::new();
        let mut panics = 0;
        let mut failed_listings = 0;
        let mut largest = 0;
        // A run without --code: every area but the opt-in one.
        let polled: Vec<Area> = Area::ALL.into_iter().filter(|a| !a.opt_in()).collect();
        let done = |batches: &BTreeMap<(Area, String), u32>| {
            batches.len() == polled.len() * regions.len() && batches.values().all(|n| *n >= CYCLES)
        };
        while !done(&batches) {
            // Paused clock: a stalled scheduler trips this at once instead of hanging.
            let event = tokio::time::timeout(Duration::from_secs(24 * 3600), rx.recv())
                .await
                .expect("the scheduler keeps polling")
                .expect("the scheduler is running");
            let batch = match &event {
                SourceEvent::Batch(b) => Some(b.as_ref().clone()),
                SourceEvent::Fatal { message, .. } => panic!("fatal: {message}"),
                _ => None,
            };
            update(&mut state, Action::Source(event));
            let Some(batch) = batch else { continue };
            let key = (batch.area, batch.region.clone());
            *batches.entry(key.clone()).or_default() += 1;

            // The batch is what the fake produced (or, for a panic, the area failed).
            let produced = log
                .lock()
                .unwrap()
                .produced
                .get_mut(&key)
                .and_then(VecDeque::pop_front)
                .expect("every batch comes from a run");
            match produced {
                Some((inventory, status, error)) => {
                    assert_eq!(batch.inventory, inventory, "{key:?}");
                    assert_eq!(batch.status, status, "{key:?}");
                    assert_eq!(batch.error, error, "{key:?}");
                    if status == CollectionState::Failed {
                        failed_listings += 1;
                    }
                }
                None => {
                    panics += 1;
                    assert_eq!(batch.status, CollectionState::Failed);
                    let error = batch.error.clone().expect("a panic is reported");
                    assert!(error.contains("poller panicked"), "{error}");
                    assert_eq!(
                        batch.inventory,
                        Inventory::failed_area(batch.area, &batch.region, error.clone())
                    );
                }
            }
            let status = &state.collection[&key].status;
            assert_eq!(status.status, batch.status);
            assert_eq!(status.error, batch.error);

            // The model: the latest batch of each (area, region), roles merged as read.
            if batch.area == Area::Functions {
                roles.extend(batch.inventory.roles.clone());
            }
            // A failed area's batch carries no account id; the one seen before stays.
            if !batch.inventory.account_id.is_empty() {
                account_id = batch.inventory.account_id.clone();
            }
            latest.insert(key.clone(), batch.inventory);
            let want = expected(&account_id, &latest, &BTreeMap::new());
            let running: BTreeSet<&str> =
                want.functions.iter().map(|f| f.role_arn.as_str()).collect();
            roles.retain(|arn, _| running.contains(arn.as_str()));
            let want = expected(&account_id, &latest, &roles);

            // Exactly the latest batches: nothing stale, nothing twice, nothing missing.
            let inv = state.inventory();
            unique(inv.functions.iter().map(|f| &f.arn), "function");
            unique(inv.rest_apis.iter().map(|a| a.arn()), "REST API");
            unique(inv.v2_apis.iter().map(|a| a.arn()), "HTTP API");
            unique(inv.secrets.iter().map(|s| &s.arn), "secret");
            unique(inv.keys.iter().map(|k| (&k.region, &k.reference)), "key");
            unique(
                inv.list_failures
                    .iter()
                    .map(|f| (&f.region, &f.service, &f.call, &f.reason)),
                "listing failure",
            );
            let differs = differences(&normalized(inv), &normalized(&want));
            assert!(
                differs.is_empty(),
                "after batch {} of {key:?}, the inventory is not the latest batches: {}",
                batches[&key],
                differs.join("; ")
            );
            // Bounded by what the fake can produce at once.
            let regions = REGIONS.len() as u64;
            let at_most = |n: usize, bound: u64| n as u64 <= bound * regions;
            assert!(at_most(inv.functions.len(), FUNCTIONS));
            assert!(inv.roles.len() <= inv.functions.len());
            assert!(at_most(inv.rest_apis.len(), REST_APIS));
            assert!(inv.rest_domains.len() <= REGIONS.len());
            assert!(at_most(inv.v2_apis.len(), HTTP_APIS));
            assert!(at_most(inv.secrets.len(), SECRETS));
            assert!(at_most(inv.keys.len(), KEYS));
            // At most every listing of every polled area failing at once, in every region.
            let listings: usize = Area::ALL
                .into_iter()
                .filter(|a| !a.opt_in())
                .map(|a| Inventory::failed_area(a, "r", "x").list_failures.len())
                .sum();
            assert!(inv.list_failures.len() <= listings * REGIONS.len());
            assert!(inv.usage_plans.len() <= REGIONS.len());
            assert!(inv.reserved_concurrency.len() <= REGIONS.len());

            // The findings are a fresh evaluation of exactly that inventory.
            let fresh =
                Assessment::evaluate(&want, &state.config.context(state.now), &state.mutes());
            assert_eq!(state.assessment.findings.len(), fresh.findings.len());
            let (got, want_keys) = (
                finding_keys(&state.assessment.findings),
                finding_keys(&fresh.findings),
            );
            if got != want_keys {
                let only = |a: &[(String, String, Status)], b: &[(String, String, Status)]| {
                    a.iter()
                        .filter(|k| !b.contains(k))
                        .cloned()
                        .collect::<Vec<_>>()
                };
                panic!(
                    "after batch {} of {key:?}, the findings differ from a fresh evaluation: \
                     only in the app {:?}, only in the fresh one {:?}",
                    batches[&key],
                    only(&got, &want_keys),
                    only(&want_keys, &got)
                );
            }
            assert_eq!(state.assessment.score, fresh.score);
            largest = largest.max(state.assessment.findings.len());
        }
        commands.send(SourceCommand::Shutdown).unwrap();
        source.await.expect("the scheduler ends cleanly");

        let log = log.lock().unwrap();
        for area in polled {
            for region in REGIONS {
                let key = (area, region.to_string());
                assert!(
                    batches[&key] >= CYCLES,
                    "{key:?}: {} batches",
                    batches[&key]
                );
                assert!(log.runs[&key] >= CYCLES, "{key:?}: {} runs", log.runs[&key]);
            }
        }
        // The fake really did fail and panic along the way, and the findings stayed bounded.
        assert!(panics >= 50, "{panics} panics");
        assert!(failed_listings >= 100, "{failed_listings} failed listings");
        assert!(largest > 0 && largest < 2_000, "{largest} findings at most");
    }
}
