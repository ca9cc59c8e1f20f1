#!/usr/bin/env python3
"""An HTTPS file server behind a CONNECT proxy, for the tests of downloads through
HTTPS_PROXY. Standard library plus `cryptography` (in the emulator venv, as moto needs it).

    python https_proxy_fixture.py --dir DIR --ca CA.pem

Makes a throwaway CA and a certificate for `localhost` signed by it (CA written to --ca, for
SSL_CERT_FILE), serves DIR over HTTPS on 127.0.0.1 (GET /<path> answers DIR/<path>), and
runs a CONNECT proxy on 127.0.0.1 that tunnels to it and counts the tunnels it opened.
Prints `PORTS=<https>,<proxy>` once listening; `GET http://127.0.0.1:<proxy>/__tunnels`
answers the count. Exits when its parent goes away.
"""

import argparse
import datetime
import http.server
import os
import socket
import ssl
import sys
import tempfile
import threading
import time

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

TUNNELS = 0
LOCK = threading.Lock()


def certificates(ca_path):
    """A CA (written to ca_path) and a localhost certificate it signed: (cert.pem, key.pem)."""
    now = datetime.datetime.now(datetime.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "parapet test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(True, False, False, False, False, True, True, False, False),
            critical=True,
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    with open(ca_path, "wb") as f:
        f.write(ca.public_bytes(serialization.Encoding.PEM))
    tmp = tempfile.mkdtemp()
    cert_path, key_path = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
    return cert_path, key_path


def file_server(root, cert, key):
    class Files(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            path = os.path.realpath(os.path.join(root, self.path.split("?")[0].lstrip("/")))
            if not path.startswith(os.path.realpath(root)) or not os.path.isfile(path):
                self.send_response(404)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            with open(path, "rb") as f:
                body = f.read()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Files)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def pipe(a, b):
    try:
        while True:
            data = a.recv(65536)
            if not data:
                break
            b.sendall(data)
    except OSError:
        pass
    finally:
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


def connect_proxy():
    class Proxy(http.server.BaseHTTPRequestHandler):
        def do_CONNECT(self):
            global TUNNELS
            host, _, port = self.path.rpartition(":")
            try:
                upstream = socket.create_connection(("127.0.0.1" if host == "localhost" else host, int(port)))
            except OSError:
                self.send_error(502)
                return
            with LOCK:
                TUNNELS += 1
            self.send_response(200, "Connection established")
            self.end_headers()
            threading.Thread(target=pipe, args=(upstream, self.connection), daemon=True).start()
            pipe(self.connection, upstream)

        def do_GET(self):
            body = str(TUNNELS).encode() if self.path == "/__tunnels" else b""
            self.send_response(200 if body else 404)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Proxy)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server.server_address[1]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--dir", required=True)
    p.add_argument("--ca", required=True)
    args = p.parse_args()
    cert, key = certificates(args.ca)
    https = file_server(args.dir, cert, key)
    proxy = connect_proxy()
    print(f"PORTS={https},{proxy}", flush=True)
    parent = os.getppid()
    while os.getppid() == parent:
        time.sleep(0.5)
    sys.exit(0)


if __name__ == "__main__":
    main()
