//! A small IAM policy model: enough to decide who a resource policy lets in and what an
//! identity policy allows. Accepts the shapes AWS (and emulators) really return: a JSON
//! string holding the policy, `Statement` as object or list, `Principal` as `"*"`, object or
//! list, bare account ids, `Action` / `NotAction`, and extra statement keys such as
//! `FunctionUrlAuthType`.

use crate::domain::arn::{Arn, account_of};
use serde_json::{Map, Value};
use wildmatch::WildMatch;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Effect {
    Allow,
    Deny,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Principal {
    /// No `Principal` key (identity policies).
    #[default]
    Absent,
    /// `"*"` or `{"AWS": "*"}` (anywhere in a list).
    Anyone,
    Specific {
        aws: Vec<String>,
        service: Vec<String>,
        federated: Vec<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Condition {
    pub operator: String,
    pub key: String,
    pub values: Vec<String>,
}

impl Condition {
    /// The operator without its set prefix (`ForAnyValue:StringEquals` → `stringequals`).
    pub fn operator_base(&self) -> String {
        let op = self.operator.trim();
        op.rsplit(':').next().unwrap_or(op).to_ascii_lowercase()
    }

    /// Whether the condition is on one of `keys` (case-insensitive).
    pub fn is_on(&self, keys: &[&str]) -> bool {
        keys.iter().any(|k| self.key.eq_ignore_ascii_case(k))
    }

    /// Whether the condition, on an Allow statement, lets only callers with specific values
    /// of one of `keys` through. It does not when the operator is negated (`StringNotEquals`),
    /// ends in `IfExists` or is `Null` (callers without the key pass), is a `ForAllValues:`
    /// set operator (true when the key is absent), or when no value is specific (`*`,
    /// `vpce-*`, `0.0.0.0/0`, an ARN with a wildcard account).
    pub fn narrows(&self, keys: &[&str]) -> bool {
        let op = self.operator_base();
        self.is_on(keys)
            && !op.contains("not")
            && !op.ends_with("ifexists")
            && !op.starts_with("null")
            && !self
                .operator
                .trim()
                .to_ascii_lowercase()
                .starts_with("forallvalues:")
            && self.values.iter().any(|v| specific_value(v))
    }
}

/// A condition value that names something in particular rather than "any": not empty, not
/// wildcards only, not an open network (`0.0.0.0/0`, `::/0`), not a bare prefix with a
/// wildcard (`vpce-*`, `vpc-*`, `o-*`), and, for an ARN, no wildcard in its account field.
pub fn specific_value(value: &str) -> bool {
    let v = value.trim();
    if v.is_empty() || v.chars().all(|c| matches!(c, '*' | '?')) {
        return false;
    }
    if matches!(v, "0.0.0.0/0" | "::/0") {
        return false;
    }
    if let Some(head) = v.strip_suffix('*')
        && head.len() <= 5
        && head.ends_with('-')
    {
        return false;
    }
    if v.starts_with("arn:") {
        let account = Arn::parse(v).map_or("", |a| a.account);
        return !account.contains(['*', '?']);
    }
    true
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub principal: Principal,
    /// `NotPrincipal` present: treat as matching (almost) anyone.
    pub not_principal: bool,
    pub actions: Vec<String>,
    /// True when the statement used `NotAction`: it matches every action *not* listed.
    pub not_action: bool,
    pub resources: Vec<String>,
    pub not_resource: bool,
    pub conditions: Vec<Condition>,
    /// Statement keys outside the IAM grammar (moto puts `FunctionUrlAuthType` here).
    pub extra: Map<String, Value>,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct PolicyDocument {
    pub statements: Vec<Statement>,
}

fn strings(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a.iter().flat_map(strings).collect(),
        Value::Number(n) => vec![n.to_string()],
        Value::Bool(b) => vec![b.to_string()],
        _ => Vec::new(),
    }
}

fn parse_principal(v: &Value) -> Principal {
    match v {
        Value::String(s) if s == "*" => Principal::Anyone,
        // A bare service name as the whole principal: a service, not an AWS principal.
        Value::String(s) if s.ends_with(".amazonaws.com") || s.ends_with(".amazonaws.com.cn") => {
            Principal::Specific {
                aws: Vec::new(),
                service: vec![s.clone()],
                federated: Vec::new(),
            }
        }
        // A bare account id or ARN as the whole principal (moto writes cross-account
        // Lambda permissions this way).
        Value::String(s) => Principal::Specific {
            aws: vec![s.clone()],
            service: Vec::new(),
            federated: Vec::new(),
        },
        Value::Array(items) => {
            let mut merged = Principal::Specific {
                aws: Vec::new(),
                service: Vec::new(),
                federated: Vec::new(),
            };
            for item in items {
                match parse_principal(item) {
                    Principal::Anyone => return Principal::Anyone,
                    Principal::Specific {
                        aws,
                        service,
                        federated,
                    } => {
                        if let Principal::Specific {
                            aws: a,
                            service: s,
                            federated: f,
                        } = &mut merged
                        {
                            a.extend(aws);
                            s.extend(service);
                            f.extend(federated);
                        }
                    }
                    Principal::Absent => {}
                }
            }
            merged
        }
        Value::Object(map) => {
            let mut aws = Vec::new();
            let mut service = Vec::new();
            let mut federated = Vec::new();
            for (k, v) in map {
                let vals = strings(v);
                match k.to_ascii_lowercase().as_str() {
                    "aws" => {
                        if vals.iter().any(|s| s == "*") {
                            return Principal::Anyone;
                        }
                        aws.extend(vals);
                    }
                    "service" => service.extend(vals),
                    "federated" => federated.extend(vals),
                    "canonicaluser" => {
                        if vals.iter().any(|s| s == "*") {
                            return Principal::Anyone;
                        }
                        aws.extend(vals);
                    }
                    _ => {}
                }
            }
            Principal::Specific {
                aws,
                service,
                federated,
            }
        }
        _ => Principal::Absent,
    }
}

fn parse_conditions(v: &Value) -> Vec<Condition> {
    let mut out = Vec::new();
    if let Value::Object(ops) = v {
        for (op, keys) in ops {
            if let Value::Object(keys) = keys {
                for (key, vals) in keys {
                    out.push(Condition {
                        operator: op.clone(),
                        key: key.clone(),
                        values: strings(vals),
                    });
                }
            }
        }
    }
    out
}

fn parse_statement(v: &Value) -> Result<Statement, String> {
    let Value::Object(map) = v else {
        return Err("statement is not an object".into());
    };
    let mut extra = Map::new();
    let mut st = Statement {
        sid: None,
        effect: Effect::Allow,
        principal: Principal::Absent,
        not_principal: false,
        actions: Vec::new(),
        not_action: false,
        resources: Vec::new(),
        not_resource: false,
        conditions: Vec::new(),
        extra: Map::new(),
    };
    let mut effect_seen = false;
    for (k, val) in map {
        match k.as_str() {
            "Sid" => st.sid = val.as_str().map(str::to_string),
            "Effect" => {
                effect_seen = true;
                st.effect = match val.as_str() {
                    Some(e) if e.eq_ignore_ascii_case("allow") => Effect::Allow,
                    Some(e) if e.eq_ignore_ascii_case("deny") => Effect::Deny,
                    other => return Err(format!("invalid Effect {other:?}")),
                }
            }
            "Principal" => st.principal = parse_principal(val),
            "NotPrincipal" => {
                st.not_principal = true;
                st.principal = Principal::Anyone;
            }
            "Action" => st.actions = strings(val),
            "NotAction" => {
                st.actions = strings(val);
                st.not_action = true;
            }
            "Resource" => st.resources = strings(val),
            "NotResource" => {
                st.resources = strings(val);
                st.not_resource = true;
            }
            "Condition" => st.conditions = parse_conditions(val),
            _ => {
                extra.insert(k.clone(), val.clone());
            }
        }
    }
    if !effect_seen {
        return Err("statement has no Effect".into());
    }
    st.extra = extra;
    Ok(st)
}

impl PolicyDocument {
    /// Parses a policy document. Accepts the document itself, a JSON string containing it
    /// (double-encoded, as some APIs return), and URL-encoded documents (IAM GetPolicyVersion).
    pub fn parse(text: &str) -> Result<PolicyDocument, String> {
        let trimmed = text.trim();
        let decoded;
        let text = if trimmed.starts_with('%') || trimmed.starts_with("%7B") {
            decoded = percent_decode(trimmed);
            decoded.as_str()
        } else {
            trimmed
        };
        let mut value: Value =
            serde_json::from_str(text).map_err(|e| format!("policy is not valid JSON: {e}"))?;
        // A policy delivered as a JSON string holding JSON.
        for _ in 0..2 {
            if let Value::String(inner) = &value {
                value = serde_json::from_str(inner)
                    .map_err(|e| format!("policy string is not valid JSON: {e}"))?;
            }
        }
        let Value::Object(map) = &value else {
            return Err("policy is not a JSON object".into());
        };
        let statements = match map.get("Statement") {
            None => Vec::new(),
            Some(Value::Array(items)) => items
                .iter()
                .map(parse_statement)
                .collect::<Result<_, _>>()?,
            Some(obj @ Value::Object(_)) => vec![parse_statement(obj)?],
            Some(_) => return Err("Statement is neither an object nor a list".into()),
        };
        Ok(PolicyDocument { statements })
    }

    pub fn allow_statements(&self) -> impl Iterator<Item = &Statement> {
        self.statements.iter().filter(|s| s.effect == Effect::Allow)
    }

    /// Whether an Allow statement grants `action` on `resource` and no Deny statement
    /// (without conditions) removes it. Conditions on Allow statements are ignored:
    /// this is used for "can this role do X", where a conditional grant still counts.
    pub fn allows(&self, action: &str, resource: &str) -> bool {
        let denied = self.statements.iter().any(|s| {
            s.effect == Effect::Deny
                && s.conditions.is_empty()
                && s.matches_action(action)
                && s.matches_resource(resource)
        });
        !denied
            && self
                .allow_statements()
                .any(|s| s.matches_action(action) && s.matches_resource(resource))
    }
}

fn percent_decode(s: &str) -> String {
    // Works on bytes: slicing the &str after a '%' could split a multi-byte character.
    fn hex(b: u8) -> Option<u8> {
        (b as char).to_digit(16).map(|d| d as u8)
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let (Some(hi), Some(lo)) = (hex(bytes[i + 1]), hex(bytes[i + 2]))
        {
            out.push(hi * 16 + lo);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// IAM-style case-insensitive wildcard match (`*` and `?`).
pub fn glob_match(pattern: &str, value: &str) -> bool {
    WildMatch::new_case_insensitive(pattern).matches(value)
}

impl Statement {
    /// Does the Action/NotAction element cover `action` (e.g. `lambda:InvokeFunction`)?
    pub fn matches_action(&self, action: &str) -> bool {
        let listed = self.actions.iter().any(|p| glob_match(p, action));
        if self.not_action { !listed } else { listed }
    }

    /// Does the Resource/NotResource element cover `resource`? A statement without a
    /// resource element (resource policies) covers everything.
    pub fn matches_resource(&self, resource: &str) -> bool {
        if self.resources.is_empty() {
            return !self.not_resource;
        }
        // Resource ARNs match case-sensitively in IAM (actions do not).
        let listed = self
            .resources
            .iter()
            .any(|p| WildMatch::new(p).matches(resource));
        if self.not_resource { !listed } else { listed }
    }

    /// Whether the Action element literally grants all actions of the given service family
    /// (`svc:*`) or everything (`*`), i.e. a wildcard *pattern* rather than a single action.
    pub fn grants_service_wildcard(&self, service: &str) -> bool {
        if self.effect != Effect::Allow {
            return false;
        }
        if self.not_action {
            // NotAction allows every action not listed: a wildcard unless the service is listed.
            return !self
                .actions
                .iter()
                .any(|p| glob_match(p, &format!("{service}:anything")));
        }
        self.actions
            .iter()
            .any(|p| p == "*" || p.eq_ignore_ascii_case(&format!("{service}:*")))
    }

    /// Resource element is `*` (or NotResource of something specific).
    pub fn on_all_resources(&self) -> bool {
        if self.not_resource {
            return true;
        }
        self.resources.iter().any(|r| r == "*")
    }

    /// Principal `*` / `{"AWS":"*"}` / NotPrincipal.
    pub fn is_public_principal(&self) -> bool {
        matches!(self.principal, Principal::Anyone)
    }

    /// Condition keys present (case-insensitive), from `Condition` or stray statement keys.
    pub fn has_condition_key(&self, keys: &[&str]) -> bool {
        self.conditions
            .iter()
            .any(|c| keys.iter().any(|k| c.key.eq_ignore_ascii_case(k)))
    }

    /// Values of a condition key under any operator.
    pub fn condition_values(&self, key: &str) -> Vec<String> {
        self.conditions
            .iter()
            .filter(|c| c.key.eq_ignore_ascii_case(key))
            .flat_map(|c| c.values.clone())
            .collect()
    }

    /// Function URL auth type the statement is scoped to, as a condition
    /// (`lambda:FunctionUrlAuthType`) or as a top-level key (moto).
    pub fn function_url_auth_type(&self) -> Option<String> {
        self.condition_values("lambda:FunctionUrlAuthType")
            .into_iter()
            .next()
            .or_else(|| {
                self.extra
                    .iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("FunctionUrlAuthType"))
                    .and_then(|(_, v)| v.as_str().map(str::to_string))
            })
    }

    /// AWS principals (account ids, ARNs) named by the statement.
    pub fn aws_principals(&self) -> Vec<String> {
        match &self.principal {
            Principal::Specific { aws, .. } => aws.clone(),
            _ => Vec::new(),
        }
    }

    /// Service principals, e.g. `s3.amazonaws.com`.
    pub fn service_principals(&self) -> Vec<String> {
        match &self.principal {
            Principal::Specific { service, .. } => service.clone(),
            _ => Vec::new(),
        }
    }

    /// Accounts of the AWS principals (bare ids and ARNs alike).
    pub fn principal_accounts(&self) -> Vec<String> {
        self.aws_principals()
            .iter()
            .filter_map(|p| account_of(p))
            .collect()
    }
}

#[cfg(test)]
mod tests;
