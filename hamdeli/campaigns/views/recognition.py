from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hamdeli.campaigns import forms, selectors
from hamdeli.campaigns.services import recognition
from hamdeli.campaigns.views._util import submit
from hamdeli.core.digits import format_number
from hamdeli.core.permissions import requires


@requires("campaigns.view")
def recognition_list(request):
    return render(request, "campaigns/recognition_list.html", {
        "items": selectors.items(org=request.org),
        "pending": selectors.pending_handovers(org=request.org),
    })


@requires("campaigns.edit")
def recognition_create(request):
    form = forms.ItemForm(request.POST or None)
    made, status = submit(form, lambda data: recognition.create_item(org=request.org, actor=request.user, **data))
    if made:
        return redirect("campaigns:recognition_detail", public_id=made.public_id)
    return render(request, "campaigns/form.html", {"form": form, "heading": _("New recognition item")},
                  status=status)


@requires("campaigns.view")
def recognition_detail(request, public_id):
    return _detail(request, selectors.item(org=request.org, public_id=public_id))


def _detail(request, item, status=200, **bound):
    copies = list(selectors.copies(org=request.org, item=item))
    return render(request, "campaigns/recognition_detail.html", {
        "item": item, "copies": copies, "waiting": [c for c in copies if c.handed_over_on is None],
        "copies_form": bound.get("copies_form") or forms.CopiesForm(org=request.org),
        "handover_form": forms.HandoverForm(),
        "bound_copy": bound.get("bound_copy"), "bound_handover_form": bound.get("handover_form"),
    }, status=status)


@require_POST
@requires("campaigns.edit")
def recognition_add_copies(request, public_id):
    item = selectors.item(org=request.org, public_id=public_id)
    form = forms.CopiesForm(request.POST, org=request.org)
    done, status = submit(form, lambda data: recognition.add_copies(
        org=request.org, actor=request.user, item=item, recipients=list(data["recipients"]),
        original=data["original"]))
    if done:
        return redirect("campaigns:recognition_detail", public_id=public_id)
    return _detail(request, item, status, copies_form=form)


@require_POST
@requires("campaigns.edit")
def copy_handover(request, public_id):
    copy = selectors.copy(org=request.org, public_id=public_id)
    form = forms.HandoverForm(request.POST)
    done, status = submit(form, lambda data: recognition.record_handover(org=request.org, actor=request.user,
                                                                         copy=copy, **data))
    if done:
        return redirect("campaigns:recognition_detail", public_id=copy.item.public_id)
    return _detail(request, copy.item, status, bound_copy=copy.public_id, handover_form=form)


@requires("campaigns.view")
def recipients(request):
    return _recipients_page(request, forms.RecipientForm())


def _recipients_page(request, form, status=200):
    return render(request, "campaigns/recipients.html", {
        "recipients": selectors.recipients(org=request.org), "form": form,
        "from_aid": selectors.unlisted_aid_recipients(org=request.org)}, status=status)


@require_POST
@requires("campaigns.edit")
def recipients_from_aid(request):
    made = recognition.list_aid_recipients(org=request.org, actor=request.user)
    messages.success(request, ngettext("%(n)s recipient listed from the aid records.",
                                       "%(n)s recipients listed from the aid records.", len(made)) % {
        "n": format_number(len(made))})
    return redirect("campaigns:recipients")


@require_POST
@requires("campaigns.edit")
def recipient_create(request):
    form = forms.RecipientForm(request.POST)
    made, status = submit(form, lambda data: recognition.create_recipient(org=request.org, actor=request.user,
                                                                          **data))
    if made:
        return redirect("campaigns:recipients")
    return _recipients_page(request, form, status)
