from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamdeli.campaigns import forms, selectors
from hamdeli.campaigns.services import awareness
from hamdeli.campaigns.views._util import serve, submit
from hamdeli.core.permissions import requires


@requires("campaigns.view")
def overview(request):
    return render(request, "campaigns/overview.html", {
        "campaigns": selectors.campaigns(org=request.org),
        "timeline": selectors.timeline(org=request.org),
        "totals": selectors.format_totals(org=request.org),
    })


@requires("campaigns.edit")
def create(request):
    form = forms.CampaignForm(request.POST or None, org=request.org)
    made, status = submit(form, lambda data: awareness.create_campaign(org=request.org, actor=request.user, **data))
    if made:
        return redirect("campaigns:detail", public_id=made.public_id)
    return render(request, "campaigns/form.html", {"form": form, "heading": _("New awareness campaign")},
                  status=status)


@requires("campaigns.edit")
def edit(request, public_id):
    campaign = selectors.campaign(org=request.org, public_id=public_id)
    initial = {name: getattr(campaign, name) for name in awareness.CAMPAIGN_FIELDS}
    form = forms.CampaignForm(request.POST or None, org=request.org, initial=initial)
    done, status = submit(form, lambda data: awareness.update_campaign(org=request.org, actor=request.user,
                                                                       campaign=campaign, **data))
    if done:
        return redirect("campaigns:detail", public_id=public_id)
    return render(request, "campaigns/form.html", {"form": form, "heading": str(campaign)}, status=status)


@requires("campaigns.view")
def detail(request, public_id):
    return _detail(request, selectors.campaign(org=request.org, public_id=public_id))


def _detail(request, campaign, status=200, **bound):
    return render(request, "campaigns/detail.html", {
        "c": campaign,
        "design_sets": selectors.design_sets(org=request.org, campaign=campaign),
        "totals": selectors.format_totals(org=request.org, campaign=campaign),
        "transition_form": bound.get("transition_form") or forms.CampaignTransitionForm(),
        "set_form": bound.get("set_form") or forms.DesignSetForm(),
        "file_form": forms.DesignFileForm(), "placement_form": forms.PlacementForm(),
        "bound_set": bound.get("bound_set"), "bound_file_form": bound.get("file_form"),
        "bound_placement_form": bound.get("placement_form"),
    }, status=status)


@require_POST
@requires("campaigns.edit")
def transition(request, public_id):
    campaign = selectors.campaign(org=request.org, public_id=public_id)
    form = forms.CampaignTransitionForm(request.POST)
    done, status = submit(form, lambda data: awareness.transition_campaign(org=request.org, actor=request.user,
                                                                           campaign=campaign, **data))
    if done:
        return redirect("campaigns:detail", public_id=public_id)
    return _detail(request, campaign, status, transition_form=form)


@require_POST
@requires("campaigns.edit")
def add_design_set(request, public_id):
    campaign = selectors.campaign(org=request.org, public_id=public_id)
    form = forms.DesignSetForm(request.POST)
    done, status = submit(form, lambda data: awareness.add_design_set(org=request.org, actor=request.user,
                                                                      campaign=campaign, **data))
    if done:
        return redirect("campaigns:detail", public_id=public_id)
    return _detail(request, campaign, status, set_form=form)


@require_POST
@requires("campaigns.edit")
def upload_file(request, public_id):
    design_set = selectors.design_set(org=request.org, public_id=public_id)
    form = forms.DesignFileForm(request.POST, request.FILES)
    done, status = submit(form, lambda data: awareness.add_design_file(org=request.org, actor=request.user,
                                                                       design_set=design_set, upload=data["file"]))
    if done:
        return redirect("campaigns:detail", public_id=design_set.campaign.public_id)
    return _detail(request, design_set.campaign, status, bound_set=design_set.public_id, file_form=form)


@require_POST
@requires("campaigns.edit")
def add_placement(request, public_id):
    design_set = selectors.design_set(org=request.org, public_id=public_id)
    form = forms.PlacementForm(request.POST)
    done, status = submit(form, lambda data: awareness.add_placement(org=request.org, actor=request.user,
                                                                     design_set=design_set, **data))
    if done:
        return redirect("campaigns:detail", public_id=design_set.campaign.public_id)
    return _detail(request, design_set.campaign, status, bound_set=design_set.public_id, placement_form=form)


@requires("campaigns.view")
def design_file(request, public_id):
    f = selectors.design_file(org=request.org, public_id=public_id)
    return serve(f.file, download_name=f.original_name)
