"""Demo seeder: organisations, users, people (order 10).

Everything comes from `ctx.rng` and a Faker seeded with `ctx.seed`, so a seed always gives the
same federation, the same users and the same people. People are bulk-inserted with their history
rows (`bulk_create_with_history`) so `--people 100000` takes seconds, not hours.
"""

import datetime
import itertools
import random
import time
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from faker import Faker
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from accounts.roles import Role, ensure_role_groups
from cases.idnumbers import check_digit_for
from cases.models import EmploymentStatus, Gender, Organisation, Person, Sector
from cases.services import save_organisation
from core.demo import DemoContext, register

ROOT_CODE = "FED"
ROOT_NAME = "市教科文卫体工会"
DEMO_PASSWORD = "Relief-demo-2026"  # noqa: S105 - printed by seed_demo on purpose
DEMO_REASON = "演示数据"

# (code, name, sector, parent code or None for the federation)
GRASSROOTS_UNIONS: list[tuple[str, str, str, str | None]] = [
    ("EDU01", "市第一中学工会", Sector.EDUCATION, None),
    ("EDU02", "市实验中学工会", Sector.EDUCATION, None),
    ("EDU03", "市第二实验小学工会", Sector.EDUCATION, None),
    ("EDU04", "市外国语学校工会", Sector.EDUCATION, None),
    ("EDU05", "市师范学院工会", Sector.EDUCATION, None),
    ("EDU06", "市职业技术学院工会", Sector.EDUCATION, None),
    ("EDU07", "市特殊教育学校工会", Sector.EDUCATION, None),
    ("HEA01", "市第一人民医院工会", Sector.HEALTH, None),
    ("HEA0101", "市第一人民医院内科分工会", Sector.HEALTH, "HEA01"),
    ("HEA0102", "市第一人民医院外科分工会", Sector.HEALTH, "HEA01"),
    ("HEA0103", "市第一人民医院护理部分工会", Sector.HEALTH, "HEA01"),
    ("HEA02", "市中心医院工会", Sector.HEALTH, None),
    ("HEA03", "市中医院工会", Sector.HEALTH, None),
    ("HEA04", "市妇幼保健院工会", Sector.HEALTH, None),
    ("HEA05", "市传染病医院工会", Sector.HEALTH, None),
    ("HEA06", "市疾病预防控制中心工会", Sector.HEALTH, None),
    ("HEA07", "市急救中心工会", Sector.HEALTH, None),
    ("SCI01", "市农业科学院工会", Sector.SCIENCE, None),
    ("SCI02", "市科学技术情报研究所工会", Sector.SCIENCE, None),
    ("SCI03", "市环境保护科学研究院工会", Sector.SCIENCE, None),
    ("SCI04", "市科技馆工会", Sector.SCIENCE, None),
    ("SCI05", "市计量测试研究院工会", Sector.SCIENCE, None),
    ("CUL01", "市豫剧院工会", Sector.CULTURE, None),
    ("CUL02", "市歌舞剧院工会", Sector.CULTURE, None),
    ("CUL03", "市图书馆工会", Sector.CULTURE, None),
    ("CUL04", "市博物馆工会", Sector.CULTURE, None),
    ("CUL05", "市群众艺术馆工会", Sector.CULTURE, None),
    ("SPO01", "市体育运动学校工会", Sector.SPORTS, None),
    ("SPO02", "市体育中心工会", Sector.SPORTS, None),
    ("SPO03", "市游泳跳水运动管理中心工会", Sector.SPORTS, None),
    ("SPO04", "市全民健身指导中心工会", Sector.SPORTS, None),
]
OFFICER_UNION = "HEA01"

# (username, display name, role, organisation code or None for the federation, is_staff)
DEMO_USERS: list[tuple[str, str, Role, str | None, bool]] = [
    ("officer", "李帮扶", Role.CASE_OFFICER, OFFICER_UNION, False),
    ("finance", "王财务", Role.FINANCE, None, False),
    ("leader", "赵主席", Role.LEADER, None, False),
    ("auditor", "陈审计", Role.AUDITOR, None, False),
    ("admin", "系统管理员", Role.ADMINISTRATOR, None, True),
]

