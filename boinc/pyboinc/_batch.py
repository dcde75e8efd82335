"""The batch directory: the call journal, the checkpoint file and the result logs.

Layout::

    <batch>/
        lock             flock'ed by the running master
        checkpoint.json  batch token, call count once make_calls returned, backend state
        journal          one line per call made: seq, worker, input hash, input payload
        results          append-only log of job outputs: "<seq> <length>\\n<bytes>\\n" records
        results.slot<N>  the same, written by the local backend's pool process of slot N
        handled          append-only log of the seqs whose result handle_result has seen
        failed/<seq>.json  jobs given up by the "skip" or callable failure policy
        stderr/<seq>.txt   a worker's stderr, when it wrote any
        local/           the local backend's client directory (slots/, projects/)

The design's ``new/`` and ``old/`` folders are the two logs: a result is
*old* once its seq is in ``handled``, *new* while it is only in ``results``.
Logs instead of one file per result keep the cost of a job independent of the
file system's speed at creating files (over a millisecond per file on some
virtual disks).

Crash safety: every record is appended with one ``write(2)``, so a kill of
the master at any instant leaves whole records and at most one torn record at
the end of a log, which the next open cuts off. A job is never handed to a
backend before its journal line is written; for backends whose submissions
outlive a power cut (a BOINC server) the journal is also fsync'ed first. For
the local backend it is fsync'ed in groups (every half second and at the end
of ``make_calls``): after a power cut a lost journal line means the call is
simply made again, and results of calls no longer in the journal are dropped.
"""

from __future__ import annotations

import base64
import binascii
import fcntl
import hashlib
import json
import os
import secrets
from typing import Any

import attrs

from boinc.errors import JournalMismatch, PyboincError

from ._slots import atomic_write

__all__ = ["BatchDir", "JournalEntry", "call_hash", "read_file", "result_record", "scan_records"]

_FORMAT = 1


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _quote(payload: bytes) -> bytes:
    # JSON payloads have no raw newline; anything else (pickles) goes as base64.
    if payload[:1] == b"{" and b"\n" not in payload:
        return payload
    return b"=" + base64.b64encode(payload)


def _unquote(field: bytes) -> bytes:
    return base64.b64decode(field[1:], validate=True) if field[:1] == b"=" else field


def result_record(seq: int, data: bytes) -> tuple[bytes, int]:
    """Return a results-log record for job *seq* and the offset of *data* in it."""
    head = b"%d %d\n" % (seq, len(data))
    return head + data + b"\n", len(head)


def read_file(path: str) -> bytes:
    """The bytes of a batch file; none if it does not exist yet."""
    try:
        with open(path, "rb") as f:
            return f.read()
    except FileNotFoundError:
        return b""


def scan_records(data: bytes) -> tuple[list[tuple[int, int, int]], int]:
    """Parse a results log: ``(seq, offset, length)`` of each whole record, and where they end.

    A record is ``"<seq> <length>\\n"``, the bytes, ``"\\n"``; parsing stops at
    the first incomplete or damaged record (a torn write).
    """
    records: list[tuple[int, int, int]] = []
    pos = 0
    while pos < len(data):
        nl = data.find(b"\n", pos, pos + 42)
        if nl < 0:
            break
        try:
            seq_s, len_s = data[pos:nl].split(b" ")
            seq, n = int(seq_s), int(len_s)
        except ValueError:
            break
        start = nl + 1
        if seq < 0 or n < 0 or start + n + 1 > len(data) or data[start + n:start + n + 1] != b"\n":
            break
        records.append((seq, start, n))
        pos = start + n + 1
    return records, pos


def call_hash(worker: str, payload: bytes) -> str:
    """Return the hash that identifies a call: SHA-256 of the worker name and the input payload."""
    h = hashlib.sha256(worker.encode("utf-8"))
    h.update(b"\0")
    h.update(payload)
    return h.hexdigest()[:32]


@attrs.frozen
class JournalEntry:
    """One journaled call.

    Attributes:
        seq: its sequence number.
        worker: the worker script as the master named it (relative to the master's directory).
        hash: :func:`call_hash` of the worker and the payload.
        payload: the encoded input.
    """

    seq: int
    worker: str
    hash: str
    payload: bytes


