from django.urls import path

from . import views

app_name = "letters"

urlpatterns = [
    path("", views.campaign_list, name="campaign_list"),
    path("campaigns/<int:campaign_pk>/template/", views.template_edit, name="template_edit"),
    path(
        "campaigns/<int:campaign_pk>/template/preview/",
        views.template_preview,
        name="template_preview",
    ),
    path("campaigns/<int:campaign_pk>/letters/", views.campaign_letters, name="campaign_letters"),
    path(
        "campaigns/<int:campaign_pk>/signoff.pdf", views.campaign_signoff, name="campaign_signoff"
    ),
    path("payments/<int:payment_pk>/letter.pdf", views.payment_letter, name="payment_letter"),
    path("cases/<int:case_pk>/letter.pdf", views.case_letter, name="case_letter"),
    path("cases/<int:case_pk>/file-sheet.pdf", views.file_sheet, name="file_sheet"),
    path("batches/<int:batch_pk>/signoff.pdf", views.batch_signoff, name="batch_signoff"),
    path("log/", views.print_log, name="print_log"),
    path("log/<int:pk>/", views.print_record, name="print_record"),
]
