from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.concurrency import VersionedFormMixin

from . import permissions
from .models import (
    AssistanceStandard,
    BatchLine,
    Campaign,
    CampaignStandard,
    DisbursementBatch,
    Payment,
)
from .services import (
    approve_payments,
    campaign_limit_problems,
    save_assistance_standard,
    save_campaign,
)

# Refusals listed one message each, then counted: a 500-payment action stays readable.
REFUSALS_LISTED = 20


class CampaignStandardInline(admin.TabularInline):
    model = CampaignStandard
    extra = 1


class CampaignForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Campaign
        fields = (  # the admin narrows these to its fieldsets
            "name",
            "year",
            "kind",
            "organisation",
            "starts_on",
            "ends_on",
            "budget",
            "funding_source",
            "assistance_item",
            "annual_cap",
            "second_approval_threshold",
            "status",
        )

    def _post_clean(self):
        """With the new values on the instance: the budget and cap above committed money
        (`save_campaign` checks again under the campaign's lock)."""
        super()._post_clean()
        for field, message in campaign_limit_problems(self.instance).items():
            self.add_error(field, message)


@admin.register(Campaign)
class CampaignAdmin(SimpleHistoryAdmin):
    form = CampaignForm
    list_display = ("name", "year", "kind", "organisation", "budget", "status")
    list_select_related = ("organisation",)
    list_filter = ("year", "kind", "status")
    search_fields = ("name",)
    autocomplete_fields = ("organisation",)
    inlines = [CampaignStandardInline]
    readonly_fields = ("copied_from", "created_by")

    def save_model(self, request, obj, form, change):
        save_campaign(obj, by=request.user, reason=_("后台编辑") if change else _("后台新建"))


@admin.register(Payment)
class PaymentAdmin(SimpleHistoryAdmin):
    """Read-only: every payment state change goes through payments.services."""

    list_display = ("reference", "person", "campaign", "amount", "status", "organisation")
    list_select_related = ("person", "campaign", "organisation")
    list_filter = ("status", "method", "assistance_item")
    search_fields = ("=reference", "person__name")
    show_full_result_count = False

    actions = ["approve_selected"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_approve_permission(self, request) -> bool:
        user = request.user
        return permissions.can_approve_payments(user) or permissions.can_second_approve_payments(
            user
        )

    @admin.action(
        description=_("审批所选慰问金（超过二级审批起点的由分管领导复审）"), permissions=["approve"]
    )
    def approve_selected(self, request, queryset):
        """The approval queue's service: each payment's scope, four-eyes, state and money rules
        are checked by `approve_payments`; the refused ones are named with the reason."""
        payments = list(queryset.order_by("pk"))
        outcomes = approve_payments(payments, by=request.user)
        refused = [o for o in outcomes if not o.ok]
        approved = len(outcomes) - len(refused)
        if approved:
            self.message_user(request, gettext("已审批 %(n)s 笔。") % {"n": approved})
        for outcome in refused[:REFUSALS_LISTED]:
            self.message_user(
                request,
                f"{outcome.payment.reference}：{outcome.error}",
                level=messages.WARNING,
            )
        if len(refused) > REFUSALS_LISTED:
            self.message_user(
                request,
                gettext("另有 %(n)s 笔未通过审批。") % {"n": len(refused) - REFUSALS_LISTED},
                level=messages.WARNING,
            )


class BatchLineInline(admin.TabularInline):
    model = BatchLine
    extra = 0
    can_delete = False
    raw_id_fields = ("payment",)

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(DisbursementBatch)
class DisbursementBatchAdmin(SimpleHistoryAdmin):
    list_display = ("reference", "campaign", "status", "created_at")
    list_select_related = ("campaign",)
    list_filter = ("status",)
    search_fields = ("=reference",)
    inlines = [BatchLineInline]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AssistanceStandard)
class AssistanceStandardAdmin(SimpleHistoryAdmin):
    list_display = ("hardship_level", "item", "basis", "value", "note")
    list_filter = ("hardship_level", "item")

    def save_model(self, request, obj, form, change):
        reason = _("后台编辑") if change else _("后台新建")
        save_assistance_standard(obj, by=request.user, reason=reason)
