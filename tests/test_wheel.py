"""The wheel ships the bundled rule pack, and the installed package loads it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_contains_rules_and_loads_them(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("hamtriage-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        zf.extractall(tmp_path / "site")
    shipped = {
        n.removeprefix("hamtriage/_rules/") for n in names if n.startswith("hamtriage/_rules/")
    }
    # the translations in rules/i18n/ too: a wheel without them answers only in English
    expected = {p.relative_to(ROOT / "rules").as_posix() for p in (ROOT / "rules").rglob("*.yaml")}
    assert "i18n/nl.yaml" in expected
    assert shipped == expected
    assert "hamtriage/py.typed" in names
    # import the unpacked wheel (not the checkout) and triage on its bundled pack
    code = (
        "import hamtriage, json; e = hamtriage.Engine.default(); "
        "print(json.dumps([str(hamtriage.bundled_rules_path()), "
        "e.triage({'symptoms': ['cannot_touch_floor']}).hypotheses[0].id, "
        "e.triage({'symptoms': ['cannot_touch_floor']}, lang='nl').lang]))"
    )
    proc = subprocess.run(
        [
            sys.executable,
            "-I",
            "-c",
            f"import sys; sys.path.insert(0, {str(tmp_path / 'site')!r}); {code}",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
        cwd=tmp_path,
    )
    path, top, lang = proc.stdout.strip().strip("[]").replace('"', "").split(", ")
    assert path == str(tmp_path / "site" / "hamtriage" / "_rules")
    assert top == "inner_hamstring_weakness"
    assert lang == "nl"
