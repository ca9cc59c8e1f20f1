//! IAM analysis shared by the check families: what a Lambda resource policy lets anyone do,
//! how a policy statement reads as evidence, and what an execution role's policies allow
//! (administrator, over-privileged, which secrets it can read). Pure functions over the
//! inventory and [`PolicyDocument`]s.

use crate::domain::inventory::{Fetched, Function, Inventory, Role};
use crate::domain::policy::{Effect, PolicyDocument, Principal, Statement};
use wildmatch::WildMatch;

/// Condition keys that restrict who can use a `Principal: "*"` grant.
pub const RESTRICTING_CONDITION_KEYS: &[&str] = &[
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:PrincipalOrgID",
    "lambda:EventSourceToken",
    "aws:SourceOwner",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalOrgPaths",
];

/// Invoke actions a resource policy can grant.
const INVOKE_ACTIONS: &[&str] = &[
    "lambda:InvokeFunction",
    "lambda:InvokeFunctionUrl",
    "lambda:InvokeAsync",
];

/// Service families whose `svc:*` makes a role over-privileged.
const WILDCARD_SERVICES: &[&str] = &[
    "secretsmanager",
    "kms",
    "iam",
    "s3",
    "dynamodb",
    "lambda",
    "sts",
];

/// Single actions that are dangerous on `Resource: "*"`.
const DANGEROUS_ON_ALL: &[&str] = &[
    "iam:PassRole",
    "secretsmanager:GetSecretValue",
    "kms:Decrypt",
];

// ───────────────────────────── resource policies ─────────────────────────────

/// The function's resource policy: `Ok(None)` when it has none, `Err` when it could not be
/// fetched or parsed.
pub fn function_policy(f: &Function) -> Result<Option<PolicyDocument>, String> {
    parse_policy(&f.policy)
}

/// Service principals (without `.amazonaws.com`) that invoke Lambda asynchronously.
pub const ASYNC_SERVICES: &[&str] = &[
    "s3",
    "sns",
    "events",
    "scheduler",
    "ses",
    "iot",
    "iotevents",
    "logs",
    "cloudformation",
    "codecommit",
    "codepipeline",
    "config",
    "lambda.alarms.cloudwatch",
];

/// Async-invoking service principals granted invoke by the policy.
pub fn async_invokers(doc: &PolicyDocument) -> Vec<String> {
    let mut out = Vec::new();
    for st in doc.statements.iter().filter(|s| grants_invoke(s)) {
        for svc in st.service_principals() {
            let short = svc
                .trim_end_matches(".amazonaws.com.cn")
                .trim_end_matches(".amazonaws.com");
            if ASYNC_SERVICES.iter().any(|a| a.eq_ignore_ascii_case(short)) && !out.contains(&svc) {
                out.push(svc);
            }
        }
    }
    out
}

/// Whether the poller reads GetFunctionEventInvokeConfig for a function: only when it can
/// change `lambda.no-failure-destination`, that is when the resource policy lets an
/// async-invoking service invoke the function and no dead-letter queue already catches failed
/// events, or when the policy could not be read (so the check cannot tell). Every function
/// invoked by S3, SNS, EventBridge and the other [`ASYNC_SERVICES`] carries such a grant, so
/// this saves one request per function on most accounts.
pub fn reads_event_invoke(
    policy: &Fetched<Option<String>>,
    dead_letter_target: Option<&str>,
) -> bool {
    match parse_policy(policy) {
        Err(_) => true,
        Ok(doc) => {
            dead_letter_target.is_none_or(|d| d.trim().is_empty())
                && doc.is_some_and(|d| !async_invokers(&d).is_empty())
        }
    }
}

