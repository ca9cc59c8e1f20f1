//! API Gateway REST (v1) checks: method authentication, input validation, resource
//! policies, stage hardening (WAF, logging, tracing, cache encryption, client certificate,
//! throttling, stage variables) and custom domains. The ids, severities and categories are
//! the contract in docs/CHECKS.md.
//!
//! Resources: stage checks report one finding per stage (`<api>/<stage>`, the stage ARN);
//! API checks one per API (the API ARN, its name); domain checks one per custom domain.

use crate::domain::catalogue::{CheckDef, Context, Target};
use crate::domain::checks::gateway::{
    ACCOUNT_DEFAULT_BURST, ACCOUNT_DEFAULT_RATE, Rest, access_logs, api_target, limits, per_stage,
    plural, present, stage_variables, tls_domains, unused_authorizers,
};
use crate::domain::entry_points::{
    INVOKE, NETWORK_KEYS, VPC_KEYS, is_private, open_statements, policy_account, unauthenticated,
};
use crate::domain::finding::{Category, Evidence, Finding, ResourceKind, Service, Severity};
use crate::domain::inventory::REST_DOMAIN_LISTING;
use crate::domain::inventory::{Area, Inventory, MethodSetting, RestApi, RestMethod, RestResource};
use crate::domain::policy::{PolicyDocument, Statement};
use crate::domain::values::LoggingLevel;

pub const CHECKS: &[CheckDef] = &[
    CheckDef {
        id: "apigw.method-no-auth",
        title: "REST API methods callable without authentication",
        severity: Severity::High,
        category: Category::Auth,
        service: Service::ApiGateway,
        areas: &[Area::Gateways],
        resource: ResourceKind::RestApi,
        rationale: "A method with authorizationType NONE runs its integration (usually a Lambda \
            function) for anyone who can reach the endpoint. The check looks at every method, not \
            at whether the API has an authorizer: an authorizer that no method uses protects \
            nothing. OPTIONS methods are left out (CORS preflight must stay anonymous). One \
            finding per API lists every open `VERB /path`; it is medium instead of high for a \
            PRIVATE API, which only VPC endpoints can reach. A missing authorizationType is \
            treated as NONE.",
        fix: "Set IAM, Cognito or a Lambda authorizer on every method, then redeploy the stage.",
        console: &[
            "API Gateway console → APIs → {name} → Resources.",
            "Select {http_method} on resource {resource_id} → Method request → Edit.",
            "Authorization: choose AWS IAM, a Cognito user pool or a Lambda authorizer → Save.",
            "Repeat for every method listed in the finding, then Deploy API to stage {stage}.",
        ],
        cli: "aws apigateway update-method --rest-api-id {api_id} --resource-id {resource_id} \
            --http-method {http_method} --patch-operations op=replace,path=/authorizationType,value=CUSTOM \
            op=replace,path=/authorizerId,value=AUTHORIZER_ID --region {region} && \
            aws apigateway create-deployment --rest-api-id {api_id} --stage-name {stage} --region {region}",
        terraform: r#"resource "aws_api_gateway_method" "{tf}" {
  rest_api_id   = "{api_id}"
  resource_id   = "{resource_id}"
  http_method   = "{http_method}"
  authorization = "CUSTOM" # or "AWS_IAM" / "COGNITO_USER_POOLS"
  authorizer_id = aws_api_gateway_authorizer.{tf}.id
}"#,
        fsbp: None,
        prowler: Some("apigateway_restapi_authorizers_enabled"),
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-to-api.html",
        evaluate: method_no_auth,
    },
    CheckDef {
        id: "apigw.api-key-only-auth",
        title: "REST API methods protected by an API key alone",
        severity: Severity::Medium,
        category: Category::Auth,
        service: Service::ApiGateway,
        areas: &[Area::Gateways],
        resource: ResourceKind::RestApi,
        rationale: "API keys identify callers for usage plans; they are not credentials. They \
            travel in a header, are shared between clients and cannot be scoped or rotated per \
            user, and AWS says not to use them for authorization. A method with apiKeyRequired \
            and authorizationType NONE is effectively public to anyone holding a leaked key. \
            OPTIONS methods are left out; an API without other methods is not applicable.",
        fix: "Add an IAM, Cognito or Lambda authorizer to the method; keep the API key for usage plans.",
        console: &[
            "API Gateway console → APIs → {name} → Resources.",
            "Select {http_method} on resource {resource_id} → Method request → Edit.",
            "Keep 'API key required', and set Authorization to AWS IAM, a Cognito user pool or a Lambda authorizer.",
            "Deploy API to stage {stage}.",
        ],
        cli: "aws apigateway update-method --rest-api-id {api_id} --resource-id {resource_id} \
            --http-method {http_method} --patch-operations op=replace,path=/authorizationType,value=AWS_IAM \
            --region {region} && aws apigateway create-deployment --rest-api-id {api_id} --stage-name {stage} --region {region}",
        terraform: r#"resource "aws_api_gateway_method" "{tf}" {
  rest_api_id      = "{api_id}"
  resource_id      = "{resource_id}"
  http_method      = "{http_method}"
  api_key_required = true
  authorization    = "AWS_IAM" # or CUSTOM with authorizer_id
}"#,
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-api-usage-plans.html",
        evaluate: api_key_only_auth,
    },
    CheckDef {
        id: "apigw.no-request-validation",
        title: "REST API write methods without request validation",
        severity: Severity::Medium,
        category: Category::Input,
        service: Service::ApiGateway,
        areas: &[Area::Gateways],
        resource: ResourceKind::RestApi,
        rationale: "Without a request validator, API Gateway forwards any body and parameters \
            to the backend, which then has to defend itself against malformed or oversized \
            input. POST, PUT and PATCH methods fail when they have no requestValidatorId or \
            their validator validates neither the body nor the parameters. A validator that \
            cannot be looked up (GetRequestValidators denied, or an id it does not list) makes \
            the finding unknown unless another method already fails.",
        fix: "Create a request validator (body and parameters), attach it and a model to each write method.",
        console: &[
            "API Gateway console → APIs → {name} → Resources.",
            "Select {http_method} on resource {resource_id} → Method request → Edit.",
            "Request validator: 'Validate body, query string parameters, and headers'; add a request body model → Save.",
            "Deploy API to stage {stage}.",
        ],
        cli: "VALIDATOR_ID=$(aws apigateway create-request-validator --rest-api-id {api_id} --name validate-all \
            --validate-request-body --validate-request-parameters --region {region} --query id --output text) && \
            aws apigateway update-method --rest-api-id {api_id} --resource-id {resource_id} --http-method {http_method} \
            --patch-operations op=replace,path=/requestValidatorId,value=$VALIDATOR_ID --region {region}",
        terraform: r#"resource "aws_api_gateway_request_validator" "{tf}" {
  rest_api_id                 = "{api_id}"
  name                        = "validate-all"
  validate_request_body       = true
  validate_request_parameters = true
}

