"""The environment a test gives `make`: free of what the make that runs the tests passed on.

`make test PYTHON=/usr/bin/python3 VENV=.venv-debian` (CI's second pass) exports its
command-line variables to every process under it, pytest included: a project a test makes
would then look for its generator in `.venv-debian` and install one there.
"""

from __future__ import annotations

import os

# The variables of our Makefiles a caller may set, and make's own hand-down of them.
MAKE_VARIABLES = ("PYTHON", "VENV", "OUT", "INTERIM", "ASSIGNMENT", "AS_OF", "DOC", "FROM", "TO",
                  "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")


def make_env(**extra: str) -> dict[str, str]:
    """This process's environment without make's variables, plus `extra`."""
    return {k: v for k, v in os.environ.items() if k not in MAKE_VARIABLES} | extra
