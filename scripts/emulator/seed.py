#!/usr/bin/env python3
"""Seeds a realistic serverless account into the AWS emulator (moto) through boto3.

    python seed.py --endpoint http://127.0.0.1:PORT [--region us-east-1] [--profile small]
                   [--functions N --rest-apis N --secrets N] [--aged] [--code-packages DIR]
                   [--functions N --code-bulk DIR [--code-bulk-kib K]]

Prints a JSON manifest of what it created on stdout: names of functions, roles, APIs, stages,
domains, secrets and keys by role in the fixture, plus `secret_values` (every credential-like
value it planted, so a test can assert none of them reaches a snapshot).

Profiles:
- `small` (default): one of everything Parapet checks, each check with a passing and a failing
  resource where the emulator can express it (see the manifest's keys).
- `--aged`: only secrets, for an emulator whose clock runs behind (moto_launcher.py
  --secrets-clock-offset-days): rotation overdue, never rotated for months, never accessed.
- `--functions/--rest-apis/--secrets N`: bulk plain resources on top (for the benchmark).
- `--code-packages DIR`: functions and a layer whose deployment packages hold real packages'
  metadata (npm package.json, Python METADATA from tests/data/packages), a credential in a
  config file and an image function, for Parapet's `--code` mode; every zip uploaded is also
  written to DIR/function/NAME.zip and DIR/layer/NAME/VERSION.zip, the layout
  fault_proxy.py --code-dir serves. Manifest key `code`: the functions and layers with their
  zips, `planted_secret_values`, and `expected` (which advisories of tests/data/osv affect
  which package, and the planted credentials' files and lines).
- `--code-bulk DIR` (with `--functions N`; for scripts/emulator/bench_code.py): each bulk
  function gets its own deployment package (distinct bytes, so a distinct CodeSha256) holding
  real packages' metadata from tests/data/packages (three in four Node: lodash 4.17.15/4.17.21,
  minimist 1.2.5/1.2.8, sometimes @hapi/hoek; one in four Python: urllib3 1.26.4/2.2.2 and
  requests), padded with generated code-like JavaScript/Python (about --code-bulk-kib KiB of
  text, 512 by default: about 170 KB zipped, a third the function's own files, the rest its
  dependencies' sources). Three shared layers (node-common v1 with lodash 4.17.15, v2 with
  lodash 4.17.21, py-common with urllib3 1.26.4; padded the same way) are published and four
  functions in five use one. Every zip is written to DIR as --code-packages does, and so are
  the small account's (its functions share one tiny zip), so every package of the account can
  be read. Manifest key `code_bulk`: the layers, the sizes, and `readable`: the distinct
  packages a `--code` scan must download (distinct CodeSha256 of Zip functions plus the layer
  versions in use).

Uses dummy credentials; talks to nothing but --endpoint.
"""

import argparse
import base64
import hashlib
import io
import json
import os
import random
import re
import sys
import threading
import time
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor

import boto3
from botocore.config import Config

ACCOUNT = "123456789012"
OTHER_ACCOUNT = "999988887777"

# Credential-looking values planted in env vars, stage variables and secrets. Fake, but shaped
# like the real thing so the detectors fire.
FAKE_STRIPE = "sk_live_51HxQeRtYuIoPaSdFgHjKlZx"
FAKE_GITHUB = "ghp_Zq8xT4vN2mK7pL9wR3sY6uB1cD5eF0gH2jK4"
FAKE_DB_PASSWORD = "Xk9#qL2v!Rm7@Tz4$Wp8^Yn3&Bs6*Hd1"
SECRET_STRINGS = {
    "prod/db/master": '{"username":"app","password":"Qz7!kP2#vL9@xR4$mN8^"}',
    "prod/partner/api-key": "pk-partner-Vb6Nm3Kq9Lw2Xz8Rt5Yp",
    "prod/public/token": "tok-public-Hg4Jd8Fs2Ka6Lq9Wz3Xc",
    "dev/db/password": "dev-password-Rt5Yp7Lw2Xz8Nm3Kq9",
    "prod/orphan/doomed": "doomed-value-Kq9Lw2Xz8Rt5Yp7Nm3",
}
AGED_SECRET_STRINGS = {
    "aged/never-rotated": "aged-value-Wz3Xc6Hg4Jd8Fs2Ka9",
    "aged/rotation-overdue": "aged-rotating-Lq9Wz3Xc6Hg4Jd8Fs",
}

# --code-packages: an AWS key pair committed in a function's config file. Fake (EXAMPLE in the
# key id), but well formed: `AKIA` + 16 of [A-Z0-9], and 40 characters of base64 with upper,
# lower and digit, so the code-secret detectors fire. No output of Parapet may hold either.
FAKE_CODE_KEY_ID = "AKIAQ7EXAMPLECODEKEY"
FAKE_CODE_SECRET_KEY = "fAkE7sEcReT/pArApEt+CoDeScAn/EXAMPLEk3y9"
assert re.fullmatch(r"AKIA[A-Z0-9]{16}", FAKE_CODE_KEY_ID)
assert re.fullmatch(r"[A-Za-z0-9/+]{40}", FAKE_CODE_SECRET_KEY)

# Real packages' metadata, as their registries publish it (npm tarballs' package/package.json,
# wheels' *.dist-info/METADATA).
PACKAGES_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests",
                            "data", "packages")

# What the advisories in tests/data/osv say of each package the --code-packages zips hold.
# Derived by hand from each advisory's `affected[].ranges` (ECOSYSTEM events: affected from
# `introduced` up to, not including, `fixed`) and `versions` lists, one advisory file at a time:
#   npm/GHSA-35jh-r3h4-6jhm  lodash    [0, 4.17.21)                 -> 4.17.15 affected, 4.17.21 not
#   npm/GHSA-vh95-rmgr-6w4m  minimist  [0, 0.2.1), [1.0.0, 1.2.3)   -> 1.2.5 and 1.2.8 not affected
#   npm/GHSA-xvch-5gv4-984h  minimist  [0, 0.2.4), [1.0.0, 1.2.6)   -> 1.2.5 affected, 1.2.8 not
#   PyPI/GHSA-v845-jxx5-vc9f urllib3   [0, 1.26.17), [2.0.0, 2.0.6) -> 1.26.4 affected, 2.2.2 not
#   PyPI/PYSEC-2021-59       urllib3   [1.26.0, 1.26.4), versions 1.26.0-1.26.3
#                                                                   -> 1.26.4 and 2.2.2 not affected
# `affected_by`: the advisories whose ranges hold the version; `fixed`: the advisories about the
# same package whose ranges do not (the version has the fix, or never had the flaw). Only the
# advisories in tests/data/osv count: none of them names @hapi/hoek or requests, so those two
# have neither (whatever other databases say of them).
CODE_ADVISORIES = {
    ("npm", "lodash", "4.17.15"): (["GHSA-35jh-r3h4-6jhm"], []),
    ("npm", "lodash", "4.17.21"): ([], ["GHSA-35jh-r3h4-6jhm"]),
    ("npm", "minimist", "1.2.5"): (["GHSA-xvch-5gv4-984h"], ["GHSA-vh95-rmgr-6w4m"]),
    ("npm", "minimist", "1.2.8"): ([], ["GHSA-vh95-rmgr-6w4m", "GHSA-xvch-5gv4-984h"]),
    ("npm", "@hapi/hoek", "9.0.0"): ([], []),
    ("PyPI", "urllib3", "1.26.4"): (["GHSA-v845-jxx5-vc9f"], ["PYSEC-2021-59"]),
    ("PyPI", "urllib3", "2.2.2"): ([], ["GHSA-v845-jxx5-vc9f", "PYSEC-2021-59"]),
    ("PyPI", "requests", "2.25.0"): ([], []),
}


def log(msg):
    print(f"seed: {msg}", file=sys.stderr, flush=True)


