"""Login, bearer tokens and CSRF tokens for the web app (stdlib ``secrets``/``hmac`` and Flask's session).

* The login password is stored only as a hash (``boinc-cluster hash-password``); a login puts
  ``logged_in`` in Flask's signed session cookie (HttpOnly, SameSite=Strict).
* The JSON API also takes ``Authorization: Bearer <token>``. The token is stored hashed the same
  way. Checking a slow hash on every request would cost tens of milliseconds, so a token that
  verified once is remembered by its SHA-256 digest (in memory, for this process only).
* Every form carries a CSRF token: a random value kept in the session, compared with
  :func:`hmac.compare_digest`. JSON calls with the session cookie send it as ``X-CSRF-Token``;
  calls with a bearer token need none (a browser never adds that header by itself).
"""

from __future__ import annotations

import collections
import hashlib
import hmac
import secrets
import threading
import time
from collections.abc import Callable

from flask import session

__all__ = ["Login", "csrf_token", "csrf_valid"]

_CSRF_KEY = "csrf"
_LOGIN_KEY = "logged_in"
#: At most this many verified token digests are remembered.
_TOKEN_CACHE = 32
#: After this many failed logins within :data:`FAILED_LOGIN_WINDOW` seconds, logins are refused until it passes.
MAX_FAILED_LOGINS = 10
FAILED_LOGIN_WINDOW = 60.0


def csrf_token() -> str:
    """This session's CSRF token (made on first use)."""
    token = session.get(_CSRF_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[_CSRF_KEY] = token
    return token


def csrf_valid(sent: str | None) -> bool:
    """Whether ``sent`` is this session's CSRF token."""
    token = session.get(_CSRF_KEY)
    if not isinstance(token, str) or not isinstance(sent, str) or not sent:
        return False
    return hmac.compare_digest(token.encode(), sent.encode())


class Login:
    """The configured login: password and API token hashes, and how to check them.

    Args:
        password_hash: the login password's hash, or ``None`` (no login: control is off).
        token_hash: the API bearer token's hash, or ``None`` (the API takes the session only).
        verify: ``verify(stored_hash, candidate) -> bool``.
        clock: the monotonic clock that times failed logins.
    """

    def __init__(
        self,
        password_hash: str | None,
        token_hash: str | None,
        verify: Callable[[str, str], bool],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._password_hash = password_hash or None
        self._token_hash = token_hash or None
        self._verify = verify
        self._clock = clock
        self._known: set[bytes] = set()
        self._failures: collections.deque[float] = collections.deque()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"Login(password={self._password_hash is not None}, token={self._token_hash is not None})"

    @property
    def configured(self) -> bool:
        """Whether a password or a token is configured (control needs one)."""
        return self._password_hash is not None or self._token_hash is not None

    @property
    def has_password(self) -> bool:
        """Whether a login password is configured."""
        return self._password_hash is not None

    def check_password(self, candidate: str) -> bool:
        """Whether ``candidate`` is the login password (a failure is counted, see :meth:`throttled`)."""
        ok = self._password_hash is not None and bool(candidate) and self._verify(self._password_hash, candidate)
        if not ok:
            with self._lock:
                self._failures.append(self._clock())
        return ok

    def throttled(self) -> bool:
        """Whether too many logins failed lately (:data:`MAX_FAILED_LOGINS` in :data:`FAILED_LOGIN_WINDOW` s)."""
        with self._lock:
            while self._failures and self._failures[0] < self._clock() - FAILED_LOGIN_WINDOW:
                self._failures.popleft()
            return len(self._failures) >= MAX_FAILED_LOGINS

    def check_token(self, candidate: str) -> bool:
        """Whether ``candidate`` is the API token (verified tokens are remembered by digest)."""
        if self._token_hash is None or not candidate:
            return False
        digest = hashlib.sha256(candidate.encode()).digest()
        with self._lock:
            if digest in self._known:
                return True
        if not self._verify(self._token_hash, candidate):
            return False
        with self._lock:
            if len(self._known) >= _TOKEN_CACHE:
                self._known.clear()
            self._known.add(digest)
        return True

    @staticmethod
    def logged_in() -> bool:
        """Whether this request's session is logged in."""
        return session.get(_LOGIN_KEY) is True

    @staticmethod
    def log_in() -> None:
        """Mark the session logged in, with a new CSRF token (the old one may have leaked before login)."""
        session.clear()
        session.permanent = True
        session[_LOGIN_KEY] = True
        session[_CSRF_KEY] = secrets.token_urlsafe(32)

    @staticmethod
    def log_out() -> None:
        """Forget the session."""
        session.clear()
