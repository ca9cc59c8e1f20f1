//! The check catalogue: data (id, title, severity, rationale, remediation templates,
//! references) plus a pure evaluator per check.

use time::OffsetDateTime;

use super::finding::{
    Category, Evidence, Finding, Remediation, ResourceKind, Service, Severity, Status, Templates,
    Text, fill,
};
use super::inventory::{Area, Inventory};

/// What a check needs besides the inventory: the clock and user settings. Pure input, so
/// evaluation stays deterministic in tests.
#[derive(Clone, Debug)]
pub struct Context {
    pub now: OffsetDateTime,
    /// Accounts trusted for cross-account invoke, layers and secret access.
    pub trusted_accounts: Vec<String>,
    pub max_secret_age_days: i64,
    pub unused_secret_days: i64,
}

impl Context {
    pub fn new(now: OffsetDateTime) -> Self {
        Context {
            now,
            trusted_accounts: Vec::new(),
            max_secret_age_days: 90,
            unused_secret_days: 90,
        }
    }

    /// Whether an account is ours or explicitly trusted.
    pub fn is_trusted(&self, inventory: &Inventory, account: &str) -> bool {
        account == inventory.account_id || self.trusted_accounts.iter().any(|a| a == account)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Reference {
    pub label: &'static str,
    pub url: &'static str,
}

/// One catalogue entry. Templates may use `{name}`, `{arn}`, `{region}`, `{account}` and any
/// extra placeholder the check supplies through [`Target::param`].
#[derive(Clone, Copy)]
pub struct CheckDef {
    pub id: &'static str,
    pub title: &'static str,
    pub severity: Severity,
    pub category: Category,
    pub service: Service,
    /// The poll areas whose data the check reads; the first is the one that collects the
    /// resource it judges (what `r` on the check refreshes).
    pub areas: &'static [Area],
    /// What its findings are about.
    pub resource: ResourceKind,
    pub rationale: &'static str,
    /// One-line fix summary (what the hint must say).
    pub fix: &'static str,
    pub console: &'static [&'static str],
    pub cli: &'static str,
    pub terraform: &'static str,
    /// FSBP control id, if any (e.g. `Lambda.1`).
    pub fsbp: Option<&'static str>,
    /// Prowler check id, if any.
    pub prowler: Option<&'static str>,
    pub docs_url: &'static str,
    pub evaluate: fn(&CheckDef, &Inventory, &Context) -> Vec<Finding>,
}

impl std::fmt::Debug for CheckDef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CheckDef").field("id", &self.id).finish()
    }
}

/// The resource a finding is about, plus template parameters for its remediation.
#[derive(Clone, Debug, Default)]
pub struct Target {
    pub region: String,
    pub resource_id: String,
    pub resource_name: String,
    pub params: Vec<(&'static str, String)>,
}

impl Target {
    pub fn new(
        region: impl Into<String>,
        resource_id: impl Into<String>,
        resource_name: impl Into<String>,
    ) -> Self {
        Target {
            region: region.into(),
            resource_id: resource_id.into(),
            resource_name: resource_name.into(),
            params: Vec::new(),
        }
    }

    /// The target of a check's `unknown` finding for a whole region whose listing of
    /// `service` failed.
    pub fn listing(service: Service, region: &str) -> Self {
        Target::new(
            region,
            listing_id(service, region),
            format!("all {service} in {region}"),
        )
    }

