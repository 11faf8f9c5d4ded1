"""The located, safe YAML loader: lines, and what it refuses."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from sphinx_benchbench.data.yamlsource import MAX_NODES, DataError, LList, LMap, load_yaml


def load(text: str, tmp_path: Path) -> object:
    path = tmp_path / "f.yaml"
    path.write_text(text, encoding="utf-8")
    return load_yaml(path)


def test_lines_of_keys_and_items(tmp_path: Path) -> None:
    data = load("# c\na: 1\nb:\n  - x\n  - y: 2\n    z: 3\n", tmp_path)
    assert isinstance(data, LMap)
    assert data.line == 2
    assert data.line_of("a") == 2
    assert data.line_of("b") == 3
    items = data["b"]
    assert isinstance(items, LList)
    assert items.item_lines == [4, 5]
    assert items[1].line_of("z") == 6


def test_scalars_keep_types_and_dates_stay_text(tmp_path: Path) -> None:
    data = load("i: 3\nf: 3.10\nb: true\nn: null\nd: 2020-05-01\nm: 2020-05\ns: '3.10'\n", tmp_path)
    assert data == {"i": 3, "f": 3.1, "b": True, "n": None, "d": "2020-05-01", "m": "2020-05", "s": "3.10"}


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("a: 1\nb: [1, 2\n", 3, "YAML syntax error"),
        ("a: 1\na: 2\n", 2, "duplicate key 'a' (first given on line 1)"),
        ("a: !!python/object/apply:os.system ['echo hi']\n", 1, "!!python/object/apply:os.system"),
        ("a: !!python/name:os.system\n", 1, "is not allowed"),
        ("a: !!binary aGk=\n", 1, "!!binary"),
        ("a: !custom 1\n", 1, "!custom"),
        ("a: &x [1, *x]\n", 1, "refers to itself"),
        ("[1, 2]: x\n", 1, "keys must be plain text"),
        ("--- 1\n--- 2\n", 2, "YAML syntax error"),
    ],
)
def test_refusals_are_located(tmp_path: Path, text: str, line: int, words: str) -> None:
    with pytest.raises(DataError) as info:
        load(text, tmp_path)
    assert info.value.line == line
    assert words in info.value.message
    assert str(info.value).startswith(f"{tmp_path / 'f.yaml'}:{line}: ")


def test_alias_bomb_is_stopped_quickly(tmp_path: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 9)]
    start = time.perf_counter()
    with pytest.raises(DataError, match="alias bomb"):
        load("\n".join(lines) + "\n", tmp_path)
    assert time.perf_counter() - start < 5
    assert MAX_NODES < 10**8


def test_merge_keys_and_anchors_work(tmp_path: Path) -> None:
    data = load("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\n", tmp_path)
    assert data["use"] == {"x": 1, "y": 3}
    assert data["use"].line_of("x") == 1


def test_unreadable_and_empty_files(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="cannot read file"):
        load_yaml(tmp_path / "missing.yaml")
    (tmp_path / "bin.yaml").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(DataError, match="cannot read file"):
        load_yaml(tmp_path / "bin.yaml")
    assert load("# only a comment\n", tmp_path) is None