/// A fetched resource policy (the function's or an alias's), parsed: `Ok(None)` when there is
/// none, `Err` when it could not be fetched or parsed.
pub fn parse_policy(policy: &Fetched<Option<String>>) -> Result<Option<PolicyDocument>, String> {
    match policy {
        Err(e) => Err(e.to_string()),
        Ok(None) => Ok(None),
        Ok(Some(text)) if text.trim().is_empty() => Ok(None),
        Ok(Some(text)) => PolicyDocument::parse(text)
            .map(Some)
            .map_err(|e| format!("resource policy could not be parsed: {e}")),
    }
}

/// Whether the statement allows one of the invoke actions.
pub fn grants_invoke(st: &Statement) -> bool {
    st.effect == Effect::Allow && INVOKE_ACTIONS.iter().any(|a| st.matches_action(a))
}

/// Allow statements that let anyone invoke the function.
pub fn public_invoke_statements(doc: &PolicyDocument) -> Vec<&Statement> {
    doc.statements
        .iter()
        .filter(|st| {
            grants_invoke(st)
                && st.is_public_principal()
                && !st
                    .conditions
                    .iter()
                    .any(|c| c.narrows(RESTRICTING_CONDITION_KEYS))
        })
        .collect()
}

/// `Principal` as written, for evidence.
pub fn principal_text(st: &Statement) -> String {
    match &st.principal {
        Principal::Absent => "(none)".into(),
        Principal::Anyone if st.not_principal => "NotPrincipal (everyone else)".into(),
        Principal::Anyone => "*".into(),
        Principal::Specific {
            aws,
            service,
            federated,
        } => {
            let mut parts = Vec::new();
            if !aws.is_empty() {
                parts.push(format!("AWS: {}", aws.join(", ")));
            }
            if !service.is_empty() {
                parts.push(format!("Service: {}", service.join(", ")));
            }
            if !federated.is_empty() {
                parts.push(format!("Federated: {}", federated.join(", ")));
            }
            parts.join("; ")
        }
    }
}

/// `Action`/`NotAction` as written, for evidence.
pub fn action_text(st: &Statement) -> String {
    let list = st.actions.join(", ");
    if st.not_action {
        format!("NotAction: {list}")
    } else {
        list
    }
}

/// Conditions (and a stray `FunctionUrlAuthType` key), for evidence.
pub fn conditions_text(st: &Statement) -> String {
    let mut parts: Vec<String> = st
        .conditions
        .iter()
        .map(|c| format!("{} {} = {}", c.operator, c.key, c.values.join("|")))
        .collect();
    if st.condition_values("lambda:FunctionUrlAuthType").is_empty()
        && let Some(auth) = st.function_url_auth_type()
    {
        parts.push(format!("FunctionUrlAuthType = {auth}"));
    }
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join("; ")
    }
}

/// The statement's `Sid`, or `(no Sid)`.
pub fn sid_of(st: &Statement) -> String {
    st.sid.clone().unwrap_or_else(|| "(no Sid)".into())
}

/// One-line description of a statement: `Sid "x": * may lambda:InvokeFunction (conditions: none)`.
pub fn statement_summary(st: &Statement) -> String {
    format!(
        "statement {}: {} may {} (conditions: {})",
        sid_of(st),
        principal_text(st),
        action_text(st),
        conditions_text(st)
    )
}

// ───────────────────────────── execution roles ─────────────────────────────

/// What an execution role's policies allow, as far as the privilege checks care.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RolePrivileges {
    /// Why the role is an administrator (AdministratorAccess, `*` on `*`).
    pub admin: Vec<String>,
    /// Service wildcards and dangerous actions on `*`, one line each, naming the policy.
    pub overprivileged: Vec<String>,
    /// Resource patterns on which `secretsmanager:GetSecretValue` is allowed (`*` or ARNs).
    pub can_read_secrets: Vec<String>,
    /// Policies whose document could not be read or parsed (`name: reason`).
    pub unreadable: Vec<String>,
}

impl RolePrivileges {
    pub fn is_admin(&self) -> bool {
        !self.admin.is_empty()
    }
    pub fn is_overprivileged(&self) -> bool {
        !self.overprivileged.is_empty()
    }

