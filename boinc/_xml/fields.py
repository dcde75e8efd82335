"""Declaring how an attrs field maps to XML.

A struct is a frozen attrs class whose field names are the XML tags. Most
fields need nothing more; :func:`xml_field` covers the rest:

* ``tag=``: the element name, where it cannot be the Python name (a list of
  repeated ``<project>`` elements is the field ``projects``);
* ``wrapper=``: a repeated element that sits inside a wrapper element
  (``<gui_urls><gui_url/>…</gui_urls>``);
* ``flag=True``: a bool written as a bare ``<x/>`` when true and left out
  when false (BOINC's presence flags). Other bools are written ``0``/``1``;
  both forms are read either way;
* ``omit_default=True``: left out of the encoded XML while it equals its default;
* ``raw=True``: a string field holding the element's inner XML unparsed.
"""

from __future__ import annotations

from typing import Any, Final

import attrs

__all__ = ["METADATA_KEY", "XmlSpec", "xml_field"]

#: Key under which an :class:`XmlSpec` sits in an attrs field's metadata.
METADATA_KEY: Final = "boinc.xml"


class XmlSpec:
    """How one attrs field maps to XML (see :func:`xml_field` for the meaning of each)."""

    __slots__ = ("flag", "omit_default", "raw", "tag", "wrapper")

    def __init__(
        self,
        tag: str | None = None,
        wrapper: str | None = None,
        flag: bool = False,
        omit_default: bool = False,
        raw: bool = False,
    ) -> None:
        self.tag = tag
        self.wrapper = wrapper
        self.flag = flag
        self.omit_default = omit_default
        self.raw = raw

    def __repr__(self) -> str:
        return (
            f"XmlSpec(tag={self.tag!r}, wrapper={self.wrapper!r}, flag={self.flag}, "
            f"omit_default={self.omit_default}, raw={self.raw})"
        )


def xml_field(
    *,
    tag: str | None = None,
    wrapper: str | None = None,
    flag: bool = False,
    omit_default: bool = False,
    raw: bool = False,
    default: Any = attrs.NOTHING,
    factory: Any = None,
    repr: bool = True,  # noqa: A002 - attrs' own spelling
    alias: str | None = None,
) -> Any:
    """An attrs field with an :class:`XmlSpec` in its metadata.

    Args:
        tag: the XML element name, if not the field name.
        wrapper: the element that wraps a repeated field's items.
        flag: write a true bool as ``<tag/>`` and a false one not at all.
        omit_default: leave the field out of encoded XML while it equals its default.
        raw: the field holds the element's inner XML as text, unparsed.
        default: the field's default value.
        factory: a callable that makes the default.
        repr: include the field in the class's ``repr`` (off for secrets).
        alias: the ``__init__`` argument name, if not the field name.
    """
    spec = XmlSpec(tag=tag, wrapper=wrapper, flag=flag, omit_default=omit_default, raw=raw)
    if factory is not None:
        return attrs.field(factory=factory, metadata={METADATA_KEY: spec}, repr=repr, alias=alias)
    return attrs.field(default=default, metadata={METADATA_KEY: spec}, repr=repr, alias=alias)
