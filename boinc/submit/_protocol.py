"""The job submission protocol without I/O: requests to bytes, reply bytes to values.

Nothing here opens a socket. :mod:`boinc.submit.client` sends what this module
builds and hands back what it receives. The rules come from BOINC's
``submit_rpc_handler.php``, ``job_file.php`` and ``get_output.php``, and from
replies recorded from a real server:

* every request is the form field ``request`` of a POST; we always send
  ``multipart/form-data`` (PHP reads it as it reads a urlencoded form, and it
  costs nothing to build for big batches);
* errors come back with HTTP 200, as ``<error>`` at the root or inside the
  operation's element; ``query_batch``'s per-job ``<error>cancelled</error>``
  carry no ``<error_num>`` and are data;
* replies declare ISO-8859-1 but carry the database's bytes (UTF-8), values are
  not escaped, ``abort_jobs`` prints a non-XML ``<aborted NAME>`` line per job,
  and a project that displays PHP errors prints them as HTML between elements.
"""

from __future__ import annotations

import hashlib
import html
import re
import secrets
import urllib.parse
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final, TypeVar

import attrs

from .._xml import decode, decode_bytes, encode_into, find_element, iter_elements, xml_field
from .._xml.decode import decode_element
from ..errors import HttpError, NoCanonicalResult, ProtocolError, ReplyParseError, SubmitError
from .structs import (
    Batch,
    BatchDesc,
    BatchJobs,
    BatchSetStatus,
    CompletedJob,
    Estimate,
    Job,
    JobCounts,
    JobDetail,
    Templates,
)

__all__ = [
    "COUNTS_ENDPOINT",
    "FILE_ENDPOINT",
    "OUTPUT_ENDPOINT",
    "RPC_ENDPOINT",
    "Multipart",
    "auth_str",
    "check_download",
    "check_reply",
    "encode_request",
    "job_file_name",
    "redact",
    "strip_php_errors",
]

RPC_ENDPOINT: Final = "submit_rpc_handler.php"
FILE_ENDPOINT: Final = "job_file.php"
COUNTS_ENDPOINT: Final = "server_status.php?counts=1"
OUTPUT_ENDPOINT: Final = "get_output.php"

T = TypeVar("T")

# --------------------------------------------------------------------------- requests


def _auth() -> Any:
    return xml_field(repr=False)


@attrs.frozen(kw_only=True)
class BatchRequest:
    """``submit_batch`` and ``estimate_batch``."""

    authenticator: str = _auth()
    batch: BatchDesc


@attrs.frozen(kw_only=True)
class CreateBatchRequest:
    """``create_batch`` (its fields sit at the root, not in a ``<batch>``)."""

    authenticator: str = _auth()
    app_name: str
    batch_name: str | None = None
    expire_time: float = 0.0


@attrs.frozen(kw_only=True)
class QueryBatchesRequest:
    """``query_batches``."""

    authenticator: str = _auth()
    get_cpu_time: bool = False


@attrs.frozen(kw_only=True)
class QueryBatchRequest:
    """``query_batch``."""

    authenticator: str = _auth()
    batch_id: int | None = None
    batch_name: str | None = None
    get_cpu_time: bool = False
    get_job_details: bool = False


@attrs.frozen(kw_only=True)
class BatchRefRequest:
    """``abort_batch``, ``retire_batch`` and ``set_expire_time``."""

    authenticator: str = _auth()
    batch_id: int | None = None
    batch_name: str | None = None
    expire_time: float | None = None


@attrs.frozen(kw_only=True)
class QueryBatch2Request:
    """``query_batch2``."""

    authenticator: str = _auth()
    batch_names: tuple[str, ...] = xml_field(tag="batch_name", default=())
    min_mod_time: float | None = None


@attrs.frozen(kw_only=True)
class QueryJobRequest:
    """``query_job``."""

    authenticator: str = _auth()
    job_id: int


