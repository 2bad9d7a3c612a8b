import uuid

import pytest
from moto.server import ThreadedMotoServer

from tests.cases.conftest import private_storage  # noqa: F401
from tests.objectstore import create_bucket, s3_client, s3_storage_setting


@pytest.fixture(scope="session")
def object_store_endpoint():
    """moto's S3 server on a free loopback port, for the whole session."""
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture
def bucket(object_store_endpoint, settings):
    """A fresh private bucket of this test's own, as the default storage."""
    name = f"relief-{uuid.uuid4().hex[:12]}"
    create_bucket(object_store_endpoint, name)
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage_setting(object_store_endpoint, name),
    }
    return name


@pytest.fixture
def s3(object_store_endpoint):
    return s3_client(object_store_endpoint)
