"""Wenping (稳评): the Streamlit entry. Language, login, and the pages the user's role may see."""

import streamlit as st

from app_pages import account, ui

st.set_page_config(page_title=ui.t("app.name"), page_icon=":material/balance:", layout="wide")

who = account.signed_in()
if who is None:
    # Every page is registered, hidden, so that an address typed before logging in opens after it.
    st.navigation(ui.navigation_for(None), position="hidden")
    account.login_form()
else:
    page = st.navigation(ui.navigation_for(who.role), position="sidebar", expanded=True)
    account.sidebar(who)
    page.run()
