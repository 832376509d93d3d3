"""`wenping assess`, `wenping rules check`, `wenping questionnaire show`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from assessment.answer_files import AnswerFile, locate, read_answer_file, ruleset_mismatch
from assessment.cli import main
from assessment.domain.ruleset import RuleSet
from assessment.domain.scoring import Checked, check_inputs, score
from assessment.errors import ErrorCode, Location, Problem, WenpingError
from assessment.i18n import t
from assessment.loader import default_rules_dir, load_ruleset
from assessment.result_text import render_text
from assessment.ruleset_cases import failures_as_problems, run_cases

LANG = click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True, help="Output language")
RULES = click.option("--rules", "rules_dir", type=click.Path(path_type=Path), default=None,
                     help="Rule-set folder (default: $WENPING_RULES or the bundled rules/)")


def _remember_lang(lang: str) -> None:
    click.get_current_context().find_root().meta["lang"] = lang


@main.command("assess")
@click.argument("answers", type=click.Path(path_type=Path))
@RULES
@LANG
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def assess_command(answers: Path, rules_dir: Path | None, lang: str, fmt: str) -> None:
    """Score an answer file (YAML or JSON) and print the explained result."""
    _remember_lang(lang)
    ruleset = load_ruleset(rules_dir)
    document, checked = read_and_check(answers, ruleset, lang)  # before the model loads
    result = score(ruleset, checked.kind, checked.answers.values, checked.measures,
                   assessed_at=document.assessed_at or date.today(), model=_advisor(rules_dir, lang))
    ignored = checked.answers.ignored
    if fmt == "json":
        click.echo(json.dumps(result.model_dump(mode="json"), ensure_ascii=False, indent=2))
        for name in ignored:  # stdout stays the result document
            click.echo(Problem(ErrorCode.ANS_NOT_RELEVANT, {}, Location(file=str(answers), id=name)).message(lang), err=True)
    else:
        click.echo(render_text(result, ruleset, lang, ignored), nl=False)


def read_and_check(path: Path, ruleset: RuleSet, lang: str) -> tuple[AnswerFile, Checked]:
    """An answer file read and validated, its problems named with file and line; a file written for another
    rule set is said on stderr."""
    document = read_answer_file(path)
    mismatch = ruleset_mismatch(document, ruleset)
    if mismatch is not None:
        click.echo(mismatch.message(lang), err=True)
    try:
        return document, check_inputs(ruleset, document.kind, document.answers, document.measures)
    except WenpingError as error:
        raise WenpingError(locate(error.problems, document)) from None


def _advisor(rules_dir: Path | None, lang: str):
    """The learned second opinion when a model has been trained; a refused model file is said, not fatal.
    scikit-learn takes seconds to import: it is imported only when a current model exists."""
    from assessment.model.location import has_current_model

    if not has_current_model():
        return None
    from assessment.model.advisor import load_advisor

    try:
        return load_advisor(rules_dir=rules_dir)
    except WenpingError as error:
        click.echo(error.message(lang), err=True)
        return None


@main.group("rules")
def rules_group() -> None:
    """Rule sets: check a folder."""


@rules_group.command("check")
@click.argument("folder", required=False, type=click.Path(path_type=Path))
@LANG
def rules_check(folder: Path | None, lang: str) -> None:
    """Load and check a rule set, then run its YAML test cases."""
    _remember_lang(lang)
    root = folder or default_rules_dir()
    ruleset = load_ruleset(root)
    runs = run_cases(ruleset, root)
    problems = failures_as_problems(runs)
    if problems:
        raise WenpingError(problems)
    click.echo(t("rules.check.ok", lang, id=ruleset.info.id, version=ruleset.info.version, kinds=len(ruleset.kinds),
                 factors=len(ruleset.factors), measures=len(ruleset.measures),
                 rules=len({r.rule.id for k in ruleset.kinds.values() for r in k.rules}), cases=len(runs)))
    click.echo(f"{t('rules.check.hash', lang)}: {ruleset.content_hash}")


@main.group("questionnaire")
def questionnaire_group() -> None:
    """Questionnaires: show one."""


@questionnaire_group.command("show")
@click.argument("kind")
@RULES
@LANG
def questionnaire_show(kind: str, rules_dir: Path | None, lang: str) -> None:
    """Print the whole questionnaire of a kind of matter (common part first)."""
    _remember_lang(lang)
    matter = load_ruleset(rules_dir).kind(kind)
    click.echo(f"== {matter.title.get(lang)} ({matter.id}) ==")
    for number, section in enumerate(matter.sections, start=1):
        click.echo(f"\n{number}. {section.title.get(lang)} [{section.id}]")
        for question in section.questions:
            click.echo(_question_line(matter, question, lang))


def _question_line(matter, question, lang: str) -> str:
    notes = [question.type]
    if question.required is True:
        notes.append(t("questionnaire.required", lang))
    elif question.required:
        notes.append(f"{t('questionnaire.required', lang)}: {question.required}")
    for key, value in (("relevant", question.relevant), ("constraint", question.constraint)):
        if value is not None:
            notes.append(f"{t('questionnaire.' + key, lang)}: {value}")
    if question.unit:
        notes.append(f"{t('questionnaire.unit', lang)}: {question.unit.get(lang)}")
    if question.choices is not None:
        notes.append(f"{t('questionnaire.choices', lang)}: " + " / ".join(f"{c.name}={c.label.get(lang)}" for c in matter.choices_of(question)))
    if question.columns:
        notes.append(f"{t('questionnaire.columns', lang)}: " + ", ".join(c.name for c in question.columns))
    return f"  - {question.label.get(lang)} [{question.name}] ({'; '.join(notes)})"
