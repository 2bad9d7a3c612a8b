"""URLs: the steps of the hardship file (公示, objections, approval, tier)."""

from django.urls import path

from cases.views import hardship_file as views

urlpatterns: list = [
    path("cases/<int:pk>/file/publicity/", views.file_publicity, name="file_publicity"),
    path("cases/<int:pk>/file/objection/", views.file_objection, name="file_objection"),
    path("cases/<int:pk>/file/approve/", views.file_approve, name="file_approve"),
    path("cases/<int:pk>/file/tier/", views.file_tier, name="file_tier"),
]
