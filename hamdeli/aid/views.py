"""Aid pages. Business rules live in services; these only wire forms to them.

Every form that writes is posted once: `formtokens.submit_once` spends the form's one-time token in
the transaction of the write, so a double click or a resubmission records nothing twice.
"""

import segno
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_POST
from django_stubs_ext import StrOrPromise

from hamdeli.aid import access, exports, imports, sankey, selectors, services, sharing
from hamdeli.aid.forms import (
    AcceptLinkForm,
    BoxesForm,
    CancelLinkForm,
    DisposalForm,
    GrantForm,
    ImportConfirmForm,
    ImportForm,
    IntakeForm,
    ItemForm,
    LocationForm,
    MoveForm,
    MovementFilterForm,
    OfferLinkForm,
    PartyForm,
    PledgeFilterForm,
    PledgeForm,
    ReceiveAllForm,
    ReceiveForm,
    ReverseForm,
    TransitionForm,
)
from hamdeli.aid.models import Box, BoxState, Consignment, Direction, LinkState, Pledge, PledgeState
from hamdeli.core import bidi, formtokens
from hamdeli.core import downloads as core_downloads
from hamdeli.core.digits import localize_digits
from hamdeli.core.errors import Conflict, ServiceError
from hamdeli.core.forms_util import apply_service_error
from hamdeli.core.listing import Listing
from hamdeli.core.permissions import has_perm, requires


def _ctx(request):
    return {"org": request.org, "actor": request.user}


def _then(act, url: str, request=None, say=None):
    """A write for formtokens.submit_once: do `act()`, say what was recorded (`say(result)`), go to `url`."""

    def write():
        result = act()
        if say is not None:
            messages.success(request, say(result))
        return url

    return write


def _moved(movements) -> str:
    """What a list of movements moved: "40 × Mask (lot L1), 10 × Gown (lot —)"."""
    return bidi.join(f"{localize_digits(m.quantity)} × {bidi.isolate(str(m.item))} "
                     f"({_('lot')} {bidi.isolate(str(m.lot))})" for m in movements)


@requires("aid.view")
def home(request):
    org, actor = request.org, request.user
    return render(
        request,
        "aid/home.html",
        {
            "stock": selectors.stock(org=org, actor=actor),
            "expiring": selectors.expiring(org=org, actor=actor),
            "receipts": selectors.recent_receipts(org=org, actor=actor),
            "locations": selectors.locations(org=org, actor=actor, real_only=True),
            "offers": _offers(request),
        },
    )


def _setup_page(request, status=200, **forms):
    org = request.org
    # Owners may list the archived items instead (to restore one): ?archived=1.
    archived = request.GET.get("archived") == "1" and has_perm(request, "aid.restore")
    context = {
        "item_form": ItemForm(),
        "party_form": PartyForm(),
        "location_form": LocationForm(org=org),
        "items": selectors.items(org=org, archived=archived),
        "showing_archived": archived,
        "parties": selectors.parties(org=org),
        "locations": selectors.locations(org=org, actor=request.user),
        **forms,
    }
    return render(request, "aid/setup.html", context, status=status)


@requires("aid.view")
def setup(request):
    return _setup_page(request)


def _create(request, form, key, make):
    if form.is_valid():
        try:
            return formtokens.submit_once(request, _then(
                lambda: make(form), reverse("aid:setup"), request,
                lambda made: bidi.fill(_("Recorded: %(what)s."), {"what": made})))
        except ServiceError as exc:
            apply_service_error(form, exc)
            return _setup_page(request, status=exc.status, **{key: form})
    return _setup_page(request, status=422, **{key: form})


@require_POST
@requires("aid.edit")
def item_create(request):
    return _create(
        request,
        ItemForm(request.POST),
        "item_form",
        lambda f: services.create_item(org=request.org, actor=request.user, **f.service_args()),
    )


@require_POST
@requires("aid.edit")
def item_archive(request, public_id):
    item = selectors.item(org=request.org, public_id=public_id)
    return _item_step(request, services.archive_item, item, bidi.fill(_("%(item)s is archived."), {"item": item}))


