"""The exception reports are a package of one module per report, found without a central list."""

import pkgutil

import pytest

import audits.reports as reports_package
from audits.reports import REPORTS, REPORTS_IN_ORDER
from audits.reports.base import Report, register


def test_every_report_module_registers_exactly_its_report():
    modules = {m.name for m in pkgutil.iter_modules(reports_package.__path__)} - {"base"}
    registered = {r.rows.__module__.rsplit(".", 1)[-1] for r in REPORTS.values()}
    assert registered == modules
    assert len(REPORTS) == len(modules)


def test_reports_are_listed_in_their_declared_order():
    assert [r.slug for r in REPORTS_IN_ORDER][:7] == [
        "above-standard",
        "shared-bank-account",
        "no-visit",
        "changed-after-approval",
        "self-approval",
        "two-organisations",
        "overdue-and-paid",
    ]


def test_a_second_report_with_a_taken_slug_is_refused():
    with pytest.raises(ValueError, match="above-standard"):
        register(Report("above-standard", "x", "x", [], lambda user: iter(())))
    assert REPORTS["above-standard"].title != "x"
