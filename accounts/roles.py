"""The five roles of the brief, as Django groups holding real model permissions.

A role is a group; what a role may do is the group's permissions, so `user.has_perm()` is the
single question every view and service asks. Scope (which organisations) is separate: it always
comes from the user's organisation, see `cases.selectors`.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CASE_OFFICER = "case_officer", _("帮扶专干")
    FINANCE = "finance", _("财务人员")
    LEADER = "leader", _("工会主席/分管领导")
    AUDITOR = "auditor", _("审计人员")
    ADMINISTRATOR = "administrator", _("系统管理员")


_VIEW = "view"
_ALL = ("add", "change", "delete", "view")

# app_label.model -> actions; plus custom permissions by codename ("app_label.codename").
ROLE_PERMISSIONS: dict[str, dict[str, tuple[str, ...]] | list[str]] = {
    Role.CASE_OFFICER: {
        "cases.occasionday": (_VIEW,),
        "cases.plannedvisit": (_VIEW,),
        "cases.organisation": (_VIEW,),
        "cases.person": ("add", "change", "view"),
        "cases.case": ("add", "change", "view"),
        "cases.visit": ("add", "change", "view"),
        "cases.attachment": ("add", "view"),
        "cases.povertyline": (_VIEW,),
        "payments.campaign": (_VIEW,),
        "payments.campaignstandard": (_VIEW,),
        "payments.payment": ("add", "change", "view"),
        "letters.lettertemplate": (_VIEW,),
        "recuperation.programme": (_VIEW,),
        "recuperation.session": (_VIEW,),
        "recuperation.quota": (_VIEW,),
        "recuperation.nomination": (_VIEW,),
    },
    Role.FINANCE: {
        "cases.organisation": (_VIEW,),
        "cases.person": (_VIEW,),
        "cases.case": (_VIEW,),
        "cases.visit": (_VIEW,),
        "cases.attachment": (_VIEW,),
        "payments.campaign": (_VIEW,),
        "payments.campaignstandard": (_VIEW,),
        "payments.payment": ("change", "view"),
        "payments.disbursementbatch": ("add", "change", "view"),
        "letters.lettertemplate": (_VIEW,),
        "recuperation.programme": (_VIEW,),
        "recuperation.session": (_VIEW,),
        "recuperation.quota": (_VIEW,),
        "recuperation.nomination": (_VIEW,),
    },
    Role.LEADER: {
        "cases.occasionday": (_VIEW,),
        "cases.plannedvisit": (_VIEW,),
        "cases.organisation": (_VIEW,),
        "cases.person": (_VIEW,),
        "cases.case": (_VIEW,),
        "cases.visit": (_VIEW,),
        "cases.attachment": (_VIEW,),
        "payments.campaign": (_VIEW,),
        "payments.campaignstandard": (_VIEW,),
        "payments.payment": ("change", "view"),
        "payments.disbursementbatch": (_VIEW,),
        "recuperation.programme": (_VIEW,),
        "recuperation.session": (_VIEW,),
        "recuperation.quota": (_VIEW,),
        "recuperation.nomination": (_VIEW,),
    },
    Role.AUDITOR: {
        "cases.occasionday": (_VIEW,),
        "cases.plannedvisit": (_VIEW,),
        "cases.organisation": (_VIEW,),
        "cases.person": (_VIEW,),
        "cases.case": (_VIEW,),
        "cases.visit": (_VIEW,),
        "cases.attachment": (_VIEW,),
        "cases.povertyline": (_VIEW,),
        "payments.campaign": (_VIEW,),
        "payments.campaignstandard": (_VIEW,),
        "payments.payment": (_VIEW,),
        "payments.disbursementbatch": (_VIEW,),
        "letters.lettertemplate": (_VIEW,),
        "audits.accesslog": (_VIEW,),
        "recuperation.programme": (_VIEW,),
        "recuperation.session": (_VIEW,),
        "recuperation.quota": (_VIEW,),
        "recuperation.nomination": (_VIEW,),
    },
    Role.ADMINISTRATOR: {
        "cases.occasionday": _ALL,
        "cases.occasiondate": _ALL,
        "cases.organisation": _ALL,
        "cases.povertyline": _ALL,
        "accounts.user": _ALL,
        "payments.campaign": _ALL,
        "payments.campaignstandard": _ALL,
        "letters.lettertemplate": _ALL,
        "recuperation.programme": (_VIEW,),
        "recuperation.session": (_VIEW,),
        "recuperation.quota": (_VIEW,),
        "recuperation.nomination": (_VIEW,),
    },
}

# Custom permissions (declared in each model's Meta.permissions) held by each role.
ROLE_CUSTOM_PERMISSIONS: dict[str, list[str]] = {
    Role.CASE_OFFICER: [
        "cases.reveal_sensitive",
        "letters.print_letter",
        "recuperation.nominate",
        "cases.approve_hardship_file",
    ],
    Role.FINANCE: [
        "cases.reveal_sensitive",
        "payments.approve_payment",
        "payments.manage_batch",
        "payments.mark_payment_result",
        "payments.reverse_payment",
        "payments.export_bank_file",
        "letters.print_letter",
        "recuperation.record_attendance",
    ],
    Role.LEADER: [
        "cases.approve_hardship_file",
        "payments.approve_payment",
        "payments.second_approve_payment",
        "payments.reverse_payment",
        "recuperation.approve_nomination",
    ],
    Role.AUDITOR: ["cases.reveal_sensitive", "audits.view_audit", "audits.export_audit"],
    Role.ADMINISTRATOR: ["recuperation.manage_programme"],
}


def ensure_role_groups() -> None:
    """Create or refresh the role groups so their permissions match this module exactly."""
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission
    from django.contrib.contenttypes.models import ContentType

    for role in Role:
        group, _created = Group.objects.get_or_create(name=role.value)
        wanted = []
        for model_label, actions in ROLE_PERMISSIONS[role].items():
            app_label, model_name = model_label.split(".")
            try:
                model = apps.get_model(app_label, model_name)
            except LookupError:
                continue
            ct = ContentType.objects.get_for_model(model)
            codenames = [f"{action}_{model_name}" for action in actions]
            wanted += list(Permission.objects.filter(content_type=ct, codename__in=codenames))
        for label in ROLE_CUSTOM_PERMISSIONS[role]:
            app_label, codename = label.split(".")
            wanted += list(
                Permission.objects.filter(content_type__app_label=app_label, codename=codename)
            )
        group.permissions.set(wanted)


def roles_of(user) -> set[str]:
    """The role codes a user holds (cached on the user object for the request)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cached = getattr(user, "_relief_roles", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._relief_roles = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(roles_of(user) & {str(r) for r in roles})
