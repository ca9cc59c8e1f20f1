//! Checks for Cognito user pools and identity pools (see docs/CHECKS.md).
//!
//! The resource of `cognito.self-signup-authorizer` is the user pool; of
//! `cognito.identity-pool-guest-privileged`, the identity pool. A pool that could not be read
//! is `unknown` with the reason.

use crate::domain::catalogue::{CheckDef, Context, Target, tf_ident};
use crate::domain::cognito::pool_uses;
use crate::domain::finding::{Category, Evidence, Finding, ResourceKind, Service, Severity};
use crate::domain::iam::{dangerous_guest_grants, escalation_paths, role_privileges};
use crate::domain::inventory::{Area, Inventory};

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "cognito.self-signup-authorizer",
        title: "Anyone can sign up to a user pool that guards API routes",
        severity: Severity::High,
        category: Category::Auth,
        service: Service::CognitoIdp,
        areas: &[Area::Users, Area::Gateways],
        resource: ResourceKind::UserPool,
        rationale: "A route behind a Cognito authorizer looks authenticated, but when the pool \
            lets anyone sign up, anyone with an email address can create a user, sign in and \
            call it: the authorizer proves only that the caller has an account, which they \
            gave themselves. Either make sign-up admin-only, or authorize on a group or claim \
            the user cannot give themselves.",
        fix: "Disable self sign-up (AllowAdminCreateUserOnly), or authorize on a group or claim users cannot set themselves.",
        console: &[
            "Open the Cognito console in {region} → User pools → {name} → Sign-up.",
            "Self-service sign-up: Edit → clear Enable self-registration → Save.",
            "Or: in API Gateway, require a group claim (cognito:groups) or a scope the sign-up flow does not grant on {first_path}.",
        ],
        cli: "aws cognito-idp update-user-pool --user-pool-id {pool_id} --region {region} \\\n  --admin-create-user-config AllowAdminCreateUserOnly=true\n# update-user-pool resets settings you do not pass: pass the pool's current configuration too",
        terraform: "resource \"aws_cognito_user_pool\" \"{tf}\" {\n  # …\n  admin_create_user_config {\n    allow_admin_create_user_only = true\n  }\n}",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/cognito/latest/developerguide/signing-up-users-in-your-app.html",
        evaluate: self_signup_authorizer,
    },
    CheckDef {
        id: "cognito.identity-pool-guest-privileged",
        title: "Identity pool gives unauthenticated guests a privileged role",
        severity: Severity::Critical,
        category: Category::Exposure,
        service: Service::CognitoIdentity,
        areas: &[Area::Users],
        resource: ResourceKind::IdentityPool,
        rationale: "An identity pool that allows unauthenticated identities hands AWS \
            credentials for its guest role to anyone who asks, no sign-in needed. When that \
            role can invoke functions, start state machines, read secrets, or is an \
            administrator or can escalate, every visitor of the web or mobile app holds those \
            permissions directly against the AWS APIs.",
        fix: "Turn guest access off, or cut the guest role down to what anonymous users need (no invoke, no start, no secrets).",
        console: &[
            "Open the Cognito console in {region} → Identity pools → {name}.",
            "User access → Guest access: deactivate, or edit the guest role {role_name} in IAM.",
            "In IAM, remove {first_path} from {role_name}.",
        ],
        cli: "aws cognito-identity update-identity-pool --identity-pool-id {pool_id} --identity-pool-name {name} \\\n  --no-allow-unauthenticated-identities --region {region}",
        terraform: "resource \"aws_cognito_identity_pool\" \"{tf}\" {\n  # …\n  allow_unauthenticated_identities = false\n}",
        fsbp: Some("Cognito.2"),
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/cognito/latest/developerguide/identity-pools.html",
        evaluate: identity_pool_guest_privileged,
    },
];

