"""Packaging beyond pyproject.toml: the default rule set (rules/) goes into the wheel as assessment/bundled_rules,
so that an installed (non-editable) wenping finds it; assessment.loader.DEFAULT_RULES prefers that copy.
An editable install reads rules/ where it is."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

RULES = Path(__file__).resolve().parent / "rules"


class BuildWithRules(build_py):
    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "assessment" / "bundled_rules"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(RULES, target, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


setup(cmdclass={"build_py": BuildWithRules})
