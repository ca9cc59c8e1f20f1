//! Property tests of the readers issue 18 hardened, in the manner of `robustness.rs` (same
//! budget, `PARAPET_PROPTEST_CASES`):
//!
//! - Prowler mutelists built with anchors and aliases: the generator knows how many nodes
//!   its document expands to, and the parser must refuse exactly those past
//!   `mutelist::MAX_NODES` (an alias bomb) and read the rest; arbitrary YAML-ish text never
//!   panics;
//! - mutes files with comments everywhere, as `[[mute]]` tables or an inline list: removing
//!   any entry keeps every comment outside it, in order, and every other entry; adding one
//!   keeps them all; arbitrary text never panics and errors name the file.
//!
//! Shard sets for `merge` are a property test beside the merge itself
//! (`domain::shard::tests::a_shard_set_merges_whole_or_not_at_all`).

use std::path::Path;

use proptest::prelude::*;

use crate::robustness::{budget, cases, disk_budget, token_soup};
use parapet::config::mutes::MutesFile;
use parapet::domain::assessment::Mute;
use parapet::domain::mutelist::{MAX_NODES, Mutelist};

// ───────────────────────────── mutelists with anchors ─────────────────────────────

/// One anchored sequence of the generated document: `xN: &aN [items]`, each item a scalar or
/// an alias of an earlier anchor.
#[derive(Clone, Debug)]
struct Anchored {
    /// `None`: a scalar; `Some(k)`: `*ak` (k below this anchor's own index).
    items: Vec<Option<usize>>,
}

/// A mutelist whose `Regions` is `["*"]` or an alias of one of the anchors, after a run of
/// anchored sequences that may multiply (an alias bomb when deep and wide enough).
#[derive(Clone, Debug)]
struct AliasDoc {
    anchors: Vec<Anchored>,
    /// `Some(k)`: `Regions: *ak`.
    regions: Option<usize>,
}

fn alias_doc() -> impl Strategy<Value = AliasDoc> {
    (1usize..9, 1usize..12)
        .prop_flat_map(|(depth, width)| {
            let anchors: Vec<BoxedStrategy<Anchored>> = (0..depth)
                .map(|i| {
                    proptest::collection::vec(
                        prop_oneof![
                            1 => Just(None),
                            // Mostly the previous anchor: that is what multiplies.
                            3 => if i == 0 { Just(None).boxed() } else { (0..i).prop_map(Some).boxed() },
                        ],
                        1..=width,
                    )
                    .prop_map(|items| Anchored { items })
                    .boxed()
                })
                .collect();
            (anchors, proptest::option::of(0..depth))
        })
        .prop_map(|(anchors, regions)| AliasDoc { anchors, regions })
}

impl AliasDoc {
    /// The nodes each anchored sequence expands to (itself and everything in it).
    fn sizes(&self) -> Vec<u64> {
        let mut sizes: Vec<u64> = Vec::new();
        for a in &self.anchors {
            let mut n: u64 = 1;
            for item in &a.items {
                n = n.saturating_add(item.map_or(1, |k| sizes[k]));
            }
            sizes.push(n);
        }
        sizes
    }

    /// Every node of the document with the aliases expanded, counted from the generator's
    /// own structure: the root map, per anchor its key and its sequence, then the
    /// `Mutelist` key and its nested maps.
    fn expanded(&self) -> u64 {
        let sizes = self.sizes();
        let anchors: u64 = sizes.iter().fold(0u64, |t, s| t.saturating_add(s + 1));
        // Mutelist: {Accounts: {"*": {Checks: {c: {Regions: R, Resources: ["*"]}}}}}
        // maps: Mutelist's, Accounts', "*"'s, Checks', c's = 5; keys: Mutelist, Accounts,
        // "*", Checks, c, Regions, Resources = 7; Resources' sequence and its item = 2.
        let regions = self.regions.map_or(2, |k| sizes[k]);
        (1 + anchors + 5 + 7 + 2).saturating_add(regions)
    }

    fn text(&self) -> String {
        let mut out = String::new();
        for (i, a) in self.anchors.iter().enumerate() {
            let items: Vec<String> = a
                .items
                .iter()
                .map(|item| item.map_or("\"s\"".to_string(), |k| format!("*a{k}")))
                .collect();
            out.push_str(&format!("x{i}: &a{i} [{}]\n", items.join(", ")));
        }
        let regions = self
            .regions
            .map_or("[\"*\"]".to_string(), |k| format!("*a{k}"));
        out.push_str(&format!(
            "Mutelist:\n  Accounts:\n    \"*\":\n      Checks:\n        c:\n          \
             Regions: {regions}\n          Resources: [\"*\"]\n"
        ));
        out
    }
}

