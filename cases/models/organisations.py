from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class Sector(models.TextChoices):
    EDUCATION = "education", _("教育")
    SCIENCE = "science", _("科技")
    CULTURE = "culture", _("文化")
    HEALTH = "health", _("卫生")
    SPORTS = "sports", _("体育")


class Organisation(models.Model):
    """The federation (root) and its grassroots unions, as a tree.

    `path` is a materialised path ("/1/7/") so "this organisation and everything below it" is one
    indexed prefix query, whatever the depth. Its ids do not give the order people read:
    `tree_order` does (a parent, then its subtree, siblings by code; `cases.treeorder`). Both are
    maintained by `cases.services.save_organisation`. `tree_order` is left out of the history: it
    is derived from the codes and parents the history records, and adding one union renumbers
    the unions after it, which nobody changed.
    """

    code = models.CharField(_("代码"), max_length=20, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    sector = models.CharField(_("行业"), max_length=20, choices=Sector.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级组织"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    path = models.CharField(_("层级路径"), max_length=255, db_index=True, editable=False)
    tree_order = models.PositiveIntegerField(
        _("排列顺序"), default=0, db_index=True, editable=False
    )
    is_active = models.BooleanField(_("启用"), default=True)

    history = HistoricalRecords(excluded_fields=["tree_order"])

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        ordering = ["tree_order"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cases:organisation_detail", args=[self.pk])

    def clean(self) -> None:
        super().clean()
        self.check_parent_outside_subtree()

    def check_parent_outside_subtree(self) -> None:
        """A parent inside this organisation's own subtree would make the tree a loop."""
        if not (self.pk and self.parent_id):
            return
        stored = type(self).objects.filter(pk=self.pk).values_list("path", flat=True).first()
        parent = type(self).objects.filter(pk=self.parent_id).values_list("path", flat=True).first()
        if self.parent_id == self.pk or (stored and parent and parent.startswith(stored)):
            raise ValidationError(
                {"parent": _("上级组织不能移到它自己或它的下级组织之下。")}, code="cycle"
            )
