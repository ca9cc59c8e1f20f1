//! What the `code.*`, `layer.*` and the vulnerable-function exposure checks share: a
//! package's report as the code area left it (`Inventory::function_code`, `layer_code`), and
//! the verdicts over one report, worded the same for a function's package and a layer's.

use std::sync::Arc;

use crate::domain::catalogue::{CheckDef, Target};
use crate::domain::finding::{Evidence, Finding, Severity};
use crate::domain::inventory::{CodeReport, Fetched, Function, Inventory};
use crate::domain::osv::Vulnerability;
use crate::domain::values::PackageType;

/// An image-packaged function: its code is in a container registry, not in a package.
pub fn is_image(f: &Function) -> bool {
    f.package_type == Some(PackageType::Image)
}

/// One line of evidence for a vulnerability:
/// `npm lodash@4.17.15 (node_modules/lodash/package.json): GHSA-…, CVE-… — high 7.2, fixed in 4.17.21`.
pub fn describe(v: &Vulnerability) -> String {
    let score = v.score.map(|s| format!(" {s:.1}")).unwrap_or_default();
    let fixed = v.fixed.as_deref().map_or_else(
        || "no fixed version".to_string(),
        |f| format!("fixed in {f}"),
    );
    format!(
        "{} {}@{} ({}): {} — {}{score}, {fixed}",
        v.ecosystem,
        v.package,
        v.version,
        v.path,
        v.ids.join(", "),
        v.severity.as_str()
    )
}

/// The evidence screens group findings by (`domain::advisory_groups`):
/// `lodash 4.17.15 · GHSA-35jh-r3h4-6jhm`.
pub fn advisory_evidence(v: &Vulnerability) -> Evidence {
    Evidence::new(
        crate::domain::advisory_groups::FIELD,
        format!("{} {} · {}", v.package, v.version, v.id()),
    )
}

/// `t` with `{package}` and `{fixed}` for its remediation: the package of `first` (the most
/// severe vulnerability) and the version that fixes it.
pub fn with_fix(t: Target, first: Option<&Vulnerability>) -> Target {
    t.param(
        "package",
        first.map_or_else(|| "the package".into(), |v| v.package.clone()),
    )
    .param(
        "fixed",
        first
            .and_then(|v| v.fixed.clone())
            .unwrap_or_else(|| "a version without the advisory".into()),
    )
}

/// ` (and 2 more)` after the first of `n` things; nothing for one.
pub fn and_more(n: usize) -> String {
    match n {
        0 | 1 => String::new(),
        n => format!(" (and {} more)", n - 1),
    }
}

/// The report, or the `unknown` finding of a package that could not be read.
fn readable<'a>(
    def: &CheckDef,
    inv: &Inventory,
    t: &Target,
    report: &'a Fetched<Arc<CodeReport>>,
    what: &str,
) -> Result<&'a CodeReport, Box<Finding>> {
    report
        .as_deref()
        .map_err(|e| Box::new(def.unknown(inv, t, format!("the {what} could not be read: {e}"))))
}

/// The worst severity among `vulnerabilities` (most severe first in a report).
pub fn worst(vulnerabilities: &[Vulnerability]) -> Option<Severity> {
    vulnerabilities.iter().map(|v| v.severity).min()
}

/// The vulnerable-dependency verdict over one package's report: fail with every
/// vulnerability (the finding's severity the worst advisory's), `unknown` when the package
/// could not be read or a package could not be judged, else pass.
pub fn vulnerable_verdict(
    def: &CheckDef,
    inv: &Inventory,
    t: &Target,
    report: &Fetched<Arc<CodeReport>>,
    what: &str,
) -> Finding {
    let r = match readable(def, inv, t, report, what) {
        Ok(r) => r,
        Err(unknown) => return *unknown,
    };
    if let Some(first) = r.vulnerabilities.first() {
        let mut ev: Vec<Evidence> = r
            .vulnerabilities
            .iter()
            .map(|v| Evidence::new("Vulnerable package", describe(v)))
            .collect();
        ev.extend(r.vulnerabilities.iter().map(advisory_evidence));
        ev.extend(
            r.undecided
                .iter()
                .map(|u| Evidence::new("Not decided", u.as_str())),
        );
        let more = and_more(r.vulnerabilities.len());
        let fixed = first
            .fixed
            .as_deref()
            .map_or_else(String::new, |f| format!(", fixed in {f}"));
        let msg = format!(
            "{}@{} is affected by {}{fixed}{more}",
            first.package,
            first.version,
            first.id()
        );
        let mut finding = def.fail(inv, t, msg, ev);
        finding.severity = worst(&r.vulnerabilities).unwrap_or(def.severity);
        return finding;
    }
    if !r.undecided.is_empty() {
        return def.unknown(
            inv,
            t,
            format!(
                "not every package of the {what} could be judged: {}",
                r.undecided.join("; ")
            ),
        );
    }
    let n = r.contents.packages.len();
    let packages = if n == 1 { "package" } else { "packages" };
    def.pass(
        inv,
        t,
        format!("no known advisory affects the {n} {packages} of the {what}"),
        vec![Evidence::new("Packages", n.to_string())],
    )
}

/// The secrets verdict over one package's report: fail naming each file, line and detector
/// (with at most a masked prefix), `unknown` when the package could not be read, else pass.
pub fn secrets_verdict(
    def: &CheckDef,
    inv: &Inventory,
    t: &Target,
    report: &Fetched<Arc<CodeReport>>,
    what: &str,
) -> Finding {
    let r = match readable(def, inv, t, report, what) {
        Ok(r) => r,
        Err(unknown) => return *unknown,
    };
    let Some(first) = r.contents.secrets.first() else {
        return def.pass(
            inv,
            t,
            format!("no credential in the files of the {what}"),
            vec![Evidence::new("Credentials", "(none)")],
        );
    };
    let ev = r
        .contents
        .secrets
        .iter()
        .map(|s| {
            Evidence::new(
                "Credential",
                format!("{}:{} {} ({})", s.path, s.line, s.detector, s.masked),
            )
        })
        .collect();
    let more = and_more(r.contents.secrets.len());
    def.fail(
        inv,
        t,
        format!(
            "{} at {}:{} in the {what}{more}",
            first.detector, first.path, first.line
        ),
        ev,
    )
}