@require_POST
@requires("aid.restore")
def item_restore(request, public_id):
    item = selectors.item(org=request.org, public_id=public_id)
    return _item_step(request, services.restore_item, item, bidi.fill(_("%(item)s is restored."), {"item": item}))


def _item_step(request, step, item, done: str):
    try:
        return formtokens.submit_once(request, _then(
            lambda: step(org=request.org, actor=request.user, item=item), reverse("aid:setup"), request,
            lambda _made: done))
    except ServiceError as exc:  # still in stock, archived or restored meanwhile, or a spent form
        messages.error(request, exc.message)
        return _setup_page(request, status=exc.status)


@require_POST
@requires("aid.edit")
def party_create(request):
    return _create(
        request,
        PartyForm(request.POST),
        "party_form",
        lambda f: services.create_party(org=request.org, actor=request.user, **f.cleaned_data),
    )


@require_POST
@requires("aid.edit")
def location_create(request):
    return _create(
        request,
        LocationForm(request.POST, org=request.org),
        "location_form",
        lambda f: services.create_location(org=request.org, actor=request.user, **f.cleaned_data),
    )


@requires("aid.view")
def pledge_list(request):
    filters = PledgeFilterForm(request.GET or None, org=request.org)
    listing = Listing(request, selectors.filtered_pledges(org=request.org, actor=request.user, **filters.values()),
                      sorts=selectors.PLEDGE_SORTS, default="-offered", columns=PLEDGE_COLUMNS,
                      filters=list(filters.fields))
    return render(request, "aid/pledges.html", {"listing": listing, "pledges": listing.page, "filters": filters,
                                                "offers": _offers(request)})


PLEDGE_COLUMNS = [(None, gettext_lazy("Pledge")), ("direction", pgettext_lazy("aid pledge", "Direction")),
                  (None, gettext_lazy("Donor")), (None, gettext_lazy("Recipient")), ("state", gettext_lazy("State")),
                  ("offered", gettext_lazy("Offered on"))]


@requires("aid.edit")
def pledge_create(request):
    form = PledgeForm(request.POST or None, org=request.org)
    if request.method == "POST" and form.is_valid():
        lines, data = form.split()

        def write():
            p = services.create_pledge(org=request.org, actor=request.user, lines=lines, **data)
            messages.success(request, bidi.fill(_("Pledge recorded: %(pledge)s, %(lines)s item line(s)."),
                                                {"pledge": p, "lines": localize_digits(len(lines))}))
            return reverse("aid:pledge", kwargs={"public_id": p.public_id})

        try:
            return formtokens.submit_once(request, write)
        except ServiceError as exc:
            apply_service_error(form, exc)
    return render(
        request, "aid/form.html", {"form": form, "title": _("New pledge")}, status=422 if form.errors else 200
    )


def _pledge_page(request, pledge, status=200, receive_form=None, **forms):
    """The pledge, its consignments and boxes: a receipt form for each box on its way (the one just
    posted, with its errors, when given), what was recorded short, damaged or over for the others."""
    org, actor = request.org, request.user
    consignments = list(pledge.consignments.prefetch_related("boxes__lines__item", "boxes__lines__lot"))
    discrepancies = selectors.receipt_discrepancies(org=org, pledge=pledge)
    posted_all = forms.pop("receive_all_form", None)
    for consignment in consignments:
        consignment.waiting = any(b.state == BoxState.IN_TRANSIT for b in consignment.boxes.all())
        if consignment.waiting:
            mine = posted_all is not None and posted_all.consignment.pk == consignment.pk
            consignment.receive_all_form = posted_all if mine else ReceiveAllForm(org=org, actor=actor)
        for box in consignment.boxes.all():
            box.discrepancies = discrepancies.get(box.pk, [])
            if box.state == BoxState.IN_TRANSIT:
                posted = receive_form is not None and receive_form.box.pk == box.pk
                box.receive_form = receive_form if posted else ReceiveForm(org=org, actor=actor, box=box)
    shared = sharing.link_of(org=org, pledge=pledge)
    offer_form = forms.pop("offer_form", None)
    if (pledge.direction == Direction.OUTBOUND and pledge.state != PledgeState.CANCELLED
            and (shared is None or shared.state == LinkState.CANCELLED)):
        offer_form = offer_form or OfferLinkForm(org=org)
    context = {
        "p": pledge,
        "shared": shared,
        "shared_boxes": sharing.shipped_boxes(org=org, link=shared) if shared else [],
        "offer_form": offer_form,
        "consignments": consignments,
        "transition_form": TransitionForm(org=org, actor=actor, pledge=pledge),
        "import_form": ImportForm(),
        "boxes_form": BoxesForm(org=org),
        **forms,
    }
    return render(request, "aid/pledge.html", context, status=status)


