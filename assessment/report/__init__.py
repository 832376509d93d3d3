"""The assessment report: a Word template in the GB/T 9704 layout, charts, and PDF through LibreOffice."""
