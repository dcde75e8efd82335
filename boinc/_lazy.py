"""Lazy package namespaces: a name is imported from its submodule on first use.

``import boinc.gui_rpc`` would otherwise create every struct class (about a
hundred attrs classes) and import asyncio, which a one-shot command such as
``boinc --get_tasks`` never needs. A package that uses :func:`attach` looks a
missing name up in its submodules, in the order given, importing each only as
far as needed; ``__all__`` is the union of theirs. Type checkers see ordinary
star imports instead (under ``TYPE_CHECKING``).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["attach"]


def attach(package: str, namespace: dict[str, Any], submodules: Sequence[str]) -> Callable[[str], Any]:
    """The module ``__getattr__`` of ``package``, looking names up in ``submodules``.

    Args:
        package: the package's ``__name__``.
        namespace: the package's ``globals()``; found names are cached there.
        submodules: the submodules whose ``__all__`` make up the package's, in lookup order.
    """

    def __getattr__(name: str) -> Any:
        if name == "__all__":
            names: list[str] = []
            for sub in submodules:
                names.extend(importlib.import_module(f"{package}.{sub}").__all__)
            namespace["__all__"] = names
            return names
        if name.startswith("__") or _is_submodule(namespace, name):
            # ``from package import submodule`` asks for the attribute first: let the import
            # system load the submodule, rather than importing every other one looking for it
            raise AttributeError(name)
        for sub in submodules:
            module = importlib.import_module(f"{package}.{sub}")
            lazy = vars(module).get("__getattr__")
            if lazy is not None and "__all__" not in vars(module):
                # a lazy package itself: ask it, rather than import all of it for its __all__
                try:
                    value = lazy(name)
                except AttributeError:
                    continue
            elif name in module.__all__:
                value = getattr(module, name)
            else:
                continue
            namespace[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    return __getattr__


def _is_submodule(namespace: dict[str, Any], name: str) -> bool:
    """Whether the package whose globals are ``namespace`` has a submodule ``name`` (of any kind)."""
    from importlib.machinery import PathFinder

    return PathFinder.find_spec(name, namespace["__path__"]) is not None
