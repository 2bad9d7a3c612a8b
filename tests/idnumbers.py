"""Valid resident ID numbers for tests and demo data (check digit computed by python-stdnum)."""

import datetime
import random

from cases.idnumbers import check_digit_for

AREA_CODES = ["110101", "310104", "410102", "420102", "440106", "510104", "330106", "320102"]


def make_id_number(
    birth: datetime.date | None = None,
    gender: str = "M",
    *,
    area: str = "410102",
    sequence: int | None = None,
    rng: random.Random | None = None,
) -> str:
    """An 18-character ID number whose gender digit and check digit are right."""
    rng = rng or random
    birth = birth or datetime.date(1980, 1, 1) + datetime.timedelta(days=rng.randrange(0, 12000))
    seq = sequence if sequence is not None else rng.randrange(0, 500)
    seq = seq % 500
    gender_digit = (seq * 2 + (1 if gender == "M" else 0)) % 1000
    body = f"{area}{birth:%Y%m%d}{gender_digit:03d}"
    return body + check_digit_for(body)
