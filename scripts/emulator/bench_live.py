#!/usr/bin/env python3
"""The live benchmark (run through scripts/bench-live): Parapet's `scan` against the emulator
with the small account plus 1,000 functions, 200 REST APIs and 1,000 secrets (issue 3), and
their triggers: 200 queues, 50 topics, 20 buses, 100 stream mappings and an alias on every
fifth function (issue 7).

Reports, as a Markdown table (stdout and target/bench-live.md): scan time, requests per
resource (counted at a proxy), peak RSS, the emulator's measured maximum request rate and the
floor it implies, the scan time behind a proxy adding 50 ms per request, and Prowler's time on
the same account when Prowler is available. Nothing is asserted.

    python bench_live.py --parapet target/release/parapet [--prowler PATH] [--functions 1000 ...]
"""

import argparse
import http.client
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REGION = "us-east-1"


def log(msg):
    print(f"bench-live: {msg}", file=sys.stderr, flush=True)


class Child:
    """A helper process that prints KEY=PORT when it listens."""

    def __init__(self, args, key):
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(
            [sys.executable] + args, stdout=subprocess.PIPE, stderr=self.log, text=True
        )
        line = self.proc.stdout.readline()
        if not line.startswith(key + "="):
            self.log.seek(0)
            sys.exit(f"bench-live: {args[0]} did not start:\n{self.log.read().decode()[-2000:]}")
        self.port = int(line.strip().split("=", 1)[1])
        self.endpoint = f"http://127.0.0.1:{self.port}"

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def get_json(port, path, method="GET"):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    c.request(method, path)
    body = c.getresponse().read()
    c.close()
    return json.loads(body)


