use super::*;
use crate::domain::finding::ResourceKind;

#[test]
fn names_of_event_sources() {
    for (arn, name) in [
        ("arn:aws:sqs:us-east-1:111122223333:orders-in", "orders-in"),
        (
            "arn:aws:sns:us-east-1:111122223333:order-events",
            "order-events",
        ),
        (
            "arn:aws:dynamodb:us-east-1:111122223333:table/orders/stream/2026-01-01T00:00:00.000",
            "orders",
        ),
        (
            "arn:aws:kinesis:us-east-1:111122223333:stream/clicks",
            "clicks",
        ),
        (
            "arn:aws:kafka:us-east-1:111122223333:cluster/events/0a1b-2",
            "events",
        ),
        (
            "arn:aws:events:us-east-1:111122223333:event-bus/shop",
            "shop",
        ),
        (
            "arn:aws:events:us-east-1:111122223333:rule/shop/on-order",
            "on-order",
        ),
        (
            "arn:aws:events:us-east-1:111122223333:rule/nightly",
            "nightly",
        ),
        (
            "arn:aws:mq:us-east-1:111122223333:broker:orders-mq:b-1234",
            "orders-mq",
        ),
        ("broker-1:9092", "broker-1:9092"),
    ] {
        assert_eq!(source_name(arn), name, "{arn}");
    }
}

#[test]
fn parts_of_an_arn() {
    let a = Arn::parse("arn:aws:lambda:eu-west-1:111122223333:function:orders:live").unwrap();
    assert_eq!(
        (a.partition, a.service, a.region, a.account),
        ("aws", "lambda", "eu-west-1", "111122223333")
    );
    assert_eq!(a.resource, "function:orders:live");
    assert_eq!(a.resource_type(), "function");
    assert_eq!(a.function(), Some(("orders", Some("live"))));
    let role = Arn::parse("arn:aws:iam::111122223333:role/service/orders-role").unwrap();
    assert_eq!(role.region, "");
    assert_eq!(role.role_name(), Some("orders-role"));
    assert_eq!(role.function(), None);
    let layer = Arn::parse("arn:aws:lambda:us-east-1:999988887777:layer:tools:3").unwrap();
    assert_eq!(layer.layer_name(), Some("tools"));
    assert_eq!(
        Arn::parse("arn:aws:lambda:us-east-1:1:layer")
            .unwrap()
            .layer_name(),
        None
    );
    // Patterns leave parts out; what is missing is empty.
    let pattern = Arn::parse("arn:aws:secretsmanager:*").unwrap();
    assert_eq!((pattern.service, pattern.account), ("secretsmanager", ""));
    assert_eq!(Arn::parse("orders"), None);
    assert_eq!(Arn::parse("arn"), None);
}

#[test]
fn names_from_arns_fall_back_to_the_text() {
    let names = [
        role_name("arn:aws:iam::1:role/a/b/c"),
        role_name("not-an-arn"),
        function_name("arn:aws:lambda:r:1:function:f:3"),
        function_name("rotate"),
    ];
    assert_eq!(names, ["c", "not-an-arn", "f", "rotate"]);
}

#[test]
fn account_of_ids_and_arns() {
    for (text, account) in [
        ("111122223333", Some("111122223333")),
        (" 111122223333 ", Some("111122223333")),
        ("arn:aws:iam::111122223333:root", Some("111122223333")),
        (
            "arn:aws-cn:sts::111122223333:assumed-role/r/s",
            Some("111122223333"),
        ),
        (
            "arn:aws:lambda:us-east-1:111122223333:layer:x:1",
            Some("111122223333"),
        ),
        ("arn:aws:s3:::bucket", None),
        ("11112222333", None),
        ("*", None),
        ("AIDAEXAMPLEUSERID", None),
    ] {
        assert_eq!(account_of(text).as_deref(), account, "{text}");
    }
}

#[test]
fn resource_kinds_from_arns() {
    for (text, kind) in [
        (
            "arn:aws:lambda:r:1:function:f",
            Some(ResourceKind::Function),
        ),
        (
            "arn:aws:apigateway:r::/restapis/a1",
            Some(ResourceKind::RestApi),
        ),
        (
            "arn:aws:apigateway:r::/apis/a1/stages/prod",
            Some(ResourceKind::Stage),
        ),
        (
            "arn:aws:apigateway:r::/domainnames/api.example.com",
            Some(ResourceKind::Domain),
        ),
        ("arn:aws:kms:r:1:alias/x", Some(ResourceKind::Key)),
        ("arn:aws:s3:::bucket", None),
    ] {
        let got = Arn::parse(text).and_then(|a| ResourceKind::of_arn(&a));
        assert_eq!(got, kind, "{text}");
    }
}
