"""Forms of the hardship file steps: 公示, objections, the upper level's approval, tier changes."""

from django import forms
from django.utils.translation import gettext_lazy as _

from cases.models import (
    Attachment,
    ExitReason,
    ExpenseKind,
    HardshipCause,
    HardshipLevel,
    Health,
    MedicalInsurance,
    MemberStatus,
    Relation,
    ReviewOutcome,
)

from .casework import DateInput, Form


class PublicityForm(Form):
    starts_on = forms.DateField(label=_("公示开始日期"), widget=DateInput())
    ends_on = forms.DateField(label=_("公示结束日期"), widget=DateInput())


class ObjectionForm(Form):
    objection = forms.CharField(
        label=_("异议内容"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("请填写异议内容。")},
    )


class FileApprovalForm(Form):
    opinion = forms.CharField(
        label=_("上级工会意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("公示期间有异议时必填：说明核查结果。"),
    )


class TierForm(Form):
    hardship_level = forms.ChoiceField(label=_("困难类别"), choices=HardshipLevel.choices)
    causes = forms.MultipleChoiceField(
        label=_("致困原因"),
        choices=HardshipCause.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    accident_loss = forms.DecimalField(
        label=_("意外损失金额（元）"),
        max_digits=12,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("意外、灾害或重病造成的损失；留空则不变。"),
    )
    reason = forms.CharField(
        label=_("调整理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写调整困难类别或致困原因的理由。")},
    )


class ExitForm(Form):
    kind = forms.ChoiceField(
        label=_("办理"),
        choices=[("exit", _("脱困")), ("withdraw", _("退档"))],
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(label=_("原因"), choices=[("", "—"), *ExitReason.choices])
    note = forms.CharField(
        label=_("说明"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("脱困后6个月和12个月各须回访一次。"),
    )


class HouseholdMemberForm(Form):
    relation = forms.ChoiceField(label=_("与申请人关系"), choices=Relation.choices)
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_number = forms.CharField(label=_("身份证号"), max_length=20)
    status = forms.ChoiceField(label=_("状况"), choices=MemberStatus.choices)
    monthly_income = forms.DecimalField(
        label=_("月收入（元）"), max_digits=12, decimal_places=2, initial=0
    )
    health = forms.ChoiceField(label=_("健康状况"), choices=Health.choices)
    medical_insurance = forms.ChoiceField(label=_("医疗保险"), choices=MedicalInsurance.choices)
    school_or_employer = forms.CharField(
        label=_("就读学校或工作单位"), max_length=100, required=False
    )


class RigidExpenseForm(Form):
    kind = forms.ChoiceField(label=_("支出类别"), choices=ExpenseKind.choices)
    monthly_amount = forms.DecimalField(label=_("月支出（元）"), max_digits=12, decimal_places=2)
    note = forms.CharField(label=_("说明"), max_length=200, required=False)
    evidence = forms.ModelChoiceField(
        label=_("证明材料"),
        queryset=Attachment.objects.none(),
        required=False,
        help_text=_("从本档案走访记录的附件中选择票据或证明。"),
    )

    def __init__(self, *args, case=None, **kwargs):
        super().__init__(*args, **kwargs)
        if case is not None:
            field = self.fields["evidence"]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = Attachment.objects.filter(visit__case=case).select_related("visit")


class RemovalForm(Form):
    reason = forms.CharField(
        label=_("理由"),
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("请填写理由。")},
    )


class ReviewForm(Form):
    year = forms.IntegerField(label=_("复核年度"), min_value=2000, max_value=2100)
    outcome = forms.ChoiceField(label=_("复核结果"), choices=ReviewOutcome.choices)
    decided_level = forms.ChoiceField(
        label=_("复核后困难类别"),
        choices=[("", "—"), *HardshipLevel.choices],
        required=False,
        help_text=_("调级时必选。"),
    )
    note = forms.CharField(
        label=_("复核意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("调级、脱困、退档时必填。"),
    )
    exit_reason = forms.ChoiceField(
        label=_("脱困/退档原因"),
        choices=[("", "—"), *ExitReason.choices],
        required=False,
        help_text=_("脱困、退档时选择。"),
    )


class ReviewApprovalForm(Form):
    opinion = forms.CharField(
        label=_("上级工会意见"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


__all__ = [
    "FileApprovalForm",
    "HouseholdMemberForm",
    "ObjectionForm",
    "PublicityForm",
    "RemovalForm",
    "ReviewApprovalForm",
    "ReviewForm",
    "RigidExpenseForm",
    "TierForm",
]
