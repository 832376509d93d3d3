"""What the pages share: the session (language, who is logged in, the database), the page registry,
service calls that show their problems, and widgets used on several pages. Widgets and layout only:
everything else goes through assessment.services."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Any, Callable, Mapping

import pandas as pd
import streamlit as st

from assessment.domain.i18n_text import I18nText
from assessment.errors import Problem, WenpingError
from assessment.i18n import t as catalog_text
from assessment.services import app_queries, runtime, submissions
from assessment.services.permissions import ROLES, Principal
from assessment.services.runtime import LOCAL_TZ, QueueFilter

LEVEL_COLOURS = {"low": "green", "medium": "orange", "high": "red"}  # badge colours (Streamlit's names)
LEVEL_HEX = {"low": "#2e7d32", "medium": "#ef6c00", "high": "#c62828"}  # the same colours in charts
STATE_COLOURS = {"draft": "gray", "submitted": "blue", "in_review": "violet", "returned": "orange", "approved": "green"}


# --- session ---------------------------------------------------------------------------------------------


def lang() -> str:
    return st.session_state.get("lang", "zh")


def t(key: str, **params: Any) -> str:
    return catalog_text(key, lang(), **params)


def text(value: I18nText | None) -> str:
    return value.get(lang()) if value is not None else ""


def principal() -> Principal | None:
    return st.session_state.get("principal")


def me() -> Principal:
    """The logged-in principal (app.py runs pages only after a login)."""
    return st.session_state["principal"]


def demo_mode() -> bool:
    return runtime.demo_mode()


@st.cache_resource(show_spinner=False)
def _database(url: str):
    return runtime.open_database(url)


def database():
    """The process's database (one engine shared by every session, cached by its address); a schema that is
    not up to date stops here."""
    try:
        return _database(runtime.database_url())
    except WenpingError as error:
        show_problems(error.problems)
        st.stop()


def uow():
    return database().uow()


def read():
    return database().uow(read_only=True)


# --- pages ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageSpec:
    path: str
    url: str
    title: str  # catalog key
    icon: str
    roles: frozenset[str]
    group: str  # catalog key of its navigation section


ALL = frozenset(ROLES)
FILLERS = frozenset({"submitter", "admin"})
REVIEWERS = frozenset({"reviewer", "admin"})
PAGES = (
    PageSpec("app_pages/home.py", "", "page.home", ":material/folder_open:", ALL, "nav.work"),
    PageSpec("app_pages/new_matter.py", "new_matter", "page.new", ":material/add_circle:", FILLERS, "nav.fill"),
    PageSpec("app_pages/fill.py", "fill", "page.fill", ":material/edit_note:", FILLERS, "nav.fill"),
    PageSpec("app_pages/result.py", "result", "page.result", ":material/assessment:", ALL, "nav.fill"),
    PageSpec("app_pages/measures.py", "measures", "page.measures", ":material/shield:", FILLERS, "nav.fill"),
    PageSpec("app_pages/submit.py", "submit", "page.submit", ":material/send:", FILLERS, "nav.fill"),
    PageSpec("app_pages/queue.py", "queue", "page.queue", ":material/inbox:", REVIEWERS, "nav.review"),
    PageSpec("app_pages/review.py", "review", "page.review", ":material/gavel:", REVIEWERS, "nav.review"),
    PageSpec("app_pages/followup.py", "followup", "page.followup", ":material/alarm:", ALL, "nav.after"),
    PageSpec("app_pages/tracking.py", "tracking", "page.tracking", ":material/timeline:", ALL, "nav.after"),
    PageSpec("app_pages/stats.py", "stats", "page.stats", ":material/bar_chart:", ALL, "nav.after"),
    PageSpec("app_pages/admin.py", "admin", "page.admin", ":material/settings:", frozenset({"admin"}), "nav.admin"),
)


def _page(spec: PageSpec) -> st.Page:
    title = t("page.my_matters") if spec.url == "" and principal() and me().role == "submitter" else t(spec.title)
    return st.Page(spec.path, title=title, icon=spec.icon, url_path=spec.url or None, default=spec.url == "")


def navigation() -> dict[str, st.Page]:
    """Every page, by path. All are registered whatever the role, so that an address typed before logging in
    opens after it, and a page the role may not use says so instead of silently showing another one."""
    return {spec.path: _page(spec) for spec in PAGES}


def spec_of(page, pages: dict[str, st.Page]) -> PageSpec:
    """The spec of the page st.navigation chose (it gives back one of the objects it was handed)."""
    return next(spec for spec in PAGES if pages[spec.path] is page)


def menu(pages: dict[str, st.Page], role: str) -> None:
    """The sidebar's list of the role's pages, by section."""
    sections: dict[str, list[PageSpec]] = {}
    for spec in PAGES:
        if role in spec.roles:
            sections.setdefault(spec.group, []).append(spec)
    for group, specs in sections.items():
        st.caption(t(group))
        for spec in specs:
            st.page_link(pages[spec.path], label=pages[spec.path].title, icon=spec.icon, width="stretch")


def not_for_role(spec: PageSpec, pages: dict[str, st.Page]) -> None:
    """A page the user's role does not have (typed or bookmarked): say so, and offer the home page."""
    roles = listed(t("role." + r) for r in ROLES if r in spec.roles)
    st.warning(t("nav.not_for_role", page=t(spec.title), roles=roles, role=t("role." + me().role)),
               icon=":material/block:")
    home = pages[PAGES[0].path]
    st.page_link(home, label=home.title, icon=PAGES[0].icon)


