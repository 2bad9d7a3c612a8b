"""One upload → preview → confirm flow; each import supplies only its own steps.

An import (the roster, a campaign list, a bank result file) subclasses `ImportFlow` and says
who may use it, what it imports into (`target`: a campaign, a batch, or nothing), how to count
a file's rows cheaply, how to check it (the preview) and how to apply it (all rows or none).
Storage of the file, the preview kept server-side, the background jobs for large files, the
pages and the error report are the same for all of them.
"""

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from core.formatting import neutralise

# The preview page lists this many errors; the downloadable report lists all of them.
PREVIEW_ERROR_LIMIT = 1_000

Progress = Callable[..., None] | None


@dataclass
class Checked:
    """What checking or applying a file found: the counts, and every problem by row and column."""

    summary: dict[str, Any]
    errors: list[Any] = field(default_factory=list)  # objects with .row, .column, .message
    committed: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def as_preview(self) -> dict[str, Any]:
        """What the preview page shows, small enough to keep on the upload's row."""
        return {
            "summary": self.summary,
            "errors": [
                {"row": e.row, "column": e.column, "message": str(e.message)}
                for e in self.errors[:PREVIEW_ERROR_LIMIT]
            ],
            "error_count": len(self.errors),
        }


@dataclass
class Problem:
    """A problem found in a file: the row (as the spreadsheet numbers it), the column, why."""

    row: int | str
    column: str
    message: str


def error_report_csv(errors) -> bytes:
    """Every error as a CSV a user can open in Excel next to the file."""
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([_("行号"), _("列"), _("问题")])
    for error in errors:
        writer.writerow([error.row, neutralise(error.column), neutralise(str(error.message))])
    return ("\ufeff" + out.getvalue()).encode()


# Defaults, each overridable in settings: 20 MB holds about 200,000 roster rows as CSV, about
# the federation's whole membership; a larger file is a mistake.
DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_ROWS = 200_000


def max_upload_bytes() -> int:
    return int(getattr(settings, "RELIEF_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES))


class ImportFlow:
    """The steps one import supplies; the machinery in `uploads.views` and `uploads.jobs` runs them.

    `url_names` names the four URLs of the flow (keys "upload", "preview", "confirm", "errors";
    namespaced names such as "cases:people_import"), each taking `url_kwargs(target)`.
    """

    purpose: str = ""
    title: str = ""
    url_names: dict[str, str] = {}
    format_template: str = ""  # the "file format" card of the upload page
    summary_template: str = ""  # the counts of a preview and of a result
    result_note: str = ""
    accept: str = ".xlsx,.csv"
    offer_again: bool = True  # the result page offers another upload
    # Up to this many data rows the page answers at once; above it a background job does the work.
    sync_rows: int = 5_000
    preview_kind: str = ""
    apply_kind: str = ""

    # -- who and what -------------------------------------------------------------------------
    def allowed(self, user) -> bool:
        raise NotImplementedError

    def target_for(self, request, **url_kwargs) -> Any:
        """The record imported into, in the user's scope (404 otherwise), or None."""
        return None

    def target_in_job(self, key: str, user) -> Any:
        """The same target, found again by the worker from the upload's `target` key."""
        return None

    def target_key(self, target) -> str:
        return "" if target is None else str(target.pk)

    def url_kwargs(self, target) -> dict[str, Any]:
        return {} if target is None else {"pk": target.pk}

    def page_context(self, target) -> dict[str, Any]:
        return {}

    # -- the file ------------------------------------------------------------------------------
    def max_bytes(self, target) -> int:
        """The largest file this import takes (setting `RELIEF_UPLOAD_MAX_BYTES`)."""
        return max_upload_bytes()

    def max_rows(self, target) -> int:
        """The most data rows this import takes (setting `RELIEF_UPLOAD_MAX_ROWS`)."""
        return int(getattr(settings, "RELIEF_UPLOAD_MAX_ROWS", DEFAULT_MAX_ROWS))

    def too_many_rows(self, rows: int, limit: int, target) -> str:
        """The refusal of a file with more than `max_rows` rows: what to do about it."""
        return _("文件有 %(rows)d 行数据，超过上限 %(limit)d 行，请拆分后分批导入。") % {
            "rows": rows,
            "limit": limit,
        }

    def count_rows(self, data: bytes) -> int:
        """An upper bound of the data rows, cheaply; raises RuleViolation for an unreadable file."""
        raise NotImplementedError

    def check(
        self, data: bytes, *, filename: str, user, target, progress: Progress = None
    ) -> Checked:
        """Validate every row and change nothing."""
        raise NotImplementedError

    def apply(
        self, data: bytes, *, filename: str, user, target, progress: Progress = None
    ) -> Checked:
        """Import every row or none; `committed` says which."""
        raise NotImplementedError

    def confirm_text(self, summary: dict[str, Any]) -> str:
        """What confirming will do, in one sentence."""
        raise NotImplementedError

    def done_message(self, summary: dict[str, Any]) -> str:
        """The one-line outcome a background import reports."""
        raise NotImplementedError

    def links(self, target) -> list[tuple[str, str]]:
        """(label, url) offered on the result page."""
        return []
