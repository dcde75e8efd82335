"""Properties of the GUI RPC config structs: round trips, set-fields-only writing, C-parseable values."""

from __future__ import annotations

import re

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

from boinc._xml import decode, decode_slow, encode, find_element, iter_elements
from boinc._xml.plan import ClassPlan, Kind, plan_for
from boinc.gui_rpc.structs.app_config import AppConfig, AppConfigs, AppVersionConfig, GpuVersions
from boinc.gui_rpc.structs.cc_config import CcConfig, CcConfigOptions, CoprocConfig, ExcludeGpu
from boinc.gui_rpc.structs.prefs import DayPrefs, GlobalPreferences
from boinc.gui_rpc.structs.proxy import ProxyInfo
from tests.strategies import equal, structs

#: Every config struct and the element name it is written as (LogFlags and
#: CcConfigOptions are drawn inside every CcConfig).
STRUCTS: list[tuple[type, str]] = [
    (GlobalPreferences, "global_preferences"),
    (DayPrefs, "day_prefs"),
    (CcConfig, "cc_config"),
    (CoprocConfig, "coproc"),
    (ExcludeGpu, "exclude_gpu"),
    (AppConfigs, "app_config"),
    (AppConfig, "app"),
    (AppVersionConfig, "app_version"),
    (GpuVersions, "gpu_versions"),
    (ProxyInfo, "proxy_info"),
]


def _children(xml: str, tag: str) -> list[str]:
    """Tags of the direct children of the element ``<tag>`` at the start of ``xml``."""
    found = find_element(xml, tag)
    assert found is not None
    return [name for name, _, _ in iter_elements(xml, found[0], tag)]


@given(structs(GlobalPreferences))
def test_prefs_write_exactly_the_set_fields(prefs: GlobalPreferences) -> None:
    written = _children(encode(prefs, "global_preferences"), "global_preferences")
    assert set(written) == prefs.mask()
    assert len(written) - written.count("day_prefs") == len(prefs.mask() - {"day_prefs"})


_PREFS = [f.name for f in attrs.fields(GlobalPreferences)]


@given(structs(GlobalPreferences), structs(GlobalPreferences), st.sampled_from(_PREFS))
def test_changing_one_pref_changes_only_that_field(
    prefs: GlobalPreferences, other: GlobalPreferences, name: str
) -> None:
    changed = attrs.evolve(prefs, **{name: getattr(other, name)})
    assert changed.mask() - {name} == prefs.mask() - {name}
    xml = encode(changed, "global_preferences")
    assert set(_children(xml, "global_preferences")) == changed.mask()
    assert equal(decode(GlobalPreferences, xml, "global_preferences"), changed)


@given(structs(CcConfigOptions))
def test_options_write_exactly_the_set_options(options: CcConfigOptions) -> None:
    written = set(_children(encode(options, "options"), "options"))
    expected = {
        fp.tag
        for fp in plan_for(CcConfigOptions).fields
        if getattr(options, fp.name) is not None and getattr(options, fp.name) != ()
    }
    assert written == expected


#: What C's strtol(text, 0) reads as the same decimal number: no leading zero (octal), no '+'.
_C_INT = re.compile(r"-?(0|[1-9][0-9]*)")
#: What C's strtod reads whole.
_C_DOUBLE = re.compile(r"-?(inf|[0-9]+\.[0-9]+(e[-+][0-9]+)?|[0-9]+e[-+][0-9]+)")


def _check_forms(plan: ClassPlan, xml: str, pos: int, tag: str) -> int:
    """Check every value below element ``<tag>`` (open tag ending at ``pos``); return how many."""
    n = 0
    for name, start, end in iter_elements(xml, pos, tag):
        fp = plan.by_tag[name]
        if fp.kind is Kind.WRAPPER:
            raise AssertionError("no wrappers in the config structs")
        if fp.sub is not None:
            n += _check_forms(fp.sub, xml, start, name)
            continue
        kind = fp.scalar_type
        assert kind is not None
        body = xml[start:end]
        if fp.spec.flag:
            assert body == "", name  # a presence flag is written <name/> or not at all
            n += 1
            continue
        text = body[: -len(f"</{name}>")]
        if kind is bool:
            assert text in ("0", "1"), (name, text)
        elif issubclass(kind, int):
            assert _C_INT.fullmatch(text), (name, text)
        elif kind is float:
            assert _C_DOUBLE.fullmatch(text), (name, text)
        n += 1
    return n


@pytest.mark.parametrize(("cls", "tag"), STRUCTS, ids=[c.__name__ for c, _ in STRUCTS])
@given(data=st.data())
def test_round_trip_in_forms_boincs_parser_reads(cls: type, tag: str, data: st.DataObject) -> None:
    value = data.draw(structs(cls))
    xml = encode(value, tag)
    assert equal(decode(cls, xml, tag), value)
    assert equal(decode_slow(cls, xml, tag), value)
    found = find_element(xml, tag)
    assert found is not None
    _check_forms(plan_for(cls), xml, found[0], tag)