resource "aws_api_gateway_method" "{tf}" {
  rest_api_id          = "{api_id}"
  resource_id          = "{resource_id}"
  http_method          = "{http_method}"
  request_validator_id = aws_api_gateway_request_validator.{tf}.id
  request_models       = { "application/json" = "YourModel" }
  # authorization etc. unchanged
}"#,
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-method-request-validation.html",
        evaluate: no_request_validation,
    },
    CheckDef {
        id: "apigw.private-api-open-policy",
        title: "REST API resource policy open to everyone",
        severity: Severity::High,
        category: Category::Exposure,
        service: Service::ApiGateway,
        areas: &[Area::Gateways],
        resource: ResourceKind::RestApi,
        rationale: "A PRIVATE API is private only through its resource policy: any execute-api \
            VPC endpoint, in any account, can call it if the policy allows Principal * without \
            an aws:SourceVpce or aws:SourceVpc condition (on the Allow, or as a Deny with \
            StringNotEquals on those keys). A PRIVATE API without a policy passes: API Gateway \
            rejects every call to a private API that has none. For EDGE and REGIONAL APIs the \
            policy fails when it allows * with no aws:SourceIp / aws:SourceVpce / aws:SourceVpc \
            restriction while some method is unauthenticated. Null, IfExists and wildcard-only \
            conditions (vpce-*, 0.0.0.0/0) do not restrict. A policy that does not parse is \
            unknown.",
        fix: "Restrict the policy to your VPC endpoints (aws:SourceVpce) or networks, with a Deny for everything else, then redeploy.",
        console: &[
            "API Gateway console → APIs → {name} → Resource policy → Edit.",
            "Add a Deny statement for execute-api:Invoke when {condition_key} is not your endpoint/network ({condition_value}).",
            "Save, then Deploy API to stage {stage} (policy changes apply only after a deployment).",
        ],
        cli: r#"aws apigateway update-rest-api --rest-api-id {api_id} --region {region} --patch-operations '[{"op":"replace","path":"/policy","value":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"execute-api:Invoke\",\"Resource\":\"execute-api:/*\"},{\"Effect\":\"Deny\",\"Principal\":\"*\",\"Action\":\"execute-api:Invoke\",\"Resource\":\"execute-api:/*\",\"Condition\":{\"{deny_operator}\":{\"{condition_key}\":\"{condition_value}\"}}}]}"}]' && aws apigateway create-deployment --rest-api-id {api_id} --stage-name {stage} --region {region}"#,
        terraform: r#"resource "aws_api_gateway_rest_api_policy" "{tf}" {
  rest_api_id = "{api_id}"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Principal = "*", Action = "execute-api:Invoke", Resource = "execute-api:/*" },
      {
        Effect    = "Deny", Principal = "*", Action = "execute-api:Invoke", Resource = "execute-api:/*"
        Condition = { {deny_operator} = { "{condition_key}" = "{condition_value}" } }
      },
    ]
  })
}"#,
        fsbp: None,
        prowler: Some("apigateway_restapi_public"),
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-resource-policies-examples.html",
        evaluate: private_api_open_policy,
    },
    CheckDef {
        id: "apigw.no-waf",
        title: "REST API stage without AWS WAF",
        severity: Severity::Medium,
        category: Category::Exposure,
        service: Service::ApiGateway,
        areas: &[Area::Gateways],
        resource: ResourceKind::Stage,
        rationale: "A web ACL in front of a stage blocks common exploits, bad bots and floods \
            before they reach (and bill) the backend. A stage without webAclArn has none.",
        fix: "Associate an AWS WAF web ACL with the stage.",
        console: &[
            "AWS WAF console → Web ACLs ({region}) → choose or create a web ACL.",
            "Associated AWS resources → Add → API Gateway REST API → {name} → Add.",
        ],
        cli: "aws wafv2 associate-web-acl --web-acl-arn arn:aws:wafv2:{region}:{account}:regional/webacl/WEB_ACL_NAME/WEB_ACL_ID \
            --resource-arn {arn} --region {region}",
        terraform: r#"resource "aws_wafv2_web_acl_association" "{tf}" {
  resource_arn = "{arn}"
  web_acl_arn  = aws_wafv2_web_acl.main.arn
}"#,
        fsbp: Some("APIGateway.4"),
        prowler: Some("apigateway_restapi_waf_acl_attached"),
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-control-access-aws-waf.html",
        evaluate: no_waf,
    },
    CheckDef {
        id: "apigw.execution-logging-off",
        title: "REST API stage execution logging off",
        severity: Severity::Medium,
        category: Category::Logging,
        service: Service::ApiGateway,
        areas: &[Area::Gateways],
        resource: ResourceKind::Stage,
        rationale: "Execution logs record authorizer decisions, integration errors and \
            throttling per request; without them an incident cannot be reconstructed. The \
            stage default (methodSettings */*) must have loggingLevel ERROR or INFO; missing or \
            OFF fails.",
        fix: "Set the stage's default logging level to ERROR (or INFO).",
        console: &[
            "API Gateway console → APIs → {name} → Stages → {stage} → Logs and tracing → Edit.",
            "CloudWatch logs: Errors only (or Errors and info logs) → Save.",
            "The account needs a CloudWatch Logs role (API Gateway → Settings) once per region.",
        ],
        cli: "aws apigateway update-stage --rest-api-id {api_id} --stage-name {stage} \
            --patch-operations op=replace,path=/*/*/logging/loglevel,value=ERROR --region {region}",
        terraform: r#"resource "aws_api_gateway_method_settings" "{tf}" {
  rest_api_id = "{api_id}"
  stage_name  = "{stage}"
  method_path = "*/*"
  settings {
    logging_level = "ERROR"
  }
}"#,
        fsbp: Some("APIGateway.1"),
        prowler: Some("apigateway_restapi_logging_enabled"),
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
        evaluate: execution_logging_off,
    },
    CheckDef {
        id: "apigw.access-logging-off",
        title: "REST API stage access logging off",
        severity: Severity::Medium,
        category: Category::Logging,
        service: Service::ApiGateway,
        areas: &[Area::Gateways],
        resource: ResourceKind::Stage,
        rationale: "Access logs are the who-called-what record (source IP, caller, status) per \
            request. A stage without accessLogSettings.destinationArn keeps none.",
        fix: "Send the stage's access logs to a CloudWatch Logs group or Firehose stream.",
        console: &[
            "API Gateway console → APIs → {name} → Stages → {stage} → Logs and tracing → Edit.",
            "Custom access logging: on; destination ARN of a log group; a log format → Save.",
        ],
        cli: r#"aws apigateway update-stage --rest-api-id {api_id} --stage-name {stage} --region {region} --patch-operations '[{"op":"replace","path":"/accessLogSettings/destinationArn","value":"arn:aws:logs:{region}:{account}:log-group:API-Gateway-Access-Logs_{api_id}/{stage}"},{"op":"replace","path":"/accessLogSettings/format","value":"$context.requestId $context.identity.sourceIp $context.httpMethod $context.resourcePath $context.status $context.responseLatency"}]'"#,
        terraform: r#"resource "aws_cloudwatch_log_group" "{tf}" {
  name              = "API-Gateway-Access-Logs_{api_id}/{stage}"
  retention_in_days = 90
}

