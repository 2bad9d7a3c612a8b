"""Organisations and people: scoped reads, the page's form for writes, a logged reveal."""

from django.db import IntegrityError, transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, mixins
from rest_framework.decorators import action
from rest_framework.response import Response

from cases.filters import FLAG_CHOICES, PersonFilter
from cases.forms.people import PersonForm
from cases.models import EmploymentStatus, Person, Sector
from cases.permissions import can_add_people, can_edit_people, can_reveal_sensitive
from cases.selectors import organisations_visible_to, people_visible_to
from cases.services import save_person
from core.access import AccessAction, log_access

from ..base import ReadOnlyResource, with_etag
from ..conditional import check_if_match, etag_of, idempotent
from ..serializers import (
    OrganisationSerializer,
    PersonSerializer,
    PersonWriteSerializer,
    RevealedSerializer,
    RevealSerializer,
)

FORM_FIELDS = PersonForm.Meta.fields


def _require(allowed: bool) -> None:
    if not allowed:
        raise exceptions.PermissionDenied(_("您没有执行此操作的权限。"))


def form_errors(form) -> exceptions.ValidationError:
    """The form's messages, field by field (non-field ones under `non_field_errors`)."""
    errors = {
        ("non_field_errors" if name == "__all__" else name): [str(m) for m in messages]
        for name, messages in form.errors.items()
    }
    return exceptions.ValidationError(errors)


class OrganisationViewSet(ReadOnlyResource):
    """组织（基层工会）：本单位及下级 / organisations in the caller's subtree."""

    serializer_class = OrganisationSerializer

    def get_queryset(self):
        _require(self.request.user.has_perm("cases.view_organisation"))
        return organisations_visible_to(self.request.user)


PERSON_FILTERS = [
    OpenApiParameter("q", str, description="姓名开头、身份证号后四位、完整身份证号或手机号"),
    OpenApiParameter("organisation", int, description="单位（含下级）/ organisation and below"),
    OpenApiParameter("sector", str, enum=Sector.values),
    OpenApiParameter("employment_status", str, enum=EmploymentStatus.values),
    OpenApiParameter("flag", str, many=True, enum=[code for code, _label in FLAG_CHOICES]),
]


@extend_schema_view(list=extend_schema(parameters=PERSON_FILTERS))
class PersonViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ReadOnlyResource):
    """职工：查询、登记、修改；证件号与账号默认脱敏 / people, masked by default."""

    serializer_class = PersonSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]
    auditor_actions = ("reveal",)  # reading a number writes only the access log

    def get_queryset(self):
        _require(self.request.user.has_perm("cases.view_person"))
        people = people_visible_to(self.request.user).select_related("organisation")
        if self.action != "list":
            return people
        person_filter = PersonFilter(
            self.request.query_params or None,
            queryset=people,
            organisations=organisations_visible_to(self.request.user),
        )
        if not person_filter.is_bound:
            return people
        if not person_filter.is_valid():
            raise form_errors(person_filter.form)
        return person_filter.qs

    def _save(self, form, reason: str) -> Person:
        try:
            with transaction.atomic():
                return save_person(form.instance, by=self.request.user, reason=reason)
        except IntegrityError:
            raise exceptions.ValidationError(
                {
                    "id_number": [
                        _("该身份证号已登记，同一身份证号只能登记一人。请在职工名册中查找此人。")
                    ]
                }
            ) from None

    @extend_schema(request=PersonWriteSerializer, responses={201: PersonSerializer})
    def create(self, request, *args, **kwargs):
        _require(can_add_people(request.user))

        def handler():
            data = model_to_dict(Person(), fields=FORM_FIELDS)  # the model's defaults
            data.update(
                {name: request.data.get(name) for name in FORM_FIELDS if name in request.data}
            )
            form = PersonForm(data, organisations=organisations_visible_to(request.user))
            if not form.is_valid():
                raise form_errors(form)
            person = self._save(form, _("登记职工"))
            return with_etag(request, PersonSerializer(person).data, status=201)

        return idempotent(request, handler)

    @extend_schema(
        request=PersonWriteSerializer,
        responses={200: PersonSerializer},
        parameters=[OpenApiParameter("If-Match", str, OpenApiParameter.HEADER)],
    )
    def partial_update(self, request, *args, **kwargs):
        _require(can_edit_people(request.user))
        person = self.get_object()

        def handler():
            with transaction.atomic():
                current = self.get_queryset().select_for_update().get(pk=person.pk)
                check_if_match(request, etag_of(PersonSerializer(current).data))
                data = model_to_dict(current, fields=FORM_FIELDS)
                data["id_number"] = data["bank_account"] = ""  # blank keeps the stored value
                data.update(
                    {name: request.data.get(name) for name in FORM_FIELDS if name in request.data}
                )
                # As on the page, a change says why (docs/officer.md); the form requires it.
                data["change_reason"] = request.data.get("change_reason", "")
                form = PersonForm(
                    data,
                    instance=current,
                    organisations=organisations_visible_to(request.user),
                )
                if not form.is_valid():
                    raise form_errors(form)
                saved = self._save(form, form.cleaned_data["change_reason"].strip())
            return with_etag(request, PersonSerializer(saved).data)

        return idempotent(request, handler)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    @extend_schema(request=RevealSerializer, responses={200: RevealedSerializer})
    @action(detail=True, methods=["post"])
    def reveal(self, request, pk=None):
        """查看完整证件号或账号（写入访问日志）/ one full number, written to the access log."""
        _require(can_reveal_sensitive(request.user))
        serializer = RevealSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        field = serializer.validated_data["field"]
        person = self.get_object()
        log_access(
            user=request.user, action=AccessAction.REVEAL, obj=person, field=field, request=request
        )
        response = Response({"field": field, "value": getattr(person, field)})
        response["Cache-Control"] = "no-store"
        return response
