"""seed_demo gives `officer` and `finance` an API token, printed when the demo is loaded and
derived from SECRET_KEY and the seed, so a rebuild with the same seed prints the same one."""

import io
import re

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from api.demo import demo_secret
from api.models import ApiToken

pytestmark = pytest.mark.django_db


def _seed() -> str:
    out = io.StringIO()
    call_command("seed_demo", "--people", "20", stdout=out)
    return out.getvalue()


def test_demo_tokens_are_printed_work_and_are_reproducible():
    first = _seed()
    secrets = dict(re.findall(r"API token for (\w+) \(docs/api.md\): (rlf_\S+)", first))
    assert set(secrets) == {"officer", "finance"}
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {secrets['officer']}")
    assert client.get("/api/v1/cases/").status_code == 200
    assert ApiToken.objects.count() == 2
    assert demo_secret("finance", 1) == secrets["finance"]  # the default seed
    _seed()  # already loaded: nothing is added
    assert ApiToken.objects.count() == 2
