#!/usr/bin/env python3
"""Starts moto's server (the AWS API emulator) for Parapet's emulator tests and benchmark.

Run it with the moto venv's python (scripts/emulator/ensure-moto prints it):

    python moto_launcher.py [--host 127.0.0.1] [--port 0] [--port-file FILE]

- Binds the port itself (0 = a free one, no race with other test binaries) and prints
  `MOTO_PORT=<n>` on stdout once it accepts connections (also into --port-file if given).
- Loads AWS managed policies (MOTO_IAM_LOAD_MANAGED_POLICIES=true), so AdministratorAccess exists.
- Sets Lambda `use_docker: false` in-process (the tests also POST /moto-api/config).
- Patches moto 5.2.5's IAM signature check: with enforcement on, moto re-signs a request
  without a body using the request headers (or the query string) as the payload, so every
  signed GET to Lambda and API Gateway fails with SignatureDoesNotMatch. A body-less GET,
  HEAD or DELETE is signed over an empty payload; that is what the patch makes moto compute.
- Exits when its parent process goes away, so a crashed test never leaves a server behind.
- `--secrets-clock-offset-days N` runs Secrets Manager's clock N days behind, so an account
  with secrets created, rotated and due months ago can be seeded (moto stamps every date with
  "now" and has no way to set one).
"""

import argparse
import logging
import os
import signal
import sys
import threading
import time

os.environ.setdefault("MOTO_IAM_LOAD_MANAGED_POLICIES", "true")


def patch_signature_check():
    from botocore.awsrequest import AWSRequest
    from moto.iam import access_control

    base = access_control.IAMRequestBase
    original = base._create_aws_request

    def create_aws_request(self):
        # Only body-less reads: a form-encoded POST (IAM, STS) has an empty raw body too, but
        # moto's form data is the right payload there.
        if self._body or self._method not in ("GET", "HEAD", "DELETE"):
            return original(self)
        signed_headers = self._get_string_between(
            "SignedHeaders=", ",", self._headers["Authorization"]
        ).split(";")
        headers = self._create_headers_for_aws_request(signed_headers, self._headers)
        request = AWSRequest(method=self._method, url=self._path, data=b"", headers=headers)
        request.context["timestamp"] = headers["X-Amz-Date"]
        return request

    base._create_aws_request = create_aws_request


def shift_secrets_clock(days):
    import time as real_time

    from moto.secretsmanager import models

    class ShiftedTime:
        def __getattr__(self, name):
            return getattr(real_time, name)

        @staticmethod
        def time():
            return real_time.time() - days * 86400

    models.time = ShiftedTime()


def watch_parent(parent):
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--port-file")
    parser.add_argument("--secrets-clock-offset-days", type=int, default=0)
    parser.add_argument(
        "--no-parent-watch",
        action="store_true",
        help="keep running when the parent exits (for manual use)",
    )
    args = parser.parse_args()
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        sys.exit("moto_launcher: refusing to listen beyond loopback")

    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    import moto
    from moto.moto_api._internal.models import moto_api_backend
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    patch_signature_check()
    if args.secrets_clock_offset_days:
        shift_secrets_clock(args.secrets_clock_offset_days)
    moto_api_backend.set_config({"lambda": {"use_docker": False}})

    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(
        args.host, args.port, app, threaded=True, request_handler=MotoRequestHandler
    )
    port = server.server_address[1]
    os.environ["MOTO_PORT"] = str(port)

    def stop(_signum, _frame):
        os._exit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if not args.no_parent_watch:
        threading.Thread(target=watch_parent, args=(os.getppid(),), daemon=True).start()

    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write(f"{port}\n")
        os.replace(tmp, args.port_file)
    print(f"MOTO_PORT={port}", flush=True)
    print(f"moto {moto.__version__} on http://{args.host}:{port}", file=sys.stderr, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