@attrs.frozen(kw_only=True)
class JobNamesRequest:
    """``query_completed_job`` (one name) and ``abort_jobs`` (one or more)."""

    authenticator: str = _auth()
    job_names: tuple[str, ...] = xml_field(tag="job_name", default=())


@attrs.frozen(kw_only=True)
class GetTemplatesRequest:
    """``get_templates``."""

    authenticator: str = _auth()
    app_name: str | None = None
    job_name: str | None = None


@attrs.frozen(kw_only=True)
class FilesRequest:
    """``query_files`` and ``upload_files`` of ``job_file.php``."""

    authenticator: str = _auth()
    batch_id: int = 0
    delete_time: int = 0
    phys_names: tuple[str, ...] = xml_field(tag="phys_name", default=())


PING_XML: Final = b"<ping> </ping>\n"  # an empty <ping/> is "false" to PHP: the space is needed


def encode_request(obj: object, op: str) -> bytes:
    """The XML document of a request struct, as UTF-8 bytes.

    Written by the XML engine's compiled per-class encoders.
    """
    out: list[str] = []
    encode_into(out, obj, op)
    return "".join(out).encode("utf-8")


class Multipart:
    """A ``multipart/form-data`` body: the ``request`` field, then file parts, streamed.

    Args:
        request: the XML of the request.
        files: ``(part file name, size, chunks)`` per file; the chunks are read
            only when the body is iterated, so files are never held in memory.
    """

    def __init__(self, request: bytes, files: Sequence[tuple[str, int, Iterable[bytes]]] = ()) -> None:
        boundary = "----boincpy" + secrets.token_hex(12)
        while boundary.encode() in request:  # pragma: no cover - 96 random bits
            boundary = "----boincpy" + secrets.token_hex(12)
        self.boundary = boundary
        self.content_type = f"multipart/form-data; boundary={boundary}"
        b = boundary.encode()
        self._head = b"--" + b + b'\r\nContent-Disposition: form-data; name="request"\r\n\r\n'
        self._request = request
        self._parts: list[tuple[bytes, int, Iterable[bytes]]] = []
        for i, (name, size, chunks) in enumerate(files):
            quoted = name.replace('"', "%22").replace("\r", "").replace("\n", "")
            head = (
                b"\r\n--"
                + b
                + f'\r\nContent-Disposition: form-data; name="file_{i}"; filename="{quoted}"\r\n'.encode()
                + b"Content-Type: application/octet-stream\r\n\r\n"
            )
            self._parts.append((head, size, chunks))
        self._tail = b"\r\n--" + b + b"--\r\n"

    def __len__(self) -> int:
        """The body's length in bytes (for ``Content-Length``)."""
        n = len(self._head) + len(self._request) + len(self._tail)
        for head, size, _ in self._parts:
            n += len(head) + size
        return n

    def __iter__(self) -> Iterator[bytes]:
        """The body, piece by piece."""
        yield self._head
        yield self._request
        for head, size, chunks in self._parts:
            yield head
            sent = 0
            for chunk in chunks:
                sent += len(chunk)
                yield chunk
            if sent != size:
                raise ValueError(f"a file changed size while it was uploaded ({size} -> {sent} bytes)")
        yield self._tail

    def to_bytes(self) -> bytes:
        """The whole body at once (small requests)."""
        return b"".join(self)


# --------------------------------------------------------------------------- names and auth strings


_VALID_NAME: Final = re.compile(r"[\w\-. ]{1,255}", re.ASCII)


def job_file_name(md5_hex: str) -> str:
    """The physical name BOINC gives a staged input file: ``jf_<md5>``."""
    return "jf_" + md5_hex


def check_phys_name(name: str) -> None:
    """Check a physical file name as ``job_file.php`` does (``is_valid_filename``).

    Raises:
        ValueError: the server would answer "bad filename".
    """
    if not _VALID_NAME.fullmatch(name):
        raise ValueError(f"bad physical file name {name!r}: only letters, digits, '_', '-', '.' (at most 255)")


def auth_str(authenticator: str, item: str | int) -> str:
    """``get_output.php``'s ``auth_str``: ``md5(authenticator + item)``, lowercase hex."""
    return hashlib.md5((authenticator + str(item)).encode("utf-8")).hexdigest()


