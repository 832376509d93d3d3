"""Wenping (稳评): the Streamlit entry. Language, login, and the pages the user's role may see."""

import streamlit as st

from app_pages import account, ui

st.set_page_config(page_title=ui.t("app.name"), page_icon=":material/balance:", layout="wide")

who = account.signed_in()
pages = ui.navigation()
page = st.navigation(list(pages.values()), position="hidden")  # the sidebar lists only the role's pages
if who is None:
    account.login_form()  # an address typed before logging in opens after it
else:
    account.sidebar(who, pages)
    spec = ui.spec_of(page, pages)
    if who.role in spec.roles:
        page.run()
    else:
        ui.not_for_role(spec, pages)
