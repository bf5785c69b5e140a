"""A pledge without a label is named by its route, "Guangzhou → Isfahan": on a Persian page the arrow
points the reading way (←) and each name is isolated, so a Latin name keeps its place in a Persian line."""

from django.utils import translation

from hamdeli.aid import exports, services
from hamdeli.core.bidi import FSI, PDI


def _unlabelled(aid):
    guangzhou = services.create_party(org=aid.org, actor=aid.actor, name={"en": "Guangzhou", "zh": "广州"},
                                      kind="city")
    return services.create_pledge(org=aid.org, actor=aid.actor, direction="inbound", donor=guangzhou,
                                  recipient=aid.city, lines=[(aid.mask, 10)])


def test_the_route_arrow_points_the_reading_way_and_names_are_isolated(aid):
    pledge = _unlabelled(aid)
    with translation.override("en"):
        assert str(pledge) == f"{FSI}Guangzhou{PDI} → {FSI}Isfahan{PDI}"
    with translation.override("fa"):
        # Read from the right: Guangzhou (no Persian name, kept whole in its island), then the arrow to Isfahan.
        assert str(pledge) == f"{FSI}Guangzhou{PDI} ← {FSI}شهرداری اصفهان{PDI}"


def test_the_persian_pledge_page_and_list_show_the_mirrored_arrow(aid, officer_client):
    pledge = _unlabelled(aid)
    officer_client.cookies["hamdeli_language"] = "fa"
    for url in (f"/aid/pledges/{pledge.public_id}/", "/aid/pledges/"):
        page = officer_client.get(url).content.decode()
        assert f"{FSI}Guangzhou{PDI} ← {FSI}شهرداری اصفهان{PDI}" in page, url
        assert f"Guangzhou{PDI} →" not in page
    officer_client.cookies["hamdeli_language"] = "en"
    page = officer_client.get(f"/aid/pledges/{pledge.public_id}/").content.decode()
    assert f"{FSI}Guangzhou{PDI} → {FSI}Isfahan{PDI}" in page


def test_the_iati_titles_follow_each_narratives_language(aid):
    title = exports._title(_unlabelled(aid))
    assert title["en"].endswith(f"→ {FSI}Isfahan{PDI}")
    assert title["fa"] == f"{FSI}Guangzhou{PDI} ← {FSI}شهرداری اصفهان{PDI}"
