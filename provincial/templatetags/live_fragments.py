"""`{% official_time "d/m/Y H:i" %}`: the sede's official date and time (art. 15 RD 203/2021)
as a <time> element. On a page rendered by provincial.page_cache.render_live it is a
marker filled with the server's time of each response, cached or not; elsewhere, the
time now."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from provincial import page_cache

register = template.Library()


@register.simple_tag(takes_context=True)
def official_time(context, date_format: str) -> SafeString:
    if context.get(page_cache.LIVE_CONTEXT_FLAG):
        return mark_safe(page_cache.marker("official_time", date_format))  # noqa: S308 - ours
    return mark_safe(page_cache.fragment("official_time", date_format))  # noqa: S308 - escaped
