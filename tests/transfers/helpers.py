"""Building roster files in memory for the transfer tests."""

import csv
import datetime
import io

from openpyxl import Workbook
from stdnum.cn import ric

from cases.transfers.people import PEOPLE_COLUMNS

_BIRTH0 = datetime.date(1960, 1, 1)


def id_number(n: int, gender: str = "M", area: str = "410102") -> str:
    """A distinct valid ID number for every n below 7,500,000, cheap enough for 200,000 rows."""
    birth = _BIRTH0 + datetime.timedelta(days=n % 15000)
    seq = (n // 15000) % 500
    body = f"{area}{birth:%Y%m%d}{seq * 2 + (1 if gender == 'M' else 0):03d}"
    number = body + ric.calc_check_digit(body + "0")
    if number.endswith("000") and area == "410102":
        # the import refuses such a number as one Excel cut: use a county no other n uses
        return id_number(n, gender, area="410103")
    return number


def roster_row(n: int, org: str, **overrides) -> dict:
    gender = overrides.pop("gender_code", "M" if n % 2 else "F")
    row = {
        "姓名": f"职工{n}",
        "身份证号": id_number(n, gender),
        "性别": "男" if gender == "M" else "女",
        "手机号码": f"139{n:08d}",
        "所在单位": org,
        "岗位": "教师",
        "开户行": "中国工商银行",
        "银行账号": f"622202{n:09d}1",  # a last digit of 0 would look cut by Excel
    }
    row.update(overrides)
    return row


def csv_bytes(rows: list[dict], *, encoding: str = "utf-8", header=PEOPLE_COLUMNS) -> bytes:
    out = io.StringIO(newline="")
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(h, "") for h in header])
    return out.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], header=PEOPLE_COLUMNS) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for row in rows:
        sheet.append(row if isinstance(row, list) else [row.get(h, "") for h in header])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
