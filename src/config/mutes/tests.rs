use super::*;
use time::macros::date;

const HAND_WRITTEN: &str = r#"# Accepted risks of the shop (reviewed quarterly).

[[mute]]
# Sampling at the gateway covers it.
check = "lambda.no-tracing"
reason = "tracing is sampled at the gateway"
expires = 2027-01-31
"#;

#[test]
fn saving_a_mute_keeps_entries_and_comments_it_did_not_create() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    std::fs::write(&path, HAND_WRITTEN).unwrap();
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let mut file = MutesFile::load(&path).unwrap();
    assert_eq!(file.mutes.len(), 1);
    assert_eq!(file.mutes[0].expires.as_deref(), Some("2027-01-31"));

    file.add(
        Mute {
            check_id: "lambda.no-vpc".into(),
            resource: Some("arn:aws:lambda:us-east-1:111122223333:function:orders".into()),
            reason: "needs the internet".into(),
            expires: Some("2026-12-31".into()),
            source: None,
        },
        date!(2026 - 12 - 02),
    )
    .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with(HAND_WRITTEN),
        "the hand-written part is untouched:\n{text}"
    );
    assert!(
        text.contains("expires = 2026-12-31") && text.contains("created = 2026-12-02"),
        "{text}"
    );
    // A shared, committed mutes file keeps its mode (issue 18: it used to become 0600).
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o644
    );

    let reread = MutesFile::load(&path).unwrap();
    assert_eq!(reread, file, "what was saved reads back the same");

    // Removing it gives the original file back.
    let mut file = reread;
    let orders = "arn:aws:lambda:us-east-1:111122223333:function:orders";
    assert!(file.remove("lambda.no-vpc", Some(orders)).unwrap());
    assert!(!file.remove("lambda.no-vpc", Some(orders)).unwrap());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), HAND_WRITTEN);
}

#[test]
fn a_missing_file_is_created_on_the_first_save() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("team-mutes.toml");
    let mut file = MutesFile::load(&path).unwrap();
    assert!(file.mutes.is_empty());
    file.add(
        Mute {
            check_id: "lambda.no-tracing".into(),
            reason: "sampled".into(),
            ..Mute::default()
        },
        date!(2026 - 12 - 02),
    )
    .unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with(HEADER), "the header comes first:\n{text}");
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600,
        "a file Parapet creates is private"
    );
    assert!(text.ends_with("created = 2026-12-02\n"), "{text}");
    let reread = MutesFile::load(&path).unwrap();
    assert_eq!(reread.mutes.len(), 1);
    assert_eq!(reread.mutes[0].resource, None);
    assert_eq!(
        reread.mutes[0].source.as_deref(),
        Some(path.display().to_string().as_str())
    );
}

#[test]
fn bad_entries_are_errors_naming_line_and_key() {
    let p = Path::new("mutes.toml");
    let cases = [
        (
            "[[mute]]\ncheck = \"lambda.nope\"\nreason = \"x\"\n",
            Some(1),
            "check",
            "unknown check id",
        ),
        (
            "\n[[mute]]\ncheck = \"lambda.no-vpc\"\nreason = \" \"\n",
            Some(2),
            "reason",
            "needs a reason",
        ),
        (
            "[[mute]]\ncheck = \"lambda.no-vpc\"\nreason = \"x\"\nexpires = \"2026-13-01\"\n",
            Some(1),
            "expires",
            "not a date",
        ),
        (
            "[[mute]]\ncheck = \"lambda.no-vpc\"\nreason = \"x\"\nuntil = 2026-01-01\n",
            Some(4),
            "until",
            "unknown field",
        ),
    ];
    for (text, line, key, words) in cases {
        let e = MutesFile::parse(text, p).unwrap_err();
        assert_eq!((e.line, e.key.as_deref()), (line, Some(key)), "{e}");
        assert!(e.message.contains(words), "{e}");
    }
}

