"""The one exception hierarchy of :mod:`boinc`.

Every error this package raises on bad input, a hostile or dead peer, a wrong
password or an unreachable host derives from :class:`BoincError`::

    BoincError
    ├── TransportError            host and port known; chained from the OSError
    │   ├── ConnectError          the host refused, is down or does not resolve
    │   ├── RpcTimeout            also a builtin TimeoutError
    │   └── ConnectionClosed      EOF before the reply was complete
    ├── ProtocolError             bytes we cannot interpret (framing, not XML)
    │   ├── ReplyTooLarge         a reply over the configured size cap
    │   ├── RequestTooLarge       a request the peer would drop (not sent)
    │   └── ReplyParseError       the XML is readable, a value is not
    ├── AuthenticationError       <unauthorized/>, wrong password, no password
    ├── RpcError                  <error>msg</error> or <status>N</status>
    │   ├── InvalidUrl            ERR_INVALID_URL (-189)
    │   ├── AlreadyAttached       ERR_ALREADY_ATTACHED (-130)
    │   └── OperationTimeout      a poll flow passed its deadline
    ├── SubmitError               a project server's <error> reply (boinc.submit)
    │   ├── HttpError             an HTTP status or body that is not a reply
    │   ├── NoCanonicalResult     a job has no result yet (not finished, or failed)
    │   └── OutputsUnavailable    a job's outputs cannot be fetched (a server bug)
    ├── PyboincError              master/worker failures (boinc.pyboinc)
    │   ├── JobFailed             a job failed past its retries
    │   ├── JournalMismatch       make_calls changed between runs
    │   └── UnsafePayload         an output refused by the decoder
    └── ClusterError              watching many hosts (boinc.cluster)
        ├── HostsFileError        a hosts file that cannot be used (file:line: why)
        └── HostDown              a control operation skipped a host that is down

Arguments that are wrong in the caller's own program raise the builtin
:class:`ValueError` or :class:`TypeError`.

No exception message or ``repr`` ever contains a password or an authenticator.
"""

from __future__ import annotations

__all__ = [
    "AlreadyAttached",
    "AuthenticationError",
    "BoincError",
    "ClusterError",
    "ConnectError",
    "ConnectionClosed",
    "HostDown",
    "HostsFileError",
    "HttpError",
    "InvalidUrl",
    "JobFailed",
    "JournalMismatch",
    "NoCanonicalResult",
    "OperationTimeout",
    "OutputsUnavailable",
    "ProtocolError",
    "PyboincError",
    "ReplyParseError",
    "ReplyTooLarge",
    "RequestTooLarge",
    "RpcError",
    "RpcTimeout",
    "SubmitError",
    "TransportError",
    "UnsafePayload",
]


class BoincError(Exception):
    """Root of every error raised by :mod:`boinc`."""


class TransportError(BoincError):
    """The connection to a peer failed.

    Attributes:
        host: the peer's host name or address, if known.
        port: the peer's port, if known.
    """

    def __init__(self, message: str, *, host: str | None = None, port: int | None = None) -> None:
        where = f" ({host}:{port})" if host is not None else ""
        super().__init__(message + where)
        self.host = host
        self.port = port


class ConnectError(TransportError):
    """The peer could not be reached: refused, down, or its name does not resolve."""


class RpcTimeout(TransportError, TimeoutError):
    """The peer did not answer within the timeout."""


class ConnectionClosed(TransportError):
    """The peer closed the connection before the reply was complete.

    Attributes:
        received: how many bytes of the reply had arrived (a BOINC client
            never closes within a reply; a peer that does is something else).
    """

    def __init__(self, message: str, *, host: str | None = None, port: int | None = None, received: int = 0) -> None:
        super().__init__(message, host=host, port=port)
        self.received = received


class ProtocolError(BoincError):
    """The peer sent bytes that cannot be read as a reply."""


class ReplyTooLarge(ProtocolError):
    """A reply grew past the configured size cap before it was complete."""


class RequestTooLarge(ProtocolError):
    """A request is larger than the peer accepts; it was not sent."""


class ReplyParseError(ProtocolError):
    """The reply is readable markup, but a value in it is not valid.

    Attributes:
        path: where in the reply the bad value sits, e.g. ``results/result/state``.
    """

    def __init__(self, message: str, *, path: str = "") -> None:
        super().__init__(f"{message} at {path}" if path else message)
        self.path = path


