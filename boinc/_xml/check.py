"""Checking XML that we are given as text and send on verbatim.

Some requests carry a whole XML document as written by the caller: the body
of ``set_cc_config`` and ``set_global_prefs_override`` (the client writes it
to a file as it is), and a job's raw template. A malformed document there
breaks the far side silently, so it is checked first, with defusedxml: a
real parser that refuses DTDs, entity declarations and external references.
"""

from __future__ import annotations

from xml.etree.ElementTree import ParseError

import defusedxml
import defusedxml.ElementTree

__all__ = ["check_document"]


def check_document(text: str, what: str, root: str | None = None) -> None:
    """Check that ``text`` is one well-formed XML element, without a DTD.

    Args:
        text: the document.
        what: what it is, for the error message.
        root: the root element's required name, if any.

    Raises:
        ValueError: it is not well-formed, declares a DTD or entities, or has another root.
    """
    try:
        element = defusedxml.ElementTree.fromstring(text, forbid_dtd=True)
    except ParseError as exc:
        raise ValueError(f"{what} is not well-formed XML: {exc}") from exc
    except defusedxml.DefusedXmlException as exc:
        raise ValueError(f"{what} must not declare a DTD or entities: {exc}") from exc
    if root is not None and element.tag != root:
        raise ValueError(f"{what} must be a <{root}> element, not <{element.tag}>")
