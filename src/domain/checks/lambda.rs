//! Checks for Lambda functions (see ../shared/CHECKS.md, "Functions (Lambda)").
//!
//! The resource of every finding is the function: resource_id = function ARN, resource_name =
//! function name. Decisions worth knowing:
//!
//! - **Public resource policy.** A statement is public when it allows `lambda:Invoke*` (or a
//!   wildcard that covers it, or `NotAction` that does not exclude it) to `"*"`,
//!   `{"AWS":"*"}` or a `NotPrincipal`, with no *restricting* condition. Restricting keys are
//!   [`RESTRICTING_CONDITION_KEYS`]: the four CHECKS.md names (`aws:SourceAccount`,
//!   `aws:SourceArn`, `aws:PrincipalOrgID`, `lambda:EventSourceToken`) plus `aws:SourceOwner`
//!   (the older spelling of SourceAccount that S3/SES policies still use),
//!   `aws:PrincipalAccount`, `aws:PrincipalArn` and `aws:PrincipalOrgPaths`, which pin the
//!   caller just as firmly. A condition does not restrict when its operator is negated
//!   (`StringNotEquals`…), ends in `IfExists` (callers without the key pass), is `Null`, or
//!   when every value is a bare `*`. `lambda:FunctionUrlAuthType` never restricts: a
//!   statement scoped only by `FunctionUrlAuthType NONE` is the public URL grant itself.
//!   Service principals are never public.
//! - **Asynchronous invocation** (for lambda.no-failure-destination): the resource policy lets
//!   an async-invoking service ([`ASYNC_SERVICES`]) invoke the function, or the function has
//!   an EventInvokeConfig. Otherwise the check is not applicable.
//! - **Roles**: [`role_privileges`] is the one place that reads a role's documents; exposure.rs
//!   uses it too. A document that could not be fetched or parsed makes the verdict `unknown`
//!   unless another document already decides `fail`.

use std::collections::BTreeSet;

use crate::domain::catalogue::{CheckDef, Context, Target, tf_ident};
use crate::domain::checks::{exposure, kms};
use crate::domain::finding::{Category, Evidence, Finding, Severity};
use crate::domain::inventory::{Function, Inventory, Role};
use crate::domain::policy::{Effect, PolicyDocument, Principal, Statement, account_of};
use crate::domain::runtimes::{self, RuntimeStatus};

/// Condition keys that restrict who can use a `Principal: "*"` grant.
pub const RESTRICTING_CONDITION_KEYS: &[&str] = &[
    "aws:SourceAccount",
    "aws:SourceArn",
    "aws:PrincipalOrgID",
    "lambda:EventSourceToken",
    "aws:SourceOwner",
    "aws:PrincipalAccount",
    "aws:PrincipalArn",
    "aws:PrincipalOrgPaths",
];

/// Service principals (without `.amazonaws.com`) that invoke Lambda asynchronously.
pub const ASYNC_SERVICES: &[&str] = &[
    "s3",
    "sns",
    "events",
    "scheduler",
    "ses",
    "iot",
    "iotevents",
    "logs",
    "cloudformation",
    "codecommit",
    "codepipeline",
    "config",
    "lambda.alarms.cloudwatch",
];

/// Invoke actions a resource policy can grant.
const INVOKE_ACTIONS: &[&str] = &[
    "lambda:InvokeFunction",
    "lambda:InvokeFunctionUrl",
    "lambda:InvokeAsync",
];

/// Service families whose `svc:*` makes a role over-privileged.
const WILDCARD_SERVICES: &[&str] = &[
    "secretsmanager",
    "kms",
    "iam",
    "s3",
    "dynamodb",
    "lambda",
    "sts",
];

/// Single actions that are dangerous on `Resource: "*"`.
const DANGEROUS_ON_ALL: &[&str] = &[
    "iam:PassRole",
    "secretsmanager:GetSecretValue",
    "kms:Decrypt",
];

const DOCS_RESOURCE_POLICY: &str =
    "https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html";
