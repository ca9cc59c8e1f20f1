#!/usr/bin/env python3
"""An HTTP proxy on 127.0.0.1 in front of the AWS emulator that injects faults, adds latency
and counts requests. Standard library only.

    python fault_proxy.py --upstream http://127.0.0.1:MOTO_PORT [--port 0] [--seed 7]
        [--throttle-rate R] [--error-rate R] [--drop-rate R] [--slow-rate R --slow-ms MS]
        [--stall-rate R] [--fail-always-rate R] [--stall-always-rate R]
        [--max-faults-per-request N] [--max-faults N]
        [--latency-ms MS] [--spare sts,iam] [--code-dir DIR]

Point a client at it as its endpoint (`--endpoint-url http://127.0.0.1:PORT`); it forwards each
request unchanged (Host and signature included) and relays the answer, unless it injects:

- throttle: the service's own throttling error (HTTP 429 TooManyRequestsException for Lambda and
  API Gateway, HTTP 400 ThrottlingException JSON for Secrets Manager/KMS, XML `Throttling` for
  IAM/STS);
- error: HTTP 500 InternalFailure;
- drop: reads the request, then closes the connection without answering;
- slow: answers correctly after --slow-ms;
- stall: reads the request and never answers (the connection stays open until the client gives
  up): only a client-side timeout ends the wait;
- fail-always / stall-always: a fixed fraction of distinct requests answer HTTP 500, or stall,
  on every attempt (retries cannot save them; the scan must report those findings as unknown,
  and must not hang on them).

Deterministic: whether a request is faulted depends only on --seed, the request (method, path,
query, body, target) and how many times that same request was seen, never on arrival order, so
concurrent clients get the same faults run after run. Bounded: a request is faulted at most
--max-faults-per-request times in a row (then it passes), at most --max-faults in total, and
services in --spare are never faulted (latency still applies).

With `--quota`, it also applies AWS's API request quotas, as AWS documents them (a token bucket
per region and quota bucket, its capacity the documented burst, else one second of its rate),
and answers a request over its bucket's quota with the throttling error AWS sends for that
protocol, without forwarding it. `--quota-scale S` multiplies every rate (fast tests);
`--reserve BUCKET=F` has a second client (a deploy pipeline) draw F of that bucket's rate all
along, and counts the moments it would have been throttled. The table is this file's own
reading of the AWS quota pages (QUOTAS), independent of Parapet's.

With `--code-dir DIR`, it also stands in for the S3 buckets Lambda hands code out of (moto's
locations are a host that does not resolve, or `s3://`): a successful answer to GetFunction
(`GET /2015-03-31/functions/NAME`, optionally `?Qualifier=`) has its `Code.Location` replaced
by `http://127.0.0.1:PORT/__code/function/NAME.zip?<query>` when DIR/function/NAME.zip exists
(NAME from `Configuration.FunctionName`), and one to GetLayerVersion
(`GET /2018-10-31/layers/NAME/versions/N`) its `Content.Location` by
`http://127.0.0.1:PORT/__code/layer/NAME/N.zip?<query>` when DIR/layer/NAME/N.zip exists (NAME
and N from the answer's `LayerArn` and `Version`). The query is shaped like a presigned S3 URL's
(`X-Amz-Algorithm`, `X-Amz-Credential`, `X-Amz-Signature`, `X-Amz-Security-Token`, all fake), so
a client can be shown to keep it out of its output. `GET /__code/...` serves the file as
application/zip whatever the query (404 when missing, 403 for a path leaving DIR); downloads
are never faulted, delayed or quota-limited, and are not counted as AWS requests but under
`code_downloads` in the stats.

Prints `PROXY_PORT=<n>` once listening. `GET /__proxy/stats` returns the counts as JSON
(requests by service and action, faults by kind, and with --code-dir `code_downloads`: served
files by path under DIR, e.g. `function/NAME.zip`); `POST /__proxy/reset` zeroes them. Exits
when its parent process goes away.
"""

import argparse
import asyncio
import hashlib
import json
import os
import re
import signal
import sys
import threading
import time
import uuid
from collections import Counter, defaultdict
from urllib.parse import parse_qsl, quote, unquote, urlsplit

