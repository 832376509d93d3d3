"""A small world for the storage and workflow tests: a jurisdiction tree, users of every role, a fake
scorer, and helpers that bring a matter into any state through the services."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping, Sequence

import pytest
from sqlalchemy import text

from assessment.errors import ErrorCode, Location, Problem
from assessment.services import admin, audit_service, review, submissions
from assessment.services.permissions import SYSTEM, Principal
from assessment.services.scoring import Scored
from assessment.storage.uow import Database

PASSWORD = "correct-horse-42"
LEVEL_DOWN = {"high": "medium", "medium": "low", "low": "low"}


def lift_audit_guard(conn) -> None:
    """Drop the triggers that keep audit_log append-only (migration 0003), as someone with DDL rights could."""
    if conn.dialect.name == "postgresql":
        conn.execute(text("DROP TRIGGER IF EXISTS audit_log_append_only ON audit_log"))
        return
    for event in ("update", "delete"):
        conn.execute(text(f"DROP TRIGGER IF EXISTS audit_log_no_{event}"))


class FakeScorer:
    """Level = answers["risk"]; any measure lowers it one step. `summary` is required."""

    def kinds(self) -> list[str]:
        return ["land_acquisition", "policy"]

    def check(self, kind: str, answers: Mapping[str, Any], *, partial: bool = False) -> tuple[dict[str, Any], list[Problem]]:
        problems = []
        if not answers.get("summary") and not partial:
            problems.append(Problem(ErrorCode.ANS_REQUIRED, {}, Location(id="summary")))
        return dict(answers), problems

    def check_measures(self, measures: Sequence[Mapping]) -> list[Problem]:
        return []

    def score(self, kind: str, answers: Mapping[str, Any], measures: Sequence[Mapping], at: datetime) -> Scored:
        before = answers.get("risk", "low")
        after = LEVEL_DOWN[before] if measures else before
        index = {"low": 0.2, "medium": 0.5, "high": 0.8}
        doc = {"kind": kind, "ruleset": {"id": "fake", "version": "1", "content_hash": "f" * 64},
               "before": {"level": before, "index": index[before]}, "after": {"level": after, "index": index[after]},
               "factors": [{"factor": f"risk_{before}"}],
               "measures": [_measure_result(number, m) for number, m in enumerate(measures, start=1)],
               "assessed_at": at.isoformat()}
        return Scored.from_document(doc, model_version="none")


def _measure_result(number: int, planned: Mapping) -> dict:
    """A planned measure as the core's MeasureResult dumps it."""
    text = planned.get("text") or planned.get("measure") or f"measure {number}"
    return {"number": number, "measure": planned.get("measure"), "text": {"zh": text, "en": text},
            "unit": planned.get("unit"), "leader": planned.get("leader"), "deadline": planned.get("deadline")}


# unit code → (name, kind, parent)
UNITS = {
    "C": ("示范市", "city", None),
    "D1": ("东区", "district", "C"),
    "D2": ("西区", "district", "C"),
    "T1": ("东区城关街道", "town", "D1"),
    "D1-ZJ": ("东区住建局", "department", "D1"),
    "D2-ZJ": ("西区住建局", "department", "D2"),
    "T1-OFFICE": ("城关街道党政办", "department", "T1"),
}
# who → (role, unit)
USERS = {
    "sub_own": ("submitter", "D1-ZJ"),
    "sub_other": ("submitter", "D2-ZJ"),
    "rev_in": ("reviewer", "D1"),
    "rev_city": ("reviewer", "C"),
    "rev_out": ("reviewer", "D2"),
    "admin": ("admin", None),
}


def build_world(database: Database) -> None:
    for code, (name, kind, parent) in UNITS.items():
        admin.add_unit(database.uow(), SYSTEM, code=code, name=name, kind=kind, parent_code=parent)
    for username, (role, unit) in USERS.items():
        admin.add_user(database.uow(), SYSTEM, username=username, password=PASSWORD, role=role, unit_code=unit)


@dataclass
class World:
    db: Database
    scorer: FakeScorer
    tampered: bool = False

    def tamper(self, sql: str, **params) -> None:
        """Change the database behind the application's back, as someone with raw SQL access could."""
        self.tampered = True
        with self.db.engine.begin() as conn:
            conn.execute(text(sql), params)

    def who(self, username: str) -> Principal:
        return admin.principal_for(self.db.uow(read_only=True), username)

    def new_matter(self, state: str = "draft", *, risk: str = "high", measures: bool = True, title: str = "旧城改造",
                   owner: str = "sub_own") -> int:
        """A matter of D1-ZJ in the given state, made through the services."""
        sub, rev = self.who(owner), self.who("rev_in")
        m = submissions.create_matter(self.db.uow(), sub, kind="land_acquisition", title=title)
        submissions.save_draft(self.db.uow(), sub, m.id, {"summary": "拆迁 120 户", "risk": risk}, section="basics")
        if measures:
            submissions.save_measures(self.db.uow(), sub, m.id, [
                {"measure": "M-COMP-01", "text": "提高补偿标准", "unit": "东区住建局",
                 "leader": "张三", "deadline": "2026-12-31"}])
        if state == "draft":
            return m.id
        submissions.submit(self.db.uow(), sub, m.id, self.scorer)
        if state == "submitted":
            return m.id
        review.start_review(self.db.uow(), rev, m.id, expected_version=self.version(m.id))
        if state == "in_review":
            return m.id
        if state == "returned":
            review.return_for_revision(self.db.uow(), rev, m.id, expected_version=self.version(m.id), reason="补充材料")
            return m.id
        assert state == "approved", state
        review.approve(self.db.uow(), rev, m.id, expected_version=self.version(m.id), decision="proceed_with_conditions")
        return m.id

    def detail(self, matter_id: int):
        return submissions.get_matter(self.db.uow(read_only=True), SYSTEM, matter_id)

    def version(self, matter_id: int) -> int:
        return self.detail(matter_id).summary.version

    def audit_count(self) -> int:
        with self.db.uow(read_only=True) as uow:
            return uow.audit.count()


@pytest.fixture(scope="session")
def _world_sqlite(_sqlite_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("world") / "world.db"
    shutil.copyfile(_sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    build_world(database)
    database.dispose()
    return path


@pytest.fixture(scope="session")
def _world_postgres(postgres_admin, _postgres_template):
    # Each test module that imports these fixtures gets its own session fixture: name them apart.
    name = postgres_admin.fresh_name("wenping_world")
    database = Database(postgres_admin.create(name, template=_postgres_template))
    build_world(database)
    database.dispose()
    return name


@pytest.fixture
def world(backend, clone_database, request):
    template = request.getfixturevalue("_world_sqlite" if backend == "sqlite" else "_world_postgres")
    database = Database(clone_database(template))
    world = World(database, FakeScorer())
    yield world
    # Whatever a test did through the services, the log still vouches for every row.
    verification = audit_service.verify(database.uow(read_only=True), SYSTEM)
    database.dispose()
    assert world.tampered or verification.ok, [f.problem().message("en") for f in verification.findings]
