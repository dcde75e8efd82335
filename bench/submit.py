"""Benchmarks of boinc.submit (figures, not timed tests). Run: ``python bench/submit.py``.

1. Build and encode a ``submit_batch`` request of 100,000 jobs: wall time
   (target <= 1 s) and tracemalloc peak at 25k/50k/100k jobs (linear), against
   a baseline measured in the same run: the same XML built by plain string
   concatenation, with no objects, no escaping and no checks.
2. Stage a 1 GiB file (``stage_files``: MD5, ``query_files``, streamed
   ``upload_files``) to a loopback sink server: peak RSS above the idle process
   (target <= 64 MiB), and wall time against a baseline measured in the same
   run: the file's MD5 and the same upload streamed with the stdlib's
   ``http.client``, no checks.
"""

from __future__ import annotations

import gc
import hashlib
import http.client
import os
import resource
import sys
import tempfile
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from boinc.submit import BatchDesc, BoincServer, FileDesc, JobDesc
from boinc.submit import _protocol as P

JOBS = 100_000
GIB = 1 << 30


def build_and_encode(n: int) -> bytes:
    jobs = tuple(
        JobDesc(
            name=f"job_{i}",
            rsc_fpops_est=1e9 + i,
            command_line=f"--seed {i}",
            input_files=(FileDesc.local_staged(f"jf_{i:032x}"),),
        )
        for i in range(n)
    )
    desc = BatchDesc(app_name="worker", batch_id=5, jobs=jobs)
    return P.Multipart(P.encode_request(P.BatchRequest(authenticator="x", batch=desc), "submit_batch")).to_bytes()


def baseline(n: int) -> bytes:
    parts = [
        "<submit_batch>\n<authenticator>x</authenticator>\n<batch>\n<app_name>worker</app_name>\n<batch_id>5</batch_id>\n"
    ]
    for i in range(n):
        parts.append(
            f"<job>\n<name>job_{i}</name>\n<rsc_fpops_est>{1e9 + i!r}</rsc_fpops_est>\n"
            f"<command_line>--seed {i}</command_line>\n"
            f"<input_file>\n<mode>local_staged</mode>\n<source>jf_{i:032x}</source>\n</input_file>\n</job>\n"
        )
    parts.append("</batch>\n</submit_batch>\n")
    return "".join(parts).encode()


def best_of(fn, n: int, repeat: int = 3) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Best wall time and best CPU time of this process (the machine may be shared)."""
    wall = cpu = float("inf")
    for _ in range(repeat):
        gc.collect()
        t, c = time.perf_counter(), time.process_time()
        fn(n)
        wall = min(wall, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
    return wall, cpu


def peak_bytes(fn, n: int) -> int:  # type: ignore[no-untyped-def]
    gc.collect()
    tracemalloc.start()
    fn(n)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def rss_now() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def max_rss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


class Sink(BaseHTTPRequestHandler):
    """A project that has no file yet and swallows uploads without keeping them."""

    protocol_version = "HTTP/1.1"
    received = 0

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def do_POST(self) -> None:
        left = int(self.headers["Content-Length"])
        head = b""
        while left:
            chunk = self.rfile.read(min(left, 1 << 20))
            if not chunk:
                break
            if len(head) < 4096:
                head += chunk[:4096]
            left -= len(chunk)
            Sink.received += len(chunk)
        if b"<query_files>" in head:
            body = b"<query_files>\n<absent_files>\n<file>0</file>\n</absent_files>\n</query_files>\n"
        else:
            body = b"<upload_files>\n<success/>\n</upload_files>\n"
        self.send_response(200)
        self.send_header("Content-Type", "text/xml")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def bench_staging() -> None:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Sink)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "big.bin"
            with open(path, "wb") as f:
                f.truncate(GIB)  # sparse: reads as zeros, takes no disk
            server = BoincServer(f"http://127.0.0.1:{httpd.server_address[1]}/p/", "x", timeout=600)
            gc.collect()
            idle = rss_now()
            before = max_rss()
            t = time.perf_counter()
            staged = server.stage_files([path])
            elapsed = time.perf_counter() - t
            peak = max_rss()
            server.close()
            base = baseline_upload(path, httpd.server_address[1])
    finally:
        httpd.shutdown()
        httpd.server_close()
    assert staged[0].uploaded and Sink.received > GIB
    above = (max(peak, before) - idle) / (1 << 20)
    if peak <= before:  # the peak was reached before staging: staging stayed below it
        above = (before - idle) / (1 << 20)
    print(
        f"stage 1 GiB file: {elapsed:.2f} s, peak RSS {above:.1f} MiB above the idle process "
        f"({idle / (1 << 20):.1f} MiB idle; target <= 64 MiB); MD5 + http.client upload {base:.2f} s; "
        f"ratio {elapsed / base:.2f}"
    )


def baseline_upload(path: Path, port: int) -> float:
    """MD5 of the file, then its bytes POSTed in 1 MiB chunks with http.client: the least staging can cost."""
    t = time.perf_counter()
    h = hashlib.md5()
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    head = b"<upload_files>\n"

    def body():  # type: ignore[no-untyped-def]
        yield head
        with open(path, "rb") as f:
            while chunk := f.read(1 << 20):
                yield chunk

    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    conn.request("POST", "/p/job_file.php", body=body(), headers={"Content-Length": str(len(head) + GIB)})
    conn.getresponse().read()
    conn.close()
    return time.perf_counter() - t


def bench_encoding() -> None:
    ours, ours_cpu = best_of(build_and_encode, JOBS)
    base, base_cpu = best_of(baseline, JOBS)
    print(
        f"submit_batch of {JOBS:,} jobs: build + encode {ours:.3f} s wall, {ours_cpu:.3f} s CPU (target <= 1 s); "
        f"plain string concatenation {base:.3f} s wall, {base_cpu:.3f} s CPU; ratio {ours_cpu / base_cpu:.2f}"
    )
    peaks = {n: peak_bytes(build_and_encode, n) for n in (25_000, 50_000, 100_000)}
    base_peak = peak_bytes(baseline, JOBS)
    per_job = ", ".join(f"{n:,}: {p / (1 << 20):.1f} MiB ({p / n:.0f} B/job)" for n, p in peaks.items())
    print(
        f"peak memory (tracemalloc) {per_job}; baseline at {JOBS:,}: {base_peak / (1 << 20):.1f} MiB; "
        f"ratio {peaks[JOBS] / base_peak:.2f}"
    )


if __name__ == "__main__":
    bench_staging()  # first: its RSS peak must not include the encoding benchmark's
    bench_encoding()
