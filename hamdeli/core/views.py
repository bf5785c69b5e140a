"""Sign-in, sign-out, password change and reset, language and organization switching, and API tokens."""

from collections.abc import Iterator
from typing import Any
from uuid import UUID

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django.views.i18n import set_language as django_set_language

from hamdeli.core import downloads, forms, jobs, office_archive, selectors, services
from hamdeli.core.errors import ServiceError
from hamdeli.core.listing import Listing, sort
from hamdeli.core.middleware import OrganizationMiddleware
from hamdeli.core.permissions import PUBLIC, SIGNED_IN, requires
from hamdeli.core.twofactor_views import SignIn
from hamdeli.core.types import MemberRequest

# Django's sign-in, which hands an account with two-factor on to the code page (core.twofactor_views).
login = requires(PUBLIC)(SignIn.as_view())
logout = requires(PUBLIC)(auth_views.LogoutView.as_view())
set_language = requires(PUBLIC)(django_set_language)


class _PasswordChange(auth_views.PasswordChangeView):
    template_name = "core/password_change.html"
    form_class = forms.PasswordChangeForm
    success_url = reverse_lazy("home")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)  # keeps this sign-in; the others end with the old password
        messages.success(self.request, _("Your password was changed. You stay signed in here; every other "
                                         "sign-in with the old password has ended."))
        return response


password_change = requires(SIGNED_IN)(_PasswordChange.as_view())
# Reset by an emailed link. The request page answers the same whether or not the address is known.
password_reset = requires(PUBLIC)(auth_views.PasswordResetView.as_view(
    template_name="core/password_reset.html",
    form_class=forms.PasswordResetForm,
    subject_template_name="core/password_reset_subject.txt",
    email_template_name="core/password_reset_email.txt",
    success_url=reverse_lazy("password_reset_done"),
))
password_reset_done = requires(PUBLIC)(auth_views.PasswordResetDoneView.as_view(
    template_name="core/password_reset_done.html"))
password_reset_confirm = requires(PUBLIC)(auth_views.PasswordResetConfirmView.as_view(
    template_name="core/password_reset_confirm.html",
    form_class=forms.SetPasswordForm,
    success_url=reverse_lazy("password_reset_complete"),
))
password_reset_complete = requires(PUBLIC)(auth_views.PasswordResetCompleteView.as_view(
    template_name="core/password_reset_complete.html"))


@require_POST
@requires("org.view")
def switch_org(request: MemberRequest) -> HttpResponse:
    wanted = request.POST.get("org", "")
    for membership in selectors.memberships_of(request.user):
        if str(membership.org.public_id) == wanted:
            request.session[OrganizationMiddleware.SESSION_KEY] = wanted
            break
    else:
        messages.error(request, _("You are not a member of that organization."))
    return redirect("dashboard")


@requires("org.view")
def tokens(request: MemberRequest) -> HttpResponse:
    new_secret = None
    errors = {}
    chosen = request.POST.get("expires_in_days", str(services.DEFAULT_TOKEN_DAYS))
    if request.method == "POST":
        try:
            _token, new_secret = services.create_api_token(
                membership=request.membership, name=request.POST.get("name", ""),
                expires_in_days=int(chosen) if chosen.isdigit() and len(chosen) < 6 else -1, actor=request.user)
        except ServiceError as exc:
            errors = exc.fields or {"name": exc.message}
    return render(request, "core/tokens.html", {
        "tokens": selectors.tokens(org=request.org, membership=request.membership),
        "new_secret": new_secret,
        "errors": errors,
        "lifetimes": services.TOKEN_LIFETIMES_DAYS,
        "chosen": chosen,
        "now": timezone.now(),
    }, status=422 if errors else 200)


@require_POST
@requires("org.view")
def revoke_token(request: MemberRequest, public_id: UUID) -> HttpResponse:
    token = selectors.token(org=request.org, membership=request.membership, public_id=public_id)
    services.revoke_api_token(token=token, actor=request.user)
    messages.success(request, _("The token was revoked."))
    return redirect("tokens")


AUDIT_PER_PAGE = 50
AUDIT_SORTS = {"at": sort("at", descending_first=True)}  # newest first, as written (ties: the later entry first)


def _audit_filters(request: MemberRequest) -> tuple[forms.AuditFilterForm, dict[str, Any]]:
    form = forms.AuditFilterForm(request.GET or None, people=selectors.audit_people(org=request.org),
                                 actions=selectors.audit_actions(org=request.org))
    return form, form.filters()


