"""The office's people, for its owners: invite by email, choose role and stores, deactivate (never
delete: the audit keeps their name). Stores are aid's, roles and accounts core's: this page, above both,
puts them side by side."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hamdeli.aid import selectors as aid
from hamdeli.aid import services as aid_services
from hamdeli.core import bidi, selectors, services, twofactor
from hamdeli.core.errors import ServiceError
from hamdeli.core.forms_util import apply_service_error
from hamdeli.core.localized import localized_str
from hamdeli.core.models import Role
from hamdeli.core.permissions import requires
from hamdeli.web.forms import InviteForm, MemberForm


def _page(request, *, invite_form=None, failed=None, status=200):
    org = request.org
    rows = []
    stores: dict[int, list[Any]] = {}
    for grant in aid.member_grants(org=org):
        stores.setdefault(grant.membership_id, []).append(grant.location)
    people: list[Any] = list(selectors.people(org=org))  # memberships, each given its `two_factor` below
    with_two_factor = twofactor.users_with_two_factor([m.user_id for m in people])
    for membership in people:
        membership.two_factor = membership.user_id in with_two_factor
        held = stores.get(membership.pk, [])
        if failed is not None and failed[0] == membership.pk:
            form = failed[1]
        else:
            form = MemberForm(org=org, initial={"role": membership.role, "stores": [s.public_id for s in held]},
                              prefix=f"m{membership.pk}")
        rows.append((membership, held, form))
    return render(request, "web/people.html", {
        "rows": rows, "invite_form": invite_form or InviteForm(org=org)}, status=status)


@requires("org.manage")
def people(request):
    return _page(request)


@require_POST
@requires("org.manage")
def invite(request):
    form = InviteForm(request.POST, org=request.org)
    if not form.is_valid():
        return _page(request, invite_form=form, status=422)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            membership, new = services.invite_member(org=request.org, actor=request.user, email=data["email"],
                                                     role=data["role"])
            if data["role"] == Role.INSTITUTION:
                aid_services.set_member_stores(org=request.org, actor=request.user, membership=membership,
                                               locations=data["stores"])
    except ServiceError as exc:
        apply_service_error(form, exc)
        return _page(request, invite_form=form, status=exc.status)
    _send_invitation(request, membership.user, new=new)
    messages.success(request, bidi.fill(_("%(email)s was added to the office; an email with how to sign in was sent."),
                                        {"email": membership.user.email or membership.user.username}))
    return redirect("people")


@require_POST
@requires("org.manage")
def member_update(request, username):
    membership = selectors.person(org=request.org, username=username)
    form = MemberForm(request.POST, org=request.org, prefix=f"m{membership.pk}")
    if not form.is_valid():
        return _page(request, failed=(membership.pk, form), status=422)
    data = form.cleaned_data
    try:
        with transaction.atomic():
            services.change_role(org=request.org, actor=request.user, membership=membership, role=data["role"])
            membership.refresh_from_db()
            aid_services.set_member_stores(org=request.org, actor=request.user, membership=membership,
                                           locations=data["stores"] if data["role"] == Role.INSTITUTION else [])
    except ServiceError as exc:
        apply_service_error(form, exc)
        return _page(request, failed=(membership.pk, form), status=exc.status)
    messages.success(request, bidi.fill(_("%(user)s's role and stores were saved."), {"user": username}))
    return redirect("people")


@require_POST
@requires("org.manage")
def member_deactivate(request, username):
    return _switch(request, username, services.deactivate_member,
                   _("%(user)s was deactivated: they can no longer sign in to this office or use its tokens."))


@require_POST
@requires("org.manage")
def member_reactivate(request, username):
    return _switch(request, username, services.reactivate_member, _("%(user)s was reactivated."))


@require_POST
@requires("org.manage")
def member_two_factor_reset(request, username):
    """A person lost their phone and their recovery codes: their two-factor sign-in is turned off (audited in
    every office they belong to), and they sign in with their password and set it up again."""
    return _switch(request, username, twofactor.reset,
                   _("%(user)s's two-factor sign-in was turned off; they sign in with their password alone "
                     "and can set it up again."))


def _switch(request, username, service, said):
    membership = selectors.person(org=request.org, username=username)
    try:
        service(org=request.org, actor=request.user, membership=membership)
    except ServiceError as exc:
        messages.error(request, exc.message)
        return _page(request, status=exc.status)
    messages.success(request, bidi.fill(said, {"user": username}))
    return redirect("people")


def _send_invitation(request, user, *, new: bool) -> None:
    """A new person gets a link to choose their password (Django's password-reset token: single use,
    expires after PASSWORD_RESET_TIMEOUT); someone who already has an account is told where to sign in."""
    office = localized_str(request.org.name)
    if new:
        link = request.build_absolute_uri(reverse("password_reset_confirm", kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)}))
        body = _("You were invited to %(office)s on Hamdeli. Your user name is %(user)s. Choose your password "
                 "here (the link works once, for %(days)s days):\n\n%(link)s\n") % {
            "office": office, "user": user.username, "link": link,
            "days": settings.PASSWORD_RESET_TIMEOUT // 86400}
    else:
        body = _("You were added to %(office)s on Hamdeli. Sign in as usual with your user name %(user)s: "
                 "%(link)s\n") % {"office": office, "user": user.username,
                                   "link": request.build_absolute_uri(reverse("login"))}
    send_mail(_("Your place in %(office)s on Hamdeli") % {"office": office}, body, None, [user.email or user.username])
