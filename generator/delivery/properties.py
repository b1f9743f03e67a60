"""What a document says about itself: the properties Word shows (title, author, language)
and the custom ones a returned copy is known by (assignment, document, version, date, the
digest of its content, the source commit), which Word and LibreOffice keep on save."""

from __future__ import annotations

import hashlib
from typing import Any

from generator.delivery.planning import Job
from generator.delivery.stamps import Stamp
from generator.source.firm import Firm
from generator.writer.converter import DocumentMeta

LANGUAGE_TAGS = {"nl": "nl-BE", "en": "en-GB", "fr": "fr-BE"}


def content_digest(markdown: str) -> str:
    """What a document says, as one digest: `interim review` knows by it that a returned
    file's version renders again to the very text that was sent."""
    return "sha256:" + hashlib.sha256(markdown.encode("utf-8")).hexdigest()


def document_meta(job: Job, stamp: Stamp, doc: dict[str, Any], markdown: str, terms: Any,
                  firm: Firm) -> DocumentMeta:
    """The document's properties: what Word shows, and what a returned copy is known by
    (assignment, document, version, date, content digest, source commit)."""
    a, occasion = stamp.known, doc["occasion"]
    return DocumentMeta(
        title=f"{doc['title']} {occasion}" if occasion else doc["title"],
        subject=a.title,
        author=a.person(a.interim_manager).name,
        company=firm.name,
        client=a.client.name,
        version=stamp.version,
        date_text=doc["date_text"],
        timestamp=stamp.timestamp,
        language=LANGUAGE_TAGS[a.language],
        status_label=str(terms.draft) if doc["draft"] else "",
        confidential_label=str(terms.confidential) if a.confidential else "",
        keywords=f"{a.id}, {job.kind.id}",
        placeholders={"page_label": str(terms.page_label), "of_label": str(terms.of_label),
                      "footer": firm.footer_for(a.language)},
        custom_properties={
            "assignment": a.id,
            "document": job.kind.id,
            "version": stamp.version,
            "date": stamp.date.isoformat(),
            "content-digest": content_digest(markdown),
            **({"document-name": job.instance.name}
               if job.instance.name != job.kind.id else {}),
            **({"source-commit": stamp.commit} if stamp.commit else {}),
        },
    )
