"""The main menu, shown only with the pages the signed-in member may open.

Whether a page may be opened is read from the permission its view declares with `requires(...)`,
so the menu and the page's own check can never disagree. Pages that aid keeps for the office
(institution stores see only their stock, see aid.access.require_office) are marked `office`.
"""

from dataclasses import dataclass

from django.conf import settings
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, resolve, reverse
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from hamdeli.core.models import Role
from hamdeli.core.permissions import PUBLIC, SIGNED_IN, has_perm


@dataclass(frozen=True)
class Item:
    url_name: str
    label: StrOrPromise
    icon: str
    office: bool = False  # refused to institution-store members


@dataclass(frozen=True)
class Group:
    label: StrOrPromise
    icon: str
    items: tuple[Item, ...]


MENU = (
    Group(_("Dashboard"), "speedometer2", (Item("dashboard", _("Dashboard"), "speedometer2"),)),
    Group(_("Partners"), "globe2", (
        Item("partners:list", _("Partner cities"), "buildings"),
        Item("partners:networks", _("City networks"), "diagram-3"),
    )),
    Group(_("Letters"), "envelope", (
        Item("correspondence:list", _("Letters register"), "journal-text"),
        Item("correspondence:templates", _("Letter templates"), "file-earmark-text"),
        Item("correspondence:calendar", _("Protocol calendar"), "calendar3"),
    )),
    Group(_("Aid"), "box-seam", (
        Item("aid:home", _("Stock"), "boxes"),
        Item("aid:pledges", _("Pledges"), "hand-thumbs-up", office=True),
        Item("aid:links", _("Shared shipments"), "link-45deg", office=True),
        Item("aid:intake", _("Take stock in"), "box-arrow-in-down"),
        Item("aid:handover", _("Hand over"), "truck"),
        Item("aid:distribute", _("Distribute"), "people"),
        Item("aid:movements", _("Ledger movements"), "list-ol"),
        Item("aid:flow", _("Aid flow"), "diagram-2", office=True),
        Item("aid:setup", _("Catalogue and places"), "gear"),
    )),
    Group(_("Campaigns"), "megaphone", (
        Item("campaigns:overview", _("Awareness campaigns"), "megaphone"),
        Item("campaigns:advocacy_list", _("Advocacy"), "pen"),
        Item("campaigns:recognition_list", _("Recognition"), "award"),
        Item("campaigns:recipients", _("Recipients"), "person-badge"),
    )),
    Group(_("Practices"), "lightbulb", (
        Item("practices:list", _("Our practices"), "lightbulb"),
        Item("practices:inbox", _("Questions received"), "inbox"),
        Item("practices:ahead", _("Ahead of us"), "signpost-2"),
        Item("practices:impacts", _("Impacts"), "graph-up"),
        Item("practices:public_list", _("Public exchange"), "people-fill"),
    )),
    Group(_("Office"), "building-gear", (
        Item("people", _("People"), "people"),
        Item("audit", _("Audit trail"), "clock-history"),
        Item("office", _("Our office"), "building"),
        Item("downloads", _("Downloads"), "download"),
    )),
)


def _address(url_name: str) -> tuple[str, str | None] | None:
    """The page's address and the permission its view declares, or None when there is no such page:
    worked out once per process (and URL configuration), not on every request."""
    key = (url_name, settings.ROOT_URLCONF, get_urlconf(), get_script_prefix())
    if key not in _ADDRESSES:
        try:
            url = reverse(url_name)
        except NoReverseMatch:
            _ADDRESSES[key] = None
        else:
            _ADDRESSES[key] = (url, getattr(resolve(url).func, "hamdeli_permission", None))
    return _ADDRESSES[key]


_ADDRESSES: dict[tuple[str, str, object, str], tuple[str, str | None] | None] = {}


def may_open(request, url_name: str, *, office: bool = False) -> bool:
    """True when the member's role may open the page named url_name (a URL without arguments)."""
    address = _address(url_name)
    if address is None:
        return False
    perm = address[1]
    if perm is None:
        return False
    if perm == PUBLIC:
        return True
    if perm == SIGNED_IN:
        return request.user.is_authenticated
    membership = getattr(request, "membership", None)
    if office and membership is not None and membership.role == Role.INSTITUTION:
        return False
    return has_perm(request, perm)


def _url(url_name: str) -> str:
    address = _address(url_name)
    return address[0] if address is not None else reverse(url_name)  # NoReverseMatch, as before


@dataclass(frozen=True)
class Entry:
    url: str
    label: StrOrPromise
    icon: str
    active: bool


def menu_for(request) -> list[tuple[Group, list[Entry]]]:
    """The groups with at least one page the member may open, each with those pages; the entry whose
    address is the longest start of the current path is the active one (/aid/pledges/1/ → Pledges)."""
    if getattr(request, "membership", None) is None:
        return []
    allowed = [(group, [(item, _url(item.url_name)) for item in group.items
                        if may_open(request, item.url_name, office=item.office)]) for group in MENU]
    here = max((url for _g, items in allowed for _i, url in items if request.path.startswith(url)),
               key=len, default=None)
    return [(group, [Entry(url, item.label, item.icon, url == here) for item, url in items])
            for group, items in allowed if items]


def context(request):
    """Template context processor: `menu` for the navbar, `menu_here` (group, entry) for the breadcrumb.

    Worked out once per request: the dashboard renders each panel with the request too, and the menu
    (some forty permission checks) was computed again for every one of them."""
    if getattr(request, "membership", None) is None:
        return {"menu": [], "menu_here": None, "may_open_tokens": False}
    cached = getattr(request, "_hamdeli_menu", None)
    if cached is None:
        menu = menu_for(request)
        here = next(((group, entry) for group, entries in menu for entry in entries if entry.active), None)
        cached = request._hamdeli_menu = {"menu": menu, "menu_here": here,
                                          "may_open_tokens": may_open(request, "tokens")}
    return cached
