"""A loopback HTTP server that plays a BOINC project for PyBOINC's BOINC backend tests.

It speaks the job-submission interface the way the recordings in
``tests/fixtures/submit/`` show it: form field ``request`` posted to
``submit_rpc_handler.php`` and ``job_file.php`` (urlencoded or multipart),
errors with HTTP 200, replies declaring ISO-8859-1, ``get_output.php``
downloads. Every request's XML must only use element paths that a recorded
request of the same operation uses.

Jobs really run: a runner thread plays a BOINC client with the wrapper. It
copies the staged files into a client project directory, makes a slot with
``<soft_link>`` files (``input``, ``output``), copies of the ``copy_file``
files (the worker script and the app-version files that ``make-app``
wrote), ``init_data.xml``, and runs ``python pyboinc_run.py
pyboinc_worker.py`` there. A non-zero exit becomes exit status 195, as the
wrapper reports it.

The server's own retries are played as the transitioner does them: a job
whose run fails is run again until it has failed ``max_total_results`` times
(from the job's own input template, else 4 as in the lab's app template), then
it errors out with ``too_many_error_results`` and ``too_many_total_results``.

Injected quirks of the real server:

* the first download of each job's output answers 404 (the job is "done"
  before its file is in place), with ``cmd=workunit_file`` and with
  ``cmd=workunit_files`` alike;
* ``query_completed_job`` on a job without a canonical instance answers
  HTTP 500 with a truncated body.
"""

from __future__ import annotations

import hashlib
import io
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape

from boinc.pyboinc import _slots

FIXTURES = Path(__file__).parent / "fixtures" / "submit"
HEAD = '<?xml version="1.0" encoding="ISO-8859-1" ?>\n'
AUTH = "test-authenticator-0123456789"


def _paths(elem: ET.Element, prefix: str = "") -> set[str]:
    here = f"{prefix}/{elem.tag}"
    out = {here}
    if elem.tag == "input_template":  # a BOINC template, not the protocol: its contents are the app's
        return out
    for child in elem:
        out |= _paths(child, here)
    return out


def recorded_shapes() -> dict[str, set[str]]:
    """Element paths used by the recorded requests, by root tag."""
    shapes: dict[str, set[str]] = {}
    for f in FIXTURES.glob("*.request.xml"):
        try:
            root = ET.fromstring(f.read_bytes())
        except ET.ParseError:
            continue
        shapes.setdefault(root.tag, set()).update(_paths(root))
    return shapes


def _error(op: str, msg: str) -> str:
    err = f"<error>\n    <error_num>-1</error_num>\n    <error_msg>{escape(msg)}</error_msg>\n</error>\n"
    return f"{HEAD}{err}" if op == "error" else f"{HEAD}<{op}>\n{err}</{op}>\n"


class FakeJob:
    """A job (workunit) of the fake project."""

    def __init__(self, jid: int, name: str, batch: int, files: list[str], max_runs: int = 4) -> None:
        self.id = jid
        self.name = name
        self.batch = batch
        self.files = files
        self.max_runs = max_runs
        self.status = "queued"
        self.exit_status: int | None = None
        self.exit_statuses: list[int] = []
        self.output: bytes | None = None
        self.stderr = ""
        self.downloads = 0


