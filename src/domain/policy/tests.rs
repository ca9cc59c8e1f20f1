use super::*;
use serde_json::json;

#[test]
fn specific_values_name_something_in_particular() {
    for v in [
        "111122223333",
        "o-a1b2c3d4e5",
        "vpce-0a1b2c3d",
        "203.0.113.0/24",
        "arn:aws:execute-api:us-east-1:111122223333:abc123/*",
        "arn:aws:s3:::orders-bucket",
    ] {
        assert!(specific_value(v), "{v}");
    }
    for v in [
        "",
        " ",
        "*",
        "?*",
        "0.0.0.0/0",
        "::/0",
        "vpce-*",
        "o-*",
        "arn:aws:execute-api:*:*:*",
        "arn:aws:sns:us-east-1:*:topic",
    ] {
        assert!(!specific_value(v), "{v:?}");
    }
}

#[test]
fn narrowing_conditions() {
    let cond = |op: &str, key: &str, v: &str| Condition {
        operator: op.into(),
        key: key.into(),
        values: vec![v.into()],
    };
    let keys = &["aws:SourceAccount", "aws:PrincipalOrgID"];
    assert!(cond("StringEquals", "aws:SourceAccount", "111122223333").narrows(keys));
    assert!(cond("stringequals", "AWS:SOURCEACCOUNT", "111122223333").narrows(keys));
    assert!(cond("ForAnyValue:StringLike", "aws:PrincipalOrgID", "o-abc").narrows(keys));
    for (op, key, v) in [
        ("StringNotEquals", "aws:SourceAccount", "111122223333"),
        ("StringEqualsIfExists", "aws:SourceAccount", "111122223333"),
        ("Null", "aws:SourceAccount", "false"),
        ("ForAllValues:StringEquals", "aws:PrincipalOrgID", "o-abc"),
        ("StringLike", "aws:SourceAccount", "*"),
        ("StringEquals", "aws:SecureTransport", "true"),
    ] {
        assert!(!cond(op, key, v).narrows(keys), "{op} {key} {v}");
    }
}

fn parse(v: serde_json::Value) -> PolicyDocument {
    PolicyDocument::parse(&v.to_string()).expect("valid policy")
}

fn first(v: serde_json::Value) -> Statement {
    parse(json!({"Statement": v})).statements.remove(0)
}

#[test]
fn percent_decoding_never_panics_on_malformed_escapes() {
    // '%' followed by a multi-byte character used to slice inside the character.
    let r = PolicyDocument::parse("%7B%22Statement%22:[]%€}");
    assert!(r.is_err());
    // A sign is not a hex digit: "%+7B" must not decode.
    assert!(PolicyDocument::parse("%+7B}").is_err());
}

#[test]
fn url_encoded_and_string_encoded_documents() {
    let doc = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]});
    let encoded: String = doc
        .to_string()
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    assert!(encoded.starts_with("%7B"));
    assert_eq!(PolicyDocument::parse(&encoded).unwrap().statements.len(), 1);
    // A JSON string holding the JSON (once and twice).
    let once = serde_json::Value::String(doc.to_string()).to_string();
    let twice = serde_json::Value::String(once.clone()).to_string();
    assert_eq!(PolicyDocument::parse(&once).unwrap(), parse(doc.clone()));
    assert_eq!(PolicyDocument::parse(&twice).unwrap(), parse(doc));
}

#[test]
fn statement_as_object_or_list_or_missing() {
    let obj = parse(json!({"Statement": {"Effect": "Allow", "Action": "a:b"}}));
    assert_eq!(obj.statements.len(), 1);
    let list = parse(
        json!({"Statement": [{"Effect": "Deny", "Action": "a:b"}, {"Effect": "allow", "Action": "c:d"}]}),
    );
    assert_eq!(list.statements[0].effect, Effect::Deny);
    assert_eq!(
        list.statements[1].effect,
        Effect::Allow,
        "Effect is case-insensitive"
    );
    assert_eq!(list.allow_statements().count(), 1);
    assert!(
        parse(json!({"Version": "2012-10-17"}))
            .statements
            .is_empty()
    );
}

