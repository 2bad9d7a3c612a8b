"""Exception reports: one module per report, each registering itself in `REPORTS`.

Adding a report is adding a module here that calls `base.register(Report(...))`: the package
imports every module it contains, so nothing else needs editing. `Report.position` orders the
index page; the slug is the URL and must be unique.
"""

import importlib
import pkgutil

from .base import REPORTS, Report, Row

for _module in pkgutil.iter_modules(__path__):
    if _module.name != "base":
        importlib.import_module(f"{__name__}.{_module.name}")

REPORTS_IN_ORDER: list[Report] = sorted(REPORTS.values(), key=lambda r: (r.position, r.slug))

__all__ = ["REPORTS", "REPORTS_IN_ORDER", "Report", "Row"]
