"""Pages for the letters register. Business rules live in services; these only wire forms to them."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from hamdeli.core import bidi, files
from hamdeli.core import downloads as core_downloads
from hamdeli.core.errors import ServiceError
from hamdeli.core.forms_util import apply_service_error
from hamdeli.core.listing import Listing, render_list
from hamdeli.core.permissions import has_perm, requires
from hamdeli.correspondence import forms, prefill, printing, selectors, services

COLUMNS = [("number", _("No.")), (None, _("Direction")), ("subject", _("Subject")), (None, _("Correspondent")),
           ("registered", _("Registered on")), ("state", _("State")), ("due", _("Answer due"))]


@requires("correspondence.view")
def letter_list(request):
    filters = forms.LetterFilterForm(request.GET or None, org=request.org).offer_archived(
        has_perm(request, "correspondence.restore"))
    found = selectors.letters(org=request.org, archived=filters.archived_only, **filters.values())
    listing = Listing(request, found, sorts=selectors.SORTS, default="-number", columns=COLUMNS)
    rows = [(x, selectors.is_overdue(x)) for x in listing.page]
    return render_list(request, "correspondence/list.html", "correspondence/_results.html",
                       {"filters": filters, "listing": listing, "rows": rows})


@requires("correspondence.view")
def letter_export(request):
    """The register as CSV, narrowed by the same filters as the page (its link carries them): prepared by a
    job when posted (the page's button; core.downloads), built at once for a GET."""
    if request.method == "POST":
        return core_downloads.ask_on_page(request, "correspondence.letters")
    return core_downloads.respond(core_downloads.build_now(core_downloads.Asked.of(request), "correspondence.letters"))


@requires("correspondence.edit")
def letter_create(request):
    initial, state = prefill.initial_for_new_letter(request.org, request.GET)
    if request.method == "POST":
        state = prefill.refreshed_template(request.org, request.POST, trigger="")
        state.rendered = None  # the posted text is the letter's: nothing is filled on saving
    form = forms.LetterForm(request.POST or None, org=request.org, initial=initial, templates=state.offered)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("template", "filled")}
        try:
            letter = services.register_letter(org=request.org, actor=request.user, **data)
            return redirect("correspondence:detail", public_id=letter.public_id)
        except ServiceError as exc:
            apply_service_error(form, exc)
    return render(request, "correspondence/form.html", {"form": form, "creating": True, "state": state},
                  status=422 if form.errors else 200)


@require_POST
@requires("correspondence.edit")
def letter_create_template(request):
    """The new-letter form's template region, redrawn (HTMX) when the recipient, partnership, occasion,
    language or template changes: the templates in the recipient's language, the occasion's own one
    chosen, the text filled from it unless the user wrote their own. Nothing is written."""
    trigger = request.headers.get("HX-Trigger-Name", "")
    trigger = trigger if trigger in forms.LetterForm.REFRESHING else ""
    state = prefill.refreshed_template(request.org, request.POST, trigger=trigger)
    form = forms.LetterForm(org=request.org, initial=state.values, templates=state.offered)
    oob_city = None
    if state.city_chosen is not None:  # the partnership chosen names the recipient's city: show it (HTMX oob)
        city_form = forms.LetterForm(org=request.org, initial={"recipient_city": state.city_chosen})
        city_form.fields["recipient_city"].widget.attrs["hx-swap-oob"] = "true"
        oob_city = city_form["recipient_city"]
    return render(request, "correspondence/_template_region.html",
                  {"form": form, "state": state, "oob_city": oob_city})


@requires("correspondence.edit")
def letter_edit(request, public_id):
    letter = selectors.letter(org=request.org, public_id=public_id)
    initial = {name: getattr(letter, name) for name in services.EDITABLE_FIELDS}
    form = forms.LetterForm(request.POST or None, org=request.org, initial=initial, editing=True)
    if letter.state in services.SIGNED_STATES:  # its text and parties are shown, not offered for editing
        for name in services.FIXED_ONCE_SIGNED & set(form.fields):
            form.fields[name].disabled = True
            form.fields[name].help_text = _("Fixed once the letter is signed.")
    if request.method == "POST" and form.is_valid():
        try:
            services.update_letter(org=request.org, actor=request.user, letter=letter, **form.cleaned_data)
            return redirect("correspondence:detail", public_id=public_id)
        except ServiceError as exc:
            apply_service_error(form, exc)
    return render(request, "correspondence/form.html", {"form": form, "letter": letter},
                  status=422 if form.errors else 200)


