"""C1: an issued circular's document, as it was issued, for the office and the leadership
(linked from the score pages by the `circulars` template tags). A draft is the office's,
on its desk (publishing/desk.py): it is not served here."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from communities.access import require_sees_all
from publishing.models import Circular

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def file_name(circular):
    """通报-2021Q2.docx, 督查通报-2021-06-01.docx; a draft says so."""
    if circular.inspection_id:
        name = f"督查通报-{circular.inspection.held_on:%Y-%m-%d}"
    else:
        name = f"通报-{circular.quarter_label}"
    return f"{name}.docx" if circular.is_issued else f"{name}-草稿.docx"


def docx_response(body, name):
    response = HttpResponse(body, content_type=DOCX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    return response


@login_required
@require_GET
def document(request, pk):
    """The document frozen when the circular was issued, byte for byte; 404 for a draft."""
    require_sees_all(request.user)
    circular = get_object_or_404(
        Circular.objects.select_related("plan", "inspection").filter(issued_at__isnull=False),
        pk=pk,
    )
    return docx_response(bytes(circular.document), file_name(circular))
