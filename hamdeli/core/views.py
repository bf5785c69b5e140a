"""Sign-in, sign-out, language and organization switching, and API tokens."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from hamdeli.core import selectors, services
from hamdeli.core.errors import ServiceError
from hamdeli.core.middleware import OrganizationMiddleware
from hamdeli.core.permissions import PUBLIC, requires

login = requires(PUBLIC)(auth_views.LoginView.as_view(template_name="core/login.html",
                                                      redirect_authenticated_user=True))
logout = requires(PUBLIC)(auth_views.LogoutView.as_view())
set_language = requires(PUBLIC)(django_set_language)


@require_POST
@requires("org.view")
def switch_org(request):
    wanted = request.POST.get("org", "")
    for membership in selectors.memberships_of(request.user):
        if str(membership.org.public_id) == wanted:
            request.session[OrganizationMiddleware.SESSION_KEY] = wanted
            break
    else:
        messages.error(request, _("You are not a member of that organization."))
    return redirect("dashboard")


@requires("org.view")
def tokens(request):
    new_secret = None
    error = None
    if request.method == "POST":
        try:
            _token, new_secret = services.create_api_token(
                membership=request.membership, name=request.POST.get("name", ""), actor=request.user
            )
        except ServiceError as exc:
            error = exc.fields.get("name") or exc.message
    return render(request, "core/tokens.html", {
        "tokens": selectors.tokens(org=request.org, membership=request.membership),
        "new_secret": new_secret,
        "error": error,
    }, status=422 if error else 200)


@require_POST
@requires("org.view")
def revoke_token(request, public_id):
    token = selectors.token(org=request.org, membership=request.membership, public_id=public_id)
    services.revoke_api_token(token=token, actor=request.user)
    messages.success(request, _("The token was revoked."))
    return redirect("tokens")


def server_error(request):
    """The 500 page, standalone (no context processors that could fail again), with the request id."""
    from django.http import HttpResponseServerError
    from django.template import loader
    from django.utils.translation import get_language, get_language_bidi

    html = loader.get_template("500.html").render({
        "request_id": getattr(request, "request_id", ""), "LANG": get_language(),
        "DIR": "rtl" if get_language_bidi() else "ltr"})
    return HttpResponseServerError(html)
