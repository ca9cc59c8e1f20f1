//! Credentials left in variables — a function's environment, a stage's variables — judged by
//! the secret detectors. Shared by the families that read variables; a leaf, so they do not
//! import the catalogue that lists them.

use std::collections::BTreeMap;

use crate::domain::catalogue::{CheckDef, Target};
use crate::domain::detectors;
use crate::domain::finding::{Evidence, Finding};
use crate::domain::inventory::Inventory;

/// Judges a non-empty set of variables (Lambda environment, stage variables) with the secret
/// detectors: one finding naming every credential-like variable, its detector and a masked
/// prefix, never the value. Fills the template params `variable` (first hit), `variables`
/// (all hits) and `first_variable` (first hit, lower-cased, for Secrets Manager names).
pub(crate) fn judge_variables(
    def: &CheckDef,
    inv: &Inventory,
    target: Target,
    vars: &BTreeMap<String, String>,
    field_prefix: &str,
    noun: &str,
) -> Finding {
    let plural = |n: usize| format!("{n} {noun}{}", if n == 1 { "" } else { "s" });
    let hits = detectors::scan(vars);
    let Some(first) = hits.first() else {
        let t = target
            .param("variable", "VARIABLE")
            .param("variables", "the variable")
            .param("first_variable", "secret");
        let names: Vec<&str> = vars.keys().map(String::as_str).collect();
        return def.pass(
            inv,
            &t,
            format!("none of {} looks like a credential", plural(names.len())),
            vec![Evidence::new("variables", names.join(", "))],
        );
    };
    let names: Vec<&str> = hits.iter().map(|d| d.variable.as_str()).collect();
    let t = target
        .param("variable", &first.variable)
        .param("variables", names.join(", "))
        .param("first_variable", first.variable.to_ascii_lowercase());
    let described: Vec<String> = hits
        .iter()
        .map(|d| format!("{} ({}, value {})", d.variable, d.detector, d.masked))
        .collect();
    let evidence = hits
        .iter()
        .map(|d| {
            Evidence::new(
                format!("{field_prefix}.{}", d.variable),
                format!("{} · {}", d.detector, d.masked),
            )
        })
        .collect();
    def.fail(
        inv,
        &t,
        format!(
            "{} look like credentials: {}",
            plural(hits.len()),
            described.join("; ")
        ),
        evidence,
    )
}
