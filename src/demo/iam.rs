//! The execution roles of the demo account.

use super::fixture::*;

pub(super) const LOGS_STATEMENT: &str = r#"{"Sid":"Logs","Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"arn:aws:logs:*:111122223333:*"}"#;

pub(super) fn inline(name: &str, statements: &[String]) -> RolePolicy {
    RolePolicy {
        name: name.into(),
        arn: None,
        document: Ok(format!(
            r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
            statements.join(",")
        )),
    }
}

pub(super) fn managed(name: &str, arn: &str, document: Fetched<&str>) -> RolePolicy {
    RolePolicy {
        name: name.into(),
        arn: Some(arn.into()),
        document: document.map(str::to_string),
    }
}

pub(super) fn role(name: &str, policies: Vec<RolePolicy>) -> (String, Fetched<Role>) {
    let arn = role_arn(name);
    (
        arn.clone(),
        Ok(Role {
            arn,
            name: name.into(),
            policies,
        }),
    )
}

pub(super) fn roles() -> BTreeMap<String, Fetched<Role>> {
    let vpc_access = managed(
        "AWSLambdaVPCAccessExecutionRole",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
        Ok(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents","ec2:CreateNetworkInterface","ec2:DescribeNetworkInterfaces","ec2:DescribeSubnets","ec2:DeleteNetworkInterface","ec2:AssignPrivateIpAddresses","ec2:UnassignPrivateIpAddresses"],"Resource":"*"}]}"#,
        ),
    );
    let basic = managed(
        "AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        Ok(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"}]}"#,
        ),
    );
    let xray = managed(
        "AWSXRayDaemonWriteAccess",
        "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess",
        Ok(
            r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["xray:PutTraceSegments","xray:PutTelemetryRecords","xray:GetSamplingRules","xray:GetSamplingTargets","xray:GetSamplingStatisticSummaries"],"Resource":["*"]}]}"#,
        ),
    );

    [
        // Least privilege, but it can read the Stripe secret (by name): a secret reader.
        role(
            "payments-service-role",
            vec![
                vpc_access.clone(),
                xray.clone(),
                inline(
                    "payments-data",
                    &[
                        format!(
                            r#"{{"Sid":"PaymentsTable","Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:UpdateItem","dynamodb:Query"],"Resource":["{}","{}/index/*"]}}"#,
                            table_arn(USE1, "payments-prod"),
                            table_arn(USE1, "payments-prod")
                        ),
                        format!(
                            r#"{{"Sid":"StripeKey","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":"{}"}}"#,
                            secret_arn(USE1, "prod/payments/stripe-api-key", "a1B2c3")
                        ),
                        format!(
                            r#"{{"Sid":"PaymentsKey","Effect":"Allow","Action":["kms:Decrypt","kms:GenerateDataKey"],"Resource":"{}"}}"#,
                            key_arn(USE1, PAYMENTS_KEY_ID)
                        ),
                    ],
                ),
            ],
        ),
        // dynamodb:* on the orders table: a service wildcard.
        role(
            "orders-service-role",
            vec![
                basic.clone(),
                xray.clone(),
                inline(
                    "orders-data",
                    &[
                        format!(
                            r#"{{"Sid":"OrdersTable","Effect":"Allow","Action":"dynamodb:*","Resource":["{}","{}/index/*"]}}"#,
                            table_arn(USE1, "orders-prod"),
                            table_arn(USE1, "orders-prod")
                        ),
                        format!(
                            r#"{{"Sid":"OrderEvents","Effect":"Allow","Action":"sns:Publish","Resource":"arn:aws:sns:{USE1}:{DEMO_ACCOUNT}:order-events"}}"#
                        ),
                        format!(
                            r#"{{"Sid":"OrdersKey","Effect":"Allow","Action":"kms:Decrypt","Resource":"{}"}}"#,
                            key_arn(USE1, ORDERS_KEY_ID)
                        ),
                    ],
                ),
            ],
        ),
        // Scoped, but one attached customer-managed policy could not be read.
        role(
            "inventory-service-role",
            vec![
                vpc_access,
                inline(
                    "stock-table",
                    &[format!(
                        r#"{{"Sid":"Stock","Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:UpdateItem","dynamodb:BatchWriteItem"],"Resource":"{}"}}"#,
                        table_arn(EUW1, "stock-levels")
                    )],
                ),
                managed(
                    "warehouse-integration",
                    &format!("arn:aws:iam::{DEMO_ACCOUNT}:policy/warehouse-integration"),
                    Err("AccessDenied: missing iam:GetPolicyVersion on policy/warehouse-integration".into()),
                ),
            ],
        ),
        // Sends mail and SMS; reads the provider credentials by name.
        role(
            "notifications-service-role",
            vec![
                basic.clone(),
                inline(
                    "notify",
                    &[
                        LOGS_STATEMENT.to_string(),
                        format!(
                            r#"{{"Sid":"Send","Effect":"Allow","Action":["ses:SendEmail","ses:SendRawEmail","sns:Publish"],"Resource":["arn:aws:ses:{USE1}:{DEMO_ACCOUNT}:identity/shop.example.com","arn:aws:sns:{USE1}:{DEMO_ACCOUNT}:*"]}}"#
                        ),
                        format!(
                            r#"{{"Sid":"ProviderCredentials","Effect":"Allow","Action":"secretsmanager:GetSecretValue","Resource":["{}","{}"]}}"#,
                            secret_arn(USE1, "prod/notifications/sendgrid-api-key", "Qw3Er4"),
                            secret_arn(USE1, "prod/notifications/twilio-auth-token", "Ty5Ui6")
                        ),
                        format!(
                            r#"{{"Sid":"Connections","Effect":"Allow","Action":["dynamodb:GetItem","dynamodb:PutItem","dynamodb:DeleteItem","dynamodb:Scan"],"Resource":"{}"}}"#,
                            table_arn(USE1, "ws-connections")
                        ),
                        format!(
                            r#"{{"Sid":"PostToConnection","Effect":"Allow","Action":"execute-api:ManageConnections","Resource":"arn:aws:execute-api:{USE1}:{DEMO_ACCOUNT}:w5n0t1f1c8/production/POST/@connections/*"}}"#
                        ),
                    ],
                ),
            ],
        ),
        role(
            "image-resize-role",
            vec![
                basic.clone(),
                inline(
                    "images",
                    &[
                        r#"{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::shop-product-images/*"}"#.to_string(),
                        r#"{"Sid":"Write","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::shop-product-images-resized/*"}"#.to_string(),
                        format!(
                            r#"{{"Sid":"Failures","Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:{USE1}:{DEMO_ACCOUNT}:image-resize-failures"}}"#
                        ),
                    ],
                ),
            ],
        ),
        role("auth-authorizer-role", vec![basic.clone(), xray]),
        // s3:* and kms:Decrypt on every key.
        role(
            "reports-role",
            vec![
                basic,
                inline(
                    "reporting",
                    &[
                        r#"{"Sid":"Reports","Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::shop-reports","arn:aws:s3:::shop-reports/*"]}"#.to_string(),
                        r#"{"Sid":"Athena","Effect":"Allow","Action":["athena:StartQueryExecution","athena:GetQueryExecution","athena:GetQueryResults","glue:GetTable","glue:GetPartitions"],"Resource":"*"}"#.to_string(),
                        r#"{"Sid":"DecryptAnything","Effect":"Allow","Action":"kms:Decrypt","Resource":"*"}"#.to_string(),
                    ],
                ),
            ],
        ),
        role(
            "legacy-export-role",
            vec![managed(
                "AdministratorAccess",
                "arn:aws:iam::aws:policy/AdministratorAccess",
                Ok(r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#),
            )],
        ),
    ]
    .into_iter()
    .collect()
}
