from django.urls import path

from . import views

app_name = "figures"

urlpatterns = [
    path("", views.statistics, name="statistics"),
    path("payments/", views.payment_list, name="payments"),
    path("files/", views.file_list, name="files"),
    path("visits/", views.visit_list, name="visits"),
    path("return.<str:fmt>", views.return_file, name="return"),
]