class AuthenticationError(BoincError):
    """The peer refused our credentials, or an operation needs them.

    Attributes:
        message: the peer's ``<error>`` text when it refused in words (it
            contained "unauthorized"); empty for ``<unauthorized/>`` and for
            refusals of the password.
    """

    def __init__(self, text: str, *, message: str = "") -> None:
        super().__init__(text)
        self.message = message


class RpcError(BoincError):
    """The peer answered an operation with an error.

    Attributes:
        message: the peer's error text (may be empty).
        code: the numeric BOINC error code (``lib/error_numbers.h``); ``-1``
            where the peer sent only text, as the C++ library does.
        request: the request tag that failed.
    """

    def __init__(self, message: str, *, code: int = -1, request: str = "") -> None:
        text = message or f"error {code}"
        super().__init__(f"{request}: {text}" if request else text)
        self.message = message
        self.code = code
        self.request = request


class InvalidUrl(RpcError):
    """The peer rejected a URL (``ERR_INVALID_URL``, -189)."""


class AlreadyAttached(RpcError):
    """The client is already attached to that project (``ERR_ALREADY_ATTACHED``, -130)."""


class OperationTimeout(RpcError, TimeoutError):
    """A multi-step operation (a ``*_poll`` flow) did not finish by its deadline."""


class SubmitError(BoincError):
    """A BOINC project server answered a submission request with an error.

    Attributes:
        error_num: the server's ``<error_num>`` (``0`` where it sent none).
        error_msg: the server's ``<error_msg>`` text.
    """

    def __init__(self, error_num: int, error_msg: str) -> None:
        super().__init__(f"error {error_num}: {error_msg}" if error_num else error_msg)
        self.error_num = error_num
        self.error_msg = error_msg


class HttpError(SubmitError):
    """A project server answered with an HTTP status or a body that is no reply.

    Attributes:
        status: the HTTP status code (``0`` where none was received).
    """

    def __init__(self, status: int, error_msg: str) -> None:
        super().__init__(0, f"HTTP {status}: {error_msg}" if status else error_msg)
        self.status = status


class NoCanonicalResult(SubmitError):
    """A job has no canonical instance yet: it is not finished, or it failed.

    ``get_output.php`` says so with ``ERROR: no canonical result for wu NAME``
    (and HTTP 200); ``query_completed_job`` crashes on such a job (a BOINC bug),
    so it cannot return the job's stderr either.

    Attributes:
        job_name: the job, where known (``""`` otherwise).
    """

    def __init__(self, error_msg: str, *, job_name: str = "") -> None:
        super().__init__(0, error_msg)
        self.job_name = job_name


class OutputsUnavailable(SubmitError):
    """A finished job's output files cannot be downloaded, by any route the server offers.

    The message names the server bug that was worked around and why the
    workaround failed too.
    """

    def __init__(self, error_msg: str) -> None:
        super().__init__(0, error_msg)


class PyboincError(BoincError):
    """A PyBOINC master or worker failed."""


class JobFailed(PyboincError):
    """A PyBOINC job failed after its retries.

    Attributes:
        job: the job's name.
        stderr_tail: the last lines the worker wrote to stderr.
    """

    def __init__(self, job: str, reason: str, stderr_tail: str = "") -> None:
        msg = f"job {job} failed: {reason}"
        if stderr_tail:
            msg += "\n--- stderr (tail) ---\n" + stderr_tail
        super().__init__(msg)
        self.job = job
        self.reason = reason
        self.stderr_tail = stderr_tail


class JournalMismatch(PyboincError):
    """A re-run's ``make_calls`` made different calls than the journaled run."""


class UnsafePayload(PyboincError):
    """A worker's output names a class outside the allow-list, or is a pickle."""


class ClusterError(BoincError):
    """Watching or steering a cluster (:mod:`boinc.cluster`) failed."""


class HostsFileError(ClusterError):
    """A hosts file is missing, malformed, unsafe or names a host wrongly.

    The message is one line: ``FILE:LINE: what is wrong`` (``FILE:`` alone
    where no line applies), and says how to fix it where it can.

    Attributes:
        path: the file.
        line: the 1-based line number, 0 where none applies.
    """

    def __init__(self, path: str, message: str, *, line: int = 0) -> None:
        super().__init__(f"{path}:{line}: {message}" if line else f"{path}: {message}")
        self.path = path
        self.line = line


class HostDown(ClusterError):
    """A control operation did not contact a host because it is down and backing off.

    Attributes:
        host: the host's name.
        reason: why it is down (the :class:`~boinc.cluster.model.Reason` text).
    """

    def __init__(self, host: str, reason: str) -> None:
        super().__init__(f"{host} is down ({reason}); not contacted")
        self.host = host
        self.reason = reason
