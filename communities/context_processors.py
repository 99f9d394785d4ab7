from communities.access import viewer_of

LARGE_TEXT_COOKIE = "large_text"


def portal(request):
    """What every page's frame needs: the viewer's role and the 大字模式 switch."""
    return {
        "viewer": viewer_of(request.user) if hasattr(request, "user") else None,
        "large_text": request.COOKIES.get(LARGE_TEXT_COOKIE) == "1",
    }
