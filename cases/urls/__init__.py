"""URLs of the cases app, one module per subject (people, casework, hardship file, imports)."""

from .casework import urlpatterns as casework_urls
from .hardship_file import urlpatterns as file_urls
from .people import urlpatterns as people_urls
from .transfers import urlpatterns as transfer_urls

app_name = "cases"

urlpatterns = people_urls + casework_urls + file_urls + transfer_urls
