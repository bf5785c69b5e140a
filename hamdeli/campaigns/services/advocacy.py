"""Advocacy: a versioned statement, the endorsements it receives, their verification and publication."""

import datetime as dt
from typing import TYPE_CHECKING, Any
from uuid import UUID

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hamdeli.campaigns.models import (
    AdvocacyCampaign,
    Channel,
    Endorsement,
    OnBehalfOf,
    StatementVersion,
    Verification,
)
from hamdeli.core import audit, bidi, links
from hamdeli.core.errors import Conflict, require_fields
from hamdeli.core.files import check_upload, removing_file_on_failure
from hamdeli.core.models import Organization
from hamdeli.core.records import get_or_404, locked
from hamdeli.core.types import Actor
from hamdeli.core.validation import (
    choice,
    invalid,
    localized,
    max_length,
    unknown_fields,
)
from hamdeli.core.weblinks import web_address
from hamdeli.partners import services as partners

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from hamdeli.partners.models import Network
    from hamdeli.places.models import City

CAMPAIGN_FIELDS = ["title", "target_date", "published", "notes"]


@transaction.atomic
def create_advocacy(*, org: Organization, actor: Actor, title: object, statement: object, issued_on: dt.date | None,
                    target_date: dt.date | None = None,
                    notes: str = "") -> AdvocacyCampaign:
    """A new advocacy campaign with the first version of its statement."""
    require_fields(issued_on=issued_on)
    assert issued_on is not None  # refused above
    campaign = AdvocacyCampaign.objects.create(org=org, title=localized("title", title), target_date=target_date,
                                               notes=max_length("notes", notes, 10000))
    version = StatementVersion.objects.create(org=org, campaign=campaign, number=1,
                                              text=localized("statement", statement), issued_on=issued_on)
    audit.record(org=org, actor=actor, action="advocacy.created", obj=campaign,
                 after={**audit.snapshot(campaign), "version": audit.snapshot(version)})
    return campaign


@transaction.atomic
def update_advocacy(*, org: Organization, actor: Actor, campaign: AdvocacyCampaign, **fields: Any,
                    ) -> AdvocacyCampaign:
    unknown_fields(fields, CAMPAIGN_FIELDS)
    if "title" in fields:
        fields["title"] = localized("title", fields["title"])
    if "notes" in fields:
        fields["notes"] = max_length("notes", fields["notes"], 10000)
    if "published" in fields and not isinstance(fields["published"], bool):
        raise invalid("published", _("Give true or false."))
    campaign = locked(AdvocacyCampaign.objects, pk=campaign.pk, org=org)
    before = audit.snapshot(campaign)
    for name, value in fields.items():
        setattr(campaign, name, value)
    campaign.save()
    audit.record(org=org, actor=actor, action="advocacy.updated", obj=campaign, before=before,
                 after=audit.snapshot(campaign))
    return campaign


@transaction.atomic
def add_version(*, org: Organization, actor: Actor, campaign: AdvocacyCampaign, text: object,
                issued_on: dt.date | None,
                note: str = "") -> StatementVersion:
    """Publish a new wording. Endorsements already given stay with the version they signed."""
    require_fields(issued_on=issued_on)
    assert issued_on is not None  # refused above
    text = localized("text", text)
    campaign = locked(AdvocacyCampaign.objects, pk=campaign.pk, org=org)
    last = campaign.versions.aggregate(n=Max("number"))["n"] or 0
    version = StatementVersion.objects.create(org=org, campaign=campaign, number=last + 1, text=text,
                                              issued_on=issued_on, note=max_length("note", note, 500))
    audit.record(org=org, actor=actor, action="statement_version.created", obj=version,
                 after=audit.snapshot(version))
    return version


def _party(on_behalf_of: str, city: "City | None", network: "Network | None", organisation: str) -> dict[str, Any]:
    choice("on_behalf_of", on_behalf_of, OnBehalfOf)
    organisation = max_length("organisation", organisation, 300)
    if on_behalf_of == OnBehalfOf.CITY:
        if city is None:
            raise invalid("city", _("Choose the city the endorser speaks for."))
        return {"city": city, "network": None, "organisation": organisation}
    if on_behalf_of == OnBehalfOf.NETWORK:
        if network is None:
            raise invalid("network", _("Choose the network the endorser speaks for."))
        return {"city": None, "network": network, "organisation": organisation}
    if not organisation:
        raise invalid("organisation", _("Name the organisation the endorser speaks for."))
    return {"city": None, "network": None, "organisation": organisation}