resource "aws_api_gateway_stage" "{tf}" {
  rest_api_id = "{api_id}"
  stage_name  = "{stage}"
  # deployment_id etc. unchanged
  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.{tf}.arn
    format = jsonencode({
      requestId = "$context.requestId", ip = "$context.identity.sourceIp",
      method = "$context.httpMethod", path = "$context.resourcePath", status = "$context.status"
    })
  }
}"#,
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-logging.html",
        evaluate: access_logs::<Rest>,
    },
    CheckDef {
        id: "apigw.no-tracing",
        title: "REST API stage without X-Ray tracing",
        severity: Severity::Low,
        category: Category::Logging,
        service: Service::ApiGateway,
        areas: &[Area::Gateways],
        resource: ResourceKind::Stage,
        rationale: "X-Ray traces follow a request from the gateway through the function and \
            its downstream calls, which is how latency spikes and abuse patterns are traced. \
            The stage fails when tracingEnabled is not true.",
        fix: "Enable X-Ray tracing on the stage.",
        console: &[
            "API Gateway console → APIs → {name} → Stages → {stage} → Logs and tracing → Edit.",
            "X-Ray tracing: on → Save.",
        ],
        cli: "aws apigateway update-stage --rest-api-id {api_id} --stage-name {stage} \
            --patch-operations op=replace,path=/tracingEnabled,value=true --region {region}",
        terraform: r#"resource "aws_api_gateway_stage" "{tf}" {
  rest_api_id          = "{api_id}"
  stage_name           = "{stage}"
  # deployment_id etc. unchanged
  xray_tracing_enabled = true
}"#,
        fsbp: Some("APIGateway.3"),
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-xray.html",
        evaluate: no_tracing,
    },
    CheckDef {
        id: "apigw.cache-not-encrypted",
        title: "REST API stage cache not encrypted",
        severity: Severity::Medium,
        category: Category::Encryption,
        service: Service::ApiGateway,
        areas: &[Area::Gateways],
        resource: ResourceKind::Stage,
        rationale: "Cached responses often hold personal or session data. When caching is on \
            for a method, its cacheDataEncrypted must be true; when the stage has a cache \
            cluster but no method caches, the stage default (*/*) decides. A stage with no \
            caching at all is not applicable.",
        fix: "Turn on cache data encryption for the stage (and every caching method).",
        console: &[
            "API Gateway console → APIs → {name} → Stages → {stage} → Stage details → Edit.",
            "Cache settings: Encrypt cache data → Save; check method overrides too.",
        ],
        cli: "aws apigateway update-stage --rest-api-id {api_id} --stage-name {stage} \
            --patch-operations op=replace,path=/*/*/caching/dataEncrypted,value=true --region {region}",
        terraform: r#"resource "aws_api_gateway_method_settings" "{tf}" {
  rest_api_id = "{api_id}"
  stage_name  = "{stage}"
  method_path = "*/*"
  settings {
    caching_enabled      = true
    cache_data_encrypted = true
  }
}"#,
        fsbp: Some("APIGateway.5"),
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-caching.html",
        evaluate: cache_not_encrypted,
    },
    CheckDef {
        id: "apigw.no-client-certificate",
        title: "REST API stage without a client certificate",
        severity: Severity::Medium,
        category: Category::Encryption,
        service: Service::ApiGateway,
        areas: &[Area::Gateways],
        resource: ResourceKind::Stage,
        rationale: "A client certificate lets HTTP backends verify that a request really comes \
            from API Gateway and not from someone calling the backend directly. A stage without \
            clientCertificateId offers backends no way to tell.",
        fix: "Generate a client certificate and set it on the stage; have the backend verify it.",
        console: &[
            "API Gateway console → Client certificates → Generate.",
            "APIs → {name} → Stages → {stage} → Stage details → Edit → Client certificate → Save.",
        ],
        cli: "CERT_ID=$(aws apigateway generate-client-certificate --description \"{name} backend auth\" \
            --region {region} --query clientCertificateId --output text) && aws apigateway update-stage \
            --rest-api-id {api_id} --stage-name {stage} --patch-operations op=replace,path=/clientCertificateId,value=$CERT_ID \
            --region {region}",
        terraform: r#"resource "aws_api_gateway_client_certificate" "{tf}" {
  description = "{name} backend auth"
}

