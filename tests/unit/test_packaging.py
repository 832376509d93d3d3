"""A non-editable install carries the default rule set: setup.py copies rules/ into the package when it is built."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from assessment.loader import DEFAULT_RULES, load_ruleset, rule_files

ROOT = Path(__file__).parents[2]
SOURCES = ("assessment", "rules", "pyproject.toml", "setup.py", "MANIFEST.in", "README.md")


def test_built_package__carries_the_rules__and_loads_them_from_anywhere(tmp_path):
    source = tmp_path / "source"
    for name in SOURCES:  # built from a copy: the build writes egg-info and build/ next to setup.py
        (shutil.copytree if (ROOT / name).is_dir() else shutil.copy)(ROOT / name, source / name)
    lib = tmp_path / "lib"
    subprocess.run([sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(lib)], cwd=source, check=True,
                   capture_output=True, timeout=300)
    bundled = lib / "assessment" / "bundled_rules"
    expected = {p.relative_to(DEFAULT_RULES) for p in DEFAULT_RULES.rglob("*.yaml")}
    assert {p.relative_to(bundled) for p in bundled.rglob("*.yaml")} == expected

    elsewhere = tmp_path / "elsewhere"  # no rules/ beside it, no checkout on the path
    elsewhere.mkdir()
    code = ("import assessment.loader as loader; ruleset = loader.load_ruleset(); "
            "print(loader.DEFAULT_RULES); print(len(ruleset.kinds), ruleset.content_hash)")
    env = {k: v for k, v in os.environ.items() if k != "WENPING_RULES"} | {"PYTHONPATH": str(lib)}
    done = subprocess.run([sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    where, loaded = done.stdout.splitlines()
    assert Path(where) == bundled
    here = load_ruleset(DEFAULT_RULES)
    assert loaded == f"{len(here.kinds)} {here.content_hash}"  # the same files, so the same hash
    assert len(rule_files(bundled)) == len(rule_files(DEFAULT_RULES))
