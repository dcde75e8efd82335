"""Joining projects and account managers: project lists, project config, accounts, attach replies.

Several of these replies are a project server's or account manager's own XML
passed through by the client (``get_all_projects_list``, the success replies
of ``get_project_config_poll`` and ``lookup_account_poll``), so they may hold
tags the C++ ignores; so do these structs.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from ..._xml import unescape, xml_field

__all__ = [
    "AccountIn",
    "AccountManagerEntry",
    "AccountOut",
    "AcctMgrInfo",
    "AcctMgrRpcReply",
    "AllProjectsList",
    "ProjectAttachReply",
    "ProjectConfig",
    "ProjectConfigPlatform",
    "ProjectInitStatus",
    "ProjectListEntry",
]


@attrs.frozen(kw_only=True, slots=False)
class ProjectListEntry:
    """A project of the BOINC projects list: ``<project>`` in ``all_projects_list.xml`` (C++ ``PROJECT_LIST_ENTRY``).

    The newest C++ drops entries without a non-zero ``id``, a ``url`` or a
    ``name``; this port keeps every entry as sent.
    """

    #: The project's name.
    name: str = ""
    #: The project's ID in the list (0 — none given).
    id: int = 0
    #: Master URL, to attach to.
    url: str = ""
    #: Web site.
    web_url: str = ""
    #: Area of research, broadly.
    general_area: str = ""
    #: Area of research, precisely.
    specific_area: str = ""
    #: Description (often CDATA, may hold HTML).
    description: str = ""
    #: Sponsoring organization.
    home: str = ""
    #: Logo URL.
    image: str = ""
    #: Platforms the project has apps for (empty — unknown).
    platforms: tuple[str, ...] = xml_field(wrapper="platforms", tag="name", default=())
    #: One-line summary (the C++ ignores it).
    summary: str = ""


@attrs.frozen(kw_only=True, slots=False)
class AccountManagerEntry:
    """An account manager of the BOINC projects list: ``<account_manager>`` (C++ ``PROJECT_LIST_ENTRY``)."""

    #: The account manager's name.
    name: str = ""
    #: ID in the list (0 — none given).
    id: int = 0
    #: URL, to attach to.
    url: str = ""
    #: Web site.
    web_url: str = ""
    #: Description.
    description: str = ""
    #: Logo URL.
    image: str = ""


@attrs.frozen(kw_only=True, slots=False)
class AllProjectsList:
    """The reply of ``get_all_projects_list``: ``<projects>`` (C++ ``ALL_PROJECTS_LIST``).

    The client's cached ``all_projects_list.xml`` verbatim; the reply is empty
    when the client has none (then the lead's reader gives an empty instance).
    The C++ sorts both lists by name; this port keeps the file's order.
    """

    xml_tag: ClassVar[str] = "projects"

    #: The projects.
    projects: tuple[ProjectListEntry, ...] = xml_field(tag="project", default=())
    #: The account managers.
    account_managers: tuple[AccountManagerEntry, ...] = xml_field(tag="account_manager", default=())


@attrs.frozen(kw_only=True, slots=False)
class AcctMgrInfo:
    """The account manager in use: ``<acct_mgr_info>``, the reply of ``acct_mgr_info`` (C++ ``ACCT_MGR_INFO``)."""

    xml_tag: ClassVar[str] = "acct_mgr_info"

    #: The account manager's URL (empty — none in use).
    acct_mgr_url: str = ""
    #: Its name (not escaped; empty — none in use).
    acct_mgr_name: str = ""
    #: The client has a login name or authenticator for it (flag).
    have_credentials: bool = xml_field(flag=True, default=False)
    #: It needs a browser cookie the client lacks (flag).
    cookie_required: bool = xml_field(flag=True, default=False)
    #: Where to send the user when the cookie is missing.
    cookie_failure_url: str = ""


@attrs.frozen(kw_only=True, slots=False)
class ProjectConfigPlatform:
    """A platform a project supports: ``<platform>`` in ``<project_config><platforms>``."""

    #: Platform, e.g. ``x86_64-pc-linux-gnu``.
    platform_name: str = ""
    #: Name to show.
    user_friendly_name: str = ""
    #: Plan class (empty — none).
    plan_class: str = ""


@attrs.frozen(kw_only=True, slots=False)
class ProjectConfig:
    """A project's configuration: ``<project_config>`` (C++ ``PROJECT_CONFIG``).

    The reply of ``get_project_config_poll``. While the request runs (or after
    it failed) the client sends only
    ``error_num``; on success it passes the project's ``get_project_config.php``
    reply through. The project mixes ``<x/>`` and ``<x>0</x>`` for its booleans;
    both read the same.
    """

    xml_tag: ClassVar[str] = "project_config"

    #: 0, or the error — -204 (ErrorCode.IN_PROGRESS) while the request runs.
    error_num: int = 0
    #: The project's name.
    name: str = ""
    #: Master URL.
    master_url: str = ""
    #: Prefix of the account web RPCs (empty — the master URL).
    web_rpc_url_base: str = ""
    #: The server software's version, e.g. ``1.4.7``.
    server_version: str = ""
    #: The server software's revision.
    local_revision: int = 0
    #: Shortest password accepted.
    min_passwd_length: int = 6
    #: This is an account manager.
    account_manager: bool = False
    #: Accounts are named by user name, not email address.
    uses_username: bool = False
    #: No new accounts.
    account_creation_disabled: bool = False
    #: New accounts only on the web site.
    client_account_creation_disabled: bool = False
    #: New accounts need an invitation code.
    invite_code_required: bool = False
    #: The scheduler is down.
    sched_stopped: bool = False
    #: The database-driven web pages are down.
    web_stopped: bool = False
    #: Oldest client version accepted, e.g. 70000 (0 — any).
    min_client_version: int = 0
    #: An error message.
    error_msg: str = ""
    #: Terms of use to accept before attaching, the element's raw inner text
    #: (see :attr:`terms_of_use_text`).
    terms_of_use: str = xml_field(raw=True, default="")
    #: Platforms the project supports.
    platforms: tuple[ProjectConfigPlatform, ...] = xml_field(wrapper="platforms", tag="platform", default=())
    #: The project accepts LDAP accounts.
    ldap_auth: bool = False
    #: Key that proves account ownership, base64.
    account_ownership_public_key: str = ""

    @property
    def terms_of_use_text(self) -> str:
        """The terms of use unescaped, as the C++ keeps them."""
        return unescape(self.terms_of_use)

    @property
    def terms_of_use_is_html(self) -> bool:
        """Whether the terms of use are HTML, by the C++ heuristic (unescaping changes them)."""
        return self.terms_of_use_text != self.terms_of_use

    @property
    def platform_names(self) -> tuple[str, ...]:
        """The platforms' names (C++ ``PROJECT_CONFIG::platforms``)."""
        return tuple(p.platform_name for p in self.platforms)


@attrs.frozen(kw_only=True, slots=False)
class AccountIn:
    """The arguments of ``lookup_account`` and ``create_account`` (C++ ``ACCOUNT_IN``, as sent).

    ``passwd_hash`` is ``md5_hex(password + lowercase(email_addr))``; with
    ``ldap_auth`` and an identifier without ``@`` it is the clear LDAP password.
    """

    #: The project's URL (prefix of its web RPCs).
    url: str = ""
    #: The account's identifier — email address, user name or LDAP uid.
    email_addr: str = ""
    #: The password hash (see above).
    passwd_hash: str = xml_field(default="", repr=False)
    #: User name (``create_account``).
    user_name: str = xml_field(default="", omit_default=True)
    #: Team to join (``create_account``).
    team_name: str = xml_field(default="", omit_default=True)
    #: Log in through LDAP.
    ldap_auth: bool = False
    #: A web site's cookie that identifies the account.
    server_cookie: str = xml_field(default="", omit_default=True, repr=False)
    #: The cookie was assigned by the server.
    server_assigned_cookie: bool = xml_field(flag=True, default=False)
    #: The user consented to the project's terms of use (``create_account``; needs an
    #: ``exchange_versions`` with a name first on the connection).
    consented_to_terms: bool = xml_field(flag=True, default=False)


@attrs.frozen(kw_only=True, slots=False)
class AccountOut:
    """An account look-up's or creation's outcome: ``<account_out>`` (C++ ``ACCOUNT_OUT``).

    The reply of ``lookup_account_poll`` and ``create_account_poll``:
    ``error_num`` -204 while pending; on success the project's reply with the
    authenticator.
    """

    xml_tag: ClassVar[str] = "account_out"

    #: 0, or the error — -204 while pending, -136 no such account, -206 bad password, ...
    error_num: int = 0
    #: The project's error message.
    error_msg: str = ""
    #: The account key — a secret, kept out of ``repr``.
    authenticator: str = xml_field(default="", repr=False)


@attrs.frozen(kw_only=True, slots=False)
class ProjectAttachReply:
    """An attach's outcome: ``<project_attach_reply>`` (C++ ``PROJECT_ATTACH_REPLY``).

    The reply of ``project_attach_poll``.
    """

    xml_tag: ClassVar[str] = "project_attach_reply"

    #: Messages for the user.
    messages: tuple[str, ...] = xml_field(tag="message", default=())
    #: 0, or the error — -204 while the attach runs.
    error_num: int = 0


@attrs.frozen(kw_only=True, slots=False)
class AcctMgrRpcReply:
    """An account manager request's outcome: ``<acct_mgr_rpc_reply>`` (C++ ``ACCT_MGR_RPC_REPLY``).

    The reply of ``acct_mgr_rpc_poll``.
    """

    xml_tag: ClassVar[str] = "acct_mgr_rpc_reply"

    #: Messages for the user.
    messages: tuple[str, ...] = xml_field(tag="message", default=())
    #: 0, or the error — -204 while the request runs.
    error_num: int = 0


@attrs.frozen(kw_only=True, slots=False)
class ProjectInitStatus:
    """A pending attach from an installer: ``<get_project_init_status>`` (C++ ``PROJECT_INIT_STATUS``).

    From the client's ``project_init.xml`` (empty strings when there is none).
    """

    xml_tag: ClassVar[str] = "get_project_init_status"

    #: The project's URL.
    url: str = ""
    #: The project's name.
    name: str = ""
    #: Team to join (the C++ reads it; the client does not send it).
    team_name: str = ""
    #: The installer supplied an account key (flag).
    has_account_key: bool = xml_field(flag=True, default=False)
    #: The installer is a branded ("embedded") one (flag).
    embedded: bool = xml_field(flag=True, default=False)
