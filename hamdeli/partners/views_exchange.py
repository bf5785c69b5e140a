"""Pages for importing partners and agreements (upload, preview, record, rows to fix) and exporting them."""

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from hamdeli.core import downloads
from hamdeli.core.errors import ServiceError
from hamdeli.core.forms_util import apply_service_error
from hamdeli.core.permissions import requires
from hamdeli.partners import forms, imports, selectors, services, tables


@requires("partners.edit")
def import_start(request):
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            batch = services.start_import(org=request.org, actor=request.user, filename=upload.name,
                                          content=upload.read(tables.MAX_BYTES + 1),
                                          default_kind=form.cleaned_data["kind"],
                                          default_state=form.cleaned_data["state"])
            return redirect("partners:import_preview", public_id=batch.public_id)
        except ServiceError as exc:
            apply_service_error(form, exc)
    return render(request, "partners/import.html", {"form": form}, status=422 if form.errors else 200)


@requires("partners.view")
def import_preview(request, public_id):
    batch = selectors.partner_import(org=request.org, public_id=public_id)
    return render(request, "partners/import_preview.html",
                  {"batch": batch, "result": imports.preview_of(batch)})


@require_POST
@requires("partners.edit")
def import_apply(request, public_id):
    batch = selectors.partner_import(org=request.org, public_id=public_id)
    try:
        services.record_import(org=request.org, actor=request.user, batch=batch)
    except ServiceError as exc:
        return render(request, "partners/import_preview.html",
                      {"batch": batch, "result": imports.preview_of(batch), "error": exc.message}, status=exc.status)
    return redirect("partners:import_preview", public_id=public_id)


@requires("partners.view")
def import_status(request, public_id):
    """The status of an import the worker records, polled by its page (htmx) until it is recorded; then
    the page reloads to show what was recorded."""
    batch = selectors.partner_import(org=request.org, public_id=public_id)
    response = render(request, "partners/_import_status.html", {"batch": batch})
    if batch.applied_at is not None and request.headers.get("HX-Request"):
        response["HX-Refresh"] = "true"
    return response


@requires("partners.view")
def import_unresolved(request, public_id):
    batch = selectors.partner_import(org=request.org, public_id=public_id)
    columns, rows = imports.unresolved_rows(imports.preview_of(batch))
    return _download(tables.write_rows(columns, rows, batch.file_format), batch.file_format, "unresolved")


@requires("partners.view")
def export(request):
    """The partners as CSV or XLSX: prepared by a job when posted (core.downloads), built at once for a GET."""
    if request.method == "POST":
        return downloads.ask_on_page(request, "partners.partnerships")
    return downloads.respond(downloads.build_now(downloads.Asked.of(request), "partners.partnerships"))


def _download(content: bytes, fmt: str, stem: str) -> HttpResponse:
    response = HttpResponse(content, content_type=tables.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