const DOCS_URLS: &str = "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html";

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "lambda.public-resource-policy",
        title: "Resource policy lets anyone invoke the function",
        severity: Severity::Critical,
        category: Category::Exposure,
        service: "lambda",
        rationale: "A resource-policy statement that grants lambda:Invoke* to Principal \"*\" without a \
            SourceAccount, SourceArn, PrincipalOrgID or EventSourceToken condition lets any AWS \
            account (and, through a function URL, anyone on the internet) run the function, \
            spend its concurrency and reach whatever its role can touch.",
        fix: "Remove the statement (aws lambda remove-permission --function-name F --statement-id S) \
            and re-add it with a specific principal and a SourceArn/SourceAccount condition.",
        console: &[
            "Open the Lambda console in {region} → Functions → {name}.",
            "Configuration → Permissions → Resource-based policy statements.",
            "Select statement {statement_id} → Delete; then Add permissions with the specific service or account principal and a source ARN.",
        ],
        cli: "aws lambda remove-permission --function-name {name} --statement-id {statement_id} --region {region}\n\
            # re-grant only the caller that needs it, e.g. an S3 bucket in this account:\n\
            aws lambda add-permission --function-name {name} --statement-id {statement_id} --action lambda:InvokeFunction \
            --principal s3.amazonaws.com --source-arn arn:aws:s3:::BUCKET --source-account {account} --region {region}",
        terraform: "resource \"aws_lambda_permission\" \"{tf}\" {\n  statement_id   = \"{statement_id}\"\n  action         = \"lambda:InvokeFunction\"\n  function_name  = \"{name}\"\n  principal      = \"s3.amazonaws.com\" # a specific service or account, never \"*\"\n  source_arn     = \"arn:aws:s3:::BUCKET\"\n  source_account = \"{account}\"\n}",
        fsbp: Some("Lambda.1"),
        prowler: Some("awslambda_function_not_publicly_accessible"),
        docs_url: DOCS_RESOURCE_POLICY,
        evaluate: public_resource_policy,
    },
    CheckDef {
        id: "lambda.function-url-no-auth",
        title: "Function URL requires no authentication",
        severity: Severity::High,
        category: Category::Auth,
        service: "lambda",
        rationale: "A function URL with AuthType NONE is a public HTTPS endpoint: anyone who finds the \
            URL can invoke the function, with no IAM signature, throttling key or WAF in front.",
        fix: "Require IAM auth: aws lambda update-function-url-config --auth-type AWS_IAM (or put \
            API Gateway with an authorizer in front).",
        console: &[
            "Open the Lambda console in {region} → Functions → {name}.",
            "Configuration → Function URL → Edit.",
            "Auth type: AWS_IAM → Save. Grant lambda:InvokeFunctionUrl to the callers that need it.",
        ],
        cli: "aws lambda update-function-url-config --function-name {name} --auth-type AWS_IAM --region {region}",
        terraform: "resource \"aws_lambda_function_url\" \"{tf}\" {\n  function_name      = \"{name}\"\n  authorization_type = \"AWS_IAM\"\n}",
        fsbp: None,
        prowler: Some("awslambda_function_url_public"),
        docs_url: DOCS_URLS,
        evaluate: function_url_no_auth,
    },
    CheckDef {
        id: "lambda.function-url-cors-wildcard",
        title: "Function URL CORS allows any origin",
        severity: Severity::Medium,
        category: Category::Exposure,
        service: "lambda",
        rationale: "AllowOrigins \"*\" lets scripts on any website call the function URL from a \
            visitor's browser and read the response, which turns the endpoint into a \
            cross-site data source.",
        fix: "Restrict the function URL's CORS AllowOrigins to the known front-end origins.",
        console: &[
            "Open the Lambda console in {region} → Functions → {name}.",
            "Configuration → Function URL → Edit → Configure cross-origin resource sharing (CORS).",
            "Replace * in Allow origin with your front-end origins (https://app.example.com) → Save.",
        ],
        cli: "aws lambda update-function-url-config --function-name {name} --region {region} \
            --cors 'AllowOrigins=https://app.example.com,AllowMethods=GET,POST'",
        terraform: "resource \"aws_lambda_function_url\" \"{tf}\" {\n  function_name      = \"{name}\"\n  authorization_type = \"AWS_IAM\"\n  cors {\n    allow_origins = [\"https://app.example.com\"]\n    allow_methods = [\"GET\", \"POST\"]\n  }\n}",
        fsbp: None,
        prowler: Some("awslambda_function_url_cors_policy"),
        docs_url: "https://docs.aws.amazon.com/lambda/latest/dg/urls-configuration.html#urls-cors",
        evaluate: function_url_cors_wildcard,
    },
    CheckDef {
        id: "lambda.cross-account-invoke",
        title: "Another account may invoke the function",
        severity: Severity::Medium,
        category: Category::Privilege,
        service: "lambda",
        rationale: "A resource-policy grant to an account outside your organisation's trusted list \
            lets that account's principals (or its resources, through a service principal) run \
            the function whenever they like. Keep such grants deliberate: remove them or add the \
            account to the trusted list.",
        fix: "Remove the grant (aws lambda remove-permission), or add the account to \
            trusted_accounts in the Parapet config if it is intended.",
        console: &[
            "Open the Lambda console in {region} → Functions → {name}.",
            "Configuration → Permissions → Resource-based policy statements.",
            "Delete statement {statement_id} granting account {other_account}, or add the account to trusted_accounts in Parapet's config.toml.",
        ],
        cli: "aws lambda remove-permission --function-name {name} --statement-id {statement_id} --region {region}",
        terraform: "# Remove the aws_lambda_permission resource that grants {other_account}, e.g.\n# resource \"aws_lambda_permission\" \"{tf}_cross_account\" {\n#   statement_id  = \"{statement_id}\"\n#   function_name = \"{name}\"\n#   principal     = \"{other_account}\"\n# }",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-cross-account.html",
        evaluate: cross_account_invoke,
    },
    CheckDef {
        id: "lambda.secrets-in-env",
        title: "Environment variable holds a credential",
        severity: Severity::Critical,
        category: Category::Secrets,
        service: "lambda",
        rationale: "Environment variables are readable by anyone with lambda:GetFunctionConfiguration, \
            show up in the console, in infrastructure code and in deployment logs, and never \
            rotate. A credential there should be treated as leaked.",
        fix: "Move the value to Secrets Manager and read it at runtime; rotate the leaked credential NOW.",
        console: &[
            "Rotate the credential at its issuer first: it must be considered leaked.",
            "Open Secrets Manager in {region} → Store a new secret holding the new value.",
            "Open the Lambda console → Functions → {name} → Configuration → Environment variables → Edit: remove {variables} → Save.",
            "Grant the function's role secretsmanager:GetSecretValue on that secret and read it in code (or use the Parameters and Secrets Lambda extension).",
        ],
        cli: "# 1. rotate the credential at its issuer, then store the new value:\n\
            aws secretsmanager create-secret --name {name}/{first_variable} --secret-string file://new-value.txt --region {region}\n\
            # 2. remove {variables} from the environment (the call replaces the whole map):\n\
            aws lambda get-function-configuration --function-name {name} --region {region} --query Environment > env.json\n\
            # edit env.json and delete {variables}\n\
            aws lambda update-function-configuration --function-name {name} --environment file://env.json --region {region}",
        terraform: "resource \"aws_secretsmanager_secret\" \"{tf}\" {\n  name = \"{name}/{first_variable}\"\n}\n\nresource \"aws_lambda_function\" \"{tf}\" {\n  # ... existing arguments ...\n  environment {\n    variables = {\n      SECRET_ARN = aws_secretsmanager_secret.{tf}.arn # instead of {variables}\n    }\n  }\n}",
        fsbp: None,
        prowler: Some("awslambda_function_no_secrets_in_variables"),
        docs_url: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/retrieving-secrets_lambda.html",
        evaluate: secrets_in_env,
    },
    CheckDef {
        id: "lambda.env-not-encrypted-cmk",
        title: "Environment variables not encrypted with a customer-managed key",
        severity: Severity::Medium,
        category: Category::Encryption,
        service: "lambda",
        rationale: "Without KMSKeyArn, Lambda encrypts environment variables with the AWS managed \
            aws/lambda key, whose policy you cannot restrict: every principal allowed to read \
            the function configuration sees the values in clear text.",
        fix: "Encrypt the environment with a customer-managed key: update-function-configuration --kms-key-arn.",
        console: &[
            "Create (or pick) a customer-managed symmetric key in KMS in {region}, and allow the function's role kms:Decrypt on it.",
            "Open the Lambda console → Functions → {name} → Configuration → Environment variables → Edit.",
            "Encryption configuration → Use a customer master key → choose the key → Save.",
        ],
        cli: "aws lambda update-function-configuration --function-name {name} --kms-key-arn arn:aws:kms:{region}:{account}:key/KEY_ID --region {region}",
        terraform: "resource \"aws_kms_key\" \"{tf}_env\" {\n  enable_key_rotation = true\n}\n\nresource \"aws_lambda_function\" \"{tf}\" {\n  # ... existing arguments ...\n  kms_key_arn = aws_kms_key.{tf}_env.arn\n}",
        fsbp: None,
        prowler: Some("awslambda_function_env_vars_not_encrypted_with_cmk"),
        docs_url: "https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars-encryption.html",
        evaluate: env_not_encrypted_cmk,
    },
    CheckDef {
        id: "lambda.deprecated-runtime",
        title: "Runtime is deprecated or about to be",
        severity: Severity::High,
        category: Category::Hygiene,
        service: "lambda",
        rationale: "After its deprecation date a runtime gets no security patches and the function \
            is no longer eligible for technical support; later AWS blocks creating and then \
            updating functions on it, so an urgent fix cannot be deployed. Medium severity \
            while the date is within 90 days.",
        fix: "Move to a supported runtime (update-function-configuration --runtime); test first.",
        console: &[
            "Test the code on {new_runtime} (locally or on a copy of the function).",
            "Open the Lambda console in {region} → Functions → {name} → Code → Runtime settings → Edit.",
            "Runtime: {new_runtime} → Save, then publish a new version and shift the alias.",
        ],
        cli: "aws lambda update-function-configuration --function-name {name} --runtime {new_runtime} --region {region}",
        terraform: "resource \"aws_lambda_function\" \"{tf}\" {\n  # ... existing arguments ...\n  runtime = \"{new_runtime}\"\n}",
        fsbp: Some("Lambda.2"),
        prowler: Some("awslambda_function_using_supported_runtimes"),
        docs_url: "https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
        evaluate: deprecated_runtime,
    },
    CheckDef {
        id: "lambda.cross-account-layer",
        title: "Function uses a layer from an untrusted account",
        severity: Severity::High,
        category: Category::Hygiene,
        service: "lambda",
        rationale: "Layer code runs inside the function with its role's permissions. A layer owned by \
            another account can be deleted or, for new deployments, swapped for a new version by \
            its owner; it is supply-chain code you do not control.",
        fix: "Copy the layer into this account and pin its version (or trust the publisher's account explicitly).",
        console: &[
            "Review layer {layer_arn}: who publishes it and why the function needs it.",
            "Download it (Lambda console → Layers, or get-layer-version-by-arn) and publish it in this account as {layer_name}.",
            "Functions → {name} → Layers → Edit: replace the foreign layer with your copy → Save.",
        ],
        cli: "curl -o layer.zip \"$(aws lambda get-layer-version-by-arn --arn {layer_arn} --query Content.Location --output text --region {region})\"\n\
            aws lambda publish-layer-version --layer-name {layer_name} --zip-file fileb://layer.zip --region {region}\n\
            # --layers replaces the whole list: pass every layer the function keeps\n\
            aws lambda update-function-configuration --function-name {name} --layers arn:aws:lambda:{region}:{account}:layer:{layer_name}:1 --region {region}",
        terraform: "resource \"aws_lambda_layer_version\" \"{tf}_layer\" {\n  layer_name = \"{layer_name}\"\n  filename   = \"layer.zip\" # copied from {layer_arn}\n}\n\nresource \"aws_lambda_function\" \"{tf}\" {\n  # ... existing arguments ...\n  layers = [aws_lambda_layer_version.{tf}_layer.arn]\n}",
        fsbp: None,
        prowler: Some("awslambda_function_using_cross_account_layers"),
        docs_url: "https://docs.aws.amazon.com/lambda/latest/dg/chapter-layers.html",
        evaluate: cross_account_layer,
    },
    CheckDef {
        id: "lambda.no-vpc",
        title: "Function is not attached to a VPC",
        severity: Severity::Low,
        category: Category::Network,
        service: "lambda",
        rationale: "Outside a VPC the function reaches the internet directly and cannot be limited by \
            security groups, network ACLs or VPC endpoint policies. Attach it to private subnets \
            when it talks to private resources or must have controlled egress.",
        fix: "Attach private subnets and security groups (update-function-configuration --vpc-config).",
        console: &[
            "Open the Lambda console in {region} → Functions → {name} → Configuration → VPC → Edit.",
            "Choose the VPC, two or more private subnets and a security group → Save.",
            "Add VPC endpoints (or a NAT gateway) for the AWS services the function calls.",
        ],
        cli: "aws lambda update-function-configuration --function-name {name} --vpc-config SubnetIds=subnet-AAAA,subnet-BBBB,SecurityGroupIds=sg-CCCC --region {region}",
        terraform: "resource \"aws_lambda_function\" \"{tf}\" {\n  # ... existing arguments ...\n  vpc_config {\n    subnet_ids         = [\"subnet-AAAA\", \"subnet-BBBB\"]\n    security_group_ids = [\"sg-CCCC\"]\n  }\n}",
        fsbp: Some("Lambda.3"),
        prowler: Some("awslambda_function_inside_vpc"),
        docs_url: "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html",
        evaluate: no_vpc,
    },
    CheckDef {
        id: "lambda.no-failure-destination",
        title: "Asynchronous function drops failed events",
        severity: Severity::Medium,
        category: Category::Resilience,
        service: "lambda",
        rationale: "When an asynchronous invocation fails all its retries, Lambda discards the event \
            unless a dead-letter queue or an OnFailure destination catches it. Orders, \
            notifications or audit events then vanish silently.",
        fix: "Add an OnFailure destination (put-function-event-invoke-config) or a dead-letter queue (--dead-letter-config).",
        console: &[
            "Create an SQS queue (or SNS topic) for failed events in {region}, and allow the function's role to send to it.",
            "Open the Lambda console → Functions → {name} → Configuration → Destinations → Add destination.",
            "Source: Asynchronous invocation, Condition: On failure, Destination: the queue → Save.",
        ],
        cli: "aws lambda put-function-event-invoke-config --function-name {name} --region {region} \
            --destination-config '{\"OnFailure\":{\"Destination\":\"arn:aws:sqs:{region}:{account}:{name}-failures\"}}'",
        terraform: "resource \"aws_sqs_queue\" \"{tf}_failures\" {\n  name = \"{name}-failures\"\n}\n\nresource \"aws_lambda_function_event_invoke_config\" \"{tf}\" {\n  function_name = \"{name}\"\n  destination_config {\n    on_failure {\n      destination = aws_sqs_queue.{tf}_failures.arn\n    }\n  }\n}",
        fsbp: None,
        prowler: Some("awslambda_function_no_dead_letter_queue"),
        docs_url: "https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-retain-records.html",
        evaluate: no_failure_destination,
    },
    CheckDef {
        id: "lambda.no-tracing",
        title: "X-Ray active tracing is off",
        severity: Severity::Low,
        category: Category::Logging,
        service: "lambda",
        rationale: "Without active tracing there is no request-level trace across API Gateway, the \
            function and its downstream calls, which slows down incident investigation.",
        fix: "Turn on active tracing: update-function-configuration --tracing-config Mode=Active.",
        console: &[
            "Open the Lambda console in {region} → Functions → {name}.",
            "Configuration → Monitoring and operations tools → Edit.",
            "Enable AWS X-Ray Active tracing → Save (the role needs xray:PutTraceSegments).",
        ],
        cli: "aws lambda update-function-configuration --function-name {name} --tracing-config Mode=Active --region {region}",
        terraform: "resource \"aws_lambda_function\" \"{tf}\" {\n  # ... existing arguments ...\n  tracing_config {\n    mode = \"Active\"\n  }\n}",
        fsbp: Some("Lambda.7"),
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/lambda/latest/dg/services-xray.html",
        evaluate: no_tracing,
    },
    CheckDef {
        id: "lambda.admin-execution-role",
        title: "Execution role has administrator access",
        severity: Severity::Critical,
        category: Category::Privilege,
        service: "lambda",
        rationale: "Code injection, a vulnerable dependency or a leaked event payload in a function \
            with an administrator role hands the attacker the whole account. A function needs a \
            handful of actions on a handful of resources.",
        fix: "Replace the role with one scoped to what the function actually uses.",
        console: &[
            "Open the IAM console → Roles → {role_name}.",
            "Detach AdministratorAccess / remove the statements that allow \"*\" on \"*\".",
            "Attach a policy listing only the actions and resources the function {name} uses (IAM Access Analyzer can generate one from CloudTrail).",
        ],
        cli: "aws iam detach-role-policy --role-name {role_name} --policy-arn arn:aws:iam::aws:policy/AdministratorAccess\n\
            aws iam put-role-policy --role-name {role_name} --policy-name {name}-least-privilege --policy-document file://scoped-policy.json",
        terraform: "resource \"aws_iam_role_policy\" \"{tf}\" {\n  name = \"{name}-least-privilege\"\n  role = \"{role_name}\"\n  policy = jsonencode({\n    Version = \"2012-10-17\"\n    Statement = [{\n      Effect   = \"Allow\"\n      Action   = [\"dynamodb:GetItem\", \"dynamodb:PutItem\"] # what the function uses\n      Resource = [\"arn:aws:dynamodb:{region}:{account}:table/TABLE\"]\n    }]\n  })\n}",
        fsbp: None,
        prowler: Some("iam_role_administratoraccess_policy"),
        docs_url: "https://docs.aws.amazon.com/lambda/latest/dg/lambda-intro-execution-role.html",
        evaluate: admin_execution_role,
    },
    CheckDef {
        id: "lambda.overprivileged-role",
        title: "Execution role grants service wildcards or dangerous actions on *",
        severity: Severity::High,
        category: Category::Privilege,
        service: "lambda",
        rationale: "secretsmanager:*, kms:*, iam:*, s3:*, dynamodb:*, lambda:* or sts:*, or \
            iam:PassRole / secretsmanager:GetSecretValue / kms:Decrypt on every resource, let a \
            compromised function read every secret, decrypt any data or escalate through other \
            roles.",
        fix: "Scope actions and resources in the execution role's policies.",
        console: &[
            "Open the IAM console → Roles → {role_name} → Permissions.",
            "Edit the policies named in the evidence: replace service wildcards with the actions used, and \"*\" resources with ARNs.",
            "Use IAM Access Analyzer policy generation for {name} to see what it really calls.",
        ],
        cli: "aws iam get-role-policy --role-name {role_name} --policy-name POLICY > policy.json\n\
            # edit policy.json: list actions explicitly and name resource ARNs\n\
            aws iam put-role-policy --role-name {role_name} --policy-name POLICY --policy-document file://policy.json",
        terraform: "data \"aws_iam_policy_document\" \"{tf}\" {\n  statement {\n    actions   = [\"secretsmanager:GetSecretValue\"]\n    resources = [\"arn:aws:secretsmanager:{region}:{account}:secret:{name}/*\"]\n  }\n}\n\nresource \"aws_iam_role_policy\" \"{tf}\" {\n  role   = \"{role_name}\"\n  policy = data.aws_iam_policy_document.{tf}.json\n}",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/IAM/latest/UserGuide/best-practices.html#grant-least-privilege",
        evaluate: overprivileged_role,
    },
    CheckDef {
        id: "lambda.unbounded-concurrency-public",
        title: "Publicly reachable function has no reserved concurrency",
        severity: Severity::High,
        category: Category::Throttling,
        service: "lambda",
        rationale: "A function anyone can call, with no reserved concurrency, can be flooded until it \
            takes the whole account's concurrency: every other function in the region is then \
            throttled, and the bill grows with the flood.",
        fix: "Cap it: aws lambda put-function-concurrency --reserved-concurrent-executions N.",
        console: &[
            "Open the Lambda console in {region} → Functions → {name}.",
            "Configuration → Concurrency → Edit → Reserve concurrency: a cap above normal peak (e.g. 50) → Save.",
            "Also add authentication or throttling at the entry point ({entry}).",
        ],
        cli: "aws lambda put-function-concurrency --function-name {name} --reserved-concurrent-executions 50 --region {region}",
        terraform: "resource \"aws_lambda_function\" \"{tf}\" {\n  # ... existing arguments ...\n  reserved_concurrent_executions = 50\n}",
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/lambda/latest/dg/configuration-concurrency.html",
        evaluate: unbounded_concurrency_public,
    },
];

