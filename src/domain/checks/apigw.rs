//! API Gateway REST (v1) checks: method authentication, input validation, resource
//! policies, stage hardening (WAF, logging, tracing, cache encryption, client certificate,
//! throttling, stage variables) and custom domains. The ids, severities and categories are
//! the contract in shared/CHECKS.md.
//!
//! Resources: stage checks report one finding per stage (`<api>/<stage>`, the stage ARN);
//! API checks one per API (the API ARN, its name); domain checks one per custom domain.

use crate::domain::catalogue::{CheckDef, Context, Target};
use crate::domain::checks::gateway::{
    ACCOUNT_DEFAULT_BURST, ACCOUNT_DEFAULT_RATE, Domain, access_logging_off, api_target, limits,
    per_stage, plural, present, secrets_in_stage_variables, weak_tls_domain,
};
use crate::domain::entry_points::{
    INVOKE, NETWORK_KEYS, VPC_KEYS, is_private, open_statements, policy_account, unauthenticated,
};
use crate::domain::finding::{Category, Evidence, Finding, ResourceKind, Service, Severity};
use crate::domain::inventory::{Area, Inventory, MethodSetting, RestApi, RestMethod, RestResource};
use crate::domain::policy::{PolicyDocument, Statement};

/// The listing failure the gateways area records when REST custom domains cannot be listed.
pub const DOMAIN_LISTING: &str = "apigateway:GetDomainNames";

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
        evaluate: access_logs,
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
        evaluate: stage_variables,
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
        evaluate: tls_domains,
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
        let t = self.method.authorization_type.trim();
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
    let t = api.endpoint_type.trim();
    if t.is_empty() {
        Evidence::new("endpointType", "missing (assumed EDGE, the default)")
    } else {
        Evidence::new("endpointType", t)
    }
}

fn with_method(t: Target, op: &Op<'_>) -> Target {
    t.param("resource_id", &op.resource.id)
        .param("http_method", op.verb())
}

