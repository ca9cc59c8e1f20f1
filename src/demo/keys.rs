//! The KMS keys the demo's functions and secrets use.

use super::*;

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
                )),
                policy: Ok(root_key_policy(EUW1)),
            }),
        },
    ]
}