CRED_RE = re.compile(r"Credential=[^/]+/[^/]+/[^/]+/([^/]+)/aws4_request")
ACTION_RE = re.compile(r"(?:^|&)Action=([A-Za-z0-9]+)")
REST_JSON = {"lambda", "apigateway"}
QUERY_XML = {"iam", "sts", "sns"}
STALL_SECONDS = 900
# --code-dir: the answers whose code location is rewritten (the whole path, no sub-resource).
GET_FUNCTION_RE = re.compile(r"/2015-03-31/functions/[^/]+")
GET_LAYER_VERSION_RE = re.compile(r"/2018-10-31/layers/[^/]+/versions/\d+")
CODE_PREFIX = "/__code/"
# What follows a rewritten location: a presigned S3 URL's parameters, with fake values.
PRESIGNED_QUERY = (
    "X-Amz-Algorithm=AWS4-HMAC-SHA256"
    "&X-Amz-Credential=ASIAFAKEFAKEFAKE%2F20261206%2Fus-east-1%2Fs3%2Faws4_request"
    "&X-Amz-Signature={signature}"
    "&X-Amz-Security-Token=FwoGZXIvYXdzEFAKETOKEN"
)
# REST path segments followed by an id or a name.
COLLECTIONS = {
    "functions", "restapis", "apis", "domainnames", "authorizers", "stages", "routes",
    "integrations", "resources", "usageplans", "deployments", "layers", "versions",
    "requestvalidators", "basepathmappings", "apimappings", "tags", "code-signing-configs",
    "aliases", "event-source-mappings",
}


# AWS's documented request quotas: bucket -> (requests per second, burst or None, global).
# Sources: the Lambda, API Gateway, Secrets Manager, KMS, SNS, EventBridge, STS and
# Organizations quota pages (docs.aws.amazon.com); IAM, SQS and SNS GetTopicAttributes publish
# none, so they get a conservative 10 per second.
QUOTAS = {
    "lambda.get-function": (100.0, None, False),
    "lambda.get-policy": (15.0, None, False),
    "lambda.control-plane": (15.0, None, False),
    "apigateway.total": (10.0, 40, False),
    "apigateway.get-resources": (2.5, None, False),
    "secretsmanager.list-secrets": (100.0, None, False),
    "secretsmanager.resource-policy": (50.0, None, False),
    "secretsmanager.describe": (10000.0, None, False),
    "kms.describe-key": (2000.0, None, False),
    "kms.get-key-rotation-status": (1000.0, None, False),
    "kms.get-key-policy": (1000.0, None, False),
    "kms.list-aliases": (500.0, None, False),
    "kms.other": (500.0, None, False),
    "iam.reads": (10.0, None, True),
    "sqs.control-plane": (10.0, None, False),
    "sns.list-subscriptions": (30.0, None, False),
    "sns.list-topics": (30.0, None, False),
    "sns.get-topic-attributes": (10.0, None, False),
    "events.control-plane": (50.0, None, False),
    "sts.requests": (600.0, None, False),
    "organizations.list-accounts": (8.0, 12, True),
}
KMS_BUCKETS = {
    "DescribeKey": "kms.describe-key",
    "GetKeyRotationStatus": "kms.get-key-rotation-status",
    "GetKeyPolicy": "kms.get-key-policy",
    "ListAliases": "kms.list-aliases",
}


