//! Why a piece of data could not be had: the kind of failure, the AWS action that failed and
//! the one-line reason shown on `unknown` findings and in the status strip (e.g.
//! `AccessDenied: missing lambda:GetPolicy`). It reads and writes as that reason alone, so
//! snapshots keep their text; a reason read back from a file gets its kind from its head.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::listed::listed_enum;

listed_enum! {
    /// What kind of failure a call had. Decides retry-independent handling: a denial or a
    /// missing API is permanent for this scan; credentials problems stop the source.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum FailureKind {
        /// HTTP 403 or an access-denied error code (whatever the body format).
        Denied,
        /// Still throttled (after `--deadline`, or with retries that ran out).
        Throttled,
        /// The endpoint does not implement the call (HTML 404/500/501 from emulators).
        NotImplemented,
        /// The resource does not exist (for GetPolicy & co this means "none").
        NotFound,
        /// Credentials missing, expired or rejected.
        Credentials,
        /// Timed out or could not connect.
        Unreachable,
        /// The response could not be parsed.
        Unparsable,
        Other,
    }
}

impl FailureKind {
    /// The word a reason of this kind starts with, and the status strip shows.
    pub fn label(self) -> &'static str {
        match self {
            FailureKind::Denied => "AccessDenied",
            FailureKind::Throttled => "Throttled",
            FailureKind::NotImplemented => "NotImplemented",
            FailureKind::NotFound => "NotFound",
            FailureKind::Credentials => "Credentials",
            FailureKind::Unreachable => "Unreachable",
            FailureKind::Unparsable => "Unparsable",
            FailureKind::Other => "Error",
        }
    }
}

/// Two failures are the same when they read the same: the reason decides equality and order
/// (a reason read back from a file has no action, and is still the failure it was).
#[derive(Clone, Debug)]
pub struct Failure {
    pub kind: FailureKind,
    /// The IAM action of the call that failed (`lambda:GetPolicy`), when one did.
    pub action: Option<String>,
    /// The one-line reason, as shown.
    pub reason: String,
}

impl Failure {
    pub fn new(kind: FailureKind, action: Option<&str>, reason: impl Into<String>) -> Failure {
        Failure {
            kind,
            action: action.map(str::to_string),
            reason: reason.into(),
        }
    }

    /// A reason that comes as text (a snapshot file, a fixture): its kind is the one its
    /// head names (`AccessDenied: …`), else `Other`.
    pub fn parse(reason: &str) -> Failure {
        let head = head(reason);
        let kind = FailureKind::ALL
            .into_iter()
            .filter(|k| *k != FailureKind::Other)
            .find(|k| head == k.label())
            .unwrap_or(FailureKind::Other);
        Failure::new(kind, None, reason)
    }

    /// The short form the status strip shows: the kind's word, or for another failure the
    /// error code its reason starts with (`ValidationException` → `Validation`).
    pub fn short(&self) -> String {
        match self.kind {
            FailureKind::Other => {
                let head = self
                    .reason
                    .split([':', '(', '\n'])
                    .next()
                    .unwrap_or("")
                    .trim();
                head.strip_suffix("Exception")
                    .filter(|h| !h.is_empty())
                    .unwrap_or(head)
                    .to_string()
            }
            kind => kind.label().to_string(),
        }
    }

    /// The same failure, its reason followed by `suffix` (`" (and 3 more)"`).
    pub fn with_suffix(mut self, suffix: &str) -> Failure {
        self.reason.push_str(suffix);
        self
    }
}

/// The first word of a reason: up to `:`, `(`, a space or the end of the line.
fn head(reason: &str) -> &str {
    reason
        .split([':', '(', '\n', ' '])
        .next()
        .unwrap_or(reason)
        .trim()
}

impl PartialEq for Failure {
    fn eq(&self, other: &Failure) -> bool {
        self.reason == other.reason
    }
}

impl Eq for Failure {}

impl PartialOrd for Failure {
    fn partial_cmp(&self, other: &Failure) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Failure {
    fn cmp(&self, other: &Failure) -> std::cmp::Ordering {
        self.reason.cmp(&other.reason)
    }
}

impl std::hash::Hash for Failure {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.reason.hash(state);
    }
}

/// A failure reads as its reason wherever text is wanted.
impl std::ops::Deref for Failure {
    type Target = str;
    fn deref(&self) -> &str {
        &self.reason
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason)
    }
}

impl From<&str> for Failure {
    fn from(reason: &str) -> Failure {
        Failure::parse(reason)
    }
}

impl From<String> for Failure {
    fn from(reason: String) -> Failure {
        Failure::parse(&reason)
    }
}

impl From<Failure> for String {
    fn from(failure: Failure) -> String {
        failure.reason
    }
}

impl From<&Failure> for String {
    fn from(failure: &Failure) -> String {
        failure.reason.clone()
    }
}

impl Serialize for Failure {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.reason)
    }
}

impl<'de> Deserialize<'de> for Failure {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d).map(|s| Failure::parse(&s))
    }
}

#[cfg(test)]
mod tests;