// ───────────────────────────── shared helpers ─────────────────────────────

/// The finding target for a function, with `{tf}` filled.
pub fn target(f: &Function) -> Target {
    Target::new(&f.region, &f.arn, &f.name).param("tf", tf_ident(&f.name))
}

/// The function's resource policy: `Ok(None)` when it has none, `Err` when it could not be
/// fetched or parsed.
pub fn function_policy(f: &Function) -> Result<Option<PolicyDocument>, String> {
    match &f.policy {
        Err(e) => Err(e.clone()),
        Ok(None) => Ok(None),
        Ok(Some(text)) if text.trim().is_empty() => Ok(None),
        Ok(Some(text)) => PolicyDocument::parse(text)
            .map(Some)
            .map_err(|e| format!("resource policy could not be parsed: {e}")),
    }
}

fn grants_invoke(st: &Statement) -> bool {
    st.effect == Effect::Allow && INVOKE_ACTIONS.iter().any(|a| st.matches_action(a))
}

/// Allow statements that let anyone invoke the function.
pub fn public_invoke_statements(doc: &PolicyDocument) -> Vec<&Statement> {
    doc.statements
        .iter()
        .filter(|st| {
            grants_invoke(st)
                && st.is_public_principal()
                && !st
                    .conditions
                    .iter()
                    .any(|c| c.narrows(RESTRICTING_CONDITION_KEYS))
        })
        .collect()
}

/// `Principal` as written, for evidence.
pub fn principal_text(st: &Statement) -> String {
    match &st.principal {
        Principal::Absent => "(none)".into(),
        Principal::Anyone if st.not_principal => "NotPrincipal (everyone else)".into(),
        Principal::Anyone => "*".into(),
        Principal::Specific {
            aws,
            service,
            federated,
        } => {
            let mut parts = Vec::new();
            if !aws.is_empty() {
                parts.push(format!("AWS: {}", aws.join(", ")));
            }
            if !service.is_empty() {
                parts.push(format!("Service: {}", service.join(", ")));
            }
            if !federated.is_empty() {
                parts.push(format!("Federated: {}", federated.join(", ")));
            }
            parts.join("; ")
        }
    }
}

/// `Action`/`NotAction` as written, for evidence.
pub fn action_text(st: &Statement) -> String {
    let list = st.actions.join(", ");
    if st.not_action {
        format!("NotAction: {list}")
    } else {
        list
    }
}

/// Conditions (and a stray `FunctionUrlAuthType` key), for evidence.
pub fn conditions_text(st: &Statement) -> String {
    let mut parts: Vec<String> = st
        .conditions
        .iter()
        .map(|c| format!("{} {} = {}", c.operator, c.key, c.values.join("|")))
        .collect();
    if st.condition_values("lambda:FunctionUrlAuthType").is_empty()
        && let Some(auth) = st.function_url_auth_type()
    {
        parts.push(format!("FunctionUrlAuthType = {auth}"));
    }
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join("; ")
    }
}

fn sid_of(st: &Statement) -> String {
    st.sid.clone().unwrap_or_else(|| "(no Sid)".into())
}

/// One-line description of a statement: `Sid "x": * may lambda:InvokeFunction (conditions: none)`.
pub fn statement_summary(st: &Statement) -> String {
    format!(
        "statement {}: {} may {} (conditions: {})",
        sid_of(st),
        principal_text(st),
        action_text(st),
        conditions_text(st)
    )
}

fn statement_evidence(st: &Statement) -> Vec<Evidence> {
    let sid = sid_of(st);
    vec![
        Evidence::new(format!("Statement {sid} Principal"), principal_text(st)),
        Evidence::new(format!("Statement {sid} Action"), action_text(st)),
        Evidence::new(format!("Statement {sid} Condition"), conditions_text(st)),
    ]
}

// ───────────────────────────── resource policy checks ─────────────────────────────

fn public_resource_policy(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.functions
        .iter()
        .map(|f| {
            let t = target(f);
            let doc = match function_policy(f) {
                Err(e) => return def.unknown(inv, &t.param("statement_id", "STATEMENT_ID"), e),
                Ok(None) => {
                    return def.pass(
                        inv,
                        &t.param("statement_id", "STATEMENT_ID"),
                        "no resource policy: only IAM principals of this account can invoke it",
                        vec![Evidence::new("Policy", "(none)")],
                    );
                }
                Ok(Some(doc)) => doc,
            };
            let public = public_invoke_statements(&doc);
            let Some(first) = public.first() else {
                return def.pass(
                    inv,
                    &t.param("statement_id", "STATEMENT_ID"),
                    format!(
                        "none of the {} resource-policy statements lets anyone invoke it",
                        doc.statements.len()
                    ),
                    vec![Evidence::new(
                        "Statements",
                        doc.statements.iter().map(sid_of).collect::<Vec<_>>().join(", "),
                    )],
                );
            };
            let t = t.param("statement_id", sid_of(first));
            let evidence = public.iter().flat_map(|st| statement_evidence(st)).collect();
            let sids: Vec<String> = public.iter().map(|st| sid_of(st)).collect();
            def.fail(
                inv,
                &t,
                format!(
                    "resource policy lets anyone invoke {}: statement{} {} (principal {}, action {}, \
                     no restricting condition)",
                    f.name,
                    if sids.len() == 1 { "" } else { "s" },
                    sids.join(", "),
                    principal_text(first),
                    action_text(first)
                ),
                evidence,
            )
        })
        .collect()
}

/// A grant to an account outside the trusted set: (statement, account, how).
struct ForeignGrant {
    sid: String,
    account: String,
    via: String,
}

fn foreign_grants(doc: &PolicyDocument, inv: &Inventory, ctx: &Context) -> Vec<ForeignGrant> {
    let mut out = Vec::new();
    for st in doc.statements.iter().filter(|s| grants_invoke(s)) {
        let mut seen = BTreeSet::new();
        for p in st.aws_principals() {
            if let Some(acct) = account_of(&p)
                && !ctx.is_trusted(inv, &acct)
                && seen.insert(acct.clone())
            {
                out.push(ForeignGrant {
                    sid: sid_of(st),
                    account: acct,
                    via: format!("Principal {p}"),
                });
            }
        }
        // Service or public principals pinned to another account's resources.
        for key in [
            "aws:SourceAccount",
            "aws:SourceOwner",
            "aws:PrincipalAccount",
            "aws:SourceArn",
        ] {
            for v in st.condition_values(key) {
                if let Some(acct) = account_of(&v)
                    && !ctx.is_trusted(inv, &acct)
                    && seen.insert(acct.clone())
                {
                    out.push(ForeignGrant {
                        sid: sid_of(st),
                        account: acct,
                        via: format!("{} with {key} = {v}", principal_text(st)),
                    });
                }
            }
        }
    }
    out
}

fn cross_account_invoke(def: &CheckDef, inv: &Inventory, ctx: &Context) -> Vec<Finding> {
    inv.functions
        .iter()
        .map(|f| {
            let t = target(f)
                .param("statement_id", "STATEMENT_ID")
                .param("other_account", "ACCOUNT");
            let doc = match function_policy(f) {
                Err(e) => return def.unknown(inv, &t, e),
                Ok(None) => {
                    return def.pass(
                        inv,
                        &t,
                        "no resource policy: no other account can invoke it",
                        vec![Evidence::new("Policy", "(none)")],
                    );
                }
                Ok(Some(doc)) => doc,
            };
            let grants = foreign_grants(&doc, inv, ctx);
            let Some(first) = grants.first() else {
                return def.pass(
                    inv,
                    &t,
                    "every invoke grant names this account, a trusted account or a service",
                    vec![Evidence::new("Trusted accounts", trusted_list(inv, ctx))],
                );
            };
            let t = target(f)
                .param("statement_id", &first.sid)
                .param("other_account", &first.account);
            let mut ev: Vec<Evidence> = grants
                .iter()
                .map(|g| {
                    Evidence::new(
                        format!("Statement {}", g.sid),
                        format!("account {} via {}", g.account, g.via),
                    )
                })
                .collect();
            ev.push(Evidence::new("Trusted accounts", trusted_list(inv, ctx)));
            let accounts: BTreeSet<&str> = grants.iter().map(|g| g.account.as_str()).collect();
            def.fail(
                inv,
                &t,
                format!(
                    "untrusted account{} {} may invoke {} (statement {})",
                    if accounts.len() == 1 { "" } else { "s" },
                    accounts.into_iter().collect::<Vec<_>>().join(", "),
                    f.name,
                    first.sid
                ),
                ev,
            )
        })
        .collect()
}

fn trusted_list(inv: &Inventory, ctx: &Context) -> String {
    let mut all = vec![format!("{} (this account)", inv.account_id)];
    all.extend(ctx.trusted_accounts.iter().cloned());
    all.join(", ")
}

// ───────────────────────────── function URL checks ─────────────────────────────

fn function_url_no_auth(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.functions
        .iter()
        .map(|f| {
            let t = target(f);
            match &f.url {
                Err(e) => def.unknown(inv, &t, e.clone()),
                Ok(None) => def.not_applicable(inv, &t, "the function has no function URL"),
                Ok(Some(url)) => {
                    let ev = vec![
                        Evidence::new("FunctionUrl", &url.url),
                        Evidence::new("AuthType", &url.auth_type),
                    ];
                    let auth = url.auth_type.trim();
                    if !auth.eq_ignore_ascii_case("NONE") && !auth.eq_ignore_ascii_case("AWS_IAM") {
                        return def.unknown(
                            inv,
                            &t,
                            format!(
                                "function URL {} has AuthType {:?}, neither AWS_IAM nor NONE",
                                url.url, url.auth_type
                            ),
                        );
                    }
                    if auth.eq_ignore_ascii_case("NONE") {
                        def.fail(
                            inv,
                            &t,
                            format!(
                                "function URL {} accepts unauthenticated requests (AuthType NONE)",
                                url.url
                            ),
                            ev,
                        )
                    } else {
                        def.pass(
                            inv,
                            &t,
                            format!("function URL requires {}", url.auth_type),
                            ev,
                        )
                    }
                }
            }
        })
        .collect()
}

fn function_url_cors_wildcard(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.functions
        .iter()
        .map(|f| {
            let t = target(f);
            match &f.url {
                Err(e) => def.unknown(inv, &t, e.clone()),
                Ok(None) => def.not_applicable(inv, &t, "the function has no function URL"),
                Ok(Some(url)) => {
                    let origins = if url.cors_allow_origins.is_empty() {
                        "(none: CORS not configured)".to_string()
                    } else {
                        url.cors_allow_origins.join(", ")
                    };
                    let ev = vec![
                        Evidence::new("FunctionUrl", &url.url),
                        Evidence::new("Cors.AllowOrigins", origins),
                        Evidence::new(
                            "Cors.AllowCredentials",
                            url.cors_allow_credentials.to_string(),
                        ),
                    ];
                    if url.cors_allow_origins.iter().any(|o| o.trim() == "*") {
                        def.fail(
                            inv,
                            &t,
                            format!(
                                "function URL CORS allows any origin (*){}",
                                if url.cors_allow_credentials {
                                    " with credentials"
                                } else {
                                    ""
                                }
                            ),
                            ev,
                        )
                    } else {
                        def.pass(inv, &t, "function URL CORS names specific origins", ev)
                    }
                }
            }
        })
        .collect()
}

// ───────────────────────────── configuration checks ─────────────────────────────