    /// What makes the role privileged for the exposure joins: the administrator grant alone
    /// (its wildcards restate the same fact), else the over-privileged grants.
    pub fn privileged_grants(&self) -> Vec<String> {
        if self.is_admin() {
            self.admin.clone()
        } else {
            self.overprivileged.clone()
        }
    }

    /// `secretsmanager:GetSecretValue on R`, one per resource the role may read secrets on.
    pub fn secret_grants(&self) -> Vec<String> {
        self.can_read_secrets
            .iter()
            .map(|r| format!("secretsmanager:GetSecretValue on {r}"))
            .collect()
    }
}

fn is_admin_policy(name: &str, arn: Option<&str>) -> bool {
    name == "AdministratorAccess" || arn.is_some_and(|a| a.ends_with(":policy/AdministratorAccess"))
}

/// Whether a Resource pattern can cover a Secrets Manager secret.
fn covers_secrets(resource: &str) -> bool {
    let r = resource.trim();
    if r == "*" {
        return true;
    }
    let parts: Vec<&str> = r.split(':').collect();
    match parts.get(2) {
        Some(service) => service.eq_ignore_ascii_case("secretsmanager") || service.contains('*'),
        None => r.contains('*'),
    }
}

/// Whether an unconditional Deny removes `action` on every resource.
fn denied_everywhere(doc: &PolicyDocument, action: &str) -> bool {
    doc.statements.iter().any(|s| {
        s.effect == Effect::Deny
            && s.conditions.is_empty()
            && s.matches_action(action)
            && (s.on_all_resources() || s.resources.is_empty())
    })
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_string());
    }
}

/// Reads every policy of a role and sums up what it allows. A policy named
/// `AdministratorAccess` (or with the AWS managed policy's ARN) counts as admin without
/// reading its document.
pub fn role_privileges(role: &Role) -> RolePrivileges {
    let mut out = RolePrivileges::default();
    for policy in &role.policies {
        let label = match &policy.arn {
            Some(arn) => format!("{} ({arn})", policy.name),
            None => format!("{} (inline)", policy.name),
        };
        if is_admin_policy(&policy.name, policy.arn.as_deref()) {
            // Its content is known (every action on every resource): no need to read it.
            let which = policy.arn.clone().unwrap_or_else(|| label.clone());
            out.admin
                .push(format!("administrator policy attached: {which}"));
            out.overprivileged
                .push(format!("{which} allows every action (\"*\")"));
            push_unique(&mut out.can_read_secrets, "*");
            continue;
        }
        let doc = match &policy.document {
            Err(e) => {
                out.unreadable.push(format!("{}: {e}", policy.name));
                continue;
            }
            Ok(text) => match PolicyDocument::parse(text) {
                Ok(doc) => doc,
                Err(e) => {
                    out.unreadable.push(format!("{}: {e}", policy.name));
                    continue;
                }
            },
        };
        for st in doc.allow_statements() {
            let sid = st
                .sid
                .as_deref()
                .map(|s| format!(" statement {s}"))
                .unwrap_or_default();
            let everything = !st.not_action && st.actions.iter().any(|a| a.trim() == "*");
            if everything && st.on_all_resources() {
                let cond = if st.conditions.is_empty() {
                    ""
                } else {
                    " (with conditions)"
                };
                out.admin
                    .push(format!("{label}{sid} allows \"*\" on \"*\"{cond}"));
            }
            if everything {
                out.overprivileged
                    .push(format!("{label}{sid} allows every action (\"*\")"));
            } else {
                for svc in WILDCARD_SERVICES {
                    if st.grants_service_wildcard(svc)
                        && !denied_everywhere(&doc, &format!("{svc}:anything"))
                    {
                        let how = if st.not_action {
                            format!("{svc}:* (via {})", action_text(st))
                        } else {
                            format!("{svc}:*")
                        };
                        out.overprivileged
                            .push(format!("{label}{sid} allows {how}"));
                    }
                }
            }
            if st.on_all_resources() && !everything {
                for action in DANGEROUS_ON_ALL {
                    let svc = action.split(':').next().unwrap_or_default();
                    if st.matches_action(action)
                        && !st.grants_service_wildcard(svc)
                        && !denied_everywhere(&doc, action)
                    {
                        out.overprivileged
                            .push(format!("{label}{sid} allows {action} on \"*\""));
                    }
                }
            }
            if st.matches_action("secretsmanager:GetSecretValue")
                && !denied_everywhere(&doc, "secretsmanager:GetSecretValue")
            {
                let resources: Vec<String> = if st.not_resource || st.resources.is_empty() {
                    vec!["*".into()]
                } else {
                    st.resources
                        .iter()
                        .filter(|r| covers_secrets(r))
                        .cloned()
                        .collect()
                };
                for r in resources {
                    push_unique(&mut out.can_read_secrets, &r);
                }
            }
        }
    }
    out
}