def can_open(path: str) -> bool:
    return any(spec.path == path and me().role in spec.roles for spec in PAGES)


def link(path: str, label: str, matter_id: int | None = None, icon: str | None = None) -> None:
    """A link to another page of the user's, carrying the matter (only pages the role has are linked)."""
    if can_open(path):
        st.page_link(path, label=label, icon=icon, query_params={"matter": matter_id} if matter_id else None)


def go(path: str, matter_id: int | None = None) -> None:
    st.switch_page(path, query_params={"matter": matter_id} if matter_id else None)


# --- services and their problems --------------------------------------------------------------------------


def problem_text(problem: Problem, *, with_place: bool = True, labels: Mapping[str, str] | None = None) -> str:
    """A problem in the user's words. A problem in a table row is placed by row and column label (`labels`:
    field name → label); other places as the problem gives them (file, line, id), unless `with_place` is off
    (the problem is drawn at its question)."""
    params = dict(problem.params)
    if params.get("role") in ROLES:
        params["role"] = t("role." + params["role"])
    body = problem.code.text(lang(), **params)
    where = problem.where
    if where.row:
        field = (labels or {}).get(where.field or "", where.field)
        place = t("form.row", row=where.row) + (f" · {field}" if field else "")
    else:
        place = where.render(lang()) if with_place else ""
    return f"{place}{colon() if place else ''}{body} ({problem.code.code})"


def show_problems(problems: list[Problem], *, labels: Mapping[str, str] | None = None) -> None:
    for problem in problems:
        st.error(problem_text(problem, labels=labels), icon=":material/error:")