@requires("aid.view")
def pledge_detail(request, public_id):
    return _pledge_page(request, selectors.pledge(org=request.org, actor=request.user, public_id=public_id))


def _show_error(form, exc: ServiceError) -> None:
    """The service's message and field errors; errors of no form field (an import's rows) listed too."""
    apply_service_error(form, exc)
    for name, message in exc.fields.items():
        if name not in form.fields:
            row = name.removeprefix("row ")
            label = _("Row %(number)s") % {"number": localize_digits(row)} if row.isdigit() else name
            form.add_error(None, f"{label}: {message}")


def _post_on_pledge(request, pledge, form, key, act, say):
    if form.is_valid():
        try:
            url = reverse("aid:pledge", kwargs={"public_id": pledge.public_id})
            return formtokens.submit_once(request, _then(lambda: act(form.cleaned_data), url, request, say))
        except ServiceError as exc:
            _show_error(form, exc)
            return _pledge_page(request, pledge, status=exc.status, **{key: form})
    return _pledge_page(request, pledge, status=422, **{key: form})


@require_POST
@requires("aid.handle")
def pledge_transition(request, public_id):
    org, actor = request.org, request.user
    pledge = selectors.pledge(org=org, actor=actor, public_id=public_id)
    return _post_on_pledge(
        request,
        pledge,
        TransitionForm(request.POST, org=org, actor=actor, pledge=pledge),
        "transition_form",
        lambda d: services.transition_pledge(org=org, actor=actor, pledge=pledge, **d),
        lambda p: bidi.fill(_("Pledge %(pledge)s is now “%(state)s”."), {"pledge": p, "state": p.get_state_display()}),
    )


def _import_preview(request, pledge, text: str, carrier: str, tracking_ref: str, status=None, problem=""):
    """What a box list would create, row by row with every row's errors; a confirm form when there are none."""
    result = imports.plan(org=request.org, text=text, pledge=pledge)
    ready = bool(result.boxes) and not result.errors
    initial = ImportConfirmForm.initial_for(text, result.fingerprint(), carrier, tracking_ref)
    if ready and len(initial["csv"]) + 64 * 1024 > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        # The confirm posts the file back (base64, a third larger): past the request limit, say so now.
        ready, status = False, 413
        problem = problem or _("This box list is too large to confirm on the page; send it through the API "
                               "(POST /api/v1/aid/pledges/…/consignments/import) or split it.")
    confirm = ImportConfirmForm(initial=initial)
    return render(request, "aid/boxes_import_preview.html", {
        "p": pledge, "plan": result, "ready": ready, "confirm_form": confirm if ready else None, "problem": problem,
        "boxes": len(result.boxes), "carrier": carrier, "tracking_ref": tracking_ref,
    }, status=status or (200 if ready else 422))


def _consignment_recorded(c) -> str:
    return bidi.fill(_("Consignment %(ref)s recorded with %(boxes)s boxes."), {
        "ref": c.reference, "boxes": localize_digits(c.boxes.count())})


