"""URLs: casework."""

urlpatterns: list = []
