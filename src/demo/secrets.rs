//! The demo account's Secrets Manager secrets, and the KMS keys its functions and secrets use.

use super::fixture::*;

pub(super) fn secrets(now: OffsetDateTime) -> Vec<Secret> {
    let rotation_fn = |region: &str, name: &str| Some(function_arn(region, name));
    vec![
        // The model secret: CMK, rotated monthly, used daily.
        Secret {
            name: "prod/payments/stripe-api-key".into(),
            arn: secret_arn(USE1, "prod/payments/stripe-api-key", "a1B2c3"),
            region: USE1.into(),
            kms_key_id: Some(key_arn(USE1, PAYMENTS_KEY_ID)),
            rotation_enabled: Some(true),
            rotation_lambda_arn: rotation_fn(USE1, "secrets-rotation-stripe"),
            rotation_days: Some(30),
            created: Some(now - days(420)),
            last_rotated: Some(now - days(9)),
            last_accessed: Some(now - days(1)),
            next_rotation: Some(now + days(21)),
            policy: Ok(None),
        },
        // Rotated, but shared with the analytics vendor's account.
        Secret {
            name: "prod/orders/db-credentials".into(),
            arn: secret_arn(USE1, "prod/orders/db-credentials", "Df7Gh8"),
            region: USE1.into(),
            kms_key_id: Some("alias/orders-data".into()),
            rotation_enabled: Some(true),
            rotation_lambda_arn: rotation_fn(USE1, "SecretsManagerRDSPostgreSQLRotationSingleUser"),
            rotation_days: Some(30),
            created: Some(now - days(610)),
            last_rotated: Some(now - days(4)),
            last_accessed: Some(now),
            next_rotation: Some(now + days(26)),
            policy: Ok(Some(format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"AnalyticsReadReplica","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{PARTNER_ACCOUNT}:role/analytics-etl"}},"Action":"secretsmanager:GetSecretValue","Resource":"*"}}]}}"#
            ))),
        },
        // Never rotated since it was created, on the default AWS managed key.
        Secret {
            name: "prod/notifications/sendgrid-api-key".into(),
            arn: secret_arn(USE1, "prod/notifications/sendgrid-api-key", "Qw3Er4"),
            region: USE1.into(),
            kms_key_id: None,
            rotation_enabled: Some(false),
            created: Some(now - days(400)),
            last_accessed: Some(now - days(2)),
            policy: Ok(None),
            ..Default::default()
        },
        // Rotation enabled, but the rotation function has been failing: overdue.
        Secret {
            name: "prod/notifications/twilio-auth-token".into(),
            arn: secret_arn(USE1, "prod/notifications/twilio-auth-token", "Ty5Ui6"),
            region: USE1.into(),
            kms_key_id: Some("alias/aws/secretsmanager".into()),
            rotation_enabled: Some(true),
            rotation_lambda_arn: rotation_fn(USE1, "secrets-rotation-twilio"),
            rotation_days: Some(30),
            created: Some(now - days(300)),
            last_rotated: Some(now - days(41)),
            last_accessed: Some(now - days(3)),
            next_rotation: Some(now - days(11)),
            policy: Ok(None),
        },
        // The legacy SFTP password: public resource policy, unused for months.
        Secret {
            name: "legacy/export/sftp-password".into(),
            arn: secret_arn(USE1, "legacy/export/sftp-password", "Op9As0"),
            region: USE1.into(),
            kms_key_id: Some(key_arn(USE1, ORDERS_KEY_ID)),
            rotation_enabled: Some(false),
            created: Some(now - days(730)),
            last_accessed: Some(now - days(200)),
            policy: Ok(Some(format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"LetTheVendorIn","Effect":"Allow","Principal":{{"AWS":"*"}},"Action":"secretsmanager:GetSecretValue","Resource":"{}"}}]}}"#,
                secret_arn(USE1, "legacy/export/sftp-password", "Op9As0")
            ))),
            ..Default::default()
        },
        // Created last week for staging; never accessed yet (too young to call unused).
        Secret {
            name: "staging/payments/stripe-test-key".into(),
            arn: secret_arn(USE1, "staging/payments/stripe-test-key", "Jk1Lz2"),
            region: USE1.into(),
            kms_key_id: Some(key_arn(USE1, PAYMENTS_KEY_ID)),
            rotation_enabled: Some(false),
            created: Some(now - days(6)),
            policy: Ok(Some(format!(
                r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"OwnAccountOnly","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{DEMO_ACCOUNT}:root"}},"Action":"secretsmanager:GetSecretValue","Resource":"*"}}]}}"#
            ))),
            ..Default::default()
        },
        // Shared across the organization only.
        Secret {
            name: "prod/inventory/warehouse-api-token".into(),
            arn: secret_arn(EUW1, "prod/inventory/warehouse-api-token", "Zx9Yw8"),
            region: EUW1.into(),
            kms_key_id: None,
            rotation_enabled: Some(true),
            rotation_lambda_arn: rotation_fn(EUW1, "secrets-rotation-warehouse"),
            rotation_days: Some(60),
            created: Some(now - days(180)),
            last_rotated: Some(now - days(33)),
            last_accessed: Some(now - days(1)),
            next_rotation: Some(now + days(27)),
            policy: Ok(Some(
                r#"{"Version":"2012-10-17","Statement":[{"Sid":"OrgOnly","Effect":"Allow","Principal":"*","Action":"secretsmanager:GetSecretValue","Resource":"*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-a1b2c3d4e5"}}}]}"#
                    .into(),
            )),
        },
        // Encrypted with the key that is pending deletion; its policy could not be read.
        Secret {
            name: "prod/inventory/partner-sftp-key".into(),
            arn: secret_arn(EUW1, "prod/inventory/partner-sftp-key", "Cv3Bn4"),
            region: EUW1.into(),
            kms_key_id: Some(key_arn(EUW1, INVENTORY_KEY_ID)),
            rotation_enabled: Some(false),
            created: Some(now - days(45)),
            last_accessed: Some(now - days(5)),
            policy: Err("AccessDenied: missing secretsmanager:GetResourcePolicy".into()),
            ..Default::default()
        },
    ]
}