@require_POST
@requires("aid.handle")
def consignment_import(request, public_id):
    """A box list from a CSV file: the upload shows a preview of every row and of the boxes it would create
    (nothing written); the confirm posts the previewed text back and creates exactly that, in one transaction
    and once (the preview's one-time form token)."""
    org, actor = request.org, request.user
    pledge = selectors.pledge(org=org, actor=actor, public_id=public_id)
    if not request.POST.get("confirm"):
        form = ImportForm(request.POST, request.FILES)
        if not form.is_valid():
            return _pledge_page(request, pledge, status=422, import_form=form)
        try:
            text = imports.read_upload(form.cleaned_data["file"])
            return _import_preview(request, pledge, text, form.cleaned_data["carrier"],
                                   form.cleaned_data["tracking_ref"])
        except ServiceError as exc:
            _show_error(form, exc)
            return _pledge_page(request, pledge, status=exc.status, import_form=form)

    confirm = ImportConfirmForm(request.POST)
    if not confirm.is_valid():  # a hand-made post: nothing to preview again
        messages.error(request, _("The box list was not sent back as it was previewed. Upload the file again."))
        return _pledge_page(request, pledge, status=422)
    d = confirm.cleaned_data

    def write():
        result = imports.plan(org=org, text=d["csv"], pledge=pledge)
        if result.fingerprint() != d["fingerprint"]:
            raise Conflict(_("What this box list would create has changed since its preview (an item or a lot "
                             "was recorded meanwhile). Check the new preview and confirm again."),
                           code="preview_changed")
        result.raise_errors()
        consignment = services.create_consignment(org=org, actor=actor, pledge=pledge, boxes=result.boxes,
                                                  carrier=d["carrier"], tracking_ref=d["tracking_ref"])
        messages.success(request, _consignment_recorded(consignment))
        return reverse("aid:pledge", kwargs={"public_id": pledge.public_id})

    try:
        return formtokens.submit_once(request, write)
    except ServiceError as exc:
        return _import_preview(request, pledge, d["csv"], d["carrier"], d["tracking_ref"], status=exc.status,
                               problem=exc.message)


@require_POST
@requires("aid.handle")
def consignment_boxes(request, public_id):
    """A consignment typed on the page: first a preview of the boxes to be created, then, confirmed, created."""
    org, actor = request.org, request.user
    pledge = selectors.pledge(org=org, actor=actor, public_id=public_id)
    form = BoxesForm(request.POST, org=org)
    if form.is_valid() and not request.POST.get("confirm"):
        return render(request, "aid/boxes_preview.html", {"p": pledge, "form": form, "summary": form.summary,
                                                          "boxes": len(form.boxes)})

    def act(d):
        return services.create_consignment(org=org, actor=actor, pledge=pledge, boxes=form.boxes,
                                           carrier=d["carrier"], tracking_ref=d["tracking_ref"],
                                           shipped_on=d["shipped_on"])

    return _post_on_pledge(request, pledge, form, "boxes_form", act, _consignment_recorded)


