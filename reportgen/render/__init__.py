"""Render: one document's HTML to its output formats.

``to_pdf`` lays the HTML out with WeasyPrint and ``templates/print.css``; ``to_docx`` walks
the same HTML to build the Word document; ``fonts`` checks that the machine has a Times
New Roman compatible font with Vietnamese coverage.
"""
