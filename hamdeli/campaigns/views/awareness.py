from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamdeli.campaigns import charts, forms, selectors
from hamdeli.campaigns.services import awareness
from hamdeli.campaigns.views._util import submit
from hamdeli.core import files, thumbnails
from hamdeli.core.charts import figure
from hamdeli.core.errors import ServiceError
from hamdeli.core.localized import isolated
from hamdeli.core.permissions import requires


def _sentence(message: str, **parts) -> str:
    """A translated sentence naming user text (a title, a file name), each isolated in a <bdi>; a part
    already made safe (a translated label) goes in as it is."""
    return mark_safe(conditional_escape(message) % {  # noqa: S308 - every part is escaped or isolated
        k: v if isinstance(v, SafeString) else isolated(v) for k, v in parts.items()})


@requires("campaigns.view")
def overview(request):
    return render(request, "campaigns/overview.html", {
        "campaigns": selectors.campaigns(org=request.org),
        "timeline": selectors.timeline(org=request.org),
        "totals": selectors.format_totals(org=request.org),
        "totals_chart": figure("chart-campaigns", _("Awareness campaigns by format"),
                               charts.campaign_totals(request)),
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
        "transition_form": bound.get("transition_form") or forms.CampaignTransitionForm(campaign=campaign),
        "set_form": bound.get("set_form") or forms.DesignSetForm(),
        "file_form": forms.DesignFileForm(), "placement_form": forms.PlacementForm(),
        "bound_set": bound.get("bound_set"), "bound_file_form": bound.get("file_form"),
        "bound_placement_form": bound.get("placement_form"), "material_open": campaign.material_is_open(),
    }, status=status)


@require_POST
@requires("campaigns.edit")
def transition(request, public_id):
    campaign = selectors.campaign(org=request.org, public_id=public_id)
    form = forms.CampaignTransitionForm(request.POST, campaign=campaign)
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
    return files.serve(f.file, name=f.original_name, content_type=f.content_type)


@requires("campaigns.view")
def design_file_thumbnail(request, public_id):
    """The file's small picture, for whoever may open the file itself (404 when it has none)."""
    f = selectors.design_file(org=request.org, public_id=public_id)
    return files.serve(f.thumbnail, name=f.original_name, content_type=thumbnails.CONTENT_TYPE, max_age=86400,
                       picture_in_page=True)


def _back(design_set) -> str:
    return reverse("campaigns:detail", args=[design_set.campaign.public_id]) + f"#set-{design_set.public_id}"


def _edit(request, form, call, *, heading, back, closed):
    done, status = submit(form, call)
    if done:
        return redirect(back)
    return render(request, "campaigns/form.html", {"form": form, "heading": heading, "back": back,
                                                   "closed": closed}, status=status)


def _remove(request, call, *, back, question):
    """GET asks; POST removes and goes back, or shows the refusal on the same page."""
    status, error = 200, None
    if request.method == "POST":
        try:
            call()
            return redirect(back)
        except ServiceError as exc:
            status, error = exc.status, exc.message
    return render(request, "campaigns/confirm_remove.html", {"question": question, "back": back, "error": error},
                  status=status)


@requires("campaigns.edit")
def edit_design_set(request, public_id):
    design_set = selectors.design_set(org=request.org, public_id=public_id)
    initial = {name: getattr(design_set, name) for name in awareness.DESIGN_SET_FIELDS}
    form = forms.DesignSetForm(request.POST or None, initial=initial)
    return _edit(request, form, lambda data: awareness.update_design_set(
        org=request.org, actor=request.user, design_set=design_set, **data),
        heading=_sentence(_("Edit the design set “%(title)s”"), title=design_set.title), back=_back(design_set),
        closed=not design_set.campaign.material_is_open())


@requires("campaigns.edit")
def remove_design_set(request, public_id):
    design_set = selectors.design_set(org=request.org, public_id=public_id)
    return _remove(request, lambda: awareness.remove_design_set(org=request.org, actor=request.user,
                                                                design_set=design_set),
                   back=reverse("campaigns:detail", args=[design_set.campaign.public_id]),
                   question=_sentence(_("Remove the design set “%(title)s”? Its files are deleted with it."),
                                      title=design_set.title))


@requires("campaigns.edit")
def remove_design_file(request, public_id):
    design_file = selectors.design_file(org=request.org, public_id=public_id)
    return _remove(request, lambda: awareness.remove_design_file(org=request.org, actor=request.user,
                                                                 design_file=design_file),
                   back=_back(design_file.design_set),
                   question=_sentence(_("Remove the file “%(name)s” from the design set “%(title)s”? The stored "
                                        "file is deleted."), name=design_file.original_name,
                                      title=design_file.design_set.title))


@requires("campaigns.edit")
def edit_placement(request, public_id):
    placement = selectors.placement(org=request.org, public_id=public_id)
    initial = {name: getattr(placement, name) for name in awareness.PLACEMENT_FIELDS}
    form = forms.PlacementForm(request.POST or None, initial=initial)
    return _edit(request, form, lambda data: awareness.update_placement(
        org=request.org, actor=request.user, placement=placement, **data),
        heading=_sentence(_("Edit the placement of “%(title)s”"), title=placement.design_set.title),
        back=_back(placement.design_set), closed=not placement.design_set.campaign.material_is_open())


@requires("campaigns.edit")
def remove_placement(request, public_id):
    placement = selectors.placement(org=request.org, public_id=public_id)
    return _remove(request, lambda: awareness.remove_placement(org=request.org, actor=request.user,
                                                               placement=placement),
                   back=_back(placement.design_set),
                   question=_sentence(_("Remove the placement “%(format)s, %(location)s” of the design set "
                                        "“%(title)s”?"), format=conditional_escape(placement.get_format_display()),
                                      location=placement.location, title=placement.design_set.title))