class BatchDir:
    """An open batch directory, locked for this process.

    Args:
        path: the directory; created if missing.

    Raises:
        PyboincError: another master is running on this batch, or the
            checkpoint file is from an unknown format.
    """

    def __init__(self, path: str) -> None:
        self.path = os.path.abspath(path)
        for sub in ("failed", "stderr"):
            os.makedirs(os.path.join(self.path, sub), exist_ok=True)
        self._lock_fd = os.open(os.path.join(self.path, "lock"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(self._lock_fd)
            raise PyboincError(f"batch directory {self.path} is in use by another running master") from None
        self.checkpoint = self._load_checkpoint()
        self._token = str(self.checkpoint["token"])
        self.entries: list[JournalEntry] = []
        self._load_journal()
        self._load_results()
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT
        self._journal_fd = os.open(os.path.join(self.path, "journal"), flags, 0o644)
        self._results_fd = os.open(os.path.join(self.path, "results"), flags, 0o644)
        self._handled_fd = os.open(os.path.join(self.path, "handled"), flags, 0o644)
        self._unsynced = False
        self._buffer: list[bytes] = []

    # -- checkpoint ---------------------------------------------------------

    def _load_checkpoint(self) -> dict[str, Any]:
        path = os.path.join(self.path, "checkpoint.json")
        try:
            with open(path, "rb") as f:
                data = json.loads(f.read())
        except FileNotFoundError:
            data = {"format": _FORMAT, "token": "pb" + secrets.token_hex(5), "ncalls": None, "backend": {}}
            atomic_write(path, json.dumps(data).encode())
            return data
        if not isinstance(data, dict) or data.get("format") != _FORMAT:
            raise PyboincError(f"{path}: not a PyBOINC checkpoint of format {_FORMAT}")
        return data

    def save_checkpoint(self) -> None:
        """Write the checkpoint file atomically and durably."""
        atomic_write(os.path.join(self.path, "checkpoint.json"), json.dumps(self.checkpoint).encode())

    @property
    def token(self) -> str:
        """The batch's random token, the prefix of its job names."""
        return str(self.checkpoint["token"])

    def job_name(self, seq: int) -> str:
        """Return the name of job *seq*."""
        return f"{self._token}_{seq}"

    # -- journal ------------------------------------------------------------

    def _load_journal(self) -> None:
        path = os.path.join(self.path, "journal")
        try:
            with open(path, "rb") as f:
                data = f.read()
        except FileNotFoundError:
            return
        good = 0
        for line in data.split(b"\n")[:-1]:  # a last piece without "\n" is a torn write
            parts = line.split(b"\t", 3)
            try:
                seq = int(parts[0])
                entry = JournalEntry(seq, parts[1].decode(), parts[2].decode(), _unquote(parts[3]))
            except (ValueError, IndexError, UnicodeDecodeError, binascii.Error):
                break
            if seq != len(self.entries):
                raise PyboincError(f"{path}: line for call {seq} where call {len(self.entries)} was expected")
            self.entries.append(entry)
            good += len(line) + 1
        if good != len(data):
            with open(path, "r+b") as f:  # drop the torn tail, so appends start on a fresh line
                f.truncate(good)

    def append(self, worker: str, digest: str, payload: bytes) -> JournalEntry:
        """Journal a new call (written by :meth:`write`, fsync'ed by :meth:`sync`).

        Raises:
            ValueError: the worker name contains a tab or newline.
        """
        if "\t" in worker or "\n" in worker:
            raise ValueError(f"bad worker script name {worker!r}")
        entry = JournalEntry(len(self.entries), worker, digest, payload)
        self._buffer.append(b"%d\t%s\t%s\t%s\n" % (entry.seq, worker.encode(), digest.encode(), _quote(payload)))
        self.entries.append(entry)
        return entry

    def write(self) -> None:
        """Write the journal lines appended since the last write, in one ``write(2)``."""
        if self._buffer:
            _write_all(self._journal_fd, b"".join(self._buffer))
            self._buffer = []
            self._unsynced = True

    def sync(self) -> None:
        """Write and fsync the journal, if anything was appended since the last sync."""
        self.write()
        if self._unsynced:
            os.fsync(self._journal_fd)
            self._unsynced = False

    def check(self, seq: int, worker: str, digest: str) -> None:
        """Check that re-run call *seq* is the journaled one.

        Raises:
            JournalMismatch: it is not.
        """
        e = self.entries[seq]
        if e.worker != worker or e.hash != digest:
            what = f"worker {worker!r}" if e.worker != worker else "a different input"
            raise JournalMismatch(
                f"make_calls changed since the batch in {self.path} was started: call #{seq} is now "
                f"pyboinc_call({worker!r}, ...) with {what}, but the journal has pyboinc_call({e.worker!r}, ...) "
                f"with input hash {e.hash}. Restore the old make_calls, or start a new batch by "
                "deleting or renaming the batch directory.")

    # -- results ------------------------------------------------------------

    def _load_results(self) -> None:
        # seq -> (index in self._logs, offset, length). The master's own log is
        # "results"; the local backend's pool processes append to "results.slot<N>".
        self.results: dict[int, tuple[int, int, int]] = {}
        self.handled: list[int] = []
        names = ["results", *sorted(n for n in os.listdir(self.path) if n.startswith("results.slot"))]
        self._logs = [os.path.join(self.path, n) for n in names]
        for i, path in enumerate(self._logs):
            data = read_file(path)
            records, end = scan_records(data)
            for seq, start, n in records:
                if seq < len(self.entries):  # results of calls lost from the journal are dropped
                    self.results.setdefault(seq, (i, start, n))
            if i == 0:
                if end != len(data):  # only our own log: a pool process repairs its own
                    with open(path, "r+b") as f:
                        f.truncate(end)
                self._results_end = end
        data = read_file(os.path.join(self.path, "handled"))
        seen: set[int] = set()
        good = 0
        for line in data.split(b"\n")[:-1]:
            if not line.isdigit():
                break
            seq = int(line)
            good += len(line) + 1
            if seq in self.results and seq not in seen:
                seen.add(seq)
                self.handled.append(seq)
        if good != len(data):
            with open(os.path.join(self.path, "handled"), "r+b") as f:
                f.truncate(good)

    def add_results(self, results: list[tuple[int, bytes]]) -> None:
        """Append job outputs, ``(seq, bytes)`` pairs, to the results log in one write."""
        parts: list[bytes] = []
        for seq, data in results:
            head = b"%d %d\n" % (seq, len(data))
            parts += (head, data, b"\n")
            self.results[seq] = (0, self._results_end + len(head), len(data))
            self._results_end += len(head) + len(data) + 1
        _write_all(self._results_fd, b"".join(parts))

    def register_result(self, seq: int, log_name: str, offset: int, length: int) -> None:
        """Note that job *seq*'s output is in log *log_name* (a ``results.slot<N>`` file) at *offset*.

        Raises:
            ValueError: a bad log name.
        """
        if not log_name.startswith("results.slot") or "/" in log_name:
            raise ValueError(f"bad results log name {log_name!r}")
        path = os.path.join(self.path, log_name)
        if path not in self._logs:
            self._logs.append(path)
        self.results[seq] = (self._logs.index(path), offset, length)

    def read_result(self, seq: int) -> bytes:
        """Return job *seq*'s output from the results logs."""
        i, start, n = self.results[seq]
        with open(self._logs[i], "rb") as f:
            f.seek(start)
            return f.read(n)

    def mark_handled(self, seqs: list[int]) -> None:
        """Record that ``handle_result`` returned for jobs *seqs* (one write)."""
        if seqs:
            _write_all(self._handled_fd, b"".join(b"%d\n" % seq for seq in seqs))
            self.handled += seqs

    def failed_seqs(self) -> set[int]:
        """Return the seqs given up by the failure policy in earlier runs."""
        out: set[int] = set()
        for name in os.listdir(os.path.join(self.path, "failed")):
            stem, _dot, ext = name.partition(".")
            if ext == "json" and stem.isdigit():
                out.add(int(stem))
        return out

    def mark_failed(self, seq: int, record: dict[str, Any]) -> None:
        """Record that job *seq* was given up (atomically)."""
        atomic_write(os.path.join(self.path, "failed", f"{seq}.json"), json.dumps(record).encode())

    def close(self) -> None:
        """Sync the journal and release the lock."""
        try:
            self.sync()
        finally:
            for fd in (self._journal_fd, self._results_fd, self._handled_fd, self._lock_fd):
                os.close(fd)
