"""Delivery: from a validated assignment to the files a client receives.

`planning` asks each document kind what may be built now; `stamps` dates and numbers
each document from its facts; `build` renders the jobs (documents -> Markdown -> the
writer) and writes them atomically, forked by `parallel`; `pdf` lays them out in
LibreOffice (`pdf_profile`, `fonts`); `redline/` compares two versions of a document.
"""
