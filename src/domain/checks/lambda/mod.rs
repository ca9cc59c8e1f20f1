//! Checks for Lambda functions (see docs/CHECKS.md, "Functions (Lambda)").
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
//!   an async-invoking service ([`crate::domain::iam::ASYNC_SERVICES`]) invoke the function. Otherwise the
//!   check is not applicable, and the poller does not read the event invoke config at all
//!   ([`crate::domain::iam::reads_event_invoke`]); when the policy cannot be read, an event invoke config
//!   marks the function as asynchronously invoked.
//! - **Roles**: [`role_privileges`] is the one place that reads a role's documents; exposure.rs
//!   uses it too. A document that could not be fetched or parsed makes the verdict `unknown`
//!   unless another document already decides `fail`.

pub mod logs;
pub mod trust;

use crate::domain::values::{PackageType, TracingMode, UrlAuthType};
use std::collections::BTreeSet;
use std::sync::Arc;

use crate::domain::arn::{Arn, account_of};
use crate::domain::catalogue::{CheckDef, Context, Target, tf_ident};
use crate::domain::entry_points::{self, EntryPoint};
use crate::domain::finding::{Category, Evidence, Finding, ResourceKind, Service, Severity};
use crate::domain::iam::{
    RolePrivileges, action_text, async_invokers, conditions_text, function_policy, function_role,
    grants_invoke, principal_text, public_invoke_statements, role_privileges, sid_of,
};
use crate::domain::inventory::{Alias, Area, Fetched, Function, FunctionUrl, Inventory};
use crate::domain::inventory::{is_aws_alias, key_is_aws_managed};
use crate::domain::policy::{PolicyDocument, Statement};
use crate::domain::runtimes::{self, RuntimeStatus};

const DOCS_RESOURCE_POLICY: &str =
    "https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html";
const DOCS_URLS: &str = "https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html";

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "lambda.public-resource-policy",
        title: "Resource policy lets anyone invoke the function",
        severity: Severity::Critical,
        category: Category::Exposure,
        service: Service::Lambda,
        areas: &[Area::Functions],
        resource: ResourceKind::Function,
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
        service: Service::Lambda,
        areas: &[Area::Functions],
        resource: ResourceKind::Function,
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
        service: Service::Lambda,
        areas: &[Area::Functions],
        resource: ResourceKind::Function,
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
        service: Service::Lambda,
        areas: &[Area::Functions],
        resource: ResourceKind::Function,
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
        service: Service::Lambda,
        areas: &[Area::Functions],
        resource: ResourceKind::Function,
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
        service: Service::Lambda,
        areas: &[Area::Functions, Area::Encryption],
        resource: ResourceKind::Function,
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
        service: Service::Lambda,
        areas: &[Area::Functions],
        resource: ResourceKind::Function,
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
        service: Service::Lambda,
        areas: &[Area::Functions],
        resource: ResourceKind::Function,
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
        service: Service::Lambda,
        areas: &[Area::Functions],
        resource: ResourceKind::Function,
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
        service: Service::Lambda,
        areas: &[Area::Functions],
        resource: ResourceKind::Function,
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
        service: Service::Lambda,
        areas: &[Area::Functions],
        resource: ResourceKind::Function,
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
        service: Service::Lambda,
        areas: &[Area::Functions],
        resource: ResourceKind::Function,
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
        service: Service::Lambda,
        areas: &[Area::Functions],
        resource: ResourceKind::Function,
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
        service: Service::Lambda,
        areas: &[Area::Throttles, Area::Functions, Area::Gateways],
        resource: ResourceKind::Function,
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
/// One finding per function.
fn per_function(inv: &Inventory, judge: impl FnMut(&Arc<Function>) -> Finding) -> Vec<Finding> {
    inv.functions.iter().map(judge).collect()
}

pub fn target(f: &Function) -> Target {
    Target::new(&f.region, &f.arn, &f.name).param("tf", tf_ident(&f.name))
}

/// What an alias's own URL or policy says for a check.
enum AliasVerdict {
    /// The alias fails the check (the finding names it).
    Fail(Finding),
    /// The alias passes (used when `$LATEST` alone is not applicable).
    Pass(Finding),
    /// The alias's data could not be read.
    Unknown(String),
    /// Nothing on this alias for the check.
    Nothing,
}