resource "aws_api_gateway_stage" "{tf}" {
  rest_api_id           = "{api_id}"
  stage_name            = "{stage}"
  # deployment_id etc. unchanged
  client_certificate_id = aws_api_gateway_client_certificate.{tf}.id
}"#,
        fsbp: Some("APIGateway.2"),
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/getting-started-client-side-ssl-authentication.html",
        evaluate: no_client_certificate,
    },
    CheckDef {
        id: "apigw.no-throttling",
        title: "REST API stage without throttling",
        severity: Severity::High,
        category: Category::Throttling,
        service: Service::ApiGateway,
        areas: &[Area::Throttles, Area::Gateways],
        resource: ResourceKind::Stage,
        rationale: "Without a stage or usage-plan throttle, one client can use the whole \
            region-wide account limit (10,000 rps shared by every API), starving other APIs \
            and running up Lambda concurrency and cost. A stage passes with a rate or burst \
            limit in its methodSettings (stage default or per method) below the account \
            default (GetStages reports 10000/5000 when none was set), or with a usage plan \
            that has a throttle and lists this stage. Missing usage-plan data is unknown \
            unless the stage throttle already decides.",
        fix: "Set a stage throttle (rate and burst), or attach the stage to a usage plan with a throttle.",
        console: &[
            "API Gateway console → APIs → {name} → Stages → {stage} → Stage details → Edit.",
            "Throttling: on; set Rate and Burst to what the backend can take → Save.",
            "Or: Usage plans → create a plan with throttling → Add API stage {api_id}/{stage}.",
        ],
        cli: "aws apigateway update-stage --rest-api-id {api_id} --stage-name {stage} \
            --patch-operations op=replace,path=/*/*/throttling/rateLimit,value=100 \
            op=replace,path=/*/*/throttling/burstLimit,value=200 --region {region}",
        terraform: r#"resource "aws_api_gateway_method_settings" "{tf}" {
  rest_api_id = "{api_id}"
  stage_name  = "{stage}"
  method_path = "*/*"
  settings {
    throttling_rate_limit  = 100
    throttling_burst_limit = 200
  }
}"#,
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/api-gateway-request-throttling.html",
        evaluate: no_throttling,
    },
    CheckDef {
        id: "apigw.secrets-in-stage-variables",
        title: "Credentials in REST API stage variables",
        severity: Severity::High,
        category: Category::Secrets,
        service: Service::ApiGateway,
        areas: &[Area::Gateways],
        resource: ResourceKind::Stage,
        rationale: "Stage variables are plain text: anyone with apigateway:GET sees them, and \
            they show up in exports and deployment tooling. A value that looks like a \
            credential (the same detectors as lambda.secrets-in-env) fails; the finding names \
            the variable and detector, never the value. A stage without variables passes.",
        fix: "Remove the variable, keep the secret in Secrets Manager, and rotate the leaked credential now.",
        console: &[
            "API Gateway console → APIs → {name} → Stages → {stage} → Stage variables → Manage.",
            "Delete {variable}; store the secret in Secrets Manager and read it at runtime.",
            "Rotate the credential: it has been readable by anyone with apigateway:GET.",
        ],
        cli: "aws apigateway update-stage --rest-api-id {api_id} --stage-name {stage} \
            --patch-operations op=remove,path=/variables/{variable} --region {region}",
        terraform: r#"resource "aws_secretsmanager_secret" "{tf}" {
  name = "{tf}/{variable}"
}

resource "aws_api_gateway_stage" "{tf}" {
  rest_api_id = "{api_id}"
  stage_name  = "{stage}"
  # deployment_id etc. unchanged; drop {variable} from variables
  variables = {}
}"#,
        fsbp: None,
        prowler: Some("apigateway_restapi_no_secrets_in_stage_variables"),
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/stage-variables.html",
        evaluate: stage_variables::<Rest>,
    },
    CheckDef {
        id: "apigw.weak-tls-domain",
        title: "REST custom domain accepts TLS 1.0/1.1",
        severity: Severity::Medium,
        category: Category::Encryption,
        service: Service::ApiGateway,
        areas: &[Area::Gateways],
        resource: ResourceKind::Domain,
        rationale: "TLS 1.0 and 1.1 have known weaknesses and are disallowed by PCI DSS. The \
            TLS_1_0 policy (and any legacy policy allowing 1.0/1.1) fails; TLS_1_2 and the \
            SecurityPolicy_TLS12_*/TLS13_* enhanced policies pass. A domain whose policy was \
            not reported, or is not recognised, is unknown.",
        fix: "Switch the domain's security policy to TLS_1_2 or a SecurityPolicy_TLS13_* policy.",
        console: &[
            "API Gateway console → Custom domain names → {domain} → Edit.",
            "Minimum TLS version / security policy: TLS 1.2 (or a TLS 1.3 policy) → Save.",
        ],
        cli: "aws apigateway update-domain-name --domain-name {domain} \
            --patch-operations op=replace,path=/securityPolicy,value=TLS_1_2 --region {region}",
        terraform: r#"resource "aws_api_gateway_domain_name" "{tf}" {
  domain_name     = "{domain}"
  security_policy = "TLS_1_2"
  # certificate arguments unchanged
}"#,
        fsbp: Some("APIGateway.11"),
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/apigateway-custom-domain-tls-version.html",
        evaluate: tls_domains::<Rest>,
    },
    CheckDef {
        id: "apigw.default-endpoint-enabled",
        title: "REST API default endpoint reachable beside its custom domain",
        severity: Severity::Low,
        category: Category::Exposure,
        service: Service::ApiGateway,
        areas: &[Area::Gateways],
        resource: ResourceKind::RestApi,
        rationale: "When an API is published through a custom domain (often with WAF or a CDN \
            in front), the default execute-api URL still serves it unless \
            disableExecuteApiEndpoint is true, so anything enforced at the domain can be \
            bypassed. APIs without a base path mapping are not applicable; a domain whose \
            mappings could not be read makes it unknown.",
        fix: "Disable the default execute-api endpoint and redeploy.",
        console: &[
            "API Gateway console → APIs → {name} → API settings → Edit.",
            "Default endpoint: Inactive → Save, then Deploy API to stage {stage}.",
        ],
        cli: "aws apigateway update-rest-api --rest-api-id {api_id} \
            --patch-operations op=replace,path=/disableExecuteApiEndpoint,value=True --region {region} && \
            aws apigateway create-deployment --rest-api-id {api_id} --stage-name {stage} --region {region}",
        terraform: r#"resource "aws_api_gateway_rest_api" "{tf}" {
  name                         = "{name}"
  disable_execute_api_endpoint = true
}"#,
        fsbp: None,
        prowler: None,
        docs_url: "https://docs.aws.amazon.com/apigateway/latest/developerguide/rest-api-disable-default-endpoint.html",
        evaluate: default_endpoint_enabled,
    },
];

