"""The README's plain ``pytest`` command for scenario files, run exactly as written in a
coach's own project, from the pack root and from the features folder, with and without
the README's ``conftest.py`` line (the ``pytest11`` entry point and the line must not
clash), and the plugin staying passive in a project that did not ask for it."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.support.scenarios import WRIST_FEATURE, WRIST_PACK

ROOT = Path(__file__).resolve().parent.parent
PYTEST = Path(sys.executable).with_name("pytest")  # the environment's own `pytest` command


def _readme_command() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    line = re.search(r"^pytest --hamtriage-rules .*$", readme, re.M)
    assert line is not None, "the README no longer shows the plain pytest command"
    command = shlex.split(line.group(0).split("#")[0])
    assert command == ["pytest", "--hamtriage-rules", "my_rules/", "--hamtriage-coverage"]
    return command


def _readme_conftest() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(r"```python\n(pytest_plugins = .*?\n)```", readme)
    assert found is not None
    return found.group(1)


def _project(root: Path, *, rules_in: str, features_in: str, conftest: str | None) -> Path:
    (root / rules_in / "my_rules").mkdir(parents=True)
    (root / rules_in / "my_rules" / "pack.yaml").write_text(WRIST_PACK, encoding="utf-8")
    features = root / features_in
    features.mkdir(parents=True, exist_ok=True)
    (features / "wrists.feature").write_text(WRIST_FEATURE, encoding="utf-8")
    if conftest is not None:  # pytest reads pytest_plugins only in the top-level conftest
        (root / conftest / "conftest.py").write_text(_readme_conftest(), encoding="utf-8")
    return root


# name -> (folder of my_rules/, folder of the features, folder of the conftest, where to run)
LAYOUTS: dict[str, tuple[str, str, str | None, str]] = {
    # my_rules/ and my_features/ side by side, the command run from the pack root
    "pack_root": (".", "my_features", ".", "."),
    # the rules kept in the features folder, the conftest beside the feature files
    "features_folder": ("my_features", "my_features", "my_features", "my_features"),
    # no conftest at all: the entry point alone, from either folder
    "no_conftest": (".", "my_features", None, "."),
    "no_conftest_features": ("my_features", "my_features", None, "my_features"),
}


@pytest.fixture(scope="module")
def runs(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, subprocess.CompletedProcess[str]]]:
    command = [str(PYTEST), *_readme_command()[1:], "-p", "no:cacheprovider"]

    folders: dict[str, Path] = {}
    for name, (rules_in, features_in, conftest, cwd) in LAYOUTS.items():
        root = tmp_path_factory.mktemp(name)
        _project(root, rules_in=rules_in, features_in=features_in, conftest=conftest)
        folders[name] = root / cwd

    def run(name: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command, cwd=folders[name], capture_output=True, text=True, timeout=120, check=False
        )

    with ThreadPoolExecutor(max_workers=4) as pool:
        yield dict(zip(LAYOUTS, pool.map(run, LAYOUTS), strict=True))


@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_the_readme_command_runs_a_coachs_pack(
    runs: dict[str, subprocess.CompletedProcess[str]], layout: str
) -> None:
    proc = runs[layout]
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "unrecognized arguments" not in proc.stderr
    assert "1 passed" in proc.stdout
    assert "Rule pack wrist-pack@1.0.0" in proc.stdout
    assert "1 of 2 rules fired in 1 triaged report." in proc.stdout
    assert "1 rule no scenario fired:" in proc.stdout
    assert "tingling_needs_physio" in proc.stdout
    assert "Warning" not in proc.stdout


@pytest.mark.slow
def test_the_conftest_line_and_dash_p_do_not_register_it_twice(tmp_path: Path) -> None:
    root = _project(tmp_path, rules_in=".", features_in=".", conftest=".")
    proc = subprocess.run(
        [
            str(PYTEST),
            "-p",
            "hamtriage.bdd",
            "--hamtriage-rules",
            "my_rules",
            "-p",
            "no:cacheprovider",
        ],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout
    assert "already registered" not in proc.stdout + proc.stderr


@pytest.mark.slow
def test_the_plugin_is_passive_where_nobody_asked_for_it(tmp_path: Path) -> None:
    # another project's .feature files (bound by its own pytest-bdd steps, or none) are
    # not collected as hamtriage scenarios just because hamtriage is installed
    (tmp_path / "other.feature").write_text(WRIST_FEATURE, encoding="utf-8")
    (tmp_path / "test_plain.py").write_text("def test_ok() -> None:\n    assert True\n")
    proc = subprocess.run(
        [str(PYTEST), "-p", "no:cacheprovider"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 passed" in proc.stdout
    assert "other.feature" not in proc.stdout
    assert "hamtriage rule coverage" not in proc.stdout
