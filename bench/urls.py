"""URLconf of the benchmark: one trivial page."""

from django.http import HttpResponse
from django.urls import path


def tiny(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/", tiny, name="bench-tiny")]
