"""Schemathesis against the served schema, every operation, as every role (bounded: a few
examples per operation). No answer may be a server error, and every answer — status, content
type and body — must be one the schema documents."""

from collections import Counter

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from api.services import create_token
from tests.factories import make_user
from tests.payments.factories import CampaignFactory, payment_in_state

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def app(db):
    """A plain WSGI app that keeps the test's connection open, as Django's test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(federation, union_a, officer, finance, finance2, leader, auditor, administrator):
    """A token for each of the five roles and for a user without one; records for small
    generated ids to hit."""
    campaign = CampaignFactory(organisation=federation, created_by=administrator)
    for state in ("submitted", "approved", "in_batch"):
        payment_in_state(state, campaign=campaign, officer=officer, finance=finance, leader=leader)
    users = {
        "officer": officer,
        "finance": finance,
        "leader": leader,
        "auditor": auditor,
        "administrator": administrator,
        "no_role": make_user(None, union_a, username="nobody"),
    }
    return {
        role: create_token(owner=user, by=user, name="schemathesis").secret
        for role, user in users.items()
    }


def test_every_operation_answers_as_documented_for_every_role(app, tokens, fake_pdf):
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 20
    failures = []
    answered: Counter = Counter()
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=4,
            deadline=None,
            derandomize=True,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case):
            for role, secret in tokens.items():
                response = case.call(headers={"Authorization": f"Bearer {secret}"})
                answered[(case.method.upper(), response.status_code)] += 1
                assert response.status_code < 500, (role, response.text[:300])
                case.validate_response(response, checks=CHECKS)

        try:
            run()
        except Exception as error:  # every operation is tried; all failures are reported
            failures.append(f"{operation.method.upper()} {operation.path}: {error}")
    assert not failures, "\n\n".join(failures)
    # The run reached the resources, not only the refusals.
    assert answered[("GET", 200)] > 50 and sum(answered.values()) > 300, answered
