"""Proxy settings: ``<proxy_info>`` (C++ ``PROXY_INFO`` / ``GR_PROXY_INFO``).

The same element is the reply of ``get_proxy_settings``, the argument of
``set_proxy_settings`` and an optional child of ``<options>`` in
``cc_config.xml`` (:class:`~boinc.gui_rpc.structs.cc_config.CcConfigOptions`).

The client replaces *all* its proxy settings with what ``set_proxy_settings``
sends (a field left out takes its default), so this struct is always written
whole. Read, change with :func:`attrs.evolve`, write back::

    proxy = attrs.evolve(proxy, use_http_proxy=True, http_server_name="proxy.lan")

Defaults are those of ``PROXY_INFO::clear()``: both ports 80, everything else
empty or off.
"""

from __future__ import annotations

from typing import ClassVar

import attrs

from ..._xml import xml_field

__all__ = ["ProxyInfo"]


@attrs.frozen(kw_only=True, slots=False)
class ProxyInfo:
    """``<proxy_info>``: HTTP and SOCKS proxy settings of the core client.

    ``use_http_proxy``, ``use_socks_proxy`` and ``use_http_auth`` are presence
    flags (``<use_http_proxy/>``); the other bools are written ``0``/``1``.
    User names and passwords come back from the client XML-escaped, which the
    decoder undoes. Passwords are left out of ``repr``.

    On Windows the client may add ``autodetect_protocol``,
    ``autodetect_server_name`` and ``autodetect_port`` (the proxy it detected).
    The client writes ``autodetect_server_name`` with ``%d`` although it is a
    string, so its value is a meaningless integer in text form. The three are
    only written back when they differ from their defaults, and the client
    ignores them in ``set_proxy_settings``.
    """

    #: Element name of this struct.
    xml_tag: ClassVar[str] = "proxy_info"

    #: Send HTTP through ``http_server_name``.
    use_http_proxy: bool = xml_field(flag=True, default=False)
    #: Use the SOCKS proxy ``socks_server_name``.
    use_socks_proxy: bool = xml_field(flag=True, default=False)
    #: Authenticate to the HTTP proxy with ``http_user_name``/``http_user_passwd``.
    use_http_auth: bool = xml_field(flag=True, default=False)
    socks_server_name: str = ""
    socks_server_port: int = 80
    http_server_name: str = ""
    http_server_port: int = 80
    socks5_user_name: str = ""
    socks5_user_passwd: str = xml_field(default="", repr=False)
    #: Let the SOCKS5 proxy resolve host names.
    socks5_remote_dns: bool = False
    http_user_name: str = ""
    http_user_passwd: str = xml_field(default="", repr=False)
    #: Comma-separated host names reached without the proxy (C++ ``noproxy_hosts``).
    no_proxy: str = ""
    #: Do not auto-detect a proxy (Windows).
    no_autodetect: bool = False
    #: Detected proxy's protocol (Windows only; written only if not 0).
    autodetect_protocol: int = xml_field(default=0, omit_default=True)
    #: Detected proxy's host; garbage digits because of the client's ``%d`` (Windows only).
    autodetect_server_name: str = xml_field(default="", omit_default=True)
    #: Detected proxy's port (Windows only; written only if not 80).
    autodetect_port: int = xml_field(default=80, omit_default=True)
