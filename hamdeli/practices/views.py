"""Pages for practices. Business rules live in services and selectors; these wire forms to them."""


from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_POST

from hamdeli.core import downloads, files, ratelimit, tenancy
from hamdeli.core import selectors as core
from hamdeli.core.clients import client_ip
from hamdeli.core.errors import ServiceError
from hamdeli.core.forms_util import apply_service_error
from hamdeli.core.listing import Listing
from hamdeli.core.permissions import PUBLIC, has_perm, requires
from hamdeli.places import selectors as places
from hamdeli.practices import exchange, facets, forms, selectors, services
from hamdeli.practices.models import Crisis
from hamdeli.practices.search.engine import MAX_DEPTH, Filters, candidates, search

PAGE_SIZE = 20
ASK_MAX_BYTES = 32 * 1024  # a question form never needs more


FILTERS = ("topic", "country", "language", "crisis", "phase", "instrument", "date_from", "date_to")
COLUMNS = [("title", _lazy("Title")), ("city", _lazy("City")), ("crisis", _lazy("Crisis")),
           ("phase", _lazy("Phase")), ("started", _lazy("Started on"))]


def _search_page(request, org, template, **context):
    owner = org is not None and has_perm(request, "practices.restore")  # the public exchange has no archive
    form = forms.SearchForm(request.GET or None).offer_archived(owner)
    data = {}
    if form.is_bound:
        form.is_valid()  # a field that does not read (a mistyped date) is left out and shown with its error
        data = form.cleaned_data
    query = data.get("q", "")
    results, panel, active, pages = None, [], [], {}
    given: dict[str, Any] = {k: data.get(k) or ("" if k not in ("date_from", "date_to") else None) for k in FILTERS}
    filters = Filters(**given,
                      archived=form.archived_only)
    if query.strip():
        calendar = facets.page_calendar()
        number = _page_number(request)
        results = search(org=org, query=query, filters=filters, mode=data.get("mode") or "hybrid",
                         limit=PAGE_SIZE, offset=(number - 1) * PAGE_SIZE, calendar=calendar)
        params = {k: v for k, v in request.GET.items() if v and k != "page"}
        panel, active = facets.panel(results.facets, params, calendar), facets.active_filters(data, params)
        pages = {"previous": facets.link(params, page=number - 1) if number > 1 else "",
                 "next": facets.link(params, page=number + 1) if results.has_more else "",
                 "first": results.offset + 1, "last": results.offset + len(results.hits)}
    # No words: the practices the filters leave (all the office may read when none is set), a page at a time.
    listing = None if results else Listing(request, selectors.listing_rows(candidates(org, filters)),
                                           sorts=selectors.sorts(), default="-started", columns=COLUMNS,
                                           filters=(*FILTERS, "archived"))
    return render(request, template, {"form": form, "results": results, "listing": listing, "facet_panel": panel,
                                      "active_filters": active, "pages": pages, **context})


