use super::*;

#[test]
fn templates_fill_every_placeholder_and_nothing_else() {
    let inv = Inventory {
        account_id: "111122223333".into(),
        ..Inventory::default()
    };
    let t = Target::new(
        "eu-west-1",
        "arn:aws:lambda:eu-west-1:111122223333:function:orders",
        "orders",
    )
    .param("stage", "prod")
    .param("stage", "ignored: the first value of a key wins");
    assert_eq!(
        fill_template(
            "aws lambda x --function-name {name} --region {region} # {arn} in {account}, {name} again, {stage}",
            &inv,
            &t
        ),
        "aws lambda x --function-name orders --region eu-west-1 # arn:aws:lambda:eu-west-1:111122223333:function:orders in 111122223333, orders again, prod"
    );
    // Terraform and shell braces, unknown names and a lone brace stay as they are.
    for kept in [
        "resource \"aws_x\" \"y\" {\n  a = ${var.b}\n}",
        "{unknown} {name",
        "{",
        "}{",
        "",
    ] {
        assert_eq!(fill_template(kept, &inv, &t), kept);
    }
    assert_eq!(fill_template("{{name}}", &inv, &t), "{orders}");
    // A value is not expanded again.
    let odd = Target::new("r", "{name}", "{arn}");
    assert_eq!(fill_template("{name}|{arn}", &inv, &odd), "{arn}|{name}");
}
