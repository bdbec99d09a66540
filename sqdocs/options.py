"""How documents are to look, chosen by whoever builds them: a Word template folder, a font,
a pinned document date. Every writer takes these; none of them changes what a document says."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqdocs.model import Plan


@dataclass(frozen=True)
class BuildOptions:
    """Choices that change how documents look, not what they say."""

    templates: Path | None = None
    font: Path | None = None
    document_date: date | None = None
    """Overrides the data's document date (``SOURCE_DATE_EPOCH``), for archives that pin one."""

    def dated(self, plan: Plan) -> Plan:
        """``plan`` as these options date it: issued on ``document_date`` when one is pinned."""
        if self.document_date is None:
            return plan
        return dataclasses.replace(plan, body=plan.body.model_copy(update={"issued": self.document_date}))


def chosen(options: BuildOptions | None) -> BuildOptions:
    """``options``, or the defaults when a caller passed none."""
    return options if options is not None else BuildOptions()