def _page_number(request) -> int:
    try:
        number = int(request.GET.get("page") or 1)
    except ValueError:
        return 1
    return min(max(number, 1), MAX_DEPTH // PAGE_SIZE + 1)


@requires("practices.view")
def practice_list(request):
    return _search_page(request, request.org, "practices/list.html")


def _form_data(form, practice=None) -> dict:
    data = dict(form.cleaned_data)
    if not data.get("city"):
        data.pop("city", None)  # empty: the office's own city
    # A language whose box was posted comes from the form (an emptied box removes it); the others are kept.
    for name in ("title", "summary", "body", "results"):
        posted = {lang for lang in form.fields[name].languages if f"{name}_{lang}" in form.data}
        kept = {k: v for k, v in (getattr(practice, name, None) or {}).items() if k not in posted}
        data[name] = {**kept, **{k: v for k, v in data[name].items() if v and k in posted}}
    return data


@requires("practices.edit")
def practice_create(request):
    form = forms.PracticeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            p = services.create_practice(org=request.org, actor=request.user, **_form_data(form))
            return redirect("practices:detail", public_id=p.public_id)
        except ServiceError as exc:
            apply_service_error(form, exc)
    return render(request, "practices/form.html", {"form": form}, status=422 if form.errors else 200)


@requires("practices.edit")
def practice_edit(request, public_id):
    practice = selectors.own_practice(org=request.org, public_id=public_id)
    initial = {name: getattr(practice, name) for name in forms.PracticeForm.base_fields if hasattr(practice, name)}
    initial.update(city=practice.city_id, links="\n".join(practice.links))
    form = forms.PracticeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_practice(org=request.org, actor=request.user, practice=practice,
                                     **_form_data(form, practice))
            return redirect("practices:detail", public_id=public_id)
        except ServiceError as exc:
            apply_service_error(form, exc)
    return render(request, "practices/form.html", {"form": form, "practice": practice},
                  status=422 if form.errors else 200)


@requires("practices.view")
def practice_detail(request, public_id, attachment_form=None, status=200):
    practice = selectors.practice(org=request.org, public_id=public_id)
    return render(request, "practices/detail.html", {
        "p": practice, "attachments": selectors.attachments(practice), "own": practice.org_id == request.org.pk,
        "attachment_form": attachment_form or forms.AttachmentForm()}, status=status)


@require_POST
@requires("practices.edit")
def practice_archive(request, public_id):
    practice = selectors.own_practice(org=request.org, public_id=public_id)
    return _archive_step(request, practice, services.archive_practice, _("The practice is archived."))


@require_POST
@requires("practices.restore")
def practice_restore(request, public_id):
    practice = selectors.own_practice(org=request.org, public_id=public_id)
    return _archive_step(request, practice, services.restore_practice, _("The practice is restored."))


def _archive_step(request, practice, step, done: str):
    try:
        step(org=request.org, actor=request.user, practice=practice)
    except ServiceError as exc:  # archived or restored meanwhile (another tab): say so on its page
        messages.error(request, exc.message)
        return practice_detail.__wrapped__(request, practice.public_id, status=exc.status)
    messages.success(request, done)
    return redirect("practices:detail", public_id=practice.public_id)


@require_POST
@requires("practices.edit")
def practice_attach(request, public_id):
    practice = selectors.own_practice(org=request.org, public_id=public_id)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(org=request.org, actor=request.user, practice=practice,
                                    upload=form.cleaned_data["file"])
            return redirect("practices:detail", public_id=public_id)
        except ServiceError as exc:
            apply_service_error(form, exc)
    return practice_detail.__wrapped__(request, public_id, attachment_form=form, status=422)


def _file_response(practice, attachment_id):
    found = selectors.attachment(practice=practice, public_id=attachment_id)
    return files.serve(found.file, name=found.name, content_type=found.content_type)


@requires("practices.view")
def attachment(request, public_id, attachment_id):
    return _file_response(selectors.practice(org=request.org, public_id=public_id), attachment_id)


@require_POST
@requires("practices.edit")
def attachment_remove(request, public_id, attachment_id):
    practice = selectors.own_practice(org=request.org, public_id=public_id)
    services.remove_attachment(org=request.org, actor=request.user,
                               attachment=selectors.attachment(practice=practice, public_id=attachment_id))
    return redirect("practices:detail", public_id=public_id)


@requires(PUBLIC)
def public_attachment(request, public_id, attachment_id):
    """A public practice's files are public too: the protocol or poster it shares."""
    return _file_response(selectors.public_practice(public_id), attachment_id)


@requires("practices.view")
def ahead(request):
    form = forms.AheadForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    crisis = data.get("crisis") or Crisis.COVID19
    rows = selectors.cities_ahead(org=request.org, crisis=crisis, topic=data.get("topic") or None)
    ours = selectors.impacts(org=request.org).filter(crisis=crisis, city_id=request.org.city_id).first()
    return render(request, "practices/ahead.html", {"form": form, "rows": rows, "ours": ours})


@requires("practices.view")
def impacts(request, form=None, status=200):
    return render(request, "practices/impacts.html", {"form": form or forms.ImpactForm(), "impacts": selectors.impacts(
        org=request.org).select_related("city")}, status=status)


@require_POST
@requires("practices.edit")
def impact_record(request):
    form = forms.ImpactForm(request.POST)
    if form.is_valid():
        data = dict(form.cleaned_data)
        gid = data.pop("city_geonameid", None)
        city = places.find_city(gid) if gid else None
        if gid and city is None:
            form.add_error("city_geonameid", _("No city has this GeoNames id."))
        else:
            try:
                services.record_impact(org=request.org, actor=request.user, city=city, **data)
                return redirect("practices:impacts")
            except ServiceError as exc:
                apply_service_error(form, exc)
    return impacts.__wrapped__(request, form=form, status=422)


@requires("practices.view")
def export(request):
    """The office's practices as JSON or CSV: prepared by a job when posted (core.downloads), at once for a GET."""
    if request.method == "POST":
        return downloads.ask_on_page(request, "practices.practices")
    return downloads.respond(downloads.build_now(downloads.Asked.of(request), "practices.practices"))


@requires("practices.edit")
def import_page(request):
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        fmt = "csv" if upload.name.lower().endswith(".csv") else "json"
        try:
            content = upload.read().decode("utf-8-sig")
            result = exchange.import_practices(org=request.org, actor=request.user, content=content, format=fmt)
        except UnicodeDecodeError:
            form.add_error("file", _("The file must be UTF-8 text."))
        except ServiceError as exc:
            form.add_error("file", exc.message)
            return render(request, "practices/import.html", {"form": form, "problems": exc.fields}, status=422)
    return render(request, "practices/import.html", {"form": form, "result": result},
                  status=422 if form.errors else 200)


@requires("practices.view")
def inbox(request):
    return render(request, "practices/inbox.html", {"questions": selectors.questions(org=request.org)})


@require_POST
@requires("practices.edit")
def question_read(request, public_id):
    question = selectors.questions(org=request.org).filter(public_id=public_id).first()
    if question is None:
        raise Http404
    services.mark_question_read(org=request.org, actor=request.user, question=question)
    return redirect("practices:inbox")


# --- public pages: no sign-in; public practices only ---

@requires(PUBLIC)
def public_list(request):
    return _search_page(request, None, "practices/public_list.html", offices=core.offices())


@requires(PUBLIC)
def public_detail(request, public_id, form=None, status=200, sent=False):
    practice = selectors.public_practice(public_id)
    return render(request, "practices/public_detail.html", {
        "p": practice, "attachments": selectors.attachments(practice), "form": form or forms.AskForm(),
        "sent": sent or request.GET.get("sent")}, status=status)


@require_POST
@requires(PUBLIC)
def public_ask(request, public_id):
    practice = selectors.public_practice(public_id)
    form = forms.AskForm(request.POST)
    sender = client_ip(request)
    if int(request.META.get("CONTENT_LENGTH") or 0) > ASK_MAX_BYTES:
        return HttpResponse(_("The question is too long."), status=413)
    if form.is_valid():
        # A question that could be sent counts against the address's limit (core.ratelimit: one atomic
        # counter shared by every server process), so mistyped forms do not use it up.
        refusal = ratelimit.hit("ask", sender or "unknown")
        if refusal is not None:
            form.add_error(None, _("Too many questions from your address. Please try again in %(wait)s.") % {
                "wait": ratelimit.wait_text(refusal.retry_after)})
            response = public_detail.__wrapped__(request, public_id, form=form, status=429)
            response["Retry-After"] = str(refusal.retry_after)
            return response
        try:
            with tenancy.in_scope_of(practice.org_id):  # a visitor's question goes to the practice's office
                services.ask_city(practice=practice, sender_ip=sender, **form.cleaned_data)
            return redirect(f"{request.path.removesuffix('ask/')}?sent=1")
        except ServiceError as exc:
            apply_service_error(form, exc)
    return public_detail.__wrapped__(request, public_id, form=form, status=422)


@requires(PUBLIC)
def public_feed(request):
    body, content_type = exchange.export(selectors.visible_practices(None), "json", public=True)
    return HttpResponse(body, content_type=content_type)