def measure_rate(port, names, seconds=6.0, workers=8):
    """Requests/s moto sustains on the calls a scan makes per resource (GetPolicy,
    GetResourcePolicy, GetStages), from `workers` keep-alive-less clients."""
    fn, secret, api = names

    def auth(service):
        return (
            "AWS4-HMAC-SHA256 Credential=testing/20250101/us-east-1/"
            f"{service}/aws4_request, SignedHeaders=host, Signature=0"
        )

    requests = [
        ("GET", f"/2015-03-31/functions/{fn}/policy", {"Authorization": auth("lambda")}, None),
        (
            "POST",
            "/",
            {
                "Authorization": auth("secretsmanager"),
                "X-Amz-Target": "secretsmanager.GetResourcePolicy",
                "Content-Type": "application/x-amz-json-1.1",
            },
            json.dumps({"SecretId": secret}),
        ),
        ("GET", f"/restapis/{api}/stages", {"Authorization": auth("apigateway")}, None),
    ]
    count = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker(i):
        n = 0
        while time.monotonic() < deadline:
            method, path, headers, body = requests[(i + n) % len(requests)]
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            c.request(method, path, body=body, headers=headers)
            c.getresponse().read()
            c.close()
            n += 1
        with lock:
            count[0] += n

    start = time.monotonic()
    threads = [threading.Thread(target=worker, args=(i,)) for i in range(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return count[0] / (time.monotonic() - start)


def scan(parapet, endpoint, home, timed=False, extra=(), quota_scale="1000"):
    """One `parapet scan` (with `extra` arguments); returns (wall seconds, (peak RSS KiB, CPU
    seconds) or None, snapshot). The emulator never throttles, so the emulator-only figures
    are measured with Parapet's quota pacing out of the way (its rates × 1000); the quota
    benchmark passes quota_scale="1" (AWS's own rates)."""
    out = os.path.join(home, f"snapshot-{time.monotonic_ns()}.json")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "PARAPET_CONFIG_DIR": os.path.join(home, "config"),
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
        "PARAPET_QUOTA_SCALE": quota_scale,
    }
    cmd = [parapet, "scan", "--endpoint-url", endpoint, "--region", REGION, "--output", out,
           *extra]
    rss_file = os.path.join(home, "time-v.txt")
    if timed and os.path.exists("/usr/bin/time"):
        cmd = ["/usr/bin/time", "-v", "-o", rss_file] + cmd
    start = time.monotonic()
    p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    if p.returncode not in (0, 3):
        sys.exit(f"bench-live: parapet scan exited {p.returncode}:\n{p.stderr[-3000:]}")
    rss = None
    if timed and os.path.exists(rss_file):
        text = open(rss_file).read()
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", text))
        rss = (int(m.group(1)), cpu) if m else None
    with open(out) as f:
        snapshot = json.load(f)
    os.unlink(out)
    return wall, rss, snapshot


TRIGGER_LISTINGS = ("lambda:GET /2015-03-31/event-source-mappings", "sns:ListSubscriptions",
                    "events:ListEventBuses", "events:ListRules", "events:ListTargetsByRule")
TRIGGER_READS = ("sqs:GetQueueAttributes", "sns:GetTopicAttributes", "events:DescribeEventBus")


def per_trigger(stats, aliases, sources):
    """(requests per alias, requests on aliases, listing requests of the triggers area,
    requests per source beyond the listings, those requests)."""
    by_action = stats["by_action"]
    on_aliases = sum(n for a, n in by_action.items() if a.endswith("(qualified)"))
    listings = sum(n for a, n in by_action.items() if a.startswith(TRIGGER_LISTINGS))
    reads = sum(n for a, n in by_action.items() if a in TRIGGER_READS)
    return (on_aliases / max(aliases, 1), on_aliases, listings, reads / max(sources, 1), reads)


def per_resource(stats, functions, secrets, rest_apis):
    by_action = stats["by_action"]
    by_service = stats["by_service"]
    # The functions area: Lambda and IAM calls, except the triggers area's mapping listing
    # and the calls on aliases (counted per alias).
    fn_requests = (
        by_service.get("lambda", 0) + by_service.get("iam", 0)
        - sum(n for a, n in by_action.items()
              if a.startswith("lambda:GET /2015-03-31/event-source-mappings")
              or a.endswith("(qualified)"))
    )
    secret_requests = by_service.get("secretsmanager", 0)
    rest_requests = sum(
        n
        for action, n in by_action.items()
        if action.startswith("apigateway:") and " /restapis" in action
    )
    return (
        fn_requests / max(functions, 1),
        secret_requests / max(secrets, 1),
        rest_requests / max(rest_apis, 1),
        fn_requests,
        secret_requests,
        rest_requests,
    )


def run_prowler(prowler, endpoint, home):
    out = os.path.join(home, "prowler-out")
    env = dict(os.environ)
    env.update(
        {
            "AWS_ENDPOINT_URL": endpoint,
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_DEFAULT_REGION": REGION,
            "AWS_REGION": REGION,
            "AWS_EC2_METADATA_DISABLED": "true",
            "HOME": home,
        }
    )
    env.pop("AWS_PROFILE", None)
    cmd = [
        prowler, "aws", "--no-banner", "--service", "awslambda", "apigateway", "apigatewayv2",
        "secretsmanager", "--region", REGION, "--excluded-check",
        "awslambda_function_no_secrets_in_code", "-M", "json-ocsf", "-o", out,
    ]
    start = time.monotonic()
    p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    if p.returncode not in (0, 3):
        log(f"prowler exited {p.returncode}: {p.stderr[-1500:]}")
        return None
    return wall


def account_args(ap):
    """The flags of the benchmark account (and the binaries), shared with bench_quota.py."""
    ap.add_argument("--parapet", required=True)
    ap.add_argument("--prowler", help="a prowler executable (5.x) to compare with")
    ap.add_argument("--functions", type=int, default=1000)
    ap.add_argument("--rest-apis", type=int, default=200)
    ap.add_argument("--secrets", type=int, default=1000)
    ap.add_argument("--queues", type=int, default=200)
    ap.add_argument("--topics", type=int, default=50)
    ap.add_argument("--buses", type=int, default=20)
    ap.add_argument("--stream-mappings", type=int, default=100)
    ap.add_argument("--alias-every", type=int, default=5)
    ap.add_argument("--latency-ms", type=int, default=50)
    ap.add_argument("--describe", default="")
    # Issue 22's front doors, seeded here (seed.py's small account has two of each).
    ap.add_argument("--graphql-apis", type=int, default=0)
    ap.add_argument("--state-machines", type=int, default=0)
    ap.add_argument("--user-pools", type=int, default=0)


def seed_front_doors(endpoint, args, admin_role):
    """`args.graphql_apis` AppSync APIs (each with an API key), `args.state_machines` state
    machines (half of them logging) and `args.user_pools` user pools (half admin-only), in
    parallel; returns seconds taken."""
    import boto3
    from concurrent.futures import ThreadPoolExecutor

    start = time.monotonic()
    kw = dict(endpoint_url=endpoint, region_name=REGION, aws_access_key_id="testing",
              aws_secret_access_key="testing")
    appsync = boto3.client("appsync", **kw)
    sfn = boto3.client("stepfunctions", **kw)
    idp = boto3.client("cognito-idp", **kw)
    definition = json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}})

    def api(i):
        a = appsync.create_graphql_api(name=f"bulk-gql-{i:04d}",
                                       authenticationType="API_KEY" if i % 2 else "AWS_IAM")
        appsync.create_api_key(apiId=a["graphqlApi"]["apiId"],
                               expires=int(time.time()) + 30 * 86400)

    def machine(i):
        extra = {"loggingConfiguration": {"level": "ERROR", "includeExecutionData": False}} \
            if i % 2 else {}
        sfn.create_state_machine(name=f"bulk-flow-{i:04d}", definition=definition,
                                 roleArn=admin_role, **extra)

    def pool(i):
        idp.create_user_pool(PoolName=f"bulk-pool-{i:04d}",
                             AdminCreateUserConfig={"AllowAdminCreateUserOnly": bool(i % 2)})

    with ThreadPoolExecutor(8) as ex:
        list(ex.map(api, range(args.graphql_apis)))
        list(ex.map(machine, range(args.state_machines)))
        list(ex.map(pool, range(args.user_pools)))
    return time.monotonic() - start