def redact(text: str, secret: str) -> str:
    """``text`` with every occurrence of ``secret`` (and its XML-escaped form) masked."""
    if secret:
        text = text.replace(secret, "***")
        esc = html.escape(secret, quote=False)
        if esc != secret:
            text = text.replace(esc, "***")
    return text


# --------------------------------------------------------------------------- replies

#: How PHP prints an error with ``display_errors`` and ``html_errors`` on:
#: ``<br />\n<b>Warning</b>:  MESSAGE in <b>FILE</b> on line <b>N</b><br />``.
#: The message is HTML-escaped by PHP, so it holds no ``<``; an uncaught
#: exception spans lines (stack trace) and ends ``thrown in <b>FILE</b> ...``.
_PHP_ERROR: Final = re.compile(
    r"(?:<br\s*/?>\s*)?"
    r"<b>(Warning|Notice|Deprecated|Strict Standards|Fatal error|Parse error|"
    r"Recoverable fatal error|Catchable fatal error|Core warning|Compile warning|User warning|"
    r"User notice|User deprecated|User error)</b>:"
    r"([^<]*)<b>[^<>]*</b> on line <b>\d+</b>(?:<br\s*/?>)?",
)
_FATAL: Final = ("Fatal error", "Parse error", "Recoverable fatal error", "Catchable fatal error", "User error")
_ROOT: Final = re.compile(r"<([A-Za-z_][\w.:-]*)")
_ABORTED: Final = re.compile(r"<aborted ([^<>\n]*)>")
_XML_ERROR: Final = re.compile(r"<error>\s*<error_num>\s*(-?\d+)\s*</error_num>\s*<error_msg>(.*?)</error_msg>", re.S)
_TITLE: Final = re.compile(r"<title>([^<]*)</title>", re.I)
_REDIRECTS: Final = frozenset({301, 302, 303, 307, 308})


def strip_php_errors(text: str) -> tuple[str, list[str]]:
    """Remove PHP's HTML error messages from a reply.

    Returns:
        the reply without them, and each message as ``"Kind: message"``.
    """
    if "<b>" not in text:
        return text, []
    found: list[str] = []

    def drop(m: re.Match[str]) -> str:
        found.append(f"{m.group(1)}: {html.unescape(m.group(2)).strip().removesuffix(' in').strip()}")
        return ""

    return _PHP_ERROR.sub(drop, text), found


@attrs.frozen(kw_only=True)
class _Error:
    error_num: int | None = None
    error_msg: str = ""


def _root(text: str) -> tuple[str, int] | None:
    m = _ROOT.search(text)
    return None if m is None else (m.group(1), m.start())


def _error_at(text: str, pos: int, empty: bool) -> _Error:
    err: _Error = decode_element(_Error, text, pos, "error", empty)[0]
    return err


def _find_error(text: str, op: str, root: str) -> _Error | None:
    """The ``xml_error`` of a reply: its root, or a direct child of the op element."""
    try:
        if root == "error":
            found = find_element(text, "error")
            if found is not None:
                err = _error_at(text, *found)
                if err.error_num:
                    return err
        found = find_element(text, op)
        if found is None or found[1]:
            return None
        for tag, start, _end in iter_elements(text, found[0], op):
            if tag == "error":
                err = _error_at(text, start, False)
                if err.error_num:
                    return err
        return None
    except ReplyParseError:
        pass
    # Not readable as elements (cut short, or broken by unescaped data):
    # the handler's xml_error() always writes this exact sequence.
    m = _XML_ERROR.search(text)
    if m and int(m.group(1)):
        return _Error(error_num=int(m.group(1)), error_msg=html.unescape(m.group(2)).strip())
    return None


