"""A real S3-compatible server on loopback for the tests: moto in server mode.

The tests talk to it over HTTP exactly as production talks to MinIO or OSS, through
django-storages and boto3; nothing is patched in-process.
"""

from pathlib import Path

import boto3

from relief.settings.storage import default_storage_from_env

ACCESS_KEY = "relief-test"
SECRET_KEY = "relief-test-secret"  # noqa: S105
REGION = "us-east-1"


def object_store_env(endpoint: str, bucket: str) -> dict[str, str]:
    """The environment a deployment sets for this object store (see deploy/relief.env)."""
    return {
        "RELIEF_S3_BUCKET": bucket,
        "RELIEF_S3_ENDPOINT_URL": endpoint,
        "RELIEF_S3_ACCESS_KEY": ACCESS_KEY,
        "RELIEF_S3_SECRET_KEY": SECRET_KEY,
        "RELIEF_S3_REGION": REGION,
    }


def s3_client(endpoint: str):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        region_name=REGION,
    )


def create_bucket(endpoint: str, bucket: str) -> None:
    s3_client(endpoint).create_bucket(Bucket=bucket)


def s3_storage_setting(endpoint: str, bucket: str) -> dict:
    """The `STORAGES["default"]` entry for this bucket (no local folder is involved)."""
    return default_storage_from_env(object_store_env(endpoint, bucket), Path("/nonexistent"))
