"""Per-class binding plans: what each XML tag of a struct becomes.

A plan is computed once per class from its attrs fields and type hints, and
cached. The decoder and the encoder both read it, so each struct is declared
exactly once.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable
from typing import Any, Final, Union

import attrs

from . import scalars
from .fields import METADATA_KEY, XmlSpec

__all__ = ["OWNER_MARKS", "ClassPlan", "FieldPlan", "Kind", "plan_for"]

#: Where the decoder leaves, in an instance of a class with an ``xml_owner``, the lengths of its
#: lists at each owner item: ``({field: length}, ...)``, one dict an owner item, in order.
OWNER_MARKS: Final = "_xml_owner_marks"


class Kind(enum.IntEnum):
    """What a field holds."""

    SCALAR = 0
    STRUCT = 1
    LIST = 2  # repeated element, items directly in the parent
    WRAPPER = 3  # repeated element inside a wrapper element
    RAW = 4  # inner XML kept as text


_DEFAULT_SPEC: Final = XmlSpec()


class FieldPlan:
    """How one field is read and written.

    Attributes:
        name: the attrs field name (the ``__init__`` keyword is ``alias``).
        alias: the ``__init__`` keyword.
        tag: the XML element (for a WRAPPER field, the wrapper's).
        kind: what the field holds.
        spec: the field's :class:`XmlSpec`.
        conv: text -> value (scalars and scalar items); may return ``scalars.KEEP``.
        empty: the value of a bare ``<tag/>``.
        scalar_type: the scalar's Python type (str, int, float, bool or an enum class).
        sub: the plan of the nested struct (STRUCT, or items of LIST/WRAPPER).
        item_tag: the tag of the items inside a wrapper.
        optional: the field's type allows ``None``.
        default: the field's default value.
    """

    __slots__ = (
        "alias",
        "conv",
        "default",
        "empty",
        "item_tag",
        "kind",
        "name",
        "optional",
        "scalar_type",
        "spec",
        "sub",
        "tag",
    )

    def __init__(self, *, name: str, alias: str, tag: str, kind: Kind, spec: XmlSpec, optional: bool, default: Any):
        self.name = name
        self.alias = alias
        self.tag = tag
        self.kind = kind
        self.spec = spec
        self.optional = optional
        self.default = default
        self.conv: Callable[[str], Any] | None = None
        self.empty: Any = None
        self.scalar_type: type | None = None
        self.sub: ClassPlan | None = None
        self.item_tag = ""


class ClassPlan:
    """The plan of one struct class.

    Attributes:
        cls: the struct class.
        fields: the plans of its fields, in order.
        by_tag: tag -> field plan (for WRAPPER fields, the wrapper's tag).
        build: makes an instance from ``{__init__ keyword: value}``; see :func:`_builder`.
        template: for a class ``build`` makes by copying a template ``__dict__``, that template,
            with :data:`MISSING` for each required field: the fast path fills a copy of it and
            hands it to ``adopt`` (one dict a struct instead of two); else ``None``.
        adopt: with ``template``, makes the instance whose ``__dict__`` is a filled copy of it
            (``TypeError`` if a required field is still :data:`MISSING`); else ``None``.
        leaves: tag -> (LEAF_* code, ``__init__`` keyword, converter): the fast path's leaves.
        heads: the decoder's cache: the text of a line before its first ``>`` -> what the line means.
        owner: the list field named by the class's ``xml_owner``, if any: each of its items owns
            the items of the other lists that follow it in the XML (``<project>`` in
            ``<client_state>``). The decoder then records, at each owner item, how long the other
            lists are (:data:`OWNER_MARKS`).
    """

    __slots__ = ("adopt", "build", "by_tag", "cls", "fields", "heads", "leaves", "owner", "template")

    def __init__(
        self,
        cls: type,
        fields: list[FieldPlan],
        by_tag: dict[str, FieldPlan],
        build: Callable[[dict[str, Any]], Any],
        leaves: dict[str, tuple[int, str, Any]],
        owner: FieldPlan | None = None,
        template: dict[str, Any] | None = None,
        adopt: Callable[[dict[str, Any]], Any] | None = None,
    ) -> None:
        self.cls = cls
        self.fields = fields
        self.by_tag = by_tag
        self.build = build
        self.template = template
        self.adopt = adopt
        self.leaves = leaves
        self.heads: dict[str, tuple[int, str, Any, str]] = {}
        self.owner = owner


def _enum_conv(cls: type[enum.IntEnum] | type[enum.IntFlag]) -> Callable[[str], Any]:
    members = cls._value2member_map_

    def conv(text: str) -> Any:
        value = scalars.parse_int(text)
        member = members.get(value)
        return member if member is not None else cls(value)

    return conv


def _scalar(tp: Any) -> tuple[Callable[[str], Any], Any] | None:
    if tp is str:
        return scalars.parse_str, ""
    if tp is bool:
        return scalars.parse_bool, True
    if tp is int:
        return scalars.parse_int, 0
    if tp is float:
        return scalars.parse_float, 0.0
    if isinstance(tp, type) and issubclass(tp, enum.IntEnum | enum.IntFlag):
        return _enum_conv(tp), tp(0)
    return None


def _unwrap_optional(tp: Any) -> tuple[Any, bool]:
    origin = typing.get_origin(tp)
    if origin is Union or origin is types.UnionType:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(typing.get_args(tp)) == 2:
            return args[0], True
    return tp, False


def _field_plan(field: attrs.Attribute[Any], tp: Any) -> FieldPlan:
    spec: XmlSpec = field.metadata.get(METADATA_KEY, _DEFAULT_SPEC)
    tag = spec.tag or field.name
    tp, optional = _unwrap_optional(tp)
    default = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        default = default.factory()  # type: ignore[union-attr]
    fp = FieldPlan(
        name=field.name,
        alias=field.alias or field.name,
        tag=tag,
        kind=Kind.SCALAR,
        spec=spec,
        optional=optional,
        default=default,
    )
    if spec.raw:
        if tp is not str:
            raise TypeError(f"raw XML field {field.name} must be a str")
        fp.kind = Kind.RAW
        fp.scalar_type = str
        return fp
    if typing.get_origin(tp) is tuple:
        args = typing.get_args(tp)
        if len(args) != 2 or args[1] is not Ellipsis:
            raise TypeError(f"field {field.name}: only tuple[T, ...] is supported")
        item = args[0]
        fp.kind = Kind.WRAPPER if spec.wrapper else Kind.LIST
        if spec.wrapper:
            fp.item_tag = tag
            fp.tag = spec.wrapper
        sc = _scalar(item)
        if sc is not None:
            fp.conv, fp.empty = sc
            fp.scalar_type = item
        elif attrs.has(item):
            fp.sub = plan_for(item)
        else:
            raise TypeError(f"field {field.name}: unsupported item type {item!r}")
        return fp
    sc = _scalar(tp)
    if sc is not None:
        fp.conv, fp.empty = sc
        fp.scalar_type = tp
        return fp
    if attrs.has(tp):
        fp.kind = Kind.STRUCT
        fp.sub = plan_for(tp)
        return fp
    raise TypeError(f"field {field.name}: unsupported type {tp!r}")


def plan_for(cls: type) -> ClassPlan:
    """The (cached) binding plan of an attrs struct class."""
    plan = _PLANS.get(cls)
    if plan is None:
        plan = _PLANS[cls] = _make_plan(cls)
    return plan


_PLANS: dict[type, ClassPlan] = {}


def _make_plan(cls: type) -> ClassPlan:
    hints = typing.get_type_hints(cls)
    fields = [_field_plan(f, hints[f.name]) for f in attrs.fields(cls)]
    by_tag: dict[str, FieldPlan] = {}
    for fp in fields:
        if fp.tag in by_tag:
            raise TypeError(f"{cls.__name__}: two fields read <{fp.tag}>")
        by_tag[fp.tag] = fp
    owner = None
    owner_name = getattr(cls, "xml_owner", None)
    if owner_name is not None:
        owner = next((fp for fp in fields if fp.name == owner_name and fp.kind is Kind.LIST), None)
        if owner is None or "__slots__" in vars(cls):
            raise TypeError(f"{cls.__name__}: xml_owner must name a list field of a class that is not slotted")
    build, template, adopt = _builder(cls)
    return ClassPlan(
        cls=cls,
        fields=fields,
        by_tag=by_tag,
        build=build,
        leaves=_leaves(fields),
        owner=owner,
        template=template,
        adopt=adopt,
    )


#: a required field's value in :attr:`ClassPlan.template`, until the fast path reads one
MISSING: Final = object()


_Make = Callable[[dict[str, Any]], Any]


def _builder(cls: type) -> tuple[_Make, dict[str, Any] | None, _Make | None]:
    """How the decoder makes an instance of ``cls`` from ``{__init__ keyword: value}``, its template, and adopt.

    A struct that is not slotted, whose defaults are plain values and whose ``__init__`` runs
    no code of its own (no validator, converter or hook) is built by copying a template
    ``__dict__`` and updating it. That gives what ``__init__`` gives, three times faster, and
    the copies share their keys, so they stay small. Any other class is called.

    ``adopt`` makes the instance whose ``__dict__`` is a filled copy of the template (see
    :attr:`ClassPlan.template`); ``build`` is a copy updated with its argument, then adopted.
    """
    fields = attrs.fields(cls)
    plain = (
        "__slots__" not in vars(cls)
        and not any(hasattr(cls, hook) for hook in ("__attrs_pre_init__", "__attrs_post_init__", "__attrs_init__"))
        and all(
            f.init
            and f.alias == f.name
            and f.validator is None
            and f.converter is None
            and not isinstance(f.default, attrs.Factory)  # type: ignore[arg-type]
            for f in fields
        )
    )
    if not plain:

        def call(vals: dict[str, Any]) -> Any:
            return cls(**vals)

        return call, None, None
    required = tuple(f.name for f in fields if f.default is attrs.NOTHING)
    template = vars(cls(**dict.fromkeys(required)))  # its copies share its keys
    for name in required:
        template[name] = MISSING
    new = object.__new__
    set_dict = object.__setattr__

    def adopt(values: dict[str, Any]) -> Any:
        for name in required:
            if values[name] is MISSING:
                raise TypeError(f"{cls.__name__}() missing required keyword argument: {name!r}")
        obj: Any = new(cls)
        set_dict(obj, "__dict__", values)
        return obj

    def build(vals: dict[str, Any]) -> Any:
        values = template.copy()
        values.update(vals)
        return adopt(values)

    return build, template, adopt


#: How the fast path reads a leaf ``<tag>text</tag>`` of a field.
LEAF_STR, LEAF_FLOAT, LEAF_INT, LEAF_ENUM, LEAF_CONV, LEAF_OTHER = range(6)


def _leaves(fields: list[FieldPlan]) -> dict[str, tuple[int, str, Any]]:
    out: dict[str, tuple[int, str, Any]] = {}
    for fp in fields:
        if fp.kind is not Kind.SCALAR:
            out[fp.tag] = (LEAF_OTHER, fp.alias, fp)
        elif fp.scalar_type is str:
            out[fp.tag] = (LEAF_STR, fp.alias, None)
        elif fp.scalar_type is float:
            out[fp.tag] = (LEAF_FLOAT, fp.alias, fp.conv)
        elif fp.scalar_type is int:
            out[fp.tag] = (LEAF_INT, fp.alias, fp.conv)
        elif isinstance(fp.scalar_type, type) and issubclass(fp.scalar_type, enum.Enum):
            out[fp.tag] = (LEAF_ENUM, fp.alias, (fp.scalar_type._value2member_map_, fp.conv))
        else:
            out[fp.tag] = (LEAF_CONV, fp.alias, fp.conv)
    return out
