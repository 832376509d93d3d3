"""Properties of the default rule set, checked by hypothesis on every kind's example answers."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessment.answer_files import read_answer_file
from assessment.domain.answers import validate_answers
from assessment.domain.ruleset import LEVELS
from assessment.domain.scoring import assess
from assessment.loader import DEFAULT_RULES, load_ruleset

RULESET = load_ruleset(DEFAULT_RULES)
EXAMPLES = sorted((DEFAULT_RULES.parent / "examples").glob("*.yaml"))
DAY = date(2026, 11, 25)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _example(path):
    document = read_answer_file(path)
    return document.kind, document.answers, document.measures


def _rank(level: str) -> int:
    return LEVELS.index(level)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
@SETTINGS
@given(low=st.floats(0, 1), high=st.floats(0, 1))
def test_more_opposition__never_lowers_the_level(path, low, high):
    kind, answers, measures = _example(path)
    low, high = sorted((low, high))

    def levels(opposition):
        support = min(answers.get("support_rate") or 0, 1 - opposition)
        result = assess(RULESET, kind, {**answers, "opposition_rate": opposition, "support_rate": support}, measures, assessed_at=DAY)
        return _rank(result.before.level), _rank(result.after.level)

    before_low, after_low = levels(low)
    before_high, after_high = levels(high)
    assert before_high >= before_low and after_high >= after_low


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
@SETTINGS
@given(data=st.data())
def test_adding_a_complete_measure__never_raises_residual_risk(path, data):
    kind, answers, measures = _example(path)
    measure_id = data.draw(st.sampled_from(sorted(RULESET.measures)))
    extra = {"measure": measure_id, "unit": "区人民政府办公室", "leader": "赵明（区长）", "deadline": date(2027, 6, 30)}
    base = assess(RULESET, kind, answers, measures, assessed_at=DAY)
    more = assess(RULESET, kind, answers, [*measures, extra], assessed_at=DAY)
    assert more.after.index <= base.after.index
    assert _rank(more.after.level) <= _rank(base.after.level)
    residual = {f.factor: f.residual_risk for f in base.factors}
    assert all(f.residual_risk <= residual[f.factor] for f in more.factors)


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
@SETTINGS
@given(data=st.data())
def test_answers_to_questions_not_relevant__change_nothing(path, data):
    kind_id, answers, measures = _example(path)
    kind = RULESET.kind(kind_id)
    values = validate_answers(kind, answers).values
    hidden = [q for q in kind.questions if q.calculation is None and q.question.type in ("integer", "number", "yes_no", "percent")
              and values.get(q.question.name) is None and q.question.name not in answers
              and any(c is not None for c in (q.relevant, q.section_relevant))]
    if not hidden:
        return
    question = data.draw(st.sampled_from(hidden)).question
    value = {"yes_no": data.draw(st.booleans()), "percent": data.draw(st.floats(0, 1))}.get(
        question.type, data.draw(st.integers(0, int(question.max or 10_000))))
    base = assess(RULESET, kind_id, answers, measures, assessed_at=DAY)
    changed = assess(RULESET, kind_id, {**answers, question.name: value}, measures, assessed_at=DAY)
    assert changed.model_dump() == base.model_dump()