/// The aliases rule of CHECKS.md: a URL or policy on an alias exposes the function as much as
/// one on `$LATEST`. `latest` is the verdict on the unqualified function; a failing alias
/// turns a pass into that failure, an alias that could not be read (or aliases that could not
/// be listed) turns it into `unknown`, and a passing alias replaces "not applicable".
fn with_aliases(
    def: &CheckDef,
    inv: &Inventory,
    f: &Function,
    latest: Finding,
    judge: impl Fn(&Alias) -> AliasVerdict,
) -> Finding {
    use crate::domain::finding::Status;
    if latest.status == Status::Fail {
        return latest;
    }
    let aliases = match &f.aliases {
        Ok(a) => a,
        Err(_) if latest.status == Status::Unknown => return latest,
        Err(e) => {
            return def.unknown(
                inv,
                &target(f)
                    .param("statement_id", "STATEMENT_ID")
                    .param("other_account", "ACCOUNT"),
                format!("aliases: {e}"),
            );
        }
    };
    let mut unknown = Vec::new();
    let mut pass = None;
    for alias in aliases {
        match judge(alias) {
            AliasVerdict::Fail(finding) => return finding,
            AliasVerdict::Unknown(reason) => {
                unknown.push(format!("alias {}: {reason}", alias.name))
            }
            AliasVerdict::Pass(finding) => {
                pass.get_or_insert(finding);
            }
            AliasVerdict::Nothing => {}
        }
    }
    if !unknown.is_empty() && latest.status != Status::Unknown {
        return def.unknown(
            inv,
            &target(f)
                .param("statement_id", "STATEMENT_ID")
                .param("other_account", "ACCOUNT"),
            unknown.join("; "),
        );
    }
    match (latest.status, pass) {
        (Status::NotApplicable, Some(p)) => p,
        _ => latest,
    }
}

/// The statement id placeholder for an alias's policy: `S --qualifier ALIAS`, so the
/// remediation's `--statement-id {statement_id}` removes the statement from the alias.
fn alias_statement(sid: String, alias: &Alias) -> String {
    format!("{sid} --qualifier {}", alias.name)
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
    per_function(inv, |f| {
        let latest = public_resource_policy_latest(def, inv, f);
        with_aliases(def, inv, f, latest, |alias| {
            let doc = match crate::domain::iam::parse_policy(&alias.policy) {
                Err(e) => return AliasVerdict::Unknown(e),
                Ok(None) => return AliasVerdict::Nothing,
                Ok(Some(doc)) => doc,
            };
            let public = public_invoke_statements(&doc);
            let Some(first) = public.first() else {
                return AliasVerdict::Nothing;
            };
            let sids: Vec<String> = public.iter().map(|st| sid_of(st)).collect();
            AliasVerdict::Fail(def.fail(
                    inv,
                    &target(f).param("statement_id", alias_statement(sid_of(first), alias)),
                    format!(
                        "the policy of alias {} lets anyone invoke {}: statement{} {} (principal {}, action {}, \
                         no restricting condition)",
                        alias.name,
                        f.name,
                        if sids.len() == 1 { "" } else { "s" },
                        sids.join(", "),
                        principal_text(first),
                        action_text(first)
                    ),
                    std::iter::once(Evidence::new("Alias", &alias.arn))
                        .chain(public.iter().flat_map(|st| statement_evidence(st)))
                        .collect(),
                ))
        })
    })
}

