"""The person's badges (frontline, Hubei team, model worker, disability, deceased), built in
Python: the people list rendered them as an included template once per row (50 includes a page)."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from core.rows import cell, pk_url, table_rows
from core.templatetags.formats import day

register = template.Library()


@register.simple_tag
def person_flags(person) -> SafeString:
    parts = []
    if person.is_frontline_medical:
        parts.append(format_html('<span class="badge badge-warn">{}</span> ', _("抗疫一线")))
    if person.is_hubei_team:
        parts.append(format_html('<span class="badge badge-warn">{}</span> ', _("援鄂医疗队")))
    if person.is_model_worker:
        parts.append(format_html('<span class="badge badge-ok">{}</span> ', _("劳模")))
    if person.is_disabled:
        parts.append(format_html('<span class="badge">{}</span>', _("残疾")))
    if person.deceased_on:
        label = _("已故（%(on)s）") % {"on": day(person.deceased_on)}
        parts.append(format_html(' <span class="badge">{}</span>', label))
    return format_html_join("", "{}", ((part,) for part in parts))


@register.simple_tag
def person_rows(people) -> SafeString:
    """The people list's rows (name linked, masked ID number, badges), written in Python."""
    columns = (
        (_("姓名"), ""),
        (_("性别"), ""),
        (_("身份证号"), "mono"),
        (_("手机号码"), "mono"),
        (_("所在单位"), ""),
        (_("在职状态"), ""),
        (_("标记"), ""),
    )
    url = pk_url("cases:person_detail")
    return table_rows(
        columns,
        (
            (
                f'<a href="{url(person.pk)}">{cell(person.name)}</a>',
                cell(person.get_gender_display()),
                cell(person.masked_id_number),
                cell(person.mobile),
                cell(person.organisation.name),
                cell(person.get_employment_status_display()),
                person_flags(person),
            )
            for person in people
        ),
    )
