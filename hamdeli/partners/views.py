"""Pages for partners and networks. Business rules live in services; these only wire forms to them."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hamdeli.core import files
from hamdeli.core.digits import localize_digits
from hamdeli.core.errors import ServiceError
from hamdeli.core.forms_util import apply_service_error
from hamdeli.core.listing import Listing, render_list, wants_fragment
from hamdeli.core.permissions import has_perm, requires
from hamdeli.partners import charts, forms, selectors, services

COLUMNS = [("city", gettext_lazy("City")), ("country", gettext_lazy("Country")), ("kind", gettext_lazy("Kind")),
           ("state", gettext_lazy("State")), ("number", gettext_lazy("No.")),
           ("contact", gettext_lazy("Last contact")), (None, gettext_lazy("Health"))]


@requires("partners.view")
def partner_list(request):
    filters = forms.PartnerFilterForm(request.GET or None, org=request.org).offer_archived(
        has_perm(request, "partners.restore"))
    found = selectors.partnerships(org=request.org, archived=filters.archived_only, **filters.values())
    listing = Listing(request, found, sorts=selectors.sorts(), default="city", columns=COLUMNS)
    rows = [(p, selectors.health(p), selectors.ordinal(p)) for p in listing.page]
    context = {"filters": filters, "listing": listing, "rows": rows}
    if not wants_fragment(request):  # the map shows every partner: drawn with the page, not with filtered results
        context["map"] = charts.partners_map_figure(request.org)
    return render_list(request, "partners/list.html", "partners/_results.html", context)


@requires("partners.edit")
def partner_create(request):
    form = forms.PartnershipForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            p = services.create_partnership(org=request.org, actor=request.user, **_files_ok(form.cleaned_data))
            return redirect("partners:detail", public_id=p.public_id)
        except ServiceError as exc:
            apply_service_error(form, exc)
    return render(request, "partners/form.html", {"form": form, "creating": True},
                  status=422 if form.errors else 200)


@requires("partners.edit")
def partner_edit(request, public_id):
    partnership = selectors.partnership(org=request.org, public_id=public_id)
    initial = {name: getattr(partnership, name) for name in services.EDITABLE_FIELDS}
    form = forms.PartnershipForm(request.POST or None, request.FILES or None, initial=initial, editing=True)
    if request.method == "POST" and form.is_valid():
        try:
            services.update_partnership(org=request.org, actor=request.user, partnership=partnership,
                                        **_files_ok(form.cleaned_data))
            return redirect("partners:detail", public_id=public_id)
        except ServiceError as exc:
            apply_service_error(form, exc)
    return render(request, "partners/form.html", {"form": form, "partnership": partnership},
                  status=422 if form.errors else 200)


def _files_ok(data: dict) -> dict:
    """Leave the stored scan alone when no new file was chosen."""
    if not data.get("agreement_scan"):
        data.pop("agreement_scan", None)
    return data


@requires("partners.view")
def partner_detail(request, public_id):
    return _detail_page(request, selectors.partnership(org=request.org, public_id=public_id))


def _timeline_for_page(items: list[dict]) -> list[dict]:
    """A letter's contact is summarised "<registry number> <subject>" by the register: its number in the
    page's digits (the subject is the letter's own text)."""
    for item in items:
        if item.get("source") == "letter":
            number, _space, subject = item["note"].partition(" ")
            item["note"] = f"{localize_digits(number)} {subject}"
    return items


def _detail_page(request, partnership, transition_form=None, interaction_form=None, status=200):
    timeline = _timeline_for_page(selectors.timeline(partnership))
    return render(request, "partners/detail.html", {
        "p": partnership,
        "health": selectors.health(partnership),
        "ordinal": selectors.ordinal(partnership),
        "dimmed_periods": selectors.dimmed_periods(partnership),
        "timeline": timeline,
        "timeline_chart": charts.timeline_chart("chart-timeline", _("The partnership over the years"), timeline),
        "transition_form": transition_form or forms.TransitionForm(record=partnership),
        "interaction_form": interaction_form or forms.InteractionForm(),
    }, status=status)


@require_POST
@requires("partners.edit")
def partner_archive(request, public_id):
    return _archive_step(request, public_id, services.archive_partnership, _("The partnership is archived."))


@require_POST
@requires("partners.restore")
def partner_restore(request, public_id):
    return _archive_step(request, public_id, services.restore_partnership, _("The partnership is restored."))


def _archive_step(request, public_id, step, done: str):
    partnership = selectors.partnership(org=request.org, public_id=public_id)
    try:
        step(org=request.org, actor=request.user, partnership=partnership)
    except ServiceError as exc:  # archived or restored meanwhile (another tab): say so on its page
        messages.error(request, exc.message)
        return _detail_page(request, partnership, status=exc.status)
    messages.success(request, done)
    return redirect("partners:detail", public_id=public_id)


@require_POST
@requires("partners.edit")
def partner_transition(request, public_id):
    partnership = selectors.partnership(org=request.org, public_id=public_id)
    form = forms.TransitionForm(request.POST)
    if form.is_valid():
        try:
            services.transition_partnership(org=request.org, actor=request.user, partnership=partnership,
                                            **form.cleaned_data)
            return redirect("partners:detail", public_id=public_id)
        except ServiceError as exc:
            apply_service_error(form, exc)
            return _detail_page(request, partnership, transition_form=form, status=exc.status)
    return _detail_page(request, partnership, transition_form=form, status=422)


@require_POST
@requires("partners.edit")
def partner_add_interaction(request, public_id):
    partnership = selectors.partnership(org=request.org, public_id=public_id)
    form = forms.InteractionForm(request.POST)
    if form.is_valid():
        try:
            services.record_interaction(org=request.org, actor=request.user, partnership=partnership,
                                        **form.cleaned_data)
            return redirect("partners:detail", public_id=public_id)
        except ServiceError as exc:
            apply_service_error(form, exc)
    return _detail_page(request, partnership, interaction_form=form, status=422)


@requires("partners.view")
def partner_agreement(request, public_id):
    partnership = selectors.partnership(org=request.org, public_id=public_id)
    return files.serve(partnership.agreement_scan, name=(partnership.agreement_scan.name or "").rsplit("/", 1)[-1])


@requires("partners.view")
def networks(request):
    memberships = selectors.network_memberships(org=request.org)
    taken = {m.network_id for m in memberships}
    return render(request, "partners/networks.html", {
        "memberships": memberships,
        "others": [n for n in selectors.networks() if n.pk not in taken],
    })


@requires("partners.edit")
def membership_create(request):
    form = forms.NetworkMembershipForm(request.POST or None, initial={"network": request.GET.get("network")})
    if request.method == "POST" and form.is_valid():
        try:
            m = services.create_network_membership(org=request.org, actor=request.user, **form.cleaned_data)
            return redirect("partners:membership", public_id=m.public_id)
        except ServiceError as exc:
            apply_service_error(form, exc)
    return render(request, "partners/membership_form.html", {"form": form},
                  status=422 if form.errors else 200)


@requires("partners.view")
def membership_detail(request, public_id):
    return _membership_page(request, selectors.network_membership(org=request.org, public_id=public_id))


def _membership_page(request, membership, form=None, transition_form=None, status=200):
    initial = {name: getattr(membership, name) for name in services.MEMBERSHIP_FIELDS}
    return render(request, "partners/membership_detail.html", {
        "m": membership,
        "events": membership.events.select_related("actor"),
        "form": form or forms.NetworkMembershipForm(initial=initial, editing=True),
        "transition_form": transition_form or forms.NetworkTransitionForm(record=membership),
    }, status=status)


@require_POST
@requires("partners.edit")
def membership_edit(request, public_id):
    membership = selectors.network_membership(org=request.org, public_id=public_id)
    form = forms.NetworkMembershipForm(request.POST, editing=True)
    if form.is_valid():
        try:
            services.update_network_membership(org=request.org, actor=request.user, membership=membership,
                                               **form.cleaned_data)
            return redirect("partners:membership", public_id=public_id)
        except ServiceError as exc:
            apply_service_error(form, exc)
    return _membership_page(request, membership, form=form, status=422)


@require_POST
@requires("partners.edit")
def membership_transition(request, public_id):
    membership = selectors.network_membership(org=request.org, public_id=public_id)
    form = forms.NetworkTransitionForm(request.POST)
    if form.is_valid():
        try:
            services.transition_network_membership(org=request.org, actor=request.user, membership=membership,
                                                   **form.cleaned_data)
            return redirect("partners:membership", public_id=public_id)
        except ServiceError as exc:
            apply_service_error(form, exc)
            return _membership_page(request, membership, transition_form=form, status=exc.status)
    return _membership_page(request, membership, transition_form=form, status=422)