const YAML_TOKENS: &[&str] = &[
    "Mutelist:",
    "Accounts:",
    "Checks:",
    "Regions:",
    "Resources:",
    "Tags:",
    "Exceptions:",
    "Description:",
    "\"*\":",
    "\n",
    "\n  ",
    "\n    ",
    "- ",
    "[",
    "]",
    "{",
    "}",
    ", ",
    ": ",
    "&a ",
    "*a",
    "&b ",
    "*b",
    "<<: ",
    "\"",
    "'",
    "#",
    "---",
    "...",
    "!!str ",
    "|",
    ">",
    "? ",
    "%YAML 1.2",
    "awslambda_function_url_public",
    "eu-west-1",
    "orders-.*",
    "111122223333",
];

proptest! {
    #![proptest_config(budget((cases() / 50).max(100)))]

    /// The alias bomb class: refused when, and only when, the document expands past the cap.
    #[test]
    fn mutelist_aliases_are_bounded_exactly(doc in alias_doc()) {
        let text = doc.text();
        let expanded = doc.expanded();
        match Mutelist::parse(&text, "m.yaml") {
            Ok(_) => prop_assert!(expanded <= MAX_NODES, "{expanded} nodes read:\n{text}"),
            Err(e) if e.message.contains("expands to more than") => {
                prop_assert!(expanded > MAX_NODES, "{expanded} nodes refused: {e}\n{text}");
            }
            // An alias of a nested list makes Regions items lists: not text.
            Err(e) => {
                prop_assert!(expanded <= MAX_NODES, "{expanded} nodes: {e}");
                prop_assert!(e.message.contains("must be text"), "{e}\n{text}");
            }
        }
    }

    /// Whatever the text, a mutelist or an error with something to read.
    #[test]
    fn mutelist_parser_never_panics(text in token_soup(YAML_TOKENS)) {
        match Mutelist::parse(&text, "m.yaml") {
            Ok(list) => {
                let _ = list.is_muted("111122223333", "awslambda_function_url_public", "eu-west-1", "orders-api", "");
            }
            Err(e) => prop_assert!(!e.to_string().trim().is_empty()),
        }
    }
}

// ───────────────────────────── mutes files ─────────────────────────────

const CHECK_IDS: &[&str] = &[
    "lambda.no-vpc",
    "lambda.no-tracing",
    "lambda.deprecated-runtime",
    "apigw.no-waf",
    "secrets.not-rotated-recently",
];

#[derive(Clone, Debug)]
struct GenEntry {
    comments: Vec<String>,
    check: &'static str,
    resource: Option<String>,
    reason: String,
    expires: Option<u8>,
}

#[derive(Clone, Debug)]
struct GenMutes {
    header: Vec<String>,
    entries: Vec<GenEntry>,
    trailer: Vec<String>,
    inline: bool,
}

fn comment() -> impl Strategy<Value = String> {
    "[ -~&&[^\\\\]]{0,24}".prop_map(|t| format!("# {t}"))
}

fn gen_mutes() -> impl Strategy<Value = GenMutes> {
    let entry = (
        proptest::collection::vec(comment(), 0..3),
        proptest::sample::select(CHECK_IDS),
        proptest::option::of("[a-z][a-z0-9-]{0,12}"),
        "[A-Za-z][A-Za-z0-9 ,.-]{0,20}",
        proptest::option::of(1u8..28),
    )
        .prop_map(|(comments, check, resource, reason, expires)| GenEntry {
            comments,
            check,
            resource,
            reason,
            expires,
        });
    (
        proptest::collection::vec(comment(), 0..3),
        proptest::collection::vec(entry, 1..6),
        proptest::collection::vec(comment(), 0..2),
        any::<bool>(),
    )
        .prop_map(|(header, entries, trailer, inline)| GenMutes {
            header,
            entries,
            trailer,
            inline,
        })
}

impl GenMutes {
    fn fields(e: &GenEntry) -> Vec<String> {
        let mut f = vec![format!("check = \"{}\"", e.check)];
        if let Some(r) = &e.resource {
            f.push(format!("resource = \"{r}\""));
        }
        f.push(format!("reason = \"{}\"", e.reason));
        if let Some(d) = e.expires {
            f.push(format!("expires = 2099-01-{d:02}"));
        }
        f
    }

