"""A job's page (polled by htmx while it runs) and its download; only the owner sees either."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render

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
    if not job.result_file:
        raise Http404
    return FileResponse(job.result_file.open("rb"), as_attachment=True, filename=job.result_name)


@login_required
def job_list(request):
    jobs = Job.objects.filter(owner=request.user).order_by("-created_at")[:50]
    return render(request, "jobs/job_list.html", {"jobs": jobs})
