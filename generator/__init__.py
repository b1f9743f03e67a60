"""interim-docs: an assignment's YAML and Markdown to client-ready Word documents.

The packages follow the data, one way: `source/` (files -> validated model),
`documents/` (the document kinds and their Jinja templates -> Markdown), `writer/`
(Markdown -> .docx in the brand template), `delivery/` (planning, building, PDF,
redlines). `cli.py` is the thin command; `errors.py` and `bundled.py` serve them all.
"""