/// Issue 18, 1: unmuting the only entry of a file kept its comments nowhere (0 bytes).
#[test]
fn unmuting_keeps_the_comments_before_the_removed_entry() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    std::fs::write(&path, HAND_WRITTEN).unwrap();
    let mut file = MutesFile::load(&path).unwrap();
    assert!(file.remove("lambda.no-tracing", None).unwrap());
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "# Accepted risks of the shop (reviewed quarterly).\n\n"
    );
    assert!(MutesFile::load(&path).unwrap().mutes.is_empty());

    // In the middle: the comments before the entry go to the one after it; a comment
    // after the last entry stays at the end.
    let three = "# head\n\n[[mute]]\ncheck = \"lambda.no-vpc\"\nreason = \"a\"\n\n\
                     # about the second\n[[mute]]\ncheck = \"lambda.no-tracing\"\nreason = \"b\"\n\n\
                     # about the third\n[[mute]]\ncheck = \"lambda.no-failure-destination\"\nreason = \"c\"\n\
                     # the end\n";
    std::fs::write(&path, three).unwrap();
    let mut file = MutesFile::load(&path).unwrap();
    assert!(file.remove("lambda.no-tracing", None).unwrap());
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        text,
        "# head\n\n[[mute]]\ncheck = \"lambda.no-vpc\"\nreason = \"a\"\n\n\
             # about the second\n\n# about the third\n[[mute]]\ncheck = \"lambda.no-failure-destination\"\nreason = \"c\"\n\
             # the end\n"
    );
    assert!(file.remove("lambda.no-failure-destination", None).unwrap());
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.contains("# about the second") && text.contains("# about the third"),
        "{text}"
    );
    assert!(text.ends_with("# the end\n"), "{text}");
    assert_eq!(MutesFile::load(&path).unwrap().mutes.len(), 1);
}

/// Issue 18, 21: `mute = [{…}]` was read, but `x` could neither add beside it nor remove.
#[test]
fn inline_mute_lists_are_edited_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    let text =
        "# ours\nmute = [\n  { check = \"lambda.no-vpc\", reason = \"needs the internet\" },\n]\n";
    std::fs::write(&path, text).unwrap();
    let mut file = MutesFile::load(&path).unwrap();
    file.add(
        Mute {
            check_id: "lambda.no-tracing".into(),
            reason: "sampled".into(),
            ..Mute::default()
        },
        date!(2026 - 12 - 02),
    )
    .unwrap();
    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(saved.starts_with("# ours\nmute = ["), "{saved}");
    assert_eq!(MutesFile::load(&path).unwrap(), file);
    assert!(file.remove("lambda.no-vpc", None).unwrap());
    let saved = std::fs::read_to_string(&path).unwrap();
    assert!(
        !saved.contains("no-vpc") && saved.contains("lambda.no-tracing"),
        "{saved}"
    );
    assert_eq!(MutesFile::load(&path).unwrap(), file);
}

/// Issue 18, 2: a mutes file behind a symbolic link used to be replaced by a plain file.
#[test]
fn a_linked_mutes_file_is_written_through_the_link_and_keeps_its_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let shared = dir.path().join("team");
    std::fs::create_dir(&shared).unwrap();
    let target = shared.join("mutes.toml");
    std::fs::write(&target, HAND_WRITTEN).unwrap();
    std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o644)).unwrap();
    let link = dir.path().join(FILE_NAME);
    std::os::unix::fs::symlink("team/mutes.toml", &link).unwrap();
    // Saves a mute through the link, which stays a link.
    let save_through_link = || {
        let mut file = MutesFile::load(&link).unwrap();
        let mute = Mute {
            check_id: "lambda.no-vpc".into(),
            reason: "x".into(),
            ..Mute::default()
        };
        file.add(mute, date!(2026 - 12 - 02)).unwrap();
        let meta = std::fs::symlink_metadata(&link).unwrap();
        assert!(meta.file_type().is_symlink());
        std::fs::read_to_string(&target).unwrap()
    };
    let text = save_through_link();
    assert!(
        text.starts_with(HAND_WRITTEN) && text.contains("lambda.no-vpc"),
        "{text}"
    );
    assert_eq!(
        std::fs::metadata(&target).unwrap().permissions().mode() & 0o777,
        0o644
    );
    // A dangling link: the file is created where it points.
    std::fs::remove_file(&target).unwrap();
    assert!(save_through_link().contains("lambda.no-vpc"));
}

#[test]
fn a_file_changed_on_disk_is_not_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    std::fs::write(&path, HAND_WRITTEN).unwrap();
    let mut file = MutesFile::load(&path).unwrap();
    let edited =
        format!("{HAND_WRITTEN}\n[[mute]]\ncheck = \"lambda.no-vpc\"\nreason = \"by hand\"\n");
    std::fs::write(&path, &edited).unwrap();
    let e = file
        .add(
            Mute {
                check_id: "lambda.no-vpc".into(),
                reason: "x".into(),
                ..Mute::default()
            },
            date!(2026 - 12 - 02),
        )
        .unwrap_err();
    assert!(e.message.contains("changed on disk"), "{e}");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), edited);
}