/// The role of a function: `Err` with the reason when it is missing or could not be read.
pub fn function_role<'a>(inv: &'a Inventory, f: &Function) -> Result<&'a Role, String> {
    if f.role_arn.trim().is_empty() {
        return Err("the function reports no execution role".into());
    }
    match inv.role(&f.role_arn) {
        None => Err(format!("execution role {} was not collected", f.role_arn)),
        Some(Err(e)) => Err(format!("execution role {}: {e}", f.role_arn)),
        Some(Ok(role)) => Ok(role),
    }
}

// ───────────────────────────── service grants ─────────────────────────────

/// Conditions that pin which bucket, topic, rule or API a service principal acts for.
pub const SOURCE_CONDITION_KEYS: &[&str] =
    &["aws:SourceArn", "aws:SourceAccount", "aws:PrincipalOrgID"];

/// Allow statements that let an AWS service principal (`s3.amazonaws.com`, …) invoke the
/// function with no `aws:SourceArn`, `aws:SourceAccount` or `aws:PrincipalOrgID`
/// condition: any account's bucket, topic, rule or API can then trigger it.
pub fn service_invoke_without_source(doc: &PolicyDocument) -> Vec<&Statement> {
    doc.statements
        .iter()
        .filter(|st| {
            grants_invoke(st)
                && !st.is_public_principal()
                && !st.service_principals().is_empty()
                && !st
                    .conditions
                    .iter()
                    .any(|c| c.narrows(SOURCE_CONDITION_KEYS))
        })
        .collect()
}

// ───────────────────────────── privilege escalation ─────────────────────────────

/// IAM actions that rewrite what an identity may do; on `*` or on the role itself they let a
/// compromised function grant itself anything.
const IAM_ESCALATION_ACTIONS: &[&str] = &[
    "iam:PutRolePolicy",
    "iam:AttachRolePolicy",
    "iam:CreatePolicyVersion",
    "iam:SetDefaultPolicyVersion",
    "iam:UpdateAssumeRolePolicy",
    "iam:PutUserPolicy",
    "iam:AttachUserPolicy",
    "iam:CreateAccessKey",
    "iam:CreateLoginProfile",
    "iam:UpdateLoginProfile",
    "iam:AddUserToGroup",
];

/// Ways to run a function created with a passed role.
const RUN_ACTIONS: &[&str] = &[
    "lambda:InvokeFunction",
    "lambda:CreateEventSourceMapping",
    "lambda:AddPermission",
    "lambda:CreateFunctionUrlConfig",
];

/// Actions that replace another function's code or configuration (and so run as its role).
const UPDATE_ACTIONS: &[&str] = &[
    "lambda:UpdateFunctionCode",
    "lambda:UpdateFunctionConfiguration",
];

/// What [`escalation_paths`] found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Escalations {
    /// One line per path, naming the actions, their resources and the policy statements.
    pub paths: Vec<String>,
    /// Policies whose document could not be read or parsed (`name: reason`).
    pub unreadable: Vec<String>,
}

