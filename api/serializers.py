"""Representations. Sensitive numbers leave only masked; the reveal endpoint is the one way out.

Field labels are the models' own (Chinese, English through the translations), so the schema
speaks both languages of the interface.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.models import Case, Organisation, Person, Visit, VisitKind
from payments.models import AssistanceItem, Campaign, DisbursementBatch, Payment, PaymentMethod


class OrganisationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Organisation
        fields = ["id", "code", "name", "sector", "parent", "is_active"]


class PersonSerializer(serializers.ModelSerializer):
    id_number_masked = serializers.CharField(
        source="masked_id_number", read_only=True, label=_("身份证号（脱敏）")
    )
    bank_account_masked = serializers.CharField(
        source="masked_bank_account", read_only=True, label=_("银行账号（脱敏）")
    )
    per_capita_income = serializers.DecimalField(
        max_digits=12, decimal_places=2, read_only=True, label=_("人均月收入（元）")
    )

    class Meta:
        model = Person
        fields = [
            "id",
            "name",
            "gender",
            "id_number_masked",
            "birth_date",
            "mobile",
            "organisation",
            "position",
            "employment_status",
            "household_size",
            "household_monthly_income",
            "per_capita_income",
            "address",
            "bank_name",
            "bank_account_masked",
            "is_frontline_medical",
            "is_hubei_team",
            "is_model_worker",
            "is_disabled",
            "created_at",
            "updated_at",
        ]


class PersonWriteSerializer(serializers.Serializer):
    """The inputs of the person form; validated by that same form, so messages are the pages'."""

    name = serializers.CharField(max_length=50, label=_("姓名"))
    gender = serializers.ChoiceField(choices=[("M", _("男")), ("F", _("女"))], label=_("性别"))
    id_number = serializers.CharField(
        max_length=18, label=_("身份证号"), help_text=_("18位居民身份证号；修改时留空则不变。")
    )
    mobile = serializers.CharField(max_length=11, label=_("手机号码"))
    organisation = serializers.IntegerField(label=_("所在单位"))
    position = serializers.CharField(max_length=50, required=False, allow_blank=True)
    employment_status = serializers.ChoiceField(choices=["in_service", "retired"], required=False)
    household_size = serializers.IntegerField(min_value=1, max_value=30, required=False)
    household_monthly_income = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False
    )
    address = serializers.CharField(max_length=200, required=False, allow_blank=True)
    bank_name = serializers.CharField(max_length=100, required=False, allow_blank=True)
    bank_account = serializers.CharField(max_length=32, required=False, allow_blank=True)
    is_frontline_medical = serializers.BooleanField(required=False)
    is_hubei_team = serializers.BooleanField(required=False)
    is_model_worker = serializers.BooleanField(required=False)
    is_disabled = serializers.BooleanField(required=False)
    change_reason = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        label=_("修改原因"),
        help_text=_("修改已有职工时必填，记入变更记录。"),
    )


class RevealSerializer(serializers.Serializer):
    field = serializers.ChoiceField(
        choices=[("id_number", _("身份证号")), ("bank_account", _("银行账号"))],
        label=_("要查看的字段"),
    )


class RevealedSerializer(serializers.Serializer):
    field = serializers.CharField()
    value = serializers.CharField()


class CaseSerializer(serializers.ModelSerializer):
    class Meta:
        model = Case
        fields = [
            "id",
            "person",
            "category",
            "hardship_level",
            "suggested_level",
            "causes",
            "occasion",
            "organisation",
            "summary",
            "status",
            "opened_at",
            "last_verified_on",
            "closed_at",
            "closing_reason",
            # the hardship file (困难职工档案): stage, 公示 and the upper-level approval
            "file_stage",
            "applied_on",
            "publicity_starts_on",
            "publicity_ends_on",
            "publicity_objections",
            "file_approved_by",
            "file_approved_on",
            "file_opinion",
            "reviewed_for_year",
        ]


class VisitSerializer(serializers.ModelSerializer):
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Visit
        fields = [
            "id",
            "case",
            "visit_date",
            "kind",
            "recorded_by",
            "place",
            "findings",
            "needs",
            "goods_handed_over",
            "goods_value",
            "money_handed_over",
            "follow_up_on",
            "created_at",
            "attachments",
        ]

    def get_attachments(self, visit) -> list[dict]:
        return [
            {"id": a.pk, "name": a.original_name, "content_type": a.content_type, "size": a.size}
            for a in visit.attachments.all()
        ]