POSITIONS = {
    Sector.EDUCATION: ["教师", "班主任", "教研组长", "后勤保障", "行政人员", "校医"],
    Sector.HEALTH: ["医师", "主治医师", "护士", "护师", "药师", "检验技师", "行政人员"],
    Sector.SCIENCE: ["研究员", "助理研究员", "工程师", "技术员", "行政人员"],
    Sector.CULTURE: ["演员", "演奏员", "舞美设计", "馆员", "讲解员", "行政人员"],
    Sector.SPORTS: ["教练员", "运动员", "场馆管理", "裁判员", "行政人员"],
}
BANKS = [
    ("中国工商银行", "622202"),
    ("中国农业银行", "622848"),
    ("中国建设银行", "621700"),
    ("中国银行", "621661"),
    ("交通银行", "622262"),
    ("中国邮政储蓄银行", "621799"),
]
# Province + county codes (GB/T 2260) most of the city's staff come from.
AREA_CODES = [
    "410102",
    "410103",
    "410104",
    "410105",
    "410122",
    "410181",
    "410302",
    "410526",
    "411502",
    "412726",
    "130102",
    "340103",
    "420106",
    "370102",
]
# Given names by gender (Faker's zh_CN locale does not tell male and female names apart).
GIVEN_NAMES_MALE = (  # noqa: SIM905
    "伟 强 磊 军 勇 杰 涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 宁 浩 凯 健 俊 帆 帅 旭 宇 毅 峰 龙 "
    "建国 建华 志强 志明 国强 海波 文斌 晓东 子豪 浩然 宇轩 俊杰 振华 永刚 德明 家豪 博文 "
    "天宇 明轩 "
    "立新 卫东 红军 新民 庆丰 长青 春生 国庆 永强 文杰"
).split()
GIVEN_NAMES_FEMALE = (  # noqa: SIM905
    "芳 娜 敏 静 丽 艳 娟 霞 燕 玲 桂英 秀英 秀兰 玉兰 桂兰 丹 萍 红 洁 琳 雪 颖 倩 婷 "
    "慧 莉 晶 梅 琴 蕾 欣怡 梓涵 诗涵 雨桐 佳怡 思雨 晓燕 丽娟 海燕 春梅 秀珍 凤英 淑华 玉梅 "
    "婉婷 雅琴 晓丽 文静 美玲 佳琪 梦瑶 紫薇 雪梅 建英 红霞"
).split()
MOBILE_PREFIXES = ["130", "131", "132", "135", "136", "137", "138", "139", "150", "151", "152"]
MOBILE_PREFIXES += ["155", "156", "157", "158", "159", "166", "176", "177", "180", "182", "186"]
MOBILE_PREFIXES += ["187", "188", "189", "191", "198", "199"]


def make_id_number(
    rng: random.Random, birth: datetime.date, gender: str, area: str | None = None
) -> str:
    """A valid 18-character resident ID number (GB 11643 check digit) for the given gender."""
    area = area or rng.choice(AREA_CODES)
    order = rng.randrange(0, 500) * 2 + (1 if gender == Gender.MALE else 0)
    body = f"{area}{birth:%Y%m%d}{order:03d}"
    return body + check_digit_for(body)


def make_mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(0, 10**8):08d}"


def make_bank_account(rng: random.Random, prefix: str) -> str:
    return prefix + "".join(str(rng.randrange(10)) for _ in range(13))


def _random_birth_date(rng: random.Random) -> datetime.date:
    start = datetime.date(1958, 1, 1)
    return start + datetime.timedelta(days=rng.randrange(0, 365 * 42))


def _seed_organisations(ctx: DemoContext) -> list[Organisation]:
    root = save_organisation(
        Organisation(code=ROOT_CODE, name=ROOT_NAME, sector=""), reason=DEMO_REASON
    )
    by_code = {ROOT_CODE: root}
    for code, name, sector, parent_code in GRASSROOTS_UNIONS:
        parent = by_code[parent_code or ROOT_CODE]
        by_code[code] = save_organisation(
            Organisation(code=code, name=name, sector=sector, parent=parent), reason=DEMO_REASON
        )
    return list(by_code.values())


def _seed_users(organisations: list[Organisation]) -> dict[str, User]:
    ensure_role_groups()
    by_code = {o.code: o for o in organisations}
    groups = {g.name: g for g in Group.objects.all()}
    users = {}
    password_hash = make_password(DEMO_PASSWORD)  # hashing is slow on purpose: once is enough
    for username, display_name, role, org_code, is_staff in DEMO_USERS:
        user = User(
            username=username,
            display_name=display_name,
            organisation=by_code[org_code or ROOT_CODE],
            is_staff=is_staff,
        )
        user.password = password_hash
        user._change_reason = DEMO_REASON
        user.save()
        user.groups.add(groups[role.value])
        users[username] = user
    return users


