"""The administrator configures organisations and users in the admin, within limits."""

from django.urls import reverse

from accounts.models import User
from tests.audit_helpers import assert_audit_intact
from tests.factories import PersonFactory


def test_administrator_opens_the_admin_lists(client, administrator, union_a):
    PersonFactory(organisation=union_a)
    client.force_login(administrator)
    for name in ("cases_organisation", "accounts_user"):
        assert client.get(reverse(f"admin:{name}_changelist")).status_code == 200
    assert (
        client.get(reverse("admin:cases_organisation_change", args=[union_a.pk])).status_code == 200
    )


def test_administrator_creates_a_user_with_an_organisation(client, administrator, union_a):
    client.force_login(administrator)
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "newofficer",
            "display_name": "新专干",
            "organisation": union_a.pk,
            "password1": "Long-enough-pass-2026",
            "password2": "Long-enough-pass-2026",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="newofficer").organisation == union_a
    assert_audit_intact()


def test_administrator_cannot_make_anyone_superuser(client, administrator, officer):
    client.force_login(administrator)
    page = client.get(reverse("admin:accounts_user_change", args=[administrator.pk]))
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()


def test_person_admin_never_shows_full_numbers(client, administrator, union_a):
    from django.contrib.auth.models import Permission

    administrator.user_permissions.add(Permission.objects.get(codename="view_person"))
    person = PersonFactory(organisation=union_a)
    client.force_login(administrator)
    body = client.get(reverse("admin:cases_person_changelist")).content.decode()
    assert person.masked_id_number in body
    assert person.id_number not in body
    detail = client.get(reverse("admin:cases_person_change", args=[person.pk])).content.decode()
    assert person.id_number not in detail and person.bank_account not in detail
