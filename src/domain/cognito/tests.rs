//! Unit tests of which authorizers trust a user pool: a JWT authorizer only when its issuer
//! is the pool's URL.

use std::sync::Arc;

use super::*;
use crate::domain::inventory::{RestApi, RestMethod, RestResource, Route, V2Api};

fn pool() -> UserPool {
    UserPool {
        id: "eu-west-1_AbC123".into(),
        arn: "arn:aws:cognito-idp:eu-west-1:111122223333:userpool/eu-west-1_AbC123".into(),
        name: "customers".into(),
        region: "eu-west-1".into(),
        self_signup: Ok(true),
    }
}

fn jwt(issuer: &str) -> Authorizer {
    Authorizer {
        id: "j1".into(),
        name: "jwt".into(),
        authorizer_type: "JWT".into(),
        jwt_issuer: Some(issuer.into()),
        ..Default::default()
    }
}

#[test]
fn a_jwt_authorizer_trusts_a_pool_only_through_its_exact_issuer() {
    let p = pool();
    assert!(trusts(
        &jwt("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123"),
        &p
    ));
    assert!(trusts(
        &jwt("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123/"),
        &p
    ));
    assert!(trusts(
        &jwt("https://COGNITO-IDP.eu-west-1.amazonaws.com/eu-west-1_AbC123"),
        &p
    ));
    // Another pool, another region, another identity provider, a look-alike path.
    assert!(!trusts(
        &jwt("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC124"),
        &p
    ));
    assert!(!trusts(
        &jwt("https://cognito-idp.us-east-1.amazonaws.com/eu-west-1_AbC123"),
        &p
    ));
    assert!(!trusts(
        &jwt("https://login.example.com/eu-west-1_AbC123"),
        &p
    ));
    assert!(!trusts(
        &jwt("https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_abc123"),
        &p
    ));
    assert!(!trusts(
        &jwt("https://cognito-idp.eu-west-1.amazonaws.com/x/eu-west-1_AbC123"),
        &p
    ));
    // A REST authorizer names the pool's ARN; a Lambda authorizer trusts no pool.
    let rest = Authorizer {
        authorizer_type: "COGNITO_USER_POOLS".into(),
        provider_arns: vec![p.arn.clone()],
        ..Default::default()
    };
    assert!(trusts(&rest, &p));
    let token = Authorizer {
        authorizer_type: "TOKEN".into(),
        provider_arns: vec![p.arn.clone()],
        ..Default::default()
    };
    assert!(!trusts(&token, &p));
}

#[test]
fn the_routes_behind_a_trusting_authorizer_form_the_path() {
    let p = pool();
    let rest = RestApi {
        name: "shop".into(),
        region: "eu-west-1".into(),
        resources: Ok(vec![RestResource {
            id: "r".into(),
            path: "/orders".into(),
            methods: vec![RestMethod {
                http_method: "POST".into(),
                authorization_type: "COGNITO_USER_POOLS".into(),
                authorizer_id: Some("c1".into()),
                ..Default::default()
            }],
        }]),
        authorizers: Ok(vec![Authorizer {
            id: "c1".into(),
            name: "customers".into(),
            authorizer_type: "COGNITO_USER_POOLS".into(),
            provider_arns: vec![p.arn.clone()],
            ..Default::default()
        }]),
        ..Default::default()
    };
    let http = V2Api {
        name: "account".into(),
        region: "eu-west-1".into(),
        routes: Ok(vec![Route {
            id: "r1".into(),
            route_key: "GET /me".into(),
            authorization_type: "JWT".into(),
            authorizer_id: Some("j1".into()),
            target: None,
        }]),
        authorizers: Ok(vec![jwt(
            "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_AbC123",
        )]),
        ..Default::default()
    };
    let unread = V2Api {
        name: "unread".into(),
        authorizers: Err("AccessDenied: apigateway:GET".into()),
        ..Default::default()
    };
    let inv = Inventory {
        rest_apis: vec![Arc::new(rest)],
        v2_apis: vec![Arc::new(http), Arc::new(unread)],
        ..Inventory::default()
    };
    let (uses, unread) = pool_uses(&inv, &p);
    let paths: Vec<String> = uses.iter().map(PoolUse::path).collect();
    assert_eq!(
        paths,
        [
            "REST API shop (eu-west-1) → POST /orders → authorizer customers",
            "HTTP API account (eu-west-1) → GET /me → authorizer jwt"
        ]
    );
    assert!(unread.is_some_and(|u| u.contains("unread")));
}
