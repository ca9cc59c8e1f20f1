//! Findings: one per (check, resource), with status, evidence and a filled-in remediation.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::arn::Arn;
use super::listed::listed_enum;
pub use super::remediation::{Remediation, RemediationText, Stored, Templates, fill, reading_from};
pub use super::text::{Interner, Text};
pub use super::vocabulary::{Area, Service};

listed_enum! {
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Status {
        Fail,
        Unknown,
        Pass,
        Muted,
        NotApplicable,
    }
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::Unknown => "unknown",
            Status::Muted => "muted",
            Status::NotApplicable => "not_applicable",
        }
    }

    /// Glyph + word: state is never signalled by colour alone.
    pub fn label(self) -> &'static str {
        match self {
            Status::Pass => "✔ PASS",
            Status::Fail => "✘ FAIL",
            Status::Unknown => "? UNKNOWN",
            Status::Muted => "– MUTED",
            Status::NotApplicable => "· N/A",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

listed_enum! {
    /// Ordered most severe first so `sort()` puts critical on top.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Severity {
        Critical,
        High,
        Medium,
        Low,
    }
}

impl Severity {
    /// Score weight from CHECKS.md.
    pub fn weight(self) -> u32 {
        match self {
            Severity::Critical => 10,
            Severity::High => 5,
            Severity::Medium => 3,
            Severity::Low => 1,
        }
    }

    /// The severity whose score weight this is.
    pub fn from_weight(weight: u32) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.weight() == weight)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Critical => "critical",
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL
            .into_iter()
            .find(|x| x.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

listed_enum! {
    /// Categories in the fixed UI order of CHECKS.md.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Category {
        Exposure,
        Auth,
        Input,
        Secrets,
        Encryption,
        Privilege,
        Throttling,
        Logging,
        Network,
        Resilience,
        Hygiene,
    }
}

impl Category {
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Exposure => "exposure",
            Category::Auth => "auth",
            Category::Input => "input",
            Category::Secrets => "secrets",
            Category::Encryption => "encryption",
            Category::Privilege => "privilege",
            Category::Throttling => "throttling",
            Category::Logging => "logging",
            Category::Network => "network",
            Category::Resilience => "resilience",
            Category::Hygiene => "hygiene",
        }
    }

    pub fn title(self) -> &'static str {
        match self {
            Category::Exposure => "Public exposure",
            Category::Auth => "Authentication & authorization",
            Category::Input => "Input validation",
            Category::Secrets => "Secrets handling",
            Category::Encryption => "Encryption",
            Category::Privilege => "Least privilege",
            Category::Throttling => "Throttling & DoS",
            Category::Logging => "Logging & tracing",
            Category::Network => "Network isolation",
            Category::Resilience => "Resilience",
            Category::Hygiene => "Runtime & supply chain",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL
            .into_iter()
            .find(|x| x.as_str().eq_ignore_ascii_case(s.trim()))
    }
}

