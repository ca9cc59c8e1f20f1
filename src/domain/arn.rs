//! ARNs taken apart in one place: `arn:PARTITION:SERVICE:REGION:ACCOUNT:RESOURCE`, the
//! function references inside integration URIs, role and function names, and the account of a
//! principal. Nothing else splits an ARN on `:` by hand.

/// A parsed ARN, borrowing from the text. Tolerant of what ARN *patterns* in policies leave
/// out: only `arn:` and the partition are required, missing parts are empty.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arn<'a> {
    pub partition: &'a str,
    pub service: &'a str,
    pub region: &'a str,
    pub account: &'a str,
    /// Everything after the account: `function:orders:live`, `role/path/name`, `/restapis/x`.
    pub resource: &'a str,
}

impl<'a> Arn<'a> {
    pub fn parse(text: &'a str) -> Option<Arn<'a>> {
        let mut parts = text.trim().splitn(6, ':');
        if parts.next()? != "arn" {
            return None;
        }
        let partition = parts.next()?;
        let mut next = || parts.next().unwrap_or("");
        Some(Arn {
            partition,
            service: next(),
            region: next(),
            account: next(),
            resource: next(),
        })
    }

    /// The resource's type: what precedes the first `:` or `/` of the resource (`function`,
    /// `role`, `secret`, `key`, `alias`, `layer`); empty for path-only resources.
    pub fn resource_type(&self) -> &'a str {
        self.resource.split([':', '/']).next().unwrap_or_default()
    }

    /// A Lambda function ARN's name and qualifier (`function:orders:live` → `orders`,
    /// `Some("live")`).
    pub fn function(&self) -> Option<(&'a str, Option<&'a str>)> {
        if self.service != "lambda" {
            return None;
        }
        let mut parts = self.resource.split(':');
        if parts.next()? != "function" {
            return None;
        }
        let name = parts.next().filter(|n| !n.is_empty())?;
        Some((name, parts.next()))
    }

    /// A Lambda layer ARN's name (`layer:NAME:VERSION`).
    pub fn layer_name(&self) -> Option<&'a str> {
        if self.service != "lambda" {
            return None;
        }
        let mut parts = self.resource.split(':');
        if parts.next()? != "layer" {
            return None;
        }
        parts.next()
    }

    /// An IAM role ARN's name, without its path (`role/service/orders` → `orders`).
    pub fn role_name(&self) -> Option<&'a str> {
        let rest = self.resource.strip_prefix("role/")?;
        rest.rsplit('/').next().filter(|n| !n.is_empty())
    }
}

/// A role's name from its ARN; the text itself when it is not a role ARN.
pub fn role_name(role_arn: &str) -> String {
    Arn::parse(role_arn)
        .and_then(|a| a.role_name())
        .unwrap_or(role_arn)
        .to_string()
}

/// A function's name from its ARN; the text itself when it is not a function ARN.
pub fn function_name(arn: &str) -> String {
    Arn::parse(arn)
        .and_then(|a| a.function())
        .map_or(arn, |(name, _)| name)
        .to_string()
}

/// A function reference parsed from an ARN or an integration URI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionRef {
    pub region: String,
    pub account: String,
    pub name: String,
    pub qualifier: Option<String>,
}

/// Finds the Lambda function ARN inside an ARN or integration URI:
/// `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:orders:live/invocations`
/// → `us-east-1 / 123456789012 / orders / live`.
pub fn function_ref(uri: &str) -> Option<FunctionRef> {
    // The apigateway wrapper ARN (`arn:aws:apigateway:…:lambda:path`) is not a function ARN,
    // so every `arn:` can be tried in turn.
    let candidates = uri.match_indices("arn:").map(|(i, _)| i);
    for i in candidates {
        let text = uri[i..].split(['/', '?', '#']).next().unwrap_or("");
        let Some(arn) = Arn::parse(text) else {
            continue;
        };
        if let Some((name, qualifier)) = arn.function() {
            return Some(FunctionRef {
                region: arn.region.to_string(),
                account: arn.account.to_string(),
                name: name.to_string(),
                qualifier: qualifier.map(str::to_string),
            });
        }
    }
    None
}

/// Whether `uri` (an integration/authorizer URI or ARN) targets the function `function_arn`.
pub fn uri_targets(uri: &str, function_arn: &str) -> bool {
    match (function_ref(uri), function_ref(function_arn)) {
        (Some(a), Some(b)) => a.name == b.name && a.region == b.region && a.account == b.account,
        _ => !function_arn.is_empty() && uri.contains(function_arn),
    }
}

/// The human name of an event source or target in its ARN: the queue or topic name, the
/// bus, stream, table or cluster name (`arn:aws:dynamodb:r:a:table/orders/stream/2026-…` →
/// `orders`, `arn:aws:events:r:a:rule/shop-bus/on-order` → `on-order`); the text itself
/// when it is no ARN.
pub fn source_name(text: &str) -> String {
    let Some(arn) = Arn::parse(text) else {
        return text.trim().to_string();
    };
    let segments: Vec<&str> = arn.resource.split('/').collect();
    let name = match (arn.service, segments.as_slice()) {
        ("sqs" | "sns", _) => Some(arn.resource),
        ("mq", _) => arn.resource.split(':').nth(1),
        ("dynamodb" | "kinesis" | "kafka", [_, name, ..]) => Some(*name),
        ("events", [_, .., name]) => Some(*name),
        (_, [.., name]) => Some(*name),
        _ => None,
    };
    name.filter(|n| !n.is_empty())
        .unwrap_or(arn.resource)
        .to_string()
}

/// The account id in a bare account id or an ARN (`arn:aws:iam::123456789012:root`).
pub fn account_of(principal: &str) -> Option<String> {
    let p = principal.trim();
    let is_account = |s: &str| s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit());
    if is_account(p) {
        return Some(p.to_string());
    }
    match Arn::parse(p) {
        Some(arn) if is_account(arn.account) => Some(arn.account.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests;
