"""URLs: campaigns, payments, approvals and disbursement batches."""

from django.urls import path

from uploads import views as uploads

from ..transfers.flows import ALLOCATION_IMPORT, BANK_RESULT_IMPORT
from ..views import allocations, approvals, batches, campaigns, enrolment, mine, payments

bank_result = {"flow": BANK_RESULT_IMPORT}
allocation_flow = {"flow": ALLOCATION_IMPORT}

urlpatterns = [
    path("campaigns/", campaigns.campaign_list, name="campaign_list"),
    path("campaigns/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("campaigns/<int:pk>/copy/", campaigns.campaign_copy, name="campaign_copy"),
    path("campaigns/<int:pk>/enrol/", enrolment.campaign_enrol, name="campaign_enrol"),
    path(
        "campaigns/<int:pk>/allocations/",
        allocations.campaign_allocations,
        name="campaign_allocations",
    ),
    path(
        "campaigns/<int:pk>/allocations/import/",
        uploads.upload,
        allocation_flow,
        name="allocation_upload",
    ),
    path(
        "campaigns/<int:pk>/allocations/import/preview/<uuid:job>/",
        uploads.preview,
        allocation_flow,
        name="allocation_preview",
    ),
    path(
        "campaigns/<int:pk>/allocations/import/confirm/",
        uploads.confirm,
        allocation_flow,
        name="allocation_confirm",
    ),
    path(
        "campaigns/<int:pk>/allocations/import/errors/",
        uploads.errors,
        allocation_flow,
        name="allocation_errors",
    ),
    path("new/", payments.payment_create, name="payment_create"),
    path("mine/", mine.my_payment_list, name="my_payments"),
    path("<int:pk>/resubmit/", mine.payment_resubmit, name="payment_resubmit"),
    path("<int:pk>/", payments.payment_detail, name="payment_detail"),
    path("<int:pk>/<slug:action>/", payments.payment_action, name="payment_action"),
    path("approvals/", approvals.approval_queue, name="approval_queue"),
    path("approvals/second/", approvals.second_approval_queue, name="second_approval_queue"),
    path("batches/", batches.batch_list, name="batch_list"),
    path("batches/new/", batches.batch_create, name="batch_create"),
    path("batches/<int:pk>/", batches.batch_detail, name="batch_detail"),
    path(
        "batches/<int:pk>/export.<str:file_format>",
        batches.batch_export,
        name="batch_export",
    ),
    path("batches/<int:pk>/sent/", batches.batch_mark_sent, name="batch_mark_sent"),
    path("batches/<int:pk>/result/", uploads.upload, bank_result, name="batch_import_result"),
    path(
        "batches/<int:pk>/result/preview/<uuid:job>/",
        uploads.preview,
        bank_result,
        name="batch_result_preview",
    ),
    path(
        "batches/<int:pk>/result/confirm/",
        uploads.confirm,
        bank_result,
        name="batch_result_confirm",
    ),
    path(
        "batches/<int:pk>/result/errors/", uploads.errors, bank_result, name="batch_result_errors"
    ),
]
