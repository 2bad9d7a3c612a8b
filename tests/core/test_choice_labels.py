"""`ChoiceLabels` gives the labels Django's own `get_<field>_display()` gives, in each language,
without translating every choice on every call."""

import pytest
from django.db.models import Model
from django.utils import translation

from cases.models import Case, CaseCategory, CaseStatus, Gender, Person
from core.choices import choice_labels
from payments.models import Payment, PaymentStatus


def django_display(instance, name: str):
    return Model._get_FIELD_display(instance, instance._meta.get_field(name))


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_labels_equal_djangos_for_every_choice_in_both_languages(language):
    cases = [
        (Person, "gender", Gender.values),
        (Case, "status", CaseStatus.values),
        (Case, "category", CaseCategory.values),
        (Payment, "status", PaymentStatus.values),
    ]
    with translation.override(language):
        for model, name, values in cases:
            for value in values:
                instance = model(**{name: value})
                shown = getattr(instance, f"get_{name}_display")()
                assert shown == django_display(instance, name)
                assert type(shown) is str


def test_labels_follow_the_active_language():
    person = Person(gender=Gender.FEMALE)
    with translation.override("zh-hans"):
        assert person.get_gender_display() == "女"
    with translation.override("en"):
        assert person.get_gender_display() != "女"
        assert person.get_gender_display() == str(Gender.FEMALE.label)


def test_a_value_outside_the_choices_is_shown_as_it_is():
    assert Person(gender="?").get_gender_display() == "?"
    assert Person(gender=None).get_gender_display() is None


def test_the_table_is_built_once_per_field_and_language():
    field = Person._meta.get_field("gender")
    with translation.override("zh-hans"):
        assert choice_labels(field) is choice_labels(field)
        chinese = choice_labels(field)
    with translation.override("en"):
        assert choice_labels(field) is not chinese
