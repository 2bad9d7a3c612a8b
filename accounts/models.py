from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class User(AbstractUser):
    """A person who signs in. Scope comes from `organisation`; roles are groups."""

    organisation = models.ForeignKey(
        "cases.Organisation",
        verbose_name=_("所属组织"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)

    # Role assignments are audited: history of the user row plus m2m history of groups.
    history = HistoricalRecords(m2m_fields=["groups"], excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.display_name or self.username
