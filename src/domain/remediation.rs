//! A finding's remediation: the console steps, the AWS CLI command and the Terraform snippet
//! with the resource's real identifiers, held lean (a check's templates plus this resource's
//! values, or the text of the snapshot it was read from) and filled in only when shown or
//! written.

use std::borrow::Cow;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::text::Text;

/// Remediation with the resource's real identifiers filled in: what a reader sees
/// ([`Finding::remediation`]) and what a snapshot stores.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RemediationText {
    pub summary: String,
    pub console: Vec<String>,
    pub cli: String,
    pub terraform: String,
}

/// A finding's remediation as held in memory. A check's finding keeps the check's templates
/// and only the values this resource adds, and fills them in when read: the filled-in text
/// is about a kilobyte, a third of a million findings held 300 MB of it, and most of it is
/// never looked at before it is written out.
#[derive(Clone, Debug)]
pub enum Remediation {
    /// A check's templates; `{name}`, `{arn}`, `{region}` and `{account}` are the finding's.
    Templates(Templates),
    /// Text as read from a snapshot (or written by hand); shared, so copying a snapshot's
    /// findings (to apply mutes, to merge accounts) does not copy a kilobyte each.
    Text(std::sync::Arc<RemediationText>),
    /// Still in the text of the snapshot it was read from (see [`Stored`]).
    Stored(Stored),
}

/// A remediation left where it was read: in the snapshot file's text, which the findings
/// share. It was checked when read and is parsed again when shown or written. A
/// 250,000-finding snapshot holds 300 MB of remediation text; copying it out took a third
/// of `parapet open`'s time, mostly in fresh memory's page faults.
#[derive(Clone)]
pub struct Stored {
    source: std::sync::Arc<String>,
    start: usize,
    end: usize,
}

impl Stored {
    fn json(&self) -> &str {
        &self.source[self.start..self.end]
    }

    fn shape(&self) -> Option<Shape<'_>> {
        serde_json::from_str(self.json()).ok()
    }

    /// The remediation as written in the file (empty if it no longer parses).
    pub fn text(&self) -> RemediationText {
        self.shape().map(Shape::into_text).unwrap_or_default()
    }
}

impl fmt::Debug for Stored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Stored").field(&self.json()).finish()
    }
}

/// [`RemediationText`] as read, borrowed from the text where it has no escapes: what a
/// remediation is checked against when read, without keeping a copy.
#[derive(Deserialize)]
struct Shape<'a> {
    #[serde(borrow)]
    summary: Cow<'a, str>,
    #[serde(borrow)]
    console: Vec<Line<'a>>,
    #[serde(borrow)]
    cli: Cow<'a, str>,
    #[serde(borrow)]
    terraform: Cow<'a, str>,
}

#[derive(Deserialize)]
struct Line<'a>(#[serde(borrow)] Cow<'a, str>);

impl Shape<'_> {
    fn into_text(self) -> RemediationText {
        RemediationText {
            summary: self.summary.into_owned(),
            console: self.console.into_iter().map(|l| l.0.into_owned()).collect(),
            cli: self.cli.into_owned(),
            terraform: self.terraform.into_owned(),
        }
    }
}

thread_local! {
    /// The text being read by [`reading_from`], which stored remediations may point into.
    static SOURCE: std::cell::RefCell<Option<std::sync::Arc<String>>> =
        const { std::cell::RefCell::new(None) };
}

/// Runs `read` (a parse of `text`) with the findings' remediations left in `text` instead of
/// copied out (see [`Stored`]).
pub fn reading_from<T>(text: &std::sync::Arc<String>, read: impl FnOnce(&str) -> T) -> T {
    struct Reset;
    impl Drop for Reset {
        fn drop(&mut self) {
            SOURCE.with(|s| s.borrow_mut().take());
        }
    }
    SOURCE.with(|s| *s.borrow_mut() = Some(text.clone()));
    let _reset = Reset;
    read(text)
}

/// Where `json` lies in the text [`reading_from`] is reading, if it does.
fn stored_in_source(json: &str) -> Option<Stored> {
    SOURCE.with(|s| {
        let source = s.borrow();
        let source = source.as_ref()?;
        let base = source.as_ptr() as usize;
        let at = json.as_ptr() as usize;
        (at >= base && at + json.len() <= base + source.len()).then(|| Stored {
            source: source.clone(),
            start: at - base,
            end: at - base + json.len(),
        })
    })
}

impl Default for Remediation {
    fn default() -> Self {
        Remediation::Text(std::sync::Arc::default())
    }
}

impl From<RemediationText> for Remediation {
    fn from(text: RemediationText) -> Self {
        Remediation::Text(std::sync::Arc::new(text))
    }
}

impl Remediation {
    /// The fix in a sentence (the check's, never filled in).
    pub fn summary(&self) -> Cow<'_, str> {
        match self {
            Remediation::Templates(t) => Cow::Borrowed(t.summary),
            Remediation::Text(text) => Cow::Borrowed(&text.summary),
            Remediation::Stored(s) => s.shape().map(|s| s.summary).unwrap_or_default(),
        }
    }
}

/// Reads a remediation from JSON text (a borrowing reader: `serde_json::from_str` or
/// `from_slice`), checked like any other field; inside [`reading_from`] it stays in the
/// text.
impl<'de> Deserialize<'de> for Remediation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = <&'de serde_json::value::RawValue>::deserialize(d)?;
        let shape: Shape<'de> = serde_json::from_str(raw.get()).map_err(|e| {
            // The position is the outer reader's; the inner one's would mislead.
            let message = e.to_string();
            let message = message.split(" at line ").next().unwrap_or(&message);
            serde::de::Error::custom(format!("remediation: {message}"))
        })?;
        Ok(match stored_in_source(raw.get()) {
            Some(stored) => Remediation::Stored(stored),
            None => Remediation::from(shape.into_text()),
        })
    }
}

/// A check's remediation templates (see [`fill`]) and the values of the check's own
/// placeholders for one resource (e.g. `{stage}`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Templates {
    pub summary: &'static str,
    pub console: &'static [&'static str],
    pub cli: &'static str,
    pub terraform: &'static str,
    pub params: Box<[(&'static str, Text)]>,
}

/// Replaces every `{key}` of `template` that `value` knows, in one pass; a value is never
/// expanded again, even if it contains something that looks like a placeholder, and an
/// unknown `{…}` (a Terraform block, a JSON object) stays as it is.
pub fn fill<'v>(template: &str, value: &dyn Fn(&str) -> Option<&'v str>) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after
            .find('}')
            .and_then(|close| value(&after[..close]).map(|v| (v, close)))
        {
            Some((v, close)) => {
                out.push_str(v);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}
