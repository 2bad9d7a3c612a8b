"""Where files live: the local disk, or an S3-compatible object store when a bucket is named.

Several instances must see the same files, so production names a bucket (MinIO, Alibaba OSS,
Tencent COS, AWS). The bucket stays private: objects are written with a private ACL and served
only by views that check the user's scope first (streamed, or handed to nginx through
X-Accel-Redirect with a presigned URL that expires in a minute).
"""

from collections.abc import Mapping
from pathlib import Path


def default_storage_from_env(env: Mapping[str, str], local_location: Path) -> dict:
    """The `STORAGES["default"]` entry the environment asks for."""
    bucket = env.get("RELIEF_S3_BUCKET", "")
    if not bucket:
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            # Outside any web root: served only by scope-checking views.
            "OPTIONS": {"location": local_location, "base_url": None},
        }
    return {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": env.get("RELIEF_S3_ENDPOINT_URL") or None,
            "access_key": env.get("RELIEF_S3_ACCESS_KEY") or None,
            "secret_key": env.get("RELIEF_S3_SECRET_KEY") or None,
            "region_name": env.get("RELIEF_S3_REGION") or None,
            "addressing_style": env.get("RELIEF_S3_ADDRESSING_STYLE", "path"),
            "signature_version": "s3v4",
            "location": env.get("RELIEF_S3_PREFIX", ""),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 60,
            "file_overwrite": False,
        },
    }
