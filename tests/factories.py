"""Factories shared by every app's tests. Per-app factories extend these."""

import datetime
import itertools
from decimal import Decimal

import factory
from django.contrib.auth.models import Group
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role, ensure_role_groups
from cases.models import (
    Case,
    CaseCategory,
    FileStage,
    Organisation,
    Person,
    Sector,
    Visit,
    VisitKind,
)
from cases.services import save_organisation
from cases.services.file_tallies import record_new_file

from .idnumbers import make_id_number

_id_sequence = itertools.count(1)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"ORG{n:04d}")
    name = factory.Sequence(lambda n: f"第{n}中学工会")
    sector = Sector.EDUCATION
    parent = None

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return save_organisation(model_class(*args, **kwargs))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"用户{n}")
    organisation = factory.SubFactory(OrganisationFactory)
    password = factory.PostGenerationMethodCall("set_password", "pw-Relief-2026")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if not create:
            return
        self.save()  # the password set by the post-generation call above
        if extracted:
            # The groups come from post_migrate (after the test database's migrate and after each
            # flush); refreshing them for every user cost 116 queries a user.
            names = {str(r) for r in extracted}
            groups = list(Group.objects.filter(name__in=names))
            if len(groups) < len(names):
                ensure_role_groups()
                groups = list(Group.objects.filter(name__in=names))
            self.groups.add(*groups)


def make_user(role: Role | None, organisation: Organisation | None = None, **kwargs) -> User:
    roles = [role] if role else []
    if organisation is not None:
        kwargs["organisation"] = organisation
    return UserFactory(roles=roles, **kwargs)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"张{n}")
    gender = "M"
    id_number = factory.LazyAttribute(
        lambda o: make_id_number(
            datetime.date(1975, 3, 1) + datetime.timedelta(days=next(_id_sequence)),
            o.gender,
            sequence=next(_id_sequence),
        )
    )
    id_tail = factory.LazyAttribute(lambda o: o.id_number[-4:])
    birth_date = factory.LazyAttribute(
        lambda o: datetime.date(
            int(o.id_number[6:10]), int(o.id_number[10:12]), int(o.id_number[12:14])
        )
    )
    mobile = factory.Sequence(lambda n: f"138{n:08d}")
    organisation = factory.SubFactory(OrganisationFactory)
    household_size = 3
    household_monthly_income = Decimal("3000.00")
    bank_name = "中国工商银行"
    bank_account = factory.Sequence(lambda n: f"6222020200{n:09d}")


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    person = factory.SubFactory(PersonFactory)
    category = CaseCategory.HARDSHIP
    hardship_level = "relative"
    organisation = factory.LazyAttribute(lambda o: o.person.organisation)
    opened_by = factory.SubFactory(UserFactory)
    # A hardship case from the factory is a file in file, approved and reviewed this year.
    file_stage = factory.LazyAttribute(
        lambda o: FileStage.IN_FILE if o.category == CaseCategory.HARDSHIP else ""
    )
    file_approved_on = factory.LazyAttribute(
        lambda o: datetime.date(timezone.localdate().year, 1, 1) if o.file_stage else None
    )
    reviewed_for_year = factory.LazyAttribute(
        lambda o: timezone.localdate().year if o.file_stage else None
    )

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        """Saved, and counted in the file tallies as `open_case` counts what it opens (a test
        that then edits the file's fields by hand must go through the services instead)."""
        case = super()._create(model_class, *args, **kwargs)
        record_new_file(case)
        return case


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    case = factory.SubFactory(CaseFactory)
    visit_date = factory.LazyFunction(datetime.date.today)
    kind = VisitKind.HOME
    recorded_by = factory.SubFactory(UserFactory)
    findings = "家中老人患病，收入微薄。"


# Ids that cross a digit boundary (9,999,999 → 10,000,000: the paths' string order puts every
# 8-digit id first), far above any sequence the suite reaches.
NUMBERED_FIRST_ID = 9_999_995


def numbered_unions(parent: Organisation, count: int = 12) -> list[Organisation]:
    """`count` unions under `parent`, coded U1…U<count> but created (ids ascending across a digit
    boundary) in a shuffled code order, returned in the federation's order: by code, U2 before
    U10. Neither their ids nor their paths follow that order."""
    numbers = [(5 * i) % count + 1 for i in range(count)]
    assert sorted(numbers) == list(range(1, count + 1)) and numbers != sorted(numbers)
    made = {
        n: save_organisation(
            Organisation(
                pk=NUMBERED_FIRST_ID + i,
                code=f"U{n}",
                name=f"基层工会{n}",
                parent=parent,
                sector=Sector.EDUCATION,
            )
        )
        for i, n in enumerate(numbers)
    }
    unions = [made[n] for n in sorted(made)]
    by_path = sorted(unions, key=lambda union: union.path)
    assert by_path != unions and sorted(unions, key=lambda u: u.code) != unions
    return unions
