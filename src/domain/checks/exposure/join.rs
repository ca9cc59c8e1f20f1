//! What every exposure join decides the same way, whatever the way in: nothing reaches the
//! function (pass, or `unknown` when a way in could not be read), the role cannot be read
//! (`unknown`), the role has none of the dangerous grants (pass, or `unknown` when one of its
//! policies could not be read), else fail with the path
//! `way in → via → function → role → grants`.

use crate::domain::catalogue::{CheckDef, Target};
use crate::domain::finding::{Evidence, Finding};
use crate::domain::iam::{RolePrivileges, function_role, role_privileges};
use crate::domain::inventory::{Function, Inventory, Role};

/// One way in to the function.
pub struct WayIn {
    /// What it is, first in the path (`POST /charges of REST API payments`, `SQS queue …`).
    pub headline: String,
    /// What connects it to the function (the integration, the mapping or subscription).
    pub via: String,
    /// How the finding shows it.
    pub evidence: Vec<Evidence>,
}

/// How one join words its verdicts.
pub struct Words {
    /// The function can be reached: `publicly reachable`, `anyone can trigger it`.
    pub reached: &'static str,
    /// No way in could be decided: `cannot tell whether it is publicly reachable`.
    pub undecided: &'static str,
    /// No way in: the pass message and its evidence label.
    pub none: &'static str,
    pub none_label: &'static str,
    /// The ways in, one and several (`entry` / `entries`).
    pub one: &'static str,
    pub many: &'static str,
}

/// The join's finding for `f`, reached by `ways` (`gaps`: ways in that could not be read),
/// failing when `danger` names grants of its role; `what` says what the role then is not.
#[allow(clippy::too_many_arguments)]
pub fn judge(
    def: &CheckDef,
    inv: &Inventory,
    f: &Function,
    t: &Target,
    (ways, gaps): (&[WayIn], &[String]),
    words: &Words,
    what: &str,
    danger: impl Fn(&Function, &Role, &RolePrivileges) -> Vec<String>,
) -> Finding {
    let Some(first) = ways.first() else {
        if !gaps.is_empty() {
            return def.unknown(inv, t, format!("{}: {}", words.undecided, gaps.join("; ")));
        }
        let none = vec![Evidence::new(words.none_label, "(none)")];
        return def.pass(inv, t, words.none, none);
    };
    let role = match function_role(inv, f) {
        Ok(r) => r,
        Err(e) => return def.unknown(inv, t, e),
    };
    let privileges = role_privileges(role);
    let grants = danger(f, role, &privileges);
    let mut ev: Vec<Evidence> = ways.iter().flat_map(|w| w.evidence.clone()).collect();
    ev.push(Evidence::new("Function", &f.arn));
    ev.push(Evidence::new("Role", &role.arn));
    if grants.is_empty() {
        if !privileges.unreadable.is_empty() {
            return def.unknown(
                inv,
                t,
                format!(
                    "{}, but not every policy of {} could be read: {}",
                    words.reached,
                    role.name,
                    privileges.unreadable.join("; ")
                ),
            );
        }
        ev.push(Evidence::new("Dangerous permission", "(none)"));
        let why = format!(
            "{} ({}), but the role is not {what}",
            words.reached, first.headline
        );
        return def.pass(inv, t, why, ev);
    }
    ev.extend(
        grants
            .iter()
            .map(|g| Evidence::new("Dangerous permission", g)),
    );
    let more = match ways.len() {
        1 => String::new(),
        n => format!(
            " (and {} more {})",
            n - 1,
            if n == 2 { words.one } else { words.many }
        ),
    };
    let path = format!(
        "{}{more} → {} → function {} → role {} → {}",
        first.headline,
        first.via,
        f.name,
        role.name,
        grants.join("; ")
    );
    def.fail(inv, t, path, ev)
}