fn secrets_in_env(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.functions
        .iter()
        .map(|f| {
            if f.env.is_empty() {
                let t = target(f)
                    .param("variables", "the variable")
                    .param("first_variable", "secret");
                return def.not_applicable(inv, &t, "the function has no environment variables");
            }
            super::judge_variables(
                def,
                inv,
                target(f),
                &f.env,
                "Environment",
                "environment variable",
            )
        })
        .collect()
}

fn env_not_encrypted_cmk(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.functions
        .iter()
        .map(|f| {
            let t = target(f);
            if f.env.is_empty() {
                return def.not_applicable(inv, &t, "the function has no environment variables");
            }
            let vars = Evidence::new("Environment variables", f.env.len().to_string());
            let key = f.kms_key_arn.as_deref().map(str::trim).filter(|k| !k.is_empty());
            let Some(key) = key else {
                return def.fail(
                    inv,
                    &t,
                    "environment variables are encrypted with the AWS managed aws/lambda key (no KMSKeyArn)",
                    vec![vars, Evidence::new("KMSKeyArn", "(none)")],
                );
            };
            let aws_managed = match inv.find_key(&f.region, key) {
                Some(k) => kms::key_is_aws_managed(k),
                None => kms::is_aws_alias(key).then_some(true),
            };
            let ev = vec![vars, Evidence::new("KMSKeyArn", key)];
            if aws_managed == Some(true) {
                def.fail(inv, &t, format!("KMSKeyArn {key} is an AWS managed key, not a customer-managed one"), ev)
            } else {
                def.pass(inv, &t, format!("environment encrypted with {key}"), ev)
            }
        })
        .collect()
}

fn deprecated_runtime(def: &CheckDef, inv: &Inventory, ctx: &Context) -> Vec<Finding> {
    let today = ctx.now.date();
    inv.functions
        .iter()
        .map(|f| {
            let is_image = f
                .package_type
                .as_deref()
                .is_some_and(|p| p.eq_ignore_ascii_case("Image"));
            let runtime = f.runtime.as_deref().map(str::trim).filter(|r| !r.is_empty());
            let new_runtime = runtime
                .and_then(runtimes::suggested_runtime)
                .unwrap_or("a supported runtime");
            let t = target(f).param("new_runtime", new_runtime);
            if is_image {
                return def.not_applicable(
                    inv,
                    &t,
                    "container image function: the runtime is part of the image (rebuild on a supported base image)",
                );
            }
            let Some(runtime) = runtime else {
                return def.unknown(
                    inv,
                    &t,
                    if f.package_type.is_none() {
                        "ListFunctions reported neither Runtime nor PackageType"
                    } else {
                        "ListFunctions reported no Runtime for a Zip function"
                    },
                );
            };
            let mut ev = vec![Evidence::new("Runtime", runtime)];
            match runtimes::status(runtime, today) {
                RuntimeStatus::Supported => {
                    if let Some(date) = runtimes::deprecation_date(runtime) {
                        ev.push(Evidence::new("Deprecation date", date.to_string()));
                    }
                    def.pass(inv, &t, format!("{runtime} is supported"), ev)
                }
                RuntimeStatus::Unlisted => def.unknown(
                    inv,
                    &t,
                    format!("runtime {runtime} is not in Parapet's deprecation table"),
                ),
                RuntimeStatus::Deprecated { date } => {
                    ev.push(Evidence::new("Deprecation date", date.to_string()));
                    let mut finding = def.fail(
                        inv,
                        &t,
                        format!("{runtime} was deprecated on {date}: no security patches; move to {new_runtime}"),
                        ev,
                    );
                    finding.severity = Severity::High;
                    finding
                }
                RuntimeStatus::DeprecatingSoon { date } => {
                    let days = (date - today).whole_days();
                    ev.push(Evidence::new("Deprecation date", date.to_string()));
                    ev.push(Evidence::new("Days left", days.to_string()));
                    let mut finding = def.fail(
                        inv,
                        &t,
                        format!("{runtime} is deprecated on {date} ({days} days); move to {new_runtime}"),
                        ev,
                    );
                    finding.severity = Severity::Medium;
                    finding
                }
            }
        })
        .collect()
}

/// `arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION` → (account, name).
fn layer_parts(arn: &str) -> Option<(String, String)> {
    let parts: Vec<&str> = arn.split(':').collect();
    if parts.len() >= 7 && parts[0] == "arn" && parts[2] == "lambda" && parts[5] == "layer" {
        let account = account_of(arn)?;
        return Some((account, parts[6].to_string()));
    }
    None
}

fn cross_account_layer(def: &CheckDef, inv: &Inventory, ctx: &Context) -> Vec<Finding> {
    inv.functions
        .iter()
        .map(|f| {
            let base = target(f);
            if f.layers.is_empty() {
                let t = base
                    .param("layer_arn", "LAYER_ARN")
                    .param("layer_name", "LAYER");
                return def.not_applicable(inv, &t, "the function uses no layers");
            }
            let mut foreign = Vec::new();
            let mut unparsable = Vec::new();
            for layer in &f.layers {
                match layer_parts(layer) {
                    Some((acct, name)) if !ctx.is_trusted(inv, &acct) => {
                        foreign.push((layer, acct, name))
                    }
                    Some(_) => {}
                    None => unparsable.push(layer.as_str()),
                }
            }
            let ev: Vec<Evidence> = f
                .layers
                .iter()
                .map(|l| Evidence::new("Layer", l))
                .chain(std::iter::once(Evidence::new(
                    "Trusted accounts",
                    trusted_list(inv, ctx),
                )))
                .collect();
            if let Some((arn, _, name)) = foreign.first() {
                let t = base
                    .param("layer_arn", arn.as_str())
                    .param("layer_name", name);
                let list: Vec<String> = foreign
                    .iter()
                    .map(|(arn, acct, _)| format!("{arn} (account {acct})"))
                    .collect();
                return def.fail(
                    inv,
                    &t,
                    format!("layer from an untrusted account: {}", list.join(", ")),
                    ev,
                );
            }
            let t = base
                .param("layer_arn", "LAYER_ARN")
                .param("layer_name", "LAYER");
            if !unparsable.is_empty() {
                return def.unknown(
                    inv,
                    &t,
                    format!("cannot tell the owner of layer {}", unparsable.join(", ")),
                );
            }
            def.pass(
                inv,
                &t,
                "every layer belongs to this account or a trusted one",
                ev,
            )
        })
        .collect()
}

fn no_vpc(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.functions
        .iter()
        .map(|f| {
            let t = target(f);
            if f.vpc_subnet_ids.is_empty() {
                def.fail(
                    inv,
                    &t,
                    "the function runs outside any VPC (VpcConfig has no subnets)",
                    vec![Evidence::new("VpcConfig.SubnetIds", "(none)")],
                )
            } else {
                def.pass(
                    inv,
                    &t,
                    format!("attached to {} subnet(s)", f.vpc_subnet_ids.len()),
                    vec![Evidence::new(
                        "VpcConfig.SubnetIds",
                        f.vpc_subnet_ids.join(", "),
                    )],
                )
            }
        })
        .collect()
}

/// Async-invoking service principals granted invoke by the policy.
pub fn async_invokers(doc: &PolicyDocument) -> Vec<String> {
    let mut out = Vec::new();
    for st in doc.statements.iter().filter(|s| grants_invoke(s)) {
        for svc in st.service_principals() {
            let short = svc
                .trim_end_matches(".amazonaws.com.cn")
                .trim_end_matches(".amazonaws.com");
            if ASYNC_SERVICES.iter().any(|a| a.eq_ignore_ascii_case(short)) && !out.contains(&svc) {
                out.push(svc);
            }
        }
    }
    out
}

fn no_failure_destination(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.functions
        .iter()
        .map(|f| {
            let t = target(f);
            let invokers = function_policy(f).map(|doc| doc.map(|d| async_invokers(&d)).unwrap_or_default());
            let has_eic = matches!(f.event_invoke, Ok(Some(_)));
            let by_policy = invokers.as_ref().map(|v| !v.is_empty()).unwrap_or(false);
            if !by_policy && !has_eic {
                if let Err(e) = &invokers {
                    return def.unknown(inv, &t, format!("cannot tell whether it is invoked asynchronously: {e}"));
                }
                if let Err(e) = &f.event_invoke {
                    return def.unknown(inv, &t, format!("cannot tell whether it is invoked asynchronously: {e}"));
                }
                return def.not_applicable(
                    inv,
                    &t,
                    "not invoked asynchronously (no async service in the resource policy, no event invoke config)",
                );
            }
            let mut ev = Vec::new();
            if let Ok(v) = &invokers
                && !v.is_empty()
            {
                ev.push(Evidence::new("Async invokers", v.join(", ")));
            }
            let dlq = f.dead_letter_target.as_deref().filter(|d| !d.trim().is_empty());
            ev.push(Evidence::new("DeadLetterConfig.TargetArn", dlq.unwrap_or("(none)")));
            if let Some(dlq) = dlq {
                return def.pass(inv, &t, format!("failed events go to the dead-letter queue {dlq}"), ev);
            }
            match &f.event_invoke {
                Err(e) => def.unknown(inv, &t, e.clone()),
                Ok(Some(c)) if c.on_failure_destination.as_deref().is_some_and(|d| !d.trim().is_empty()) => {
                    let dest = c.on_failure_destination.clone().unwrap_or_default();
                    ev.push(Evidence::new("DestinationConfig.OnFailure", &dest));
                    def.pass(inv, &t, format!("failed events go to {dest}"), ev)
                }
                Ok(_) => {
                    ev.push(Evidence::new("DestinationConfig.OnFailure", "(none)"));
                    def.fail(
                        inv,
                        &t,
                        "invoked asynchronously but has neither a dead-letter queue nor an OnFailure destination: failed events are dropped",
                        ev,
                    )
                }
            }
        })
        .collect()
}

fn no_tracing(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.functions
        .iter()
        .map(|f| {
            let t = target(f);
            let mode = f.tracing_mode.as_deref().unwrap_or("PassThrough");
            let ev = vec![Evidence::new("TracingConfig.Mode", mode)];
            if mode.eq_ignore_ascii_case("Active") {
                def.pass(inv, &t, "X-Ray active tracing is on", ev)
            } else {
                def.fail(
                    inv,
                    &t,
                    format!("X-Ray tracing mode is {mode}, not Active"),
                    ev,
                )
            }
        })
        .collect()
}

// ───────────────────────────── roles ─────────────────────────────

/// What an execution role's policies allow, as far as the privilege checks care.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RolePrivileges {
    /// Why the role is an administrator (AdministratorAccess, `*` on `*`).
    pub admin: Vec<String>,
    /// Service wildcards and dangerous actions on `*`, one line each, naming the policy.
    pub overprivileged: Vec<String>,
    /// Resource patterns on which `secretsmanager:GetSecretValue` is allowed (`*` or ARNs).
    pub can_read_secrets: Vec<String>,
    /// Policies whose document could not be read or parsed (`name: reason`).
    pub unreadable: Vec<String>,
}

impl RolePrivileges {
    pub fn is_admin(&self) -> bool {
        !self.admin.is_empty()
    }
    pub fn is_overprivileged(&self) -> bool {
        !self.overprivileged.is_empty()
    }
}

fn is_admin_policy(name: &str, arn: Option<&str>) -> bool {
    name == "AdministratorAccess" || arn.is_some_and(|a| a.ends_with(":policy/AdministratorAccess"))
}

/// Whether a Resource pattern can cover a Secrets Manager secret.
fn covers_secrets(resource: &str) -> bool {
    let r = resource.trim();
    if r == "*" {
        return true;
    }
    let parts: Vec<&str> = r.split(':').collect();
    match parts.get(2) {
        Some(service) => service.eq_ignore_ascii_case("secretsmanager") || service.contains('*'),
        None => r.contains('*'),
    }
}

/// Whether an unconditional Deny removes `action` on every resource.
fn denied_everywhere(doc: &PolicyDocument, action: &str) -> bool {
    doc.statements.iter().any(|s| {
        s.effect == Effect::Deny
            && s.conditions.is_empty()
            && s.matches_action(action)
            && (s.on_all_resources() || s.resources.is_empty())
    })
}

fn push_unique(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|x| x == item) {
        list.push(item.to_string());
    }
}

