#!/usr/bin/env python3
"""Start-up time and peak memory of `parapet --demo` in a pseudo-terminal.

Start-up: the clock starts just before the process is spawned and stops when the first
frame's last row (the footer's key hints) has arrived on the terminal. Repeated --runs times;
the median is reported. Memory: one more run lets the demo load every poll area, navigates a
little (checklist, a check's detail, its fix pane, resources, help), then reads VmHWM (peak
resident set) from /proc/<pid>/status before quitting with `Q`.

The harness answers the terminal queries a TUI may send (cursor position, device
attributes, background colour) like a real terminal would.

Usage: bench_startup.py BINARY [--runs N] [--cols 120] [--rows 40]
Prints `STARTUP ...` and `RSS ...` lines (parsed by scripts/bench) and a short summary.
"""

import argparse
import fcntl
import os
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time

HEADER = "◆ parapet".encode()  # the header, first row of a frame
FOOTER = b"help"  # the footer's key hints: last row of a full frame

REPLIES = [
    (b"\x1b[6n", b"\x1b[1;1R"),  # cursor position
    (b"\x1b[c", b"\x1b[?62;22c"),  # primary device attributes
    (b"\x1b[0c", b"\x1b[?62;22c"),
    (b"\x1b]11;?", b"\x1b]11;rgb:1c1c/1c1c/1c1c\x1b\\"),  # background colour
    (b"\x1b]10;?", b"\x1b]10;rgb:d0d0/d0d0/d0d0\x1b\\"),  # foreground colour
]


class Pty:
    """A child process on a fresh pseudo-terminal of cols × rows."""

    def __init__(self, argv, cols, rows, env):
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))

        def controlling_tty():
            fcntl.ioctl(0, termios.TIOCSCTTY, 0)

        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            argv,
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=env,
            start_new_session=True,
            preexec_fn=controlling_tty,
            close_fds=True,
        )
        os.close(slave)
        self.fd = master
        self.out = bytearray()
        self.scanned = 0

    def pump(self, timeout):
        """Reads what is available within `timeout` seconds, answering terminal queries."""
        r, _, _ = select.select([self.fd], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # EIO: the child closed the terminal
            return False
        if not data:
            return False
        self.out += data
        window = bytes(self.out[max(0, self.scanned - 16):])
        for query, reply in REPLIES:
            if query in window:
                os.write(self.fd, reply)
        self.scanned = len(self.out)
        return True

    def wait_for(self, needle, timeout, start=0):
        """Seconds since spawn at which `needle` first appears after byte `start`."""
        deadline = time.perf_counter() + timeout
        while True:
            i = self.out.find(needle, start)
            if i >= 0:
                return i
            if self.proc.poll() is not None:
                self.pump(0.05)
                if self.out.find(needle, start) >= 0:
                    continue
                raise RuntimeError(
                    f"parapet exited ({self.proc.returncode}) before {needle!r}: "
                    f"{bytes(self.out[-400:])!r}"
                )
            left = deadline - time.perf_counter()
            if left <= 0:
                raise RuntimeError(f"timed out waiting for {needle!r}: {bytes(self.out[-400:])!r}")
            self.pump(min(left, 0.05))

    def drain(self, seconds):
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            self.pump(min(0.02, max(0.0, end - time.perf_counter())))

    def keys(self, data, pause=0.05):
        for ch in data:
            os.write(self.fd, ch if isinstance(ch, bytes) else ch.encode())
            self.drain(pause)

    def quit(self):
        try:
            os.write(self.fd, b"Q")
        except OSError:
            pass
        end = time.perf_counter() + 5
        while self.proc.poll() is None and time.perf_counter() < end:
            self.pump(0.02)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
            raise RuntimeError("parapet did not quit on Q")
        os.close(self.fd)
        return self.proc.returncode


def first_frame(argv, cols, rows, env, timeout=10):
    """Milliseconds from spawn to the header, and to the end of the first frame."""
    p = Pty(argv, cols, rows, env)
    try:
        i = p.wait_for(HEADER, timeout)
        t_header = time.perf_counter() - p.started
        p.wait_for(FOOTER, timeout, i)
        t_frame = time.perf_counter() - p.started
    finally:
        code = p.quit()
    if code != 0:
        raise RuntimeError(f"parapet exited with {code}")
    return t_header * 1000, t_frame * 1000


def peak_rss(argv, cols, rows, env):
    """VmHWM and VmRSS (kB) after loading and navigating the demo."""
    p = Pty(argv, cols, rows, env)
    try:
        p.wait_for(FOOTER, 10)
        p.drain(2.0)  # every poll area loads in well under 2 s
        tab, enter, esc = "\t", "\r", "\x1b"
        p.keys([tab, "j", "j", "j", enter, tab, "j", "j", "j", "j", esc, esc])  # checklist, detail
        p.keys([tab, "j", "j", enter, esc, "?", esc])  # resources, a resource, help
        p.keys(["f", "s", "s", "/", "lambda", enter, enter, esc, esc])  # filter, sort
        p.drain(0.5)
        status = open(f"/proc/{p.proc.pid}/status").read()
    finally:
        code = p.quit()
    if code != 0:
        raise RuntimeError(f"parapet exited with {code}")
    fields = {}
    for line in status.splitlines():
        k, _, v = line.partition(":")
        if k in ("VmHWM", "VmRSS"):
            fields[k] = int(v.split()[0])
    return fields["VmHWM"], fields["VmRSS"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binary")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--cols", type=int, default=120)
    ap.add_argument("--rows", type=int, default=40)
    ap.add_argument("--open", metavar="SNAPSHOT",
                    help="time `parapet open SNAPSHOT` to its first frame instead (no memory run)")
    ap.add_argument("--timeout", type=float, default=10.0,
                    help="seconds to wait for a first frame")
    args = ap.parse_args()

    config = tempfile.mkdtemp(prefix="parapet-bench-")
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "TMUX")}
    env.update(TERM="xterm-256color", PARAPET_CONFIG_DIR=config, COLORTERM="truecolor")
    argv = [os.path.abspath(args.binary), "--demo"]
    if args.open:
        argv = [os.path.abspath(args.binary), "open", os.path.abspath(args.open)]
        first_frame(argv, args.cols, args.rows, env, args.timeout)  # warm the page cache
        frames = [first_frame(argv, args.cols, args.rows, env, args.timeout)[1]
                  for _ in range(args.runs)]
        med = statistics.median(frames)
        print(f"OPEN runs={args.runs} median_ms={med:.1f} min_ms={min(frames):.1f} "
              f"max_ms={max(frames):.1f}")
        return

    first_frame(argv, args.cols, args.rows, env)  # warm the page cache
    headers, frames = [], []
    for _ in range(args.runs):
        h, f = first_frame(argv, args.cols, args.rows, env)
        headers.append(h)
        frames.append(f)
    hwm, rss = peak_rss(argv, args.cols, args.rows, env)

    med = statistics.median(frames)
    print(
        f"STARTUP runs={args.runs} median_ms={med:.1f} min_ms={min(frames):.1f} "
        f"max_ms={max(frames):.1f} header_median_ms={statistics.median(headers):.1f}"
    )
    print(f"RSS peak_kb={hwm} current_kb={rss}")
    print(
        f"start to first full frame: median {med:.1f} ms over {args.runs} runs "
        f"(min {min(frames):.1f}, max {max(frames):.1f}); peak RSS {hwm / 1024:.1f} MiB",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