fn method_no_auth(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.rest_apis
        .iter()
        .map(|api| {
            let t = api_target_with_stage(api);
            let resources = match &api.resources {
                Ok(r) => r,
                Err(e) => return def.unknown(inv, &t, format!("GetResources: {e}")),
            };
            let ops = operations(resources);
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
            if let Ok(authorizers) = &api.authorizers
                && !authorizers.is_empty()
            {
                let names: Vec<&str> = authorizers.iter().map(|a| a.name.as_str()).collect();
                ev.push(Evidence::new(
                    "authorizers",
                    format!(
                        "{} defined ({}) but not used by the methods above",
                        authorizers.len(),
                        names.join(", ")
                    ),
                ));
            }
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
        .collect()
}

fn api_key_only_auth(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.rest_apis
        .iter()
        .map(|api| {
            let t = api_target_with_stage(api);
            let resources = match &api.resources {
                Ok(r) => r,
                Err(e) => return def.unknown(inv, &t, format!("GetResources: {e}")),
            };
            let ops = operations(resources);
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
        .collect()
}

fn no_request_validation(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    inv.rest_apis
        .iter()
        .map(|api| {
            let t = api_target_with_stage(api);
            let resources = match &api.resources {
                Ok(r) => r,
                Err(e) => return def.unknown(inv, &t, format!("GetResources: {e}")),
            };
            let ops = operations(resources);
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
        .collect()
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

fn no_waf(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_stage(def, inv, &inv.rest_apis, |_, stage, t| {
        match present(&stage.web_acl_arn) {
            Some(acl) => def.pass(
                inv,
                &t,
                "a WAF web ACL protects the stage",
                vec![Evidence::new("webAclArn", acl)],
            ),
            None => def.fail(
                inv,
                &t,
                "no WAF web ACL is associated with the stage",
                vec![Evidence::new("webAclArn", "none")],
            ),
        }
    })
}

fn execution_logging_off(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    per_stage(def, inv, &inv.rest_apis, |_, stage, t| {
        let level = stage
            .method_settings
            .get("*/*")
            .and_then(|s| present(&s.logging_level));
        match level {
            Some(l) if !l.eq_ignore_ascii_case("OFF") => def.pass(
                inv,
                &t,
                format!("execution logging at {l}"),
                vec![Evidence::new("methodSettings[*/*].loggingLevel", l)],
            ),
            Some(l) => def.fail(
                inv,
                &t,
                "execution logging is OFF",
                vec![Evidence::new("methodSettings[*/*].loggingLevel", l)],
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

fn access_logs(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    access_logging_off(def, inv, &inv.rest_apis, "accessLogSettings.destinationArn")
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
        match present(&stage.client_certificate_id) {
            Some(id) => def.pass(
                inv,
                &t,
                "backends can verify calls with the stage's client certificate",
                vec![Evidence::new("clientCertificateId", id)],
            ),
            None => def.fail(
                inv,
                &t,
                "no client certificate: backends cannot tell API Gateway from other callers",
                vec![Evidence::new("clientCertificateId", "none")],
            ),
        }
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

fn stage_variables(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    secrets_in_stage_variables(def, inv, &inv.rest_apis, "variables")
}

// ───────────────────────────── domains ─────────────────────────────

fn tls_domains(def: &CheckDef, inv: &Inventory, _ctx: &Context) -> Vec<Finding> {
    let domains = inv.rest_domains.iter().map(|d| Domain {
        region: &d.region,
        name: &d.name,
        security_policy: &d.security_policy,
    });
    weak_tls_domain(def, inv, domains, "securityPolicy", "TLS 1.0/1.1")
}

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
                    .filter(|f| f.region == api.region && f.call == DOMAIN_LISTING)
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
mod tests {
    use std::collections::BTreeMap;

    use time::OffsetDateTime;

    use super::*;
    use crate::domain::finding::Status;
    use crate::domain::inventory::{Authorizer, BasePathMapping, RequestValidator, UsagePlan};
    use crate::domain::inventory::{RestDomain, RestStage};

    const R: &str = "eu-west-1";
    const ACCOUNT: &str = "111122223333";

    fn def(id: &str) -> &'static CheckDef {
        CHECKS.iter().find(|c| c.id == id).expect("check exists")
    }

    fn eval(id: &str, inv: &Inventory) -> Vec<Finding> {
        let d = def(id);
        (d.evaluate)(d, inv, &Context::new(OffsetDateTime::UNIX_EPOCH))
    }

    fn one(id: &str, inv: &Inventory) -> Finding {
        let mut f = eval(id, inv);
        assert_eq!(f.len(), 1, "{f:#?}");
        f.remove(0)
    }

    fn api(endpoint: &str) -> RestApi {
        RestApi {
            id: "a1b2c3d4e5".into(),
            name: "orders-api".into(),
            region: R.into(),
            endpoint_type: endpoint.into(),
            ..Default::default()
        }
    }

    fn method(verb: &str, auth: &str) -> RestMethod {
        RestMethod {
            http_method: verb.into(),
            authorization_type: auth.into(),
            ..Default::default()
        }
    }

    fn resource(id: &str, path: &str, methods: Vec<RestMethod>) -> RestResource {
        RestResource {
            id: id.into(),
            path: path.into(),
            methods,
        }
    }

    fn inv_of(apis: Vec<RestApi>) -> Inventory {
        let mut usage_plans = BTreeMap::new();
        usage_plans.insert(R.to_string(), Ok(Vec::new()));
        Inventory {
            account_id: ACCOUNT.into(),
            rest_apis: apis,
            usage_plans,
            ..Default::default()
        }
    }

    /// An API deployed to one stage, with these resources.
    fn with_resources(endpoint: &str, resources: Vec<RestResource>) -> Inventory {
        inv_of(vec![RestApi {
            resources: Ok(resources),
            stages: Ok(vec![stage("prod")]),
            ..api(endpoint)
        }])
    }

    fn stage(name: &str) -> RestStage {
        RestStage {
            name: name.into(),
            ..Default::default()
        }
    }

    fn with_stage(s: RestStage) -> Inventory {
        inv_of(vec![RestApi {
            stages: Ok(vec![s]),
            ..api("REGIONAL")
        }])
    }

    fn stages_denied() -> Inventory {
        inv_of(vec![RestApi {
            stages: Err("AccessDenied: apigateway:GET on /restapis/*/stages".into()),
            ..api("REGIONAL")
        }])
    }

    fn setting(f: impl FnOnce(&mut MethodSetting)) -> MethodSetting {
        let mut s = MethodSetting::default();
        f(&mut s);
        s
    }

    fn ev(f: &Finding, field: &str) -> Option<String> {
        f.evidence
            .iter()
            .find(|e| e.field == field)
            .map(|e| e.value.clone())
    }

    fn assert_filled(f: &Finding) {
        for text in [&f.remediation.cli, &f.remediation.terraform]
            .into_iter()
            .chain(f.remediation.console.iter())
        {
            for p in [
                "{api_id}",
                "{stage}",
                "{region}",
                "{account}",
                "{tf}",
                "{name}",
                "{arn}",
                "{domain}",
                "{resource_id}",
                "{http_method}",
                "{variable}",
                "{condition_key}",
                "{condition_value}",
                "{deny_operator}",
            ] {
                assert!(!text.contains(p), "{} left {p} in {text}", f.check_id);
            }
        }
    }

    // ─────────── catalogue ───────────

    #[test]
    fn catalogue_entries_follow_the_contract() {
        let expected = [
            ("apigw.method-no-auth", Severity::High, Category::Auth),
            ("apigw.api-key-only-auth", Severity::Medium, Category::Auth),
            (
                "apigw.no-request-validation",
                Severity::Medium,
                Category::Input,
            ),
            (
                "apigw.private-api-open-policy",
                Severity::High,
                Category::Exposure,
            ),
            ("apigw.no-waf", Severity::Medium, Category::Exposure),
            (
                "apigw.execution-logging-off",
                Severity::Medium,
                Category::Logging,
            ),
            (
                "apigw.access-logging-off",
                Severity::Medium,
                Category::Logging,
            ),
            ("apigw.no-tracing", Severity::Low, Category::Logging),
            (
                "apigw.cache-not-encrypted",
                Severity::Medium,
                Category::Encryption,
            ),
            (
                "apigw.no-client-certificate",
                Severity::Medium,
                Category::Encryption,
            ),
            ("apigw.no-throttling", Severity::High, Category::Throttling),
            (
                "apigw.secrets-in-stage-variables",
                Severity::High,
                Category::Secrets,
            ),
            (
                "apigw.weak-tls-domain",
                Severity::Medium,
                Category::Encryption,
            ),
            (
                "apigw.default-endpoint-enabled",
                Severity::Low,
                Category::Exposure,
            ),
        ];
        let got: Vec<_> = CHECKS
            .iter()
            .map(|c| (c.id, c.severity, c.category))
            .collect();
        assert_eq!(got, expected);
        for c in CHECKS {
            assert_eq!(c.service.as_str(), "apigateway");
            assert!(
                c.docs_url.starts_with("https://docs.aws.amazon.com/"),
                "{}",
                c.id
            );
            assert!(
                c.cli.starts_with("aws ") || c.cli.contains("$(aws "),
                "{}",
                c.id
            );
            assert!(c.terraform.contains("resource \""), "{}", c.id);
            assert!(!c.console.is_empty() && !c.rationale.is_empty() && !c.fix.is_empty());
        }
        let fsbp: Vec<_> = CHECKS.iter().filter_map(|c| c.fsbp).collect();
        assert_eq!(
            fsbp,
            [
                "APIGateway.4",
                "APIGateway.1",
                "APIGateway.3",
                "APIGateway.5",
                "APIGateway.2",
                "APIGateway.11"
            ]
        );
    }

    // ─────────── apigw.method-no-auth ───────────

    #[test]
    fn method_no_auth_lists_every_open_method_even_with_an_unused_authorizer() {
        let mut inv = with_resources(
            "REGIONAL",
            vec![
                resource(
                    "r1",
                    "/orders",
                    vec![
                        method("GET", "NONE"),
                        method("POST", "NONE"),
                        method("OPTIONS", "NONE"),
                    ],
                ),
                resource("r2", "/orders/{id}", vec![method("DELETE", "AWS_IAM")]),
                resource("r3", "/health", vec![method("get", "NONE")]),
            ],
        );
        inv.rest_apis[0].authorizers = Ok(vec![Authorizer {
            id: "auth1".into(),
            name: "cognito".into(),
            authorizer_type: "COGNITO_USER_POOLS".into(),
            authorizer_uri: None,
        }]);
        inv.rest_apis[0].stages = Ok(vec![stage("prod")]);
        let f = one("apigw.method-no-auth", &inv);
        assert_eq!(f.status, Status::Fail);
        assert_eq!(f.severity, Severity::High);
        assert_eq!(
            f.resource_id,
            "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5"
        );
        assert_eq!(f.resource_name, "orders-api");
        assert!(f.message.contains("3 methods"), "{}", f.message);
        for m in ["GET /health", "GET /orders", "POST /orders"] {
            assert!(f.message.contains(m), "{m} missing in {}", f.message);
            assert_eq!(ev(&f, m).as_deref(), Some("authorizationType = NONE"));
        }
        assert!(!f.message.contains("OPTIONS"));
        assert!(!f.message.contains("DELETE"));
        assert!(ev(&f, "authorizers").unwrap().contains("cognito"));
        // The fix names the first open method and the real stage.
        assert!(
            f.remediation
                .cli
                .contains("--resource-id r3 --http-method GET")
        );
        assert!(f.remediation.cli.contains("--stage-name prod"));
        assert_filled(&f);
    }

    #[test]
    fn method_no_auth_passes_when_every_method_authenticates() {
        let inv = with_resources(
            "EDGE",
            vec![resource(
                "r1",
                "/orders",
                vec![
                    method("GET", "COGNITO_USER_POOLS"),
                    method("POST", "CUSTOM"),
                    method("OPTIONS", "NONE"),
                ],
            )],
        );
        let f = one("apigw.method-no-auth", &inv);
        assert_eq!(f.status, Status::Pass, "{}", f.message);
        assert_eq!(
            ev(&f, "POST /orders").as_deref(),
            Some("authorizationType = CUSTOM")
        );
    }

    #[test]
    fn method_no_auth_is_medium_on_private_apis() {
        let inv = with_resources(
            "PRIVATE",
            vec![resource("r1", "/internal", vec![method("GET", "NONE")])],
        );
        let f = one("apigw.method-no-auth", &inv);
        assert_eq!(f.status, Status::Fail);
        assert_eq!(f.severity, Severity::Medium);
        assert!(f.message.contains("PRIVATE"));
    }

    #[test]
    fn method_no_auth_treats_a_missing_authorization_type_as_none() {
        let inv = with_resources(
            "REGIONAL",
            vec![resource("r1", "/", vec![method("PUT", "")])],
        );
        let f = one("apigw.method-no-auth", &inv);
        assert_eq!(f.status, Status::Fail);
        assert!(ev(&f, "PUT /").unwrap().contains("missing"));
    }

    #[test]
    fn method_no_auth_not_applicable_without_methods_besides_options() {
        let only_options = with_resources(
            "REGIONAL",
            vec![resource("r1", "/", vec![method("OPTIONS", "NONE")])],
        );
        assert_eq!(
            one("apigw.method-no-auth", &only_options).status,
            Status::NotApplicable
        );
        let empty = with_resources("REGIONAL", Vec::new());
        assert_eq!(
            one("apigw.method-no-auth", &empty).status,
            Status::NotApplicable
        );
    }

    #[test]
    fn method_no_auth_not_applicable_until_deployed() {
        let mut inv = with_resources(
            "REGIONAL",
            vec![resource("r1", "/", vec![method("GET", "NONE")])],
        );
        inv.rest_apis[0].stages = Ok(Vec::new());
        let f = one("apigw.method-no-auth", &inv);
        assert_eq!(f.status, Status::NotApplicable);
        assert!(f.message.contains("not deployed"), "{}", f.message);
        // Stages that could not be listed leave the methods to decide.
        inv.rest_apis[0].stages = Err("AccessDenied".into());
        assert_eq!(one("apigw.method-no-auth", &inv).status, Status::Fail);
    }

    #[test]
    fn method_no_auth_unknown_when_resources_could_not_be_read() {
        let inv = inv_of(vec![RestApi {
            resources: Err("AccessDenied: apigateway:GET".into()),
            ..api("REGIONAL")
        }]);
        let f = one("apigw.method-no-auth", &inv);
        assert_eq!(f.status, Status::Unknown);
        assert!(f.message.contains("AccessDenied"));
    }

    #[test]
    fn method_no_auth_gives_one_finding_per_api() {
        let mut a = api("REGIONAL");
        a.resources = Ok(vec![resource("r1", "/a", vec![method("GET", "NONE")])]);
        a.stages = Ok(vec![stage("prod")]);
        let mut b = a.clone();
        b.id = "zz9".into();
        b.name = "admin-api".into();
        b.resources = Ok(vec![resource("r9", "/b", vec![method("GET", "AWS_IAM")])]);
        let f = eval("apigw.method-no-auth", &inv_of(vec![a, b]));
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].status, Status::Fail);
        assert_eq!(f[1].status, Status::Pass);
        assert_eq!(f[1].resource_name, "admin-api");
    }

    // ─────────── apigw.api-key-only-auth ───────────

    #[test]
    fn api_key_only_auth_fails_on_key_without_authorizer() {
        let mut keyed = method("POST", "NONE");
        keyed.api_key_required = true;
        let mut keyed_iam = method("GET", "AWS_IAM");
        keyed_iam.api_key_required = true;
        let inv = with_resources(
            "REGIONAL",
            vec![resource("r1", "/orders", vec![keyed, keyed_iam])],
        );
        let f = one("apigw.api-key-only-auth", &inv);
        assert_eq!(f.status, Status::Fail);
        assert!(f.message.contains("POST /orders"));
        assert!(!f.message.contains("GET /orders"));
        assert!(f.remediation.cli.contains("--http-method POST"));
        assert_filled(&f);
    }

    #[test]
    fn api_key_only_auth_passes_with_authorizer_or_no_keys() {
        let mut keyed_iam = method("GET", "AWS_IAM");
        keyed_iam.api_key_required = true;
        let inv = with_resources(
            "REGIONAL",
            vec![resource(
                "r1",
                "/orders",
                vec![keyed_iam, method("POST", "NONE")],
            )],
        );
        assert_eq!(one("apigw.api-key-only-auth", &inv).status, Status::Pass);
    }

    #[test]
    fn api_key_only_auth_ignores_options_and_reports_unknown() {
        let mut options = method("OPTIONS", "NONE");
        options.api_key_required = true;
        let inv = with_resources("REGIONAL", vec![resource("r1", "/", vec![options])]);
        assert_eq!(
            one("apigw.api-key-only-auth", &inv).status,
            Status::NotApplicable
        );
        let denied = inv_of(vec![RestApi {
            resources: Err("Throttling: rate exceeded".into()),
            ..api("REGIONAL")
        }]);
        let f = one("apigw.api-key-only-auth", &denied);
        assert_eq!(f.status, Status::Unknown);
        assert!(f.message.contains("Throttling"));
    }

    // ─────────── apigw.no-request-validation ───────────

    fn validated(verb: &str, validator: Option<&str>) -> RestMethod {
        RestMethod {
            request_validator_id: validator.map(str::to_string),
            ..method(verb, "AWS_IAM")
        }
    }

    fn validator(id: &str, body: bool, params: bool) -> RequestValidator {
        RequestValidator {
            id: id.into(),
            name: format!("v-{id}"),
            validate_body: body,
            validate_parameters: params,
        }
    }

    #[test]
    fn no_request_validation_fails_on_write_method_without_validator() {
        let inv = with_resources(
            "REGIONAL",
            vec![resource(
                "r1",
                "/orders",
                vec![
                    validated("POST", None),
                    validated("PATCH", Some("  ")),
                    validated("GET", None),
                ],
            )],
        );
        let f = one("apigw.no-request-validation", &inv);
        assert_eq!(f.status, Status::Fail);
        assert!(f.message.contains("PATCH /orders") && f.message.contains("POST /orders"));
        assert!(!f.message.contains("GET"));
        assert_filled(&f);
    }

    #[test]
    fn no_request_validation_fails_on_validator_that_validates_nothing() {
        let mut a = api("REGIONAL");
        a.resources = Ok(vec![resource(
            "r1",
            "/orders",
            vec![validated("PUT", Some("v0"))],
        )]);
        a.validators = Ok(vec![validator("v0", false, false)]);
        let f = one("apigw.no-request-validation", &inv_of(vec![a]));
        assert_eq!(f.status, Status::Fail);
        assert!(ev(&f, "PUT /orders").unwrap().contains("neither"));
    }

    #[test]
    fn no_request_validation_passes_with_validators() {
        let mut a = api("REGIONAL");
        a.resources = Ok(vec![resource(
            "r1",
            "/orders",
            vec![validated("POST", Some("vb")), validated("PUT", Some("vp"))],
        )]);
        a.validators = Ok(vec![
            validator("vb", true, false),
            validator("vp", false, true),
        ]);
        assert_eq!(
            one("apigw.no-request-validation", &inv_of(vec![a])).status,
            Status::Pass
        );
    }

    #[test]
    fn no_request_validation_unknown_only_when_validators_are_needed() {
        let mut a = api("REGIONAL");
        a.resources = Ok(vec![resource(
            "r1",
            "/orders",
            vec![validated("POST", Some("vb"))],
        )]);
        a.validators = Err("AccessDenied: GetRequestValidators".into());
        let f = one("apigw.no-request-validation", &inv_of(vec![a.clone()]));
        assert_eq!(f.status, Status::Unknown);
        assert!(f.message.contains("AccessDenied"));

        // A write method without any validator fails whatever the validators say.
        a.resources = Ok(vec![resource(
            "r1",
            "/orders",
            vec![validated("POST", Some("vb")), validated("PUT", None)],
        )]);
        assert_eq!(
            one("apigw.no-request-validation", &inv_of(vec![a.clone()])).status,
            Status::Fail
        );

        // A validator id the API does not list cannot be judged.
        a.resources = Ok(vec![resource(
            "r1",
            "/orders",
            vec![validated("POST", Some("gone"))],
        )]);
        a.validators = Ok(vec![validator("vb", true, true)]);
        assert_eq!(
            one("apigw.no-request-validation", &inv_of(vec![a])).status,
            Status::Unknown
        );
    }

    #[test]
    fn no_request_validation_not_applicable_for_read_only_apis() {
        let inv = with_resources(
            "REGIONAL",
            vec![resource(
                "r1",
                "/",
                vec![validated("GET", None), validated("OPTIONS", None)],
            )],
        );
        assert_eq!(
            one("apigw.no-request-validation", &inv).status,
            Status::NotApplicable
        );
        let denied = inv_of(vec![RestApi {
            resources: Err("AccessDenied".into()),
            ..api("REGIONAL")
        }]);
        assert_eq!(
            one("apigw.no-request-validation", &denied).status,
            Status::Unknown
        );
    }

    // ─────────── apigw.private-api-open-policy ───────────

    fn with_policy(endpoint: &str, policy: Option<&str>, methods: Vec<RestMethod>) -> Inventory {
        inv_of(vec![RestApi {
            policy: policy.map(str::to_string),
            resources: Ok(vec![resource("r1", "/orders", methods)]),
            ..api(endpoint)
        }])
    }

    fn policy_status(endpoint: &str, policy: &str, methods: Vec<RestMethod>) -> Status {
        one(
            "apigw.private-api-open-policy",
            &with_policy(endpoint, Some(policy), methods),
        )
        .status
    }

    const OPEN_STRING: &str = r#"{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"}]}"#;

    #[test]
    fn private_api_without_policy_passes() {
        let f = one(
            "apigw.private-api-open-policy",
            &with_policy("PRIVATE", None, vec![method("GET", "NONE")]),
        );
        assert_eq!(f.status, Status::Pass);
        assert!(f.message.contains("rejects every call"));
    }

    #[test]
    fn private_api_policy_with_public_principal_fails_in_every_shape() {
        let object = r#"{"Statement":{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"execute-api:*","Resource":"*"}}"#;
        let list = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":["*"]},"Action":["execute-api:Invoke"],"Resource":["execute-api:/prod/*"]}]}"#;
        let encoded = serde_json::to_string(OPEN_STRING).unwrap();
        for policy in [OPEN_STRING, object, list, encoded.as_str()] {
            let f = one(
                "apigw.private-api-open-policy",
                &with_policy("PRIVATE", Some(policy), vec![method("GET", "AWS_IAM")]),
            );
            assert_eq!(f.status, Status::Fail, "{policy}");
            assert!(ev(&f, "Statement[0]").is_some(), "{:?}", f.evidence);
            assert!(f.remediation.cli.contains("aws:SourceVpce"));
            assert_filled(&f);
        }
    }

    #[test]
    fn private_api_policy_restricted_to_vpc_endpoints_passes() {
        let allow_with_condition = r#"{"Statement":[{"Sid":"vpce","Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-0abc"}}}]}"#;
        let for_any_value = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:sourcevpc":["vpc-1","vpc-2"]}}}]}"#;
        // The pattern AWS documents: allow everyone, deny unless from the endpoint.
        let deny_pattern = r#"{"Statement":[
            {"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"},
            {"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*",
             "Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0abc"}}}]}"#;
        let full_arns = r#"{"Statement":[
            {"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/prod/GET/orders"},
            {"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"arn:aws:execute-api:eu-west-1:111122223333:a1b2c3d4e5/*",
             "Condition":{"StringNotEquals":{"aws:SourceVpce":["vpce-0abc"]}}}]}"#;
        for policy in [allow_with_condition, for_any_value, deny_pattern, full_arns] {
            assert_eq!(
                policy_status("PRIVATE", policy, vec![method("GET", "NONE")]),
                Status::Pass,
                "{policy}"
            );
        }
    }

    #[test]
    fn private_api_policy_with_weak_conditions_fails() {
        let ip_only = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}]}"#;
        let null_check = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"Null":{"aws:SourceVpce":"false"}}}]}"#;
        let any_vpce = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"StringLike":{"aws:SourceVpce":"vpce-*"}}}]}"#;
        let if_exists = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}}]}"#;
        // A Deny that covers one path leaves the rest open.
        let partial_deny = r#"{"Statement":[
            {"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/*"},
            {"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"execute-api:/prod/GET/admin",
             "Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-0abc"}}}]}"#;
        for policy in [ip_only, null_check, any_vpce, if_exists, partial_deny] {
            assert_eq!(
                policy_status("PRIVATE", policy, vec![method("GET", "AWS_IAM")]),
                Status::Fail,
                "{policy}"
            );
        }
    }

    #[test]
    fn private_api_policy_for_specific_accounts_passes() {
        let account = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"execute-api:Invoke","Resource":"*"}]}"#;
        let deny_all = r#"{"Statement":[{"Effect":"Deny","Principal":"*","Action":"execute-api:Invoke","Resource":"*"}]}"#;
        for policy in [account, deny_all] {
            assert_eq!(
                policy_status("PRIVATE", policy, vec![method("GET", "NONE")]),
                Status::Pass
            );
        }
    }

    #[test]
    fn public_api_open_policy_fails_only_with_unauthenticated_methods() {
        assert_eq!(
            policy_status("REGIONAL", OPEN_STRING, vec![method("GET", "NONE")]),
            Status::Fail
        );
        let f = one(
            "apigw.private-api-open-policy",
            &with_policy("EDGE", Some(OPEN_STRING), vec![method("GET", "NONE")]),
        );
        assert_eq!(
            ev(&f, "unauthenticated methods").as_deref(),
            Some("GET /orders")
        );
        assert!(f.remediation.cli.contains("aws:SourceIp"));
        assert_filled(&f);
        assert_eq!(
            policy_status(
                "REGIONAL",
                OPEN_STRING,
                vec![method("GET", "AWS_IAM"), method("OPTIONS", "NONE")]
            ),
            Status::Pass
        );
        let ip_restricted = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24"]}}}]}"#;
        assert_eq!(
            policy_status("REGIONAL", ip_restricted, vec![method("GET", "NONE")]),
            Status::Pass
        );
        let everywhere = r#"{"Statement":[{"Effect":"Allow","Principal":"*","Action":"execute-api:Invoke","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"0.0.0.0/0"}}}]}"#;
        assert_eq!(
            policy_status("REGIONAL", everywhere, vec![method("GET", "NONE")]),
            Status::Fail
        );
    }

    #[test]
    fn public_api_without_policy_passes() {
        let f = one(
            "apigw.private-api-open-policy",
            &with_policy("REGIONAL", None, vec![method("GET", "NONE")]),
        );
        assert_eq!(f.status, Status::Pass);
    }

    #[test]
    fn open_policy_unknown_on_parse_error_or_missing_methods() {
        assert_eq!(
            policy_status("PRIVATE", "{not json", vec![]),
            Status::Unknown
        );
        let mut inv = with_policy("REGIONAL", Some(OPEN_STRING), vec![]);
        inv.rest_apis[0].resources = Err("AccessDenied".into());
        let f = one("apigw.private-api-open-policy", &inv);
        assert_eq!(f.status, Status::Unknown);
        // A restricted policy does not need the methods.
        let restricted = r#"{"Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"execute-api:Invoke","Resource":"*"}]}"#;
        inv.rest_apis[0].policy = Some(restricted.into());
        assert_eq!(
            one("apigw.private-api-open-policy", &inv).status,
            Status::Pass
        );
    }

    // ─────────── stage checks ───────────

    #[test]
    fn stage_checks_report_unknown_for_the_api_when_stages_are_missing() {
        let inv = stages_denied();
        for id in [
            "apigw.no-waf",
            "apigw.execution-logging-off",
            "apigw.access-logging-off",
            "apigw.no-tracing",
            "apigw.cache-not-encrypted",
            "apigw.no-client-certificate",
            "apigw.no-throttling",
            "apigw.secrets-in-stage-variables",
        ] {
            let f = one(id, &inv);
            assert_eq!(f.status, Status::Unknown, "{id}");
            assert_eq!(
                f.resource_id,
                "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5"
            );
            assert!(f.message.contains("AccessDenied"), "{id}");
            assert_filled(&f);
        }
    }

    #[test]
    fn stage_findings_name_the_stage() {
        let mut inv = with_stage(stage("prod"));
        if let Ok(stages) = &mut inv.rest_apis[0].stages {
            stages.push(stage("dev"));
        }
        let f = eval("apigw.no-waf", &inv);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].resource_name, "orders-api/prod");
        assert_eq!(
            f[0].resource_id,
            "arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/prod"
        );
        assert_eq!(f[1].resource_name, "orders-api/dev");
        assert!(f[1].remediation.terraform.contains("orders_api_dev"));
    }

    #[test]
    fn no_waf_pass_and_fail() {
        let f = one("apigw.no-waf", &with_stage(stage("prod")));
        assert_eq!(f.status, Status::Fail);
        assert!(f.remediation.cli.contains(
            "--resource-arn arn:aws:apigateway:eu-west-1::/restapis/a1b2c3d4e5/stages/prod"
        ));
        assert!(
            f.remediation
                .cli
                .contains("arn:aws:wafv2:eu-west-1:111122223333:")
        );
        assert_filled(&f);
        let mut s = stage("prod");
        s.web_acl_arn = Some("arn:aws:wafv2:eu-west-1:111122223333:regional/webacl/main/1".into());
        assert_eq!(one("apigw.no-waf", &with_stage(s)).status, Status::Pass);
        let mut blank = stage("prod");
        blank.web_acl_arn = Some(String::new());
        assert_eq!(one("apigw.no-waf", &with_stage(blank)).status, Status::Fail);
    }

    #[test]
    fn execution_logging_needs_the_stage_default() {
        let level = |key: &str, l: Option<&str>| {
            let mut s = stage("prod");
            s.method_settings.insert(
                key.into(),
                setting(|m| m.logging_level = l.map(str::to_string)),
            );
            one("apigw.execution-logging-off", &with_stage(s))
        };
        assert_eq!(level("*/*", Some("ERROR")).status, Status::Pass);
        assert_eq!(level("*/*", Some("INFO")).status, Status::Pass);
        assert_eq!(level("*/*", Some("OFF")).status, Status::Fail);
        assert_eq!(level("*/*", None).status, Status::Fail);
        // A single method logging does not make the stage log.
        assert_eq!(level("~1orders/GET", Some("INFO")).status, Status::Fail);
        let f = one("apigw.execution-logging-off", &with_stage(stage("prod")));
        assert_eq!(f.status, Status::Fail);
        assert_eq!(
            f.remediation.cli,
            "aws apigateway update-stage --rest-api-id a1b2c3d4e5 --stage-name prod \
             --patch-operations op=replace,path=/*/*/logging/loglevel,value=ERROR --region eu-west-1"
        );
    }

    #[test]
    fn access_logging_pass_and_fail() {
        let mut s = stage("prod");
        s.access_log_destination =
            Some("arn:aws:logs:eu-west-1:111122223333:log-group:access".into());
        assert_eq!(
            one("apigw.access-logging-off", &with_stage(s)).status,
            Status::Pass
        );
        let f = one("apigw.access-logging-off", &with_stage(stage("prod")));
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.remediation
                .cli
                .contains("log-group:API-Gateway-Access-Logs_a1b2c3d4e5/prod")
        );
        assert_filled(&f);
    }

    #[test]
    fn tracing_pass_and_fail() {
        let mut s = stage("prod");
        s.tracing_enabled = true;
        assert_eq!(one("apigw.no-tracing", &with_stage(s)).status, Status::Pass);
        let f = one("apigw.no-tracing", &with_stage(stage("prod")));
        assert_eq!(f.status, Status::Fail);
        assert_eq!(ev(&f, "tracingEnabled").as_deref(), Some("false"));
    }

    #[test]
    fn cache_encryption_cases() {
        assert_eq!(
            one("apigw.cache-not-encrypted", &with_stage(stage("prod"))).status,
            Status::NotApplicable
        );
        // Cluster on, no caching method, stage default not encrypted (or missing).
        let mut cluster = stage("prod");
        cluster.cache_cluster_enabled = true;
        assert_eq!(
            one("apigw.cache-not-encrypted", &with_stage(cluster.clone())).status,
            Status::Fail
        );
        cluster
            .method_settings
            .insert("*/*".into(), setting(|m| m.cache_data_encrypted = true));
        assert_eq!(
            one("apigw.cache-not-encrypted", &with_stage(cluster)).status,
            Status::Pass
        );
        // Method-level caching without a cluster flag still counts.
        let mut method_cache = stage("prod");
        method_cache
            .method_settings
            .insert("~1orders/GET".into(), setting(|m| m.caching_enabled = true));
        let f = one(
            "apigw.cache-not-encrypted",
            &with_stage(method_cache.clone()),
        );
        assert_eq!(f.status, Status::Fail);
        assert!(f.message.contains("~1orders/GET"));
        method_cache.method_settings.insert(
            "~1orders/GET".into(),
            setting(|m| {
                m.caching_enabled = true;
                m.cache_data_encrypted = true;
            }),
        );
        assert_eq!(
            one("apigw.cache-not-encrypted", &with_stage(method_cache)).status,
            Status::Pass
        );
    }

    #[test]
    fn client_certificate_pass_and_fail() {
        let mut s = stage("prod");
        s.client_certificate_id = Some("abc123".into());
        assert_eq!(
            one("apigw.no-client-certificate", &with_stage(s)).status,
            Status::Pass
        );
        let f = one("apigw.no-client-certificate", &with_stage(stage("prod")));
        assert_eq!(f.status, Status::Fail);
        assert!(f.remediation.cli.contains("--stage-name prod"));
        assert_filled(&f);
    }

    // ─────────── apigw.no-throttling ───────────

    fn throttled(key: &str, rate: Option<f64>, burst: Option<i32>) -> RestStage {
        let mut s = stage("prod");
        s.method_settings.insert(
            key.into(),
            setting(|m| {
                m.throttling_rate_limit = rate;
                m.throttling_burst_limit = burst;
            }),
        );
        s
    }

    fn plan(stages: &[(&str, &str)], rate: Option<f64>, burst: Option<i32>) -> UsagePlan {
        UsagePlan {
            id: "up1".into(),
            name: "basic".into(),
            api_stages: stages
                .iter()
                .map(|(a, s)| (a.to_string(), s.to_string()))
                .collect(),
            throttle_rate_limit: rate,
            throttle_burst_limit: burst,
        }
    }

    fn with_plans(s: RestStage, plans: Result<Vec<UsagePlan>, String>) -> Inventory {
        let mut inv = with_stage(s);
        inv.usage_plans.insert(R.into(), plans);
        inv
    }

    #[test]
    fn throttling_from_stage_or_method_settings_passes() {
        let stage_level = throttled("*/*", Some(100.0), Some(200));
        assert_eq!(
            one("apigw.no-throttling", &with_stage(stage_level)).status,
            Status::Pass
        );
        let method_level = throttled("~1orders/POST", None, Some(10));
        let f = one("apigw.no-throttling", &with_stage(method_level.clone()));
        assert_eq!(f.status, Status::Pass);
        assert!(f.message.contains("~1orders/POST"));
        // Stage throttling decides even when usage plans could not be read.
        let f = one(
            "apigw.no-throttling",
            &with_plans(method_level, Err("AccessDenied: GetUsagePlans".into())),
        );
        assert_eq!(f.status, Status::Pass);
    }

    #[test]
    fn account_default_or_negative_limits_are_not_throttles() {
        for (rate, burst) in [
            (Some(10_000.0), Some(5_000)),
            (Some(-1.0), Some(-1)),
            (None, None),
        ] {
            let f = one(
                "apigw.no-throttling",
                &with_stage(throttled("*/*", rate, burst)),
            );
            assert_eq!(f.status, Status::Fail, "{rate:?} {burst:?}");
            assert_filled(&f);
        }
    }

    #[test]
    fn usage_plan_throttle_covering_the_stage_passes() {
        let f = one(
            "apigw.no-throttling",
            &with_plans(
                stage("prod"),
                Ok(vec![plan(&[("a1b2c3d4e5", "prod")], Some(50.0), None)]),
            ),
        );
        assert_eq!(f.status, Status::Pass);
        assert!(f.message.contains("basic"));
    }

    #[test]
    fn usage_plans_that_do_not_cover_or_do_not_throttle_fail() {
        let other_stage = plan(&[("a1b2c3d4e5", "dev")], Some(50.0), Some(10));
        let f = one(
            "apigw.no-throttling",
            &with_plans(stage("prod"), Ok(vec![other_stage])),
        );
        assert_eq!(f.status, Status::Fail);
        assert!(ev(&f, "usage plans").unwrap().contains("none covers"));
        let no_throttle = plan(&[("a1b2c3d4e5", "prod")], None, None);
        let f = one(
            "apigw.no-throttling",
            &with_plans(stage("prod"), Ok(vec![no_throttle])),
        );
        assert_eq!(f.status, Status::Fail);
        assert!(ev(&f, "usage plan basic (up1)").is_some());
    }

    #[test]
    fn throttling_unknown_when_usage_plans_are_missing() {
        let f = one(
            "apigw.no-throttling",
            &with_plans(
                stage("prod"),
                Err("AccessDenied: apigateway:GET /usageplans".into()),
            ),
        );
        assert_eq!(f.status, Status::Unknown);
        assert!(f.message.contains("AccessDenied"));
        let mut inv = with_stage(stage("prod"));
        inv.usage_plans.clear();
        let f = one("apigw.no-throttling", &inv);
        assert_eq!(f.status, Status::Unknown);
        assert!(f.message.contains("not collected"));
    }

    // ─────────── apigw.secrets-in-stage-variables ───────────

    #[test]
    fn stage_variable_secrets_are_reported_masked() {
        let key_id = format!("{}{}", "AKIA", "IOSFODNN7EXAMPLE");
        let mut s = stage("prod");
        s.variables.insert("backendKey".into(), key_id.clone());
        s.variables.insert("lambdaAlias".into(), "live".into());
        let f = one("apigw.secrets-in-stage-variables", &with_stage(s));
        assert_eq!(f.status, Status::Fail);
        assert!(f.message.contains("backendKey"));
        assert!(!f.message.contains("lambdaAlias"));
        let json = serde_json::to_string(&f).unwrap();
        assert!(!json.contains(&key_id), "secret value leaked: {json}");
        assert!(ev(&f, "variables.backendKey").unwrap().contains("****"));
        assert!(
            f.remediation
                .cli
                .contains("op=remove,path=/variables/backendKey")
        );
        assert_filled(&f);
    }

    #[test]
    fn stage_variables_without_secrets_pass() {
        assert_eq!(
            one(
                "apigw.secrets-in-stage-variables",
                &with_stage(stage("prod"))
            )
            .status,
            Status::Pass
        );
        let mut s = stage("prod");
        s.variables.insert("alias".into(), "live".into());
        s.variables.insert(
            "secretArn".into(),
            "arn:aws:secretsmanager:eu-west-1:111122223333:secret:db-AbCdEf".into(),
        );
        let f = one("apigw.secrets-in-stage-variables", &with_stage(s));
        assert_eq!(f.status, Status::Pass, "{}", f.message);
        assert_eq!(ev(&f, "variables").as_deref(), Some("alias, secretArn"));
    }

    // ─────────── apigw.weak-tls-domain ───────────

    fn domain(policy: Option<&str>) -> Inventory {
        Inventory {
            rest_domains: vec![RestDomain {
                name: "api.example.com".into(),
                region: R.into(),
                security_policy: policy.map(str::to_string),
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    #[test]
    fn weak_tls_domain_cases() {
        let f = one("apigw.weak-tls-domain", &domain(Some("TLS_1_0")));
        assert_eq!(f.status, Status::Fail);
        assert_eq!(
            f.resource_id,
            "arn:aws:apigateway:eu-west-1::/domainnames/api.example.com"
        );
        assert_eq!(f.resource_name, "api.example.com");
        assert!(f.remediation.cli.contains("--domain-name api.example.com"));
        assert!(f.remediation.terraform.contains("api_example_com"));
        assert_filled(&f);
        for good in [
            "TLS_1_2",
            "SecurityPolicy_TLS13_1_3_2025_09",
            "SecurityPolicy_TLS13_1_2_PFS_PQ_2025_09",
            "SecurityPolicy_TLS12_PFS_2025_EDGE",
        ] {
            assert_eq!(
                one("apigw.weak-tls-domain", &domain(Some(good))).status,
                Status::Pass,
                "{good}"
            );
        }
        assert_eq!(
            one("apigw.weak-tls-domain", &domain(Some("TLS-1-0"))).status,
            Status::Fail
        );
        assert_eq!(
            one("apigw.weak-tls-domain", &domain(None)).status,
            Status::Unknown
        );
        assert_eq!(
            one("apigw.weak-tls-domain", &domain(Some("SomethingNew"))).status,
            Status::Unknown
        );
    }

    // ─────────── apigw.default-endpoint-enabled ───────────

    fn mapped(disabled: bool, mappings: Result<Vec<BasePathMapping>, String>) -> Inventory {
        let mut inv = inv_of(vec![RestApi {
            disable_execute_api_endpoint: disabled,
            ..api("REGIONAL")
        }]);
        inv.rest_domains = vec![RestDomain {
            name: "api.example.com".into(),
            region: R.into(),
            security_policy: Some("TLS_1_2".into()),
            base_path_mappings: mappings,
        }];
        inv
    }

    fn mapping(api_id: &str) -> BasePathMapping {
        BasePathMapping {
            base_path: "(none)".into(),
            rest_api_id: api_id.into(),
            stage: Some("prod".into()),
        }
    }

    #[test]
    fn default_endpoint_cases() {
        let f = one(
            "apigw.default-endpoint-enabled",
            &mapped(false, Ok(vec![mapping("a1b2c3d4e5")])),
        );
        assert_eq!(f.status, Status::Fail);
        assert!(
            f.message
                .contains("a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com")
        );
        assert_eq!(
            ev(&f, "base path mapping").as_deref(),
            Some("https://api.example.com/ → stage prod")
        );
        assert!(f.remediation.cli.contains("--stage-name prod"));
        assert_filled(&f);
        assert_eq!(
            one(
                "apigw.default-endpoint-enabled",
                &mapped(true, Ok(vec![mapping("a1b2c3d4e5")]))
            )
            .status,
            Status::Pass
        );
        assert_eq!(
            one(
                "apigw.default-endpoint-enabled",
                &mapped(false, Ok(vec![mapping("other")]))
            )
            .status,
            Status::NotApplicable
        );
        let f = one(
            "apigw.default-endpoint-enabled",
            &mapped(false, Err("AccessDenied".into())),
        );
        assert_eq!(f.status, Status::Unknown);
        assert!(f.message.contains("api.example.com"));
    }

    #[test]
    fn default_endpoint_ignores_other_regions_and_decides_despite_other_errors() {
        let mut inv = mapped(false, Ok(vec![mapping("a1b2c3d4e5")]));
        inv.rest_domains[0].region = "us-east-1".into();
        assert_eq!(
            one("apigw.default-endpoint-enabled", &inv).status,
            Status::NotApplicable
        );
        let mut inv = mapped(false, Ok(vec![mapping("a1b2c3d4e5")]));
        inv.rest_domains.push(RestDomain {
            name: "broken.example.com".into(),
            region: R.into(),
            security_policy: None,
            base_path_mappings: Err("AccessDenied".into()),
        });
        assert_eq!(
            one("apigw.default-endpoint-enabled", &inv).status,
            Status::Fail
        );
    }

    #[test]
    fn default_endpoint_unknown_when_domains_could_not_be_listed() {
        let mut inv = mapped(false, Ok(vec![mapping("other")]));
        inv.rest_domains.clear();
        inv.list_failures
            .push(crate::domain::inventory::ListFailure {
                service: Service::ApiGateway,
                region: R.into(),
                call: DOMAIN_LISTING.into(),
                reason: "Unreachable: apigateway:GET (timed out)".into(),
            });
        let found = eval("apigw.default-endpoint-enabled", &inv);
        let api = found
            .iter()
            .find(|f| f.resource_name == "orders-api")
            .expect("the API's own finding");
        assert_eq!(api.status, Status::Unknown, "{}", api.message);
        assert!(
            api.message.contains("GetDomainNames: Unreachable"),
            "{}",
            api.message
        );
        // Another region's failure says nothing about this one.
        inv.list_failures[0].region = "us-east-1".into();
        assert_eq!(
            one("apigw.default-endpoint-enabled", &inv).status,
            Status::NotApplicable
        );
    }
}
