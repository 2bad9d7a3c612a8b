"""The error report of an import, as a CSV a user can open in Excel next to the file."""

import csv
import io

from django.utils.translation import gettext as _

from .exporting import neutralise

# The preview page lists this many errors; the downloadable report lists all of them.
PREVIEW_ERROR_LIMIT = 1_000


def error_report_csv(errors) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow([_("行号"), _("列"), _("问题")])
    for error in errors:
        writer.writerow([error.row, neutralise(error.column), neutralise(str(error.message))])
    return ("\ufeff" + out.getvalue()).encode()