_HINTS_500: Final = {
    "query_completed_job": "BOINC fails query_completed_job for a job without a canonical instance "
    "(not finished yet, or failed); use query_job or query_batch for such jobs",
    "query_files": "job_file.php crashes when the project lacks the batch_file_assoc table, or when "
    "a file is already associated with that batch_id",
    "upload_files": "job_file.php crashes when the project lacks the batch_file_assoc table, or when "
    "a physical name is registered already (call query_files first)",
}


def check_reply(
    op: str,
    status: int,
    body: bytes,
    *,
    secret: str = "",
    location: str | None = None,
    root: str | None = None,
) -> str:
    """Check a reply of ``submit_rpc_handler.php`` or ``job_file.php`` and return its text.

    Args:
        op: the request's root tag; the reply's root is expected to be the same.
        status: the HTTP status.
        body: the reply body.
        secret: the authenticator, masked in every error message.
        location: the ``Location`` header of a redirect.
        root: the expected root tag, where it is not ``op`` (``job_counts``).

    Returns:
        the reply as text, PHP error messages removed, ready to decode.

    Raises:
        SubmitError: the server answered with an ``<error>``.
        HttpError: a redirect, an HTTP error status, an HTML page or an empty body.
        ProtocolError: a reply that is not the operation's.
    """
    expected = root or op
    if status in _REDIRECTS:
        target = urllib.parse.urlsplit(location or "")
        where = f"{target.scheme}://{target.netloc}{target.path}" if target.netloc else "another URL"
        fix = (
            "use the project's https URL"
            if target.scheme == "https"
            else "use the URL the server redirects to as the project URL"
        )
        raise HttpError(
            status,
            f"the server redirected the {op} POST to {where}; a redirect turns a POST into a GET and "
            f"loses the request, so it was not followed: {fix}",
        )
    text = decode_bytes(body)
    text, php = strip_php_errors(text)
    fatal = [p for p in php if p.split(":", 1)[0] in _FATAL]
    found = _root(text)
    if found is None:
        detail = redact("; ".join(fatal) or "the reply is empty", secret)
        raise HttpError(status, f"{op}: no XML reply ({detail})")
    tag = found[0]
    if tag.lower() in ("html", "head", "body", "!doctype") or text.lstrip()[:9].upper() == "<!DOCTYPE":
        title = _TITLE.search(text)
        what = f" ({html.unescape(title.group(1)).strip()})" if title else ""
        raise HttpError(status, f"{op}: the server sent an HTML page{what}, not an XML reply; check the project URL")
    err = _find_error(text, expected, tag) if "<error" in text else None
    if err is not None:
        raise SubmitError(err.error_num or -1, redact(err.error_msg, secret))
    if status != 200:
        hint = _HINTS_500.get(op, "")
        detail = "; ".join(fatal) or hint or "a PHP fatal error on the server"
        raise HttpError(status, redact(f"{op}: the server failed and cut its reply short ({detail})", secret))
    if find_element(text, expected) is None:
        raise ProtocolError(f"{op}: expected a <{expected}> reply, got <{tag}>")
    if fatal:
        raise HttpError(status, redact(f"{op}: PHP fatal error on the server ({'; '.join(fatal)})", secret))
    return text


def _decode(cls: type[T], text: str, tag: str) -> T:
    value: T = decode(cls, text, tag)
    return value


@attrs.frozen(kw_only=True)
class _BatchId:
    batch_id: int | None = None


@attrs.frozen(kw_only=True)
class _Success:
    success: bool = False


@attrs.frozen(kw_only=True)
class _Batches:
    batches: tuple[Batch, ...] = xml_field(tag="batch", default=())


@attrs.frozen(kw_only=True)
class _Batch2:
    server_time: float = 0.0
    batch_sizes: tuple[int, ...] = xml_field(tag="batch_size", default=())
    jobs: tuple[JobDetail, ...] = xml_field(tag="job", default=())


@attrs.frozen(kw_only=True)
class _Completed:
    completed_job: CompletedJob | None = None


@attrs.frozen(kw_only=True)
class _Templates:
    templates: Templates | None = None


@attrs.frozen(kw_only=True)
class _Absent:
    absent_files: tuple[int, ...] = xml_field(wrapper="absent_files", tag="file", default=())