/// Reads every policy of a role and sums up what it allows. A policy named
/// `AdministratorAccess` (or with the AWS managed policy's ARN) counts as admin without
/// reading its document.
pub fn role_privileges(role: &Role) -> RolePrivileges {
    let mut out = RolePrivileges::default();
    for policy in &role.policies {
        let label = match &policy.arn {
            Some(arn) => format!("{} ({arn})", policy.name),
            None => format!("{} (inline)", policy.name),
        };
        if is_admin_policy(&policy.name, policy.arn.as_deref()) {
            // Its content is known (every action on every resource): no need to read it.
            let which = policy.arn.clone().unwrap_or_else(|| label.clone());
            out.admin
                .push(format!("administrator policy attached: {which}"));
            out.overprivileged
                .push(format!("{which} allows every action (\"*\")"));
            push_unique(&mut out.can_read_secrets, "*");
            continue;
        }
        let doc = match &policy.document {
            Err(e) => {
                out.unreadable.push(format!("{}: {e}", policy.name));
                continue;
            }
            Ok(text) => match PolicyDocument::parse(text) {
                Ok(doc) => doc,
                Err(e) => {
                    out.unreadable.push(format!("{}: {e}", policy.name));
                    continue;
                }
            },
        };
        for st in doc.allow_statements() {
            let sid = st
                .sid
                .as_deref()
                .map(|s| format!(" statement {s}"))
                .unwrap_or_default();
            let everything = !st.not_action && st.actions.iter().any(|a| a.trim() == "*");
            if everything && st.on_all_resources() {
                let cond = if st.conditions.is_empty() {
                    ""
                } else {
                    " (with conditions)"
                };
                out.admin
                    .push(format!("{label}{sid} allows \"*\" on \"*\"{cond}"));
            }
            if everything {
                out.overprivileged
                    .push(format!("{label}{sid} allows every action (\"*\")"));
            } else {
                for svc in WILDCARD_SERVICES {
                    if st.grants_service_wildcard(svc)
                        && !denied_everywhere(&doc, &format!("{svc}:anything"))
                    {
                        let how = if st.not_action {
                            format!("{svc}:* (via {})", action_text(st))
                        } else {
                            format!("{svc}:*")
                        };
                        out.overprivileged
                            .push(format!("{label}{sid} allows {how}"));
                    }
                }
            }
            if st.on_all_resources() && !everything {
                for action in DANGEROUS_ON_ALL {
                    let svc = action.split(':').next().unwrap_or_default();
                    if st.matches_action(action)
                        && !st.grants_service_wildcard(svc)
                        && !denied_everywhere(&doc, action)
                    {
                        out.overprivileged
                            .push(format!("{label}{sid} allows {action} on \"*\""));
                    }
                }
            }
            if st.matches_action("secretsmanager:GetSecretValue")
                && !denied_everywhere(&doc, "secretsmanager:GetSecretValue")
            {
                let resources: Vec<String> = if st.not_resource || st.resources.is_empty() {
                    vec!["*".into()]
                } else {
                    st.resources
                        .iter()
                        .filter(|r| covers_secrets(r))
                        .cloned()
                        .collect()
                };
                for r in resources {
                    push_unique(&mut out.can_read_secrets, &r);
                }
            }
        }
    }
    out
}

/// The role of a function: `Err` with the reason when it is missing or could not be read.
pub fn function_role<'a>(inv: &'a Inventory, f: &Function) -> Result<&'a Role, String> {
    if f.role_arn.trim().is_empty() {
        return Err("the function reports no execution role".into());
    }
    match inv.role(&f.role_arn) {
        None => Err(format!("execution role {} was not collected", f.role_arn)),
        Some(Err(e)) => Err(format!("execution role {}: {e}", f.role_arn)),
        Some(Ok(role)) => Ok(role),
    }
}

/// Role name from a role ARN (`arn:aws:iam::1:role/path/name` → `name`).
pub fn role_name(role_arn: &str) -> String {
    role_arn.rsplit('/').next().unwrap_or(role_arn).to_string()
}

fn role_target(f: &Function) -> Target {
    target(f).param("role_name", role_name(&f.role_arn))
}

