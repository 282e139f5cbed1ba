"""A deferred dataclass behaves as the plain dataclass it declares, once made, from any thread."""

from __future__ import annotations

import dataclasses
import threading
from typing import Generic, TypeVar

import pytest
from textual.message import Message

from dossier.deferred import dataclass, made

T = TypeVar("T")


def test_frozen_value_equality_hash_repr_and_defaults() -> None:
    @dataclass(frozen=True)
    class Point:
        x: int
        y: int = 0
        tags: tuple[str, ...] = ()

    @dataclasses.dataclass(frozen=True)
    class Plain:
        x: int
        y: int = 0
        tags: tuple[str, ...] = ()

    a, b = Point(1, 2), Point(1, y=2)
    assert a == b and hash(a) == hash(b) and a != Point(1, 3)
    assert repr(a) == repr(Plain(1, 2)).replace("Plain", "Point")
    assert Point(5).y == 0 and Point(5).tags == ()
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.x = 3  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del a.y
    assert dataclasses.replace(a, y=9) == Point(1, 9)
    assert [f.name for f in dataclasses.fields(a)] == ["x", "y", "tags"]
    assert Point.__match_args__ == ("x", "y", "tags")
    with pytest.raises(TypeError):
        Point()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Point(1, 2, (), 4)  # type: ignore[call-arg]


def test_default_factory_kw_only_and_post_init() -> None:
    @dataclass(kw_only=True)
    class Box:
        name: str
        items: list[int] = dataclasses.field(default_factory=list)
        size: int = dataclasses.field(default=3)

        def __post_init__(self) -> None:
            self.items.append(self.size)

    one, two = Box(name="a"), Box(name="b", size=4)
    assert one.items == [3] and two.items == [4] and one.items is not two.items
    assert Box.size == 3 and "items" not in Box.__dict__  # as a dataclass leaves the class
    with pytest.raises(TypeError):
        Box("a")  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        hash(one)  # eq without frozen: unhashable, as a dataclass is


def test_inheritance_and_generic_classes() -> None:
    @dataclass(frozen=True)
    class Base:
        a: int

    @dataclass(frozen=True)
    class Child(Base):
        b: str = "x"

    @dataclass(frozen=True)
    class Holder(Generic[T]):
        value: T

    child = Child(1)  # the base is made first, so its field comes first
    assert (child.a, child.b) == (1, "x") and child != Base(1)
    assert Base(2) == Base(2)
    assert Holder[int](4) == Holder(4) and Holder("s").value == "s"


def test_a_message_is_posted_with_its_fields() -> None:
    @dataclass
    class Found(Message):
        record: str

    message = Found("q-1")
    assert message.record == "q-1" and message.handler_name == "on_found"
    assert message._no_default_action is False  # Message.__post_init__ ran


def test_fields_of_the_class_after_made() -> None:
    @dataclass(frozen=True)
    class Late:
        n: int

    assert not dataclasses.is_dataclass(Late)  # not made yet: nothing paid for it
    assert [f.name for f in dataclasses.fields(made(Late))] == ["n"]


def _make_in_threads(cls: type, threads: int = 8) -> tuple[list[object], list[BaseException]]:
    """One instance of ``cls`` from each of ``threads`` threads released at the same moment."""
    start = threading.Barrier(threads)
    made_rows: list[object] = []
    errors: list[BaseException] = []

    def make(n: int) -> None:
        start.wait()
        try:
            made_rows.append(cls(n, b=str(n)))
        except BaseException as exc:
            errors.append(exc)

    workers = [threading.Thread(target=make, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return made_rows, errors


def test_first_instances_made_in_many_threads_at_once() -> None:
    for _ in range(20):

        @dataclass(frozen=True)
        class Row:
            a: int
            b: str = ""

        rows, errors = _make_in_threads(Row)
        assert errors == []
        assert sorted(r.a for r in rows if isinstance(r, Row)) == list(range(8))
        assert all(isinstance(r, Row) and r.b == str(r.a) for r in rows)


def test_a_class_with_its_own_init_is_refused() -> None:
    with pytest.raises(TypeError, match="cannot define __init__"):

        @dataclass
        class Odd:
            x: int

            def __init__(self) -> None:
                self.x = 1