// ───────────────────────────── targets ─────────────────────────────

/// The API target with a stage for redeploy commands: the first stage, else a placeholder.
fn api_target_with_stage(api: &RestApi) -> Target {
    let stage = api
        .stages
        .as_ref()
        .ok()
        .and_then(|s| s.first())
        .map(|s| s.name.clone())
        .unwrap_or_else(|| "STAGE_NAME".to_string());
    api_target(api).param("stage", stage)
}

// ───────────────────────────── methods ─────────────────────────────

/// A method together with its resource.
struct Op<'a> {
    resource: &'a RestResource,
    method: &'a RestMethod,
}

impl Op<'_> {
    fn verb(&self) -> String {
        self.method.http_method.trim().to_ascii_uppercase()
    }

    fn label(&self) -> String {
        let path = if self.resource.path.is_empty() {
            "/"
        } else {
            &self.resource.path
        };
        format!("{} {path}", self.verb())
    }

    fn unauthenticated(&self) -> bool {
        unauthenticated(&self.method.authorization_type)
    }

    fn auth_label(&self) -> String {
        let t = self.method.authorization_type.as_str();
        if t.is_empty() {
            "authorizationType missing (treated as NONE)".to_string()
        } else {
            format!("authorizationType = {t}")
        }
    }
}

/// Every method except OPTIONS (CORS preflight), sorted by path then verb.
fn operations(resources: &[RestResource]) -> Vec<Op<'_>> {
    let mut ops: Vec<Op<'_>> = resources
        .iter()
        .flat_map(|resource| {
            resource
                .methods
                .iter()
                .map(move |method| Op { resource, method })
        })
        .filter(|op| op.verb() != "OPTIONS")
        .collect();
    ops.sort_by(|a, b| {
        (a.resource.path.as_str(), a.verb()).cmp(&(b.resource.path.as_str(), b.verb()))
    });
    ops
}

fn endpoint_evidence(api: &RestApi) -> Evidence {
    let t = api.endpoint_type.as_str();
    if t.is_empty() {
        Evidence::new("endpointType", "missing (assumed EDGE, the default)")
    } else {
        Evidence::new("endpointType", t)
    }
}

/// One finding per REST API, judged from its methods (OPTIONS aside); `unknown` where its
/// resources could not be read.
fn per_api_methods(
    def: &CheckDef,
    inv: &Inventory,
    mut judge: impl for<'a> FnMut(&'a RestApi, Target, Vec<Op<'a>>) -> Finding,
) -> Vec<Finding> {
    inv.rest_apis
        .iter()
        .map(|api| {
            let t = api_target_with_stage(api);
            match &api.resources {
                Ok(resources) => judge(api, t, operations(resources)),
                Err(e) => def.unknown(inv, &t, format!("GetResources: {e}")),
            }
        })
        .collect()
}

fn with_method(t: Target, op: &Op<'_>) -> Target {
    t.param("resource_id", &op.resource.id)
        .param("http_method", op.verb())
}

fn method_no_auth(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_api_methods(def, inv, |api, t, ops| {
        if ops.is_empty() {
            return def.not_applicable(inv, &t, "no methods other than OPTIONS");
        }
        // Methods only take calls once deployed to a stage (a listing failure leaves the
        // methods to decide).
        if api.stages.as_ref().is_ok_and(Vec::is_empty) {
            return def.not_applicable(
                inv,
                &t,
                "the API has no stage: its methods are not deployed",
            );
        }
        let open: Vec<&Op<'_>> = ops.iter().filter(|op| op.unauthenticated()).collect();
        if open.is_empty() {
            let ev = ops
                .iter()
                .map(|op| Evidence::new(op.label(), op.auth_label()))
                .collect();
            return def.pass(
                inv,
                &t,
                format!(
                    "all {} require authentication",
                    plural(ops.len(), "method", "methods")
                ),
                ev,
            );
        }
        let labels: Vec<String> = open.iter().map(|op| op.label()).collect();
        let mut ev = vec![endpoint_evidence(api)];
        ev.extend(
            open.iter()
                .map(|op| Evidence::new(op.label(), op.auth_label())),
        );
        ev.extend(unused_authorizers(&api.authorizers, "methods"));
        let mut msg = format!(
            "{} callable without authentication: {}",
            plural(open.len(), "method", "methods"),
            labels.join(", ")
        );
        if is_private(api) {
            msg.push_str(" (PRIVATE API: reachable only through VPC endpoints)");
        }
        let mut f = def.fail(inv, &with_method(t, open[0]), msg, ev);
        if is_private(api) {
            f.severity = Severity::Medium;
        }
        f
    })
}