@requires("aid.view")
def boxes_template(request, public_id):
    pledge = selectors.pledge(org=request.org, actor=request.user, public_id=public_id)
    response = HttpResponse(imports.template_csv(pledge=pledge), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="boxes.csv"'
    return response


@require_POST
@requires("aid.handle")
def box_receive(request, public_id):
    """Receive one box, line by line, through services.receive_box (the API's receipt)."""
    org, actor = request.org, request.user
    box = selectors.box(org=org, actor=actor, public_id=public_id)
    pledge = box.consignment.pledge
    form = ReceiveForm(request.POST, org=org, actor=actor, box=box)
    if not form.is_valid():
        return _pledge_page(request, pledge, status=422, receive_form=form)

    def write():
        d = form.cleaned_data
        services.receive_box(org=org, actor=actor, box=box, location=d["location"], lines=form.receipt_lines,
                             reason=d["reason"])
        messages.success(request, bidi.fill(_("Box %(box)s received into %(store)s."),
                                            {"box": box, "store": d["location"]}))
        return reverse("aid:pledge", kwargs={"public_id": pledge.public_id})

    try:
        return formtokens.submit_once(request, write)
    except ServiceError as exc:
        exc.fields = {form.field_for(name): message for name, message in exc.fields.items()}
        _show_error(form, exc)
        return _pledge_page(request, pledge, status=exc.status, receive_form=form)


def _labels(request, boxes, title, back):
    """Printable labels, each with a QR code of the box's trace page (scanning it opens the box)."""
    for b in boxes:
        url = request.build_absolute_uri(reverse("aid:trace", kwargs={"public_id": b.public_id}))
        b.qr = segno.make(url, error="m").svg_inline(scale=3)
    return render(request, "aid/labels.html", {"boxes": boxes, "title": title, "back": back})


@require_POST
@requires("aid.handle")
def consignment_receive_all(request, public_id):
    """Receive a whole consignment as sent into one store; exception lines for the boxes that differ."""
    org, actor = request.org, request.user
    consignment = selectors.consignment(org=org, actor=actor, public_id=public_id)
    pledge = consignment.pledge
    form = ReceiveAllForm(request.POST, org=org, actor=actor)
    form.consignment = consignment

    def act(d):
        return services.receive_consignment(org=org, actor=actor, consignment=consignment, location=d["location"],
                                            exceptions=form.exceptions, reason=d["reason"])

    return _post_on_pledge(
        request, pledge, form, "receive_all_form", act,
        lambda boxes: bidi.fill(_("Consignment %(ref)s: %(boxes)s boxes received."),
                                {"ref": consignment.reference, "boxes": localize_digits(len(boxes))}),
    )


@requires("aid.view")
def box_label(request, public_id):
    box = selectors.box(org=request.org, actor=request.user, public_id=public_id)
    back = reverse("aid:pledge", kwargs={"public_id": box.consignment.pledge.public_id})
    return _labels(request, [box], str(box), back)


@requires("aid.view")
def consignment_labels(request, public_id):
    consignment = selectors.consignment(org=request.org, actor=request.user, public_id=public_id)
    boxes = list(consignment.boxes.prefetch_related("lines__item", "lines__lot").select_related("consignment__pledge"))
    back = reverse("aid:pledge", kwargs={"public_id": consignment.pledge.public_id})
    return _labels(request, boxes, _("Labels of consignment %(ref)s") % {"ref": consignment.reference}, back)


def _move(request, *, distribution: bool):
    org, actor = request.org, request.user
    form = MoveForm(request.POST or None, org=org, actor=actor, distribution=distribution)
    status = 200
    if request.method == "POST" and form.is_valid():
        lines, d = form.split()
        do = services.distribute if distribution else services.handover
        said = _("Distributed: %(what)s.") if distribution else _("Handed over: %(what)s.")
        try:
            return formtokens.submit_once(
                request, _then(lambda: do(org=org, actor=actor, lines=lines, **d), reverse("aid:home"), request,
                               lambda moved: said % {"what": _moved(moved)})
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = exc.status
    title = _("Distribute to final recipients") if distribution else _("Hand over to another store")
    if form.errors and status == 200:
        status = 422
    return render(request, "aid/form.html", {"form": form, "title": title}, status=status)


@requires("aid.handle")
def intake(request):
    org, actor = request.org, request.user
    form = IntakeForm(request.POST or None, org=org, actor=actor)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            return formtokens.submit_once(
                request, _then(lambda: services.intake(org=org, actor=actor, **form.cleaned_data), reverse("aid:home"),
                               request, lambda moved: bidi.fill(_("Taken in: %(what)s."), {"what": _moved(moved)}))
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = exc.status
    if form.errors and status == 200:
        status = 422
    return render(request, "aid/form.html", {"form": form, "title": _("Take stock in without a pledge")},
                  status=status)


@requires("aid.handle")
def dispose(request):
    org, actor = request.org, request.user
    form = DisposalForm(request.POST or None, org=org, actor=actor)
    status = 200
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        lines = [{"item": d.pop("item"), "quantity": d.pop("quantity"), "lot": d.pop("lot")}]
        try:
            return formtokens.submit_once(
                request, _then(lambda: services.dispose(org=org, actor=actor, lines=lines, **d), reverse("aid:home"),
                               request, lambda moved: bidi.fill(_("Disposed of: %(what)s."), {"what": _moved(moved)}))
            )
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = exc.status
    if form.errors and status == 200:
        status = 422
    return render(request, "aid/form.html", {"form": form, "title": _("Dispose of expired or spoilt stock")},
                  status=status)


@requires("aid.handle")
def handover(request):
    return _move(request, distribution=False)


@requires("aid.handle")
def distribute(request):
    return _move(request, distribution=True)


@requires("aid.view")
def trace(request, public_id):
    target = selectors.find_traceable(org=request.org, actor=request.user, public_id=public_id)
    kind = {Pledge: _("pledge"), Consignment: _("consignment"), Box: _("box")}.get(type(target), _("lot"))
    return render(request, "aid/trace.html", {"target": target, "kind": kind, "trace": selectors.trace_forward(target)})


@requires("aid.view")
def location_detail(request, public_id):
    where = selectors.location(org=request.org, actor=request.user, public_id=public_id)
    return _location_page(request, where)


def _flagged(stock, expiring) -> list:
    """The stock rows, each with `flag`: "expired", "expiring" (within the warning days) or None."""
    flags = {b.pk: "expired" if b.expired else "expiring" for b in expiring}
    rows = list(stock)
    for b in rows:
        b.flag = flags.get(b.pk)
    return rows


def _location_page(request, where, grant_form=None, status=200):
    org = request.org
    return render(
        request,
        "aid/location.html",
        {
            "location": where,
            "stock": _flagged(selectors.stock(org=org, actor=request.user, location=where),
                              selectors.expiring(org=org, actor=request.user, location=where)),
            "warning_days": settings.EXPIRY_WARNING_DAYS,
            "sources": selectors.trace_backward(org=org, location=where),
            "grants": selectors.grants(org=org, location=where),
            "grant_form": grant_form or GrantForm(org=org),
        },
        status=status,
    )


@require_POST
@requires("aid.edit")
def location_grant(request, public_id):
    where = selectors.location(org=request.org, actor=request.user, public_id=public_id)
    form = GrantForm(request.POST, org=request.org)
    if form.is_valid():
        def write():
            services.grant_location(org=request.org, actor=request.user, location=where, **form.cleaned_data)
            messages.success(request, bidi.fill(_("%(user)s may now work on %(store)s."),
                                                {"user": form.cleaned_data["membership"].user.username,
                                                 "store": where}))
            return reverse("aid:location", kwargs={"public_id": public_id})

        try:
            return formtokens.submit_once(request, write)
        except ServiceError as exc:
            apply_service_error(form, exc)
            return _location_page(request, where, form, exc.status)
    return _location_page(request, where, form, 422)


@requires("aid.view")
def movement_list(request):
    return _movements_page(request)


MOVEMENTS_PER_PAGE = 100
MOVEMENT_COLUMNS: list[tuple[str | None, StrOrPromise]] = [
    ("at", gettext_lazy("When")), (None, gettext_lazy("Item")), (None, gettext_lazy("Lot")),
                    ("quantity", gettext_lazy("Quantity")), (None, gettext_lazy("From")), (None, gettext_lazy("To")),
                    (None, gettext_lazy("Reason")), (None, "")]


def _movements_page(request, reverse_form=None, status=200):
    """The ledger, filtered by the URL's query, a page at a time; Reverse only where a correction may be made."""
    org, actor = request.org, request.user
    filters = MovementFilterForm(request.GET or None, org=org, actor=actor,
                                 office=not access.is_institution(org, actor))
    chosen = {k: v for k, v in filters.cleaned_data.items() if v not in (None, "")} if filters.is_valid() else {}
    listing = Listing(request, selectors.filtered_movements(org=org, actor=actor, **chosen),
                      sorts=selectors.MOVEMENT_SORTS, default="-at", columns=MOVEMENT_COLUMNS,
                      per_page=MOVEMENTS_PER_PAGE, filters=list(filters.fields), path=reverse("aid:movements"))
    page = listing.page
    return render(request, "aid/movements.html", {
        "listing": listing, "movements": page, "page": page, "filters": filters,
        "reversible": selectors.reversible(page.object_list), "reverse_form": reverse_form, "form": ReverseForm(),
    }, status=status)


@require_POST
@requires("aid.edit")
def movement_reverse(request, public_id):
    movement = selectors.movement(org=request.org, public_id=public_id)
    form = ReverseForm(request.POST)
    if form.is_valid():
        def write():
            made = services.reverse_movement(org=request.org, actor=request.user, movement=movement,
                                             note=form.cleaned_data["note"])
            messages.success(request, bidi.fill(_("Reversed: %(what)s."), {"what": _moved(made)}))
            return reverse("aid:movements")

        try:
            return formtokens.submit_once(request, write)
        except ServiceError as exc:
            apply_service_error(form, exc)
            return _movements_page(request, reverse_form=(movement.public_id, form), status=exc.status)
    return _movements_page(request, reverse_form=(movement.public_id, form), status=422)


@requires("aid.view")
def lot_recall(request, public_id):
    """A lot's recall: where its units are and whom they were given to (a store's member: their stores' part)."""
    org, actor = request.org, request.user
    lot = selectors.lot(org=org, actor=actor, public_id=public_id)
    return render(request, "aid/trace.html", {
        "target": lot, "kind": _("lot"), "recall": True, "trace": selectors.recall(org=org, actor=actor, lot=lot),
        "own_part": access.is_institution(org, actor)})


def _report_context(request, public_id):
    pledge = selectors.pledge(org=request.org, actor=request.user, public_id=public_id)
    return {"report": selectors.report(org=request.org, pledge=pledge), "p": pledge,
            "donor_lang": selectors.donor_language(pledge)}


@requires("aid.view")
def report(request, public_id):
    return render(request, "aid/report.html", _report_context(request, public_id))


@requires("aid.view")
def report_pdf(request, public_id):
    """The donor report's PDF: prepared by a job when posted (core.downloads), rendered at once for a GET."""
    if request.method == "POST":
        return core_downloads.ask_on_page(request, "aid.report", pledge=str(public_id))
    return core_downloads.respond(
        core_downloads.build_now(core_downloads.Asked.of(request, pledge=str(public_id)), "aid.report"))


@requires("aid.view")
def flow(request):
    access.require_office(request.org, request.user)
    data = sankey.chart(selectors.flows(org=request.org))
    figure = None
    if data is not None:
        rows, columns, first = data.pop("rows"), data.pop("columns"), data.pop("first_column")
        figure = {"id": "chart-flow", "title": _("Aid flow"), "data": data, "rows": rows, "columns": columns,
                  "first_column": first}
    return render(request, "aid/flow.html", {"chart": figure})


@requires("aid.view")
def export_movements(request):
    """The movements as CSV: prepared by a job when posted (core.downloads), built at once for a GET; JSON
    (`?format=json`) is answered at once."""
    if request.method == "POST":
        return core_downloads.ask_on_page(request, "aid.movements")
    if request.GET.get("format") == "json":
        rows = selectors.movements(org=request.org, actor=request.user)
        return JsonResponse([exports.movement_values_row(v) for v in selectors.movement_values(rows)], safe=False)
    return core_downloads.respond(core_downloads.build_now(core_downloads.Asked.of(request), "aid.movements"))


@requires("aid.view")
def export_iati(request):
    response = HttpResponse(exports.iati_xml(org=request.org, actor=request.user), content_type="application/xml")
    response["Content-Disposition"] = 'attachment; filename="iati-activities.xml"'
    return response


@requires("aid.view")
def export_hxl(request):
    response = HttpResponse(
        exports.hxl_csv(org=request.org, actor=request.user), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="who-gave-what-where.hxl.csv"'
    return response


# --- two offices, one shipment --------------------------------------------------------------------


def _offers(request) -> list:
    """Offers other offices made to this one, waiting for an answer, each with its accept and decline forms
    (institution stores see none: links are the office's)."""
    org, actor = request.org, request.user
    if access.is_institution(org, actor):
        return []
    offers = list(sharing.with_offers(sharing.open_offers(org=org, actor=actor)))
    for link in offers:
        link.accept_form = AcceptLinkForm(org=org, link=link)
        link.decline_form = CancelLinkForm(link=link)
    return offers


LINKS_PER_PAGE = 100
LINK_COLUMNS = [("reference", gettext_lazy("Shared reference")), (None, pgettext_lazy("aid pledge", "Direction")),
                (None, gettext_lazy("Other office")), (None, gettext_lazy("Pledge")), ("state", gettext_lazy("State")),
                ("offered", gettext_lazy("Offered on"))]


@requires("aid.view")
def link_list(request):
    """Shipments shared with other offices, both ways, and the offers waiting for this office."""
    listing = Listing(request, sharing.links(org=request.org, actor=request.user), sorts=sharing.LINK_SORTS,
                      default="-offered", columns=LINK_COLUMNS, per_page=LINKS_PER_PAGE, filters=[])
    return render(request, "aid/links.html", {"listing": listing, "links": listing.page, "page": listing.page,
                                              "offers": _offers(request)})


def _link_page(request, link, status=200, accept_form=None, cancel_form=None):
    """A shared shipment: its reference and state, the offer; the donor reads the recipient's receipt and
    custody of the linked pledge (sharing.shared_view decides what), the recipient answers the offer."""
    org = request.org
    view = sharing.shared_view(org=org, link=link)
    donor_side = view["donor_side"]
    if not donor_side and link.state == LinkState.OFFERED:
        accept_form = accept_form or AcceptLinkForm(org=org, link=link)
    if link.state != LinkState.CANCELLED:
        cancel_form = cancel_form or CancelLinkForm()
    return render(request, "aid/link.html", {
        "link": link, "view": view, "donor_side": donor_side,
        "other": link.recipient_org if donor_side else link.donor_pledge.org,
        "accept_form": accept_form, "cancel_form": cancel_form}, status=status)


@requires("aid.view")
def link_detail(request, public_id):
    return _link_page(request, sharing.link(org=request.org, actor=request.user, public_id=public_id))


def _go_to(link) -> str:
    return reverse("aid:link", kwargs={"public_id": link.public_id})


@require_POST
@requires("aid.edit")
def link_offer(request, public_id):
    """Offer our outbound pledge to a partner office (chosen among partner offices only)."""
    org, actor = request.org, request.user
    pledge = selectors.pledge(org=org, actor=actor, public_id=public_id)
    form = OfferLinkForm(request.POST, org=org)
    if not form.is_valid():
        return _pledge_page(request, pledge, status=422, offer_form=form)

    def write():
        link = sharing.offer_link(org=org, actor=actor, pledge=pledge, recipient_org=form.cleaned_data["office"])
        messages.success(request, bidi.fill(_("Offered to %(office)s under the shared reference %(ref)s."),
                                            {"office": link.recipient_org, "ref": link.reference}))
        return _go_to(link)

    try:
        return formtokens.submit_once(request, write)
    except ServiceError as exc:
        exc.fields = {"office" if name == "recipient_org" else name: msg for name, msg in exc.fields.items()}
        apply_service_error(form, exc)
        return _pledge_page(request, pledge, status=exc.status, offer_form=form)


@require_POST
@requires("aid.edit")
def link_accept(request, public_id):
    """Accept an offer as one of our inbound pledges, or as a new one with the offered items."""
    org, actor = request.org, request.user
    link = sharing.link(org=org, actor=actor, public_id=public_id)
    form = AcceptLinkForm(request.POST, org=org, link=link)
    if not form.is_valid():
        return _link_page(request, link, status=422, accept_form=form)

    def write():
        accepted = sharing.accept_link(org=org, actor=actor, link=link, **form.cleaned_data)
        messages.success(request, bidi.fill(_("Offer %(ref)s accepted as your pledge %(pledge)s."),
                                            {"ref": accepted.reference, "pledge": accepted.recipient_pledge}))
        return _go_to(accepted)

    try:
        return formtokens.submit_once(request, write)
    except ServiceError as exc:
        apply_service_error(form, exc)
        return _link_page(request, link, status=exc.status, accept_form=form)


@require_POST
@requires("aid.edit")
def link_cancel(request, public_id):
    """End a link, or decline an offer, with a reason (either office; each keeps its own pledge)."""
    org, actor = request.org, request.user
    link = sharing.link(org=org, actor=actor, public_id=public_id)
    form = CancelLinkForm(request.POST)
    if not form.is_valid():
        return _link_page(request, link, status=422, cancel_form=form)
    declining = link.state == LinkState.OFFERED and link.recipient_org_id == org.pk

    def write():
        ended = sharing.cancel_link(org=org, actor=actor, link=link, reason=form.cleaned_data["reason"])
        said = _("Offer %(ref)s declined.") if declining else _("Link %(ref)s cancelled.")
        messages.success(request, bidi.fill(said, {"ref": ended.reference}))
        return _go_to(ended)

    try:
        return formtokens.submit_once(request, write)
    except ServiceError as exc:
        apply_service_error(form, exc)
        return _link_page(request, link, status=exc.status, cancel_form=form)