fn admin_execution_role(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.functions
        .iter()
        .map(|f| {
            let t = role_target(f);
            let role = match function_role(inv, f) {
                Ok(r) => r,
                Err(e) => return def.unknown(inv, &t, e),
            };
            let p = role_privileges(role);
            let mut ev = vec![Evidence::new("Role", &role.arn)];
            if p.is_admin() {
                ev.extend(p.admin.iter().map(|r| Evidence::new("Administrator", r)));
                return def.fail(
                    inv,
                    &t,
                    format!(
                        "execution role {} has administrator access: {}",
                        role.name,
                        p.admin.join("; ")
                    ),
                    ev,
                );
            }
            if !p.unreadable.is_empty() {
                return def.unknown(
                    inv,
                    &t,
                    format!(
                        "could not read every policy of {}: {}",
                        role.name,
                        p.unreadable.join("; ")
                    ),
                );
            }
            ev.push(Evidence::new(
                "Policies",
                role.policies
                    .iter()
                    .map(|p| p.name.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
            def.pass(
                inv,
                &t,
                format!("execution role {} is not an administrator", role.name),
                ev,
            )
        })
        .collect()
}

fn overprivileged_role(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.functions
        .iter()
        .map(|f| {
            let t = role_target(f);
            let role = match function_role(inv, f) {
                Ok(r) => r,
                Err(e) => return def.unknown(inv, &t, e),
            };
            let p = role_privileges(role);
            let mut ev = vec![Evidence::new("Role", &role.arn)];
            if p.is_overprivileged() {
                ev.extend(p.overprivileged.iter().map(|r| Evidence::new("Grant", r)));
                return def.fail(
                    inv,
                    &t,
                    format!(
                        "execution role {} is over-privileged: {}",
                        role.name,
                        p.overprivileged.join("; ")
                    ),
                    ev,
                );
            }
            if !p.unreadable.is_empty() {
                return def.unknown(
                    inv,
                    &t,
                    format!(
                        "could not read every policy of {}: {}",
                        role.name,
                        p.unreadable.join("; ")
                    ),
                );
            }
            ev.push(Evidence::new(
                "Policies",
                role.policies
                    .iter()
                    .map(|p| p.name.clone())
                    .collect::<Vec<_>>()
                    .join(", "),
            ));
            def.pass(
                inv,
                &t,
                format!(
                    "execution role {} has no service wildcards or dangerous actions on *",
                    role.name
                ),
                ev,
            )
        })
        .collect()
}

// ───────────────────────────── throttling ─────────────────────────────

fn unbounded_concurrency_public(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    let entries = exposure::unauthenticated_entry_points(inv);
    inv.functions
        .iter()
        .map(|f| {
            let mine: Vec<&exposure::EntryPoint> =
                entries.iter().filter(|e| e.function_arn == f.arn).collect();
            let entry_text = mine
                .first()
                .map(|e| e.description.clone())
                .unwrap_or_else(|| "the public entry point".into());
            let t = target(f).param("entry", entry_text);
            if mine.is_empty() {
                let gaps = exposure::collection_gaps(inv, f);
                if !gaps.is_empty() {
                    return def.unknown(
                        inv,
                        &t,
                        format!("cannot tell whether it is publicly reachable: {}", gaps.join("; ")),
                    );
                }
                return def.not_applicable(inv, &t, "not reachable without authentication");
            }
            let mut ev: Vec<Evidence> = mine
                .iter()
                .map(|e| Evidence::new("Unauthenticated entry", &e.description))
                .collect();
            match inv.reserved_concurrency(f) {
                None => def.unknown(
                    inv,
                    &t,
                    "reserved concurrency not collected (lambda:GetFunctionConcurrency)",
                ),
                Some(Err(e)) => def.unknown(inv, &t, e.clone()),
                Some(Ok(Some(n))) => {
                    ev.push(Evidence::new("ReservedConcurrentExecutions", n.to_string()));
                    def.pass(inv, &t, format!("publicly reachable, capped at {n} concurrent executions"), ev)
                }
                Some(Ok(None)) => {
                    ev.push(Evidence::new("ReservedConcurrentExecutions", "(none)"));
                    def.fail(
                        inv,
                        &t,
                        format!(
                            "reachable without authentication ({}) and no reserved concurrency: a flood can take the account's whole concurrency",
                            mine.iter().map(|e| e.description.as_str()).collect::<Vec<_>>().join("; ")
                        ),
                        ev,
                    )
                }
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::finding::Status;
    use crate::domain::inventory::{
        EventInvokeConfig, FunctionUrl, Key, KeyDetails, RestApi, RestMethod, RestResource,
        RestStage, RolePolicy,
    };
    use serde_json::{Value, json};
    use std::collections::BTreeMap;
    use time::macros::datetime;

    const ACCT: &str = "111122223333";
    const OTHER: &str = "444455556666";
    const ROLE: &str = "arn:aws:iam::111122223333:role/orders-role";

    fn ctx() -> Context {
        Context::new(datetime!(2026-01-15 12:00 UTC))
    }

    fn func(name: &str) -> Function {
        Function {
            name: name.into(),
            arn: format!("arn:aws:lambda:us-east-1:{ACCT}:function:{name}"),
            region: "us-east-1".into(),
            runtime: Some("python3.13".into()),
            package_type: Some("Zip".into()),
            role_arn: ROLE.into(),
            ..Default::default()
        }
    }

    /// Functions as collected: reserved concurrency read and unreserved unless a test says.
    fn inv(functions: Vec<Function>) -> Inventory {
        let mut reserved_concurrency: BTreeMap<
            String,
            BTreeMap<String, crate::domain::inventory::Fetched<Option<i32>>>,
        > = BTreeMap::new();
        for f in &functions {
            reserved_concurrency
                .entry(f.region.clone())
                .or_default()
                .insert(f.arn.clone(), Ok(None));
        }
        Inventory {
            account_id: ACCT.into(),
            regions: vec!["us-east-1".into()],
            functions,
            reserved_concurrency,
            ..Default::default()
        }
    }

    fn with_concurrency(
        f: Function,
        reserved: crate::domain::inventory::Fetched<Option<i32>>,
    ) -> Inventory {
        let mut inventory = inv(vec![f.clone()]);
        inventory
            .reserved_concurrency
            .get_mut(&f.region)
            .expect("region present")
            .insert(f.arn.clone(), reserved);
        inventory
    }

    fn def(id: &str) -> &'static CheckDef {
        CHECKS.iter().find(|c| c.id == id).expect("check exists")
    }

    fn run_with(id: &str, inventory: &Inventory, ctx: &Context) -> Vec<Finding> {
        let d = def(id);
        (d.evaluate)(d, inventory, ctx)
    }

    fn one(id: &str, f: Function) -> Finding {
        one_in(id, &inv(vec![f]))
    }

    fn one_in(id: &str, inventory: &Inventory) -> Finding {
        let mut findings = run_with(id, inventory, &ctx());
        assert_eq!(findings.len(), 1, "{id}: one finding per function");
        findings.remove(0)
    }

    fn with_policy(mut f: Function, policy: Value) -> Function {
        f.policy = Ok(Some(policy.to_string()));
        f
    }

    fn stmt(extra: Value) -> Value {
        let mut s = json!({
            "Sid": "s1",
            "Effect": "Allow",
            "Action": "lambda:InvokeFunction",
            "Resource": format!("arn:aws:lambda:us-east-1:{ACCT}:function:orders"),
        });
        for (k, v) in extra.as_object().unwrap() {
            s[k] = v.clone();
        }
        s
    }

    fn policy(statements: Vec<Value>) -> Value {
        json!({"Version": "2012-10-17", "Statement": statements})
    }

    fn evidence(f: &Finding) -> String {
        f.evidence
            .iter()
            .map(|e| format!("{}={}", e.field, e.value))
            .collect::<Vec<_>>()
            .join("\n")
    }

    // ─── catalogue ───

    #[test]
    fn catalogue_has_the_fourteen_lambda_checks_in_order() {
        let ids: Vec<&str> = CHECKS.iter().map(|c| c.id).collect();
        assert_eq!(
            ids,
            [
                "lambda.public-resource-policy",
                "lambda.function-url-no-auth",
                "lambda.function-url-cors-wildcard",
                "lambda.cross-account-invoke",
                "lambda.secrets-in-env",
                "lambda.env-not-encrypted-cmk",
                "lambda.deprecated-runtime",
                "lambda.cross-account-layer",
                "lambda.no-vpc",
                "lambda.no-failure-destination",
                "lambda.no-tracing",
                "lambda.admin-execution-role",
                "lambda.overprivileged-role",
                "lambda.unbounded-concurrency-public",
            ]
        );
        let sev: Vec<Severity> = CHECKS.iter().map(|c| c.severity).collect();
        use Severity::*;
        assert_eq!(
            sev,
            [
                Critical, High, Medium, Medium, Critical, Medium, High, High, Low, Medium, Low,
                Critical, High, High
            ]
        );
        let cat: Vec<Category> = CHECKS.iter().map(|c| c.category).collect();
        use Category::*;
        assert_eq!(
            cat,
            [
                Exposure, Auth, Exposure, Privilege, Secrets, Encryption, Hygiene, Hygiene,
                Network, Resilience, Logging, Privilege, Privilege, Throttling
            ]
        );
        for c in CHECKS {
            assert_eq!(c.service, "lambda");
            assert!(
                c.docs_url.starts_with("https://docs.aws.amazon.com/"),
                "{}",
                c.id
            );
            assert!(!c.console.is_empty() && !c.cli.is_empty() && !c.terraform.is_empty());
        }
    }

    /// `{word}` placeholders left in a filled template.
    fn unfilled(s: &str) -> Vec<String> {
        let mut out = Vec::new();
        let mut rest = s;
        while let Some(i) = rest.find('{') {
            rest = &rest[i + 1..];
            if let Some(j) = rest.find('}') {
                let inner = &rest[..j];
                if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_lowercase() || c == '_') {
                    out.push(inner.to_string());
                }
            }
        }
        out
    }

    #[test]
    fn every_remediation_is_fully_filled_for_every_status() {
        let mut bad = func("bad-fn");
        bad.env = BTreeMap::from([("K".into(), format!("AKIA{}", "IOSFODNN7EXAMPLE"))]);
        bad.layers = vec![format!("arn:aws:lambda:us-east-1:{OTHER}:layer:shared:3")];
        bad.runtime = Some("python3.8".into());
        bad.url = Ok(Some(FunctionUrl {
            url: "https://abc.lambda-url.us-east-1.on.aws/".into(),
            auth_type: "NONE".into(),
            cors_allow_origins: vec!["*".into()],
            cors_allow_credentials: true,
        }));
        let bad = with_policy(
            bad,
            policy(vec![
                stmt(json!({"Principal": "*"})),
                stmt(json!({"Sid": "x", "Principal": {"AWS": OTHER}})),
                stmt(json!({"Sid": "sns", "Principal": {"Service": "sns.amazonaws.com"}})),
            ]),
        );
        let good = func("good-fn");
        let mut inventory = inv(vec![bad, good]);
        inventory.roles.insert(
            ROLE.into(),
            Ok(Role {
                arn: ROLE.into(),
                name: "orders-role".into(),
                policies: vec![RolePolicy {
                    name: "AdministratorAccess".into(),
                    arn: Some("arn:aws:iam::aws:policy/AdministratorAccess".into()),
                    document: Ok(
                        json!({"Statement": {"Effect": "Allow", "Action": "*", "Resource": "*"}})
                            .to_string(),
                    ),
                }],
            }),
        );
        for c in CHECKS {
            for f in run_with(c.id, &inventory, &ctx()) {
                let r = &f.remediation;
                let all = format!("{}\n{}\n{}", r.console.join("\n"), r.cli, r.terraform);
                assert!(
                    unfilled(&all).is_empty(),
                    "{} {}: {:?}",
                    c.id,
                    f.resource_name,
                    unfilled(&all)
                );
                assert!(
                    !all.contains("IOSFODNN7EXAMPLE"),
                    "{}: secret leaked into remediation",
                    c.id
                );
            }
        }
    }

    // ─── lambda.public-resource-policy ───

    const PUBLIC: &str = "lambda.public-resource-policy";

    #[test]
    fn public_policy_no_policy_passes() {
        assert_eq!(one(PUBLIC, func("orders")).status, Status::Pass);
    }

    #[test]
    fn public_policy_star_principal_shapes_fail() {
        for principal in [
            json!("*"),
            json!({"AWS": "*"}),
            json!({"AWS": ["*"]}),
            json!(["*"]),
        ] {
            let f = with_policy(
                func("orders"),
                policy(vec![stmt(json!({"Principal": principal}))]),
            );
            let finding = one(PUBLIC, f);
            assert_eq!(finding.status, Status::Fail, "{principal}");
            assert!(
                finding.remediation.cli.contains("--statement-id s1"),
                "{}",
                finding.remediation.cli
            );
            assert!(finding.remediation.cli.contains("--function-name orders"));
            let ev = evidence(&finding);
            assert!(ev.contains("Statement s1 Principal=*"), "{ev}");
            assert!(
                ev.contains("Statement s1 Action=lambda:InvokeFunction"),
                "{ev}"
            );
            assert!(ev.contains("Statement s1 Condition=none"), "{ev}");
        }
    }

    #[test]
    fn public_policy_not_principal_fails() {
        let f = with_policy(
            func("orders"),
            policy(vec![stmt(
                json!({"NotPrincipal": {"AWS": format!("arn:aws:iam::{ACCT}:root")}}),
            )]),
        );
        assert_eq!(one(PUBLIC, f).status, Status::Fail);
    }

    #[test]
    fn public_policy_restricting_conditions_pass() {
        for cond in [
            json!({"ArnLike": {"AWS:SourceArn": "arn:aws:s3:::orders-bucket"}}),
            json!({"StringEquals": {"aws:SourceAccount": ACCT}}),
            json!({"StringEquals": {"aws:PrincipalOrgID": "o-abc123"}}),
            json!({"StringEquals": {"lambda:EventSourceToken": "tok-123"}}),
            json!({"StringEquals": {"aws:SourceOwner": ACCT}}),
            json!({"StringEquals": {"aws:PrincipalAccount": ACCT}}),
        ] {
            let f = with_policy(
                func("orders"),
                policy(vec![stmt(json!({"Principal": "*", "Condition": cond}))]),
            );
            assert_eq!(one(PUBLIC, f).status, Status::Pass, "{cond}");
        }
    }

    #[test]
    fn public_policy_conditions_that_do_not_restrict_fail() {
        for cond in [
            json!({"StringNotEquals": {"aws:SourceAccount": OTHER}}),
            json!({"ArnLike": {"aws:SourceArn": "*"}}),
            json!({"StringEqualsIfExists": {"aws:SourceAccount": ACCT}}),
            json!({"Null": {"aws:SourceArn": "false"}}),
            json!({"StringEquals": {"lambda:FunctionUrlAuthType": "NONE"}}),
            json!({"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}}),
            json!({"ArnLike": {"aws:SourceArn": "arn:aws:execute-api:*:*:*"}}),
            json!({"ForAllValues:StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}),
        ] {
            let f = with_policy(
                func("orders"),
                policy(vec![stmt(json!({"Principal": "*", "Condition": cond}))]),
            );
            assert_eq!(one(PUBLIC, f).status, Status::Fail, "{cond}");
        }
    }

    #[test]
    fn public_policy_function_url_auth_type_as_statement_key_fails() {
        // moto puts FunctionUrlAuthType beside Action instead of in a Condition.
        let f = with_policy(
            func("orders"),
            policy(vec![stmt(json!({
                "Principal": "*",
                "Action": "lambda:InvokeFunctionUrl",
                "FunctionUrlAuthType": "NONE"
            }))]),
        );
        let finding = one(PUBLIC, f);
        assert_eq!(finding.status, Status::Fail);
        assert!(
            evidence(&finding).contains("FunctionUrlAuthType = NONE"),
            "{}",
            evidence(&finding)
        );
    }

    #[test]
    fn public_policy_actions_and_not_actions() {
        let cases = [
            (json!({"Action": "lambda:*"}), Status::Fail),
            (json!({"Action": "*"}), Status::Fail),
            (json!({"Action": ["lambda:Invoke*"]}), Status::Fail),
            (json!({"Action": "LAMBDA:invokefunction"}), Status::Fail),
            (json!({"Action": "lambda:InvokeAsync"}), Status::Fail),
            (json!({"Action": "lambda:GetFunction"}), Status::Pass),
            (json!({"NotAction": "lambda:GetPolicy"}), Status::Fail),
            (json!({"NotAction": ["lambda:*"]}), Status::Pass),
        ];
        for (extra, want) in cases {
            let mut s = stmt(json!({"Principal": "*"}));
            s.as_object_mut().unwrap().remove("Action");
            for (k, v) in extra.as_object().unwrap() {
                s[k] = v.clone();
            }
            let f = with_policy(func("orders"), policy(vec![s]));
            assert_eq!(one(PUBLIC, f).status, want, "{extra}");
        }
    }

    #[test]
    fn public_policy_service_principal_and_deny_pass() {
        let f = with_policy(
            func("orders"),
            policy(vec![
                stmt(json!({"Principal": {"Service": "secretsmanager.amazonaws.com"}})),
                stmt(json!({"Sid": "deny", "Effect": "Deny", "Principal": "*"})),
            ]),
        );
        assert_eq!(one(PUBLIC, f).status, Status::Pass);
    }

    #[test]
    fn public_policy_json_encoded_string_and_single_statement_object() {
        let doc = json!({"Version": "2012-10-17", "Statement": stmt(json!({"Principal": "*"}))});
        let mut f = func("orders");
        // GetPolicy returns the policy as a string; some layers encode it once more.
        f.policy = Ok(Some(Value::String(doc.to_string()).to_string()));
        assert_eq!(one(PUBLIC, f).status, Status::Fail);
    }

    #[test]
    fn public_policy_unknown_on_error_or_garbage() {
        let mut f = func("orders");
        f.policy = Err("AccessDenied: missing lambda:GetPolicy".into());
        let finding = one(PUBLIC, f);
        assert_eq!(finding.status, Status::Unknown);
        assert!(finding.message.contains("lambda:GetPolicy"));
        let mut f = func("orders");
        f.policy = Ok(Some("{not json".into()));
        assert_eq!(one(PUBLIC, f).status, Status::Unknown);
        let mut f = func("orders");
        f.policy = Ok(Some(json!({"Statement": [{"Action": "x"}]}).to_string()));
        assert_eq!(
            one(PUBLIC, f).status,
            Status::Unknown,
            "statement without Effect"
        );
    }

    #[test]
    fn public_policy_names_every_public_statement() {
        let f = with_policy(
            func("orders"),
            policy(vec![
                stmt(json!({"Sid": "a", "Principal": "*"})),
                stmt(
                    json!({"Sid": "b", "Principal": {"AWS": "*"}, "Action": "lambda:InvokeFunctionUrl"}),
                ),
            ]),
        );
        let finding = one(PUBLIC, f);
        assert_eq!(finding.status, Status::Fail);
        assert!(finding.message.contains("a, b"), "{}", finding.message);
        assert!(finding.remediation.cli.contains("--statement-id a"));
    }

    // ─── function URL ───

    fn with_url(auth: &str, origins: &[&str]) -> Function {
        let mut f = func("orders");
        f.url = Ok(Some(FunctionUrl {
            url: "https://abc.lambda-url.us-east-1.on.aws/".into(),
            auth_type: auth.into(),
            cors_allow_origins: origins.iter().map(|s| s.to_string()).collect(),
            cors_allow_credentials: false,
        }));
        f
    }

    #[test]
    fn function_url_auth() {
        const ID: &str = "lambda.function-url-no-auth";
        assert_eq!(one(ID, with_url("NONE", &[])).status, Status::Fail);
        assert_eq!(one(ID, with_url("none", &[])).status, Status::Fail);
        assert_eq!(one(ID, with_url("AWS_IAM", &[])).status, Status::Pass);
        // An auth type Parapet does not know (or a missing one) decides nothing.
        for odd in ["", "CUSTOM"] {
            let f = one(ID, with_url(odd, &[]));
            assert_eq!(f.status, Status::Unknown, "{odd:?}");
            assert!(
                f.message.contains("neither AWS_IAM nor NONE"),
                "{}",
                f.message
            );
        }
        assert_eq!(one(ID, func("orders")).status, Status::NotApplicable);
        let mut f = func("orders");
        f.url = Err("AccessDenied".into());
        assert_eq!(one(ID, f).status, Status::Unknown);
        let fail = one(ID, with_url("NONE", &[]));
        assert!(fail.remediation.cli.contains("--auth-type AWS_IAM"));
        assert!(fail.remediation.cli.contains("--region us-east-1"));
    }

    #[test]
    fn function_url_cors() {
        const ID: &str = "lambda.function-url-cors-wildcard";
        assert_eq!(
            one(ID, with_url("AWS_IAM", &["https://a.example", "*"])).status,
            Status::Fail
        );
        assert_eq!(
            one(ID, with_url("AWS_IAM", &["https://a.example"])).status,
            Status::Pass
        );
        assert_eq!(one(ID, with_url("AWS_IAM", &[])).status, Status::Pass);
        assert_eq!(one(ID, func("orders")).status, Status::NotApplicable);
        let mut f = func("orders");
        f.url = Err("throttled".into());
        assert_eq!(one(ID, f).status, Status::Unknown);
    }

    // ─── lambda.cross-account-invoke ───

    const XACCT: &str = "lambda.cross-account-invoke";

    #[test]
    fn cross_account_principal_shapes_fail() {
        for principal in [
            json!(OTHER),
            json!({"AWS": OTHER}),
            json!({"AWS": format!("arn:aws:iam::{OTHER}:root")}),
            json!({"AWS": [format!("arn:aws:iam::{ACCT}:root"), format!("arn:aws:iam::{OTHER}:role/caller")]}),
        ] {
            let f = with_policy(
                func("orders"),
                policy(vec![stmt(json!({"Sid": "x", "Principal": principal}))]),
            );
            let finding = one(XACCT, f);
            assert_eq!(finding.status, Status::Fail, "{principal}");
            assert!(finding.message.contains(OTHER));
            assert!(finding.remediation.cli.contains("--statement-id x"));
            assert!(finding.remediation.console.join(" ").contains(OTHER));
        }
    }

    #[test]
    fn cross_account_own_trusted_and_service_pass() {
        let own = with_policy(
            func("orders"),
            policy(vec![stmt(json!({"Principal": {"AWS": ACCT}}))]),
        );
        assert_eq!(one(XACCT, own).status, Status::Pass);
        let svc = with_policy(
            func("orders"),
            policy(vec![stmt(json!({
                "Principal": {"Service": "s3.amazonaws.com"},
                "Condition": {"StringEquals": {"AWS:SourceAccount": ACCT}}
            }))]),
        );
        assert_eq!(one(XACCT, svc).status, Status::Pass);
        assert_eq!(one(XACCT, func("orders")).status, Status::Pass);

        let other = with_policy(
            func("orders"),
            policy(vec![stmt(json!({"Principal": OTHER}))]),
        );
        let mut c = ctx();
        c.trusted_accounts = vec![OTHER.into()];
        let findings = run_with(XACCT, &inv(vec![other]), &c);
        assert_eq!(findings[0].status, Status::Pass);
    }

    #[test]
    fn cross_account_service_pinned_to_other_account_fails() {
        let f = with_policy(
            func("orders"),
            policy(vec![stmt(json!({
                "Principal": {"Service": "sns.amazonaws.com"},
                "Condition": {"ArnLike": {"aws:SourceArn": format!("arn:aws:sns:us-east-1:{OTHER}:topic")}}
            }))]),
        );
        assert_eq!(one(XACCT, f).status, Status::Fail);
    }

    #[test]
    fn cross_account_ignores_non_invoke_and_deny() {
        let f = with_policy(
            func("orders"),
            policy(vec![
                stmt(json!({"Principal": OTHER, "Action": "lambda:GetFunction"})),
                stmt(json!({"Sid": "d", "Principal": OTHER, "Effect": "Deny"})),
            ]),
        );
        assert_eq!(one(XACCT, f).status, Status::Pass);
        let mut f = func("orders");
        f.policy = Err("AccessDenied".into());
        assert_eq!(one(XACCT, f).status, Status::Unknown);
    }

    // ─── lambda.secrets-in-env ───

    #[test]
    fn secrets_in_env_fails_without_revealing_the_value() {
        const ID: &str = "lambda.secrets-in-env";
        let secret = format!("sk_live_{}", "4eC39HqLyjWDarjtT1zdp7dc");
        let mut f = func("payments");
        f.env = BTreeMap::from([
            ("STRIPE_KEY".into(), secret.clone()),
            ("TABLE".into(), "orders".into()),
            (
                "DB_SECRET_ARN".into(),
                format!("arn:aws:secretsmanager:us-east-1:{ACCT}:secret:db-AbCdEf"),
            ),
        ]);
        let finding = one(ID, f);
        assert_eq!(finding.status, Status::Fail);
        assert!(
            finding.message.contains("STRIPE_KEY"),
            "{}",
            finding.message
        );
        assert!(finding.message.contains("stripe-live-key"));
        assert!(finding.message.contains("sk_l****"));
        let everything = format!("{finding:?}");
        assert!(!everything.contains(&secret), "the value leaked");
        assert!(!everything.contains("4eC39Hq"), "part of the value leaked");
        assert!(finding.remediation.cli.contains("STRIPE_KEY"));
    }

    #[test]
    fn secrets_in_env_pass_and_not_applicable() {
        const ID: &str = "lambda.secrets-in-env";
        let mut f = func("orders");
        f.env = BTreeMap::from([
            ("TABLE".into(), "orders".into()),
            ("STAGE".into(), "prod".into()),
        ]);
        assert_eq!(one(ID, f).status, Status::Pass);
        assert_eq!(one(ID, func("orders")).status, Status::NotApplicable);
    }

    // ─── lambda.env-not-encrypted-cmk ───

    #[test]
    fn env_cmk() {
        const ID: &str = "lambda.env-not-encrypted-cmk";
        assert_eq!(one(ID, func("orders")).status, Status::NotApplicable);
        let mut f = func("orders");
        f.env = BTreeMap::from([("TABLE".into(), "orders".into())]);
        assert_eq!(one(ID, f.clone()).status, Status::Fail);
        f.kms_key_arn = Some(String::new());
        assert_eq!(
            one(ID, f.clone()).status,
            Status::Fail,
            "empty KMSKeyArn is no key"
        );
        let cmk = format!("arn:aws:kms:us-east-1:{ACCT}:key/1234abcd-12ab-34cd-56ef-1234567890ab");
        f.kms_key_arn = Some(cmk.clone());
        assert_eq!(one(ID, f.clone()).status, Status::Pass);
        // The ARN of the AWS managed key, as the inventory describes it.
        let mut inventory = inv(vec![f]);
        inventory.keys.push(Key {
            reference: cmk.clone(),
            region: "us-east-1".into(),
            details: Ok(KeyDetails {
                arn: cmk,
                manager: Some("AWS".into()),
                aliases: vec!["alias/aws/lambda".into()],
                ..Default::default()
            }),
        });
        assert_eq!(one_in(ID, &inventory).status, Status::Fail);
    }

    // ─── lambda.deprecated-runtime ───

    const RUNTIME: &str = "lambda.deprecated-runtime";

    fn with_runtime(rt: Option<&str>, package: Option<&str>) -> Function {
        let mut f = func("orders");
        f.runtime = rt.map(str::to_string);
        f.package_type = package.map(str::to_string);
        f
    }

    #[test]
    fn deprecated_runtime_is_high() {
        let finding = one(RUNTIME, with_runtime(Some("python3.8"), Some("Zip")));
        assert_eq!(finding.status, Status::Fail);
        assert_eq!(finding.severity, Severity::High);
        assert!(
            finding.message.contains("2024-10-14"),
            "{}",
            finding.message
        );
        assert!(
            finding.remediation.cli.contains("--runtime python3.14"),
            "{}",
            finding.remediation.cli
        );
        let java8 = one(RUNTIME, with_runtime(Some("java8"), Some("Zip")));
        assert_eq!(java8.status, Status::Fail);
        assert_eq!(
            one(RUNTIME, with_runtime(Some("java8.al2"), Some("Zip"))).status,
            Status::Pass
        );
    }

    #[test]
    fn runtime_deprecating_within_ninety_days_is_medium() {
        // ruby3.2 is deprecated on 2026-03-31, 75 days after the test clock.
        let finding = one(RUNTIME, with_runtime(Some("ruby3.2"), Some("Zip")));
        assert_eq!(finding.status, Status::Fail);
        assert_eq!(finding.severity, Severity::Medium);
        assert!(finding.message.contains("75 days"), "{}", finding.message);
    }

    #[test]
    fn runtime_pass_na_unknown() {
        assert_eq!(
            one(RUNTIME, with_runtime(Some("python3.13"), Some("Zip"))).status,
            Status::Pass
        );
        assert_eq!(
            one(RUNTIME, with_runtime(None, Some("Image"))).status,
            Status::NotApplicable
        );
        assert_eq!(
            one(RUNTIME, with_runtime(Some("python3.8"), Some("Image"))).status,
            Status::NotApplicable
        );
        // Neither field reported: nothing to decide on.
        assert_eq!(
            one(RUNTIME, with_runtime(None, None)).status,
            Status::Unknown
        );
        assert_eq!(
            one(RUNTIME, with_runtime(None, Some("Zip"))).status,
            Status::Unknown
        );
        assert_eq!(
            one(RUNTIME, with_runtime(Some("cobol85"), Some("Zip"))).status,
            Status::Unknown
        );
    }

    // ─── lambda.cross-account-layer ───

    #[test]
    fn layers() {
        const ID: &str = "lambda.cross-account-layer";
        assert_eq!(one(ID, func("orders")).status, Status::NotApplicable);
        let mut f = func("orders");
        f.layers = vec![format!("arn:aws:lambda:us-east-1:{ACCT}:layer:common:4")];
        assert_eq!(one(ID, f.clone()).status, Status::Pass);
        f.layers
            .push(format!("arn:aws:lambda:us-east-1:{OTHER}:layer:tracing:12"));
        let finding = one(ID, f.clone());
        assert_eq!(finding.status, Status::Fail);
        assert!(finding.message.contains(OTHER));
        assert!(
            finding.remediation.cli.contains("--layer-name tracing"),
            "{}",
            finding.remediation.cli
        );
        let mut c = ctx();
        c.trusted_accounts = vec![OTHER.into()];
        assert_eq!(run_with(ID, &inv(vec![f]), &c)[0].status, Status::Pass);
        let mut g = func("orders");
        g.layers = vec!["not-an-arn".into()];
        assert_eq!(one(ID, g).status, Status::Unknown);
    }

    // ─── lambda.no-vpc / lambda.no-tracing ───

    #[test]
    fn vpc_and_tracing() {
        assert_eq!(one("lambda.no-vpc", func("orders")).status, Status::Fail);
        let mut f = func("orders");
        f.vpc_subnet_ids = vec!["subnet-1".into()];
        assert_eq!(one("lambda.no-vpc", f).status, Status::Pass);

        assert_eq!(
            one("lambda.no-tracing", func("orders")).status,
            Status::Fail
        );
        for (mode, want) in [
            ("Active", Status::Pass),
            ("active", Status::Pass),
            ("PassThrough", Status::Fail),
        ] {
            let mut f = func("orders");
            f.tracing_mode = Some(mode.into());
            assert_eq!(one("lambda.no-tracing", f).status, want, "{mode}");
        }
    }

    // ─── lambda.no-failure-destination ───

    const DLQ: &str = "lambda.no-failure-destination";

    fn sns_invoked() -> Function {
        with_policy(
            func("notify"),
            policy(vec![stmt(json!({
                "Principal": {"Service": "sns.amazonaws.com"},
                "Condition": {"ArnLike": {"AWS:SourceArn": format!("arn:aws:sns:us-east-1:{ACCT}:orders")}}
            }))]),
        )
    }

    #[test]
    fn async_function_without_destination_fails() {
        let finding = one(DLQ, sns_invoked());
        assert_eq!(finding.status, Status::Fail);
        assert!(evidence(&finding).contains("sns.amazonaws.com"));
        let mut f = sns_invoked();
        f.event_invoke = Ok(Some(EventInvokeConfig {
            maximum_retry_attempts: Some(0),
            ..Default::default()
        }));
        assert_eq!(one(DLQ, f).status, Status::Fail, "config without OnFailure");
    }

    #[test]
    fn async_function_with_dlq_or_on_failure_passes() {
        let mut f = sns_invoked();
        f.dead_letter_target = Some(format!("arn:aws:sqs:us-east-1:{ACCT}:dlq"));
        assert_eq!(one(DLQ, f).status, Status::Pass);
        let mut f = sns_invoked();
        f.event_invoke = Ok(Some(EventInvokeConfig {
            on_failure_destination: Some(format!("arn:aws:sqs:us-east-1:{ACCT}:failures")),
            ..Default::default()
        }));
        assert_eq!(one(DLQ, f).status, Status::Pass);
        // An event invoke config alone marks the function as asynchronously invoked.
        let mut f = func("worker");
        f.event_invoke = Ok(Some(EventInvokeConfig {
            on_failure_destination: Some(format!("arn:aws:sqs:us-east-1:{ACCT}:failures")),
            ..Default::default()
        }));
        assert_eq!(one(DLQ, f).status, Status::Pass);
    }

    #[test]
    fn sync_function_not_applicable_and_errors_unknown() {
        assert_eq!(one(DLQ, func("api")).status, Status::NotApplicable);
        let api_gw = with_policy(
            func("api"),
            policy(vec![stmt(
                json!({"Principal": {"Service": "apigateway.amazonaws.com"}}),
            )]),
        );
        assert_eq!(one(DLQ, api_gw).status, Status::NotApplicable);
        let mut f = func("api");
        f.policy = Err("AccessDenied".into());
        assert_eq!(one(DLQ, f).status, Status::Unknown);
        let mut f = func("api");
        f.event_invoke = Err("AccessDenied".into());
        assert_eq!(one(DLQ, f).status, Status::Unknown);
        // Known async invoker, but the event invoke config could not be read and there is no DLQ.
        let mut f = sns_invoked();
        f.event_invoke = Err("AccessDenied".into());
        assert_eq!(one(DLQ, f).status, Status::Unknown);
    }

    // ─── roles ───

    fn role_with(policies: Vec<RolePolicy>) -> Inventory {
        let mut inventory = inv(vec![func("orders")]);
        inventory.roles.insert(
            ROLE.into(),
            Ok(Role {
                arn: ROLE.into(),
                name: "orders-role".into(),
                policies,
            }),
        );
        inventory
    }

    fn inline(name: &str, doc: Value) -> RolePolicy {
        RolePolicy {
            name: name.into(),
            arn: None,
            document: Ok(doc.to_string()),
        }
    }

    fn allow(action: Value, resource: Value) -> Value {
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource}]})
    }

    const ADMIN: &str = "lambda.admin-execution-role";
    const OVER: &str = "lambda.overprivileged-role";

    #[test]
    fn administrator_access_by_arn_fails_even_unread() {
        let inventory = role_with(vec![RolePolicy {
            name: "AdministratorAccess".into(),
            arn: Some("arn:aws:iam::aws:policy/AdministratorAccess".into()),
            document: Err("AccessDenied: iam:GetPolicyVersion".into()),
        }]);
        let finding = one_in(ADMIN, &inventory);
        assert_eq!(finding.status, Status::Fail);
        assert!(finding.remediation.cli.contains("--role-name orders-role"));
        assert_eq!(
            finding.message.matches("AdministratorAccess").count(),
            1,
            "{}",
            finding.message
        );
        // What AdministratorAccess grants is known without its document.
        assert_eq!(one_in(OVER, &inventory).status, Status::Fail);
        let Some(Ok(role)) = inventory.role(ROLE) else {
            panic!("role present")
        };
        let p = role_privileges(role);
        assert!(p.unreadable.is_empty());
        assert_eq!(p.can_read_secrets, ["*"]);
    }

    #[test]
    fn star_on_star_inline_fails() {
        let inventory = role_with(vec![inline("everything", allow(json!("*"), json!(["*"])))]);
        assert_eq!(one_in(ADMIN, &inventory).status, Status::Fail);
        assert_eq!(one_in(OVER, &inventory).status, Status::Fail);
    }

    #[test]
    fn scoped_role_passes_both() {
        let inventory = role_with(vec![inline(
            "table",
            allow(
                json!(["dynamodb:GetItem", "dynamodb:PutItem"]),
                json!(format!("arn:aws:dynamodb:us-east-1:{ACCT}:table/orders")),
            ),
        )]);
        assert_eq!(one_in(ADMIN, &inventory).status, Status::Pass);
        assert_eq!(one_in(OVER, &inventory).status, Status::Pass);
    }

    #[test]
    fn role_missing_or_unreadable_is_unknown() {
        let missing = inv(vec![func("orders")]);
        assert_eq!(one_in(ADMIN, &missing).status, Status::Unknown);
        assert_eq!(one_in(OVER, &missing).status, Status::Unknown);
        let mut errored = inv(vec![func("orders")]);
        errored
            .roles
            .insert(ROLE.into(), Err("AccessDenied: iam:GetRole".into()));
        let finding = one_in(ADMIN, &errored);
        assert_eq!(finding.status, Status::Unknown);
        assert!(finding.message.contains("iam:GetRole"));
        let partly = role_with(vec![
            inline("table", allow(json!("dynamodb:GetItem"), json!("*"))),
            RolePolicy {
                name: "other".into(),
                arn: None,
                document: Err("AccessDenied".into()),
            },
        ]);
        assert_eq!(one_in(ADMIN, &partly).status, Status::Unknown);
        assert_eq!(one_in(OVER, &partly).status, Status::Unknown);
        let mut no_role = func("orders");
        no_role.role_arn = String::new();
        assert_eq!(one(ADMIN, no_role).status, Status::Unknown);
    }

    #[test]
    fn overprivileged_grants() {
        let cases = [
            (
                allow(json!("s3:*"), json!(format!("arn:aws:s3:::orders/*"))),
                Status::Fail,
            ),
            (allow(json!("SecretsManager:*"), json!("*")), Status::Fail),
            (allow(json!("iam:PassRole"), json!("*")), Status::Fail),
            (allow(json!("kms:Decrypt"), json!("*")), Status::Fail),
            (
                allow(json!("secretsmanager:GetSecretValue"), json!("*")),
                Status::Fail,
            ),
            (
                allow(json!("secretsmanager:Get*"), json!("*")),
                Status::Fail,
            ),
            (
                allow(
                    json!("secretsmanager:GetSecretValue"),
                    json!(format!(
                        "arn:aws:secretsmanager:us-east-1:{ACCT}:secret:orders-AbCdEf"
                    )),
                ),
                Status::Pass,
            ),
            (
                allow(
                    json!("kms:Decrypt"),
                    json!(format!("arn:aws:kms:us-east-1:{ACCT}:key/k")),
                ),
                Status::Pass,
            ),
            (allow(json!("s3:GetObject"), json!("*")), Status::Pass),
            (
                json!({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}),
                Status::Fail,
            ),
            (
                json!({"Statement": [
                    {"Effect": "Allow", "Action": "secretsmanager:GetSecretValue", "Resource": "*"},
                    {"Effect": "Deny", "Action": "secretsmanager:GetSecretValue", "Resource": "*"}
                ]}),
                Status::Pass,
            ),
        ];
        for (doc, want) in cases {
            let inventory = role_with(vec![inline("p", doc.clone())]);
            assert_eq!(one_in(OVER, &inventory).status, want, "{doc}");
            assert_eq!(
                one_in(ADMIN, &inventory).status,
                Status::Pass,
                "not admin: {doc}"
            );
        }
    }

    #[test]
    fn url_encoded_documents_are_read() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22iam%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
        let inventory = role_with(vec![RolePolicy {
            name: "managed".into(),
            arn: Some(format!("arn:aws:iam::{ACCT}:policy/managed")),
            document: Ok(encoded.into()),
        }]);
        let finding = one_in(OVER, &inventory);
        assert_eq!(finding.status, Status::Fail);
        assert!(finding.message.contains("iam:*"), "{}", finding.message);
    }

    #[test]
    fn role_privileges_lists_readable_secrets() {
        let role = Role {
            arn: ROLE.into(),
            name: "orders-role".into(),
            policies: vec![
                inline(
                    "secrets",
                    allow(
                        json!("secretsmanager:GetSecretValue"),
                        json!([
                            format!("arn:aws:secretsmanager:us-east-1:{ACCT}:secret:prod/orders-*"),
                            format!("arn:aws:dynamodb:us-east-1:{ACCT}:table/orders")
                        ]),
                    ),
                ),
                inline("logs", allow(json!("logs:PutLogEvents"), json!("*"))),
            ],
        };
        let p = role_privileges(&role);
        assert_eq!(
            p.can_read_secrets,
            [format!(
                "arn:aws:secretsmanager:us-east-1:{ACCT}:secret:prod/orders-*"
            )]
        );
        assert!(!p.is_admin() && !p.is_overprivileged());
        assert!(p.unreadable.is_empty());
    }

    // ─── lambda.unbounded-concurrency-public ───

    const UNBOUNDED: &str = "lambda.unbounded-concurrency-public";

    #[test]
    fn public_url_without_reserved_concurrency_fails() {
        let finding = one(UNBOUNDED, with_url("NONE", &[]));
        assert_eq!(finding.status, Status::Fail);
        assert!(
            finding.message.contains("function URL"),
            "{}",
            finding.message
        );
        let f = with_url("NONE", &[]);
        let pass = with_concurrency(f.clone(), Ok(Some(20)));
        assert_eq!(one_in(UNBOUNDED, &pass).status, Status::Pass);
        let denied = with_concurrency(
            f.clone(),
            Err("AccessDenied: lambda:GetFunctionConcurrency".into()),
        );
        assert_eq!(one_in(UNBOUNDED, &denied).status, Status::Unknown);
        let mut not_collected = inv(vec![f]);
        not_collected.reserved_concurrency.clear();
        assert_eq!(one_in(UNBOUNDED, &not_collected).status, Status::Unknown);
    }

    #[test]
    fn public_policy_or_rest_method_counts_as_reachable() {
        let f = with_policy(
            func("orders"),
            policy(vec![stmt(json!({"Principal": "*"}))]),
        );
        assert_eq!(one(UNBOUNDED, f).status, Status::Fail);

        let f = func("orders");
        let mut inventory = inv(vec![f.clone()]);
        inventory.rest_apis.push(RestApi {
            id: "a1".into(),
            name: "orders-api".into(),
            region: "us-east-1".into(),
            endpoint_type: "REGIONAL".into(),
            resources: Ok(vec![RestResource {
                id: "r1".into(),
                path: "/orders".into(),
                methods: vec![RestMethod {
                    http_method: "POST".into(),
                    authorization_type: "NONE".into(),
                    integration_uri: Some(format!(
                        "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/{}/invocations",
                        f.arn
                    )),
                    ..Default::default()
                }],
            }]),
            stages: Ok(vec![RestStage {
                name: "prod".into(),
                ..Default::default()
            }]),
            ..Default::default()
        });
        let finding = one_in(UNBOUNDED, &inventory);
        assert_eq!(finding.status, Status::Fail);
        assert!(
            finding
                .message
                .contains("REST orders-api POST /orders (NONE)"),
            "{}",
            finding.message
        );
    }

    #[test]
    fn unreachable_is_not_applicable_even_if_concurrency_unknown() {
        let f = with_concurrency(func("orders"), Err("AccessDenied".into()));
        assert_eq!(one_in(UNBOUNDED, &f).status, Status::NotApplicable);
        let f = with_url("AWS_IAM", &[]);
        assert_eq!(one(UNBOUNDED, f).status, Status::NotApplicable);
    }

    #[test]
    fn unknown_reachability_is_unknown() {
        let mut f = func("orders");
        f.url = Err("AccessDenied: lambda:GetFunctionUrlConfig".into());
        let finding = one(UNBOUNDED, f);
        assert_eq!(finding.status, Status::Unknown);
        assert!(finding.message.contains("GetFunctionUrlConfig"));
    }
}