fn api_key_only_auth(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_api_methods(def, inv, |_, t, ops| {
        if ops.is_empty() {
            return def.not_applicable(inv, &t, "no methods other than OPTIONS");
        }
        let key_only: Vec<&Op<'_>> = ops
            .iter()
            .filter(|op| op.method.api_key_required && op.unauthenticated())
            .collect();
        if key_only.is_empty() {
            let with_keys = ops.iter().filter(|op| op.method.api_key_required).count();
            return def.pass(
                inv,
                &t,
                "no method relies on an API key alone",
                vec![Evidence::new(
                    "apiKeyRequired",
                    format!(
                        "{} of {}, all with an authorizer",
                        with_keys,
                        plural(ops.len(), "method", "methods")
                    ),
                )],
            );
        }
        let labels: Vec<String> = key_only.iter().map(|op| op.label()).collect();
        let ev = key_only
            .iter()
            .map(|op| {
                Evidence::new(
                    op.label(),
                    format!("apiKeyRequired = true, {}", op.auth_label()),
                )
            })
            .collect();
        def.fail(
            inv,
            &with_method(t, key_only[0]),
            format!(
                "{} protected only by an API key: {}",
                plural(key_only.len(), "method", "methods"),
                labels.join(", ")
            ),
            ev,
        )
    })
}