fn public_resource_policy_latest(def: &CheckDef, inv: &Inventory, f: &Function) -> Finding {
    {
        {
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
                        doc.statements
                            .iter()
                            .map(sid_of)
                            .collect::<Vec<_>>()
                            .join(", "),
                    )],
                );
            };
            let t = t.param("statement_id", sid_of(first));
            let evidence = public
                .iter()
                .flat_map(|st| statement_evidence(st))
                .collect();
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
        }
    }
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
    per_function(inv, |f| {
        let latest = cross_account_invoke_latest(def, inv, ctx, f);
        with_aliases(def, inv, f, latest, |alias| {
            let doc = match crate::domain::iam::parse_policy(&alias.policy) {
                Err(e) => return AliasVerdict::Unknown(e),
                Ok(None) => return AliasVerdict::Nothing,
                Ok(Some(doc)) => doc,
            };
            let grants = foreign_grants(&doc, inv, ctx);
            let Some(first) = grants.first() else {
                return AliasVerdict::Nothing;
            };
            let mut ev = vec![Evidence::new("Alias", &alias.arn)];
            ev.extend(grants.iter().map(|g| {
                Evidence::new(
                    format!("Statement {}", g.sid),
                    format!("account {} via {}", g.account, g.via),
                )
            }));
            ev.push(Evidence::new("Trusted accounts", trusted_list(inv, ctx)));
            AliasVerdict::Fail(
                def.fail(
                    inv,
                    &target(f)
                        .param("statement_id", alias_statement(first.sid.clone(), alias))
                        .param("other_account", &first.account),
                    format!(
                        "untrusted account {} may invoke {} through alias {} (statement {})",
                        first.account, f.name, alias.name, first.sid
                    ),
                    ev,
                ),
            )
        })
    })
}

fn cross_account_invoke_latest(
    def: &CheckDef,
    inv: &Inventory,
    ctx: &Context,
    f: &Function,
) -> Finding {
    {
        {
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
        }
    }
}

fn trusted_list(inv: &Inventory, ctx: &Context) -> String {
    let mut all = vec![format!("{} (this account)", inv.account_id)];
    all.extend(ctx.trusted_accounts.iter().cloned());
    all.join(", ")
}

// ───────────────────────────── function URL checks ─────────────────────────────

/// A URL check over `$LATEST` and every alias: `judge` decides one URL (`None` for the
/// function itself, the alias otherwise).
fn url_check(
    def: &CheckDef,
    inv: &Inventory,
    judge: impl Fn(&Function, &Fetched<Option<FunctionUrl>>, Option<&Alias>) -> Finding,
) -> Vec<Finding> {
    use crate::domain::finding::Status;
    per_function(inv, |f| {
        let latest = judge(f, &f.url, None);
        with_aliases(def, inv, f, latest, |alias| {
            let finding = judge(f, &alias.url, Some(alias));
            match finding.status {
                Status::Fail => AliasVerdict::Fail(finding),
                Status::Pass => AliasVerdict::Pass(finding),
                Status::Unknown => match &alias.url {
                    Err(e) => AliasVerdict::Unknown(e.to_string()),
                    Ok(_) => AliasVerdict::Unknown(finding.message.to_string()),
                },
                _ => AliasVerdict::Nothing,
            }
        })
    })
}

/// ` of alias NAME` for an alias's URL, nothing for the function's own.
fn of_alias(alias: Option<&Alias>) -> String {
    alias
        .map(|a| format!(" of alias {}", a.name))
        .unwrap_or_default()
}

/// `FunctionUrl` evidence, naming the alias when the URL is one's.
fn url_evidence(url: &FunctionUrl, alias: Option<&Alias>) -> Evidence {
    match alias {
        Some(a) => Evidence::new(format!("FunctionUrl (alias {})", a.name), &url.url),
        None => Evidence::new("FunctionUrl", &url.url),
    }
}

