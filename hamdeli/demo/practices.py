"""Demo step: Isfahan's three practices from the story, practices of other cities (illustrative, in
Persian, English, Chinese and Spanish), and when each city was hit by COVID-19."""

from django.db import transaction

from hamdeli.partners.models import Network, NetworkMembership
from hamdeli.practices import samples, services
from hamdeli.practices.evaluation import ensure_sample_cities
from hamdeli.practices.models import CrisisImpact, Practice

# Isfahan shared its own three on the Metropolis platform; education only with Metropolis members.
ISFAHAN_SHARING = {"isfahan_disinfection": "public", "isfahan_public_info": "public", "isfahan_education": "network"}


def _ensure_practice(org, actor, city, sample, visibility, network=None):
    existing = Practice.objects.filter(org=org, title=sample["title"]).first()
    if existing is not None:
        return existing
    data = {k: v for k, v in sample.items() if k not in ("key", "city")}
    return services.create_practice(org=org, actor=actor, city=city, visibility=visibility, network=network, **data)


@transaction.atomic
def load(ctx) -> None:
    isfahan, xian = ctx.orgs["isfahan"], ctx.orgs["xian"]
    officer, xian_officer = ctx.users["isfahan_officer"], ctx.users["xian_officer"]
    cities = ensure_sample_cities()
    metropolis = Network.objects.filter(slug="metropolis").first()
    in_metropolis = metropolis and NetworkMembership.objects.filter(org=isfahan, network=metropolis,
                                                                    state="member").exists()
    count = 0
    for sample in samples.PRACTICES:
        key = sample["key"]
        if key in ISFAHAN_SHARING:
            visibility = ISFAHAN_SHARING[key] if in_metropolis or ISFAHAN_SHARING[key] == "public" else "partners"
            _ensure_practice(isfahan, officer, cities["isfahan"], sample, visibility,
                             metropolis if visibility == "network" else None)
        elif sample["city"] == "xian":
            _ensure_practice(xian, xian_officer, cities["xian"], sample, "partners")
        else:  # recorded by Isfahan's office on behalf of the city that ran it, from what it shared
            _ensure_practice(isfahan, officer, cities[sample["city"]], sample, "public")
        count += 1
    for key, hit_on in samples.COVID_HIT.items():
        org = xian if key == "xian" else isfahan
        if not CrisisImpact.objects.filter(org=org, crisis="covid19", city=cities[key]).exists():
            services.record_impact(org=org, actor=xian_officer if org == xian else officer, crisis="covid19",
                                   hit_on=hit_on, city=cities[key], note="illustrative date")
    ctx.say(f"practices: {count} practices, {len(samples.COVID_HIT)} COVID-19 dates")