def buckets_of(service, action):
    """The quota buckets a request draws from (every one must have a token)."""
    if service == "lambda":
        if action.startswith("POST /2015-03-31/functions/{}/invocations"):
            return []
        if re.fullmatch(r"GET /20\d\d-\d\d-\d\d/functions/\{\}/policy( \(qualified\))?", action):
            return ["lambda.get-policy"]
        if re.fullmatch(r"GET /2015-03-31/functions/\{\}( \(qualified\))?", action):
            return ["lambda.get-function"]
        return ["lambda.control-plane"]
    if service == "apigateway":
        if re.fullmatch(r"GET /restapis/\{\}/resources", action):
            return ["apigateway.get-resources", "apigateway.total"]
        return ["apigateway.total"]
    if service == "secretsmanager":
        if action == "ListSecrets":
            return ["secretsmanager.list-secrets"]
        if action in ("GetResourcePolicy", "PutResourcePolicy", "DeleteResourcePolicy",
                      "ValidateResourcePolicy"):
            return ["secretsmanager.resource-policy"]
        return ["secretsmanager.describe"]
    if service == "kms":
        return [KMS_BUCKETS.get(action, "kms.other")]
    if service == "iam":
        return ["iam.reads"]
    if service == "sqs":
        return ["sqs.control-plane"]
    if service == "sns":
        return {"ListSubscriptions": ["sns.list-subscriptions"], "ListTopics": ["sns.list-topics"]}.get(
            action, ["sns.get-topic-attributes"])
    if service == "events":
        return ["events.control-plane"]
    if service == "sts":
        return ["sts.requests"]
    if service == "organizations":
        return ["organizations.list-accounts"]
    return []


class Bucket:
    """AWS's token bucket for one (region, quota), and a second client's draw on it."""

    def __init__(self, rate, burst, reserve):
        self.rate = rate
        self.capacity = float(burst) if burst else max(rate, 1.0)
        self.tokens = self.capacity
        self.reserve = reserve  # requests per second the second client takes
        self.at = time.monotonic()
        self.admitted = 0
        self.throttled = 0
        self.reserve_denied = 0.0
        self.window = []  # times of admitted requests in the last second
        self.peak = 0  # most requests admitted within any one second

    def refill(self, now):
        dt = max(0.0, now - self.at)
        self.at = now
        self.tokens += self.rate * dt
        self.tokens -= self.reserve * dt
        if self.tokens < 0:
            self.reserve_denied += -self.tokens
            self.tokens = 0.0
        self.tokens = min(self.tokens, self.capacity)

    def admit(self, now):
        self.admitted += 1
        self.tokens -= 1.0
        self.window.append(now)
        while self.window and self.window[0] <= now - 1.0:
            self.window.pop(0)
        self.peak = max(self.peak, len(self.window))


class Stats:
    def __init__(self):
        self.reset()

    def reset(self):
        self.started = time.monotonic()
        self.requests = 0
        self.by_service = Counter()
        self.by_action = Counter()
        self.faults = Counter()
        self.code_downloads = Counter()  # --code-dir: served files by path under the dir
        self.first = None
        self.last = None

    def snapshot(self):
        window = (self.last - self.first) if self.first is not None and self.last else 0.0
        return {
            "requests": self.requests,
            "by_service": dict(self.by_service),
            "by_action": dict(self.by_action),
            "faults": dict(self.faults),
            "active_seconds": round(window, 3),
        }


