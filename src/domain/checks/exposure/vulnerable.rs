//! The code join (opt-in: `--code`): an unauthenticated entry point (as the entry-point
//! joins find them) or a source anyone can write to (as the event-source joins find them)
//! reaches a function whose package or layers hold a dependency with a critical or high
//! advisory. Path: `entry or source → function → package@version → advisory`. One finding
//! per function the code area read; none without `--code`.

use crate::domain::catalogue::{CheckDef, Context, Target, tf_ident};
use crate::domain::checks::code_report::{advisory_evidence, and_more, describe, with_fix};
use crate::domain::entry_points::analyse;
use crate::domain::finding::{Category, Evidence, Finding, ResourceKind, Service, Severity};
use crate::domain::inventory::{Area, Function, Inventory, PlacedReport};
use crate::domain::osv::Vulnerability;
use crate::domain::triggers::public_paths;

pub const CHECKS: &[CheckDef] = &[CheckDef {
    id: "exposure.public-entry-vulnerable-function",
    title: "A public way in reaches a function with a critical or high vulnerable dependency",
    severity: Severity::Critical,
    category: Category::Exposure,
    service: Service::Lambda,
    areas: &[Area::Code, Area::Functions, Area::Gateways, Area::Triggers],
    resource: ResourceKind::Function,
    rationale: "Anyone can send input to this function (an entry point without authentication, \
        or a queue, topic or bus anyone can write to), and its package or a layer it uses holds \
        a dependency with a published critical or high advisory. The exploit for a known \
        advisory is usually public: this is the path an attacker scans for. Neither half alone \
        is as urgent; together they are.",
    fix: "Add auth at the entry or close the source; upgrade the package.",
    console: &[
        "Close the way in: {entry} (an authorizer or AWS_IAM auth on the route, or a scoped policy on the source).",
        "Upgrade {package} to {fixed} in {name}'s package or layer, rebuild and upload it (Lambda console in {region} → Functions → {name} → Code).",
        "Re-run Parapet with --code: the path is gone when either end is fixed.",
    ],
    cli: "# close the way in ({entry}), and upgrade {package} to {fixed}, rebuild function.zip, then:\naws lambda update-function-code --function-name {name} --zip-file fileb://function.zip --region {region}",
    terraform: "resource \"aws_lambda_function\" \"{tf}\" {\n  function_name    = \"{name}\"\n  filename         = \"function.zip\" # rebuilt with {package} {fixed}\n  source_code_hash = filebase64sha256(\"function.zip\")\n}",
    fsbp: None,
    prowler: None,
    docs_url: "https://docs.aws.amazon.com/lambda/latest/dg/security-dataprotection.html",
    evaluate: vulnerable_function,
}];

/// A critical or high vulnerability of the function, and where it runs (its package, or
/// which layer).
struct Severe<'a> {
    place: String,
    vulnerability: &'a Vulnerability,
}

fn vulnerable_function(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    let index = inv.code_index();
    inv.functions
        .iter()
        .filter_map(|f| Some(judge(def, inv, f, index.reports(f)?)))
        .collect()
}

fn judge(def: &CheckDef, inv: &Inventory, f: &Function, reports: Vec<PlacedReport>) -> Finding {
    // The ways in: entry points, then public sources.
    let (entries, mut gaps) = analyse(inv, f);
    let (paths, source_gaps) = public_paths(inv, f);
    gaps.extend(source_gaps);
    let mut ways: Vec<(String, Evidence)> = entries
        .iter()
        .map(|e| {
            (
                e.description.clone(),
                Evidence::new("Entry", &e.description),
            )
        })
        .collect();
    ways.extend(
        paths
            .iter()
            .map(|p| (p.source.clone(), Evidence::new("Source", &p.source))),
    );

    // The severe vulnerabilities, and what could not be read or judged.
    let mut severe: Vec<Severe> = Vec::new();
    let mut unread: Vec<String> = Vec::new();
    for (place, report) in reports {
        match report {
            None => unread.push(format!("{place} was not read")),
            Some(Err(e)) => unread.push(format!("{place} could not be read: {e}")),
            Some(Ok(r)) => {
                severe.extend(
                    r.vulnerabilities
                        .iter()
                        .filter(|v| v.severity <= Severity::High)
                        .map(|v| Severe {
                            place: place.clone(),
                            vulnerability: v,
                        }),
                );
                unread.extend(r.undecided.iter().map(|u| format!("{place}: {u}")));
            }
        }
    }
    severe.sort_by_key(|s| s.vulnerability.severity);

    let first_way = ways.first().map(|(w, _)| w.clone());
    let first = severe.first();
    let t = with_fix(
        Target::new(&f.region, &f.arn, &f.name)
            .param("tf", tf_ident(&f.name))
            .param(
                "entry",
                first_way.clone().unwrap_or_else(|| "the way in".into()),
            ),
        first.map(|s| s.vulnerability),
    );

    let Some(way) = first_way else {
        if !gaps.is_empty() {
            return def.unknown(
                inv,
                &t,
                format!(
                    "cannot tell whether anyone can reach it: {}",
                    gaps.join("; ")
                ),
            );
        }
        return def.pass(
            inv,
            &t,
            "no unauthenticated entry point or public source reaches this function",
            vec![Evidence::new("Public ways in", "(none)")],
        );
    };
    let mut ev: Vec<Evidence> = ways.iter().map(|(_, e)| e.clone()).collect();
    ev.push(Evidence::new("Function", &f.arn));
    let Some(first) = first else {
        if !unread.is_empty() {
            return def.unknown(
                inv,
                &t,
                format!(
                    "publicly reachable ({way}), but not every package could be judged: {}",
                    unread.join("; ")
                ),
            );
        }
        ev.push(Evidence::new("Critical or high advisory", "(none)"));
        return def.pass(
            inv,
            &t,
            format!(
                "publicly reachable ({way}), but no critical or high advisory affects its packages"
            ),
            ev,
        );
    };
    ev.extend(severe.iter().map(|s| {
        Evidence::new(
            "Vulnerable package",
            format!("{}: {}", s.place, describe(s.vulnerability)),
        )
    }));
    ev.extend(severe.iter().map(|s| advisory_evidence(s.vulnerability)));
    let (more_ways, more_vulns) = (and_more(ways.len()), and_more(severe.len()));
    let v = first.vulnerability;
    let mut finding = def.fail(
        inv,
        &t,
        format!(
            "{way}{more_ways} → function {} → {}@{} ({}) → {}{more_vulns}",
            f.name,
            v.package,
            v.version,
            first.place,
            v.id()
        ),
        ev,
    );
    finding.severity = Severity::Critical;
    finding
}

#[cfg(test)]
mod tests;
