"""One-time tokens for page forms that write (the aid pages use them): a double click or a resubmission
records nothing twice.

Every form that writes carries a hidden `form_token` (rendered by `{% form_token %}`): a random key
signed for the organization. Posting it claims the key in IdempotencyRecord, the table behind the
API's Idempotency-Key, for (org, key, "POST <path>") *in the same transaction as the write*: if the
write is refused, the claim rolls back with it and the corrected form can be posted again; if it
succeeds, the record keeps where the page went next. A second post of the same token writes nothing:
the same form sends the person to the recorded result with a message, a changed form is refused with
409 and shown again with a fresh token, to be posted deliberately.
"""

import hashlib
import uuid
from collections.abc import Callable

from django.contrib import messages
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from hamdeli.core import idempotency
from hamdeli.core.errors import Conflict, ValidationFailed
from hamdeli.core.idempotency import record_model
from hamdeli.core.models import IdempotencyRecord, Organization
from hamdeli.core.types import MemberRequest, OfficeRequest

FIELD = "form_token"
_SALT = "hamdeli.aid.form-token"
_IGNORED = {FIELD, "csrfmiddlewaretoken"}


def _signer(org: Organization) -> signing.TimestampSigner:
    # Timestamped: a token lives no longer than its spent record is kept (idempotency.RETENTION).
    return signing.TimestampSigner(salt=f"{_SALT}:{org.pk}")


def issue(org: Organization) -> str:
    """A fresh token for one rendering of one form."""
    return _signer(org).sign(uuid.uuid4().hex)


def _key(request: MemberRequest) -> str:
    raw = (request.POST.get(FIELD) or "").strip()
    try:
        return _signer(request.org).unsign(raw, max_age=idempotency.RETENTION)
    except signing.BadSignature:  # SignatureExpired too: a form left open for over a week
        raise ValidationFailed(
            _("This form is out of date or incomplete. Check the entries and submit it again."),
            code="form_token",
            fields={FIELD: _("The form's one-time token is missing or not valid.")},
        ) from None


def _digest(request: OfficeRequest) -> str:
    """What the form said (its fields and uploaded files), without the tokens."""
    hasher = hashlib.sha256()
    for name, values in sorted(request.POST.lists()):
        if name not in _IGNORED:
            hasher.update(repr((name, values)).encode())
    for name, uploads in sorted(request.FILES.lists()):
        upload = uploads[-1]  # what .items() gives: the last file of the name
        upload.seek(0)
        hasher.update(name.encode() + b"\0" + upload.read())
        upload.seek(0)
    return hasher.hexdigest()


def _replay(request: MemberRequest, found: IdempotencyRecord, digest: str) -> HttpResponseRedirect:
    if found.request_hash != digest or not found.body.get("location"):
        raise Conflict(
            _(
                "This form was already submitted and recorded once; what you send now differs from it. "
                "Check the recorded result; to record this as well, submit the form again."
            ),
            code="already_submitted",
        )
    messages.info(request, _("This form had already been submitted: it was recorded once and not again."))
    return redirect(found.body["location"])


def submit_once(request: MemberRequest, write: Callable[[], str]) -> HttpResponseRedirect:
    """Run `write()` (which calls the services and returns the URL to go to next) at most once per token.

    Returns the redirect. Raises ServiceError when the token is bad, when a changed form reuses a
    spent token, or when `write()` refuses; nothing is then written and the token stays unspent.
    """
    key = _key(request)
    digest = _digest(request)
    lookup = {"org": request.org, "key": key, "endpoint": f"{request.method} {request.path}"}
    try:
        with transaction.atomic():
            found = record_model().objects.select_for_update().filter(**lookup).first()
            if found is None:
                # Claim the token first: a concurrent second post waits on the unique key, then fails.
                record = record_model().objects.create(**lookup, request_hash=digest, status=302, body={})
                location = write()
                record.body = {"location": str(location)}
                record.save(update_fields=["body"])
                return redirect(location)
    except IntegrityError:
        found = record_model().objects.filter(**lookup).first()
        if found is None:
            raise
    return _replay(request, found, digest)
