"""The located, safe YAML loader: lines, and what it refuses."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest

from sphinx_benchbench.data.yamlsource import MAX_NODES, DataError, LList, LMap, Unreadable, load_yaml


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
    with pytest.raises(DataError, match=re.escape(words)) as info:
        load(text, tmp_path)
    assert info.value.line == line
    assert words in info.value.message
    assert str(info.value).startswith(f"{tmp_path / 'f.yaml'}:{line}: ")


@pytest.mark.parametrize(("text", "line", "words"), [
    ("a: " + "[" * 400 + "]" * 400 + "\n", 1, "nested more than 64 deep"),
    ("a: 1\nb: x\x07y\n", 2, "control character '\\x07' (column 5)"),
])
def test_shapes_that_would_raise_are_located(tmp_path: Path, text: str, line: int, words: str) -> None:
    with pytest.raises(DataError, match=re.escape(words)) as info:
        load(text, tmp_path)
    assert info.value.line == line and words in info.value.message


@pytest.mark.parametrize(("text", "words"), [
    ("!!int twelve", "!!int 'twelve' is not a valid int"),
    ("0b_", "!!int '0b_' is not a valid int"),
    ("0x_", "!!int '0x_' is not a valid int"),
    ("!!bool maybe", "!!bool 'maybe' is not a valid bool"),
    ("!!int ''", "!!int '' is not a valid int"),
    ("!!float fast", "!!float 'fast' is not a valid float"),
    ("9" * 5000, "a number of 5000 digits is too large"),
])
def test_scalars_that_would_raise_are_left_for_the_validator(tmp_path: Path, text: str, words: str) -> None:
    """PyYAML's constructors are called only on what its resolver chose; an explicit tag on the wrong text
    reaches them unchecked.  The value is marked, and the validator reports it at its key and drops it."""
    from sphinx_benchbench.data.convert import Converter
    from sphinx_benchbench.data.model import Metric

    data = load(f"label: T\nunit: s\ndirection: lower\ndecimals: {text}\n", tmp_path)
    assert isinstance(data["decimals"], Unreadable)
    conv = Converter(str(tmp_path / "f.yaml"), str(tmp_path), {})
    metric = conv.convert(Metric, data)
    assert metric is not None and metric.decimals == 0, "the rest of the object stands"
    assert [(p.line, p.message) for p in conv.problems] == [(4, f"decimals: {words}")]


def test_deep_nesting_is_refused_by_the_pure_python_loader_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                                              ) -> None:
    import yaml

    from sphinx_benchbench.data import yamlsource

    monkeypatch.setattr(yamlsource, "_Loader", yaml.SafeLoader)
    with pytest.raises(DataError, match="nested"):
        load("a: " + "[" * 5000 + "]" * 5000 + "\n", tmp_path)


def test_a_huge_file_is_refused_before_parsing(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    path.write_text("results:\n" + "  - {implementation: a, value: 1}\n" * 300_000, encoding="utf-8")
    start = time.perf_counter()
    with pytest.raises(DataError, match="larger than 8 MiB"):
        load_yaml(path)
    assert time.perf_counter() - start < 1


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
    (tmp_path / "bin.yaml").write_bytes(b"a: 1\nb: \xff\xfe\x00bad")
    with pytest.raises(DataError, match="not UTF-8: byte 0xff at column 4") as info:
        load_yaml(tmp_path / "bin.yaml")
    assert info.value.line == 2
    (tmp_path / "folder.yaml").mkdir()
    with pytest.raises(DataError, match="is a folder"):
        load_yaml(tmp_path / "folder.yaml")
    assert load("# only a comment\n", tmp_path) is None


#: Plain scalars whose tags YAML 1.1's resolver decides by their text; each appears plain, then quoted.
_TRICKY = ["yes", "No", "on", "OFF", "y", "~", "null", "Null", "", "1e3", "1.0e+3", "0x1F", "0o17", "017", "0b101",
           "1_000", "190:20:30", ".inf", "-.Inf", ".nan", "2024-01-01", "2024-1-1", "2024-01-01 10:00:00Z", "<<",
           "=", "3.10", "+1", "-0", "1.", ".5", "12e", "true", "True", "TRUE", "tRUE", "x" * 41, "0", "0.0"]


def test_remembered_tags_are_the_resolvers_own() -> None:
    """The loader remembers a plain scalar's tag by its text (PyYAML's Python resolver was a quarter of
    composing): what it gives must be what a fresh SafeLoader resolves, a first time and from the memo,
    and a quoted text stays text however its plain twin resolved."""
    import yaml

    from sphinx_benchbench.data import yamlsource

    document = "".join(f"- {t}\n- '{t}'\n- {t}\n" if t else "- \n- ''\n- \n" for t in _TRICKY)
    document += "- {a: 1}\n- [1]\n- |\n  yes\n- >\n  1.5\n"

    def tags(node: yaml.Node) -> list[str]:
        children = node.value if isinstance(node, (yaml.SequenceNode, yaml.MappingNode)) else []
        flat = [part for child in children for part in (child if isinstance(child, tuple) else (child,))]
        return [node.tag] + [tag for child in flat for tag in tags(child)]

    expected = tags(yaml.compose(document, Loader=yaml.SafeLoader))
    yamlsource._PLAIN_TAGS.clear()
    for _ in range(2):  # resolved, then remembered
        loader = yamlsource._Loader(document)
        try:
            assert tags(loader.get_single_node()) == expected
        finally:
            loader.dispose()
    assert yamlsource._PLAIN_TAGS["1e3"] == "tag:yaml.org,2002:str", "YAML 1.1 needs a dot: text, not 1000"
    assert yamlsource._PLAIN_TAGS["yes"] == "tag:yaml.org,2002:bool"
    assert "x" * 41 not in yamlsource._PLAIN_TAGS, "long texts are not kept"


def test_numbers_read_without_pyyamls_constructors_are_pyyamls_numbers(tmp_path: Path) -> None:
    """Decimal numbers skip PyYAML's constructors (a fifth of building): each must be the very value,
    type and sign PyYAML gives, and every other form of number must still go to PyYAML."""
    import math
    import random

    import yaml

    rnd = random.Random(7)
    texts = ["0", "-0", "+0", "7", "-12", "+3", "999999999999999999", "1000000000000000000", "0.0", "-0.0", "+0.5",
             "1.", "-1.", "3.10", "1.5e+3", "1.5E-3", "2.e+2", "017", "0x1F", "0o17", "0b101", "1_000", "1_000.5",
             "1:30", "1:30.5", ".5", "-.5", ".inf", "-.inf", ".nan", "1e3", "12345678901234567890"]
    texts += [repr(rnd.uniform(-1e6, 1e6)) for _ in range(200)] + [f"{rnd.random():.3f}" for _ in range(100)]
    texts += [repr(rnd.uniform(-1, 1) * 10.0 ** rnd.randint(-300, 300)) for _ in range(100)]
    texts += [str(rnd.randint(-10**18, 10**18)) for _ in range(100)]
    document = "".join(f"- {t}\n- !!float {t}\n- !!int {t}\n" for t in texts)
    ours = load(document, tmp_path)
    assert isinstance(ours, list)
    theirs = []
    for text in texts:
        for tag in ("", "!!float ", "!!int "):
            try:
                theirs.append(yaml.safe_load(f"{tag}{text}"))
            except (ValueError, yaml.YAMLError):
                theirs.append(Unreadable)
    assert len(ours) == len(theirs)
    for text, mine, pyyaml in zip([t for t in texts for _ in range(3)], ours, theirs, strict=True):
        if pyyaml is Unreadable:
            assert isinstance(mine, Unreadable), text
        elif isinstance(pyyaml, float) and math.isnan(pyyaml):
            assert isinstance(mine, float) and math.isnan(mine), text
        else:
            assert type(mine) is type(pyyaml) and mine == pyyaml, (text, mine, pyyaml)
            if isinstance(pyyaml, float):
                assert math.copysign(1, mine) == math.copysign(1, pyyaml), text
