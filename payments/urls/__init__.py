"""URLs of the payments app, one module per subject."""

from .core import urlpatterns as core_urls
from .ledger import urlpatterns as ledger_urls
from .transfers import urlpatterns as transfer_urls

app_name = "payments"

urlpatterns = core_urls + transfer_urls + ledger_urls
