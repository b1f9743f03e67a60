"""The source layer: an assignment's files to a validated, typed model.

In the order the data takes: `safety` (paths and text a document may hold) and
`reading` (YAML with every value's line, includes, the one guarded opener) read the
files; `values`, `records` and `references` turn YAML into typed records; `loading`
is the one way from a file to a model, with `rules/` (the format's rules) checking
`model`; `history` answers what the model knows on a date; `project` finds a
repository's assignments and firm and loads them whole. `dialect` is the Markdown the
sources are written in, shared with the writer. Beside the way: `kinds` (the document
kinds' ids, the one list), `schema` (the JSON Schema for editors) and `scaffold`
(`interim init`). Nothing here imports the documents, the writer or delivery.
"""