class Proxy:
    def __init__(self, args):
        self.args = args
        up = urlsplit(args.upstream)
        if up.hostname not in ("127.0.0.1", "localhost", "::1"):
            sys.exit("fault_proxy: the upstream must be on loopback")
        self.up_host = up.hostname
        self.up_port = up.port or 80
        self.stats = Stats()
        self.seen = defaultdict(int)  # request fingerprint -> times seen
        self.streak = defaultdict(int)  # request fingerprint -> consecutive faults
        self.total_faults = 0
        self.spare = {s for s in args.spare.split(",") if s}
        self.quota = args.quota
        self.scale = args.quota_scale
        self.reserve = {}
        for item in args.reserve:
            name, _, share = item.partition("=")
            if name not in QUOTAS:
                sys.exit(f"fault_proxy: --reserve: no quota bucket {name!r}")
            self.reserve[name] = float(share)
        self.buckets = {}  # (region, bucket) -> Bucket
        self.code_dir = os.path.realpath(args.code_dir) if args.code_dir else None
        self.port = None  # set once listening (the rewritten locations name it)

    def over_quota(self, region, service, action):
        """Whether the request must be throttled; takes its tokens when it may pass."""
        names = buckets_of(service, action)
        now = time.monotonic()
        chosen = []
        for name in names:
            rate, burst, is_global = QUOTAS[name]
            key = ("*" if is_global else region, name)
            b = self.buckets.get(key)
            if b is None:
                b = Bucket(rate * self.scale, burst and burst * self.scale,
                           self.reserve.get(name, 0.0) * rate * self.scale)
                self.buckets[key] = b
            b.refill(now)
            chosen.append(b)
        if any(b.tokens < 1.0 for b in chosen):
            for b in chosen:
                b.throttled += 1
            return True
        for b in chosen:
            b.admit(now)
        return False

    def quota_stats(self):
        out = {}
        for (region, name), b in sorted(self.buckets.items()):
            out[f"{region}/{name}"] = {
                "rate": b.rate,
                "admitted": b.admitted,
                "throttled": b.throttled,
                "peak_per_second": b.peak,
                "reserve_per_second": b.reserve,
                "reserve_denied": round(b.reserve_denied, 3),
            }
        return out

    # ───────────── decisions ─────────────

    def unit(self, *parts):
        h = hashlib.sha256("\x1f".join(str(p) for p in (self.args.seed,) + parts).encode())
        return int.from_bytes(h.digest()[:8], "big") / 2**64

    def decide(self, service, fingerprint):
        """One of None, 'throttle', 'error', 'drop', 'slow', 'stall', 'always'."""
        attempt = self.seen[fingerprint]
        self.seen[fingerprint] += 1
        if service in self.spare:
            return None
        a = self.args
        if a.fail_always_rate and self.unit(fingerprint, "always") < a.fail_always_rate:
            return "always"
        if a.stall_always_rate and self.unit(fingerprint, "stall-always") < a.stall_always_rate:
            return "stall"
        if self.streak[fingerprint] >= a.max_faults_per_request:
            self.streak[fingerprint] = 0
            return None
        if a.max_faults is not None and self.total_faults >= a.max_faults:
            return None
        r = self.unit(fingerprint, attempt)
        for kind, rate in (
            ("throttle", a.throttle_rate),
            ("error", a.error_rate),
            ("drop", a.drop_rate),
            ("slow", a.slow_rate),
            ("stall", a.stall_rate),
        ):
            if r < rate:
                if kind != "slow":
                    self.streak[fingerprint] += 1
                    self.total_faults += 1
                return kind
            r -= rate
        self.streak[fingerprint] = 0
        return None

    # ───────────── HTTP plumbing ─────────────

    async def handle(self, reader, writer):
        try:
            while True:
                request = await read_message(reader, is_request=True)
                if request is None:
                    break
                keep = await self.serve_one(request, writer)
                if not keep:
                    break
        except (ConnectionError, asyncio.IncompleteReadError, ValueError):
            pass
        finally:
            try:
                writer.close()
            except Exception:
                pass

    async def serve_one(self, request, writer):
        start_line, headers, body = request
        method, target, _version = start_line.split(" ", 2)
        if target.startswith("/__proxy/"):
            return await self.control(method, target, writer)
        if self.code_dir and target.startswith(CODE_PREFIX):
            # Never faulted, delayed or quota-limited: the stand-in for S3, not the AWS API.
            await self.serve_code(method, target, writer)
            return header(headers, "connection").lower() != "close"

        service = service_of(headers)
        action = action_of(service, method, target, headers, body)
        now = time.monotonic()
        st = self.stats
        st.requests += 1
        st.by_service[service] += 1
        st.by_action[f"{service}:{action}"] += 1
        st.first = now if st.first is None else st.first

        fingerprint = hashlib.sha256(
            b"\x1f".join(
                [method.encode(), target.encode(), header(headers, "x-amz-target").encode(), body]
            )
        ).hexdigest()
        fault = self.decide(service, fingerprint)
        if self.args.latency_ms:
            await asyncio.sleep(self.args.latency_ms / 1000)
        if fault is None and self.quota:
            region = region_of(headers)
            if self.over_quota(region, service, action):
                st.faults["quota"] += 1
                status, extra, payload = error_response(service, "throttle")
                await send(writer, status, extra, payload)
                st.last = time.monotonic()
                return True
        if fault:
            st.faults[fault] += 1
        if fault == "drop":
            writer.transport.abort()
            return False
        if fault == "stall":
            # Hold the connection open without a byte of answer, far longer than any sane
            # client timeout; the client closing its end is what ends it in practice.
            await asyncio.sleep(STALL_SECONDS)
            writer.transport.abort()
            return False
        if fault in ("throttle", "error", "always"):
            status, extra, payload = error_response(service, "throttle" if fault == "throttle" else "error")
            await send(writer, status, extra, payload)
            st.last = time.monotonic()
            return True
        if fault == "slow":
            await asyncio.sleep(self.args.slow_ms / 1000)

        status, resp_headers, resp_body = await self.forward(start_line, headers, body)
        if self.code_dir and method == "GET" and status.startswith("2"):
            resp_body = self.rewrite_code_location(target, resp_headers, resp_body)
        await send(writer, status, resp_headers, resp_body)
        st.last = time.monotonic()
        return header(headers, "connection").lower() != "close"

    async def forward(self, start_line, headers, body):
        reader, writer = await asyncio.open_connection(self.up_host, self.up_port)
        try:
            out = [start_line]
            for k, v in headers:
                if k.lower() in ("connection", "keep-alive", "proxy-connection"):
                    continue
                out.append(f"{k}: {v}")
            out.append("Connection: close")
            writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + body)
            await writer.drain()
            message = await read_message(reader, is_request=False)
            if message is None:
                raise ConnectionError("upstream closed without answering")
            status_line, resp_headers, resp_body = message
            status = status_line.split(" ", 1)[1]
            return status, resp_headers, resp_body
        finally:
            writer.close()

    # ───────────── --code-dir: code locations and the files behind them ─────────────

    def code_url(self, relative):
        """A location on this proxy for DIR/`relative`, with a presigned-looking query."""
        signature = hashlib.sha256(f"{self.args.seed}\x1f{relative}".encode()).hexdigest()
        path = "/".join(quote(part, safe="") for part in relative.split("/"))
        query = PRESIGNED_QUERY.format(signature=signature)
        return f"http://127.0.0.1:{self.port}{CODE_PREFIX}{path}?{query}"

    def code_file(self, relative):
        """The file under DIR at `relative` (slash-separated), or None when it would leave DIR."""
        parts = relative.split("/")
        if any(p in ("", ".", "..") or "\\" in p or "\0" in p for p in parts):
            return None
        path = os.path.realpath(os.path.join(self.code_dir, *parts))
        if os.path.commonpath([self.code_dir, path]) != self.code_dir:
            return None
        return path

    def rewrite_code_location(self, target, headers, body):
        """GetFunction's `Code.Location` and GetLayerVersion's `Content.Location` pointed at
        this proxy when the dir holds that zip; any other answer unchanged."""
        path, _, query = target.partition("?")
        if GET_FUNCTION_RE.fullmatch(path):
            if any(k != "Qualifier" for k, _ in parse_qsl(query, keep_blank_values=True)):
                return body
            section = "Code"
        elif GET_LAYER_VERSION_RE.fullmatch(path):
            section = "Content"
        else:
            return body
        if header(headers, "content-encoding").lower() not in ("", "identity"):
            return body
        try:
            doc = json.loads(body)
        except ValueError:
            return body
        if not isinstance(doc, dict) or not isinstance(doc.get(section), dict):
            return body
        if section == "Code":
            name = (doc.get("Configuration") or {}).get("FunctionName")
            if not isinstance(name, str) or not name:
                return body
            relative = f"function/{name}.zip"
        else:
            # The name and version from the answer: the request may name the layer by ARN.
            layer_arn, version = doc.get("LayerArn"), doc.get("Version")
            if not isinstance(layer_arn, str) or not isinstance(version, int):
                return body
            relative = f"layer/{layer_arn.rsplit(':', 1)[-1]}/{version}.zip"
        file = self.code_file(relative)
        if file is None or not os.path.isfile(file):
            return body
        doc[section]["Location"] = self.code_url(relative)
        return json.dumps(doc).encode()

    async def serve_code(self, method, target, writer):
        relative = unquote(target.partition("?")[0][len(CODE_PREFIX):])
        if method != "GET":
            await send(writer, "405 Method Not Allowed", [("Allow", "GET")], b"")
            return
        file = self.code_file(relative)
        if file is None:
            await send(writer, "403 Forbidden", [], b"")
            return
        try:
            with open(file, "rb") as f:
                data = f.read()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            await send(writer, "404 Not Found", [], b"")
            return
        self.stats.code_downloads[relative] += 1
        await send(writer, "200 OK", [("Content-Type", "application/zip")], data)

    async def control(self, method, target, writer):
        if target.startswith("/__proxy/stats"):
            snapshot = self.stats.snapshot()
            if self.quota:
                snapshot["quota"] = self.quota_stats()
            if self.code_dir:
                snapshot["code_downloads"] = dict(self.stats.code_downloads)
            payload = json.dumps(snapshot).encode()
            await send(writer, "200 OK", [("Content-Type", "application/json")], payload)
        elif target.startswith("/__proxy/reset") and method == "POST":
            self.stats.reset()
            self.seen.clear()
            self.streak.clear()
            self.total_faults = 0
            self.buckets.clear()
            await send(writer, "200 OK", [("Content-Type", "application/json")], b'{"ok":true}')
        else:
            await send(writer, "404 Not Found", [], b"")
        return False


