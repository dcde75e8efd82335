"""The Flask app: pages, the JSON API, login and control (see :func:`create_app`)."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Coroutine
from datetime import datetime, timezone
from typing import Any, Protocol
from urllib.parse import quote, urlsplit

import attrs
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as WerkzeugResponse

from ... import errors
from ..history import History
from ..model import ClusterSnapshot
from . import _view
from ._auth import Login, csrf_token, csrf_valid
from ._control import (
    PARSERS,
    PROJECT_OPS,
    Action,
    BadAction,
    TaskAction,
    TransferAction,
    parse_checkpoint,
    parse_mode,
    parse_project,
    parse_task,
    parse_transfer,
)

__all__ = ["Runner", "SnapshotSource", "create_app"]

log = logging.getLogger("boinc.cluster.web")

#: The most "needs attention" items the overview page lists (the JSON API has them all).
ATTENTION_SHOWN = 200
#: Seconds a page waits for a control action's outcome.
ACTION_TIMEOUT = 60.0

_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)


class SnapshotSource(Protocol):
    """What the app reads: the poller's latest :class:`~boinc.cluster.model.ClusterSnapshot`."""

    @property
    def snapshot(self) -> ClusterSnapshot:
        """The latest snapshot."""


class Runner(Protocol):
    """What runs a control coroutine on the poller's event loop (:class:`~boinc.cluster.poller.PollerThread`)."""

    def call(self, coro: Coroutine[Any, Any, Any], timeout: float | None = None) -> Any:
        """Run ``coro`` on the loop and return its value."""


ResponseValue = WerkzeugResponse | str | tuple[Any, int]


# -- filters: numbers and times to text (host strings pass through untouched and are escaped) --


def _ago(t: float | None) -> str:
    if not t:
        return "never"
    delta = time.time() - t
    future = delta < 0
    delta = abs(delta)
    if delta < 90:
        text = f"{delta:.0f} s"
    elif delta < 5400:
        text = f"{delta / 60:.0f} min"
    elif delta < 2 * 86400:
        text = f"{delta / 3600:.1f} h"
    else:
        text = f"{delta / 86400:.1f} days"
    return f"in {text}" if future else f"{text} ago"


