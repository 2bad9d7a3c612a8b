"""`field_label` gives a field's verbose name in the active language, translated once."""

from django.utils import translation

from cases.models import Person
from core.choices import field_label


def test_field_label_follows_the_active_language():
    field = Person._meta.get_field("name")
    with translation.override("zh-hans"):
        assert field_label(field) == "姓名"
    with translation.override("en"):
        assert field_label(field) == str(field.verbose_name)
        assert field_label(field) != "姓名"
