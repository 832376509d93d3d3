"""report.docx (the editable layout) and build_template.py, which regenerates it."""
