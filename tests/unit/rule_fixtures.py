"""Rule-set helpers for tests: the common part of the default rule set plus a small kind written inline."""

from __future__ import annotations

import textwrap
from pathlib import Path

COMMON_FILES = ("ruleset.yaml", "matrix.yaml", "factors/common.yaml", "measures/common.yaml",
                "questionnaires/common.yaml", "scoring/common.yaml")

DEMO_QUESTIONNAIRE = """
id: demo
kind: demo
title: {zh: 演示事项, en: Demo matter}
sections:
  - id: demo_facts
    title: {zh: 演示, en: Demo}
    questions:
      - name: compensation_ratio
        type: number
        label: {zh: 补偿标准与市场评估价之比, en: Compensation to market value}
        min: 0
        max: 5
      - name: has_graves
        type: yes_no
        label: {zh: 是否涉及坟墓迁移, en: "Graves to move?"}
      - name: graves
        type: integer
        label: {zh: 坟墓数量, en: Number of graves}
        relevant: "has_graves == True"
        min: 0
"""

DEMO_SCORING = """
kind: demo
rules:
  - id: DM-COMP-01
    factor: interest_imbalance
    when: "compensation_ratio < 0.9"
    probability: "4 if compensation_ratio < 0.8 else 3"
    impact: 4
    because: {zh: "补偿标准为市场评估价的{compensation_ratio:.0%}", en: "Compensation is {compensation_ratio:.0%} of market value"}
  - id: DM-GRAVE-01
    factor: comparison_grievance
    when: "graves >= 10"
    probability: 3
    because: {zh: "涉及坟墓{graves}座", en: "{graves} graves to move"}
  - id: DM-GRAVE-02
    factor: sensitive_timing
    when: "graves >= 100"
    probability: 5
    impact: 5
    because: {zh: "涉及坟墓{graves}座，清明前后迁坟极易引发冲突", en: "{graves} graves to move around Qingming"}
"""


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


# A complete set of common answers for a calm, lawful matter: scores low on its own.
CALM_ANSWERS = {
    "matter_name": "演示道路改造工程", "decision_body": "某区人民政府", "location": "某区城东街道",
    "matter_summary": "对城东街道主干道进行改造。", "ndrc_project": False, "assessing_body": "某区住房和城乡建设局",
    "locality": "城东街道", "households_affected": 120, "people_affected": 400, "vulnerable_households": 0,
    "has_authority": True, "approvals_missing": [], "procedure_followed": True, "policy_consistent": True,
    "majority_interest": True, "interest_balance": True, "comparison_risk": "low", "burden_increase": "none",
    "funds_secured": "fully", "capacity": "bearable", "sensitive_period": False, "survey_distributed": 120,
    "survey_returned": 110, "awareness_rate": 0.9, "support_rate": 0.9, "opposition_rate": 0.03,
    "forums_held": 2, "hearing_held": False, "public_notice_days": 30, "expert_review": True,
    "petitions_12m": 1, "collective_petitions_3y": 0, "mass_incidents_3y": 0, "legacy_disputes": False,
    "media_attention": "none", "negative_online": False, "emergency_plan": "approved", "response_team": True,
    "grievance_channel": True, "responsibility_assigned": True,
}
