from decimal import Decimal

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from cases.models import CaseCategory, HardshipLevel
from core.choices import ChoiceLabels

from .items import ITEM_BY_CAMPAIGN_KIND, AssistanceItem


class CampaignKind(models.TextChoices):
    WARMTH = "warmth", _("送温暖")
    FRONTLINE = "frontline", _("抗疫一线关爱")
    HUBEI_TEAM = "hubei_team", _("援鄂医疗队慰问")
    RECUPERATION = "recuperation", _("疗休养")
    OCCASION = "occasion", _("节日/特殊日慰问")
    CONDOLENCE = "condolence", _("患病/去世慰问")
    OTHER = "other", _("其他")


class FundingSource(models.TextChoices):
    FEDERATION = "federation", _("市总工会专项资金")
    SUBSIDY = "subsidy", _("市总工会补助")
    OWN = "own", _("基层工会自有经费")
    OTHER = "other", _("其他")


class CampaignStatus(models.TextChoices):
    PLANNING = "planning", _("筹备中")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class Campaign(ChoiceLabels, models.Model):
    """A warmth campaign or assistance project run by one organisation for its scope."""

    name = models.CharField(_("活动名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"), db_index=True)
    kind = models.CharField(_("活动类型"), max_length=20, choices=CampaignKind.choices)
    organisation = models.ForeignKey(
        "cases.Organisation",
        verbose_name=_("主办组织"),
        on_delete=models.PROTECT,
        related_name="campaigns",
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    budget = models.DecimalField(_("预算（元）"), max_digits=12, decimal_places=2)
    funding_source = models.CharField(_("资金来源"), max_length=20, choices=FundingSource.choices)
    assistance_item = models.CharField(
        _("救助项目"),
        max_length=20,
        choices=AssistanceItem.choices,
        blank=True,
        help_text=_("本活动款项默认的救助项目；留空则按活动类型。"),
    )
    annual_cap = models.DecimalField(_("每人年度上限（元）"), max_digits=12, decimal_places=2)
    second_approval_threshold = models.DecimalField(
        _("二级审批起点（元）"),
        max_digits=12,
        decimal_places=2,
        help_text=_("金额高于此值的款项需要领导二次审批。"),
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.PLANNING
    )
    copied_from = models.ForeignKey(
        "self",
        verbose_name=_("复制自"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("慰问活动")
        verbose_name_plural = _("慰问活动")
        ordering = ["-year", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(budget__gte=0), name="campaign_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(annual_cap__gt=0), name="campaign_cap_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(second_approval_threshold__gte=0),
                name="campaign_threshold_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")),
                name="campaign_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("payments:campaign_detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == CampaignStatus.OPEN

    @property
    def default_assistance_item(self) -> str:
        return self.assistance_item or ITEM_BY_CAMPAIGN_KIND.get(self.kind, AssistanceItem.OTHER)


class CampaignStandard(models.Model):
    """The standard amount of a campaign for one case category (and hardship level)."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("慰问活动"), on_delete=models.CASCADE, related_name="standards"
    )
    category = models.CharField(_("个案类别"), max_length=20, choices=CaseCategory.choices)
    hardship_level = models.CharField(
        _("困难类别"),
        max_length=20,
        choices=HardshipLevel.choices,
        blank=True,
        help_text=_("留空表示该类别的通用标准。"),
    )
    amount = models.DecimalField(_("标准金额（元）"), max_digits=12, decimal_places=2)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("慰问标准")
        verbose_name_plural = _("慰问标准")
        ordering = ["campaign", "category", "hardship_level"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "category", "hardship_level"], name="standard_unique_per_level"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gt=Decimal("0")), name="standard_amount_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} {self.category}/{self.hardship_level}: {self.amount}"
