"""Django's own date rendering (a bare `{{ date }}`, `|date` without a format, admin lists)
in the house style, so a forgotten filter still shows 2026-12-02 and not 2026年12月2日 or
12/02/2026 8:55 p.m. Input formats stay Django's defaults, which accept ISO dates."""

DATE_FORMAT = "Y-m-d"
SHORT_DATE_FORMAT = "Y-m-d"
DATETIME_FORMAT = "Y-m-d H:i"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
TIME_FORMAT = "H:i"
YEAR_MONTH_FORMAT = "Y-m"
MONTH_DAY_FORMAT = "m-d"
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