    fn text(&self) -> String {
        let mut out = String::new();
        for c in &self.header {
            out.push_str(c);
            out.push('\n');
        }
        out.push('\n');
        if self.inline {
            out.push_str("mute = [\n");
            for e in &self.entries {
                // Comments inside an inline list sit on their own lines before the entry.
                for c in &e.comments {
                    out.push_str(&format!("  {c}\n"));
                }
                out.push_str(&format!("  {{ {} }},\n", Self::fields(e).join(", ")));
            }
            out.push_str("]\n");
        } else {
            for e in &self.entries {
                for c in &e.comments {
                    out.push_str(c);
                    out.push('\n');
                }
                out.push_str("[[mute]]\n");
                for f in Self::fields(e) {
                    out.push_str(&f);
                    out.push('\n');
                }
                out.push('\n');
            }
        }
        for c in &self.trailer {
            out.push_str(c);
            out.push('\n');
        }
        out
    }

    /// The comment lines that are not part of entry `k`, in order.
    fn comments_outside(&self, k: usize) -> Vec<String> {
        let mut out = self.header.clone();
        for (i, e) in self.entries.iter().enumerate() {
            // An entry's own leading comments are kept when it is removed (they may say
            // something about the file); in an inline list they go with the entry.
            if i != k || !self.inline {
                out.extend(e.comments.iter().cloned());
            }
        }
        out.extend(self.trailer.iter().cloned());
        out.iter().map(|c| c.trim().to_string()).collect()
    }
}

/// The comment lines of `text`, trimmed, in order.
fn comment_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| l.starts_with('#'))
        .map(str::to_string)
        .collect()
}

proptest! {
    #![proptest_config(disk_budget())]

    /// Removing any entry keeps every other entry and every comment outside it, in order;
    /// adding one back keeps them all; what is written reads back.
    #[test]
    fn mutes_files_keep_what_parapet_did_not_write(file in gen_mutes(), pick in any::<prop::sample::Index>()) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mutes.toml");
        let text = file.text();
        std::fs::write(&path, &text).unwrap();
        let mut mutes = MutesFile::load(&path).map_err(|e| TestCaseError::fail(format!("{e}\n{text}")))?;
        prop_assert_eq!(mutes.mutes.len(), file.entries.len());
        let k = pick.index(file.entries.len());
        let victim = mutes.mutes[k].clone();
        // The first entry of the same check and resource is the one removed.
        let k = mutes
            .mutes
            .iter()
            .position(|m| m.check_id == victim.check_id && m.resource == victim.resource)
            .unwrap();
        let mut expected: Vec<Mute> = mutes.mutes.clone();
        expected.remove(k);
        prop_assert!(mutes.remove(&victim.check_id, victim.resource.as_deref()).unwrap());
        let after = std::fs::read_to_string(&path).unwrap();
        prop_assert_eq!(comment_lines(&after), file.comments_outside(k), "{}\n---\n{}", text, after);
        let reread = MutesFile::load(&path).map_err(|e| TestCaseError::fail(format!("{e}\n{after}")))?;
        prop_assert_eq!(&reread.mutes, &expected);

        let mut reread = reread;
        reread
            .add(
                Mute {
                    check_id: "lambda.no-vpc".into(),
                    reason: "added".into(),
                    ..Mute::default()
                },
                time::macros::date!(2026 - 12 - 06),
            )
            .unwrap();
        let added = std::fs::read_to_string(&path).unwrap();
        prop_assert_eq!(comment_lines(&added), file.comments_outside(k));
        let last = MutesFile::load(&path).unwrap();
        prop_assert_eq!(last.mutes.len(), file.entries.len());
        prop_assert_eq!(last.mutes.last().map(|m| m.reason.as_str()), Some("added"));
    }
}

const MUTES_TOKENS: &[&str] = &[
    "[[mute]]",
    "[mute]",
    "mute = [",
    "]",
    "{",
    "}",
    "\n",
    "check = ",
    "resource = ",
    "reason = ",
    "expires = ",
    "created = ",
    "\"lambda.no-vpc\"",
    "\"x\"",
    "2027-01-31",
    "\"2027-13-01\"",
    "# note",
    ",",
    "=",
    "'",
    "\"\"\"",
];

proptest! {
    #![proptest_config(budget(cases() / 5))]

    /// Arbitrary text: the mutes or an error naming the file.
    #[test]
    fn mutes_file_parser_never_panics(text in token_soup(MUTES_TOKENS)) {
        let path = Path::new("/cfg/mutes.toml");
        if let Err(e) = MutesFile::parse(&text, path) {
            prop_assert!(e.to_string().starts_with("/cfg/mutes.toml"), "{e}");
            prop_assert!(!e.message.trim().is_empty());
        }
    }
}
