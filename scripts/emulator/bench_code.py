#!/usr/bin/env python3
"""The code benchmark (run through scripts/bench-live --code): Parapet's opt-in `--code` poll
area against the emulator, on the small account plus 1,000 functions each with its own
deployment package of real packages' metadata and generated code (seed.py --code-bulk), four
in five using one of three shared layers, behind fault_proxy.py --code-dir (which serves the
zips moto's locations cannot). The advisories are the repository's (tests/data/osv), as an
offline OSV database modified today.

Three scans, each after a warm-up plain scan, each under /usr/bin/time -v:
  a. the plain scan (no --code);
  b. --code with an empty cache (every package fetched and read);
  c. --code again with b's cache (nothing fetched).
Reports, as a Markdown table (stdout and target/bench-code.md): wall time and its ratio to the
plain scan, peak RSS and its difference to the plain scan, requests (GetFunction and
GetLayerVersion apart), downloads and MB downloaded (counted at the proxy), CPU seconds, and
the targets of the issue beside the figures. Nothing is asserted.

    python bench_code.py --parapet target/release/parapet [--functions 1000] [--runs 1]
"""

import argparse
import collections
import datetime
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ beside the scripts
from bench_live import Child, get_json, REGION  # noqa: E402

ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
GET_FUNCTION = "lambda:GET /2015-03-31/functions/{}"
GET_LAYER_VERSION = "lambda:GET /2018-10-31/layers/{}/versions/{}"
VULNERABLE_CHECKS = ("code.vulnerable-dependency", "layer.vulnerable-dependency")
SECRET_CHECKS = ("code.secrets-in-package", "layer.secrets-in-package")
MIB = 1024 * 1024


def log(msg):
    print(f"bench-code: {msg}", file=sys.stderr, flush=True)


def osv_database(directory):
    """The repository's advisories (tests/data/osv/<ecosystem>/*.json) as OSV exports them,
    one JSON file per advisory in DIR/<ecosystem>/all.zip, `modified` now (a fresh
    database: judged, not undecided)."""
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    count = 0
    for ecosystem in ("npm", "PyPI"):
        source = os.path.join(ROOT, "tests", "data", "osv", ecosystem)
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
            for name in sorted(os.listdir(source)):
                if not name.endswith(".json"):
                    continue
                with open(os.path.join(source, name)) as f:
                    advisory = json.load(f)
                advisory["modified"] = now
                z.writestr(name, json.dumps(advisory))
                count += 1
        os.makedirs(os.path.join(directory, ecosystem), exist_ok=True)
        with open(os.path.join(directory, ecosystem, "all.zip"), "wb") as f:
            f.write(buf.getvalue())
    return count


def reset(port):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/__proxy/reset", data=b"",
                                 method="POST")
    urllib.request.urlopen(req, timeout=30).read()


def scan(parapet, endpoint, home, cache, osv, code, timed):
    """One `parapet scan` through the proxy; returns (wall seconds, peak RSS KiB or None, CPU
    seconds or None, snapshot)."""
    out = os.path.join(home, f"snapshot-{time.monotonic_ns()}.json")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": home,
        "PARAPET_CONFIG_DIR": os.path.join(home, "config"),
        "PARAPET_DATA_DIR": os.path.join(home, "data"),
        "PARAPET_CACHE_DIR": cache,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_REGION": REGION,
        "AWS_EC2_METADATA_DISABLED": "true",
        # The emulator never throttles: Parapet's quota pacing out of the way (its rates × 1000),
        # as in bench_live.py.
        "PARAPET_QUOTA_SCALE": "1000",
    }
    cmd = [parapet, "scan", "--endpoint-url", endpoint, "--region", REGION, "--output", out,
           "--osv-db", osv] + (["--code"] if code else [])
    time_file = os.path.join(home, "time-v.txt")
    if timed and os.path.exists("/usr/bin/time"):
        cmd = ["/usr/bin/time", "-v", "-o", time_file] + cmd
    start = time.monotonic()
    p = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.monotonic() - start
    if p.returncode not in (0, 3):
        sys.exit(f"bench-code: parapet scan exited {p.returncode}:\n{p.stderr[-3000:]}")
    rss = cpu = None
    if timed and os.path.exists(time_file):
        text = open(time_file).read()
        m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
        rss = int(m.group(1)) if m else None
        cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", text))
        os.unlink(time_file)
    with open(out) as f:
        snapshot = json.load(f)
    os.unlink(out)
    return wall, rss, cpu, snapshot