    /// Adds a template placeholder value, e.g. `.param("stage", "prod")` fills `{stage}`.
    pub fn param(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.params.push((key, value.into()));
        self
    }
}

/// The resource id of [`Target::listing`].
pub fn listing_id(service: Service, region: &str) -> String {
    format!("{service}:{region}")
}

/// The decided verdicts of [`CheckDef`]: one method per status, all alike.
macro_rules! verdicts {
    ($($(#[$doc:meta])* $name:ident => $status:ident,)*) => {
        $(
            $(#[$doc])*
            pub fn $name(
                &self,
                inv: &Inventory,
                t: &Target,
                msg: impl Into<Text>,
                ev: Vec<Evidence>,
            ) -> Finding {
                self.finding(inv, t, Status::$status, msg, ev)
            }
        )*
    };
}

impl CheckDef {
    /// The kind of resource one of this check's findings is about: the check's own kind,
    /// or [`ResourceKind::Listing`] for a region whose listing failed.
    pub fn resource_kind(&self, finding: &Finding) -> ResourceKind {
        if finding.resource_id == listing_id(finding.service, &finding.region) {
            return ResourceKind::Listing;
        }
        // The event-source checks judge queues, topics, buses and mappings alike: their
        // ARNs tell which.
        if self.resource.is_event_source()
            && let Some(kind) = crate::domain::arn::Arn::parse(&finding.resource_id)
                .and_then(|a| ResourceKind::of_arn(&a))
                .filter(|k| k.is_event_source())
        {
            return kind;
        }
        self.resource
    }

    /// Builds a finding for `target` with remediation templates filled in.
    pub fn finding(
        &self,
        inventory: &Inventory,
        target: &Target,
        status: Status,
        message: impl Into<Text>,
        evidence: Vec<Evidence>,
    ) -> Finding {
        Finding {
            account_id: inventory.account_id.as_str().into(),
            check_id: self.id.into(),
            status,
            severity: self.severity,
            category: self.category,
            service: self.service,
            region: target.region.as_str().into(),
            resource_id: target.resource_id.as_str().into(),
            resource_name: target.resource_name.as_str().into(),
            message: message.into(),
            evidence,
            remediation: Remediation::Templates(Templates {
                summary: self.fix,
                console: self.console,
                cli: self.cli,
                terraform: self.terraform,
                params: target
                    .params
                    .iter()
                    .map(|(k, v)| (*k, v.as_str().into()))
                    .collect(),
            }),
            mute_reason: None,
            mute: None,
            mute_expired: None,
        }
    }

    verdicts! {
        /// A `pass` finding for `t`.
        pass => Pass,
        /// A `fail` finding for `t`.
        fail => Fail,
    }

    /// `unknown` with the collection error as the message.
    pub fn unknown(&self, inv: &Inventory, t: &Target, reason: impl Into<String>) -> Finding {
        let reason = reason.into();
        self.finding(
            inv,
            t,
            Status::Unknown,
            format!("could not decide: {reason}"),
            vec![Evidence::new("collection error", reason)],
        )
    }

    pub fn not_applicable(&self, inv: &Inventory, t: &Target, msg: impl Into<Text>) -> Finding {
        self.finding(inv, t, Status::NotApplicable, msg, Vec::new())
    }

    pub fn references(&self) -> Vec<Reference> {
        let mut refs = Vec::new();
        if let Some(c) = self.fsbp {
            refs.push(Reference {
                label: c,
                url: "https://docs.aws.amazon.com/securityhub/latest/userguide/fsbp-standard.html",
            });
        }
        refs.push(Reference {
            label: "AWS docs",
            url: self.docs_url,
        });
        refs
    }
}

/// Replaces `{name}`, `{arn}`, `{region}`, `{account}` and the target's params. One pass
/// over the template (every finding of every evaluation fills several), and a value is never
/// expanded again, even if it contains something that looks like a placeholder.
pub fn fill_template(template: &str, inventory: &Inventory, target: &Target) -> String {
    let value = |key: &str| match key {
        "name" => Some(target.resource_name.as_str()),
        "arn" => Some(target.resource_id.as_str()),
        "region" => Some(target.region.as_str()),
        "account" => Some(inventory.account_id.as_str()),
        _ => target
            .params
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| v.as_str()),
    };
    fill(template, &value)
}

/// Terraform resource names must be identifiers: `orders-api/prod` → `orders_api_prod`.
pub fn tf_ident(name: &str) -> String {
    let mut s: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .collect();
    if s.starts_with(|c: char| c.is_ascii_digit()) || s.is_empty() {
        s.insert(0, 'r');
    }
    s
}

#[cfg(test)]
mod tests;