impl fmt::Display for Category {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of resource a check's findings are about (the Resources screen's `kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ResourceKind {
    Function,
    RestApi,
    /// A stage of a REST or HTTP/WebSocket API.
    Stage,
    /// An HTTP or WebSocket API.
    HttpApi,
    /// A custom domain name.
    Domain,
    Secret,
    Key,
    /// An SQS queue that triggers a function.
    Queue,
    /// An SNS topic with a `lambda` subscription.
    Topic,
    /// An EventBridge bus with a rule that targets a function.
    Bus,
    /// An event source mapping (stream, Kafka), named `SOURCE → FUNCTION`.
    Mapping,
    /// A Lambda layer version (`NAME:VERSION`), read with `--code`.
    Layer,
    /// A Step Functions state machine.
    StateMachine,
    /// A Kinesis data stream that triggers a function.
    Stream,
    /// An AppSync GraphQL API.
    GraphqlApi,
    /// A Cognito user pool.
    UserPool,
    /// A Cognito identity pool.
    IdentityPool,
    /// A whole region's listing of a service, when it failed (see [`Target::listing`]).
    ///
    /// [`Target::listing`]: super::catalogue::Target::listing
    Listing,
    /// A check this version does not know (a snapshot from a newer Parapet).
    Other,
}

impl ResourceKind {
    /// The kind an ARN names, for findings of checks this version does not know.
    pub fn of_arn(arn: &Arn) -> Option<ResourceKind> {
        let path: Vec<&str> = arn.resource.split('/').collect();
        Some(match (arn.service, arn.resource_type()) {
            ("lambda", "function") => ResourceKind::Function,
            ("secretsmanager", "secret") => ResourceKind::Secret,
            ("kms", "key" | "alias") => ResourceKind::Key,
            ("lambda", "event-source-mapping") => ResourceKind::Mapping,
            ("lambda", "layer") => ResourceKind::Layer,
            ("sqs", _) => ResourceKind::Queue,
            ("sns", _) => ResourceKind::Topic,
            ("events", "event-bus") => ResourceKind::Bus,
            ("states", "stateMachine") => ResourceKind::StateMachine,
            ("kinesis", "stream") => ResourceKind::Stream,
            ("appsync", "apis") => ResourceKind::GraphqlApi,
            ("cognito-idp", "userpool") => ResourceKind::UserPool,
            ("cognito-identity", "identitypool") => ResourceKind::IdentityPool,
            ("apigateway", "") => match path.as_slice() {
                ["", "restapis", _] => ResourceKind::RestApi,
                ["", "apis", _] => ResourceKind::HttpApi,
                ["", "restapis" | "apis", _, "stages", _] => ResourceKind::Stage,
                ["", "domainnames", _] => ResourceKind::Domain,
                _ => return None,
            },
            _ => return None,
        })
    }

    /// A queue, topic, bus or mapping: what the event-source checks judge.
    pub fn is_event_source(self) -> bool {
        matches!(
            self,
            ResourceKind::Queue
                | ResourceKind::Topic
                | ResourceKind::Bus
                | ResourceKind::Mapping
                | ResourceKind::Stream
        )
    }

    pub fn label(self) -> &'static str {
        match self {
            ResourceKind::Function => "function",
            ResourceKind::RestApi => "rest api",
            ResourceKind::Stage => "stage",
            ResourceKind::HttpApi => "http/ws api",
            ResourceKind::Domain => "domain",
            ResourceKind::Secret => "secret",
            ResourceKind::Key => "key",
            ResourceKind::Queue => "queue",
            ResourceKind::Topic => "topic",
            ResourceKind::Bus => "event bus",
            ResourceKind::Mapping => "stream mapping",
            ResourceKind::Layer => "layer",
            ResourceKind::StateMachine => "workflow",
            ResourceKind::Stream => "stream",
            ResourceKind::GraphqlApi => "graphql api",
            ResourceKind::UserPool => "user pool",
            ResourceKind::IdentityPool => "id pool",
            ResourceKind::Listing => "listing",
            ResourceKind::Other => "resource",
        }
    }
}

/// One field that decided a finding, e.g. `authorizationType = NONE` on `POST /orders`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evidence {
    pub field: Text,
    pub value: Text,
}

impl Evidence {
    pub fn new(field: impl Into<Text>, value: impl Into<Text>) -> Self {
        Evidence {
            field: field.into(),
            value: value.into(),
        }
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct Finding {
    /// The AWS account of the resource. Snapshots from before it was recorded lack it; reading
    /// one fills in the snapshot's account.
    #[serde(default, skip_serializing_if = "str::is_empty")]
    pub account_id: Text,
    pub check_id: Text,
    pub status: Status,
    /// Usually the check's severity; some checks adjust it per resource (e.g. a runtime that
    /// is only about to be deprecated is medium).
    pub severity: Severity,
    pub category: Category,
    pub service: Service,
    pub region: Text,
    /// ARN or another stable id.
    pub resource_id: Text,
    /// Human name: function name, `<api>/<stage>`, API name, secret name, key alias, domain.
    pub resource_name: Text,
    pub message: Text,
    pub evidence: Vec<Evidence>,
    pub remediation: Remediation,
    /// Snapshots from before mutes kept the real status: the reason of a finding whose
    /// `status` is `muted`. Never written now (see `mute`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute_reason: Option<Box<str>>,
    /// The mute in force on this finding. Its `status` stays the real one: a muted pass is a
    /// pass, a muted fail a fail; the score leaves muted findings out. (Boxed, like
    /// `mute_expired`: most findings have none, and a finding is held per resource and check.)
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute: Option<Box<MuteMark>>,
    /// A mute that matched this finding but has expired: it no longer applies, and the
    /// finding says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mute_expired: Option<Box<MuteMark>>,
}

/// A finding as written: [`Finding`]'s fields in its order, the remediation filled in.
#[derive(Serialize, PartialEq)]
struct FindingOut<'a> {
    #[serde(skip_serializing_if = "str::is_empty")]
    account_id: &'a str,
    check_id: &'a str,
    status: Status,
    severity: Severity,
    category: Category,
    service: Service,
    region: &'a str,
    resource_id: &'a str,
    resource_name: &'a str,
    message: &'a str,
    evidence: &'a [Evidence],
    remediation: std::borrow::Cow<'a, RemediationText>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mute_reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mute: Option<&'a MuteMark>,
    #[serde(skip_serializing_if = "Option::is_none")]
    mute_expired: Option<&'a MuteMark>,
}

impl<'a> FindingOut<'a> {
    fn of(finding: &'a Finding) -> Self {
        // Destructured, so a new field cannot be forgotten here.
        let Finding {
            account_id,
            check_id,
            status,
            severity,
            category,
            service,
            region,
            resource_id,
            resource_name,
            message,
            evidence,
            remediation: _,
            mute_reason,
            mute,
            mute_expired,
        } = finding;
        FindingOut {
            account_id,
            check_id,
            status: *status,
            severity: *severity,
            category: *category,
            service: *service,
            region,
            resource_id,
            resource_name,
            message,
            evidence,
            remediation: finding.remediation(),
            mute_reason: mute_reason.as_deref(),
            mute: mute.as_deref(),
            mute_expired: mute_expired.as_deref(),
        }
    }
}

impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        FindingOut::of(self).serialize(s)
    }
}

/// Equal when everything a reader sees is: a remediation held as templates equals the same
/// text read back from a snapshot.
impl PartialEq for Finding {
    fn eq(&self, other: &Finding) -> bool {
        FindingOut::of(self) == FindingOut::of(other)
    }
}

/// A mute as it applies to one finding: why, until when, and where it was made.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MuteMark {
    pub reason: String,
    /// The last day before the mute stops applying is the day before this (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Where the mute comes from: a mutes file's path, `config.toml`, a Prowler mutelist.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Finding {
    /// Makes this finding's strings the interner's shared copies: a finding repeats its
    /// account, region, check and resource with many others (see [`Interner`]).
    pub fn intern(&mut self, interner: &mut Interner) {
        for text in [
            &mut self.account_id,
            &mut self.check_id,
            &mut self.region,
            &mut self.resource_id,
            &mut self.resource_name,
            &mut self.message,
        ] {
            interner.intern(text);
        }
        for e in &mut self.evidence {
            interner.intern(&mut e.field);
            interner.intern(&mut e.value);
        }
        if let Remediation::Templates(t) = &mut self.remediation {
            for (_, value) in &mut t.params {
                interner.intern(value);
            }
        }
    }

    /// A finding for unit tests: a Lambda function `name` in `region` of account
    /// 111122223333, high, exposure, no message; change the rest with struct update syntax.
    #[cfg(test)]
    pub(crate) fn sample(check_id: &str, region: &str, name: &str, status: Status) -> Finding {
        Finding {
            account_id: "111122223333".into(),
            check_id: check_id.into(),
            status,
            severity: Severity::High,
            category: Category::Exposure,
            service: Service::Lambda,
            region: region.into(),
            resource_id: format!("arn:aws:lambda:{region}:111122223333:function:{name}").into(),
            resource_name: name.into(),
            message: Text::default(),
            evidence: Vec::new(),
            remediation: Remediation::default(),
            mute_reason: None,
            mute: None,
            mute_expired: None,
        }
    }

    /// The status the screens, the score and the thresholds go by: `muted` for a muted
    /// finding (whatever its real status), else the real status.
    pub fn shown(&self) -> Status {
        if self.mute.is_some() {
            Status::Muted
        } else {
            self.status
        }
    }

    /// Whether a mute is in force (also a finding of an old snapshot stored as `muted`).
    pub fn is_muted(&self) -> bool {
        self.shown() == Status::Muted
    }

    /// The remediation with this finding's identifiers filled in.
    pub fn remediation(&self) -> std::borrow::Cow<'_, RemediationText> {
        match &self.remediation {
            Remediation::Text(text) => Cow::Borrowed(text),
            Remediation::Stored(s) => Cow::Owned(s.text()),
            Remediation::Templates(t) => {
                let value = |key: &str| match key {
                    "name" => Some(self.resource_name.as_str()),
                    "arn" => Some(self.resource_id.as_str()),
                    "region" => Some(self.region.as_str()),
                    "account" => Some(self.account_id.as_str()),
                    _ => t.params.iter().find(|(k, _)| *k == key).map(|(_, v)| &**v),
                };
                Cow::Owned(RemediationText {
                    summary: t.summary.to_string(),
                    console: t.console.iter().map(|c| fill(c, &value)).collect(),
                    cli: fill(t.cli, &value),
                    terraform: fill(t.terraform, &value),
                })
            }
        }
    }

    /// Why it is muted: the mute's reason, or an old snapshot's `mute_reason`.
    pub fn mute_text(&self) -> Option<&str> {
        self.mute
            .as_ref()
            .map(|m| m.reason.as_str())
            .or(self.mute_reason.as_deref())
    }
}