def parse_batch_id(text: str, op: str) -> int:
    """The ``<batch_id>`` of ``create_batch``/``submit_batch``.

    Raises:
        ReplyParseError: there is none.
    """
    reply = _decode(_BatchId, text, op)
    if not reply.batch_id:
        raise ReplyParseError(f"{op} reply has no batch id", path=f"{op}/batch_id")
    return reply.batch_id


def parse_success(text: str, op: str) -> None:
    """Check a ``<success>`` reply.

    Raises:
        ReplyParseError: no ``<success>``.
    """
    if not _decode(_Success, text, op).success:
        raise ReplyParseError(f"{op} reply does not report success", path=f"{op}/success")


def parse_estimate(text: str) -> Estimate:
    """The reply of ``estimate_batch``."""
    return _decode(Estimate, text, "estimate_batch")


def parse_batches(text: str) -> list[Batch]:
    """The reply of ``query_batches``."""
    return list(_decode(_Batches, text, "query_batches").batches)


def parse_batch(text: str) -> Batch:
    """The reply of ``query_batch``: the batch fields, then its jobs."""
    return _decode(Batch, text, "query_batch")


def parse_batch2(text: str, batch_names: Sequence[str]) -> BatchSetStatus:
    """The reply of ``query_batch2``: per requested name, ``<batch_size>`` then that many jobs.

    Raises:
        ReplyParseError: the sizes do not add up to the jobs.
    """
    raw = _decode(_Batch2, text, "query_batch2")
    if len(raw.batch_sizes) != len(batch_names) or sum(raw.batch_sizes) != len(raw.jobs):
        raise ReplyParseError(
            f"query_batch2: {len(raw.batch_sizes)} batch sizes summing to {sum(raw.batch_sizes)} "
            f"for {len(batch_names)} names and {len(raw.jobs)} jobs",
            path="query_batch2",
        )
    out: list[BatchJobs] = []
    pos = 0
    for name, size in zip(batch_names, raw.batch_sizes):
        out.append(BatchJobs(batch_name=name, jobs=raw.jobs[pos : pos + size]))
        pos += size
    return BatchSetStatus(server_time=raw.server_time, batches=tuple(out))


def parse_job(text: str, job_id: int) -> Job:
    """The reply of ``query_job``: the job's instances."""
    return attrs.evolve(_decode(Job, text, "query_job"), id=job_id)


def parse_completed_job(text: str) -> CompletedJob:
    """The reply of ``query_completed_job``; ``stderr_out`` is HTML-unescaped (it is escaped inside CDATA).

    Raises:
        ReplyParseError: there is no ``<completed_job>``.
    """
    job = _decode(_Completed, text, "query_completed_job").completed_job
    if job is None:
        raise ReplyParseError("query_completed_job reply has no <completed_job>", path="query_completed_job")
    return attrs.evolve(job, stderr_out=html.unescape(job.stderr_out))


def parse_templates(text: str) -> Templates:
    """The reply of ``get_templates``.

    Raises:
        ReplyParseError: there is no ``<templates>``.
    """
    templates = _decode(_Templates, text, "get_templates").templates
    if templates is None:
        raise ReplyParseError("get_templates reply has no <templates>", path="get_templates")
    return templates


def parse_job_counts(text: str) -> JobCounts:
    """The reply of ``server_status.php?counts=1``."""
    return _decode(JobCounts, text, "job_counts")


def parse_absent(text: str, count: int) -> list[int]:
    """The reply of ``query_files``: indices of the absent names.

    Raises:
        ReplyParseError: an index out of range.
    """
    absent = list(_decode(_Absent, text, "query_files").absent_files)
    for i in absent:
        if not 0 <= i < count:
            raise ReplyParseError(f"query_files: absent file index {i} out of range", path="query_files/absent_files")
    return absent