class FakeProject:
    """The project: state, a job runner and an HTTP server on 127.0.0.1.

    Args:
        root: a scratch directory.
        app_dir: the app-version directory that ``make-app`` wrote.
        app_name: the app's name.
    """

    def __init__(self, root: Path, app_dir: Path, app_name: str = "pyboinc") -> None:
        self.root = root
        self.app_dir = app_dir
        self.app_name = app_name
        self.download = root / "download"
        self.client_project = root / "client" / "projects" / "fake"
        for d in (self.download, self.client_project, root / "client" / "slots"):
            d.mkdir(parents=True, exist_ok=True)
        self.shapes = recorded_shapes()
        self.lock = threading.Lock()
        self.batches: dict[int, dict[str, Any]] = {}
        self.jobs: dict[str, FakeJob] = {}
        self.log: list[tuple[str, str]] = []  # (op, detail) of every request
        self.runs: list[str] = []  # names of jobs the client ran
        self.bad_requests: list[str] = []
        self.pause = threading.Event()
        self.pause.set()
        self._stop = False
        self._next_batch = 1
        self._next_job = 1
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/fake/"
        self._threads = [threading.Thread(target=self.httpd.serve_forever, daemon=True),
                         threading.Thread(target=self._run_jobs, daemon=True)]

    def __enter__(self) -> FakeProject:
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop = True
        self.pause.set()
        self.httpd.shutdown()
        self.httpd.server_close()
        for t in self._threads:
            t.join(timeout=30)

    # -- the client ---------------------------------------------------------

    def _run_jobs(self) -> None:
        while not self._stop:
            self.pause.wait()
            with self.lock:
                job = next((j for j in self.jobs.values() if j.status == "queued"), None)
                if job is not None:
                    job.status = "in_progress"
            if job is None:
                time.sleep(0.01)
                continue
            self._run_one(job)

    def _run_one(self, job: FakeJob) -> None:
        slot = self.root / "client" / "slots" / "0"
        shutil.rmtree(slot, ignore_errors=True)
        slot.mkdir()
        for phys in job.files:  # the client downloads the inputs into its project directory
            shutil.copyfile(self.download / phys, self.client_project / phys)
        out_phys = f"{job.name}_0_r1_0"
        _slots.write_soft_link(str(slot), _slots.INPUT_NAME, "fake", job.files[0])
        shutil.copyfile(self.client_project / job.files[1], slot / "pyboinc_worker.py")
        _slots.write_soft_link(str(slot), _slots.OUTPUT_NAME, "fake", out_phys)
        for line in (self.app_dir / "version.xml").read_text().split("<file>")[1:]:
            phys = line.split("<physical_name>")[1].split("<")[0]
            logical = line.split("<logical_name>")[1].split("<")[0] if "<logical_name>" in line else phys
            if "<copy_file/>" in line:
                shutil.copyfile(self.app_dir / phys, slot / logical)
            elif logical == "job.xml":
                shutil.copyfile(self.app_dir / phys, self.client_project / phys)
                _slots.write_soft_link(str(slot), logical, "fake", phys)
        _slots.write_init_data(str(slot), {"app_name": self.app_name, "wu_name": job.name,
                                           "result_name": f"{job.name}_0", "project_dir": str(self.client_project),
                                           "slot": 0, "checkpoint_period": 60})
        with open(slot / "stderr.txt", "wb") as err:
            code = subprocess.call([sys.executable, "-I", "pyboinc_run.py", "pyboinc_worker.py"], cwd=slot,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err, timeout=120)
        stderr = (slot / "stderr.txt").read_text(errors="replace")
        out = self.client_project / out_phys
        with self.lock:
            self.runs.append(job.name)
            job.stderr = stderr
            if code == 0 and out.exists():
                job.output = out.read_bytes()
                job.status = "done"
                job.exit_status = 0
            else:
                job.exit_status = 195 if code != 0 else 0
                job.exit_statuses.append(job.exit_status)
                # the transitioner: another instance while max_total_results allows one
                job.status = "queued" if len(job.exit_statuses) < job.max_runs else "error"

    # -- the web server -----------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        project = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, fmt: str, *args: Any) -> None:  # type: ignore[override]
                pass

            def _send(self, status: int, body: bytes, ctype: str = "text/xml;charset=UTF-8",
                      headers: dict[str, str] | None = None) -> None:
                self.send_response(status)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                q = dict(urllib.parse.parse_qsl(url.query))
                if not url.path.endswith("/get_output.php"):
                    self._send(404, b"not found", "text/html")
                    return
                project.log.append(("get_output", q.get("cmd", "")))
                cmd = q.get("cmd")
                with project.lock:
                    if cmd == "workunit_files":
                        job = next((j for j in project.jobs.values() if str(j.id) == q.get("wu_id")), None)
                        auth = hashlib.md5((AUTH + q.get("wu_id", "")).encode()).hexdigest()
                    else:
                        job = project.jobs.get(q.get("wu_name", ""))
                        auth = AUTH
                if cmd not in ("workunit_file", "workunit_files") or q.get("auth_str") != auth:
                    self._send(200, b"ERROR: bad auth str", "text/plain")
                    return
                with project.lock:
                    if job is None or job.output is None:
                        name = job.name if job is not None else q.get("wu_name", "")
                        self._send(200, f"ERROR: no canonical result for wu {name}".encode(), "text/html")
                        return
                    job.downloads += 1
                    first = job.downloads == 1
                    data = job.output
                if first:  # the 404 race: "done" before the file is in place
                    self._send(404, b"<html><body>Not Found</body></html>", "text/html")
                    return
                phys = f"{job.name}_0_r1_0"
                if cmd == "workunit_files":
                    buf = io.BytesIO()
                    with zipfile.ZipFile(buf, "w") as z:
                        z.writestr(phys, data)
                    data, phys = buf.getvalue(), f"boinc_wu_{job.name}_x.zip"
                self._send(200, data, "application/octet-stream", {
                    "Content-Disposition": f"attachment; filename={phys}",
                    "Content-Transfer-Encoding": "binary"})

            def do_POST(self) -> None:
                n = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(n)
                fields, files = _parse_form(self.headers.get("Content-Type", ""), body)
                request = fields.get("request", "")
                try:
                    root = ET.fromstring(request)
                except ET.ParseError:
                    self._send(200, _error("error", "can't parse request message").encode())
                    return
                bad = _paths(root) - project.shapes.get(root.tag, set())
                if bad:
                    project.bad_requests.append(f"{root.tag}: {sorted(bad)}")
                if root.findtext("authenticator") != AUTH:
                    self._send(200, _error(root.tag, "bad authenticator").encode())
                    return
                project.log.append((root.tag, request))
                status, reply = project.dispatch(root, files)
                self._send(status, reply.encode("utf-8"))

        return Handler

    def dispatch(self, req: ET.Element, files: list[bytes]) -> tuple[int, str]:
        """Answer one request; returns (HTTP status, body)."""
        op = req.tag
        with self.lock:
            if op == "create_batch":
                bid = self._next_batch
                self._next_batch += 1
                self.batches[bid] = {"id": bid, "name": req.findtext("batch_name") or "", "state": 0,
                                     "app": req.findtext("app_name"), "jobs": []}
                return 200, f"{HEAD}<create_batch>\n<batch_id>{bid}</batch_id>\n        </create_batch>\n    "
            if op == "submit_batch":
                return self._submit(req)
            if op == "query_batch":
                bid = int(req.findtext("batch_id") or 0)
                if bid not in self.batches:
                    return 200, _error(op, "no such batch")
                return 200, self._query_batch(bid, req.findtext("get_job_details") == "1")
            if op == "query_job":
                jid = req.findtext("job_id") or ""
                job = next((j for j in self.jobs.values() if str(j.id) == jid), None)
                if job is None:
                    return 200, _error(op, "no such job")
                out = "".join(
                    f"    <instance>\n        <name>{job.name}_{i}</name>\n        <id>{job.id * 100 + i}</id>\n"
                    f"        <state>Error while computing</state>\n</instance>\n"
                    for i in range(len(job.exit_statuses)))
                if job.status == "done":
                    i = len(job.exit_statuses)
                    out += (f"    <instance>\n        <name>{job.name}_{i}</name>\n"
                            f"        <id>{job.id * 100 + i}</id>\n"
                            "        <state>Completed and validated</state>\n        <outfile>\n"
                            f"            <size>{len(job.output or b'')}</size>\n        </outfile>\n</instance>\n")
                return 200, f"{HEAD}<query_job>\n{out}</query_job>\n"
            if op == "query_completed_job":
                job = self.jobs.get(req.findtext("job_name") or "")
                if job is None:
                    return 200, _error(op, "no such job")
                if job.status != "done":  # undefined $job_id -> SQL error -> HTTP 500, body cut short
                    return 500, f"{HEAD}<query_completed_job>\n<completed_job>\n   <error_mask>0</error_mask>\n"
                return 200, (f"{HEAD}<query_completed_job>\n<completed_job>\n   <error_mask>0</error_mask>\n"
                             f"   <canonical_resultid>{job.id}</canonical_resultid>\n"
                             "   <exit_status>0</exit_status>\n"
                             "   <elapsed_time>1.0</elapsed_time>\n   <cpu_time>0</cpu_time>\n"
                             f"   <stderr_out><![CDATA[\n<stderr_txt>\n{job.stderr}\n</stderr_txt>\n"
                             "   ]]></stderr_out>\n"
                             "</completed_job>\n        </query_completed_job>\n    ")
            if op in ("retire_batch", "abort_batch"):
                bid = int(req.findtext("batch_id") or 0)
                if bid not in self.batches:
                    return 200, _error(op, "no such batch")
                self.batches[bid]["state"] = 4 if op == "retire_batch" else 3
                return 200, f"{HEAD}<{op}>\n<success>1</success>\n        </{op}>\n    "
            if op == "query_files":
                names = [e.text or "" for e in req.findall("phys_name")]
                absent = "".join(f"<file>{i}</file>\n" for i, n in enumerate(names)
                                 if not (self.download / n).exists())
                reply = f"<query_files>\n<absent_files>\n{absent}</absent_files>\n        </query_files>\n    "
                return 200, HEAD + reply
            if op == "upload_files":
                names = [e.text or "" for e in req.findall("phys_name")]
                if len(names) != len(files):
                    return 200, _error(op, f"# of uploaded files ({len(files)}) doesn't agree with request "
                                           f"({len(names)})")
                for name, data in zip(names, files):
                    path = self.download / name
                    if path.exists() and path.read_bytes() != data:
                        return 200, _error(op, f"file immutability violation for {name}")
                    path.write_bytes(data)
                return 200, f"{HEAD}<upload_files>\n<success/>\n        </upload_files>\n    "
        return 200, _error("error", f"bad command: {op}")

    def _submit(self, req: ET.Element) -> tuple[int, str]:
        b = req.find("batch")
        assert b is not None
        bid = int(b.findtext("batch_id") or 0)
        batch = self.batches.get(bid)
        if batch is None:
            return 200, _error("submit_batch", "no such batch")
        if batch["state"] != 0:
            return 200, _error("submit_batch", "batch not in init state")
        new = []
        for j in b.findall("job"):
            name = j.findtext("name") or ""
            files = [f.findtext("source") or "" for f in j.findall("input_file")]
            if any(f.findtext("mode") != "local_staged" for f in j.findall("input_file")):
                return 200, _error("submit_batch", "unsupported file mode")
            if len(files) != 2:
                return 200, _error("submit_batch", f"wrong # of input files for job {name}: need 2, got {len(files)}")
            for src in files:
                if not (self.download / src).exists():
                    return 200, _error("submit_batch", f"create_work failed: md5_file: can't open download/{src}")
            if name in self.jobs:
                return 200, _error("submit_batch", f"create_work failed: can't insert WU {name}: duplicate entry")
            m = re.search(r"<max_total_results>(\d+)</max_total_results>", ET.tostring(j, encoding="unicode"))
            new.append(FakeJob(self._next_job + len(new), name, bid, files, int(m.group(1)) if m else 4))
        self._next_job += len(new)
        for job in new:
            self.jobs[job.name] = job
            batch["jobs"].append(job.name)
        batch["state"] = 1
        return 200, f"{HEAD}<submit_batch>\n<batch_id>{bid}</batch_id>\n        </submit_batch>\n    "

    def _query_batch(self, bid: int, details: bool) -> str:
        batch = self.batches[bid]
        jobs = [self.jobs[n] for n in batch["jobs"]]
        ndone = sum(j.status in ("done", "error") for j in jobs)
        nerr = sum(j.status == "error" for j in jobs)
        state = batch["state"]
        if state == 1 and jobs and ndone == len(jobs):
            state = 2
        frac = ndone / len(jobs) if jobs else 0
        out = [f"{HEAD}<query_batch>\n\n", f"        <id>{bid}</id>\n",
               "        <create_time>1795315184</create_time>\n",
               "        <expire_time>0</expire_time>\n", "        <est_completion_time>0</est_completion_time>\n",
               f"        <njobs>{len(jobs)}</njobs>\n", f"        <fraction_done>{frac:g}</fraction_done>\n",
               f"        <nerror_jobs>{nerr}</nerror_jobs>\n", f"        <state>{state}</state>\n",
               "        <completion_time>0</completion_time>\n", "        <credit_estimate>0</credit_estimate>\n",
               "        <credit_canonical>0</credit_canonical>\n", f"        <name>{batch['name']}</name>\n",
               f"        <app_name>{batch['app']}</app_name>\n", "        <total_cpu_time>0</total_cpu_time>\n"]
        for j in jobs:
            canon = j.id if j.status == "done" else 0
            out.append(f"        <job>\n        <id>{j.id}</id>\n        <name>{j.name}</name>\n"
                       f"        <canonical_instance_id>{canon}</canonical_instance_id>\n")
            if details:
                if j.status == "error":
                    out.append("   <error>too_many_error_results</error>\n")
                    out.append("   <error>too_many_total_results</error>\n")
                    out.extend(f"            <exit_status>{code}</exit_status>\n" for code in j.exit_statuses)
                elif j.status == "done":
                    out.append("            <cpu_time>0</cpu_time>\n")
                out.append(f"            <status>{j.status}</status>\n")
            out.append("        </job>\n")
        out.append("</query_batch>\n")
        return "".join(out)


def _parse_form(ctype: str, body: bytes) -> tuple[dict[str, str], list[bytes]]:
    if ctype.startswith("multipart/form-data"):
        boundary = ctype.split("boundary=", 1)[1].strip().strip('"').encode()
        fields: dict[str, str] = {}
        files: list[bytes] = []
        for part in body.split(b"--" + boundary)[1:]:
            if part.startswith(b"--"):
                break
            head, _, data = part.partition(b"\r\n\r\n")
            data = data[:-2] if data.endswith(b"\r\n") else data
            disp = head.decode("latin-1")
            name = disp.split('name="', 1)[1].split('"', 1)[0]
            if "filename=" in disp:
                files.append(data)
            else:
                fields[name] = data.decode("utf-8")
        return fields, files
    return dict(urllib.parse.parse_qsl(body.decode("utf-8"))), []


def md5_of(data: bytes) -> str:
    """Return the lowercase hex MD5 of *data* (what ``jf_`` names carry)."""
    return hashlib.md5(data).hexdigest()


__all__ = ["AUTH", "FakeProject", "md5_of", "recorded_shapes"]