// ─────────────────────────────── KMS ───────────────────────────────

pub(super) fn root_key_policy(region: &str) -> String {
    format!(
        r#"{{"Version":"2012-10-17","Id":"key-default-1","Statement":[{{"Sid":"EnableRootAccess","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{DEMO_ACCOUNT}:root"}},"Action":"kms:*","Resource":"*"}},{{"Sid":"AllowLambdaInRegion","Effect":"Allow","Principal":{{"AWS":"*"}},"Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*","Condition":{{"StringEquals":{{"kms:CallerAccount":"{DEMO_ACCOUNT}","kms:ViaService":"lambda.{region}.amazonaws.com"}}}}}}]}}"#
    )
}

pub(super) fn keys() -> Vec<Key> {
    vec![
        Key {
            reference: key_arn(USE1, PAYMENTS_KEY_ID),
            region: USE1.into(),
            details: Ok(KeyDetails {
                arn: key_arn(USE1, PAYMENTS_KEY_ID),
                id: PAYMENTS_KEY_ID.into(),
                aliases: vec!["alias/payments-data".into()],
                manager: Some("CUSTOMER".into()),
                state: Some("Enabled".into()),
                spec: Some("SYMMETRIC_DEFAULT".into()),
                rotation_enabled: Ok(true),
                policy: Ok(root_key_policy(USE1)),
            }),
        },
        // Rotation never turned on, and a statement opens Decrypt to everyone.
        Key {
            reference: key_arn(USE1, ORDERS_KEY_ID),
            region: USE1.into(),
            details: Ok(KeyDetails {
                arn: key_arn(USE1, ORDERS_KEY_ID),
                id: ORDERS_KEY_ID.into(),
                aliases: vec!["alias/orders-data".into()],
                manager: Some("CUSTOMER".into()),
                state: Some("Enabled".into()),
                spec: Some("SYMMETRIC_DEFAULT".into()),
                rotation_enabled: Ok(false),
                policy: Ok(format!(
                    r#"{{"Version":"2012-10-17","Statement":[{{"Sid":"EnableRootAccess","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{DEMO_ACCOUNT}:root"}},"Action":"kms:*","Resource":"*"}},{{"Sid":"TemporaryDebugDecrypt","Effect":"Allow","Principal":"*","Action":["kms:Decrypt","kms:DescribeKey"],"Resource":"*"}}]}}"#
                )),
            }),
        },
        Key {
            reference: "alias/aws/secretsmanager".into(),
            region: USE1.into(),
            details: Ok(KeyDetails {
                arn: key_arn(USE1, AWS_SECRETSMANAGER_KEY_ID),
                id: AWS_SECRETSMANAGER_KEY_ID.into(),
                aliases: vec!["alias/aws/secretsmanager".into()],
                manager: Some("AWS".into()),
                state: Some("Enabled".into()),
                spec: Some("SYMMETRIC_DEFAULT".into()),
                rotation_enabled: Ok(true),
                policy: Ok(format!(
                    r#"{{"Version":"2012-10-17","Id":"auto-secretsmanager-2","Statement":[{{"Sid":"Allow access through AWS Secrets Manager for all principals in the account that are authorized to use AWS Secrets Manager","Effect":"Allow","Principal":{{"AWS":"*"}},"Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:CreateGrant","kms:DescribeKey"],"Resource":"*","Condition":{{"StringEquals":{{"kms:CallerAccount":"{DEMO_ACCOUNT}","kms:ViaService":"secretsmanager.{USE1}.amazonaws.com"}}}}}},{{"Sid":"Allow direct access to key metadata to the account","Effect":"Allow","Principal":{{"AWS":"arn:aws:iam::{DEMO_ACCOUNT}:root"}},"Action":["kms:Describe*","kms:Get*","kms:List*","kms:RevokeGrant"],"Resource":"*"}}]}}"#
                )),
            }),
        },
        // Scheduled for deletion during a clean-up, still used by inventory-sync and a secret.
        Key {
            reference: key_arn(EUW1, INVENTORY_KEY_ID),
            region: EUW1.into(),
            details: Ok(KeyDetails {
                arn: key_arn(EUW1, INVENTORY_KEY_ID),
                id: INVENTORY_KEY_ID.into(),
                aliases: vec!["alias/inventory-legacy".into()],
                manager: Some("CUSTOMER".into()),
                state: Some("PendingDeletion".into()),
                spec: Some("SYMMETRIC_DEFAULT".into()),
                rotation_enabled: Err(format!(
                    "KMSInvalidStateException: {} is pending deletion",
                    key_arn(EUW1, INVENTORY_KEY_ID)
                )
                .into()),
                policy: Ok(root_key_policy(EUW1)),
            }),
        },
    ]
}
