"""Test settings: fast hashing, tasks run immediately, files in a temporary folder."""

import os
import tempfile

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105
AUDIT_CHAIN_KEY = "test-only-audit-key"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Tasks run inside the request here: the page would render its return PDF each time.
RELIEF_PREPARE_RETURNS = False
_tmp = tempfile.mkdtemp(prefix="relief-test-")
MEDIA_ROOT = _tmp
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": _tmp, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AXES_ENABLED = os.environ.get("RELIEF_TEST_AXES", "1") == "1"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":  # noqa: F405
    # Test databases are flushed with TRUNCATE, which the audit triggers otherwise refuse.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (  # noqa: F405
        "-c relief.allow_truncate=on -c synchronous_commit=off"
    )
