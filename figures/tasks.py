"""The worker's side of the statistics: the return PDF prepared while its page is read."""

from django.http import Http404
from django.utils import timezone
from django_tasks import task

from accounts.models import User

from .filters import parse_filters
from .permissions import can_view_statistics
from .returns import build_return
from .returns.pdf_cache import prepare

TASK_PATH = "figures.tasks.prepare_return"


def prepare_return_waiting(user_id: int, params: dict[str, str]) -> bool:
    """Is this very preparation queued and not started yet?"""
    try:
        from django_tasks_db.models import DBTaskResult
    except ImportError:  # another task backend: it cannot be asked
        return False
    return DBTaskResult.objects.filter(
        task_path=TASK_PATH,
        status="READY",
        args_kwargs__args__0=user_id,
        args_kwargs__args__1=params,
    ).exists()


# Below the jobs people wait for (letters, finance files): a preparation only saves a wait.
@task(priority=-20)
def prepare_return(user_id: int, params: dict[str, str]) -> bool:
    """Render and store the return the statistics page of `params` links to, as `user_id` would
    download it now; False when it is stored already or the user may no longer see it."""
    user = User.objects.filter(pk=user_id, is_active=True).select_related("organisation").first()
    if user is None or not can_view_statistics(user):
        return False
    try:
        f = parse_filters(user, params)
    except Http404:  # the organisation left the user's scope since
        return False
    return prepare(build_return(user, f, filled_on=timezone.localdate()))
