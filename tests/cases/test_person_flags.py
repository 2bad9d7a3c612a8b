"""The person's badges on the people list and the person page (`{% person_flags %}`)."""

import datetime

from django.template import engines
from django.utils import translation

from cases.models import Person

TEMPLATE = engines["django"].from_string("{% load people %}{% person_flags person %}")


def render(**flags) -> str:
    return TEMPLATE.render({"person": Person(**flags)})


def test_no_flag_no_badge():
    assert render() == ""


def test_every_flag_in_order_with_the_deceased_date():
    with translation.override("zh-hans"):
        html = render(
            is_frontline_medical=True,
            is_hubei_team=True,
            is_model_worker=True,
            is_disabled=True,
            deceased_on=datetime.date(2020, 3, 5),
        )
    assert html == (
        '<span class="badge badge-warn">抗疫一线</span> '
        '<span class="badge badge-warn">援鄂医疗队</span> '
        '<span class="badge badge-ok">劳模</span> '
        '<span class="badge">残疾</span> '
        '<span class="badge">已故（2020-03-05）</span>'
    )


def test_badges_speak_english_on_request():
    with translation.override("en"):
        html = render(is_model_worker=True)
    assert html == '<span class="badge badge-ok">Model worker</span> '