def header(headers, name):
    name = name.lower()
    for k, v in headers:
        if k.lower() == name:
            return v
    return ""


def service_of(headers):
    m = CRED_RE.search(header(headers, "authorization"))
    return m.group(1) if m else "unsigned"


REGION_RE = re.compile(r"Credential=[^/]+/[^/]+/([^/]+)/[^/]+/aws4_request")


def region_of(headers):
    m = REGION_RE.search(header(headers, "authorization"))
    return m.group(1) if m else "unsigned"


def action_of(service, method, target, headers, body):
    amz_target = header(headers, "x-amz-target")
    if amz_target:
        return amz_target.rsplit(".", 1)[-1]
    if service in QUERY_XML:
        m = ACTION_RE.search(body.decode("latin-1")) or ACTION_RE.search(target.partition("?")[2])
        if m:
            return m.group(1)
    # REST services: the verb and the path, ids and names collapsed to {}.
    path = target.split("?", 1)[0]
    parts = [p for p in path.split("/") if p]
    shape = [
        "{}" if i > 0 and parts[i - 1] in COLLECTIONS else p for i, p in enumerate(parts)
    ]
    # A call on an alias (`?Qualifier=`) is counted apart: the per-alias cost.
    qualified = " (qualified)" if "Qualifier=" in target.partition("?")[2] else ""
    return f"{method} /{'/'.join(shape)}{qualified}"