/// One allowed action: on which resources, by which policy statement.
struct Grant {
    action: &'static str,
    resources: Vec<String>,
    by: String,
}

impl Grant {
    fn on(&self) -> String {
        format!(
            "{} on {} ({})",
            self.action,
            self.resources.join(", "),
            self.by
        )
    }
}

fn is_wildcard(resource: &str) -> bool {
    resource.contains(['*', '?'])
}

/// The known IAM privilege-escalation paths an execution role grants (see CHECKS.md,
/// `lambda.role-can-escalate`): `iam:PassRole` on a wildcard with `lambda:CreateFunction`
/// and a way to run the new function; `lambda:UpdateFunctionCode`/`Configuration` on
/// functions other than `function_arn`; the IAM actions that rewrite permissions on `*` or
/// on a resource covering the role itself. An administrator policy grants them all.
pub fn escalation_paths(role: &Role, function_arn: &str) -> Escalations {
    escalation_paths_with(role, function_arn, false)
}

/// [`escalation_paths`] of a state machine's role (`sfn.privileged-role`): the same paths,
/// and `states:CreateStateMachine` with `iam:PassRole` on a wildcard (a new state machine
/// runs as whatever role it is passed).
pub fn state_machine_escalation_paths(role: &Role, machine_arn: &str) -> Escalations {
    escalation_paths_with(role, machine_arn, true)
}

/// A role's policy as the grant analyses read it: an administrator policy (everything on
/// everything, not read) or a parsed document.
enum ReadPolicy {
    Admin,
    Document(PolicyDocument),
}

/// Every policy of `role` with its label (`name (ARN)` or `name (inline)`), read; a policy
/// that could not be read or parsed goes to `unreadable` (`name: reason`).
fn read_policies(role: &Role, unreadable: &mut Vec<String>) -> Vec<(String, ReadPolicy)> {
    let mut out = Vec::new();
    for policy in &role.policies {
        let label = match &policy.arn {
            Some(arn) => format!("{} ({arn})", policy.name),
            None => format!("{} (inline)", policy.name),
        };
        if is_admin_policy(&policy.name, policy.arn.as_deref()) {
            out.push((label, ReadPolicy::Admin));
            continue;
        }
        match policy
            .document
            .as_ref()
            .map_err(|e| e.to_string())
            .and_then(|t| PolicyDocument::parse(t))
        {
            Ok(doc) => out.push((label, ReadPolicy::Document(doc))),
            Err(e) => unreadable.push(format!("{}: {e}", policy.name)),
        }
    }
    out
}

/// `label statement SID`, or the label alone for a statement without a Sid.
fn statement_label(label: &str, st: &Statement) -> String {
    match &st.sid {
        Some(sid) => format!("{label} statement {sid}"),
        None => label.to_string(),
    }
}

