"""URLs: people."""

urlpatterns: list = []