#[test]
fn invalid_documents_are_errors() {
    for bad in [
        "",
        "not json",
        "[1, 2]",
        r#"{"Statement": "nope"}"#,
        r#"{"Statement": [{"Action": "s3:*"}]}"#,
        r#"{"Statement": [{"Effect": "Maybe"}]}"#,
        r#"{"Statement": [42]}"#,
        r#""{not json inside""#,
    ] {
        assert!(PolicyDocument::parse(bad).is_err(), "{bad}");
    }
}

#[test]
fn principal_shapes() {
    let p = |v: serde_json::Value| first(json!({"Effect": "Allow", "Principal": v})).principal;
    assert_eq!(p(json!("*")), Principal::Anyone);
    assert_eq!(p(json!({"AWS": "*"})), Principal::Anyone);
    assert_eq!(
        p(json!({"AWS": ["arn:aws:iam::111122223333:root", "*"]})),
        Principal::Anyone
    );
    assert_eq!(p(json!({"CanonicalUser": "*"})), Principal::Anyone);
    assert_eq!(p(json!(["111122223333", "*"])), Principal::Anyone);
    assert_eq!(
        p(json!("111122223333")),
        Principal::Specific {
            aws: vec!["111122223333".into()],
            service: vec![],
            federated: vec![]
        }
    );
    assert_eq!(
        p(json!("s3.amazonaws.com")),
        Principal::Specific {
            aws: vec![],
            service: vec!["s3.amazonaws.com".into()],
            federated: vec![]
        }
    );
    assert_eq!(
        p(
            json!({"aws": ["arn:aws:iam::444455556666:role/x"], "Service": "sns.amazonaws.com", "Federated": "cognito-identity.amazonaws.com"})
        ),
        Principal::Specific {
            aws: vec!["arn:aws:iam::444455556666:role/x".into()],
            service: vec!["sns.amazonaws.com".into()],
            federated: vec!["cognito-identity.amazonaws.com".into()]
        }
    );
    assert_eq!(
        p(json!([{"AWS": "111122223333"}, {"Service": "events.amazonaws.com"}])),
        Principal::Specific {
            aws: vec!["111122223333".into()],
            service: vec!["events.amazonaws.com".into()],
            federated: vec![]
        }
    );
    assert_eq!(
        first(json!({"Effect": "Allow"})).principal,
        Principal::Absent
    );
    let np = first(json!({"Effect": "Allow", "NotPrincipal": {"AWS": "111122223333"}}));
    assert!(np.not_principal && np.is_public_principal());
}

#[test]
fn principal_helpers() {
    let st = first(
        json!({"Effect": "Allow", "Principal": {"AWS": ["111122223333", "arn:aws:iam::444455556666:role/r", "AIDAEXAMPLEUSERID"], "Service": "s3.amazonaws.com"}}),
    );
    assert_eq!(st.principal_accounts(), ["111122223333", "444455556666"]);
    assert_eq!(st.service_principals(), ["s3.amazonaws.com"]);
    assert_eq!(st.aws_principals().len(), 3);
    assert!(!st.is_public_principal());
}

#[test]
fn actions_and_not_actions() {
    let st = first(json!({"Effect": "Allow", "Action": ["lambda:Invoke*", "s3:GetObject"]}));
    assert!(st.matches_action("lambda:InvokeFunction"));
    assert!(st.matches_action("LAMBDA:invokefunctionurl"));
    assert!(st.matches_action("s3:GetObject"));
    assert!(!st.matches_action("s3:PutObject"));
    let not = first(json!({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}));
    assert!(not.not_action);
    assert!(not.matches_action("s3:PutObject"));
    assert!(!not.matches_action("iam:PassRole"));
    assert!(not.grants_service_wildcard("s3"));
    assert!(!not.grants_service_wildcard("iam"));
    let star = first(json!({"Effect": "Allow", "Action": "*"}));
    assert!(star.grants_service_wildcard("kms"));
    let svc = first(json!({"Effect": "Allow", "Action": "KMS:*"}));
    assert!(svc.grants_service_wildcard("kms"));
    assert!(!svc.grants_service_wildcard("s3"));
    let narrow = first(json!({"Effect": "Allow", "Action": "kms:Decr?pt"}));
    assert!(narrow.matches_action("kms:Decrypt"));
    assert!(!narrow.grants_service_wildcard("kms"));
    let deny = first(json!({"Effect": "Deny", "Action": "*"}));
    assert!(
        !deny.grants_service_wildcard("kms"),
        "a Deny grants nothing"
    );
}