def call(service: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a service; if it refuses, its problems are shown and None is returned."""
    try:
        return service(*args, **kwargs)
    except WenpingError as error:
        show_problems(error.problems)
        return None


def remember_problems(key: str, service: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """For callbacks (which run before the page draws): keep the problems to show on the page."""
    try:
        result = service(*args, **kwargs)
    except WenpingError as error:
        st.session_state[key] = error.problems
        return None
    st.session_state.pop(key, None)
    return result


def shown_problems(key: str) -> None:
    show_problems(st.session_state.pop(key, []))


# --- matters ----------------------------------------------------------------------------------------------


def matter_id_from_url() -> int | None:
    raw = st.query_params.get("matter", "")
    return int(raw) if raw.isdigit() else None


def chosen_matter(states: tuple[str, ...] = ()) -> int | None:
    """The matter named in the address, or one the user picks among those in the given states."""
    matter_id = matter_id_from_url()
    if matter_id is not None:
        if call(app_queries.can_view, read(), me(), matter_id):
            return matter_id
        # One message whether it does not exist or belongs to a unit out of reach: ids cannot be probed.
        st.error(t("matter.unavailable", id=matter_id), icon=":material/block:")
        return None
    page = call(submissions.list_matters, read(), me(), QueueFilter(states=states), limit=200)
    if page is None or not page.items:
        st.info(t("matter.none_to_pick"))
        return None
    options = {m.id: f"#{m.id} {m.title}" + paren(state_text(m.state)) for m in page.items}
    picked = st.selectbox(t("matter.pick"), list(options), index=None, format_func=options.get,
                          placeholder=t("matter.pick_placeholder"))
    if picked is not None:
        st.query_params["matter"] = str(picked)
        st.rerun()
    return None


def state_text(state: str) -> str:
    return t(f"state.{state}")


def level_badge(level: str | None, prefix: str = "") -> None:
    if level is None:
        st.badge(f"{prefix}{t('level.none')}", color="gray")
    else:
        st.badge(f"{prefix}{t('level.' + level)}", color=LEVEL_COLOURS[level])


def state_badge(state: str) -> None:
    st.badge(state_text(state), color=STATE_COLOURS.get(state, "gray"))


def matter_header(summary) -> None:
    """Title, kind, unit, state and level of a matter (user text goes out as plain text, never as HTML)."""
    kind_title = app_queries.kind_titles().get(summary.kind)
    st.subheader(f"\\#{summary.id} {plain(summary.title)}", anchor=False)
    row = st.container(horizontal=True, vertical_alignment="center")
    with row:
        state_badge(summary.state)
        level_badge(summary.level, prefix=t("matter.level_prefix"))
        st.caption(f"{text(kind_title) or summary.kind} · {plain(summary.unit_name)} · "
                   f"{t('matter.revision', number=summary.current_revision)}")


def matter_steps(matter_id: int, current: str) -> None:
    """The department's path through one matter: fill → result → measures → submit."""
    steps = [("app_pages/fill.py", "page.fill"), ("app_pages/result.py", "page.result"),
             ("app_pages/measures.py", "page.measures"), ("app_pages/submit.py", "page.submit")]
    row = st.container(horizontal=True)
    with row:
        for number, (path, key) in enumerate(steps, start=1):
            label = f"{number}. {t(key)}"
            if path == current:
                st.markdown(f"**{label}**")
            else:
                link(path, label, matter_id)


def when(moment: datetime | date | None, *, with_time: bool = True) -> str:
    """A stored time (naive UTC) in local time; a date as it is."""
    if moment is None:
        return "-"
    if isinstance(moment, datetime):
        local = moment.replace(tzinfo=timezone.utc).astimezone(LOCAL_TZ)
        return local.strftime("%Y-%m-%d %H:%M" if with_time else "%Y-%m-%d")
    return moment.isoformat()


def text_px(value: Any) -> int:
    """About how many pixels a table cell's text takes: CJK characters are about twice as wide as Latin ones."""
    return sum(14 if unicodedata.east_asian_width(c) in "WF" else 8 for c in str(value))


def fitted_columns(frame: pd.DataFrame, *, wide: str, wide_px: int = 260, limit: int = 160) -> dict[str, Any]:
    """Column widths that fit each column's header and values (up to `limit` pixels), in any language, so that
    the columns that matter stay on screen; the `wide` one (the matter's title, say) gets `wide_px`."""
    fitted = {column: min(limit, max(text_px(v) for v in [column, *frame[column]]) + 24) for column in frame.columns}
    return {column: st.column_config.Column(width=wide_px if column == wide else px) for column, px in fitted.items()}


def plain(value: str) -> str:
    """User text placed into markdown: special characters escaped so it shows as typed."""
    specials = "\\`*_{}[]()#+-.!|<>~$"
    return "".join(f"\\{c}" if c in specials else c for c in value)


def page_offset(key: str, size: int) -> int:
    """Where the list starts, from the page number chosen with `pager` (drawn under the list)."""
    return (max(1, int(st.session_state.get(key, 1))) - 1) * size


def pager(key: str, total: int, size: int) -> None:
    pages = max(1, -(-total // size))
    if st.session_state.get(key, 1) > pages:
        st.session_state[key] = 1
    left, right = st.columns([1, 4], vertical_alignment="bottom")
    with left:
        st.number_input(t("list.page", pages=pages), min_value=1, max_value=pages, step=1, key=key, disabled=pages == 1)
    right.caption(t("list.total", total=total))


def static_table(rows: list[dict[str, Any]]) -> None:
    """A table that shows every row and wraps long text; cells may hold user text, so it is escaped."""
    frame = pd.DataFrame([{plain(str(k)): plain("-" if v is None else str(v)) for k, v in row.items()} for row in rows])
    st.table(frame, hide_index=True)


# --- punctuation: full-width in Chinese, ASCII in English ---------------------------------------------------


def colon() -> str:
    return t("punct.colon")


def listed(items) -> str:
    """Items joined as a list (、 in Chinese)."""
    return t("punct.list").join(items)


def clauses(items) -> str:
    """Clauses joined (； in Chinese)."""
    return t("punct.semicolon").join(items)


def paren(inner: Any) -> str:
    return t("punct.paren", text=inner)
