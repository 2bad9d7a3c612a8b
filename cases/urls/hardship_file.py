"""URLs: the steps of the hardship file (公示, objections, approval, tier, household)."""

from django.urls import path

from cases.views import hardship_file as views

urlpatterns: list = [
    path("cases/<int:pk>/file/publicity/", views.file_publicity, name="file_publicity"),
    path("cases/<int:pk>/file/objection/", views.file_objection, name="file_objection"),
    path("cases/<int:pk>/file/approve/", views.file_approve, name="file_approve"),
    path("cases/<int:pk>/file/tier/", views.file_tier, name="file_tier"),
    path("cases/<int:pk>/file/exit/", views.file_exit, name="file_exit"),
    path("cases/<int:pk>/file/members/new/", views.household_member_add, name="member_add"),
    path("cases/<int:pk>/file/expenses/new/", views.rigid_expense_add, name="expense_add"),
    path("cases/<int:pk>/file/review/", views.file_review, name="file_review"),
    path("reviews/<int:pk>/approve/", views.review_approve, name="review_approve"),
    path("household/<int:pk>/remove/", views.household_member_remove, name="member_remove"),
    path("expenses/<int:pk>/remove/", views.rigid_expense_remove, name="expense_remove"),
]
