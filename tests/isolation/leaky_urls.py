"""The tenant URLconf plus one view that forgets its scoping, to prove the probe sees it."""

from django.http import Http404, HttpResponse
from django.urls import include, path

from provincial.models import Job
from provincial.urls_tenant import urlpatterns as tenant_patterns


def unscoped_job(request, pk: int) -> HttpResponse:
    # Deliberately wrong: no entity filter (it does answer 404 for a missing id).
    job = Job.objects.filter(pk=pk).first()
    if job is None:
        raise Http404
    return HttpResponse(f"{job.kind} {job.payload}")


urlpatterns = [
    *tenant_patterns,
    path("gestion/olvido/", include(([path("<int:pk>/", unscoped_job, name="job")], "olvido"),
                                     namespace=None)),
]