def error_response(service, kind):
    request_id = str(uuid.uuid4())
    if kind == "throttle":
        if service in REST_JSON:
            body = {"message": "Rate exceeded", "Type": "User"}
            if service == "lambda":
                body["Reason"] = "CallerRateLimitExceeded"
            return (
                "429 Too Many Requests",
                [("Content-Type", "application/json"), ("x-amzn-ErrorType", "TooManyRequestsException"),
                 ("x-amzn-RequestId", request_id)],
                json.dumps(body).encode(),
            )
        if service in QUERY_XML:
            return (
                "400 Bad Request",
                [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)],
                (
                    "<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code>"
                    f"<Message>Rate exceeded</Message></Error><RequestId>{request_id}</RequestId>"
                    "</ErrorResponse>"
                ).encode(),
            )
        return (
            "400 Bad Request",
            [("Content-Type", "application/x-amz-json-1.1"), ("x-amzn-RequestId", request_id)],
            json.dumps({"__type": "ThrottlingException", "message": "Rate exceeded"}).encode(),
        )
    if service in QUERY_XML:
        return (
            "500 Internal Server Error",
            [("Content-Type", "text/xml"), ("x-amzn-RequestId", request_id)],
            (
                "<ErrorResponse><Error><Type>Receiver</Type><Code>InternalFailure</Code>"
                "<Message>injected fault</Message></Error>"
                f"<RequestId>{request_id}</RequestId></ErrorResponse>"
            ).encode(),
        )
    return (
        "500 Internal Server Error",
        [("Content-Type", "application/json"), ("x-amzn-ErrorType", "InternalFailure"),
         ("x-amzn-RequestId", request_id)],
        json.dumps({"__type": "InternalFailure", "message": "injected fault"}).encode(),
    )


