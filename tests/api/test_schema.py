"""The OpenAPI document is valid OpenAPI 3, served with Swagger UI and ReDoc from this server."""

import pytest
import yaml
from openapi_spec_validator import validate

pytestmark = pytest.mark.django_db


def test_schema_is_valid_openapi(client):
    response = client.get("/api/v1/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    validate(schema)
    paths = schema["paths"]
    for path in (
        "/api/v1/people/",
        "/api/v1/people/{id}/reveal/",
        "/api/v1/payments/",
        "/api/v1/payments/{id}/approve/",
        "/api/v1/organisations/",
        "/api/v1/cases/",
        "/api/v1/visits/",
        "/api/v1/campaigns/",
        "/api/v1/batches/",
    ):
        assert path in paths, path
    assert schema["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"


def test_the_schema_speaks_english_on_request(client):
    zh = client.get("/api/v1/schema/").content.decode()
    en = client.get("/api/v1/schema/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "身份证号（脱敏）" in zh
    assert "ID number (masked)" in en


def test_swagger_ui_and_redoc_load_their_assets_locally(client):
    swagger = client.get("/api/v1/docs/")
    assert swagger.status_code == 200
    html = swagger.content.decode()
    assert "cdn" not in html.lower() and "/static/drf_spectacular_sidecar/" in html
    redoc = client.get("/api/v1/redoc/").content.decode()
    assert "cdn" not in redoc.lower() and "/static/drf_spectacular_sidecar/" in redoc
