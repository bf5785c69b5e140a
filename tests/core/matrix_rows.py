from django.core.files.base import ContentFile
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from hamdeli.core import downloads, services
from hamdeli.core.models import PreparedDownload
from tests.matrix import Row


def build(world):
    membership = world.officer.memberships.get(org=world.org)
    world.token, _secret = services.create_api_token(membership=membership, name="matrix-marker-token")
    # A member who uses two-factor sign-in, whose two-factor an owner can reset from the people page.
    world.two_factor_user = services.ensure_member(org=world.org, username="matrix_two_factor", role="viewer").user
    TOTPDevice.objects.create(user=world.two_factor_user, name="Hamdeli", confirmed=True)
    # A prepared download of the officer's, ready (core.downloads): theirs and the owners' only.
    world.download = PreparedDownload(org=world.org, kind="correspondence.letters", requested_by=world.officer,
                                      status="ready", filename="letters.csv", content_type="text/csv; charset=utf-8",
                                      ready_at=timezone.now(), expires_at=timezone.now() + downloads.keep_for())
    world.download.file.save("letters.csv", ContentFile(b"number,subject\r\n"), save=False)
    world.download.size = world.download.file.size
    world.download.save()


ROWS = [
    Row("login", public=True, ok=(200, 302)),
    # The code after the password: with no sign-in waiting for one, back to the sign-in page.
    Row("login_code", public=True, ok=(302,)),
    Row("logout", method="post", public=True, ok=(302,)),
    Row("set_language", method="post", public=True, ok=(302,), body=lambda w: {"language": "en", "next": "/"}),
    Row("home", public=True, ok=(302,)),
    Row("dashboard"),
    Row("switch_org", method="post", ok=(302,), body=lambda w: {"org": str(w.org.public_id)}),
    # A person's own password: anyone signed in (the outsider changes theirs, not ours).
    Row("password_change"),
    # A person's own two-factor sign-in (tests/core/test_two_factor.py goes through it with codes).
    Row("two_factor"),
    Row("two_factor_confirm", method="post", ok=(422,), body=lambda w: {"code": "000000"}),
    Row("two_factor_disable", method="post", ok=(302,), body=lambda w: {"password": "not-the-password"}),
    Row("password_reset", public=True),
    Row("password_reset_done", public=True),
    Row("password_reset_confirm", public=True, params=lambda w: {"uidb64": "MQ", "token": "not-a-token"}),
    Row("password_reset_complete", public=True),
    # Any member manages their own tokens, so the viewer may too: not a "write" in the matrix sense.
    Row("tokens", marker=lambda w: "matrix-marker-token"),
    Row("revoke_token", method="post", write=True, params=lambda w: {"public_id": w.token.public_id},
        ok=(302,)),
    Row("city_options"),
    Row("core_me"),
    Row("core_audit", role="owner", marker=lambda w: str(w.partnership.public_id)),
    Row("audit", role="owner", marker=lambda w: str(w.partnership.public_id)),
    Row("audit_export", role="owner", marker=lambda w: str(w.partnership.public_id)),
    Row("people", role="owner", marker=lambda w: f"<bdi>{w.viewer.username}</bdi>"),
    Row("people_invite", method="post", write=True, role="owner", ok=(302,),
        body=lambda w: {"email": "matrix-invitee@example.org", "role": "viewer"}),
    Row("people_update", method="post", write=True, role="owner", ok=(302,),
        params=lambda w: {"username": w.logistics.username},
        body=lambda w: {f"m{w.logistics.memberships.get(org=w.org).pk}-role": "officer"}),
    Row("people_deactivate", method="post", write=True, role="owner", ok=(302,),
        params=lambda w: {"username": w.logistics.username}),
    Row("people_reactivate", method="post", write=True, role="owner", ok=(302,),
        params=lambda w: {"username": w.logistics.username}),
    Row("office", role="owner", marker=lambda w: str(w.org.public_id)),
    Row("office_two_factor", method="post", write=True, role="owner", ok=(302,),
        body=lambda w: {"owners_require_two_factor": "on"}),
    Row("people_two_factor_reset", method="post", write=True, role="owner", ok=(302,),
        params=lambda w: {"username": w.two_factor_user.username}),
    Row("failed_jobs", role="owner"),  # the office's failed background jobs: tests/core/test_jobs.py
    Row("office_export", role="owner"),  # the archive itself: tests/core/test_office_archive.py reads it
    # Asking for a prepared export (tests/core/test_downloads.py): reading, not writing the office's records.
    Row("office_export", method="post", role="owner", ok=(302,)),
    Row("audit_export", method="post", role="owner", ok=(302,)),
    # A member's own prepared downloads (an owner sees every member's): the viewer sees none of the officer's.
    Row("downloads", marker=lambda w: str(w.download.public_id)),
    Row("download", params=lambda w: {"public_id": w.download.public_id}),
    Row("download_file", params=lambda w: {"public_id": w.download.public_id}),
    Row("core_download_request", method="post", ok=(202,), body=lambda w: {"kind": "correspondence.letters"}),
    Row("core_download_get", params=lambda w: {"public_id": w.download.public_id}),
    Row("core_download_file", params=lambda w: {"public_id": w.download.public_id}),
    Row("places_countries"),
    Row("places_cities"),
    Row("places_city", params=lambda w: {"geonameid": w.cities["xian"].pk}, shared=True),
]
