"""Hand a stored file to a user who has already passed the view's role and scope checks.

Files are never reachable by a public URL. Without a proxy the bytes are streamed from the
storage (local disk or object store). With nginx in front (`RELIEF_X_ACCEL_REDIRECT` names its
internal location) the view answers with an `X-Accel-Redirect` header and nginx sends the bytes,
so a gunicorn worker is not tied up by a slow phone download: from the private directory for
local storage, or from the object store through a presigned URL that expires in a minute.
"""

from urllib.parse import quote, urlsplit

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404, HttpResponse
from django.utils.http import content_disposition_header

NO_STORE = "private, max-age=0, no-store"


def serve_stored_file(
    stored: FieldFile, *, content_type: str, filename: str, as_attachment: bool
) -> HttpResponse | FileResponse:
    """The response that delivers `stored`; 404 when the file is missing from the storage."""
    if not stored:
        raise Http404
    prefix = settings.RELIEF_X_ACCEL_REDIRECT
    response: HttpResponse | FileResponse
    if prefix:
        response = HttpResponse(content_type=content_type)
        response["X-Accel-Redirect"] = internal_redirect_uri(stored, prefix)
        response["Content-Disposition"] = content_disposition_header(as_attachment, filename) or ""
    else:
        try:
            handle = stored.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        response = FileResponse(
            handle, content_type=content_type, as_attachment=as_attachment, filename=filename
        )
    response["Cache-Control"] = NO_STORE
    # A user's file never runs in our origin: no scripts, no plugins, no same-origin access,
    # and the browser may not guess a more active type than the one stated.
    response["Content-Security-Policy"] = "sandbox"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def internal_redirect_uri(stored: FieldFile, prefix: str) -> str:
    """The URI nginx serves internally: the file's path below `prefix` for a local directory,
    or the presigned object URL's path and query below `prefix` for an object store."""
    base, name = prefix.rstrip("/"), stored.name or ""
    if isinstance(stored.storage, FileSystemStorage):
        return f"{base}/{quote(name)}"
    parts = urlsplit(stored.storage.url(name))
    return f"{base}{parts.path}?{parts.query}"
