"""审核: the submission's result, what changed since the previous revision, the review history, the reviewer's
actions (comment, return, override the level with a reason, approve with a decision) and the downloads."""

import streamlit as st

from app_pages import ui
from app_pages.result_panels import history, show_result
from assessment.services import app_queries, review, submissions
from assessment.services.views import DECISIONS, LEVELS

me = ui.me()
st.title(ui.t("page.review"))
matter_id = ui.chosen_matter(states=("submitted", "in_review", "returned", "approved"))
if matter_id is None:
    st.stop()
detail = ui.call(submissions.get_matter, ui.read(), me, matter_id)
if detail is None:
    st.stop()
frozen = [r for r in detail.revisions if r.result is not None]
view = ui.call(app_queries.result_view, ui.read(), me, matter_id,
               revision=frozen[-1].number if frozen else None, lang=ui.lang())
if view is None:
    st.stop()
summary = detail.summary
ui.matter_header(summary)
problems_key = f"review-problems-{matter_id}"
if flash := st.session_state.pop(f"review-flash-{matter_id}", None):
    st.success(flash, icon=":material/check_circle:")
ui.shown_problems(problems_key)


def acted(result, message: str) -> None:
    if result is not None:
        st.session_state[f"review-flash-{matter_id}"] = message
        st.rerun()


def send_comment() -> None:
    """The comment button's callback: on success the box is emptied for the next comment."""
    state = st.session_state
    if ui.remember_problems(problems_key, review.comment, ui.uow(), me, matter_id,
                            state["review-comment-text"]) is not None:
        state["review-comment-text"] = ""
        state[f"review-flash-{matter_id}"] = ui.t("review.commented")


# --- actions -------------------------------------------------------------------------------------------------

if summary.state in review.PENDING:
    if summary.state == "submitted" and st.button(ui.t("review.start"), key="review-start", icon=":material/play_arrow:"):
        acted(ui.call(review.start_review, ui.uow(), me, matter_id, expected_version=summary.version), ui.t("review.started"))
    comment_tab, return_tab, override_tab, approve_tab = st.tabs(
        [ui.t("review.comment"), ui.t("review.return"), ui.t("review.override"), ui.t("review.approve")])
    with comment_tab, st.form("review-comment"):
        st.text_area(ui.t("review.comment_text"), max_chars=2000, key="review-comment-text")
        st.form_submit_button(ui.t("review.comment"), key="review-comment-send", on_click=send_comment)
    with return_tab, st.form("review-return"):
        reason = st.text_area(ui.t("review.return_reason"), max_chars=2000, key="review-return-reason")
        if st.form_submit_button(ui.t("review.return"), key="review-return-send"):
            acted(ui.call(review.return_for_revision, ui.uow(), me, matter_id, expected_version=summary.version,
                          reason=reason), ui.t("review.returned"))
    with override_tab, st.form("review-override"):
        level = st.selectbox(ui.t("review.new_level"), LEVELS, format_func=lambda v: ui.t("level." + v),
                             index=LEVELS.index(summary.level) if summary.level in LEVELS else 0, key="review-level")
        why = st.text_area(ui.t("review.override_reason"), max_chars=2000, key="review-override-reason")
        if st.form_submit_button(ui.t("review.override"), key="review-override-send"):
            acted(ui.call(review.override_level, ui.uow(), me, matter_id, expected_version=summary.version,
                          level=level, reason=why), ui.t("review.overridden"))
    with approve_tab, st.form("review-approve"):
        advised = view.assessment.decision.decision if view.assessment else DECISIONS[0]
        decision = st.selectbox(ui.t("review.decision"), DECISIONS, index=DECISIONS.index(advised),
                                format_func=lambda d: ui.t("decision." + d), key="review-decision")
        note = st.text_area(ui.t("review.approve_comment"), max_chars=2000, key="review-approve-comment")
        if st.form_submit_button(ui.t("review.approve"), type="primary", key="review-approve-send"):
            acted(ui.call(review.approve, ui.uow(), me, matter_id, expected_version=summary.version, decision=decision,
                          comment=note), ui.t("review.approved"))
elif summary.state == "returned":
    st.info(ui.t("review.waiting_for_revision"), icon=":material/undo:")

# --- downloads -----------------------------------------------------------------------------------------------

if frozen:
    st.subheader(ui.t("review.downloads"), anchor=False)
    row = st.container(horizontal=True)
    for fmt in app_queries.REPORT_FORMATS:
        key = f"report-{matter_id}-{frozen[-1].number}-{fmt}-{ui.lang()}"
        with row:
            if key in st.session_state:
                report = st.session_state[key]
                st.download_button(ui.t("review.download", fmt=fmt.upper()), report.content, file_name=report.filename,
                                   mime=report.mime, on_click="ignore", key=f"get-{fmt}", icon=":material/download:")
            elif st.button(ui.t("review.prepare", fmt=fmt.upper()), key=f"make-{fmt}", icon=":material/description:"):
                with st.spinner(ui.t("review.preparing", fmt=fmt.upper())):
                    report = ui.call(app_queries.download, ui.read(), me, matter_id, fmt, ui.lang())
                if report is not None:
                    st.session_state[key] = report
                    st.rerun()

# --- history and changes -------------------------------------------------------------------------------------

history(view)
if len(frozen) >= 2:
    st.subheader(ui.t("review.changes", old=frozen[-2].number, new=frozen[-1].number), anchor=False)
    diff = ui.call(submissions.diff_revisions, ui.read(), me, matter_id, frozen[-2].number, frozen[-1].number)
    answers = app_queries.answer_text(summary.kind, ui.lang())
    if diff is not None and diff.empty:
        st.caption(ui.t("review.no_changes"))
    elif diff is not None:
        rows = [{ui.t("review.item"): answers.label(c.key), ui.t("review.old"): answers.text(c.key, c.old),
                 ui.t("review.new"): answers.text(c.key, c.new)} for c in diff.answers]
        rows += [{ui.t("review.item"): ui.t("review.measure_n", n=c.key),
                  ui.t("review.old"): app_queries.measure_line(c.old, ui.lang()),
                  ui.t("review.new"): app_queries.measure_line(c.new, ui.lang())} for c in diff.measures]
        rows += [{ui.t("review.item"): ui.t("review.result." + c.key), ui.t("review.old"): str(c.old),
                  ui.t("review.new"): str(c.new)} for c in diff.result]
        ui.static_table(rows)

st.divider()
st.caption(ui.t("review.showing", number=view.revision.number, state=ui.state_text(view.revision.state)))
show_result(view)