@requires("org.manage")
def audit(request: MemberRequest) -> HttpResponse:
    """The office's audit trail for its owners: who did what, when, from where, with each change's
    before and after; filtered by the URL so a record's page can link to its history."""
    form, chosen = _audit_filters(request)
    listing = Listing(request, selectors.audit_trail(org=request.org, **chosen), sorts=AUDIT_SORTS, default="-at",
                      columns=[], per_page=AUDIT_PER_PAGE, filters=list(form.fields))
    page = listing.page
    return render(request, "core/audit.html", {
        "filters": form, "listing": listing, "page": page,
        "entries": [(entry, selectors.changes(entry)) for entry in page],
        "export_query": request.GET.urlencode()}, status=200 if form.is_valid() or not form.is_bound else 422)


@requires("org.manage")
def audit_export(request: MemberRequest) -> HttpResponse:
    """The filtered audit trail as CSV (every column, before and after as JSON): prepared by a job when
    posted (core.downloads), built at once for a GET (the link's old behaviour, and scripts)."""
    if request.method == "POST":
        return downloads.ask_on_page(request, "core.audit")
    return downloads.respond(downloads.build_now(downloads.Asked.of(request), "core.audit"))


@requires("org.manage")
def office(request: MemberRequest) -> HttpResponse:
    """The office itself, for its owners: what it is, and its whole record to take away."""
    return render(request, "core/office.html", {"org": request.org,
                                                "archive_name": office_archive.archive_name(request.org)})


FAILED_JOBS_SHOWN = 200


@requires("org.manage")
def failed_jobs(request: MemberRequest) -> HttpResponse:
    """The office's background jobs that failed (core.jobs), newest first, with their error: for its owners."""
    failed = list(jobs.failed_jobs(org=request.org)[:FAILED_JOBS_SHOWN])
    rows = [{"name": jobs.job_name(result), "finished_at": result.finished_at,
             "attempt": result.args_kwargs.get("kwargs", {}).get("attempt", 1),
             "retries": jobs.retries_of(result),
             "message": result.traceback.strip().splitlines()[-1] if result.traceback else ""} for result in failed]
    return render(request, "core/failed_jobs.html", {"rows": rows})


@requires("org.manage")
def office_export(request: MemberRequest) -> HttpResponseBase:
    """The office's whole record as one archive (core.office_archive): prepared by a job when posted (the
    office page's button; core.downloads), else streamed from a temporary file that is gone once sent.
    DownloadAuditMiddleware records who took it."""
    if request.method == "POST":
        return downloads.ask_on_page(request, "core.office")
    handle, size = office_archive.export_to_temporary(request.org)

    def chunks() -> Iterator[bytes]:
        try:
            yield from iter(lambda: handle.read(1 << 16), b"")
        finally:
            handle.close()

    response = StreamingHttpResponse(chunks(), content_type="application/gzip")
    response["Content-Length"] = str(size)
    response["Content-Disposition"] = f'attachment; filename="{office_archive.archive_name(request.org)}"'
    return response


@requires(SIGNED_IN)
def downloads_page(request: MemberRequest) -> HttpResponse:
    """The member's files prepared in the background (an owner: every member's), newest first; the list
    redraws itself (htmx, or a refresh without JavaScript) while one is being prepared."""
    rows = downloads.recent(org=request.org, actor=request.user, role=request.membership.role) \
        if getattr(request, "membership", None) else []
    preparing = any(d.status == d.Status.PREPARING for d in rows)
    context = {"rows": [(d, downloads.label_of(d)) for d in rows], "preparing": preparing,
               "keep_days": downloads.keep_for().days}
    template = "core/_downloads.html" if _htmx(request) else "core/downloads.html"
    return _no_cache(render(request, template, context))


@requires(SIGNED_IN)
def download(request: MemberRequest, public_id: UUID) -> HttpResponse:
    """One prepared download: being prepared (the page asks again every few seconds), ready (its link) or failed."""
    found = _own_download(request, public_id)
    context = {"d": found, "label": downloads.label_of(found)}
    template = "core/_download_status.html" if _htmx(request) else "core/download.html"
    return _no_cache(render(request, template, context))


@requires(SIGNED_IN)
def download_file(request: MemberRequest, public_id: UUID) -> FileResponse:
    """The prepared file itself (DownloadAuditMiddleware records who took it)."""
    return downloads.serve(_own_download(request, public_id))


def _own_download(request: MemberRequest, public_id: UUID) -> Any:
    if getattr(request, "membership", None) is None:
        raise Http404
    return downloads.one(org=request.org, actor=request.user, role=request.membership.role, public_id=public_id)


def _htmx(request: HttpRequest) -> bool:
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def _no_cache(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    response["Cache-Control"] = "no-store"
    return response
