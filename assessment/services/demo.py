"""`wenping demo seed`: a demonstration database. Demo accounts exist only after this is run.

A city with two districts and a town under each, departments, users of every role, and for every kind
of matter in examples/ one matter in each state (draft, submitted, in review, returned, approved with
follow-up and an outcome), spread over the last months so that the dashboard has something to show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from assessment.errors import ErrorCode, WenpingError
from assessment.services import admin, followup, review, submissions
from assessment.services._common import invalid
from assessment.services.permissions import SYSTEM, Principal
from assessment.services.scoring import Scorer
from assessment.storage.uow import Database

DEMO_PASSWORD = "wenping-demo-2026"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"  # the example answer files, one per kind
DEMO_ENV = "WENPING_DEMO"  # set by `wenping serve --demo`: the login page lists the demo accounts

UNITS = [  # code, name, kind, parent
    ("JC", "江城市", "city", None),
    ("JC-JB", "江北区", "district", "JC"),
    ("JC-NH", "南湖区", "district", "JC"),
    ("JC-JB-CD", "江北区城东街道", "town", "JC-JB"),
    ("JC-NH-SG", "南湖区石岗街道", "town", "JC-NH"),
    ("JC-FGW", "江城市发展和改革委员会", "department", "JC"),
    ("JC-GZW", "江城市国有资产监督管理委员会", "department", "JC"),
    ("JC-SHJ", "江城市生态环境局", "department", "JC"),
    ("JC-JTJ", "江城市交通运输局", "department", "JC"),
    ("JC-JYJ", "江城市教育局", "department", "JC"),
    ("JC-JB-ZJJ", "江北区住房和城乡建设局", "department", "JC-JB"),
    ("JC-NH-NNJ", "南湖区农业农村局", "department", "JC-NH"),
    ("JC-JB-CD-DZB", "城东街道党政办", "department", "JC-JB-CD"),
]
REVIEWERS = [("demo_admin", "admin", None, "系统管理员"),
             ("demo_city_reviewer", "reviewer", "JC", "市维稳办审核员"),
             ("demo_jb_reviewer", "reviewer", "JC-JB", "江北区维稳办审核员"),
             ("demo_nh_reviewer", "reviewer", "JC-NH", "南湖区维稳办审核员")]
# kind → the department that submits it (unknown kinds go to the first)
OWNERS = {
    "land_expropriation": "JC-JB-ZJJ",
    "village_renovation": "JC-NH-NNJ",
    "enterprise_restructuring": "JC-GZW",
    "nimby_facility": "JC-SHJ",
    "price_reform": "JC-FGW",
    "public_policy": "JC-JYJ",
    "transport_infrastructure": "JC-JTJ",
}
STATES = ("draft", "submitted", "in_review", "returned", "approved")


@dataclass
class DemoSummary:
    units: int = 0
    users: list[str] = field(default_factory=list)
    matters: int = 0
    password: str = DEMO_PASSWORD


def seed_demo(database: Database, scorer: Scorer, examples: Path | str = EXAMPLES) -> DemoSummary:
    files = _example_files(Path(examples))
    with database.uow(read_only=True) as uow:
        if uow.users.first_admin_id() is not None or uow.units.list(SYSTEM.scope()):
            raise invalid(("数据库", "database"), ("不是空库：演示数据只能写入新数据库", "not empty: demo data goes only into a new database"))
    summary = DemoSummary()
    for code, name, kind, parent in UNITS:
        admin.add_unit(database.uow(), SYSTEM, code=code, name=name, kind=kind, parent_code=parent)
        summary.units += 1
    for username, role, unit, display in demo_accounts():
        admin.add_user(database.uow(), SYSTEM, username=username, password=DEMO_PASSWORD, role=role,
                       unit_code=unit, display_name=display)
        summary.users.append(username)
    _seed_matters(database, scorer, files, summary)
    return summary


def demo_accounts() -> list[tuple[str, str, str | None, str]]:
    """(user name, role, unit code, display name) of every demo account: the login page lists them in demo mode."""
    return REVIEWERS + _submitters()


def _submitters() -> list[tuple[str, str, str, str]]:
    return [(f"demo_{code.lower().replace('-', '_')}", "submitter", code, f"{name}填报员")
            for code, name, kind, _ in UNITS if kind == "department"]


def _example_files(folder: Path) -> list[Path]:
    files = sorted(list(folder.glob("*.yaml")) + list(folder.glob("*.json")))
    if not files:
        raise WenpingError.of(ErrorCode.ANS_FILE, detail=f"no example answer files in {folder}")
    return files


def _who(database: Database, username: str) -> Principal:
    return admin.principal_for(database.uow(read_only=True), username)


def _seed_matters(database: Database, scorer: Scorer, files: list[Path], summary: DemoSummary) -> None:
    from assessment.answer_files import read_answer_file

    real_clock, start = database.clock, database.clock()
    try:
        for i, path in enumerate(files):
            doc = read_answer_file(path)
            owner_code = OWNERS.get(doc.kind, "JC-JB-ZJJ")
            submitter = _who(database, f"demo_{owner_code.lower().replace('-', '_')}")
            reviewer = _who(database, _reviewer_for(owner_code))
            for j, state in enumerate(STATES):
                # Spread the matters over the last six months, a day apart within a kind.
                moment = start - timedelta(days=30 * ((i + j) % 6) + j)
                database.clock = lambda moment=moment: moment
                title = (doc.answers.get("matter_name") or path.stem) + f"（{_STATE_ZH[state]}示例）"
                _matter_in_state(database, scorer, submitter, reviewer, doc, str(title), state, moment)
                summary.matters += 1
    finally:
        database.clock = real_clock


_STATE_ZH = {"draft": "草稿", "submitted": "已提交", "in_review": "审核中", "returned": "已退回", "approved": "已批准"}


def _reviewer_for(unit_code: str) -> str:
    if unit_code.startswith("JC-JB"):
        return "demo_jb_reviewer"
    if unit_code.startswith("JC-NH"):
        return "demo_nh_reviewer"
    return "demo_city_reviewer"


LATE_AFTER = timedelta(days=20)  # an approved matter's last measure was due this long after its assessment
RAISED = "land_expropriation"  # its matter under review has been raised to high by the reviewer


def _matter_in_state(database: Database, scorer: Scorer, submitter: Principal, reviewer: Principal, doc,
                     title: str, state: str, moment: datetime) -> None:
    measures = list(doc.measures or [])
    if state == "approved" and measures:  # so that follow-up has something overdue to show
        measures[-1] = {**measures[-1], "deadline": (moment.date() + LATE_AFTER).isoformat()}
    m = submissions.create_matter(database.uow(), submitter, kind=doc.kind, title=title[:300],
                                  answers={**doc.answers, "matter_name": title[:200]}, measures=measures)
    if state == "draft":
        return
    submissions.submit(database.uow(), submitter, m.id, scorer)
    version = lambda: submissions.get_matter(database.uow(read_only=True), reviewer, m.id).summary.version  # noqa: E731
    if state == "submitted":
        return
    review.start_review(database.uow(), reviewer, m.id, expected_version=version())
    review.comment(database.uow(), reviewer, m.id, "请补充风险调查的样本说明。")
    if state == "in_review":
        if doc.kind == RAISED:
            review.override_level(database.uow(), reviewer, m.id, expected_version=version(), level="high",
                                  reason="近三个月内已发生两次集体上访，且涉及历史遗留问题，调整为高风险。")
        return
    if state == "returned":
        review.return_for_revision(database.uow(), reviewer, m.id, expected_version=version(),
                                   reason="公众参与材料不全，请补充听证会记录后重新提交。")
        return
    review.approve(database.uow(), reviewer, m.id, expected_version=version(), decision="proceed_with_conditions",
                   comment="同意实施，须按期落实各项化解措施。")
    items = followup.list_followups(database.uow(read_only=True), reviewer, m.id)
    if items:
        followup.update_followup(database.uow(), submitter, items[0].id, expected_version=items[0].version,
                                 status="done", note="已落实。")
    if len(items) > 1:
        followup.update_followup(database.uow(), submitter, items[-1].id, expected_version=items[-1].version,
                                 status="in_progress", note="正在推进，尚未按期完成。")
    followup.record_outcome(database.uow(), reviewer, m.id, kind="collective_petition",
                            occurred_on=moment.date(), participants=12, description="少数群众就补偿标准集体来访，已当场答复。")