def per_front_door(stats, apis, machines, pools):
    """Requests per GraphQL API (every one a listing: the APIs, then keys, data sources,
    functions, types and resolvers under each), per state machine beyond ListStateMachines
    (and the roles read for them), per user pool beyond ListUserPools."""
    by_action, by_service = stats["by_action"], stats["by_service"]
    appsync = by_service.get("appsync", 0)
    listing = by_action.get("appsync:GET /v1/apis", 0)
    states = by_service.get("states", 0) - by_action.get("states:ListStateMachines", 0)
    idp = by_service.get("cognito-idp", 0) - by_action.get("cognito-idp:ListUserPools", 0)
    return [
        ("Requests per GraphQL API beyond ListGraphqlApis (all listings)", "≤ 2 + 1 per type",
         f"{(appsync - listing) / max(apis, 1):.2f} ({appsync - listing} requests; "
         f"ListGraphqlApis {listing})"),
        ("Requests per state machine beyond ListStateMachines", "≤ 2",
         f"{states / max(machines, 1):.2f} ({states} requests)"),
        ("Requests per user pool beyond ListUserPools", "≤ 2",
         f"{idp / max(pools, 1):.2f} ({idp} requests)"),
    ]


def seed_account(moto, args):
    """Seeds the benchmark account into `moto`; returns (seed.py's manifest, seconds)."""
    start = time.monotonic()
    seed = subprocess.run(
        [sys.executable, os.path.join(HERE, "seed.py"), "--endpoint", moto.endpoint,
         "--functions", str(args.functions), "--rest-apis", str(args.rest_apis),
         "--secrets", str(args.secrets), "--queues", str(args.queues),
         "--topics", str(args.topics), "--buses", str(args.buses),
         "--stream-mappings", str(args.stream_mappings),
         "--alias-every", str(args.alias_every)],
        stdout=subprocess.PIPE, text=True, check=True,
    )
    return json.loads(seed.stdout), time.monotonic() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    account_args(ap)
    ap.add_argument("--rss-target", default="≤ 150 MB", help="the peak-RSS target shown")
    ap.add_argument("--out", default="target/bench-live.md")
    args = ap.parse_args()
    parapet = os.path.abspath(args.parapet)

    home = tempfile.mkdtemp(prefix="parapet-bench-live-")
    os.makedirs(os.path.join(home, "config"))
    moto = Child([os.path.join(HERE, "moto_launcher.py")], "MOTO_PORT")
    proxies = []
    try:
        log(f"moto on {moto.endpoint}; seeding the small account plus {args.functions} "
            f"functions, {args.rest_apis} REST APIs, {args.secrets} secrets…")
        manifest, seed_s = seed_account(moto, args)
        front = args.graphql_apis or args.state_machines or args.user_pools
        if front:
            admin_role = f"arn:aws:iam::{manifest.get('account', '123456789012')}:role/admin-role"
            seed_s += seed_front_doors(moto.endpoint, args, admin_role)
            log(f"seeded {args.graphql_apis} GraphQL APIs, {args.state_machines} state "
                f"machines, {args.user_pools} user pools")
        functions = len(manifest["functions"]) + args.functions
        secrets = len(manifest["secrets"]) + args.secrets
        rest_apis = len(manifest["rest"]["ids"]) + args.rest_apis
        small = manifest.get("triggers", {})
        bulk = manifest.get("bulk_triggers", {})
        aliases = bulk.get("aliases", 0)
        sources = (len(small.get("queues", {})) - 1 + len(small.get("topics", {}))
                   + len(small.get("buses", {})) + bulk.get("queues", 0) + bulk.get("topics", 0)
                   + bulk.get("buses", 0))
        log(f"seeded in {seed_s:.0f} s")

        api_id = next(iter(manifest["rest"]["ids"].values()))
        rate = measure_rate(moto.port, ("bulk-fn-0000" if args.functions else "orders-fn",
                                        "bulk/secret-0000" if args.secrets else "prod/db/master",
                                        api_id))
        log(f"emulator sustains {rate:.0f} requests/s")

        # Warm-up (page cache, moto's lazy paths), then the measured direct scan.
        scan(parapet, moto.endpoint, home)
        times = []
        rss = None
        for _ in range(2):
            wall, r, snapshot = scan(parapet, moto.endpoint, home, timed=True)
            times.append(wall)
            rss = max(rss or 0, r[0] if r else 0) or None
        scan_s = min(times)
        findings = len(snapshot["findings"])
        log(f"scan: {scan_s:.2f} s, {findings} findings")

        counter = Child([os.path.join(HERE, "fault_proxy.py"), "--upstream", moto.endpoint],
                        "PROXY_PORT")
        proxies.append(counter)
        scan(parapet, counter.endpoint, home)
        stats = get_json(counter.port, "/__proxy/stats")
        requests = stats["requests"]
        per_fn, per_secret, per_rest, n_fn, n_secret, n_rest = per_resource(
            stats, functions, secrets, rest_apis)
        per_alias, n_alias, n_listings, per_source, n_reads = per_trigger(stats, aliases, sources)
        front_rows = per_front_door(stats, args.graphql_apis + 2, args.state_machines + 2,
                                    args.user_pools + 3) if front else []
        floor = requests / rate
        log(f"{requests} requests (floor {floor:.2f} s)")

        slow = Child([os.path.join(HERE, "fault_proxy.py"), "--upstream", moto.endpoint,
                      "--latency-ms", str(args.latency_ms)], "PROXY_PORT")
        proxies.append(slow)
        slow_s, _, _ = scan(parapet, slow.endpoint, home)
        log(f"scan with {args.latency_ms} ms per request: {slow_s:.2f} s")

        prowler_s = None
        if args.prowler:
            log("prowler…")
            prowler_s = run_prowler(args.prowler, moto.endpoint, home)
    finally:
        for p in proxies:
            p.stop()
        moto.stop()
        shutil.rmtree(home, ignore_errors=True)

    rows = [
        ("Account", "—", f"small account + {args.functions} functions, {args.rest_apis} REST "
         f"APIs, {args.secrets} secrets ({functions} functions, {rest_apis} REST APIs, "
         f"{secrets} secrets; {findings} findings)"
         + (f"; plus {args.graphql_apis} GraphQL APIs, {args.state_machines} state machines, "
            f"{args.user_pools} user pools" if front else "")),
        ("Triggers", "—", f"{bulk.get('queues', 0)} queues, {bulk.get('topics', 0)} topics, "
         f"{bulk.get('buses', 0)} buses, {bulk.get('stream_mappings', 0)} stream mappings, "
         f"{aliases} aliases (plus the small account's)"),
        ("Requests per function (Lambda + IAM), aliases aside", "≤ 4",
         f"{per_fn:.2f} ({n_fn} requests)"),
        ("Requests per alias", "≤ 1", f"{per_alias:.2f} ({n_alias} requests)"),
        ("Requests per event source beyond the listings", "≤ 1",
         f"{per_source:.2f} ({n_reads} requests for {sources} queues, topics and buses; "
         f"listings {n_listings})"),
        ("Requests per secret", "≤ 2", f"{per_secret:.2f} ({n_secret} requests)"),
        ("Requests per REST API", "≤ 6", f"{per_rest:.2f} ({n_rest} requests)"),
        *front_rows,
        ("Requests in all", "—", f"{requests}"),
        ("Emulator's max request rate (moto, measured)", "—", f"{rate:.0f} requests/s"),
        ("Emulator floor (requests ÷ rate)", "—", f"{floor:.2f} s"),
        ("Scan time (best of 2)", f"≤ 1.3 × floor = {1.3 * floor:.2f} s",
         f"{scan_s:.2f} s ({scan_s / floor:.2f} × floor)"),
        (f"Scan time, +{args.latency_ms} ms per request (proxy)",
         f"≤ 1.5 × {scan_s:.2f} s = {1.5 * scan_s:.2f} s",
         f"{slow_s:.2f} s ({slow_s / scan_s:.2f} ×)"),
        ("Peak RSS (`/usr/bin/time -v`)", args.rss_target,
         f"{rss / 1024:.1f} MiB" if rss else "n/a (/usr/bin/time missing)"),
    ]
    if prowler_s is not None:
        rows.append(("Prowler 5.x, same account and services", "≥ 4 × Parapet's time",
                     f"{prowler_s:.1f} s ({prowler_s / scan_s:.1f} × Parapet)"))
    else:
        rows.append(("Prowler 5.x, same account and services", "≥ 4 × Parapet's time",
                     "not run (scripts/bench-live --with-prowler)"))
    lines = ["| measure | target | measured |", "|---|---|---|"]
    lines += [f"| {a} | {b} | {c} |" for a, b, c in rows]
    lines += ["", f"Measured by `scripts/bench-live` {args.describe}. Seeding took {seed_s:.0f} s."]
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