#[test]
fn resources_and_not_resources() {
    let st = first(json!({"Effect": "Allow", "Action": "s3:*", "Resource": ["arn:aws:s3:::b/*"]}));
    assert!(st.matches_resource("arn:aws:s3:::b/key"));
    assert!(!st.matches_resource("arn:aws:s3:::other/key"));
    assert!(!st.on_all_resources());
    let all = first(json!({"Effect": "Allow", "Action": "s3:*", "Resource": "*"}));
    assert!(all.on_all_resources());
    let not =
        first(json!({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::b/*"}));
    assert!(not.on_all_resources());
    assert!(not.matches_resource("arn:aws:s3:::other/key"));
    assert!(!not.matches_resource("arn:aws:s3:::b/key"));
    let none = first(json!({"Effect": "Allow", "Action": "lambda:InvokeFunction"}));
    assert!(
        none.matches_resource("anything"),
        "resource policies omit Resource"
    );
}

#[test]
fn allows_honours_unconditional_denies_only() {
    let doc = parse(json!({"Statement": [
        {"Effect": "Allow", "Action": "secretsmanager:*", "Resource": "*"},
        {"Effect": "Deny", "Action": "secretsmanager:DeleteSecret", "Resource": "*"},
        {"Effect": "Deny", "Action": "secretsmanager:GetSecretValue", "Resource": "*",
         "Condition": {"Bool": {"aws:SecureTransport": "false"}}}
    ]}));
    assert!(doc.allows(
        "secretsmanager:GetSecretValue",
        "arn:aws:secretsmanager:us-east-1:1:secret:x"
    ));
    assert!(!doc.allows(
        "secretsmanager:DeleteSecret",
        "arn:aws:secretsmanager:us-east-1:1:secret:x"
    ));
    assert!(!doc.allows("s3:GetObject", "*"));
    assert!(!PolicyDocument::default().allows("s3:GetObject", "*"));
}

#[test]
fn conditions_and_function_url_auth_type() {
    let st = first(
        json!({"Effect": "Allow", "Principal": "*", "Action": "lambda:InvokeFunctionUrl",
        "Condition": {
            "StringEquals": {"lambda:FunctionUrlAuthType": "NONE", "aws:SourceAccount": ["1", "2"]},
            "ArnLike": {"AWS:SourceArn": "arn:aws:s3:::b"},
            "NumericLessThan": {"aws:MultiFactorAuthAge": 3600},
            "Bool": {"aws:SecureTransport": true}
        }}),
    );
    assert_eq!(st.conditions.len(), 5);
    assert!(st.has_condition_key(&["aws:sourcearn"]));
    assert!(!st.has_condition_key(&["aws:PrincipalOrgID"]));
    assert_eq!(st.condition_values("aws:SourceAccount"), ["1", "2"]);
    assert_eq!(st.condition_values("aws:MultiFactorAuthAge"), ["3600"]);
    assert_eq!(st.condition_values("aws:SecureTransport"), ["true"]);
    assert_eq!(st.function_url_auth_type().as_deref(), Some("NONE"));
    // moto: the auth type as a statement key, kept in `extra`.
    let moto =
        first(json!({"Effect": "Allow", "Principal": "*", "FunctionUrlAuthType": "AWS_IAM"}));
    assert!(moto.conditions.is_empty());
    assert_eq!(moto.function_url_auth_type().as_deref(), Some("AWS_IAM"));
    assert!(moto.extra.contains_key("FunctionUrlAuthType"));
    assert_eq!(
        first(json!({"Effect": "Allow"})).function_url_auth_type(),
        None
    );
}

#[test]
fn sid_and_missing_fields() {
    let st = first(json!({"Sid": "abc", "Effect": "Allow"}));
    assert_eq!(st.sid.as_deref(), Some("abc"));
    assert!(st.actions.is_empty());
    assert!(
        !st.matches_action("s3:GetObject"),
        "no Action grants nothing"
    );
    assert_eq!(first(json!({"Effect": "Allow", "Sid": 7})).sid, None);
}

#[test]
fn glob_is_case_insensitive_with_both_wildcards() {
    assert!(glob_match("lambda:Invoke*", "LAMBDA:INVOKEFUNCTION"));
    assert!(glob_match("s3:Get?bject", "s3:GetObject"));
    assert!(glob_match("*", ""));
    assert!(!glob_match("s3:Get*", "s3:PutObject"));
}
