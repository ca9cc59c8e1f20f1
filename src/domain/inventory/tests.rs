use super::*;

/// Merging a batch keeps the batch's resources: a source's merged view and the app's
/// inventory share one allocation per resource instead of copying it.
#[test]
fn merged_views_share_the_batch_resources() {
    let batch = Inventory {
        functions: vec![Arc::new(Function {
            name: "f".into(),
            region: "r1".into(),
            ..Default::default()
        })],
        secrets: vec![Arc::new(Secret {
            name: "s".into(),
            region: "r1".into(),
            ..Default::default()
        })],
        ..Default::default()
    };
    let mut source_view = Inventory::default();
    source_view.apply_batch(Area::Functions, "r1", batch.clone());
    source_view.apply_batch(Area::Secrets, "r1", batch.clone());
    let mut app_view = Inventory::default();
    app_view.apply_batch(Area::Functions, "r1", batch.clone());
    assert!(Arc::ptr_eq(&source_view.functions[0], &batch.functions[0]));
    assert!(Arc::ptr_eq(
        &app_view.functions[0],
        &source_view.functions[0]
    ));
    assert!(Arc::ptr_eq(&source_view.secrets[0], &batch.secrets[0]));
    // Three views, one function.
    assert_eq!(Arc::strong_count(&batch.functions[0]), 3);
}

fn key(region: &str, manager: &str) -> Key {
    Key {
        reference: "alias/app".into(),
        region: region.into(),
        details: Ok(KeyDetails {
            arn: format!("arn:aws:kms:{region}:111122223333:key/k"),
            id: "k".into(),
            aliases: vec!["alias/app".into()],
            manager: Some(manager.into()),
            ..Default::default()
        }),
    }
}

/// Found by the soak test (tests/robustness.rs): the same alias in two regions resolved
/// to whichever region's key was listed first, so a secret's finding flipped with the
/// order the encryption polls happened to finish in.
#[test]
fn keys_are_found_in_the_region_of_who_refers_to_them() {
    let inv = Inventory {
        keys: vec![
            key("us-east-1", "AWS").into(),
            key("eu-west-1", "CUSTOMER").into(),
        ],
        ..Inventory::default()
    };
    let manager = |region: &str| {
        inv.find_key(region, "alias/app")
            .and_then(|k| k.details.as_ref().ok())
            .and_then(|d| d.manager.clone())
    };
    assert_eq!(manager("eu-west-1"), Some(KeyManager::Customer));
    assert_eq!(manager("us-east-1"), Some(KeyManager::Aws));
    assert!(inv.find_key("ap-south-1", "alias/app").is_none());
}

/// Found by the soak test: execution roles were merged in by every functions poll and
/// never dropped, so the roles of deleted functions piled up for the whole session.
#[test]
fn a_functions_batch_drops_the_roles_no_function_runs_as_any_more() {
    let role = |name: &str| {
        let arn = format!("arn:aws:iam::111122223333:role/{name}");
        (
            arn.clone(),
            Ok(Role {
                arn,
                name: name.into(),
                policies: Vec::new(),
            }),
        )
    };
    let function = |region: &str, role: &str| Function {
        name: format!("f-{role}"),
        arn: format!("arn:aws:lambda:{region}:111122223333:function:f-{role}"),
        region: region.into(),
        role_arn: format!("arn:aws:iam::111122223333:role/{role}"),
        ..Default::default()
    };
    let batch = |region: &str, roles: &[&str]| Inventory {
        regions: vec![region.into()],
        functions: roles
            .iter()
            .map(|r| Arc::new(function(region, r)))
            .collect(),
        roles: roles
            .iter()
            .map(|r| {
                let (arn, role) = role(r);
                (arn, Arc::new(role))
            })
            .collect(),
        ..Inventory::default()
    };
    let mut inv = Inventory::default();
    inv.apply_batch(
        Area::Functions,
        "us-east-1",
        batch("us-east-1", &["a", "shared"]),
    );
    inv.apply_batch(
        Area::Functions,
        "eu-west-1",
        batch("eu-west-1", &["shared", "b"]),
    );
    assert_eq!(inv.roles.len(), 3);
    // us-east-1's `a` is gone; `shared` still runs eu-west-1's function.
    inv.apply_batch(Area::Functions, "us-east-1", batch("us-east-1", &["c"]));
    let names: Vec<&str> = inv
        .roles
        .keys()
        .map(|k| &k[k.rfind('/').unwrap() + 1..])
        .collect();
    assert_eq!(names, ["b", "c", "shared"]);
    // A failed poll of a region drops its functions, and with them the roles only it used.
    inv.apply_batch(
        Area::Functions,
        "eu-west-1",
        Inventory::failed_area(Area::Functions, "eu-west-1", "AccessDenied"),
    );
    assert_eq!(inv.roles.keys().collect::<Vec<_>>(), [&role("c").0]);
}