def verdicts(snapshot):
    """Of the vulnerable-dependency checks: counts by (check, status), and each finding's
    (check, resource, status)."""
    counts = collections.Counter()
    each = set()
    for f in snapshot["findings"]:
        if f["check_id"] in VULNERABLE_CHECKS:
            counts[(f["check_id"], f["status"])] += 1
            each.add((f["check_id"], f.get("resource_id") or f.get("resource_name"), f["status"]))
    return counts, each


def summary(counts, check):
    parts = [f"{n} {status}" for (c, status), n in sorted(counts.items()) if c == check]
    return ", ".join(parts) or "none"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--parapet", required=True)
    ap.add_argument("--functions", type=int, default=1000)
    ap.add_argument("--package-kib", type=int, default=512,
                    help="KiB of generated code-like text per package (seed.py --code-bulk-kib)")
    ap.add_argument("--runs", type=int, default=1,
                    help="measure each scan this many times (each b with an empty cache "
                         "of its own): best wall time, lowest CPU, highest RSS")
    ap.add_argument("--describe", default="")
    ap.add_argument("--out", default="target/bench-code.md")
    args = ap.parse_args()
    parapet = os.path.abspath(args.parapet)

    home = tempfile.mkdtemp(prefix="parapet-bench-code-")
    os.makedirs(os.path.join(home, "config"))
    zips = os.path.join(home, "zips")
    osv = os.path.join(home, "osv")
    moto = Child([os.path.join(HERE, "moto_launcher.py")], "MOTO_PORT")
    proxy = None
    try:
        log(f"moto on {moto.endpoint}; seeding the small account plus {args.functions} "
            f"functions with their own packages ({args.package_kib} KiB of text each)…")
        start = time.monotonic()
        seed = subprocess.run(
            [sys.executable, os.path.join(HERE, "seed.py"), "--endpoint", moto.endpoint,
             "--profile", "small", "--functions", str(args.functions), "--code-bulk", zips,
             "--code-bulk-kib", str(args.package_kib)],
            stdout=subprocess.PIPE, text=True, check=True,
        )
        seed_s = time.monotonic() - start
        manifest = json.loads(seed.stdout)
        bulk = manifest["code_bulk"]
        readable = bulk["readable"]
        log(f"seeded in {seed_s:.0f} s: {readable['distinct_function_packages']} function "
            f"packages, {readable['layer_versions']} layer versions in use, "
            f"{readable['bytes'] / 1e6:.1f} MB zipped")
        if bulk["unreadable"]:
            log(f"not served (no zip in the dir): {bulk['unreadable']}")
        advisories = osv_database(osv)

        proxy = Child([os.path.join(HERE, "fault_proxy.py"), "--upstream", moto.endpoint,
                       "--code-dir", zips], "PROXY_PORT")
        caches = os.path.join(home, "cache")

        def measured(label, cache, code):
            """A warm-up plain scan, then the measured one; its figures and proxy counts."""
            scan(parapet, proxy.endpoint, home, os.path.join(caches, "warm-up"), osv,
                 code=False, timed=False)
            reset(proxy.port)
            wall, rss, cpu, snapshot = scan(parapet, proxy.endpoint, home, cache, osv,
                                            code=code, timed=True)
            stats = get_json(proxy.port, "/__proxy/stats")
            downloads = stats.get("code_downloads", {})
            size = sum(n * os.path.getsize(os.path.join(zips, *path.split("/")))
                       for path, n in downloads.items())
            by_action = stats["by_action"]
            result = {
                "wall": wall, "rss": rss, "cpu": cpu, "requests": stats["requests"],
                "get_function": by_action.get(GET_FUNCTION, 0),
                "get_layer_version": by_action.get(GET_LAYER_VERSION, 0),
                "downloads": sum(downloads.values()), "bytes": size,
                "twice": sum(1 for n in downloads.values() if n > 1),
                "verdicts": verdicts(snapshot), "findings": len(snapshot["findings"]),
                "secrets": collections.Counter(
                    (f["check_id"], f["status"]) for f in snapshot["findings"]
                    if f["check_id"] in SECRET_CHECKS),
            }
            log(f"{label}: {wall:.2f} s, {(rss or 0) / 1024:.0f} MiB, {cpu or 0:.2f} s CPU, "
                f"{result['requests']} requests, {result['downloads']} downloads "
                f"({size / 1e6:.1f} MB)")
            return result

        def best(results):
            """Over the runs: the best wall time, the lowest CPU, the highest RSS; counts of
            the fastest run (they do not vary)."""
            out = dict(min(results, key=lambda r: r["wall"]))
            rss = [r["rss"] for r in results if r["rss"] is not None]
            out["rss"] = max(rss) if rss else None
            out["cpu"] = min((r["cpu"] for r in results if r["cpu"] is not None), default=None)
            return out

        runs = {"a": [], "b": [], "c": []}
        for n in range(args.runs):
            cache = os.path.join(caches, f"run-{n}")
            runs["a"].append(measured("a. plain", os.path.join(caches, f"plain-{n}"), False))
            runs["b"].append(measured("b. --code, empty cache", cache, True))
            runs["c"].append(measured("c. --code, b's cache", cache, True))
        a, b, c = best(runs["a"]), best(runs["b"]), best(runs["c"])
    finally:
        if proxy:
            proxy.stop()
        moto.stop()
        shutil.rmtree(home, ignore_errors=True)

    def ratio(r):
        return f"{r['wall'] / a['wall']:.2f} ×"

    def mib(r):
        return f"{r['rss'] / 1024:.1f}" if r["rss"] else "n/a"

    def delta(r):
        if not (r["rss"] and a["rss"]):
            return "n/a"
        return f"{(r['rss'] - a['rss']) / 1024:+.1f}"

    def cpu(r):
        return f"{r['cpu']:.2f}" if r["cpu"] is not None else "n/a"

    lines = [
        "| scan | wall | × plain | peak RSS (MiB) | Δ RSS vs plain (MiB) | requests | "
        "GetFunction | GetLayerVersion | downloads | MB downloaded | CPU s (user+sys) |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for label, r in (("a. plain (no `--code`)", a), ("b. `--code`, empty cache", b),
                     ("c. `--code` again, same cache", c)):
        lines.append(
            f"| {label} | {r['wall']:.2f} s | {ratio(r)} | {mib(r)} | "
            f"{delta(r) if r is not a else '—'} | {r['requests']} | {r['get_function']} | "
            f"{r['get_layer_version']} | {r['downloads']} | {r['bytes'] / 1e6:.1f} | {cpu(r)} |")

    mb = b["bytes"] / 1e6
    per_100 = ((b["cpu"] - a["cpu"]) / (mb / 100)
               if b["cpu"] is not None and a["cpu"] is not None and mb else None)
    same = b["verdicts"] == c["verdicts"]
    rss_ok = (b["rss"] - a["rss"]) / 1024 if b["rss"] and a["rss"] else None
    rss_c = (c["rss"] - a["rss"]) / 1024 if c["rss"] and a["rss"] else None
    code_c = c["get_function"] + c["get_layer_version"]
    targets = [
        ("Peak RSS with `--code` (b)", "≤ plain + 100 MiB",
         f"plain {mib(a)} MiB, b {mib(b)} MiB ({rss_ok:+.1f} MiB)" if rss_ok is not None
         else "n/a (/usr/bin/time missing)"),
        ("Peak RSS of the second scan (c)", "—",
         f"{mib(c)} MiB ({rss_c:+.1f} MiB)" if rss_c is not None else "n/a"),
        ("Second scan (c), unchanged account", "≤ 1.1 × plain",
         f"{c['wall']:.2f} s = {c['wall'] / a['wall']:.2f} × plain ({a['wall']:.2f} s)"),
        ("Reading, CPU beyond the plain scan per 100 MB zipped: (cpu b − cpu a) ÷ (MB ÷ 100)",
         "≤ 1 s per 100 MB zipped beyond the download",
         f"{per_100:.2f} s per 100 MB ({b['cpu'] - a['cpu']:.2f} s CPU over {mb:.1f} MB; "
         "includes the GetFunction/GetLayerVersion calls and the downloads themselves, so an "
         "upper bound)" if per_100 is not None else "n/a"),
        ("First `--code` scan (b): one GetFunction per distinct package, one GetLayerVersion "
         "per layer version in use, each downloaded once", "—",
         f"{b['get_function']} GetFunction for {readable['distinct_function_packages']} "
         f"packages, {b['get_layer_version']} GetLayerVersion for "
         f"{readable['layer_versions']} layer versions; {b['downloads']} downloads for "
         f"{readable['downloads']} expected ({b['twice']} fetched twice)"),
        ("Second scan (c): code requests and downloads", "0 and 0",
         f"{code_c} and {c['downloads']}"),
        ("Vulnerable-dependency findings equal in b and c", "equal",
         ("equal" if same else "**differ**")
         + f": code.vulnerable-dependency {summary(b['verdicts'][0], VULNERABLE_CHECKS[0])}"
         f" (c: {summary(c['verdicts'][0], VULNERABLE_CHECKS[0])}); "
         f"layer.vulnerable-dependency {summary(b['verdicts'][0], VULNERABLE_CHECKS[1])}"
         f" (c: {summary(c['verdicts'][0], VULNERABLE_CHECKS[1])})"),
        ("Secrets-in-package findings in b (the generated code holds no credential)", "—",
         f"code.secrets-in-package {summary(b['secrets'], SECRET_CHECKS[0])}; "
         f"layer.secrets-in-package {summary(b['secrets'], SECRET_CHECKS[1])}"),
    ]
    lines += ["", "| measure | target | measured |", "|---|---|---|"]
    lines += [f"| {m} | {t} | {v} |" for m, t, v in targets]
    per_fn = readable["bytes"] / max(readable["downloads"], 1) / 1e3
    lines += [
        "",
        f"Account: the small account plus {args.functions} functions, each with its own "
        f"deployment package ({args.package_kib} KiB of generated code-like text around real "
        "package metadata: lodash, minimist, @hapi/hoek; urllib3, requests), "
        f"{bulk['functions_with_layer']} of them using one of 3 shared layers; "
        f"{readable['downloads']} distinct packages to read, {readable['bytes'] / 1e6:.1f} MB "
        f"zipped (about {per_fn:.0f} KB each); {advisories} OSV advisories "
        "(tests/data/osv). Scans go through fault_proxy.py (it counts the requests and serves "
        "the zips); each measured scan follows a warm-up plain scan"
        + (f"; best wall time and lowest CPU of {args.runs} runs, highest RSS" if args.runs > 1
           else "")
        + ".",
        "",
        "The emulator does not throttle. On AWS, GetFunction has its own quota of 100 requests "
        "per second and GetLayerVersion shares the 15 per second Lambda control-plane bucket "
        f"with the plain scan's listings and reads: b's {b['get_function']} GetFunction calls "
        f"alone need at least {b['get_function'] / 100:.1f} s there at the whole quota "
        f"({b['get_function'] / 50:.1f} s at the default share of 0.5).",
        "",
        f"Measured by `scripts/bench-live --code`{' ' + args.describe if args.describe else ''}."
        f" Seeding took {seed_s:.0f} s.",
    ]
    text = "\n".join(lines) + "\n"
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out, "w") as f:
        f.write(text)
    print(text)


if __name__ == "__main__":
    main()
