"""Pure domain: models and logic. Imports no streamlit, no sqlalchemy, no I/O frameworks."""