def build_people(ctx: DemoContext, organisations: list[Organisation]) -> list[Person]:
    """Unsaved Person objects, the same for the same seed."""
    rng = ctx.rng
    fake = Faker("zh_CN")
    fake.seed_instance(ctx.seed)
    # Grassroots unions hold the staff; bigger units (hospitals, schools) get more people.
    units = [o for o in organisations if o.parent_id is not None]
    weights = [3 if o.sector in (Sector.HEALTH, Sector.EDUCATION) else 1 for o in units]
    cum_weights = list(itertools.accumulate(weights))
    # Faker is slow per call: draw pools once (its surnames keep their real frequencies).
    surnames = [fake.last_name() for _ in range(2000)]
    streets = [fake.street_name() for _ in range(400)]
    seen_ids: set[str] = set()
    shared_accounts: list[tuple[str, str]] = []
    people = []
    for _ in range(ctx.people):
        unit = rng.choices(units, cum_weights=cum_weights)[0]
        gender = Gender.MALE if rng.random() < 0.48 else Gender.FEMALE
        given = GIVEN_NAMES_MALE if gender == Gender.MALE else GIVEN_NAMES_FEMALE
        name = rng.choice(surnames) + rng.choice(given)
        birth = _random_birth_date(rng)
        id_number = make_id_number(rng, birth, gender)
        while id_number in seen_ids:
            id_number = make_id_number(rng, birth, gender)
        seen_ids.add(id_number)
        age = (ctx.today - birth).days // 365
        retired = age >= (60 if gender == Gender.MALE else 55)
        household_size = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5, 6])
        # Mostly ordinary incomes, a tail of households in real hardship.
        if rng.random() < 0.12:
            income = Decimal(rng.randrange(300, 2500))
        else:
            income = Decimal(rng.randrange(3000, 18000))
        bank_name, prefix = rng.choice(BANKS)
        account = make_bank_account(rng, prefix)
        # A handful of people share one bank account, as happens in real registers.
        if shared_accounts and rng.random() < 0.002:
            bank_name, account = rng.choice(shared_accounts)
        elif rng.random() < 0.002:
            shared_accounts.append((bank_name, account))
        health = unit.sector == Sector.HEALTH
        people.append(
            Person(
                name=name,
                gender=gender,
                id_number=id_number,
                id_tail=id_number[-4:],
                birth_date=birth,
                mobile=make_mobile(rng),
                organisation=unit,
                position=rng.choice(POSITIONS[unit.sector]),
                employment_status=(
                    EmploymentStatus.RETIRED if retired else EmploymentStatus.IN_SERVICE
                ),
                household_size=household_size,
                household_monthly_income=income.quantize(Decimal("0.01")),
                address=(
                    f"{rng.choice(streets)}{rng.randrange(1, 300)}号"
                    f"{rng.randrange(1, 20)}号楼{rng.randrange(1, 7)}单元"
                    f"{rng.randrange(101, 1802)}室"
                ),
                bank_name=bank_name,
                bank_account=account,
                is_frontline_medical=health and not retired and rng.random() < 0.3,
                is_hubei_team=health and not retired and rng.random() < 0.04,
                is_model_worker=rng.random() < 0.02,
                is_disabled=rng.random() < 0.02,
            )
        )
    return people


@register(order=10)
def seed_people(ctx: DemoContext) -> None:
    started = time.monotonic()
    organisations = _seed_organisations(ctx)
    users = _seed_users(organisations)
    ctx.say(f"组织 {len(organisations)} 个，用户 {len(users)} 个")
    people = build_people(ctx, organisations)
    created = bulk_create_with_history(
        people,
        Person,
        batch_size=2000,
        default_user=users["admin"],
        default_change_reason=DEMO_REASON,
    )
    ctx.data["organisations"] = organisations
    ctx.data["users"] = users
    ctx.data["person_ids"] = [p.pk for p in created]
    ctx.data["demo_password"] = DEMO_PASSWORD
    ctx.say(f"职工 {len(created)} 人（{time.monotonic() - started:.1f} s）")
