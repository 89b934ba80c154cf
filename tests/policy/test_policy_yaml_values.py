"""YAML read with libyaml into plain values with positions: YAML 1.2 types, every problem placed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from leadrouter.errors import PolicyError
from leadrouter.policy.yaml_values import YamlList, YamlMap, read_yaml


def failure(text: str) -> tuple[int, int, str]:
    with pytest.raises(PolicyError) as raised:
        read_yaml(text, "f.yaml")
    [error] = raised.value.errors
    return error.line, error.column, error.message


def test_plain_scalars__follow_yaml_1_2_so_no_and_on_stay_text() -> None:
    text = "a: [no, on, yes, true, 0o17, 017, 0x1F, 1_000, 1e3, .inf, ~, null, '', 2026-3-2]"
    assert read_yaml(text, "f.yaml")["a"] == [
        "no", "on", "yes", True, 15, 17, 31, 1000, 1000.0, float("inf"), None, None, "", "2026-3-2"
    ]  # fmt: skip


def test_timestamps__are_dates_or_aware_datetimes() -> None:
    found = read_yaml("d: 2026-03-02\nt: 2026-03-02T10:00:00.5Z\nn: 2026-03-02 10:00:00\n", "f")
    assert found == {
        "d": date(2026, 3, 2),
        "t": datetime(2026, 3, 2, 10, 0, 0, 500000, UTC),
        "n": datetime(2026, 3, 2, 10, 0, 0),
    }


def test_positions__of_keys_values_and_items_are_one_based() -> None:
    found = read_yaml("top:\n  key: value\n  list:\n    - a\n    - {b: 1}\n", "f.yaml")
    inner = found["top"]
    assert isinstance(inner, YamlMap) and isinstance(inner["list"], YamlList)
    assert inner.where["key"] == (2, 3, 2, 8)
    assert inner["list"].where == [(4, 7), (5, 7)]


def test_merged_keys__come_after_the_written_ones_without_a_position() -> None:
    found = read_yaml("base: &b {x: 1, y: 2}\nm:\n  <<: *b\n  y: 3\n", "f.yaml")["m"]
    assert list(found.items()) == [("y", 3), ("x", 1)]
    assert list(found.where) == ["y"]


def test_duplicate_key__is_reported_at_the_second_one() -> None:
    assert failure("a: 1\nb: 2\na: 3\n") == (
        3, 1, 'invalid YAML: found duplicate key "a" with value "3" (original value: "1")'
    )  # fmt: skip


def test_tab__is_named_with_a_hint() -> None:
    line, column, message = failure("a:\n\t- b\n")
    assert (line, column) == (2, 1)
    assert message.endswith("that cannot start any token (YAML indents with spaces, never tabs)")


def test_unknown_tag__is_reported_not_built() -> None:
    assert failure("a: !python/object x\n") == (1, 4, "invalid YAML: unknown tag '!python/object'")


def test_alias_inside_its_own_anchor__is_reported() -> None:
    message = failure("a: &x [1, *x]\n")[2]
    assert message == "invalid YAML: an alias refers to the value that holds it"


def test_empty_text__is_nothing() -> None:
    assert read_yaml("# only a comment\n", "f.yaml") is None


def test_deep_nesting__is_an_error_naming_the_file_not_a_recursion_traceback() -> None:
    with pytest.raises(PolicyError) as raised:
        read_yaml("a: " + "[" * 600 + "]" * 600, "policy.yaml")

    assert "nested too deeply" in str(raised.value) and "policy.yaml" in str(raised.value)


def test_duplicate_key_with_a_list_value__names_the_first_line_not_both_lists() -> None:
    text = "rules:\n  - id: a\n  - id: b\nrules:\n  - id: c\n"

    with pytest.raises(PolicyError) as raised:
        read_yaml(text, "policy.yaml")

    (error,) = raised.value.errors
    assert (error.line, error.column) == (4, 1)
    assert error.message == 'invalid YAML: found duplicate key "rules" (first at line 1)'