fn self_signup_authorizer(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.user_pools
        .iter()
        .map(|p| {
            let t = Target::new(&p.region, &p.arn, &p.name)
                .param("pool_id", p.id.as_str())
                .param("tf", tf_ident(&p.name));
            let unknown_t = t.clone().param("first_path", "the routes it guards");
            let open = match &p.self_signup {
                Err(e) => return def.unknown(inv, &unknown_t, e.to_string()),
                Ok(open) => *open,
            };
            let signup = Evidence::new(
                "AdminCreateUserConfig.AllowAdminCreateUserOnly",
                (!open).to_string(),
            );
            if !open {
                // Admin-only sign-up: whatever its app clients allow, nobody creates an account.
                return def.pass(
                    inv,
                    &t.param("first_path", "none"),
                    "only administrators can create users",
                    vec![signup],
                );
            }
            let (uses, unread) = pool_uses(inv, p);
            let Some(first) = uses.first() else {
                return match unread {
                    Some(why) => def.unknown(inv, &unknown_t, why),
                    None => def.not_applicable(
                        inv,
                        &t.param("first_path", "none"),
                        "no API Gateway authorizer trusts the pool",
                    ),
                };
            };
            let mut ev = vec![signup];
            ev.extend(uses.iter().map(|u| Evidence::new("Path", u.path())));
            let more = match uses.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            def.fail(
                inv,
                &t.param("first_path", first.path()),
                format!(
                    "anyone can sign up to the pool that authorizes {}{more}",
                    first.path()
                ),
                ev,
            )
        })
        .collect()
}

fn identity_pool_guest_privileged(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.identity_pools
        .iter()
        .map(|p| {
            let t = Target::new(&p.region, &p.arn, &p.name)
                .param("pool_id", p.id.as_str())
                .param("tf", tf_ident(&p.name));
            let role_arn = p.guest_role_arn().unwrap_or_default().to_string();
            let role_name = role_arn.rsplit('/').next().unwrap_or_default().to_string();
            let t = t.param("role_name", role_name);
            let unknown_t = t.clone().param("first_path", "the privileged grants");
            let guests = match &p.guest_access {
                Err(e) => return def.unknown(inv, &unknown_t, e.to_string()),
                Ok(g) => *g,
            };
            let access = Evidence::new("AllowUnauthenticatedIdentities", guests.to_string());
            if !guests {
                return def.pass(
                    inv,
                    &t.param("first_path", "none"),
                    "guest access is off",
                    vec![access],
                );
            }
            if let Err(e) = &p.guest_role {
                return def.unknown(inv, &unknown_t, format!("the guest role: {e}"));
            }
            if role_arn.is_empty() {
                return def.pass(
                    inv,
                    &t.param("first_path", "none"),
                    "guest access is on but no guest role is set: guests get no credentials",
                    vec![access, Evidence::new("Roles.unauthenticated", "(none)")],
                );
            }
            let role = match inv.role(&role_arn) {
                None => {
                    return def.unknown(
                        inv,
                        &unknown_t,
                        format!("role {role_arn} was not collected"),
                    );
                }
                Some(Err(e)) => {
                    return def.unknown(inv, &unknown_t, format!("role {role_arn}: {e}"));
                }
                Some(Ok(role)) => role,
            };
            let privileges = role_privileges(role);
            let escalations = escalation_paths(role, &p.arn);
            let dangerous = dangerous_guest_grants(role);
            let grants: Vec<(&str, &String)> = privileges
                .admin
                .iter()
                .map(|g| ("Administrator", g))
                .chain(escalations.paths.iter().map(|g| ("Escalation path", g)))
                .chain(dangerous.paths.iter().map(|g| ("Guests may", g)))
                .collect();
            let role_ev = Evidence::new("Guest role", &role.arn);
            let Some((_, first)) = grants.first() else {
                let unreadable: Vec<&String> = privileges
                    .unreadable
                    .iter()
                    .chain(&escalations.unreadable)
                    .chain(&dangerous.unreadable)
                    .collect();
                if let Some(why) = unreadable.first() {
                    return def.unknown(
                        inv,
                        &unknown_t,
                        format!("not every policy of {} could be read: {why}", role.name),
                    );
                }
                return def.pass(
                    inv,
                    &t.param("first_path", "none"),
                    format!(
                        "guest role {} cannot invoke functions, start state machines, read secrets or escalate",
                        role.name
                    ),
                    vec![access, role_ev],
                );
            };
            let mut ev = vec![access, role_ev];
            ev.extend(grants.iter().map(|(l, g)| Evidence::new(*l, g.as_str())));
            let more = match grants.len() {
                1 => String::new(),
                n => format!(" (and {} more)", n - 1),
            };
            def.fail(
                inv,
                &t.param("first_path", first.as_str()),
                format!(
                    "unauthenticated guests get role {}, which is privileged: {first}{more}",
                    role.name
                ),
                ev,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests;