@requires("correspondence.view")
def letter_detail(request, public_id):
    return _detail_page(request, selectors.letter(org=request.org, public_id=public_id))


def _detail_page(request, letter, transition_form=None, attachment_form=None, status=200):
    return render(request, "correspondence/detail.html", {
        "letter": letter,
        "overdue": selectors.is_overdue(letter),
        "events": letter.events.select_related("actor"),
        "attachments": letter.attachments.all(),
        "thread": selectors.thread(letter),
        "transition_form": transition_form or forms.TransitionForm(letter=letter),
        "attachment_form": attachment_form or forms.AttachmentForm(),
    }, status=status)


@require_POST
@requires("correspondence.edit")
def letter_transition(request, public_id):
    letter = selectors.letter(org=request.org, public_id=public_id)
    form = forms.TransitionForm(request.POST, letter=letter)
    if form.is_valid():
        try:
            services.transition_letter(org=request.org, actor=request.user, letter=letter, **form.cleaned_data)
            return redirect("correspondence:detail", public_id=public_id)
        except ServiceError as exc:
            apply_service_error(form, exc)
            return _detail_page(request, letter, transition_form=form, status=exc.status)
    return _detail_page(request, letter, transition_form=form, status=422)


@require_POST
@requires("correspondence.edit")
def letter_delete(request, public_id):
    letter = selectors.letter(org=request.org, public_id=public_id)
    try:
        services.delete_letter(org=request.org, actor=request.user, letter=letter)
    except ServiceError as exc:  # no longer a draft (another tab moved it on)
        messages.error(request, exc.message)
        return _detail_page(request, letter, status=exc.status)
    messages.success(request, bidi.fill(gettext("The draft %(number)s is deleted."),
                                        {"number": letter.registry_number}))
    return redirect("correspondence:list")


@require_POST
@requires("correspondence.edit")
def letter_archive(request, public_id):
    return _archive_step(request, public_id, services.archive_letter, gettext("The letter is archived."))


@require_POST
@requires("correspondence.restore")
def letter_restore(request, public_id):
    return _archive_step(request, public_id, services.restore_letter, gettext("The letter is restored."))


def _archive_step(request, public_id, step, done: str):
    letter = selectors.letter(org=request.org, public_id=public_id)
    try:
        step(org=request.org, actor=request.user, letter=letter)
    except ServiceError as exc:  # archived or restored meanwhile (another tab): say so on its page
        messages.error(request, exc.message)
        return _detail_page(request, letter, status=exc.status)
    messages.success(request, done)
    return redirect("correspondence:detail", public_id=public_id)


@require_POST
@requires("correspondence.edit")
def attachment_upload(request, public_id):
    letter = selectors.letter(org=request.org, public_id=public_id)
    form = forms.AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_attachment(org=request.org, actor=request.user, letter=letter,
                                    upload=form.cleaned_data["file"])
            return redirect("correspondence:detail", public_id=public_id)
        except ServiceError as exc:
            apply_service_error(form, exc)
    return _detail_page(request, letter, attachment_form=form, status=422)


@requires("correspondence.view")
def attachment_download(request, public_id, attachment_id):
    letter = selectors.letter(org=request.org, public_id=public_id)
    a = selectors.attachment(org=request.org, letter=letter, public_id=attachment_id)
    return files.serve(a.file, name=a.original_name, content_type=a.content_type)


@requires("correspondence.view")
def letter_pdf(request, public_id):
    letter = selectors.letter(org=request.org, public_id=public_id)
    response = HttpResponse(printing.letter_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="letter-{letter.registry_year}-{letter.registry_seq}.pdf"'
    return response
