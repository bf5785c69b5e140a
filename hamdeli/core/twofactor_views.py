"""The pages of two-factor sign-in (core.twofactor): the code after the password, a person's own
two-factor page (enrol, recovery codes, turn off) and the office's rule for its owners."""

from typing import Any

from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from hamdeli.core import twofactor
from hamdeli.core.digits import format_number
from hamdeli.core.errors import ServiceError
from hamdeli.core.permissions import PUBLIC, SIGNED_IN, requires
from hamdeli.core.types import MemberRequest, OfficeRequest, SignedInRequest


class SignIn(auth_views.LoginView):
    """Django's sign-in; for an account with two-factor, a right password leads to the code page and
    the session is signed in only once the code is given."""

    template_name = "core/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if twofactor.has_device(user):
            twofactor.begin_pending(self.request, user, self.get_success_url())
            return redirect("login_code")
        return super().form_valid(form)


@requires(PUBLIC)
def login_code(request: OfficeRequest) -> HttpResponse:
    """The second step of a sign-in: a code from the authenticator app, or a recovery code."""
    waiting = twofactor.pending(request)
    if waiting is None:
        messages.info(request, _("Sign in with your user name and password first."))
        return redirect("login")
    user, state = waiting
    error, status = None, 200
    if request.method == "POST":
        try:
            device = twofactor.check_code(user=user, code=request.POST.get("code", ""))
        except ServiceError as exc:
            error, status = exc.message, exc.status
        else:
            if device is not None:
                twofactor.end_pending(request)
                auth_login(request, user, backend=state.get("backend") or None)
                otp_login(request, device)
                if isinstance(device, StaticDevice):
                    messages.warning(request, _("You signed in with a recovery code; %(left)s are left. Each "
                                                "works once.") % {"left": format_number(device.token_set.count())})
                return redirect(state.get("next") or "home")
            if twofactor.count_wrong_try(request, state):
                messages.error(request, _("Too many wrong codes: sign in again with your password."))
                return redirect("login")
            error, status = _("That code is not right. Type the code your app shows now, or a recovery code."), 422
    return render(request, "core/login_code.html", {"error": error, "pending_user": user}, status=status)


def _page(request: SignedInRequest, *, codes: list[str] | None = None, error: str | None = None,
          status: int = 200) -> HttpResponse:
    user = request.user
    context: dict[str, Any] = {"on": twofactor.has_device(user), "codes": codes, "error": error,
               "required": twofactor.needs_enrolment(request)}
    if context["on"]:
        context["codes_left"] = twofactor.recovery_codes_left(user)
    else:
        secret = twofactor.enrolment_secret(request.session)
        context["secret"] = twofactor.secret_for_typing(secret)
        context["qr"] = twofactor.qr_data_uri(twofactor.provisioning_uri(user, secret))
    return render(request, "core/two_factor.html", context, status=status)


@requires(SIGNED_IN)
def two_factor(request: SignedInRequest) -> HttpResponse:
    """A person's own two-factor sign-in: set it up (a QR code and the secret to type), or see it is on
    and turn it off."""
    return _page(request)


@require_POST
@requires(SIGNED_IN)
def two_factor_confirm(request: SignedInRequest) -> HttpResponse:
    secret = request.session.get(twofactor.SECRET_SESSION_KEY)
    if not secret:
        return _page(request, error=_("The page was open too long; scan the new code and try again."), status=422)
    try:
        codes = twofactor.enable(user=request.user, secret_hex=secret, code=request.POST.get("code", ""))
    except ServiceError as exc:
        return _page(request, error=exc.message, status=exc.status)
    request.session.pop(twofactor.SECRET_SESSION_KEY, None)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    otp_login(request, device)  # this sign-in has just given a code
    return _page(request, codes=codes)


@require_POST
@requires(SIGNED_IN)
def two_factor_disable(request: SignedInRequest) -> HttpResponse:
    try:
        twofactor.disable(user=request.user, password=request.POST.get("password", ""),
                          code=request.POST.get("code", ""))
    except ServiceError as exc:
        if exc.code == "two_factor_off":
            messages.info(request, exc.message)
            return redirect("two_factor")
        return _page(request, error=exc.message, status=exc.status)
    messages.success(request, _("Two-factor sign-in is off: your password alone signs you in."))
    return redirect("two_factor")


@require_POST
@requires("org.manage")
def office_two_factor(request: MemberRequest) -> HttpResponse:
    required = request.POST.get("owners_require_two_factor") == "on"
    twofactor.set_owners_requirement(org=request.org, actor=request.user, required=required)
    messages.success(request, _("Owners must now use two-factor sign-in.") if required
                     else _("Owners may now sign in without two-factor."))
    return redirect("office")
