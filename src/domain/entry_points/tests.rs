use super::*;
use crate::domain::inventory::{Alias, FunctionUrl};

/// An open URL on an alias is a way in, named for its alias, closed with `--qualifier`.
#[test]
fn an_alias_url_without_auth_is_an_entry_point() {
    let arn = "arn:aws:lambda:us-east-1:111122223333:function:orders".to_string();
    let f = Function {
        name: "orders".into(),
        arn: arn.clone(),
        region: "us-east-1".into(),
        aliases: Ok(vec![Alias {
            name: "live".into(),
            arn: format!("{arn}:live"),
            url: Ok(Some(FunctionUrl {
                url: "https://live.lambda-url.us-east-1.on.aws/".into(),
                auth_type: "NONE".into(),
                ..Default::default()
            })),
            policy: Err("Throttling".into()),
        }]),
        ..Default::default()
    };
    let (entries, gaps) = analyse(&Inventory::default(), &f);
    assert_eq!(entries.len(), 1);
    assert_eq!(
        entries[0].description,
        "function URL of alias live https://live.lambda-url.us-east-1.on.aws/ (NONE)"
    );
    assert!(
        entries[0]
            .close_cli
            .contains("--function-name orders --qualifier live")
    );
    assert_eq!(gaps, ["resource policy of alias live: Throttling"]);
}
