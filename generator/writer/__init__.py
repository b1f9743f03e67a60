"""The writer: Markdown in the sources' dialect to a .docx in the brand template.

`converter.Converter` is its API (as python-docx's `docx` package is to its `oxml`
layer): it loads the brand template once (`brand`) and converts many documents, the
renderer (`render`) writing their body and `package` the reproducible zip. Importing a
submodule (`oxml`, `package`) loads only what it needs.
"""