class VisitCreateSerializer(serializers.Serializer):
    """A visit and its photos or scans (multipart); checked by `cases.services.record_visit`."""

    case = serializers.IntegerField(label=_("个案"))
    visit_date = serializers.DateField(label=_("走访日期"))
    kind = serializers.ChoiceField(choices=VisitKind.choices, label=_("走访方式"))
    findings = serializers.CharField(label=_("了解到的情况"))
    place = serializers.CharField(max_length=200, required=False, allow_blank=True)
    needs = serializers.CharField(required=False, allow_blank=True)
    goods_handed_over = serializers.CharField(max_length=200, required=False, allow_blank=True)
    goods_value = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    money_handed_over = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True
    )
    follow_up_on = serializers.DateField(required=False, allow_null=True)
    attachments = serializers.ListField(
        child=serializers.FileField(), required=False, label=_("附件（照片、扫描件）")
    )


class CampaignSerializer(serializers.ModelSerializer):
    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "year",
            "kind",
            "organisation",
            "starts_on",
            "ends_on",
            "budget",
            "funding_source",
            "annual_cap",
            "second_approval_threshold",
            "status",
        ]


class PaymentSerializer(serializers.ModelSerializer):
    status_display = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = Payment
        fields = [
            "id",
            "reference",
            "case",
            "person",
            "organisation",
            "campaign",
            "amount",
            "standard_amount",
            "justification",
            "method",
            "assistance_item",
            "purpose",
            "year",
            "status",
            "status_display",
            "created_by",
            "created_at",
            "submitted_by",
            "submitted_at",
            "approved_by",
            "approved_at",
            "second_approved_by",
            "second_approved_at",
            "rejected_by",
            "rejected_at",
            "rejection_reason",
            "cancelled_by",
            "cancelled_at",
            "paid_at",
            "batch",
        ]
        read_only_fields = fields


class PaymentDraftSerializer(serializers.Serializer):
    case = serializers.IntegerField(label=_("个案"))
    campaign = serializers.IntegerField(label=_("慰问活动"))
    amount = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        required=False,
        allow_null=True,
        label=_("金额（元）"),
        help_text=_("留空则按活动标准金额。"),
    )
    method = serializers.ChoiceField(
        choices=PaymentMethod.choices, default=PaymentMethod.BANK, label=_("发放方式")
    )
    assistance_item = serializers.ChoiceField(
        choices=AssistanceItem.choices,
        required=False,
        allow_blank=True,
        label=_("救助项目"),
        help_text=_("留空则按活动默认。"),
    )
    purpose = serializers.CharField(max_length=100, required=False, allow_blank=True)
    justification = serializers.CharField(required=False, allow_blank=True)


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, label=_("理由"))


class BatchSerializer(serializers.ModelSerializer):
    class Meta:
        model = DisbursementBatch
        fields = [
            "id",
            "reference",
            "campaign",
            "organisation",
            "status",
            "created_by",
            "created_at",
            "sent_at",
            "reconciled_at",
        ]


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()))


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API."""

    error = ErrorDetailSerializer()


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    old = serializers.CharField()
    new = serializers.CharField()


class HistoryEntrySerializer(serializers.Serializer):
    """One change of a record: who, when, why, and each field before and after."""

    id = serializers.IntegerField()
    at = serializers.DateTimeField()
    user = serializers.CharField(allow_null=True)
    kind = serializers.CharField()
    reason = serializers.CharField()
    changes = HistoryChangeSerializer(many=True)


class AllocationSerializer(serializers.Serializer):
    """A union's allocation (下拨) of a campaign with the page's figures."""

    id = serializers.IntegerField(source="allocation.pk")
    organisation = serializers.IntegerField(source="allocation.organisation_id")
    organisation_name = serializers.CharField(source="allocation.organisation.name")
    amount = serializers.DecimalField(
        source="allocation.amount", max_digits=12, decimal_places=2, label=_("下拨金额（元）")
    )
    places = serializers.IntegerField(source="allocation.places", label=_("名额"))
    submitted = serializers.DecimalField(max_digits=14, decimal_places=2, label=_("待审"))
    approved = serializers.DecimalField(max_digits=14, decimal_places=2, label=_("已审"))
    paid = serializers.DecimalField(max_digits=14, decimal_places=2, label=_("已发"))
    remaining = serializers.DecimalField(max_digits=14, decimal_places=2, label=_("余额"))
    places_used = serializers.IntegerField()
    places_left = serializers.IntegerField()


class BulkApprovalSerializer(serializers.Serializer):
    payments = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**31 - 1),
        min_length=1,
        max_length=1000,
        label=_("慰问金编号"),
    )


class BulkApprovalResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    reference = serializers.CharField(allow_blank=True)
    ok = serializers.BooleanField()
    status = serializers.CharField(allow_blank=True, label=_("状态"))
    code = serializers.CharField(allow_null=True)
    message = serializers.CharField(label=_("结果"))


class BulkApprovalResultsSerializer(serializers.Serializer):
    results = BulkApprovalResultSerializer(many=True)