async def read_message(reader, is_request):
    """Reads one HTTP/1.1 message: (start line, [(name, value)], body). None at a clean EOF."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        if not e.partial.strip():
            return None
        raise
    lines = head.decode("latin-1").split("\r\n")
    start = lines[0]
    headers = []
    for line in lines[1:]:
        if not line:
            continue
        k, _, v = line.partition(":")
        headers.append((k.strip(), v.strip()))
    te = header(headers, "transfer-encoding").lower()
    length = header(headers, "content-length")
    if "chunked" in te:
        body = bytearray()
        while True:
            size_line = await reader.readuntil(b"\r\n")
            size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:
                # trailers until an empty line
                while (await reader.readuntil(b"\r\n")) != b"\r\n":
                    pass
                break
            body += await reader.readexactly(size)
            await reader.readexactly(2)
        body = bytes(body)
    elif length:
        body = await reader.readexactly(int(length))
    elif is_request:
        body = b""
    else:
        status = start.split(" ")[1] if " " in start else ""
        body = b"" if status in ("204", "304") else await reader.read()
    return start, headers, body


async def send(writer, status, headers, body):
    out = [f"HTTP/1.1 {status}"]
    for k, v in headers:
        if k.lower() in ("content-length", "transfer-encoding", "connection", "keep-alive"):
            continue
        out.append(f"{k}: {v}")
    out.append(f"Content-Length: {len(body)}")
    writer.write(("\r\n".join(out) + "\r\n\r\n").encode("latin-1") + body)
    await writer.drain()


def watch_parent(parent):
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


async def main_async(args):
    proxy = Proxy(args)
    server = await asyncio.start_server(proxy.handle, "127.0.0.1", args.port, limit=2**24)
    port = server.sockets[0].getsockname()[1]
    proxy.port = port
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    print(f"PROXY_PORT={port}", flush=True)
    async with server:
        await server.serve_forever()


def rate(s):
    v = float(s)
    if not 0.0 <= v <= 1.0:
        raise argparse.ArgumentTypeError("a rate is between 0 and 1")
    return v


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--upstream", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--port-file")
    p.add_argument("--seed", default="1")
    p.add_argument("--throttle-rate", type=rate, default=0.0)
    p.add_argument("--error-rate", type=rate, default=0.0)
    p.add_argument("--drop-rate", type=rate, default=0.0)
    p.add_argument("--slow-rate", type=rate, default=0.0)
    p.add_argument("--slow-ms", type=int, default=1000)
    p.add_argument("--stall-rate", type=rate, default=0.0)
    p.add_argument("--fail-always-rate", type=rate, default=0.0)
    p.add_argument("--stall-always-rate", type=rate, default=0.0)
    p.add_argument("--max-faults-per-request", type=int, default=2)
    p.add_argument("--max-faults", type=int, default=None)
    p.add_argument("--latency-ms", type=int, default=0)
    p.add_argument("--spare", default="", help="comma-separated services never faulted")
    p.add_argument("--quota", action="store_true", help="apply AWS's documented API quotas")
    p.add_argument("--quota-scale", type=float, default=1.0,
                   help="multiply every quota rate (fast tests)")
    p.add_argument("--reserve", action="append", default=[],
                   help="BUCKET=F: a second client draws F of that bucket's rate")
    p.add_argument("--code-dir",
                   help="serve the zips under DIR/function/NAME.zip and DIR/layer/NAME/N.zip "
                        "and point GetFunction's and GetLayerVersion's locations at them")
    p.add_argument("--no-parent-watch", action="store_true")
    args = p.parse_args()
    if args.throttle_rate + args.error_rate + args.drop_rate + args.slow_rate + args.stall_rate > 1.0:
        p.error("the fault rates add up to more than 1")

    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    signal.signal(signal.SIGINT, lambda *_: os._exit(0))
    if not args.no_parent_watch:
        threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()
    asyncio.run(main_async(args))


if __name__ == "__main__":
    main()