class Seeder:
    def __init__(self, endpoint, region, account=ACCOUNT, credentials=None):
        """`credentials` (access key, secret key, session token) of a role in `account`, or
        None for the emulator's default account with dummy keys."""
        self.endpoint = endpoint.rstrip("/")
        self.region = region
        self.account = account
        cfg = Config(retries={"max_attempts": 2, "mode": "standard"}, max_pool_connections=32)
        key, secret, token = credentials or ("testing", "testing", None)
        session = boto3.session.Session(
            aws_access_key_id=key,
            aws_secret_access_key=secret,
            aws_session_token=token,
            region_name=region,
        )
        self.client = lambda svc: session.client(svc, endpoint_url=self.endpoint, config=cfg)
        self.iam = self.client("iam")
        self.lam = self.client("lambda")
        self.apigw = self.client("apigateway")
        self.v2 = self.client("apigatewayv2")
        self.sm = self.client("secretsmanager")
        self.kms = self.client("kms")
        self.ec2 = self.client("ec2")
        self.sqs = self.client("sqs")
        self.wafv2 = self.client("wafv2")
        self.manifest = {"region": region, "account": account, "secret_values": []}
        self.zip = make_zip()
        self.configured = False

    def configure_emulator(self):
        req = urllib.request.Request(
            f"{self.endpoint}/moto-api/config",
            data=json.dumps({"lambda": {"use_docker": False}}).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        urllib.request.urlopen(req, timeout=10).read()
        # The same ids (REST API ids, secret ARN suffixes, ...) on every run: the fault proxy
        # decides per request, and a request names those ids, so the faults a scan meets are
        # the same run after run instead of depending on moto's random ids.
        seed = urllib.request.Request(f"{self.endpoint}/moto-api/seed?a=42", method="POST")
        urllib.request.urlopen(seed, timeout=10).read()
        self.configured = True

    # ───────────────────────────── IAM ─────────────────────────────

    def role(self, name, managed=(), inline=None):
        trust = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "lambda.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }
            ],
        }
        arn = self.iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))[
            "Role"
        ]["Arn"]
        for policy_arn in managed:
            self.iam.attach_role_policy(RoleName=name, PolicyArn=policy_arn)
        if inline:
            for policy_name, doc in inline.items():
                self.iam.put_role_policy(
                    RoleName=name, PolicyName=policy_name, PolicyDocument=json.dumps(doc)
                )
        return arn

    # ───────────────────────────── Lambda ─────────────────────────────

    def function(self, name, role, runtime="python3.12", **extra):
        args = dict(
            FunctionName=name,
            Runtime=runtime,
            Role=role,
            Handler="index.handler",
            Code={"ZipFile": self.zip},
            Timeout=10,
        )
        args.update(extra)
        return self.lam.create_function(**args)["FunctionArn"]

    def integration_uri(self, function_arn):
        return (
            f"arn:aws:apigateway:{self.region}:lambda:path/2015-03-31/functions/"
            f"{function_arn}/invocations"
        )

    # ───────────────────────────── the small account ─────────────────────────────

    def seed_small(self):
        r = self.region
        m = self.manifest
        self.configure_emulator()

        # Network bits for VPC-attached functions and VPC links.
        vpc = self.ec2.create_vpc(CidrBlock="10.0.0.0/16")["Vpc"]["VpcId"]
        subnet = self.ec2.create_subnet(VpcId=vpc, CidrBlock="10.0.1.0/24")["Subnet"]["SubnetId"]
        sg = self.ec2.create_security_group(GroupName="fn-sg", Description="fn", VpcId=vpc)[
            "GroupId"
        ]
        dlq = self.sqs.create_queue(QueueName="failed-events")["QueueUrl"]
        dlq_arn = self.sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])[
            "Attributes"
        ]["QueueArn"]

        # ── KMS keys: used by functions (env) and secrets.
        def key(alias, rotation, policy=None):
            args = {"Description": alias}
            if policy:
                args["Policy"] = json.dumps(policy)
            meta = self.kms.create_key(**args)["KeyMetadata"]
            self.kms.create_alias(AliasName=f"alias/{alias}", TargetKeyId=meta["KeyId"])
            if rotation:
                self.kms.enable_key_rotation(KeyId=meta["KeyId"])
            return meta["Arn"], meta["KeyId"]

        owner_policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "Owner",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{self.account}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                }
            ],
        }
        public_policy = {
            "Version": "2012-10-17",
            "Statement": owner_policy["Statement"]
            + [
                {
                    "Sid": "Anyone",
                    "Effect": "Allow",
                    "Principal": {"AWS": "*"},
                    "Action": ["kms:Decrypt", "kms:DescribeKey"],
                    "Resource": "*",
                }
            ],
        }
        env_key_arn, _ = key("app-env", rotation=True, policy=owner_policy)
        secret_key_arn, _ = key("secrets-norotate", rotation=False, policy=owner_policy)
        open_key_arn, _ = key("open-key", rotation=True, policy=public_policy)
        doomed_key_arn, doomed_key_id = key("doomed", rotation=True, policy=owner_policy)
        m["keys"] = {
            "rotating": "app-env",
            "not_rotating": "secrets-norotate",
            "public_policy": "open-key",
            "pending_deletion": "doomed",
        }

        # ── Roles from administrator to least privilege.
        basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        admin_role = self.role("admin-role", managed=["arn:aws:iam::aws:policy/AdministratorAccess"])
        least_role = self.role(
            "least-privilege-role",
            managed=[basic],
            inline={
                "orders-table": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": ["dynamodb:GetItem", "dynamodb:PutItem"],
                            "Resource": f"arn:aws:dynamodb:{r}:{self.account}:table/orders",
                        }
                    ],
                }
            },
        )
        reader_role = self.role(
            "secret-reader-role",
            managed=[basic],
            inline={
                "read-any-secret": {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "secretsmanager:GetSecretValue",
                            "Resource": "*",
                        }
                    ],
                }
            },
        )
        m["roles"] = {
            "admin": "admin-role",
            "least_privilege": "least-privilege-role",
            "overprivileged": "secret-reader-role",
        }

        # ── Functions.
        layer_arn = self.lam.publish_layer_version(
            LayerName="shared-utils",
            Content={"ZipFile": self.zip},
            CompatibleRuntimes=["python3.12"],
        )["LayerVersionArn"]

        # Public, administrator, leaks a credential, URL without auth, CORS *, no tracing/VPC/CMK.
        public_admin = self.function(
            "public-admin-fn",
            admin_role,
            Environment={"Variables": {"STRIPE_API_KEY": FAKE_STRIPE, "STAGE": "prod"}},
        )
        self.lam.add_permission(
            FunctionName="public-admin-fn",
            StatementId="AnyoneInvoke",
            Action="lambda:InvokeFunction",
            Principal="*",
        )
        self.lam.create_function_url_config(
            FunctionName="public-admin-fn",
            AuthType="NONE",
            Cors={"AllowOrigins": ["*"], "AllowMethods": ["GET"]},
        )
        self.lam.add_permission(
            FunctionName="public-admin-fn",
            StatementId="FunctionURLAllowPublicAccess",
            Action="lambda:InvokeFunctionUrl",
            Principal="*",
            FunctionUrlAuthType="NONE",
        )
        m["secret_values"].append(FAKE_STRIPE)

        # Least privilege, CMK-encrypted env, tracing, VPC, own layer; behind an open REST method,
        # with reserved concurrency; invoked by API Gateway only (service principal + SourceArn).
        orders = self.function(
            "orders-fn",
            least_role,
            Environment={"Variables": {"TABLE": "orders", "LOG_LEVEL": "info"}},
            KMSKeyArn=env_key_arn,
            TracingConfig={"Mode": "Active"},
            VpcConfig={"SubnetIds": [subnet], "SecurityGroupIds": [sg]},
            Layers=[layer_arn],
        )
        self.lam.put_function_concurrency(FunctionName="orders-fn", ReservedConcurrentExecutions=25)
        self.lam.add_permission(
            FunctionName="orders-fn",
            StatementId="ApiGatewayInvoke",
            Action="lambda:InvokeFunction",
            Principal="apigateway.amazonaws.com",
            SourceArn=f"arn:aws:execute-api:{r}:{self.account}:*/*/*/*",
        )

        # Deprecated runtime, overprivileged (GetSecretValue on *), URL with AWS_IAM and specific
        # CORS origins, invoke granted to another account (bare account id), S3 notifications
        # (async) with an OnFailure destination. Reached by an open HTTP route.
        reports = self.function(
            "reports-fn",
            reader_role,
            runtime="python3.8",
            Environment={"Variables": {"DB_SECRET_ARN": f"arn:aws:secretsmanager:{r}:{self.account}:secret:prod/db/master"}},
            KMSKeyArn=open_key_arn,
            TracingConfig={"Mode": "Active"},
        )
        self.lam.create_function_url_config(
            FunctionName="reports-fn",
            AuthType="AWS_IAM",
            Cors={"AllowOrigins": ["https://app.example.com"], "AllowMethods": ["GET"]},
        )
        self.lam.add_permission(
            FunctionName="reports-fn",
            StatementId="PartnerAccount",
            Action="lambda:InvokeFunction",
            Principal=OTHER_ACCOUNT,
        )
        self.lam.add_permission(
            FunctionName="reports-fn",
            StatementId="S3Notifications",
            Action="lambda:InvokeFunction",
            Principal="s3.amazonaws.com",
            SourceArn="arn:aws:s3:::reports-inbox",
            SourceAccount=self.account,
        )
        self.lam.put_function_event_invoke_config(
            FunctionName="reports-fn",
            MaximumRetryAttempts=1,
            DestinationConfig={"OnFailure": {"Destination": dlq_arn}},
        )

        # Deprecated Node runtime, async (SNS) without any failure destination.
        notify = self.function("notify-fn", least_role, runtime="nodejs14.x")
        self.lam.add_permission(
            FunctionName="notify-fn",
            StatementId="SnsInvoke",
            Action="lambda:InvokeFunction",
            Principal="sns.amazonaws.com",
            SourceArn=f"arn:aws:sns:{r}:{self.account}:alerts",
        )

        # Lambda authorizer for the REST API.
        authorizer_fn = self.function("authorizer-fn", least_role, runtime="nodejs20.x",
                                      TracingConfig={"Mode": "Active"})
        # Rotation function for Secrets Manager.
        rotation_fn = self.function("rotation-fn", least_role)
        self.lam.add_permission(
            FunctionName="rotation-fn",
            StatementId="SecretsManagerRotation",
            Action="lambda:InvokeFunction",
            Principal="secretsmanager.amazonaws.com",
        )

        m["functions"] = {
            "public_admin": "public-admin-fn",
            "least_privilege": "orders-fn",
            "deprecated_overprivileged": "reports-fn",
            "async_no_destination": "notify-fn",
            "authorizer": "authorizer-fn",
            "rotation": "rotation-fn",
        }

        # ── REST APIs.
        shop = self.apigw.create_rest_api(
            name="shop-api", endpointConfiguration={"types": ["REGIONAL"]}
        )["id"]
        root = self.root_resource(shop)
        token_auth = self.apigw.create_authorizer(
            restApiId=shop,
            name="token-auth",
            type="TOKEN",
            authorizerUri=self.integration_uri(authorizer_fn),
            identitySource="method.request.header.Authorization",
        )["id"]
        items = self.apigw.create_resource(restApiId=shop, parentId=root, pathPart="items")["id"]
        admin = self.apigw.create_resource(restApiId=shop, parentId=root, pathPart="admin")["id"]
        keys = self.apigw.create_resource(restApiId=shop, parentId=root, pathPart="keys")["id"]
        self.method(shop, items, "GET", "NONE", orders)
        self.method(shop, items, "POST", "AWS_IAM", orders)  # no validator
        self.method(shop, admin, "GET", "CUSTOM", public_admin, authorizer_id=token_auth)
        self.method(shop, keys, "GET", "NONE", orders, api_key=True)
        self.method(shop, items, "OPTIONS", "NONE", None)
        dep = self.apigw.create_deployment(restApiId=shop)["id"]
        # prod: everything on (logging, access logs, tracing, encrypted cache, throttling, WAF).
        self.apigw.create_stage(
            restApiId=shop,
            stageName="prod",
            deploymentId=dep,
            cacheClusterEnabled=True,
            cacheClusterSize="0.5",
            tracingEnabled=True,
            variables={"tableName": "orders", "featureFlag": "on"},
        )
        self.apigw.update_stage(
            restApiId=shop,
            stageName="prod",
            patchOperations=[
                {"op": "replace", "path": "/*/*/logging/loglevel", "value": "ERROR"},
                {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "100"},
                {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "50"},
                {"op": "replace", "path": "/*/*/caching/enabled", "value": "true"},
                {"op": "replace", "path": "/*/*/caching/dataEncrypted", "value": "true"},
                {
                    "op": "replace",
                    "path": "/accessLogSettings/destinationArn",
                    "value": f"arn:aws:logs:{r}:{self.account}:log-group:shop-api-access",
                },
                {"op": "replace", "path": "/accessLogSettings/format", "value": "$context.requestId"},
            ],
        )
        acl = self.wafv2.create_web_acl(
            Name="shop-acl",
            Scope="REGIONAL",
            DefaultAction={"Allow": {}},
            VisibilityConfig={
                "SampledRequestsEnabled": False,
                "CloudWatchMetricsEnabled": False,
                "MetricName": "shop-acl",
            },
        )["Summary"]["ARN"]
        self.wafv2.associate_web_acl(
            WebACLArn=acl, ResourceArn=f"arn:aws:apigateway:{r}::/restapis/{shop}/stages/prod"
        )
        # dev: nothing on, an unencrypted cache, a credential in a stage variable, no throttle.
        self.apigw.create_stage(
            restApiId=shop,
            stageName="dev",
            deploymentId=dep,
            cacheClusterEnabled=True,
            cacheClusterSize="0.5",
            variables={"dbPassword": FAKE_DB_PASSWORD, "tableName": "orders-dev"},
        )
        self.apigw.update_stage(
            restApiId=shop,
            stageName="dev",
            patchOperations=[
                {"op": "replace", "path": "/*/*/logging/loglevel", "value": "OFF"},
                {"op": "replace", "path": "/*/*/caching/enabled", "value": "true"},
                {"op": "replace", "path": "/*/*/caching/dataEncrypted", "value": "false"},
            ],
        )
        m["secret_values"].append(FAKE_DB_PASSWORD)
        # staging: throttled by a usage plan only; no cache.
        self.apigw.create_stage(restApiId=shop, stageName="staging", deploymentId=dep)
        self.apigw.create_usage_plan(
            name="staging-plan",
            apiStages=[{"apiId": shop, "stage": "staging"}],
            throttle={"burstLimit": 20, "rateLimit": 10.0},
        )

        # secure-api: every method authorized, POST validated, execute-api endpoint disabled
        # behind a TLS 1.2 custom domain.
        secure = self.apigw.create_rest_api(
            name="secure-api",
            endpointConfiguration={"types": ["REGIONAL"]},
            disableExecuteApiEndpoint=True,
        )["id"]
        sroot = self.root_resource(secure)
        validator = self.apigw.create_request_validator(
            restApiId=secure, name="body", validateRequestBody=True, validateRequestParameters=True
        )["id"]
        orders_res = self.apigw.create_resource(restApiId=secure, parentId=sroot, pathPart="orders")["id"]
        self.method(secure, orders_res, "GET", "AWS_IAM", orders)
        self.method(secure, orders_res, "POST", "AWS_IAM", orders, validator=validator)
        sdep = self.apigw.create_deployment(restApiId=secure)["id"]
        self.apigw.create_stage(restApiId=secure, stageName="v1", deploymentId=sdep, tracingEnabled=True)
        self.apigw.update_stage(
            restApiId=secure,
            stageName="v1",
            patchOperations=[
                {"op": "replace", "path": "/*/*/logging/loglevel", "value": "INFO"},
                {"op": "replace", "path": "/*/*/throttling/rateLimit", "value": "20"},
                {"op": "replace", "path": "/*/*/throttling/burstLimit", "value": "10"},
            ],
        )

        # A PRIVATE API whose policy lets anyone in, from any VPC endpoint.
        private_policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": "*",
                    "Action": "execute-api:Invoke",
                    "Resource": "execute-api:/*",
                }
            ],
        }
        private = self.apigw.create_rest_api(
            name="internal-private-api",
            endpointConfiguration={"types": ["PRIVATE"]},
            policy=json.dumps(private_policy),
        )["id"]
        proot = self.root_resource(private)
        self.method(private, proot, "GET", "NONE", notify)
        pdep = self.apigw.create_deployment(restApiId=private)["id"]
        self.apigw.create_stage(restApiId=private, stageName="internal", deploymentId=pdep)

        # Custom domains: weak TLS mapped to shop-api (execute-api still on), strong TLS mapped
        # to secure-api.
        cert = f"arn:aws:acm:{r}:{self.account}:certificate/11111111-2222-3333-4444-555555555555"
        self.apigw.create_domain_name(
            domainName="legacy.shop.example.com",
            regionalCertificateArn=cert,
            endpointConfiguration={"types": ["REGIONAL"]},
            securityPolicy="TLS_1_0",
        )
        self.apigw.create_base_path_mapping(
            domainName="legacy.shop.example.com", restApiId=shop, stage="prod", basePath="shop"
        )
        self.apigw.create_domain_name(
            domainName="api.shop.example.com",
            regionalCertificateArn=cert,
            endpointConfiguration={"types": ["REGIONAL"]},
            securityPolicy="TLS_1_2",
        )
        self.apigw.create_base_path_mapping(
            domainName="api.shop.example.com", restApiId=secure, stage="v1", basePath="orders"
        )
        m["rest"] = {
            "open_api": "shop-api",
            "secure_api": "secure-api",
            "private_api": "internal-private-api",
            "stage_hardened": "shop-api/prod",
            "stage_bare": "shop-api/dev",
            "stage_usage_plan": "shop-api/staging",
            "stage_secure": "secure-api/v1",
            "stage_private": "internal-private-api/internal",
            "weak_domain": "legacy.shop.example.com",
            "strong_domain": "api.shop.example.com",
            "ids": {"shop-api": shop, "secure-api": secure, "internal-private-api": private},
        }

        # ── HTTP API: open route to the secret reader, JWT route, VPC link without TLS,
        # CORS * with credentials.
        http = self.v2.create_api(
            Name="storefront-http",
            ProtocolType="HTTP",
            CorsConfiguration={
                "AllowOrigins": ["*"],
                "AllowCredentials": True,
                "AllowMethods": ["GET"],
            },
        )["ApiId"]
        jwt = self.v2.create_authorizer(
            ApiId=http,
            AuthorizerType="JWT",
            Name="cognito-jwt",
            IdentitySource=["$request.header.Authorization"],
            JwtConfiguration={
                "Audience": ["storefront"],
                "Issuer": f"https://cognito-idp.{r}.amazonaws.com/{r}_Abc123",
            },
        )["AuthorizerId"]
        reports_int = self.v2.create_integration(
            ApiId=http,
            IntegrationType="AWS_PROXY",
            IntegrationUri=reports,
            PayloadFormatVersion="2.0",
        )["IntegrationId"]
        orders_int = self.v2.create_integration(
            ApiId=http,
            IntegrationType="AWS_PROXY",
            IntegrationUri=orders,
            PayloadFormatVersion="2.0",
        )["IntegrationId"]
        link = self.v2.create_vpc_link(Name="backend-link", SubnetIds=[subnet], SecurityGroupIds=[sg])[
            "VpcLinkId"
        ]
        private_int = self.v2.create_integration(
            ApiId=http,
            IntegrationType="HTTP_PROXY",
            IntegrationMethod="ANY",
            ConnectionType="VPC_LINK",
            ConnectionId=link,
            IntegrationUri=f"arn:aws:elasticloadbalancing:{r}:{self.account}:listener/app/internal/abc/def",
            PayloadFormatVersion="1.0",
        )["IntegrationId"]
        self.v2.create_route(ApiId=http, RouteKey="GET /reports", Target=f"integrations/{reports_int}",
                             AuthorizationType="NONE")
        self.v2.create_route(ApiId=http, RouteKey="GET /orders", Target=f"integrations/{orders_int}",
                             AuthorizationType="JWT", AuthorizerId=jwt)
        self.v2.create_route(ApiId=http, RouteKey="ANY /internal/{proxy+}",
                             Target=f"integrations/{private_int}", AuthorizationType="JWT",
                             AuthorizerId=jwt)
        self.v2.create_stage(
            ApiId=http,
            StageName="$default",
            AutoDeploy=True,
            AccessLogSettings={
                "DestinationArn": f"arn:aws:logs:{r}:{self.account}:log-group:storefront-access",
                "Format": "$context.requestId",
            },
            DefaultRouteSettings={"ThrottlingBurstLimit": 100, "ThrottlingRateLimit": 50.0},
            StageVariables={"backend": "orders"},
        )
        self.v2.create_stage(
            ApiId=http,
            StageName="preview",
            StageVariables={"githubToken": FAKE_GITHUB},
        )
        m["secret_values"].append(FAKE_GITHUB)

        # A second HTTP API done right: JWT everywhere, named origins, TLS on the VPC link.
        partner = self.v2.create_api(
            Name="partner-http",
            ProtocolType="HTTP",
            CorsConfiguration={"AllowOrigins": ["https://partner.example.com"], "AllowCredentials": True},
        )["ApiId"]
        pjwt = self.v2.create_authorizer(
            ApiId=partner,
            AuthorizerType="JWT",
            Name="partner-jwt",
            IdentitySource=["$request.header.Authorization"],
            JwtConfiguration={"Audience": ["partner"], "Issuer": "https://auth.partner.example.com"},
        )["AuthorizerId"]
        tls_int = self.v2.create_integration(
            ApiId=partner,
            IntegrationType="HTTP_PROXY",
            IntegrationMethod="ANY",
            ConnectionType="VPC_LINK",
            ConnectionId=link,
            IntegrationUri=f"arn:aws:elasticloadbalancing:{r}:{self.account}:listener/app/partner/abc/def",
            PayloadFormatVersion="1.0",
            TlsConfig={"ServerNameToVerify": "partner-backend.internal.example.com"},
        )["IntegrationId"]
        self.v2.create_route(ApiId=partner, RouteKey="ANY /{proxy+}", Target=f"integrations/{tls_int}",
                             AuthorizationType="JWT", AuthorizerId=pjwt)
        self.v2.create_stage(
            ApiId=partner,
            StageName="live",
            AccessLogSettings={
                "DestinationArn": f"arn:aws:logs:{r}:{self.account}:log-group:partner-access",
                "Format": "$context.requestId",
            },
            DefaultRouteSettings={"ThrottlingBurstLimit": 10, "ThrottlingRateLimit": 5.0},
        )

        # WebSocket API: $connect without authorization, into the public admin function.
        ws = self.v2.create_api(
            Name="chat-ws", ProtocolType="WEBSOCKET", RouteSelectionExpression="$request.body.action"
        )["ApiId"]
        ws_int = self.v2.create_integration(
            ApiId=ws, IntegrationType="AWS_PROXY", IntegrationUri=self.integration_uri(public_admin)
        )["IntegrationId"]
        self.v2.create_route(ApiId=ws, RouteKey="$connect", Target=f"integrations/{ws_int}",
                             AuthorizationType="NONE")
        self.v2.create_route(ApiId=ws, RouteKey="$default", Target=f"integrations/{ws_int}")
        self.v2.create_stage(ApiId=ws, StageName="production")

        # v2 custom domains with weak and strong TLS.
        for name, policy in (("ws-legacy.example.com", "TLS_1_0"), ("http.example.com", "TLS_1_2")):
            self.v2.create_domain_name(
                DomainName=name,
                DomainNameConfigurations=[
                    {"CertificateArn": cert, "EndpointType": "REGIONAL", "SecurityPolicy": policy}
                ],
            )
        m["v2"] = {
            "open_http": "storefront-http",
            "secure_http": "partner-http",
            "websocket": "chat-ws",
            "stage_logged": "storefront-http/$default",
            "stage_bare": "storefront-http/preview",
            "stage_secure": "partner-http/live",
            "stage_ws": "chat-ws/production",
            "weak_domain": "ws-legacy.example.com",
            "strong_domain": "http.example.com",
            "ids": {"storefront-http": http, "partner-http": partner, "chat-ws": ws},
        }

        # ── Secrets.
        sm = self.sm
        sm.create_secret(Name="prod/db/master", SecretString=SECRET_STRINGS["prod/db/master"],
                         KmsKeyId=env_key_arn)
        sm.rotate_secret(
            SecretId="prod/db/master",
            RotationLambdaARN=rotation_fn,
            RotationRules={"AutomaticallyAfterDays": 30},
        )
        sm.create_secret(Name="prod/partner/api-key",
                         SecretString=SECRET_STRINGS["prod/partner/api-key"], KmsKeyId=secret_key_arn)
        sm.put_resource_policy(
            SecretId="prod/partner/api-key",
            ResourcePolicy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": {"AWS": f"arn:aws:iam::{OTHER_ACCOUNT}:root"},
                            "Action": "secretsmanager:GetSecretValue",
                            "Resource": "*",
                        }
                    ],
                }
            ),
        )
        sm.create_secret(Name="prod/public/token", SecretString=SECRET_STRINGS["prod/public/token"])
        sm.put_resource_policy(
            SecretId="prod/public/token",
            ResourcePolicy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Principal": "*",
                            "Action": "secretsmanager:GetSecretValue",
                            "Resource": "*",
                        }
                    ],
                }
            ),
        )
        sm.create_secret(Name="dev/db/password", SecretString=SECRET_STRINGS["dev/db/password"],
                         KmsKeyId="alias/aws/secretsmanager")
        sm.create_secret(Name="prod/orphan/doomed", SecretString=SECRET_STRINGS["prod/orphan/doomed"],
                         KmsKeyId=doomed_key_arn)
        self.kms.schedule_key_deletion(KeyId=doomed_key_id, PendingWindowInDays=7)
        m["secret_values"].extend(SECRET_STRINGS.values())
        m["secrets"] = {
            "rotated_cmk": "prod/db/master",
            "cross_account": "prod/partner/api-key",
            "public": "prod/public/token",
            "aws_managed_explicit": "dev/db/password",
            "doomed_key": "prod/orphan/doomed",
        }
        self.seed_triggers(admin_role, least_role, reader_role)
        self.seed_workflows(admin_role, least_role)
        self.seed_graphql()
        self.seed_users()
        self.seed_logs()

    # ───────────────────────────── GraphQL ─────────────────────────────

    def seed_graphql(self):
        """AppSync GraphQL APIs (manifest key `graphql`): `shop-graphql` is public through its
        default API_KEY provider, logs nothing, has no WAF and a key that lives a year;
        `admin-graphql` is PRIVATE, authenticates with IAM only, logs at ERROR and its key
        expires in 30 days. moto serves neither data sources, resolvers, functions and types nor
        introspectionConfig and the query limits: those checks are unknown here (recorded
        exchanges in src/aws/graphql/tests.rs cover them)."""
        appsync = self.client("appsync")
        now = int(time.time())
        shop = appsync.create_graphql_api(name="shop-graphql", authenticationType="API_KEY",
                                          visibility="GLOBAL")["graphqlApi"]
        appsync.create_api_key(apiId=shop["apiId"], expires=now + 365 * 86400)
        admin = appsync.create_graphql_api(
            name="admin-graphql", authenticationType="AWS_IAM", visibility="PRIVATE",
            logConfig={"fieldLogLevel": "ERROR",
                       "cloudWatchLogsRoleArn": f"arn:aws:iam::{self.account}:role/appsync-logs"},
        )["graphqlApi"]
        appsync.create_api_key(apiId=admin["apiId"], expires=now + 30 * 86400)
        self.manifest["graphql"] = {"public": "shop-graphql", "private": "admin-graphql"}

    # ───────────────────────────── log groups ─────────────────────────────

    def seed_logs(self):
        """Log groups (manifest key `logs`): `orders-fn` logs to a group kept 30 days,
        `reports-fn` to one kept forever; every other function has no group at all (CreateFunction
        does not create one, as on AWS before a first invocation)."""
        logs = self.client("logs")
        logs.create_log_group(logGroupName="/aws/lambda/orders-fn")
        logs.put_retention_policy(logGroupName="/aws/lambda/orders-fn", retentionInDays=30)
        logs.create_log_group(logGroupName="/aws/lambda/reports-fn")
        self.manifest["logs"] = {"kept": "orders-fn", "forever": "reports-fn"}

    # ───────────────────────────── Cognito ─────────────────────────────

    def seed_users(self):
        """Cognito pools (manifest key `users`): `open-users` lets anyone sign up and backs a
        COGNITO_USER_POOLS authorizer of the REST API `members-api` (POST /profile uses it);
        `staff-users` is admin-only; `lonely-users` lets anyone sign up but nothing trusts it.
        Identity pools: `closed-ids` lets no guest in; `guest-ids` does, and moto does not
        implement GetIdentityPoolRoles, so its guest role stays unknown."""
        idp = self.client("cognito-idp")
        open_pool = idp.create_user_pool(PoolName="open-users")["UserPool"]
        idp.create_user_pool(PoolName="staff-users",
                             AdminCreateUserConfig={"AllowAdminCreateUserOnly": True})
        idp.create_user_pool(PoolName="lonely-users")
        apigw = self.client("apigateway")
        api = apigw.create_rest_api(name="members-api")
        root = [r for r in apigw.get_resources(restApiId=api["id"])["items"] if r["path"] == "/"][0]
        authorizer = apigw.create_authorizer(
            restApiId=api["id"], name="members", type="COGNITO_USER_POOLS",
            providerARNs=[open_pool["Arn"]], identitySource="method.request.header.Authorization",
        )
        profile = apigw.create_resource(restApiId=api["id"], parentId=root["id"], pathPart="profile")
        apigw.put_method(restApiId=api["id"], resourceId=profile["id"], httpMethod="POST",
                         authorizationType="COGNITO_USER_POOLS", authorizerId=authorizer["id"])
        ids = self.client("cognito-identity")
        ids.create_identity_pool(IdentityPoolName="closed-ids", AllowUnauthenticatedIdentities=False)
        ids.create_identity_pool(IdentityPoolName="guest-ids", AllowUnauthenticatedIdentities=True)
        self.manifest["users"] = {"self_signup": "open-users", "admin_only": "staff-users"}

    # ───────────────────────────── workflows ─────────────────────────────

    def seed_workflows(self, admin_role, least_role):
        """Step Functions state machines (manifest key `workflows`): `orders-flow` logs nothing,
        traces nothing, carries a carrier API key in its definition and runs as the
        administrator role; `refunds-flow` logs at ERROR, traces, reads its secret by reference
        (JSONata expressions and a Secrets Manager ARN) and runs as the least-privilege role."""
        r = self.region
        sfn = self.client("stepfunctions")
        orders_fn = f"arn:aws:lambda:{r}:{self.account}:function:orders-fn"
        carrier_key = "cRr9vQ2mX4tL8pK7wZ3nB6sSeed"
        orders = {
            "StartAt": "Charge",
            "States": {
                "Charge": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                           "Parameters": {"FunctionName": orders_fn, "Payload.$": "$"},
                           "Next": "Ship"},
                "Ship": {"Type": "Task", "Resource": "arn:aws:states:::http:invoke",
                         "Parameters": {"ApiEndpoint": "https://api.carrier.example/v2/shipments",
                                        "Method": "POST",
                                        "Headers": {"CarrierApiKey": carrier_key}},
                         "End": True},
            },
        }
        refunds = {
            "QueryLanguage": "JSONata",
            "StartAt": "Review",
            "States": {
                "Review": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                           "Arguments": {"FunctionName": orders_fn, "Payload": {
                               "ApiKey": "{% $states.input.apiKey %}",
                               "SecretId": f"arn:aws:secretsmanager:{r}:{self.account}:secret:stripe-AbCdEf",
                           }},
                           "End": True},
            },
        }
        sfn.create_state_machine(name="orders-flow", definition=json.dumps(orders),
                                 roleArn=admin_role)
        sfn.create_state_machine(
            name="refunds-flow", definition=json.dumps(refunds), roleArn=least_role,
            type="EXPRESS",
            loggingConfiguration={
                "level": "ERROR", "includeExecutionData": False,
                "destinations": [{"cloudWatchLogsLogGroup": {
                    "logGroupArn": f"arn:aws:logs:{r}:{self.account}:log-group:/aws/vendedlogs/states/refunds-flow:*"}}],
            },
            tracingConfiguration={"enabled": True},
        )
        self.manifest["secret_values"].append(carrier_key)
        # An HTTP API route without authorization that starts orders-flow (its role is the
        # administrator): exposure.public-entry-privileged-state-machine.
        orders_arn = f"arn:aws:states:{r}:{self.account}:stateMachine:orders-flow"
        apigw2 = self.client("apigatewayv2")
        flows = apigw2.create_api(Name="flows-http", ProtocolType="HTTP")
        start = apigw2.create_integration(
            ApiId=flows["ApiId"], IntegrationType="AWS_PROXY",
            IntegrationSubtype="StepFunctions-StartExecution", PayloadFormatVersion="1.0",
            CredentialsArn=least_role,
            RequestParameters={"StateMachineArn": orders_arn, "Input": "$request.body"},
        )
        apigw2.create_route(ApiId=flows["ApiId"], RouteKey="POST /orders",
                            Target=f"integrations/{start['IntegrationId']}")
        self.manifest["workflows"] = {"failing": "orders-flow", "passing": "refunds-flow",
                                      "started_by": "flows-http POST /orders"}

    # ───────────────────────────── event sources ─────────────────────────────

    def seed_triggers(self, admin_role, least_role, reader_role):
        """Queues, topics, buses and stream mappings that trigger functions, public and
        private, and roles that can and cannot escalate (manifest key `triggers`)."""
        r = self.region
        t = {}
        escalate_role = self.role("self-editing-role", inline={
            "edit-own-policy": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "iam:PutRolePolicy",
                               "Resource": f"arn:aws:iam::{self.account}:role/self-editing-role"}],
            }
        })
        t["roles"] = {"escalates": "self-editing-role", "admin": "admin-role",
                      "does_not_escalate": "least-privilege-role"}

        fn = self.function
        fn("public-queue-worker", admin_role)
        fn("private-queue-worker", least_role)
        topic_worker = fn("public-topic-worker", reader_role)
        quiet_worker = fn("default-topic-worker", least_role)
        bus_worker = fn("open-bus-worker", escalate_role)
        private_bus_worker = fn("private-bus-worker", least_role)
        fn("unbounded-stream-worker", least_role)
        fn("bounded-stream-worker", least_role)

        # ── Queues (only those with a mapping are read).
        def queue(name, policy=None, sse=False, dlq_arn=None):
            attrs = {"SqsManagedSseEnabled": "true" if sse else "false"}
            url = self.sqs.create_queue(QueueName=name, Attributes=attrs)["QueueUrl"]
            arn = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])[
                "Attributes"]["QueueArn"]
            extra = {}
            if policy:
                extra["Policy"] = json.dumps({"Version": "2012-10-17", "Statement": [
                    dict(policy, Resource=arn)]})
            if dlq_arn:
                extra["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": dlq_arn,
                                                     "maxReceiveCount": "5"})
            if extra:
                self.sqs.set_queue_attributes(QueueUrl=url, Attributes=extra)
            return arn

        dlq = queue("trigger-dlq", sse=True)
        public_q = queue("public-orders-in", policy={
            "Sid": "anyone", "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage"})
        private_q = queue("private-orders-in", sse=True, dlq_arn=dlq, policy={
            "Sid": "from-topic", "Effect": "Allow", "Principal": {"Service": "sns.amazonaws.com"},
            "Action": "sqs:SendMessage",
            "Condition": {"ArnEquals": {"aws:SourceArn": f"arn:aws:sns:{r}:{self.account}:orders"}}})
        queue("untriggered-public", policy={
            "Effect": "Allow", "Principal": "*", "Action": "sqs:SendMessage"})
        self.lam.create_event_source_mapping(EventSourceArn=public_q,
                                             FunctionName="public-queue-worker")
        self.lam.create_event_source_mapping(EventSourceArn=private_q,
                                             FunctionName="private-queue-worker")
        t["queues"] = {"public": "public-orders-in", "private": "private-orders-in",
                       "untriggered": "untriggered-public"}

        # ── Topics.
        sns = self.client("sns")
        public_topic = sns.create_topic(Name="public-events")["TopicArn"]
        sns.set_topic_attributes(TopicArn=public_topic, AttributeName="Policy",
                                 AttributeValue=json.dumps({"Version": "2012-10-17", "Statement": [
                                     {"Sid": "anyone", "Effect": "Allow", "Principal": "*",
                                      "Action": "SNS:Publish", "Resource": public_topic}]}))
        default_topic = sns.create_topic(Name="default-events",
                                         Attributes={"KmsMasterKeyId": "alias/aws/sns"})["TopicArn"]
        sns.subscribe(TopicArn=public_topic, Protocol="lambda", Endpoint=topic_worker)
        sns.subscribe(TopicArn=default_topic, Protocol="lambda", Endpoint=quiet_worker)
        # The topics' invoke grants: one for any account's topic (no source), one scoped.
        self.lam.add_permission(FunctionName="public-topic-worker", StatementId="sns-any",
                                Action="lambda:InvokeFunction", Principal="sns.amazonaws.com")
        self.lam.add_permission(FunctionName="default-topic-worker", StatementId="sns-default",
                                Action="lambda:InvokeFunction", Principal="sns.amazonaws.com",
                                SourceArn=default_topic)
        t["topics"] = {"public": "public-events", "default_policy": "default-events"}

        # ── Buses.
        events = self.client("events")
        events.create_event_bus(Name="open-bus")
        events.put_permission(EventBusName="open-bus", Action="events:PutEvents",
                              Principal="*", StatementId="anyone")
        events.create_event_bus(Name="partner-bus")
        events.put_permission(EventBusName="partner-bus", Action="events:PutEvents",
                              Principal=OTHER_ACCOUNT, StatementId="partner")
        for bus, rule, target in (("open-bus", "on-anything", bus_worker),
                                  ("partner-bus", "on-partner", private_bus_worker)):
            events.put_rule(Name=rule, EventBusName=bus,
                            EventPattern=json.dumps({"source": ["shop"]}))
            events.put_targets(Rule=rule, EventBusName=bus,
                               Targets=[{"Id": "fn", "Arn": target}])
        t["buses"] = {"public": "open-bus", "cross_account": "partner-bus"}

        # ── Streams.
        kinesis = self.client("kinesis")
        kinesis.create_stream(StreamName="clicks", ShardCount=1)
        stream_arn = kinesis.describe_stream(StreamName="clicks")["StreamDescription"]["StreamARN"]
        self.lam.create_event_source_mapping(
            EventSourceArn=stream_arn, FunctionName="unbounded-stream-worker",
            StartingPosition="LATEST", MaximumRetryAttempts=-1)
        ddb = self.client("dynamodb")
        table = ddb.create_table(
            TableName="orders-stream", BillingMode="PAY_PER_REQUEST",
            AttributeDefinitions=[{"AttributeName": "id", "AttributeType": "S"}],
            KeySchema=[{"AttributeName": "id", "KeyType": "HASH"}],
            StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_IMAGE"},
        )["TableDescription"]
        self.lam.create_event_source_mapping(
            EventSourceArn=table["LatestStreamArn"], FunctionName="bounded-stream-worker",
            StartingPosition="LATEST", MaximumRetryAttempts=3, BisectBatchOnFunctionError=True,
            DestinationConfig={"OnFailure": {"Destination": dlq}})
        # An encrypted stream beside the plain one (events.stream-not-encrypted).
        kinesis.create_stream(StreamName="sealed-clicks", ShardCount=1)
        kinesis.start_stream_encryption(StreamName="sealed-clicks", EncryptionType="KMS",
                                        KeyId="alias/aws/kinesis")
        sealed_arn = kinesis.describe_stream(StreamName="sealed-clicks")["StreamDescription"][
            "StreamARN"]
        self.lam.create_event_source_mapping(
            EventSourceArn=sealed_arn, FunctionName="bounded-stream-worker",
            StartingPosition="LATEST", MaximumRetryAttempts=3, BisectBatchOnFunctionError=True,
            DestinationConfig={"OnFailure": {"Destination": dlq}})
        t["streams"] = {"unbounded": "clicks → unbounded-stream-worker",
                        "bounded": "orders-stream → bounded-stream-worker",
                        "encrypted": "sealed-clicks", "plain": "clicks"}
        t["functions"] = {
            "public_queue_admin": "public-queue-worker",
            "private_queue": "private-queue-worker",
            "public_topic_secret_reader": "public-topic-worker",
            "default_topic": "default-topic-worker",
            "open_bus_escalates": "open-bus-worker",
        }
        self.manifest["triggers"] = t

    def root_resource(self, api):
        return next(
            item["id"]
            for item in self.apigw.get_resources(restApiId=api)["items"]
            if item["path"] == "/"
        )

    def method(self, api, resource, verb, auth, function_arn, authorizer_id=None, api_key=False,
               validator=None):
        args = dict(
            restApiId=api,
            resourceId=resource,
            httpMethod=verb,
            authorizationType=auth,
            apiKeyRequired=api_key,
        )
        if authorizer_id:
            args["authorizerId"] = authorizer_id
        if validator:
            args["requestValidatorId"] = validator
        self.apigw.put_method(**args)
        if function_arn:
            self.apigw.put_integration(
                restApiId=api,
                resourceId=resource,
                httpMethod=verb,
                type="AWS_PROXY",
                integrationHttpMethod="POST",
                uri=self.integration_uri(function_arn),
            )
        else:
            self.apigw.put_integration(
                restApiId=api, resourceId=resource, httpMethod=verb, type="MOCK"
            )

    # ───────────────────────────── aged secrets ─────────────────────────────

    def seed_aged(self):
        """Secrets created on an emulator whose clock runs months behind (moto_launcher.py
        --secrets-clock-offset-days): never rotated, rotation overdue, never accessed."""
        self.configure_emulator()
        rotation_role = self.role("aged-rotation-role")
        rotation_fn = self.function("aged-rotation-fn", rotation_role)
        self.sm.create_secret(Name="aged/never-rotated",
                              SecretString=AGED_SECRET_STRINGS["aged/never-rotated"])
        self.sm.create_secret(Name="aged/rotation-overdue",
                              SecretString=AGED_SECRET_STRINGS["aged/rotation-overdue"])
        self.sm.rotate_secret(
            SecretId="aged/rotation-overdue",
            RotationLambdaARN=rotation_fn,
            RotationRules={"AutomaticallyAfterDays": 30},
        )
        self.manifest["secret_values"].extend(AGED_SECRET_STRINGS.values())
        self.manifest["aged_secrets"] = {
            "never_rotated": "aged/never-rotated",
            "rotation_overdue": "aged/rotation-overdue",
        }

    # ───────────────────────────── deployment packages (--code) ─────────────────────────────

    def seed_code(self, out_dir):
        """A Node layer and Node/Python functions whose zips hold real packages' metadata
        (vulnerable and fixed versions), one with an AWS key pair in a config file, and an
        image function (no zip). Every zip uploaded is written to DIR/function/NAME.zip and
        DIR/layer/NAME/VERSION.zip, byte for byte (manifest key `code`)."""
        if not self.configured:
            self.configure_emulator()
        out_dir = os.path.abspath(out_dir)
        basic = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"
        try:
            role = self.iam.get_role(RoleName="code-role")["Role"]["Arn"]
        except self.iam.exceptions.NoSuchEntityException:
            role = self.role("code-role", managed=[basic])

        def package(file):
            with open(os.path.join(PACKAGES_DIR, file), "rb") as f:
                return f.read()

        def write(relative, data):
            path = os.path.join(out_dir, *relative.split("/"))
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, "wb") as f:
                f.write(data)
            return path

        def entries(files):
            """(ecosystem, name, version, path in the zip) of each package metadata file."""
            out = []
            for path, (ecosystem, name, version, _) in files:
                advisories = CODE_ADVISORIES[(ecosystem, name, version)]
                out.append({"ecosystem": ecosystem, "name": name, "version": version,
                            "path": path, "affected_by": advisories[0],
                            "fixed": advisories[1]})
            return out

        def npm(name, version, file):
            return ("npm", name, version, package(file))

        def pypi(name, version, file):
            return ("PyPI", name, version, package(file))

        code = {"dir": out_dir, "role": "code-role", "functions": [], "layers": [],
                "planted_secret_values": [FAKE_CODE_KEY_ID, FAKE_CODE_SECRET_KEY],
                "expected": {"functions": {}, "layers": {}, "secrets": []}}

        # ── The layer: lodash 4.17.15 where Node finds a layer's modules.
        layer_files = [
            ("nodejs/node_modules/lodash/package.json",
             npm("lodash", "4.17.15", "lodash-4.17.15.package.json")),
        ]
        layer_zip = make_code_zip([(p, f[3]) for p, f in layer_files])
        published = self.lam.publish_layer_version(
            LayerName="shared-deps",
            Description="shared Node dependencies",
            Content={"ZipFile": layer_zip},
            CompatibleRuntimes=["nodejs20.x"],
        )
        layer_arn, layer_version = published["LayerVersionArn"], published["Version"]
        code["layers"].append({
            "name": "shared-deps", "version": layer_version, "arn": layer_arn,
            "zip": write(f"layer/shared-deps/{layer_version}.zip", layer_zip),
            "code_sha256": sha256_b64(layer_zip),
        })
        code["expected"]["layers"][f"shared-deps:{layer_version}"] = entries(layer_files)

        node_index = (
            "const minimist = require('minimist');\n"
            "exports.handler = async (event) => ({ statusCode: 200, body: JSON.stringify("
            "minimist(event.args || [])) });\n"
        )
        python_main = (
            "import urllib3\n\n\n"
            "def lambda_handler(event, context):\n"
            "    return {'statusCode': 200, 'body': urllib3.__version__}\n"
        )
        settings = json.dumps({
            "region": self.region,
            "table": "orders",
            "aws_access_key_id": FAKE_CODE_KEY_ID,
            "aws_secret_access_key": FAKE_CODE_SECRET_KEY,
        }, indent=2) + "\n"
        secret_index = (
            "const settings = require('./config/settings.json');\n"
            "exports.handler = async () => ({ statusCode: 200, body: settings.table });\n"
        )
        functions = [
            # (name, runtime, handler, layers, source files, package metadata files)
            ("code-node-vulnerable", "nodejs20.x", "index.handler", [layer_arn],
             [("index.js", node_index)],
             [("node_modules/minimist/package.json",
               npm("minimist", "1.2.5", "minimist-1.2.5.package.json")),
              ("node_modules/@hapi/hoek/package.json",
               npm("@hapi/hoek", "9.0.0", "hapi-hoek-9.0.0.package.json"))]),
            ("code-node-fixed", "nodejs20.x", "index.handler", [],
             [("index.js", node_index)],
             [("node_modules/minimist/package.json",
               npm("minimist", "1.2.8", "minimist-1.2.8.package.json")),
              ("node_modules/lodash/package.json",
               npm("lodash", "4.17.21", "lodash-4.17.21.package.json"))]),
            ("code-python-vulnerable", "python3.12", "lambda_function.lambda_handler", [],
             [("lambda_function.py", python_main)],
             [("urllib3-1.26.4.dist-info/METADATA",
               pypi("urllib3", "1.26.4", "urllib3-1.26.4.METADATA")),
              ("requests-2.25.0.dist-info/METADATA",
               pypi("requests", "2.25.0", "requests-2.25.0.METADATA"))]),
            ("code-python-fixed", "python3.12", "lambda_function.lambda_handler", [],
             [("lambda_function.py", python_main)],
             [("urllib3-2.2.2.dist-info/METADATA",
               pypi("urllib3", "2.2.2", "urllib3-2.2.2.METADATA"))]),
            ("code-secret-in-config", "nodejs20.x", "index.handler", [layer_arn],
             [("index.js", secret_index), ("config/settings.json", settings)],
             []),
        ]
        for name, runtime, handler, layers, sources, files in functions:
            data = make_code_zip([(p, t.encode()) for p, t in sources]
                                 + [(p, f[3]) for p, f in files])
            extra = {"Layers": layers} if layers else {}
            arn = self.function(name, role, runtime=runtime, Handler=handler,
                                Code={"ZipFile": data}, **extra)
            code["functions"].append({
                "name": name, "arn": arn, "runtime": runtime, "package_type": "Zip",
                "zip": write(f"function/{name}.zip", data), "code_sha256": sha256_b64(data),
                "layers": layers,
            })
            code["expected"]["functions"][name] = entries(files)

        # Two of them answer anyone on a function URL: the exposure join's failing path
        # (critical minimist) and its passing one (fixed packages).
        for name in ("code-node-vulnerable", "code-node-fixed"):
            self.lam.create_function_url_config(FunctionName=name, AuthType="NONE")
            self.lam.add_permission(
                FunctionName=name,
                StatementId="FunctionURLAllowPublicAccess",
                Action="lambda:InvokeFunctionUrl",
                Principal="*",
                FunctionUrlAuthType="NONE",
            )
        code["public"] = ["code-node-vulnerable", "code-node-fixed"]

        # Where the planted pair sits (1-based lines of config/settings.json).
        lines = settings.splitlines()
        for detector, value in (("aws-access-key-id", FAKE_CODE_KEY_ID),
                                ("aws-secret-access-key", FAKE_CODE_SECRET_KEY)):
            line = next(i + 1 for i, text in enumerate(lines) if value in text)
            code["expected"]["secrets"].append({
                "function": "code-secret-in-config", "path": "config/settings.json",
                "line": line, "detector": detector,
            })

        # An image function: GetFunction answers RepositoryType ECR and no Location; no zip.
        image_uri = f"{self.account}.dkr.ecr.{self.region}.amazonaws.com/code-image:latest"
        arn = self.lam.create_function(
            FunctionName="code-image", Role=role, PackageType="Image",
            Code={"ImageUri": image_uri}, Timeout=10,
        )["FunctionArn"]
        code["functions"].append({
            "name": "code-image", "arn": arn, "runtime": None, "package_type": "Image",
            "image_uri": image_uri, "zip": None, "code_sha256": None, "layers": [],
        })

        self.manifest["secret_values"].extend(code["planted_secret_values"])
        self.manifest["code"] = code

    # ───────────────────────────── bulk (benchmark) ─────────────────────────────

    def seed_bulk(self, functions, rest_apis, secrets, workers=8, code_dir=None,
                  code_kib=512):
        """`functions` plain functions, `rest_apis` REST APIs and `secrets` secrets. With
        `code_dir` (--code-bulk), the functions get real-looking deployment packages instead of
        the tiny shared zip (see CodeBulk)."""
        self.configure_emulator()
        try:
            role = self.iam.get_role(RoleName="bulk-role")["Role"]["Arn"]
        except self.iam.exceptions.NoSuchEntityException:
            role = self.role("bulk-role", inline={
                "logs": {
                    "Version": "2012-10-17",
                    "Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents",
                                   "Resource": f"arn:aws:logs:{self.region}:{self.account}:*"}],
                }
            })

        code = CodeBulk(self, code_dir, code_kib) if code_dir else None

        def make_function(i):
            extra = code.function_args(i) if code else {}
            self.function(f"bulk-fn-{i:04d}", role,
                          Environment={"Variables": {"INDEX": str(i)}},
                          TracingConfig={"Mode": "Active" if i % 2 else "PassThrough"},
                          **extra)

        def make_api(i):
            api = self.apigw.create_rest_api(name=f"bulk-api-{i:03d}",
                                             endpointConfiguration={"types": ["REGIONAL"]})["id"]
            root = self.root_resource(api)
            res = self.apigw.create_resource(restApiId=api, parentId=root, pathPart="things")["id"]
            self.method(api, res, "GET", "AWS_IAM" if i % 2 else "NONE", None)
            dep = self.apigw.create_deployment(restApiId=api)["id"]
            self.apigw.create_stage(restApiId=api, stageName="prod", deploymentId=dep)

        def make_secret(i):
            self.sm.create_secret(Name=f"bulk/secret-{i:04d}", SecretString=f"bulk-value-{i:04d}")

        with ThreadPoolExecutor(workers) as pool:
            for job, count in ((make_function, functions), (make_api, rest_apis),
                               (make_secret, secrets)):
                list(pool.map(job, range(count)))
        self.manifest["bulk"] = {"functions": functions, "rest_apis": rest_apis, "secrets": secrets}
        if code:
            self.manifest["code_bulk"] = code.finish()

    def seed_bulk_triggers(self, functions, queues, topics, buses, stream_mappings, alias_every,
                           workers=8):
        """Event sources over the bulk functions (seed_bulk first): `queues` SQS queues each
        with a mapping, `topics` topics each with a lambda subscription, `buses` buses each
        with a rule targeting a function, `stream_mappings` Kinesis mappings (over one stream
        per ten mappings), and an alias on every `alias_every`-th function."""
        sqs, sns, events, kinesis = (self.client(s) for s in ("sqs", "sns", "events", "kinesis"))
        fn = lambda i: f"bulk-fn-{i % max(functions, 1):04d}"
        fn_arn = lambda i: f"arn:aws:lambda:{self.region}:{self.account}:function:{fn(i)}"

        def make_queue(i):
            url = sqs.create_queue(QueueName=f"bulk-q-{i:04d}",
                                   Attributes={"SqsManagedSseEnabled": "true" if i % 2 else "false"})["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            self.lam.create_event_source_mapping(EventSourceArn=arn, FunctionName=fn(i))

        def make_topic(i):
            arn = sns.create_topic(Name=f"bulk-topic-{i:03d}")["TopicArn"]
            sns.subscribe(TopicArn=arn, Protocol="lambda", Endpoint=fn_arn(i + 500))
            # As on AWS, the subscribed function's policy lets the topic invoke it.
            self.lam.add_permission(FunctionName=fn(i + 500), StatementId=f"sns-{i:03d}",
                                    Action="lambda:InvokeFunction",
                                    Principal="sns.amazonaws.com", SourceArn=arn)

        def make_bus(i):
            events.create_event_bus(Name=f"bulk-bus-{i:03d}")
            events.put_rule(Name=f"bulk-rule-{i:03d}", EventBusName=f"bulk-bus-{i:03d}",
                            EventPattern=json.dumps({"source": [f"bulk.{i}"]}))
            events.put_targets(Rule=f"bulk-rule-{i:03d}", EventBusName=f"bulk-bus-{i:03d}",
                               Targets=[{"Id": "fn", "Arn": fn_arn(i + 700)}])
            rule = f"arn:aws:events:{self.region}:{self.account}:rule/bulk-bus-{i:03d}/bulk-rule-{i:03d}"
            self.lam.add_permission(FunctionName=fn(i + 700), StatementId=f"events-{i:03d}",
                                    Action="lambda:InvokeFunction",
                                    Principal="events.amazonaws.com", SourceArn=rule)

        streams = []
        for s in range((stream_mappings + 9) // 10):
            kinesis.create_stream(StreamName=f"bulk-stream-{s:02d}", ShardCount=1)
            streams.append(kinesis.describe_stream(StreamName=f"bulk-stream-{s:02d}")[
                "StreamDescription"]["StreamARN"])

        def make_mapping(i):
            self.lam.create_event_source_mapping(
                EventSourceArn=streams[i // 10], FunctionName=fn(i + 300),
                StartingPosition="LATEST", MaximumRetryAttempts=-1 if i % 2 else 3)

        def make_alias(i):
            self.lam.create_alias(FunctionName=fn(i), Name="live", FunctionVersion="$LATEST")

        aliases = list(range(0, functions, alias_every)) if alias_every else []
        with ThreadPoolExecutor(workers) as pool:
            for job, items in ((make_queue, range(queues)), (make_topic, range(topics)),
                               (make_bus, range(buses)), (make_mapping, range(stream_mappings)),
                               (make_alias, aliases)):
                list(pool.map(job, items))
        self.manifest["bulk_triggers"] = {
            "queues": queues, "topics": topics, "buses": buses,
            "stream_mappings": stream_mappings, "aliases": len(aliases),
        }


class CodeBulk:
    """--code-bulk: the deployment packages of the bulk functions and their shared layers.
    Deterministic: the same index gives the same bytes on every run."""

    # The shared layers: (name, runtime, the package metadata files under the layer's root).
    LAYERS = [
        ("node-common", "nodejs20.x",
         [("nodejs/node_modules/lodash/package.json", "lodash-4.17.15.package.json")]),
        ("node-common", "nodejs20.x",
         [("nodejs/node_modules/lodash/package.json", "lodash-4.17.21.package.json")]),
        ("py-common", "python3.12",
         [("python/urllib3-1.26.4.dist-info/METADATA", "urllib3-1.26.4.METADATA")]),
    ]
    # What the layers' and functions' metadata files are (for the manifest's expectations).
    FILES = {
        "lodash-4.17.15.package.json": ("npm", "lodash", "4.17.15"),
        "lodash-4.17.21.package.json": ("npm", "lodash", "4.17.21"),
        "minimist-1.2.5.package.json": ("npm", "minimist", "1.2.5"),
        "minimist-1.2.8.package.json": ("npm", "minimist", "1.2.8"),
        "hapi-hoek-9.0.0.package.json": ("npm", "@hapi/hoek", "9.0.0"),
        "urllib3-1.26.4.METADATA": ("PyPI", "urllib3", "1.26.4"),
        "urllib3-2.2.2.METADATA": ("PyPI", "urllib3", "2.2.2"),
        "requests-2.25.0.METADATA": ("PyPI", "requests", "2.25.0"),
    }

    def __init__(self, seeder, out_dir, kib):
        self.seeder = seeder
        self.dir = os.path.abspath(out_dir)
        self.size = kib * 1024
        self.lock = threading.Lock()
        self.function_bytes = 0
        self.functions = 0
        self.with_layer = 0
        self.vulnerable = 0  # functions whose own package holds an affected version
        self.pools = {"js": code_pool("js"), "py": code_pool("py")}
        self.layers = []
        for index, (name, runtime, files) in enumerate(self.LAYERS):
            lang = "js" if runtime.startswith("node") else "py"
            source = ("nodejs/node_modules/lodash/lodash.js" if lang == "js"
                      else "python/urllib3/poolmanager.py")
            rng = random.Random(f"layer-{index}")
            data = make_code_zip([(path, package_file(file)) for path, file in files]
                                 + self.padding(rng, lang, [source]))
            published = seeder.lam.publish_layer_version(
                LayerName=name, Description=f"shared {lang} dependencies",
                Content={"ZipFile": data}, CompatibleRuntimes=[runtime])
            version = published["Version"]
            self.layers.append({
                "name": name, "version": version, "arn": published["LayerVersionArn"],
                "runtime": runtime, "bytes": len(data),
                "zip": self.write(f"layer/{name}/{version}.zip", data),
                "packages": [self.FILES[f] for _, f in files],
                "vulnerable": any(CODE_ADVISORIES[self.FILES[f]][0] for _, f in files),
                "functions": 0,
            })

    def write(self, relative, data):
        path = os.path.join(self.dir, *relative.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def padding(self, rng, lang, paths):
        """`self.size` bytes of code-like text spread over `paths`."""
        pool = self.pools[lang]
        share = self.size // len(paths)
        out = []
        for path in paths:
            text, n = [], 0
            while n < share:
                block = pool[rng.randrange(len(pool))]
                text.append(block)
                n += len(block) + 1
            out.append((path, "\n".join(text).encode()))
        return out

    def function_args(self, i):
        """CreateFunction's arguments for bulk function `i`: its own zip (written to the dir),
        runtime, handler and, for four in five, a shared layer."""
        rng = random.Random(f"bulk-fn-{i}")
        name = f"bulk-fn-{i:04d}"
        if i % 4 != 3:
            runtime, handler, lang = "nodejs20.x", "index.handler", "js"
            files = [
                ("node_modules/lodash/package.json",
                 "lodash-4.17.15.package.json" if i % 2 == 0 else "lodash-4.17.21.package.json"),
                ("node_modules/minimist/package.json",
                 "minimist-1.2.5.package.json" if (i // 2) % 2 == 0 else "minimist-1.2.8.package.json"),
            ]
            if i % 3 == 0:
                files.append(("node_modules/@hapi/hoek/package.json", "hapi-hoek-9.0.0.package.json"))
            source = [("index.js", (
                f"// bulk function {i}\n"
                "const _ = require('lodash');\nconst minimist = require('minimist');\n"
                "const service = require('./src/service');\n"
                f"exports.handler = async (event) => ({{ statusCode: 200, index: {i}, "
                "body: JSON.stringify(service.run(minimist(event.args || []), _)) });\n").encode())]
            padded = ["src/service.js", "node_modules/lodash/lodash.js",
                      "node_modules/minimist/index.js"]
            layer = None if i % 5 == 0 else self.layers[(i // 4) % 2]
        else:
            runtime, handler, lang = "python3.12", "lambda_function.lambda_handler", "py"
            urllib3 = "1.26.4" if (i // 4) % 2 == 0 else "2.2.2"
            files = [
                (f"urllib3-{urllib3}.dist-info/METADATA", f"urllib3-{urllib3}.METADATA"),
                ("requests-2.25.0.dist-info/METADATA", "requests-2.25.0.METADATA"),
            ]
            source = [("lambda_function.py", (
                f"# bulk function {i}\n"
                "import requests\nimport urllib3\n\nfrom app import service\n\n\n"
                "def lambda_handler(event, context):\n"
                f"    return {{'statusCode': 200, 'index': {i}, "
                "'body': service.run(event, requests, urllib3)}\n").encode())]
            padded = ["app/service.py", "urllib3/connectionpool.py", "requests/sessions.py"]
            layer = None if i % 5 == 0 else self.layers[2]
        data = make_code_zip(source + [(p, package_file(f)) for p, f in files]
                             + self.padding(rng, lang, padded))
        self.write(f"function/{name}.zip", data)
        with self.lock:
            self.functions += 1
            self.function_bytes += len(data)
            if any(CODE_ADVISORIES[self.FILES[f]][0] for _, f in files):
                self.vulnerable += 1
            if layer:
                self.with_layer += 1
                layer["functions"] += 1
        args = {"Runtime": runtime, "Handler": handler, "Code": {"ZipFile": data}}
        if layer:
            args["Layers"] = [layer["arn"]]
        return args

    def finish(self):
        """The small account's zips too (its functions and layer share the Seeder's tiny zip),
        then the manifest entry: what a `--code` scan of the whole account must download."""
        lam = self.seeder.lam
        tiny = self.seeder.zip
        tiny_sha = sha256_b64(tiny)
        sizes, layer_arns, unreadable = {}, set(), []
        for page in lam.get_paginator("list_functions").paginate():
            for fn in page["Functions"]:
                layer_arns.update(layer["Arn"] for layer in fn.get("Layers") or [])
                if fn.get("PackageType", "Zip") != "Zip":
                    continue
                sizes[fn["CodeSha256"]] = fn["CodeSize"]
                path = os.path.join(self.dir, "function", fn["FunctionName"] + ".zip")
                if os.path.exists(path):
                    continue
                if fn["CodeSha256"] == tiny_sha:
                    self.write(f"function/{fn['FunctionName']}.zip", tiny)
                else:
                    unreadable.append(fn["FunctionName"])
        layer_bytes = 0
        for arn in sorted(layer_arns):
            name, version = arn.split(":")[-2], int(arn.split(":")[-1])
            got = lam.get_layer_version(LayerName=name, VersionNumber=version)["Content"]
            layer_bytes += got["CodeSize"]
            if os.path.exists(os.path.join(self.dir, "layer", name, f"{version}.zip")):
                continue
            if got["CodeSha256"] == tiny_sha:
                self.write(f"layer/{name}/{version}.zip", tiny)
            else:
                unreadable.append(arn)
        return {
            "dir": self.dir,
            "kib_per_package": self.size // 1024,
            "functions": self.functions,
            "functions_with_layer": self.with_layer,
            "functions_vulnerable_own_package": self.vulnerable,
            "function_zip_bytes": self.function_bytes,
            "layers": self.layers,
            "readable": {
                "distinct_function_packages": len(sizes),
                "layer_versions": len(layer_arns),
                "downloads": len(sizes) + len(layer_arns),
                "bytes": sum(sizes.values()) + layer_bytes,
            },
            "unreadable": unreadable,
        }


# Building blocks of the generated code (--code-bulk): identifiers from syllables, so the text
# compresses like source code (about 3:1 deflated) and holds nothing a secret detector takes
# for a credential.
SYLLABLES = ["ba", "ce", "di", "fo", "gu", "ha", "je", "ki", "lo", "mu", "na", "pe", "qui", "ro",
             "su", "ta", "ve", "wi", "xo", "zy", "st", "tr", "pl", "cr", "gr", "br", "th", "sh",
             "ch", "ent", "ion", "er", "at", "ing"]
_POOLS = {}


def code_pool(lang, blocks=6000):
    """A fixed pool of `blocks` generated functions (about 700 bytes each) in `lang` (js or
    py); a package's text is a random draw of them, so no two packages share their bytes and
    the deflate window (32 KB) seldom sees a block twice."""
    if lang in _POOLS:
        return _POOLS[lang]
    rng = random.Random(f"pool-{lang}")
    vocab = set()
    while len(vocab) < 3000:
        vocab.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
    vocab = sorted(vocab)

    def ident():
        a = rng.choice(vocab)
        return a if rng.random() < 0.5 else a + rng.choice(vocab).capitalize()

    def words(lo, hi):
        return " ".join(rng.choice(vocab) for _ in range(rng.randint(lo, hi)))

    pool = []
    for _ in range(blocks):
        f, a, b, c = ident(), ident(), ident(), ident()
        if lang == "js":
            lines = [f"/**\n * {words(4, 10)}.\n * @param {{Object}} {a}\n */",
                     f"function {f}({a}, {b}) {{",
                     f"  let {c} = {a} && {a}.{ident()} !== undefined ? {a}.{ident()} : "
                     f"{rng.randint(0, 4096)};"]
            for _ in range(rng.randint(2, 7)):
                x, y, k = ident(), ident(), rng.random()
                if k < 0.25:
                    lines.append(f"  if ({x}.{y} > {rng.randint(0, 999)}) {{ {c} += "
                                 f"{b}.{x}({y}, '{rng.choice(vocab)}'); }}")
                elif k < 0.5:
                    lines.append(f"  const {x} = ({b} || []).map(({y}) => {y}.{ident()} * "
                                 f"{rng.randint(1, 64)});")
                elif k < 0.75:
                    lines.append(f"  {a}.{x} = `{rng.choice(vocab)}-${{{y}}}-"
                                 f"{rng.randint(0, 99999)}`;")
                else:
                    lines.append(f"  for (let i = 0; i < {x}.length; i++) {{ "
                                 f"{y}.push({x}[i].{ident()}); }}")
            lines.append(f"  return {c};\n}}\nmodule.exports.{f} = {f};\n")
        else:
            lines = [f"def {f}({a}, {b}=None):", f'    """{words(4, 10)}."""',
                     f"    {c} = {a}.get('{ident()}', {rng.randint(0, 4096)})"]
            for _ in range(rng.randint(2, 7)):
                x, y, k = ident(), ident(), rng.random()
                if k < 0.25:
                    lines.append(f"    if {x}.{y} > {rng.randint(0, 999)}:\n"
                                 f"        {c} += {b}.{x}({y}, '{rng.choice(vocab)}')")
                elif k < 0.5:
                    lines.append(f"    {x} = [{y}.{ident()} * {rng.randint(1, 64)} "
                                 f"for {y} in ({b} or [])]")
                elif k < 0.75:
                    lines.append(f"    {a}['{x}'] = f'{rng.choice(vocab)}-{{{y}}}-"
                                 f"{rng.randint(0, 99999)}'")
                else:
                    lines.append(f"    for {y} in {x}:\n        {c} = {y}.{ident()}({c})")
            lines.append(f"    return {c}\n\n")
        pool.append("\n".join(lines))
    _POOLS[lang] = pool
    return pool


def package_file(file):
    """A real package's metadata file from tests/data/packages."""
    with open(os.path.join(PACKAGES_DIR, file), "rb") as f:
        return f.read()


def make_zip():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("index.py", "def handler(event, context):\n    return {'statusCode': 200}\n")
    return buf.getvalue()


def make_code_zip(files):
    """A deployment package of (path, bytes): deflated, fixed timestamps and modes, so the same
    files give the same bytes (and CodeSha256) on every run."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for path, data in files:
            info = zipfile.ZipInfo(path, date_time=(2024, 1, 2, 3, 4, 6))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            z.writestr(info, data)
    return buf.getvalue()


def sha256_b64(data):
    """Lambda's CodeSha256: the base64 of the zip's SHA-256."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--region", default="us-east-1")
    parser.add_argument("--profile", choices=["small", "none"], default="small")
    parser.add_argument("--aged", action="store_true")
    parser.add_argument("--functions", type=int, default=0)
    parser.add_argument("--rest-apis", type=int, default=0)
    parser.add_argument("--secrets", type=int, default=0)
    parser.add_argument("--queues", type=int, default=0)
    parser.add_argument("--topics", type=int, default=0)
    parser.add_argument("--buses", type=int, default=0)
    parser.add_argument("--stream-mappings", type=int, default=0)
    parser.add_argument("--alias-every", type=int, default=0,
                        help="an alias on every Nth bulk function (0: none)")
    parser.add_argument("--code-packages", metavar="DIR",
                        help="seed functions and a layer with real packages' metadata and "
                             "write their zips under DIR (for fault_proxy.py --code-dir)")
    parser.add_argument("--code-bulk", metavar="DIR",
                        help="give the --functions bulk functions real-looking deployment "
                             "packages and shared layers, their zips written under DIR (for "
                             "fault_proxy.py --code-dir)")
    parser.add_argument("--code-bulk-kib", type=int, default=512, metavar="K",
                        help="KiB of generated code-like text per --code-bulk package "
                             "(default 512: about 170 KB zipped)")
    args = parser.parse_args()
    if args.code_bulk and not args.functions:
        parser.error("--code-bulk needs --functions N")
    host = args.endpoint.split("//", 1)[-1].split(":", 1)[0].split("/", 1)[0]
    if host not in ("127.0.0.1", "localhost", "[::1]"):
        sys.exit("seed: refusing to seed anything but a loopback emulator")
    for var in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        os.environ.pop(var, None)

    seeder = Seeder(args.endpoint, args.region)
    if args.aged:
        seeder.seed_aged()
    elif args.profile == "small":
        seeder.seed_small()
    if args.functions or args.rest_apis or args.secrets:
        seeder.seed_bulk(args.functions, args.rest_apis, args.secrets,
                         code_dir=args.code_bulk, code_kib=args.code_bulk_kib)
    if args.queues or args.topics or args.buses or args.stream_mappings or args.alias_every:
        seeder.seed_bulk_triggers(args.functions, args.queues, args.topics, args.buses,
                                  args.stream_mappings, args.alias_every)
    if args.code_packages:
        seeder.seed_code(args.code_packages)
    json.dump(seeder.manifest, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
