"""JSON pointers: RFC 6901 escaping of `~` and `/`, keys and indexes."""

from __future__ import annotations

from tracking_plan.pointers import join_pointer, json_pointer


def test_join_pointer_escapes_the_token() -> None:
    assert join_pointer("", "events") == "/events"
    assert join_pointer("/events", "a/b~c") == "/events/a~1b~0c"
    assert join_pointer("/items", 0) == "/items/0"


def test_json_pointer_of_a_path() -> None:
    assert json_pointer(()) == ""
    assert json_pointer(["properties", "~/", 3]) == "/properties/~0~1/3"
    assert json_pointer(("a", "b")) == join_pointer(join_pointer("", "a"), "b")


def test_tilde_one_is_not_read_as_a_slash() -> None:
    # `~` is escaped first, or the `~1` of the name would come back as `/`.
    assert json_pointer(["~1"]) == "/~01"