def _datetime(t: float | None) -> str:
    if not t:
        return ""
    return datetime.fromtimestamp(t, timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def _duration(seconds: float | None) -> str:
    if seconds is None or seconds < 0:
        return ""
    s = int(seconds + 0.5)
    h, rest = divmod(s, 3600)
    return f"{h}:{rest // 60:02d}:{rest % 60:02d}"


def _segment(text: str) -> str:
    """``text`` quoted as one URL path segment (a ``/`` in a host name is quoted too)."""
    return quote(text, safe="")


def _bytes(n: float | None) -> str:
    value = float(n or 0)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return ""  # unreachable


# -- the app -----------------------------------------------------------------------------------


@attrs.define
class _State:
    """What the views share: the source, the runner, the login, the history, the metrics and the overview cache."""

    source: SnapshotSource
    runner: Runner | None
    login: Login
    history: History | None
    metrics: Callable[..., Any] | None
    login_to_view: bool
    action_timeout: float
    overview: _view.OverviewCache = attrs.Factory(_view.OverviewCache)

    @property
    def control_note(self) -> str:
        if not self.login.configured:
            return "Control is off: no login is configured (see boinc-cluster hash-password)."
        if self.runner is None:
            return "Control is off: the poller does not run in this process."
        return "Log in to control hosts."


def _state() -> _State:
    state: _State = current_app.extensions["boinc_cluster"]
    return state


def _api_authorized() -> bool:
    """A bearer token or a logged-in session (with ``X-CSRF-Token`` for changes)."""
    state = _state()
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token:
        return state.login.check_token(token.strip())
    if not state.login.logged_in():
        return False
    return request.method in ("GET", "HEAD") or csrf_valid(request.headers.get("X-CSRF-Token"))


def _wants_json() -> bool:
    return request.path.startswith("/api/")


def _same_site_path(target: str | None, fallback: str) -> str:
    """``target`` if it is a path of this site (no scheme, no host), else ``fallback``: no open redirects."""
    if not target or not target.startswith("/") or target.startswith("//"):
        return fallback
    parts = urlsplit(target)
    return fallback if parts.scheme or parts.netloc else target


def _run(action: Action) -> dict[str, str | None]:
    """Run ``action`` on the poller's loop; per host, ``None`` (done) or the error's text."""
    state = _state()
    if state.runner is None:
        abort(403, description=state.control_note)
    try:
        outcome = state.runner.call(action.coroutine(state.source), state.action_timeout)
    except TimeoutError:
        return dict.fromkeys(action.hosts, f"no outcome within {state.action_timeout:g} s")
    except (errors.BoincError, RuntimeError) as exc:  # RuntimeError: the poller's thread is not running
        return dict.fromkeys(action.hosts, str(exc))
    result: dict[str, str | None] = {}
    for host in action.hosts:
        value = outcome.get(host) if outcome is not None else None
        result[host] = str(value) if isinstance(value, BaseException) else None
    failed = sum(v is not None for v in result.values())
    log.info("control: %s on %d host(s), %d failed", action.describe(), len(result), failed)
    return result


# -- pages -------------------------------------------------------------------------------------

pages = Blueprint("pages", __name__)


@pages.before_request
def _pages_gate() -> ResponseValue | None:
    state = _state()
    if state.login_to_view and request.endpoint != "pages.login" and not state.login.logged_in():
        return redirect(url_for("pages.login", next=request.path))
    if request.method == "POST" and not csrf_valid(request.form.get("csrf_token")):
        abort(400, description="The form is stale or not from this site (bad CSRF token): reload the page.")
    return None


def _page_control_gate() -> None:
    state = _state()
    if not state.login.has_password:
        abort(403, description=state.control_note)
    if not state.login.logged_in():
        abort(403, description="Log in to control hosts.")


def _overview() -> dict[str, Any]:
    """The overview's data, of the hosts of ``?group=`` if given."""
    state = _state()
    try:
        return state.overview.get(state.source.snapshot, time.time(), request.args.get("group") or None)
    except ValueError as exc:
        abort(404, description=str(exc))


@pages.route("/")
def overview() -> str:
    """The overview: one row per host and the "needs attention" list."""
    data = _overview()
    host_base = url_for("pages.host", name="_")[:-1]
    return render_template(
        "overview.html",
        data=data,
        project_ops=list(PROJECT_OPS.items()),
        host_base=host_base,
        attention_shown=ATTENTION_SHOWN,
    )


@pages.route("/hosts/<name>")
def host(name: str) -> str:
    """One host: tasks, projects, transfers, event log and notices."""
    snap = _state().source.snapshot.hosts.get(name)
    if snap is None:
        abort(404, description="No such host.")
    return render_template("host.html", data=_view.host_detail(snap, time.time()))


def _history() -> dict[str, Any]:
    """The history's data for ``?hours=`` (1 to 744, default 48), ``?limit=``, ``?host=`` and ``?project_url=``."""
    state = _state()
    args = request.args
    hours = max(1, min(args.get("hours", 48, type=int) or 48, 24 * 31))
    limit = max(1, min(args.get("limit", 100, type=int) or 100, 10000))
    return _view.history_data(
        state.history,
        state.source.snapshot,
        time.time(),
        hours=hours,
        limit=limit,
        host=args.get("host") or None,
        project_url=args.get("project_url") or None,
    )


@pages.route("/history")
def history() -> str:
    """Completed tasks per hour (an inline SVG chart) and the latest completed tasks."""
    data = _history()
    return render_template("history.html", data=data, chart=_view.chart(data["per_hour"]))


@pages.route("/login", methods=["GET", "POST"])
def login() -> ResponseValue:
    """The login form; a right password logs the session in."""
    state = _state()
    target = _same_site_path(request.values.get("next"), url_for("pages.overview"))
    if request.method == "POST":
        if state.login.throttled():
            log.warning("login refused from %s: too many failed logins", request.remote_addr)
            flash("Too many failed logins: wait a minute.", "error")
            return render_template("login.html", next=target), 429
        if state.login.check_password(request.form.get("password", "")):
            state.login.log_in()
            log.info("login from %s", request.remote_addr)
            return redirect(target)
        log.warning("failed login from %s", request.remote_addr)
        flash("Wrong password.", "error")
        return render_template("login.html", next=target), 403
    return render_template("login.html", next=target)


@pages.route("/logout", methods=["POST"])
def logout() -> WerkzeugResponse:
    """Log the session out."""
    _state().login.log_out()
    return redirect(url_for("pages.overview"))


def _flash_outcome(action: Action, outcome: dict[str, str | None]) -> None:
    failed = {h: e for h, e in outcome.items() if e is not None}
    done = len(outcome) - len(failed)
    if done:
        flash(f"Done: {action.describe()} on {done} host{'s' if done != 1 else ''}.", "ok")
    for host_name, error in failed.items():
        flash(f"{host_name}: {error}", "error")


@pages.route("/control/hosts", methods=["POST"])
def control_hosts() -> WerkzeugResponse:
    """A mode, project or suspend-at-checkpoint action on the hosts selected in a form (``hosts`` fields)."""
    _page_control_gate()
    form = request.form
    target = _same_site_path(form.get("next"), url_for("pages.overview"))
    fields = {**form.to_dict(), "hosts": form.getlist("hosts"), "groups": form.getlist("groups")}
    parsers: dict[str, Callable[[dict[str, Any], ClusterSnapshot], Action]] = {
        "mode": parse_mode,
        "project": parse_project,
        "checkpoint": parse_checkpoint,
    }
    parser = parsers.get(form.get("action", ""))
    try:
        if parser is None:
            raise BadAction("unknown action")
        action = parser(fields, _state().source.snapshot)
    except BadAction as exc:
        flash(str(exc), "error")
        return redirect(target)
    _flash_outcome(action, _run(action))
    return redirect(target)


#: What an abort destroys, for its confirmation page, by action class.
_ABORT_TEXT = {
    TaskAction: "Its work so far is lost and it is reported as aborted.",
    TransferAction: "The transfer stops for good and the task that needs the file fails.",
}


def _needs_confirmation(action: Action, confirmed: bool) -> bool:
    return isinstance(action, (TaskAction, TransferAction)) and action.op == "abort" and not confirmed


@pages.route("/control/task", methods=["POST"])
def control_task() -> ResponseValue:
    """A task or file transfer action (``what=transfer``); ``abort`` first shows a confirmation page."""
    _page_control_gate()
    parser = parse_transfer if request.form.get("what") == "transfer" else parse_task
    try:
        action = parser(request.form, _state().source.snapshot)
    except BadAction as exc:
        abort(400, description=str(exc))
    if _needs_confirmation(action, request.form.get("confirm") == "yes"):
        assert isinstance(action, (TaskAction, TransferAction))
        return render_template(
            "confirm.html",
            action=action,
            what="transfer" if isinstance(action, TransferAction) else "task",
            consequence=_ABORT_TEXT[type(action)],
        )
    _flash_outcome(action, _run(action))
    return redirect(url_for("pages.host", name=action.hosts[0]))


# -- JSON API ----------------------------------------------------------------------------------

api = Blueprint("api", __name__, url_prefix="/api")


@api.before_request
def _api_gate() -> ResponseValue | None:
    state = _state()
    if request.method == "POST":
        if not state.login.configured:
            abort(403, description=state.control_note)
        if not _api_authorized():
            abort(401, description="A bearer token or a logged-in session (with X-CSRF-Token) is needed.")
    elif state.login_to_view and not _api_authorized():
        abort(401, description="A bearer token or a logged-in session is needed.")
    return None


@api.route("/overview")
def api_overview() -> WerkzeugResponse:
    """The overview's data."""
    return jsonify(_overview())


@api.route("/hosts/<name>")
def api_host(name: str) -> WerkzeugResponse:
    """One host's data."""
    snap = _state().source.snapshot.hosts.get(name)
    if snap is None:
        abort(404, description="No such host.")
    return jsonify(_view.host_detail(snap, time.time()))


@api.route("/history")
def api_history() -> WerkzeugResponse:
    """The history page's data."""
    return jsonify(_history())


@api.route("/control/<kind>", methods=["POST"])
def api_control(kind: str) -> WerkzeugResponse:
    """An action: ``modes``, ``projects``, ``tasks`` or ``checkpoint``, with a JSON object of its fields."""
    parser = PARSERS.get(kind)
    if parser is None:
        abort(404, description=f"No such action; one of {', '.join(PARSERS)}.")
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        abort(400, description="The body must be a JSON object.")
    try:
        action = parser(body, _state().source.snapshot)
    except BadAction as exc:
        abort(400, description=str(exc))
    if _needs_confirmation(action, body.get("confirm") is True):
        abort(400, description='Aborting needs "confirm": true.')
    outcome = _run(action)
    return jsonify({"ok": all(v is None for v in outcome.values()), "action": action.describe(), "results": outcome})


# -- metrics -----------------------------------------------------------------------------------


def _metrics() -> ResponseValue:
    state = _state()
    if state.metrics is None:
        abort(404, description="No metrics in this app.")
    if state.login_to_view and not _api_authorized():
        abort(401, description="A bearer token is needed.")
    return WerkzeugResponse.from_app(state.metrics, request.environ)


# -- errors and headers ------------------------------------------------------------------------


def _error(exc: HTTPException) -> ResponseValue:
    code = exc.code or 500
    if _wants_json():
        response = jsonify({"error": exc.description, "code": code})
        response.status_code = code
        if code == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="boinc-cluster"'
        return response
    return render_template("error.html", code=code, title=exc.name, message=exc.description), code


def _internal_error(exc: Exception) -> ResponseValue:
    # the page and the JSON say nothing about the exception; the log has its type and traceback
    log.error("internal error on %s %s", request.method, request.path, exc_info=exc)
    if _wants_json():
        return jsonify({"error": "internal error", "code": 500}), 500
    return render_template("error.html", code=500, title="Internal error", message="Something went wrong."), 500


def _headers(response: Response) -> Response:
    response.headers["Content-Security-Policy"] = _CSP
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    if not request.path.startswith("/static/"):
        response.headers["Cache-Control"] = "no-store"
    return response


def create_app(
    source: SnapshotSource,
    *,
    runner: Runner | None = None,
    history: History | None = None,
    metrics: Callable[..., Any] | None = None,
    password_hash: str | None = None,
    token_hash: str | None = None,
    verify_password: Callable[[str, str], bool] | None = None,
    secret_key: bytes | None = None,
    login_to_view: bool = False,
    action_timeout: float = ACTION_TIMEOUT,
) -> Flask:
    """The web app: overview, host and history pages, the JSON API, login and control.

    Args:
        source: what holds the latest snapshot (the :class:`~boinc.cluster.poller.Poller`).
        runner: runs control coroutines on the poller's loop (a
            :class:`~boinc.cluster.poller.PollerThread`); ``None`` turns control off.
        history: the task history (:mod:`boinc.cluster.history`), or ``None``.
        metrics: a WSGI app served at ``/metrics`` (the Prometheus exposition), or ``None``.
        password_hash: the login password's hash (``boinc-cluster hash-password``); without it
            (and without ``token_hash``) control is refused.
        token_hash: the JSON API bearer token's hash, made the same way.
        verify_password: ``verify(stored_hash, candidate) -> bool`` (default: the one that
            checks ``hash-password``'s hashes).
        secret_key: signs the session cookie (default: random, so a restart logs everyone out).
        login_to_view: pages and reading API calls need a login too (for a non-loopback bind).
        action_timeout: seconds a control request waits for its outcome.
    """
    import secrets

    if verify_password is None:
        from ..hosts import verify_password as default_verify

        verify_password = default_verify
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key or secrets.token_bytes(32),
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_NAME="boinc_cluster",
        PERMANENT_SESSION_LIFETIME=12 * 3600,
        JSON_SORT_KEYS=False,
        MAX_CONTENT_LENGTH=1 << 20,
        TEMPLATES_AUTO_RELOAD=False,
    )
    app.json.sort_keys = False  # type: ignore[attr-defined]
    login = Login(password_hash, token_hash, verify_password)
    app.extensions["boinc_cluster"] = _State(source, runner, login, history, metrics, login_to_view, action_timeout)
    app.jinja_env.filters.update(ago=_ago, datetime=_datetime, duration=_duration, bytes=_bytes, segment=_segment)

    @app.context_processor
    def _globals() -> dict[str, Any]:
        state = _state()
        return {
            "csrf_token": csrf_token,
            "logged_in": state.login.logged_in(),
            "login_configured": state.login.has_password,
            "can_control": state.login.logged_in() and state.runner is not None,
            "control_note": state.control_note,
        }

    app.register_blueprint(pages)
    app.register_blueprint(api)
    app.add_url_rule("/metrics", "metrics", _metrics)
    app.register_error_handler(HTTPException, _error)
    app.register_error_handler(Exception, _internal_error)
    app.after_request(_headers)
    return app
