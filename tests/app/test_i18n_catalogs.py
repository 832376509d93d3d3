"""The interface catalogs: the same keys in zh and en, and every key the app asks for exists."""

from __future__ import annotations

import re
from pathlib import Path

from app_pages.ui import PAGES
from assessment.i18n import catalog
from assessment.services import admin, followup
from assessment.services.permissions import ROLES
from assessment.services.views import DECISIONS, LEVELS, STATES

ROOT = Path(__file__).resolve().parents[2]
LITERAL = re.compile(r"""\bt\(\s*["']([^"']+)["']\s*[,)]""")
# Keys the pages build from a prefix and a value (t("level." + level) and the like).
FAMILIES = {
    "level": LEVELS, "state": STATES, "decision": DECISIONS, "verdict": ("pass", "concern", "fail"),
    "role": ROLES, "unit_kind": admin.UNIT_KINDS, "review.action": ("start", "comment", "return", "override", "approve"),
    "review.result": ("level_before", "level_after", "index_before", "index_after", "factors", "ruleset_hash"),
    "followup.status": followup.FOLLOW_UP_STATUSES, "tracking.kind": followup.OUTCOME_KINDS,
    "fill.status": ("done", "todo", "problems"),  # a skipped section is not listed
}


def _app_sources() -> list[Path]:
    return [ROOT / "app.py", *sorted((ROOT / "app_pages").glob("*.py"))]


def test_catalogs__zh_and_en__have_the_same_keys():
    assert set(catalog("zh")) == set(catalog("en"))


def test_catalogs__no_empty_text():
    assert not [k for lang in ("zh", "en") for k, v in catalog(lang).items() if not str(v).strip()]


def test_every_literal_key_in_the_app__exists_in_both_catalogs():
    used = {key for path in _app_sources() for key in LITERAL.findall(path.read_text(encoding="utf-8"))}
    assert len(used) > 100  # the pattern finds the app's keys
    missing = {lang: sorted(k for k in used if not k.endswith(".") and k not in catalog(lang)) for lang in ("zh", "en")}
    assert missing == {"zh": [], "en": []}


def test_every_key_built_from_a_value__exists_in_both_catalogs():
    built = {f"{prefix}.{value}" for prefix, values in FAMILIES.items() for value in values}
    built |= {spec.title for spec in PAGES} | {spec.group for spec in PAGES}
    for lang in ("zh", "en"):
        assert sorted(built - set(catalog(lang))) == []

