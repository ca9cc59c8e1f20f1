//! The README's generated sections must match what the code produces. Regenerate with
//! `scripts/gen-readme`.

use parapet::report;

fn section<'a>(readme: &'a str, name: &str) -> &'a str {
    let start = format!("<!-- BEGIN GENERATED: {name} -->\n");
    let end = format!("<!-- END GENERATED: {name} -->");
    let from = readme
        .find(&start)
        .unwrap_or_else(|| panic!("README.md has no `{start}` marker"))
        + start.len();
    let to = readme[from..]
        .find(&end)
        .unwrap_or_else(|| panic!("README.md has no `{end}` marker"))
        + from;
    &readme[from..to]
}

#[test]
fn readme_check_list_is_current() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md exists");
    assert_eq!(
        section(&readme, "checks"),
        report::checks_markdown(),
        "README check list is out of date: run scripts/gen-readme"
    );
}

#[test]
fn readme_key_list_is_current() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md exists");
    assert_eq!(
        section(&readme, "keys"),
        report::keys_markdown(),
        "README key list is out of date: run scripts/gen-readme"
    );
}

#[test]
fn readme_policy_is_current() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md exists");
    assert_eq!(
        section(&readme, "policy"),
        format!(
            "```json\n{}```\n",
            parapet::aws::permissions::policy_json(false)
        ),
        "README policy is out of date: run scripts/gen-readme"
    );
    assert_eq!(
        section(&readme, "base-policy"),
        format!(
            "```json\n{}```\n",
            parapet::aws::permissions::base_policy_json(Some("ParapetReadOnly"))
        ),
        "README base-identity policy is out of date: run scripts/gen-readme"
    );
}

#[test]
fn readme_quota_table_is_current() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"))
        .expect("README.md exists");
    assert_eq!(
        section(&readme, "quotas"),
        report::quotas_markdown(),
        "README quota table is out of date: run scripts/gen-readme"
    );
}
