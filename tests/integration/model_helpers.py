"""A rule set for the model's integration tests: the common part, a small demo kind and the model policy."""

from __future__ import annotations

import shutil
from pathlib import Path

from assessment.loader import DEFAULT_RULES
from tests.unit.rule_fixtures import COMMON_FILES, DEMO_QUESTIONNAIRE, DEMO_SCORING, write


def demo_rules(root: Path, policy: str | None = None) -> Path:
    """A rule-set folder with the bundled (or the given) model policy."""
    for relative in COMMON_FILES:
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(DEFAULT_RULES / relative, root / relative)
    write(root, "questionnaires/demo.yaml", DEMO_QUESTIONNAIRE)
    write(root, "scoring/demo.yaml", DEMO_SCORING)
    if policy is None:
        shutil.copy(DEFAULT_RULES / "model_policy.yaml", root / "model_policy.yaml")
    else:
        write(root, "model_policy.yaml", policy)
    return root
