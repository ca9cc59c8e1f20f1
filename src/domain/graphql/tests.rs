//! Unit tests of an API's exposure and its functions' ARNs.

use super::*;
use crate::domain::inventory::Function;

#[test]
fn a_data_source_names_a_function_with_or_without_a_qualifier() {
    let f = Function {
        name: "orders".into(),
        arn: "arn:aws:lambda:us-east-1:111122223333:function:orders".into(),
        region: "us-east-1".into(),
        ..Default::default()
    };
    assert!(names_function(&f.arn, &f));
    assert!(names_function(&format!("{}:live", f.arn), &f));
    assert!(!names_function(&format!("{}-v2", f.arn), &f));
    assert!(!names_function(&format!("{}:live:x", f.arn), &f));
    assert!(!names_function(
        "arn:aws:lambda:eu-west-1:111122223333:function:orders",
        &f
    ));
}