def split_aborted(body: bytes) -> tuple[bytes, list[str]]:
    """Take the non-XML ``<aborted NAME>`` lines out of an ``abort_jobs`` reply.

    Returns:
        the reply without them, and the names, in order.
    """
    text = decode_bytes(body)
    names = [html.unescape(n).strip() for n in _ABORTED.findall(text)]
    return _ABORTED.sub("", text).encode("utf-8"), names


# --------------------------------------------------------------------------- get_output.php


def output_query(cmd: str, authenticator: str, **params: str | int) -> str:
    """The query string of a ``get_output.php`` request, with the right ``auth_str``.

    ``workunit_file`` takes the raw authenticator; the others the MD5 of it
    followed by the item (result name, batch id or workunit id).

    Raises:
        ValueError: an unknown ``cmd``.
    """
    if cmd == "result_file":
        auth = auth_str(authenticator, params["result_name"])
    elif cmd == "batch_files":
        auth = auth_str(authenticator, params["batch_id"])
    elif cmd == "workunit_files":
        auth = auth_str(authenticator, params["wu_id"])
    elif cmd == "workunit_file":
        auth = authenticator  # compared raw by the server (no MD5)
    else:
        raise ValueError(f"unknown get_output.php command {cmd!r}")
    query = {"cmd": cmd, **{k: str(v) for k, v in params.items()}, "auth_str": auth}
    return urllib.parse.urlencode(query)


_NO_SUCH_FILE: Final = re.compile(r"no such file|no job instance", re.I)
_NO_CANONICAL: Final = re.compile(r"no canonical result for wu\s*(\S*)", re.I)


def check_download(status: int, headers: dict[str, str], head: bytes, *, secret: str = "") -> bool | None:
    """Classify a ``get_output.php`` reply from its status, headers and first bytes.

    Returns:
        ``None`` if it is a download; ``True`` if it is the documented temporary
        miss (a job reported done before its output file is in place: 404 or
        ``ERROR: no such file``), worth retrying.

    Raises:
        NoCanonicalResult: ``ERROR: no canonical result for wu NAME``: the job
            is not finished (or failed); retrying at once would not help.
        SubmitError: an ``ERROR: ...`` body (bad auth string, bad file number, ...).
        HttpError: a redirect (a missing or non-numeric argument), an error
            status, or an HTML page.
    """
    disposition = headers.get("content-disposition", "")
    ctype = headers.get("content-type", "")
    if status == 200 and ("attachment" in disposition or ctype.startswith("application/octet-stream")):
        return None
    if status == 404:
        return True
    if status in _REDIRECTS:
        target = urllib.parse.urlsplit(headers.get("location", ""))
        if target.scheme == "https":
            raise HttpError(status, "get_output.php redirected to https: use the project's https URL")
        raise HttpError(status, "get_output.php redirected: a missing or non-numeric argument")
    text = redact(decode_bytes(head[:2000]).strip(), secret)
    if text.startswith("ERROR:"):
        msg = text[6:].strip()
        if _NO_SUCH_FILE.search(msg):
            return True
        nc = _NO_CANONICAL.search(msg)
        if nc:
            name = nc.group(1)
            raise NoCanonicalResult(
                f"get_output.php: job {name or '?'} has no result yet (no canonical instance: "
                "not finished, or failed)",
                job_name=name,
            )
        raise SubmitError(-1, f"get_output.php: {msg}")
    if status != 200:
        raise HttpError(status, "get_output.php failed")
    if "<html" in text[:500].lower() or "<!doctype" in text[:100].lower():
        raise HttpError(status, "get_output.php sent an HTML page, not a file")
    raise SubmitError(-1, f"get_output.php: {text[:200]}")


_FILENAME: Final = re.compile(r'filename="?([^";]+)"?')


def download_name(headers: dict[str, str]) -> str | None:
    """The file name of a download's ``Content-Disposition``, if it is a safe one."""
    m = _FILENAME.search(headers.get("content-disposition", ""))
    if m is None:
        return None
    name = m.group(1).strip()
    return name if _VALID_NAME.fullmatch(name) and name not in (".", "..") else None


EMPTY_ZIP: Final = b"PK\x05\x06" + b"\x00" * 18
