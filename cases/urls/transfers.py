"""URLs: transfers."""

urlpatterns: list = []
