"""The pack-wide caps: a pack given as texts is refused like the same files in a directory,
and a count cap is reported once, at the first item beyond it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from hamtriage import RulePackError, load_pack, load_pack_from_texts
from hamtriage.errors import RuleIssue
from hamtriage.rules._files import MAX_FILES, MAX_PACK_BYTES, pack_caps
from hamtriage.rules._validate import Collector
from hamtriage.rules._yaml import parse_yaml
from tests.support.packs import MINIMAL_PACK, write_pack


def _issues(load: Callable[[], object]) -> list[tuple[str, str]]:
    with pytest.raises(RulePackError) as caught:
        load()
    return [(i.code, i.message) for i in caught.value.issues]


def test_too_many_files_as_texts_and_as_a_directory(tmp_path: Path) -> None:
    files = {"pack.yaml": MINIMAL_PACK} | {f"f{n:03}.yaml": "rules: []\n" for n in range(MAX_FILES)}
    root = write_pack(tmp_path / "many", files)
    from_dir = _issues(lambda: load_pack(root))
    from_texts = _issues(lambda: load_pack_from_texts(files))
    assert from_dir == from_texts == [("too_many", f"more than {MAX_FILES} rule files")]


def test_too_many_bytes_as_texts_and_as_a_directory(tmp_path: Path) -> None:
    # each file under the 1 MB file limit, together over the pack's
    body = "# " + "x" * 990_000 + "\n"
    count = MAX_PACK_BYTES // len(body) + 1
    files = {f"f{n:03}.yaml": body for n in range(count)}
    total = sum(len(text) for text in files.values())
    root = write_pack(tmp_path / "big", files)
    from_dir = _issues(lambda: load_pack(root))
    from_texts = _issues(lambda: load_pack_from_texts(files))
    expected = f"the rule files hold {total} bytes together; the limit is {MAX_PACK_BYTES}"
    assert from_dir == from_texts == [("too_big", expected)]


def test_pack_caps_names_the_first_cap_exceeded() -> None:
    assert pack_caps("p", [10, 20]) is None
    assert pack_caps("p", [MAX_PACK_BYTES]) is None
    over = pack_caps("p", [MAX_PACK_BYTES, 1])
    assert over is not None
    assert over.code == "too_big"
    many = pack_caps("p", [MAX_PACK_BYTES] * (MAX_FILES + 1))  # both exceeded: the count first
    assert many is not None
    assert many.code == "too_many"
    assert (many.path, many.line, many.column) == ("p", 1, 1)


def test_a_count_cap_is_reported_once_at_the_first_item_beyond_it() -> None:
    doc = parse_yaml(b"rules:\n  - {id: r1}\n  - {id: r2}\n  - {id: r3}\n", "r.yaml")
    assert not isinstance(doc, RuleIssue)
    col = Collector()
    fits = [col.within_cap(doc, ("rules", i), i, 2, "rules") for i in range(3)]
    assert fits == [True, True, False]
    assert not col.within_cap(doc, ("rules", 2), 5, 2, "rules")  # asked again: not repeated
    (issue,) = col.issues
    assert issue.code == "too_many"
    assert issue.message == "more than 2 rules in the pack; the rest is not checked"
    assert (issue.path, issue.line) == ("r.yaml", 4)
