//! How severe an advisory is: the CVSS base score of its vector (CVSS 3.0/3.1 and 2.0, by
//! the FIRST specifications' formulas), mapped as the catalogue says (≥ 9.0 critical, ≥ 7.0
//! high, ≥ 4.0 medium, else low); where it has no vector Parapet can score (CVSS 4.0 needs
//! FIRST's lookup tables), the database's own word (`database_specific.severity`, as GitHub's
//! advisories give it); where neither, high.

use super::advisory::{Advisory, Severity as Score};
use crate::domain::finding::Severity;

/// The base score of a CVSS 3.x or 2.0 vector, `None` for any other text.
pub fn base_score(vector: &str) -> Option<f64> {
    if vector.starts_with("CVSS:3.") {
        cvss3(vector)
    } else if vector.starts_with("CVSS:") {
        None
    } else {
        cvss2(vector)
    }
}

/// The metrics of a vector, `KEY:VALUE` separated by `/`; `None` if one repeats.
fn metrics(vector: &str) -> Option<Vec<(&str, &str)>> {
    let mut out: Vec<(&str, &str)> = Vec::new();
    for part in vector.split('/') {
        let (k, v) = part.split_once(':')?;
        if out.iter().any(|(seen, _)| *seen == k) {
            return None;
        }
        out.push((k, v));
    }
    Some(out)
}

fn get<'a>(m: &[(&str, &'a str)], key: &str) -> Option<&'a str> {
    m.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// CVSS 3.1's Roundup: the smallest one-decimal number at or above `x`, computed in
/// integers so that 4.000000000001 is not 4.1.
fn roundup(x: f64) -> f64 {
    let i = (x * 100_000.0).round() as i64;
    if i % 10_000 == 0 {
        i as f64 / 100_000.0
    } else {
        ((i / 10_000) + 1) as f64 / 10.0
    }
}

fn cvss3(vector: &str) -> Option<f64> {
    let m = metrics(vector)?;
    let changed = match get(&m, "S")? {
        "U" => false,
        "C" => true,
        _ => return None,
    };
    let av = match get(&m, "AV")? {
        "N" => 0.85,
        "A" => 0.62,
        "L" => 0.55,
        "P" => 0.2,
        _ => return None,
    };
    let ac = match get(&m, "AC")? {
        "L" => 0.77,
        "H" => 0.44,
        _ => return None,
    };
    let pr = match (get(&m, "PR")?, changed) {
        ("N", _) => 0.85,
        ("L", false) => 0.62,
        ("L", true) => 0.68,
        ("H", false) => 0.27,
        ("H", true) => 0.5,
        _ => return None,
    };
    let ui = match get(&m, "UI")? {
        "N" => 0.85,
        "R" => 0.62,
        _ => return None,
    };
    let cia = |k: &str| -> Option<f64> {
        match get(&m, k)? {
            "H" => Some(0.56),
            "L" => Some(0.22),
            "N" => Some(0.0),
            _ => None,
        }
    };
    let iss = 1.0 - (1.0 - cia("C")?) * (1.0 - cia("I")?) * (1.0 - cia("A")?);
    let impact = if changed {
        7.52 * (iss - 0.029) - 3.25 * (iss - 0.02).powi(15)
    } else {
        6.42 * iss
    };
    let exploitability = 8.22 * av * ac * pr * ui;
    Some(if impact <= 0.0 {
        0.0
    } else if changed {
        roundup((1.08 * (impact + exploitability)).min(10.0))
    } else {
        roundup((impact + exploitability).min(10.0))
    })
}

fn cvss2(vector: &str) -> Option<f64> {
    let m = metrics(vector.trim_start_matches('(').trim_end_matches(')'))?;
    let av = match get(&m, "AV")? {
        "L" => 0.395,
        "A" => 0.646,
        "N" => 1.0,
        _ => return None,
    };
    let ac = match get(&m, "AC")? {
        "H" => 0.35,
        "M" => 0.61,
        "L" => 0.71,
        _ => return None,
    };
    let au = match get(&m, "Au")? {
        "M" => 0.45,
        "S" => 0.56,
        "N" => 0.704,
        _ => return None,
    };
    let cia = |k: &str| -> Option<f64> {
        match get(&m, k)? {
            "N" => Some(0.0),
            "P" => Some(0.275),
            "C" => Some(0.660),
            _ => None,
        }
    };
    let impact = 10.41 * (1.0 - (1.0 - cia("C")?) * (1.0 - cia("I")?) * (1.0 - cia("A")?));
    let exploitability = 20.0 * av * ac * au;
    let f = if impact == 0.0 { 0.0 } else { 1.176 };
    let score = ((0.6 * impact) + (0.4 * exploitability) - 1.5) * f;
    Some((score * 10.0).round() / 10.0)
}

/// The catalogue's mapping of a base score.
pub fn of_score(score: f64) -> Severity {
    if score >= 9.0 {
        Severity::Critical
    } else if score >= 7.0 {
        Severity::High
    } else if score >= 4.0 {
        Severity::Medium
    } else {
        Severity::Low
    }
}

/// The best score among `scores`: a CVSS 3 vector before a CVSS 2 one.
fn best_score(scores: &[Score]) -> Option<f64> {
    let scored = |kind: &str| {
        scores
            .iter()
            .filter(|s| s.kind == kind)
            .filter_map(|s| base_score(&s.score))
            .fold(None, |best: Option<f64>, s| {
                Some(best.map_or(s, |b| b.max(s)))
            })
    };
    scored("CVSS_V3").or_else(|| scored("CVSS_V2"))
}

/// An advisory's severity and its base score, if it had one: its own CVSS vectors, then
/// those of its affected packages, then the database's word, then high.
pub fn of_advisory(a: &Advisory) -> (Severity, Option<f64>) {
    let score = best_score(&a.severity).or_else(|| {
        a.affected
            .iter()
            .filter_map(|af| best_score(&af.severity))
            .fold(None, |best: Option<f64>, s| {
                Some(best.map_or(s, |b| b.max(s)))
            })
    });
    if let Some(score) = score {
        return (of_score(score), Some(score));
    }
    let word = a
        .database_specific
        .as_ref()
        .and_then(|d| d.get("severity"))
        .and_then(|s| s.as_str())
        .map(str::to_ascii_uppercase);
    let severity = match word.as_deref() {
        Some("CRITICAL") => Severity::Critical,
        Some("HIGH") => Severity::High,
        Some("MODERATE") | Some("MEDIUM") => Severity::Medium,
        Some("LOW") => Severity::Low,
        _ => Severity::High,
    };
    (severity, None)
}
