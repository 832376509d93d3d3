"""docs/storage.md documents every field of the submission bundle as exported."""

from __future__ import annotations

from pathlib import Path

from assessment.services import bundle
from assessment.services.permissions import SYSTEM
from storage_world import _world_postgres, _world_sqlite, world  # noqa: F401  (fixtures)

DOC = (Path(__file__).parents[2] / "docs" / "storage.md").read_text(encoding="utf-8")


def test_bundle_fields__exported__all_documented(world):
    exported = bundle.export_bundle(world.db.uow(read_only=True), SYSTEM, world.new_matter("submitted"))
    fields = set(exported) | {f for key in ("matter", "revision") for f in exported[key]}
    fields |= set(exported["reviews"][0]) if exported["reviews"] else set()
    missing = sorted(f for f in fields if f"`{f}`" not in DOC)
    assert not missing, f"bundle fields not documented in docs/storage.md: {missing}"
