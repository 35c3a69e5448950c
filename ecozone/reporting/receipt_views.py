"""Receipts: downloads for those who may view the report, and the page that checks one."""

import json

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext as _

from ecozone.core.pdf import pdf_response
from ecozone.reporting import permissions, queries, receipts
from ecozone.reporting.forms import ReceiptUploadForm
from ecozone.reporting.models import Receipt


def _receipt(request, pk: int) -> Receipt:
    receipt = get_object_or_404(
        Receipt.objects.select_related("report__region", "report__system"), pk=pk
    )
    if not permissions.can_view_report(request.user, receipt.report):
        raise Http404
    return receipt


@login_required
def receipt_json(request, pk: int):
    receipt = _receipt(request, pk)
    text = json.dumps(receipt.document, ensure_ascii=False, indent=2, sort_keys=True)
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f"attachment; filename={receipts.filename(receipt, 'json')}"
    return response


@login_required
def receipt_pdf(request, pk: int):
    receipt = _receipt(request, pk)
    return pdf_response(
        "reporting/receipt_pdf.html",
        {"receipt": receipt, "doc": receipt.document},
        stylesheet="css/pdf.css",
        filename=receipts.filename(receipt, "pdf"),
        request=request,
    )


@login_required
def verify_receipt(request):
    """Upload a receipt: is its signature valid, and does the platform still hold its values?
    Only receipts of reports within the uploader's scope are checked."""
    form = ReceiptUploadForm(request.POST or None, request.FILES or None)
    check, status = None, 200
    if request.method == "POST" and form.is_valid():
        doc = form.cleaned_data["file"]
        report = receipts.report_of(doc)
        if report is not None and not queries.reports_for(request.user).filter(pk=report.pk):
            form.add_error("file", _("This receipt is for a report outside your scope."))
            status = 403
        else:
            check = receipts.check_receipt(doc)
    return render(
        request,
        "reporting/receipt_verify.html",
        {"form": form, "check": check},
        status=status,
    )
