from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from hamdeli.campaigns import forms, selectors
from hamdeli.campaigns.models import Verification
from hamdeli.campaigns.services import advocacy
from hamdeli.campaigns.views._util import submit
from hamdeli.core import files, tenancy
from hamdeli.core.digits import format_number
from hamdeli.core.permissions import PUBLIC, requires


@requires("campaigns.view")
def advocacy_list(request):
    return render(request, "campaigns/advocacy_list.html",
                  {"campaigns": selectors.advocacy_campaigns(org=request.org)})


@requires("campaigns.edit")
def advocacy_create(request):
    form = forms.AdvocacyForm(request.POST or None)
    made, status = submit(form, lambda data: advocacy.create_advocacy(org=request.org, actor=request.user, **data))
    if made:
        return redirect("campaigns:advocacy_detail", public_id=made.public_id)
    return render(request, "campaigns/form.html", {"form": form, "heading": _("New advocacy campaign")},
                  status=status)


@requires("campaigns.view")
def advocacy_detail(request, public_id):
    return _detail(request, selectors.advocacy(org=request.org, public_id=public_id))


def _detail(request, campaign, status=200, **bound):
    review_form = bound.get("review_form") or forms.ReviewForm(campaign=campaign)
    settings_initial = {name: getattr(campaign, name) for name in advocacy.CAMPAIGN_FIELDS}
    return render(request, "campaigns/advocacy_detail.html", {
        "a": campaign,
        "versions": campaign.versions.all(),
        "endorsements": [(e, _verify_form(e, bound)) for e in selectors.endorsements(org=request.org,
                                                                                    campaign=campaign)],
        "by_version": selectors.counts_by_version(campaign),
        "by_network": selectors.counts_by_network(campaign),
        "settings_form": bound.get("settings_form") or forms.AdvocacySettingsForm(initial=settings_initial),
        "version_form": bound.get("version_form") or forms.VersionForm(),
        "endorsement_form": bound.get("endorsement_form") or forms.EndorsementForm(campaign=campaign),
        "bound_endorsement": bound.get("bound_endorsement"),
        "review_form": review_form, "ticked": review_form.selected(),
        "awaiting": campaign.endorsements.filter(verification=Verification.UNVERIFIED).exists(),
    }, status=status)


def _verify_form(endorsement, bound):
    """Each endorsement's own form, showing its current state (or the refused input, re-rendered)."""
    if bound.get("bound_endorsement") == endorsement.public_id:
        return bound["verify_form"]
    return forms.VerificationForm(auto_id=f"id_{endorsement.public_id.hex[:8]}_%s", initial={
        "verification": endorsement.verification, "published": endorsement.published})


@require_POST
@requires("campaigns.edit")
def advocacy_settings(request, public_id):
    campaign = selectors.advocacy(org=request.org, public_id=public_id)
    form = forms.AdvocacySettingsForm(request.POST)
    done, status = submit(form, lambda data: advocacy.update_advocacy(org=request.org, actor=request.user,
                                                                      campaign=campaign, **data))
    if done:
        return redirect("campaigns:advocacy_detail", public_id=public_id)
    return _detail(request, campaign, status, settings_form=form)


@require_POST
@requires("campaigns.edit")
def advocacy_add_version(request, public_id):
    campaign = selectors.advocacy(org=request.org, public_id=public_id)
    form = forms.VersionForm(request.POST)
    done, status = submit(form, lambda data: advocacy.add_version(org=request.org, actor=request.user,
                                                                  campaign=campaign, **data))
    if done:
        return redirect("campaigns:advocacy_detail", public_id=public_id)
    return _detail(request, campaign, status, version_form=form)


@require_POST
@requires("campaigns.edit")
def advocacy_add_endorsement(request, public_id):
    campaign = selectors.advocacy(org=request.org, public_id=public_id)
    form = forms.EndorsementForm(request.POST, request.FILES, campaign=campaign)
    done, status = submit(form, lambda data: advocacy.add_endorsement(org=request.org, actor=request.user,
                                                                      campaign=campaign, **data))
    if done:
        return redirect("campaigns:advocacy_detail", public_id=public_id)
    return _detail(request, campaign, status, endorsement_form=form)


@require_POST
@requires("campaigns.edit")
def endorsement_verify(request, public_id):
    endorsement = selectors.endorsement(org=request.org, public_id=public_id)
    form = forms.VerificationForm(request.POST)
    done, status = submit(form, lambda data: advocacy.set_verification(org=request.org, actor=request.user,
                                                                       endorsement=endorsement, **data))
    if done:
        return redirect("campaigns:advocacy_detail", public_id=endorsement.campaign.public_id)
    form.auto_id = f"id_{endorsement.public_id.hex[:8]}_%s"
    return _detail(request, endorsement.campaign, status, bound_endorsement=endorsement.public_id, verify_form=form)


@require_POST
@requires("campaigns.edit")
def endorsements_review(request, public_id):
    """The ticked endorsements verified or rejected together, or (one of them reviewed meanwhile) none."""
    campaign = selectors.advocacy(org=request.org, public_id=public_id)
    form = forms.ReviewForm(request.POST, campaign=campaign)
    done, status = submit(form, lambda data: advocacy.review_endorsements(
        org=request.org, actor=request.user, campaign=campaign, endorsements=list(data["endorsements"]),
        verification=data["verification"]))
    if not done:
        return _detail(request, campaign, status, review_form=form)
    n = format_number(len(done))
    if form.cleaned_data["verification"] == Verification.VERIFIED:
        said = ngettext("%(n)s endorsement verified.", "%(n)s endorsements verified.", len(done)) % {"n": n}
    else:
        said = ngettext("%(n)s endorsement rejected.", "%(n)s endorsements rejected.", len(done)) % {"n": n}
    messages.success(request, said)
    return redirect("campaigns:advocacy_detail", public_id=public_id)


@requires("campaigns.view")
def endorsement_letter(request, public_id):
    endorsement = selectors.endorsement(org=request.org, public_id=public_id)
    name = (endorsement.letter_file.name or "").rsplit("/", 1)[-1] if endorsement.letter_file else ""
    return files.serve(endorsement.letter_file, name=name)


@requires(PUBLIC)
def statement_public(request, public_id):
    """The statement and its verified, published endorsers, for anyone, while the org publishes it."""
    campaign = selectors.public_statement(public_id)
    with tenancy.in_scope_of(campaign.org_id):  # a visitor has no office: read in the publishing office's
        return render(request, "campaigns/statement_public.html", {
            "a": campaign, "version": campaign.current_version,
            "endorsements": selectors.public_endorsements(campaign),
        })