fn function_url_no_auth(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    url_check(def, inv, |f, url, alias| {
        let t = target(f);
        match url {
            Err(e) => def.unknown(inv, &t, e.clone()),
            Ok(None) => def.not_applicable(inv, &t, "the function has no function URL"),
            Ok(Some(url)) => {
                let ev = vec![
                    url_evidence(url, alias),
                    Evidence::new("AuthType", url.auth_type.as_str()),
                ];
                if let UrlAuthType::Other(other) = &url.auth_type {
                    return def.unknown(
                        inv,
                        &t,
                        format!(
                            "function URL {} has AuthType {other:?}, neither AWS_IAM nor NONE",
                            url.url
                        ),
                    );
                }
                if url.auth_type == UrlAuthType::None {
                    def.fail(
                        inv,
                        &t,
                        format!(
                            "function URL {}{} accepts unauthenticated requests (AuthType NONE)",
                            url.url,
                            of_alias(alias)
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
}

fn function_url_cors_wildcard(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    url_check(def, inv, |f, url, alias| {
        let t = target(f);
        match url {
            Err(e) => def.unknown(inv, &t, e.clone()),
            Ok(None) => def.not_applicable(inv, &t, "the function has no function URL"),
            Ok(Some(url)) => {
                let origins = if url.cors_allow_origins.is_empty() {
                    "(none: CORS not configured)".to_string()
                } else {
                    url.cors_allow_origins.join(", ")
                };
                let ev = vec![
                    url_evidence(url, alias),
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
                            "function URL{} CORS allows any origin (*){}",
                            of_alias(alias),
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
}

// ───────────────────────────── configuration checks ─────────────────────────────

fn secrets_in_env(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_function(inv, |f| {
        if f.env.is_empty() {
            let t = target(f)
                .param("variables", "the variable")
                .param("first_variable", "secret");
            return def.not_applicable(inv, &t, "the function has no environment variables");
        }
        super::variables::judge_variables(
            def,
            inv,
            target(f),
            &f.env,
            "Environment",
            "environment variable",
        )
    })
}

fn env_not_encrypted_cmk(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_function(inv, |f| {
        let t = target(f);
        if f.env.is_empty() {
            return def.not_applicable(inv, &t, "the function has no environment variables");
        }
        let vars = Evidence::new("Environment variables", f.env.len().to_string());
        let key = f
            .kms_key_arn
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty());
        let Some(key) = key else {
            return def.fail(
                    inv,
                    &t,
                    "environment variables are encrypted with the AWS managed aws/lambda key (no KMSKeyArn)",
                    vec![vars, Evidence::new("KMSKeyArn", "(none)")],
                );
        };
        let aws_managed = match inv.find_key(&f.region, key) {
            Some(k) => key_is_aws_managed(k),
            None => is_aws_alias(key).then_some(true),
        };
        let ev = vec![vars, Evidence::new("KMSKeyArn", key)];
        if aws_managed == Some(true) {
            def.fail(
                inv,
                &t,
                format!("KMSKeyArn {key} is an AWS managed key, not a customer-managed one"),
                ev,
            )
        } else {
            def.pass(inv, &t, format!("environment encrypted with {key}"), ev)
        }
    })
}

fn deprecated_runtime(def: &CheckDef, inv: &Inventory, ctx: &Context) -> Vec<Finding> {
    let today = ctx.now.date();
    per_function(inv, |f| {
        let is_image = f.package_type == Some(PackageType::Image);
        let runtime = f
            .runtime
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty());
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
                    format!(
                        "{runtime} is deprecated on {date} ({days} days); move to {new_runtime}"
                    ),
                    ev,
                );
                finding.severity = Severity::Medium;
                finding
            }
        }
    })
}

/// `arn:aws:lambda:REGION:ACCOUNT:layer:NAME:VERSION` → (account, name).
fn layer_parts(arn: &str) -> Option<(String, String)> {
    let name = Arn::parse(arn)?.layer_name()?;
    Some((account_of(arn)?, name.to_string()))
}

fn cross_account_layer(def: &CheckDef, inv: &Inventory, ctx: &Context) -> Vec<Finding> {
    per_function(inv, |f| {
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
}

fn no_vpc(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_function(inv, |f| {
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
}

fn no_failure_destination(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_function(inv, |f| {
        let t = target(f);
        let invokers =
            function_policy(f).map(|doc| doc.map(|d| async_invokers(&d)).unwrap_or_default());
        match &invokers {
            Ok(v) if v.is_empty() => {
                return def.not_applicable(
                        inv,
                        &t,
                        "not invoked asynchronously: its resource policy lets no asynchronous service (S3, SNS, EventBridge, …) invoke it",
                    );
            }
            // The policy could not be read, so the poller read the event invoke config
            // (`iam::reads_event_invoke`): a config marks the function as asynchronously
            // invoked.
            Err(e) if !matches!(f.event_invoke, Ok(Some(_))) => {
                let reason = match &f.event_invoke {
                    Err(eic) => format!("{e}; {eic}"),
                    Ok(_) => e.clone(),
                };
                return def.unknown(
                    inv,
                    &t,
                    format!("cannot tell whether it is invoked asynchronously: {reason}"),
                );
            }
            _ => {}
        }
        let mut ev = Vec::new();
        if let Ok(v) = &invokers
            && !v.is_empty()
        {
            ev.push(Evidence::new("Async invokers", v.join(", ")));
        }
        let dlq = f
            .dead_letter_target
            .as_deref()
            .filter(|d| !d.trim().is_empty());
        ev.push(Evidence::new(
            "DeadLetterConfig.TargetArn",
            dlq.unwrap_or("(none)"),
        ));
        if let Some(dlq) = dlq {
            return def.pass(
                inv,
                &t,
                format!("failed events go to the dead-letter queue {dlq}"),
                ev,
            );
        }
        match &f.event_invoke {
            Err(e) => def.unknown(inv, &t, e.clone()),
            Ok(Some(c))
                if c.on_failure_destination
                    .as_deref()
                    .is_some_and(|d| !d.trim().is_empty()) =>
            {
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
}

fn no_tracing(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_function(inv, |f| {
        let t = target(f);
        let mode = f
            .tracing_mode
            .as_ref()
            .map_or("PassThrough", |m| m.as_str());
        let ev = vec![Evidence::new("TracingConfig.Mode", mode)];
        if f.tracing_mode == Some(TracingMode::Active) {
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
}

// ───────────────────────────── roles ─────────────────────────────

fn role_target(f: &Function) -> Target {
    target(f).param("role_name", crate::domain::arn::role_name(&f.role_arn))
}

fn admin_execution_role(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    judge_roles(
        def,
        inv,
        RoleJudgement {
            grants: |p| &p.admin,
            label: "Administrator",
            fails: "has administrator access",
            passes: "is not an administrator",
        },
    )
}

fn overprivileged_role(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    judge_roles(
        def,
        inv,
        RoleJudgement {
            grants: |p| &p.overprivileged,
            label: "Grant",
            fails: "is over-privileged",
            passes: "has no service wildcards or dangerous actions on *",
        },
    )
}

/// What a role check looks for in a function's execution role, and how it says it.
struct RoleJudgement {
    /// The grants that fail the role (none: it passes, if every policy could be read).
    grants: fn(&RolePrivileges) -> &Vec<String>,
    /// The evidence label of each grant.
    label: &'static str,
    /// `execution role NAME …: grants` on a failure, `execution role NAME …` on a pass.
    fails: &'static str,
    passes: &'static str,
}

/// Judges every function's execution role: its grants fail it, an unreadable policy leaves it
/// `unknown`, else it passes with its policies named.
fn judge_roles(def: &CheckDef, inv: &Inventory, j: RoleJudgement) -> Vec<Finding> {
    per_function(inv, |f| {
        let t = role_target(f);
        let role = match function_role(inv, f) {
            Ok(r) => r,
            Err(e) => return def.unknown(inv, &t, e),
        };
        let p = role_privileges(role);
        let mut ev = vec![Evidence::new("Role", &role.arn)];
        let grants = (j.grants)(&p);
        if !grants.is_empty() {
            ev.extend(grants.iter().map(|r| Evidence::new(j.label, r)));
            let why = format!(
                "execution role {} {}: {}",
                role.name,
                j.fails,
                grants.join("; ")
            );
            return def.fail(inv, &t, why, ev);
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
        let why = format!("execution role {} {}", role.name, j.passes);
        def.pass(inv, &t, why, ev)
    })
}

// ───────────────────────────── throttling ─────────────────────────────

fn unbounded_concurrency_public(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    let entries = entry_points::unauthenticated_entry_points(inv);
    per_function(inv, |f| {
        let mine: Vec<&EntryPoint> = entries.iter().filter(|e| e.function_arn == f.arn).collect();
        let entry_text = mine
            .first()
            .map(|e| e.description.clone())
            .unwrap_or_else(|| "the public entry point".into());
        let t = target(f).param("entry", entry_text);
        if mine.is_empty() {
            let gaps = entry_points::collection_gaps(inv, f);
            if !gaps.is_empty() {
                return def.unknown(
                    inv,
                    &t,
                    format!(
                        "cannot tell whether it is publicly reachable: {}",
                        gaps.join("; ")
                    ),
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
                def.pass(
                    inv,
                    &t,
                    format!("publicly reachable, capped at {n} concurrent executions"),
                    ev,
                )
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
}

#[cfg(test)]
mod tests;