fn no_request_validation(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_api_methods(def, inv, |api, t, ops| {
        let writes: Vec<&Op<'_>> = ops
            .iter()
            .filter(|op| matches!(op.verb().as_str(), "POST" | "PUT" | "PATCH"))
            .collect();
        if writes.is_empty() {
            return def.not_applicable(inv, &t, "no POST, PUT or PATCH methods");
        }
        let mut failing: Vec<(&Op<'_>, String)> = Vec::new();
        let mut undecided: Vec<(&Op<'_>, String)> = Vec::new();
        let mut validated: Vec<(&Op<'_>, String)> = Vec::new();
        for op in &writes {
            let id = op
                .method
                .request_validator_id
                .as_deref()
                .map(str::trim)
                .filter(|id| !id.is_empty());
            let Some(id) = id else {
                failing.push((op, "no requestValidatorId".to_string()));
                continue;
            };
            match &api.validators {
                Err(e) => {
                    undecided.push((op, format!("validator {id}: GetRequestValidators: {e}")))
                }
                Ok(validators) => match validators.iter().find(|v| v.id == id) {
                    None => undecided.push((
                        op,
                        format!("validator {id} is not among the API's request validators"),
                    )),
                    Some(v) if !v.validate_body && !v.validate_parameters => failing.push((
                        op,
                        format!(
                            "validator {} ({id}) validates neither body nor parameters",
                            v.name
                        ),
                    )),
                    Some(v) => validated.push((
                        op,
                        format!(
                            "validator {} (body: {}, parameters: {})",
                            v.name, v.validate_body, v.validate_parameters
                        ),
                    )),
                },
            }
        }
        let evidence = |rows: &[(&Op<'_>, String)]| -> Vec<Evidence> {
            rows.iter()
                .map(|(op, why)| Evidence::new(op.label(), why.clone()))
                .collect()
        };
        if !failing.is_empty() {
            let labels: Vec<String> = failing.iter().map(|(op, _)| op.label()).collect();
            let mut ev = evidence(&failing);
            ev.extend(evidence(&undecided));
            return def.fail(
                inv,
                &with_method(t, failing[0].0),
                format!(
                    "{} without request validation: {}",
                    plural(failing.len(), "write method", "write methods"),
                    labels.join(", ")
                ),
                ev,
            );
        }
        if !undecided.is_empty() {
            let reasons: Vec<String> = undecided
                .iter()
                .map(|(op, why)| format!("{}: {why}", op.label()))
                .collect();
            let t = with_method(t, undecided[0].0);
            return def.unknown(inv, &t, reasons.join("; "));
        }
        def.pass(
            inv,
            &t,
            format!(
                "all {} have a request validator",
                plural(validated.len(), "write method", "write methods")
            ),
            evidence(&validated),
        )
    })
}

// ───────────────────────────── resource policy ─────────────────────────────

fn statement_label(i: usize, s: &Statement) -> String {
    match &s.sid {
        Some(sid) if !sid.is_empty() => format!("Statement[{i}] ({sid})"),
        _ => format!("Statement[{i}]"),
    }
}

fn private_api_open_policy(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    let account = policy_account(inv);
    inv.rest_apis
        .iter()
        .map(|api| {
            let private = is_private(api);
            let t = if private {
                api_target_with_stage(api)
                    .param("deny_operator", "StringNotEquals")
                    .param("condition_key", "aws:SourceVpce")
                    .param("condition_value", "vpce-0123456789abcdef0")
            } else {
                api_target_with_stage(api)
                    .param("deny_operator", "NotIpAddress")
                    .param("condition_key", "aws:SourceIp")
                    .param("condition_value", "203.0.113.0/24")
            };
            let Some(text) = api.policy.as_deref().filter(|p| !p.trim().is_empty()) else {
                let msg = if private {
                    "no resource policy: API Gateway rejects every call to a private API without one"
                } else {
                    "no resource policy grants access beyond the methods' own authorization"
                };
                return def.pass(
                    inv,
                    &t,
                    msg,
                    vec![endpoint_evidence(api), Evidence::new("policy", "none")],
                );
            };
            let doc = match PolicyDocument::parse(text) {
                Ok(d) => d,
                Err(e) => return def.unknown(inv, &t, format!("resource policy: {e}")),
            };
            let keys = if private { VPC_KEYS } else { NETWORK_KEYS };
            let open = open_statements(&doc, keys, api, account);
            let wanted = keys.join(" / ");
            if open.is_empty() {
                return def.pass(
                    inv,
                    &t,
                    format!("every public grant is restricted by {wanted}"),
                    vec![
                        endpoint_evidence(api),
                        Evidence::new("statements", doc.statements.len().to_string()),
                    ],
                );
            }
            let mut ev = vec![endpoint_evidence(api)];
            ev.extend(open.iter().map(|(i, s)| {
                Evidence::new(
                    statement_label(*i, s),
                    format!("Allow {INVOKE} to Principal * without a {wanted} condition"),
                )
            }));
            if private {
                return def.fail(
                    inv,
                    &t,
                    "private API policy lets any VPC endpoint, in any account, invoke it",
                    ev,
                );
            }
            let resources = match &api.resources {
                Ok(r) => r,
                Err(e) => {
                    return def.unknown(
                        inv,
                        &t,
                        format!("policy is open; methods needed to decide: GetResources: {e}"),
                    );
                }
            };
            let ops = operations(resources);
            let open_ops: Vec<String> = ops
                .iter()
                .filter(|op| op.unauthenticated())
                .map(|op| op.label())
                .collect();
            if open_ops.is_empty() {
                return def.pass(
                    inv,
                    &t,
                    "policy allows anyone, but every method requires authentication",
                    ev,
                );
            }
            ev.push(Evidence::new("unauthenticated methods", open_ops.join(", ")));
            def.fail(
                inv,
                &t,
                format!(
                    "policy allows anyone from any network and {} need no authentication",
                    plural(open_ops.len(), "method", "methods")
                ),
                ev,
            )
        })
        .collect()
}

// ───────────────────────────── stages ─────────────────────────────

/// Passes when the stage's `field` is set (its value the evidence), fails when it is not.
fn stage_setting(
    def: &CheckDef,
    inv: &Inventory,
    t: &Target,
    (field, value): (&str, &Option<String>),
    (set, unset): (&str, &str),
) -> Finding {
    match present(value) {
        Some(v) => def.pass(inv, t, set, vec![Evidence::new(field, v)]),
        None => def.fail(inv, t, unset, vec![Evidence::new(field, "none")]),
    }
}

fn no_waf(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_stage(def, inv, &inv.rest_apis, |_, stage, t| {
        stage_setting(
            def,
            inv,
            &t,
            ("webAclArn", &stage.web_acl_arn),
            (
                "a WAF web ACL protects the stage",
                "no WAF web ACL is associated with the stage",
            ),
        )
    })
}

fn execution_logging_off(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_stage(def, inv, &inv.rest_apis, |_, stage, t| {
        let level = stage
            .method_settings
            .get("*/*")
            .and_then(|s| s.logging_level.as_ref())
            .filter(|l| !l.as_str().is_empty());
        match level {
            Some(l) if *l != LoggingLevel::Off => def.pass(
                inv,
                &t,
                format!("execution logging at {l}"),
                vec![Evidence::new(
                    "methodSettings[*/*].loggingLevel",
                    l.as_str(),
                )],
            ),
            Some(l) => def.fail(
                inv,
                &t,
                "execution logging is OFF",
                vec![Evidence::new(
                    "methodSettings[*/*].loggingLevel",
                    l.as_str(),
                )],
            ),
            None => def.fail(
                inv,
                &t,
                "execution logging is not configured",
                vec![Evidence::new("methodSettings[*/*].loggingLevel", "missing")],
            ),
        }
    })
}

fn no_tracing(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_stage(def, inv, &inv.rest_apis, |_, stage, t| {
        let ev = vec![Evidence::new(
            "tracingEnabled",
            stage.tracing_enabled.to_string(),
        )];
        if stage.tracing_enabled {
            def.pass(inv, &t, "X-Ray tracing is on", ev)
        } else {
            def.fail(inv, &t, "X-Ray tracing is off", ev)
        }
    })
}

fn cache_not_encrypted(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_stage(def, inv, &inv.rest_apis, |_, stage, t| {
        let caching: Vec<(&String, &MethodSetting)> = stage
            .method_settings
            .iter()
            .filter(|(_, s)| s.caching_enabled)
            .collect();
        if caching.is_empty() && !stage.cache_cluster_enabled {
            return def.not_applicable(inv, &t, "no caching on the stage or its methods");
        }
        // The cache cluster only holds what caching methods put in it; with none, the
        // stage default is what a method will inherit once caching is switched on.
        let judged: Vec<(String, bool)> = if caching.is_empty() {
            let encrypted = stage
                .method_settings
                .get("*/*")
                .is_some_and(|s| s.cache_data_encrypted);
            vec![("*/* (stage cache cluster)".to_string(), encrypted)]
        } else {
            caching
                .iter()
                .map(|(k, s)| (k.to_string(), s.cache_data_encrypted))
                .collect()
        };
        let mut ev = vec![Evidence::new(
            "cacheClusterEnabled",
            stage.cache_cluster_enabled.to_string(),
        )];
        ev.extend(judged.iter().map(|(k, enc)| {
            Evidence::new(
                format!("methodSettings[{k}].cacheDataEncrypted"),
                enc.to_string(),
            )
        }));
        let plain: Vec<&str> = judged
            .iter()
            .filter(|(_, enc)| !enc)
            .map(|(k, _)| k.as_str())
            .collect();
        if plain.is_empty() {
            def.pass(inv, &t, "cached data is encrypted", ev)
        } else {
            def.fail(
                inv,
                &t,
                format!("cache data is not encrypted for {}", plain.join(", ")),
                ev,
            )
        }
    })
}

fn no_client_certificate(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_stage(def, inv, &inv.rest_apis, |_, stage, t| {
        stage_setting(
            def,
            inv,
            &t,
            ("clientCertificateId", &stage.client_certificate_id),
            (
                "backends can verify calls with the stage's client certificate",
                "no client certificate: backends cannot tell API Gateway from other callers",
            ),
        )
    })
}

/// A limit that really throttles: set, not negative (Terraform's "unset"), and below the
/// account default that GetStages reports when nobody set one.
fn custom_rate(rate: Option<f64>) -> bool {
    matches!(rate, Some(r) if (0.0..ACCOUNT_DEFAULT_RATE).contains(&r))
}

fn custom_burst(burst: Option<i32>) -> bool {
    matches!(burst, Some(b) if (0..ACCOUNT_DEFAULT_BURST).contains(&b))
}

fn no_throttling(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_stage(def, inv, &inv.rest_apis, |api, stage, t| {
        let throttled = stage.method_settings.iter().find(|(_, s)| {
            custom_rate(s.throttling_rate_limit) || custom_burst(s.throttling_burst_limit)
        });
        if let Some((key, s)) = throttled {
            return def.pass(
                inv,
                &t,
                format!("throttled in methodSettings[{key}]"),
                vec![Evidence::new(
                    format!("methodSettings[{key}]"),
                    limits(s.throttling_rate_limit, s.throttling_burst_limit),
                )],
            );
        }
        let mut ev: Vec<Evidence> = stage
            .method_settings
            .iter()
            .filter(|(_, s)| {
                s.throttling_rate_limit.is_some() || s.throttling_burst_limit.is_some()
            })
            .map(|(key, s)| {
                Evidence::new(
                    format!("methodSettings[{key}]"),
                    format!(
                        "{} (account default or unset: not a throttle)",
                        limits(s.throttling_rate_limit, s.throttling_burst_limit)
                    ),
                )
            })
            .collect();
        if ev.is_empty() {
            ev.push(Evidence::new("methodSettings throttling", "none"));
        }
        let plans = match inv.usage_plans.get(&api.region) {
            None => {
                return def.unknown(
                    inv,
                    &t,
                    format!(
                        "no stage throttle, and usage plans for {} were not collected",
                        api.region
                    ),
                );
            }
            Some(Err(e)) => {
                return def.unknown(inv, &t, format!("no stage throttle; GetUsagePlans: {e}"));
            }
            Some(Ok(plans)) => plans,
        };
        let covering: Vec<_> = plans
            .iter()
            .filter(|p| {
                p.api_stages
                    .iter()
                    .any(|(id, s)| *id == api.id && *s == stage.name)
            })
            .collect();
        let throttled_plan = covering.iter().find(|p| {
            matches!(p.throttle_rate_limit, Some(r) if r >= 0.0)
                || matches!(p.throttle_burst_limit, Some(b) if b >= 0)
        });
        if let Some(p) = throttled_plan {
            return def.pass(
                inv,
                &t,
                format!("throttled by usage plan {}", p.name),
                vec![Evidence::new(
                    format!("usage plan {} ({})", p.name, p.id),
                    limits(p.throttle_rate_limit, p.throttle_burst_limit),
                )],
            );
        }
        if covering.is_empty() {
            ev.push(Evidence::new(
                "usage plans",
                format!("none covers {}/{}", api.id, stage.name),
            ));
        } else {
            ev.extend(covering.iter().map(|p| {
                Evidence::new(
                    format!("usage plan {} ({})", p.name, p.id),
                    "covers the stage without a throttle",
                )
            }));
        }
        def.fail(
            inv,
            &t,
            "no stage, method or usage-plan throttle limits this stage",
            ev,
        )
    })
}

// ───────────────────────────── domains ─────────────────────────────

fn default_endpoint_enabled(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.rest_apis
        .iter()
        .map(|api| {
            let mut mapped: Vec<(String, Option<String>)> = Vec::new();
            let mut errors: Vec<String> = Vec::new();
            for domain in inv.rest_domains.iter().filter(|d| d.region == api.region) {
                match &domain.base_path_mappings {
                    Err(e) => errors.push(format!("{}: GetBasePathMappings: {e}", domain.name)),
                    Ok(mappings) => {
                        for m in mappings.iter().filter(|m| m.rest_api_id == api.id) {
                            let base = m.base_path.trim_matches('/');
                            let base = if base.is_empty() || base == "(none)" {
                                String::new()
                            } else {
                                base.to_string()
                            };
                            mapped.push((format!("https://{}/{base}", domain.name), m.stage.clone()));
                        }
                    }
                }
            }
            let stage = mapped
                .iter()
                .find_map(|(_, s)| s.clone())
                .or_else(|| api.stages.as_ref().ok().and_then(|s| s.first()).map(|s| s.name.clone()))
                .unwrap_or_else(|| "STAGE_NAME".to_string());
            let t = api_target(api).param("stage", stage);
            // Without the domain list, "no mapping" means "not known", not "none".
            errors.extend(
                inv.list_failures
                    .iter()
                    .filter(|f| f.region == api.region && f.call == REST_DOMAIN_LISTING)
                    .map(|f| format!("GetDomainNames: {}", f.reason)),
            );
            if mapped.is_empty() {
                if errors.is_empty() {
                    return def.not_applicable(inv, &t, "not served through a custom domain");
                }
                return def.unknown(inv, &t, errors.join("; "));
            }
            let mut ev: Vec<Evidence> = mapped
                .iter()
                .map(|(url, stage)| {
                    Evidence::new(
                        "base path mapping",
                        match stage {
                            Some(s) => format!("{url} → stage {s}"),
                            None => url.clone(),
                        },
                    )
                })
                .collect();
            ev.push(Evidence::new(
                "disableExecuteApiEndpoint",
                api.disable_execute_api_endpoint.to_string(),
            ));
            if api.disable_execute_api_endpoint {
                def.pass(inv, &t, "only the custom domain serves the API", ev)
            } else {
                def.fail(
                    inv,
                    &t,
                    format!(
                        "https://{}.execute-api.{}.amazonaws.com still serves the API beside its custom domain",
                        api.id, api.region
                    ),
                    ev,
                )
            }
        })
        .collect()
}

#[cfg(test)]
mod tests;
