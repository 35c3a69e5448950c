"""PDF documents (score cards, certificates) rendered from templates with WeasyPrint."""

from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string


def pdf_response(
    template: str, context: dict, *, stylesheet: str, filename: str, request=None
) -> HttpResponse:
    """The template rendered as a PDF download, styled by the static `stylesheet`."""
    from weasyprint import CSS, HTML  # a heavy import: loaded when a document is first asked for

    html = render_to_string(template, context, request=request)
    pdf = HTML(string=html).write_pdf(stylesheets=[CSS(filename=finders.find(stylesheet))])
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f"attachment; filename={filename}"
    return response
