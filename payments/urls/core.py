"""URLs: core."""

urlpatterns: list = []