@transaction.atomic
def add_endorsement(*, org: Organization, actor: Actor, campaign: AdvocacyCampaign, endorser_name: str,
                    on_behalf_of: str,
                    endorsed_on: dt.date | None, channel: str, version: StatementVersion | None = None,
                    endorser_title: str = "", capacity: str = "", city: "City | None" = None,
                    network: "Network | None" = None, organisation: str = "", source_url: str = "",
                    letter_file: "UploadedFile[Any] | None" = None, letter_public_id: UUID | None = None,
                    quote: str = "") -> Endorsement:
    """Record an endorsement of a version (the current one unless given), unverified at first."""
    require_fields(endorser_name=(endorser_name or "").strip(), endorsed_on=endorsed_on)
    assert endorsed_on is not None  # refused above
    campaign = get_or_404(AdvocacyCampaign.objects, pk=campaign.pk, org=org)
    version = version or campaign.current_version
    if version is None or version.campaign_id != campaign.pk:
        raise invalid("version", _("Choose a version of this campaign's statement."))
    choice("channel", channel, Channel)
    if letter_public_id and links.find("letter", org=org, public_id=letter_public_id) is None:
        raise invalid("letter_public_id", _("Your office's letters register has no letter with this id."))
    kind = check_upload(letter_file, field="letter_file") if letter_file else None
    endorsement = Endorsement(
        org=org, campaign=campaign, version=version, endorser_name=max_length("endorser_name", endorser_name, 200),
        endorser_title=max_length("endorser_title", endorser_title, 200),
        capacity=max_length("capacity", capacity, 200), on_behalf_of=on_behalf_of,
        **_party(on_behalf_of, city, network, organisation), endorsed_on=endorsed_on, channel=channel,
        source_url=web_address("source_url", source_url, max_length=500), letter_public_id=letter_public_id,
        quote=max_length("quote", quote, 5000))
    if kind is not None and letter_file is not None:  # a kind only for a file given
        endorsement.letter_file.save(f"{endorsement.public_id}{kind.extension}", letter_file, save=False)
    with removing_file_on_failure(endorsement.letter_file):
        endorsement.save()
        audit.record(org=org, actor=actor, action="endorsement.recorded", obj=endorsement,
                     after=audit.snapshot(endorsement))
        if endorsement.city_id:  # an endorsement from a partner city counts as contact with it (not a future one)
            partners.record_contact(org=org, actor=actor, city_id=endorsement.city_id, occurred_on=endorsed_on,
                                    kind="letter" if channel == Channel.LETTER else "other",
                                    summary=_("Endorsed “%(title)s”") % {"title": campaign},
                                    source="campaigns.endorsement", source_ref=str(endorsement.public_id),
                                    date_field="endorsed_on")
    return endorsement


@transaction.atomic
def attach_letter(*, org: Organization, actor: Actor, endorsement: Endorsement, upload: "UploadedFile[Any] | None",
                  ) -> Endorsement:
    if upload is None:
        raise invalid("letter_file", _("This field is required."))
    kind = check_upload(upload, field="letter_file")
    endorsement = locked(Endorsement.objects, pk=endorsement.pk, org=org)
    before = audit.snapshot(endorsement)
    endorsement.letter_file.save(f"{endorsement.public_id}{kind.extension}", upload, save=False)
    with removing_file_on_failure(endorsement.letter_file):  # the earlier letter stays, as the audit names it
        endorsement.save()
        audit.record(org=org, actor=actor, action="endorsement.letter_attached", obj=endorsement, before=before,
                     after=audit.snapshot(endorsement))
    return endorsement


@transaction.atomic
def set_verification(*, org: Organization, actor: Actor, endorsement: Endorsement, verification: str,
                     published: bool = False) -> Endorsement:
    """Verify or reject an endorsement; only a verified one may be shown on the public page."""
    choice("verification", verification, Verification)
    if published and verification != Verification.VERIFIED:
        raise invalid("published", _("Only a verified endorsement can be published."))
    endorsement = locked(Endorsement.objects, pk=endorsement.pk, org=org)
    before = audit.snapshot(endorsement)
    endorsement.verification = verification
    endorsement.published = bool(published)
    endorsement.save()
    audit.record(org=org, actor=actor, action="endorsement.verification", obj=endorsement, before=before,
                 after=audit.snapshot(endorsement))
    return endorsement


REVIEW_DECISIONS = (Verification.VERIFIED, Verification.REJECTED)


@transaction.atomic
def review_endorsements(*, org: Organization, actor: Actor, campaign: AdvocacyCampaign, endorsements: list[Endorsement],
                        verification: str) -> list[Endorsement]:
    """Verify or reject several endorsements of one statement that await review, all or none: each is
    locked (in one order, so two reviewers never deadlock) and must still be unverified; if one was
    reviewed meanwhile (by someone else, or in another tab) nothing changes (409, naming them). One audit
    entry per endorsement, as when each is reviewed alone."""
    if verification not in REVIEW_DECISIONS:
        raise invalid("verification", _("Choose one of the allowed values."))
    if not endorsements:
        raise invalid("endorsements", _("Choose at least one endorsement."))
    wanted = [e.pk for e in endorsements]
    if len(set(wanted)) != len(wanted):
        raise invalid("endorsements", _("An endorsement is listed twice."))
    held = {e.pk: e for e in Endorsement.objects.select_for_update(of=("self",)).select_related(
        "version", "network").filter(org=org, campaign_id=campaign.pk, pk__in=wanted).order_by("pk")}
    if len(held) != len(wanted):
        raise invalid("endorsements", _("Choose endorsements of this statement."))
    done = [held[pk] for pk in wanted if held[pk].verification != Verification.UNVERIFIED]
    if done:
        # Each name isolated (FIRST STRONG ISOLATE … POP DIRECTIONAL ISOLATE): a Latin name in a Persian
        # sentence, or the reverse, keeps its own direction and leaves the sentence's alone.
        names = bidi.join(bidi.isolate(e.endorser_name) for e in done)
        raise Conflict(ngettext(
            "%(names)s was already reviewed, perhaps by someone else meanwhile: nothing was changed. Look at "
            "the list again and choose among those still awaiting review.",
            "%(names)s were already reviewed, perhaps by someone else meanwhile: nothing was changed. Look at "
            "the list again and choose among those still awaiting review.", len(done)) % {"names": names},
            code="already_reviewed")
    reviewed = []
    for pk in wanted:
        endorsement = held[pk]
        before = audit.snapshot(endorsement)
        endorsement.verification = verification
        endorsement.save()
        audit.record(org=org, actor=actor, action="endorsement.verification", obj=endorsement, before=before,
                     after=audit.snapshot(endorsement))
        reviewed.append(endorsement)
    return reviewed
