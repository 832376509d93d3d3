"""Rule-set fixtures: a writable copy of the common rule set with the inline demo kind."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from assessment.loader import DEFAULT_RULES, load_ruleset
from tests.unit.rule_fixtures import COMMON_FILES, DEMO_QUESTIONNAIRE, DEMO_SCORING, write


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    """A writable rule set: the default common part and the inline demo kind."""
    root = tmp_path / "rules"
    for relative in COMMON_FILES:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(DEFAULT_RULES / relative, root / relative)
    write(root, "questionnaires/demo.yaml", DEMO_QUESTIONNAIRE)
    write(root, "scoring/demo.yaml", DEMO_SCORING)
    return root


@pytest.fixture
def demo_ruleset(rules_dir: Path):
    return load_ruleset(rules_dir)