fn escalation_paths_with(role: &Role, own_arn: &str, state_machines: bool) -> Escalations {
    let function_arn = own_arn;
    let mut out = Escalations::default();
    let mut grants: Vec<Grant> = Vec::new();
    let all_actions = IAM_ESCALATION_ACTIONS
        .iter()
        .chain(RUN_ACTIONS)
        .chain(UPDATE_ACTIONS)
        .chain(&["iam:PassRole", "lambda:CreateFunction"])
        .chain(if state_machines {
            &["states:CreateStateMachine"][..]
        } else {
            &[]
        });
    for (label, policy) in read_policies(role, &mut out.unreadable) {
        let doc = match policy {
            ReadPolicy::Admin => {
                grants.extend(all_actions.clone().map(|&action| Grant {
                    action,
                    resources: vec!["*".into()],
                    by: label.clone(),
                }));
                continue;
            }
            ReadPolicy::Document(doc) => doc,
        };
        for st in doc.allow_statements() {
            let by = statement_label(&label, st);
            for &action in all_actions.clone() {
                if st.matches_action(action) && !denied_everywhere(&doc, action) {
                    let resources = if st.not_resource || st.resources.is_empty() {
                        vec!["*".to_string()]
                    } else {
                        st.resources.clone()
                    };
                    grants.push(Grant {
                        action,
                        resources,
                        by: by.clone(),
                    });
                }
            }
        }
    }
    let of = |actions: &[&str]| -> Vec<&Grant> {
        grants
            .iter()
            .filter(|g| actions.contains(&g.action))
            .collect()
    };

    // PassRole + CreateFunction + a way to run it.
    let pass: Vec<&Grant> = of(&["iam:PassRole"])
        .into_iter()
        .filter(|g| g.resources.iter().any(|r| is_wildcard(r)))
        .collect();
    let create = of(&["lambda:CreateFunction"]);
    let run = of(RUN_ACTIONS);
    if let (Some(p), Some(c), Some(r)) = (pass.first(), create.first(), run.first()) {
        out.paths.push(format!(
            "create a function with any role: {} + {} + {}",
            p.on(),
            c.on(),
            r.on()
        ));
    }

    // PassRole + CreateStateMachine.
    let create_machine = of(&["states:CreateStateMachine"]);
    if let (Some(p), Some(c)) = (pass.first(), create_machine.first()) {
        out.paths.push(format!(
            "create a state machine with any role: {} + {}",
            p.on(),
            c.on()
        ));
    }

    // Rewriting another function.
    let own = function_arn.trim();
    let others = |r: &str| {
        let r = r.trim();
        !(r == own || r.strip_prefix(own).is_some_and(|q| q.starts_with(':')))
    };
    for g in of(UPDATE_ACTIONS) {
        if g.resources.iter().any(|r| others(r)) {
            out.paths
                .push(format!("take over other functions: {}", g.on()));
        }
    }

    // Rewriting permissions: on everything, or on this very role.
    for g in of(IAM_ESCALATION_ACTIONS) {
        let own_role = g
            .resources
            .iter()
            .any(|r| r.trim() != "*" && WildMatch::new(r.trim()).matches(&role.arn));
        if g.resources.iter().any(|r| r.trim() == "*") {
            out.paths
                .push(format!("rewrite IAM permissions: {}", g.on()));
        } else if own_role {
            out.paths
                .push(format!("rewrite its own role's permissions: {}", g.on()));
        }
    }
    out
}

/// The actions that make a role dangerous in the hands of anyone on the internet
/// (`cognito.identity-pool-guest-privileged`): run functions, start workflows, read secrets.
pub const GUEST_DANGEROUS_ACTIONS: &[&str] = &[
    "lambda:InvokeFunction",
    "states:StartExecution",
    "states:StartSyncExecution",
    "secretsmanager:GetSecretValue",
];

/// What a role allows of [`GUEST_DANGEROUS_ACTIONS`]: one line per action and statement
/// (`lambda:InvokeFunction on * (guest (inline))`), and the policies that could not be read.
pub fn dangerous_guest_grants(role: &Role) -> Escalations {
    let mut out = Escalations::default();
    for (label, policy) in read_policies(role, &mut out.unreadable) {
        let doc = match policy {
            ReadPolicy::Admin => {
                for action in GUEST_DANGEROUS_ACTIONS {
                    out.paths.push(format!("{action} on * ({label})"));
                }
                continue;
            }
            ReadPolicy::Document(doc) => doc,
        };
        for st in doc.allow_statements() {
            let by = statement_label(&label, st);
            for action in GUEST_DANGEROUS_ACTIONS {
                if st.matches_action(action) && !denied_everywhere(&doc, action) {
                    let on = if st.not_resource || st.resources.is_empty() {
                        "*".to_string()
                    } else {
                        st.resources.join(", ")
                    };
                    out.paths.push(format!("{action} on {on} ({by})"));
                }
            }
        }
    }
    out
}
