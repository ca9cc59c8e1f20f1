//! Exposure paths through event sources (see docs/CHECKS.md, "Exposure paths"): a
//! queue, topic or bus anyone can write to, or a service grant without a source, triggers a
//! function whose role is dangerous. `domain::triggers::public_paths` finds the sources;
//! `domain::iam` judges the role. One finding per function, like the entry-point joins: a
//! function no public source triggers passes; one whose sources could not all be read is
//! `unknown`.

use super::join::{self, WayIn, Words};
use crate::domain::arn::role_name;
use crate::domain::catalogue::{CheckDef, Context, Target, tf_ident};
use crate::domain::finding::{Category, Evidence, Finding, ResourceKind, Service, Severity};
use crate::domain::iam::{RolePrivileges, escalation_paths};
use crate::domain::inventory::{Area, Function, Inventory, Role};
use crate::domain::triggers::public_paths;

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "exposure.public-event-source-privileged-function",
        title: "A source anyone can write to triggers a privileged function",
        severity: Severity::Critical,
        category: Category::Exposure,
        service: Service::Lambda,
        areas: &[Area::Triggers, Area::Functions],
        resource: ResourceKind::Function,
        rationale: "Anyone can put an event on a queue, topic or bus (or have any account's             bucket, topic or rule invoke the function through a service grant without a source),             and the function that consumes it runs as an administrator, holds service wildcards             or can escalate. Event data tampering made concrete: a crafted event is all an             attacker needs to reach those permissions.",
        fix: "Close the source's policy; scope the role.",
        console: &[
            "Close the source: {entry} (remove the public statement from its policy, or add a source condition).",
            "Open the IAM console → Roles → {role_name}: remove the grants named in the evidence.",
            "Re-run Parapet: the path is gone when either end is fixed.",
        ],
        cli: "# close the source ({entry}): edit its policy so only named principals may write to it\n\
            # and cut the role down:\n\
            aws iam detach-role-policy --role-name {role_name} --policy-arn arn:aws:iam::aws:policy/AdministratorAccess\n\
            aws iam put-role-policy --role-name {role_name} --policy-name {name}-least-privilege --policy-document file://scoped-policy.json",
        terraform: "resource \"aws_iam_role_policy\" \"{tf}\" {\n  name   = \"{name}-least-privilege\"\n  role   = \"{role_name}\"\n  policy = data.aws_iam_policy_document.{tf}_scoped.json # only what {name} uses\n}",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/lambda/latest/dg/invocation-eventsourcemapping.html",
        evaluate: event_privileged_function,
    },
    CheckDef {
        id: "exposure.public-event-source-secret-reader",
        title: "A source anyone can write to triggers a function that can read secrets",
        severity: Severity::High,
        category: Category::Exposure,
        service: Service::Lambda,
        areas: &[Area::Triggers, Area::Functions],
        resource: ResourceKind::Function,
        rationale: "Anyone can hand this function an event, and its role may call             secretsmanager:GetSecretValue. An event that steers which secret is read, or that             makes the function leak what it read, discloses credentials.",
        fix: "Close the source's policy; scope the role's GetSecretValue to the one secret it needs.",
        console: &[
            "Close the source: {entry} (remove the public statement from its policy, or add a source condition).",
            "Open the IAM console → Roles → {role_name}: limit secretsmanager:GetSecretValue to the ARN of the secret the function needs.",
        ],
        cli: "# close the source ({entry}), then scope the role:\n\
            aws iam put-role-policy --role-name {role_name} --policy-name {name}-read-own-secret --policy-document file://read-one-secret.json",
        terraform: "data \"aws_iam_policy_document\" \"{tf}_secret\" {\n  statement {\n    actions   = [\"secretsmanager:GetSecretValue\"]\n    resources = [\"arn:aws:secretsmanager:{region}:{account}:secret:{name}/*\"]\n  }\n}",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/auth-and-access.html",
        evaluate: event_secret_reader,
    },
];

// ───────────────────────────── event sources ─────────────────────────────

/// How the event-source joins word their verdicts.
const WORDS: Words = Words {
    reached: "anyone can trigger it",
    undecided: "cannot tell whether anyone can trigger it",
    none: "no source anyone can write to triggers this function",
    none_label: "Public sources",
    one: "source",
    many: "sources",
};

fn event_privileged_function(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    evaluate_event_paths(
        def,
        inv,
        |f, role, privileges| {
            let mut grants = privileges.privileged_grants();
            grants.extend(escalation_paths(role, &f.arn).paths);
            grants
        },
        "an administrator, over-privileged or able to escalate",
    )
}

fn event_secret_reader(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    evaluate_event_paths(
        def,
        inv,
        |_, _, privileges| privileges.secret_grants(),
        "able to read secrets",
    )
}

/// One finding per function: fail when a public source triggers it and its role has the
/// dangerous grants `danger` names, with the path `source → mapping / subscription / rule →
/// function → role → permission`.
fn evaluate_event_paths(
    def: &CheckDef,
    inv: &Inventory,
    danger: impl Fn(&Function, &Role, &RolePrivileges) -> Vec<String>,
    what: &str,
) -> Vec<Finding> {
    inv.functions
        .iter()
        .map(|f| {
            let (paths, gaps) = public_paths(inv, f);
            let t = Target::new(&f.region, &f.arn, &f.name)
                .param("tf", tf_ident(&f.name))
                .param("role_name", role_name(&f.role_arn))
                .param(
                    "entry",
                    paths
                        .first()
                        .map(|p| p.source.clone())
                        .unwrap_or_else(|| "the source".into()),
                );
            let ways: Vec<WayIn> = paths
                .iter()
                .map(|p| WayIn {
                    headline: p.source.clone(),
                    via: p.via.clone(),
                    evidence: vec![
                        Evidence::new("Source", &p.source),
                        Evidence::new("Via", &p.via),
                        Evidence::new("Public because", &p.why),
                    ],
                })
                .collect();
            join::judge(def, inv, f, &t, (&ways, &gaps), &WORDS, what, &danger)
        })
        .collect()
}

#[cfg(test)]
mod tests;
