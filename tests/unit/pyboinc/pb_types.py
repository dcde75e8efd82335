"""Classes that travel between the test masters and their workers."""

from __future__ import annotations

import dataclasses
import enum

import attrs


class Plain:
    """The design's kind of class: ``__init__(arg)`` stores ``self.value``."""

    def __init__(self, arg: object) -> None:
        self.value = arg

    def __eq__(self, other: object) -> bool:
        return type(other) is Plain and other.value == self.value

    __hash__ = None  # type: ignore[assignment]


@attrs.frozen
class Point:
    """An attrs class with typed fields."""

    x: int
    y: float = 0.0
    tags: tuple[str, ...] = ()


@attrs.define
class Private:
    """An attrs class whose field has a private name (init alias ``secret``)."""

    _secret: int
    note: str = attrs.field(init=False, default="n")


@dataclasses.dataclass
class Box:
    """A dataclass holding other values."""

    content: object
    points: list[Point] = dataclasses.field(default_factory=list)


class Color(enum.Enum):
    """An enum."""

    RED = "red"
    BLUE = 2
