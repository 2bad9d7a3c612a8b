"""A job's page (polled by htmx while it runs) and its download; only the owner sees either."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from core.files import serve_stored_file

from .models import Job


def _own_job(request, pk) -> Job:
    return get_object_or_404(Job, pk=pk, owner=request.user)


@login_required
def job_detail(request, pk):
    job = _own_job(request, pk)
    template = "jobs/_progress.html" if request.htmx else "jobs/job_detail.html"
    return render(request, template, {"job": job})


@login_required
def job_download(request, pk):
    job = _own_job(request, pk)
    return serve_stored_file(
        job.result_file,
        content_type="application/octet-stream",
        filename=job.result_name,
        as_attachment=True,
    )


@login_required
def job_list(request):
    jobs = Job.objects.filter(owner=request.user).order_by("-created_at")[:50]
    return render(request, "jobs/job_list.html", {"jobs": jobs})
