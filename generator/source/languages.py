"""The document languages, below the model: the one list the model, the CLI's choices,
the formats (generator.documents.templating.LOCALES) and the terms files follow.
Nothing from the generator is imported here: the CLI reads it before any command runs.
"""

from __future__ import annotations

import typing
from typing import Literal

Language = Literal["nl", "en", "fr"]
"""Dutch (Belgium), English (UK), French (Belgium): templates/<language>/terms.yaml each."""

LANGUAGES: tuple[Language, ...] = typing.get_args(Language)
