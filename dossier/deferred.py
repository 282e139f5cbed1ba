"""Dataclasses whose methods are made when their first instance is: importing a module that
declares many of them costs next to nothing.

CPython 3.11 makes a dataclass's ``__init__``, ``__repr__``, ``__eq__``, ``__hash__`` and
``__match_args__`` by compiling source text, 1–3 ms a class (``benchmarks/results.md``). dossier
declares some 140, and a command or the first screen makes instances of a few: before this
module, building the classes took more of ``dossier pins list`` and of the app's start than
anything either does.

:func:`dataclass` takes the options of :func:`dataclasses.dataclass` that dossier uses
(``frozen``, ``eq``, ``kw_only``, ``repr``) and is declared with ``dataclass_transform``, so
type checkers see a dataclass. At decoration it only records them; the first ``__init__`` makes
the class (and its pending bases) with :func:`dataclasses.dataclass`, once, under a lock. What
differs from a plain dataclass:

- no ``__slots__``: a slotted class is a new class, which cannot be swapped in later;
- :func:`dataclasses.fields` and :func:`dataclasses.is_dataclass` of the *class* answer only once
  an instance was made, or after :func:`made`: code that reads a class's fields uses this
  module's :func:`fields` and :func:`is_dataclass`, which make it first (an instance always
  answers).

The case file's record kinds are deferred too: the app's first screen, ``search``, ``pins
list`` and ``export`` read the built dossier and never make one, and the registry reads their
fields only when asked (the build, ``check``, ``dossier schema``). Their base,
:class:`dossier.casefile.Record`, is a plain dataclass, so that a kind declared elsewhere with
:func:`dataclasses.dataclass` still inherits its fields. A plain dataclass must not subclass a
deferred one that was not made (its base's fields would be missing): nothing in dossier does.

The methods are made on a copy of the class and moved onto it, ``__init__`` last, so a thread
that makes an instance while another makes the class never meets a half-made one.
"""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform, overload

T = TypeVar("T", bound=type)

_PENDING = "__dossier_deferred__"
_LOCK = threading.RLock()
_MADE = (
    "__repr__",
    "__eq__",
    "__hash__",
    "__match_args__",
    "__dataclass_fields__",
    "__dataclass_params__",
)


def _frozen_setattr(self: object, name: str, value: object) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _frozen_delattr(self: object, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")


def made(cls: T) -> T:
    """``cls`` with its dataclass methods made, and its bases' (for code that reads a class's
    fields before any instance of it exists)."""
    if not any(_PENDING in base.__dict__ for base in cls.__mro__):
        return cls  # made already, or never deferred: no lock to take
    with _LOCK:
        for base in reversed(cls.__mro__):
            options = base.__dict__.get(_PENDING)
            if options is not None:
                _make(base, options)
    return cls


def fields(class_or_instance: Any) -> tuple[dataclasses.Field[Any], ...]:
    """:func:`dataclasses.fields`, of a deferred class too (made first)."""
    made(class_or_instance if isinstance(class_or_instance, type) else type(class_or_instance))
    return dataclasses.fields(class_or_instance)


def is_dataclass(obj: object) -> bool:
    """:func:`dataclasses.is_dataclass`, true of a deferred class too (made first)."""
    if isinstance(obj, type):
        made(obj)
    return dataclasses.is_dataclass(obj)


def _make(cls: type, options: dict[str, bool]) -> None:
    namespace = {
        k: v
        for k, v in cls.__dict__.items()
        if k not in ("__init__", "__setattr__", "__delattr__", "__dict__", "__weakref__", _PENDING)
    }
    namespace["__qualname__"] = cls.__qualname__
    # Without a docstring, dataclasses writes one from inspect.signature (0.2-0.4 ms a class);
    # the copy's is never moved onto the class, so any text will do.
    namespace["__doc__"] = cls.__doc__ or cls.__qualname__
    copy: type = dataclasses.dataclass(type(cls)(cls.__name__, cls.__bases__, namespace), **options)
    for name in _MADE:
        if name in copy.__dict__:
            setattr(cls, name, copy.__dict__[name])
    for f in dataclasses.fields(copy):
        if f.default is dataclasses.MISSING:
            if isinstance(cls.__dict__.get(f.name), dataclasses.Field):
                delattr(cls, f.name)  # a default_factory's Field, as the dataclass removes it
        else:
            setattr(cls, f.name, f.default)
    delattr(cls, _PENDING)
    cls.__init__ = copy.__dict__["__init__"]  # type: ignore[misc]  # last: the stub until now


def _first_init(self: Any, *args: Any, **kwargs: Any) -> None:
    made(type(self)).__init__(self, *args, **kwargs)


@overload
def dataclass(cls: T, /) -> T: ...


@overload
def dataclass(
    *, frozen: bool = False, eq: bool = True, kw_only: bool = False, repr: bool = True
) -> Callable[[T], T]: ...


@dataclass_transform(field_specifiers=(dataclasses.field, dataclasses.Field))
def dataclass(
    cls: T | None = None,
    /,
    *,
    frozen: bool = False,
    eq: bool = True,
    kw_only: bool = False,
    repr: bool = True,
) -> T | Callable[[T], T]:
    """A dataclass made on first use: see the module's description."""

    def wrap(c: T) -> T:
        for own in ("__init__", "__setattr__", "__delattr__") if frozen else ("__init__",):
            if own in c.__dict__:
                raise TypeError(f"{c.__qualname__}: a deferred dataclass cannot define {own}")
        setattr(c, _PENDING, {"frozen": frozen, "eq": eq, "kw_only": kw_only, "repr": repr})
        c.__init__ = _first_init  # type: ignore[misc]
        if frozen:
            c.__setattr__ = _frozen_setattr  # type: ignore[assignment]
            c.__delattr__ = _frozen_delattr  # type: ignore[assignment]
        return c

    return wrap if cls is None else wrap(cls)
