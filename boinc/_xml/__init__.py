"""The one XML binding engine of :mod:`boinc`, shared by GUI RPC and job submission.

Structs are frozen attrs classes whose field names are the XML tags
(:func:`xml_field` covers the exceptions, such as the plural names of lists). :func:`decode` reads BOINC's XML
dialect into them, tolerant as the C++ ``XML_PARSER`` is; :func:`encode`
writes them back, escaped. This package is private: its names may change.
"""

from __future__ import annotations

from .decode import LineCache, decode, decode_element, decode_slow, find_element, iter_elements, raw_inner
from .encode import encode, encode_into, scalar_text
from .fields import XmlSpec, xml_field
from .plan import OWNER_MARKS, plan_for
from .scalars import decode_bytes, escape, unescape

__all__ = [
    "OWNER_MARKS",
    "LineCache",
    "XmlSpec",
    "decode",
    "decode_bytes",
    "decode_element",
    "decode_slow",
    "encode",
    "encode_into",
    "escape",
    "find_element",
    "iter_elements",
    "plan_for",
    "raw_inner",
    "scalar_text",
    "unescape",
    "xml_field",
]
