from hamdeli.core import services
from tests.matrix import Row


def build(world):
    membership = world.officer.memberships.get(org=world.org)
    world.token, _secret = services.create_api_token(membership=membership, name="matrix-marker-token")


ROWS = [
    Row("login", public=True, ok=(200, 302)),
    Row("logout", method="post", public=True, ok=(302,)),
    Row("set_language", method="post", public=True, ok=(302,), body=lambda w: {"language": "en", "next": "/"}),
    Row("home", public=True, ok=(302,)),
    Row("dashboard"),
    Row("switch_org", method="post", ok=(302,), body=lambda w: {"org": str(w.org.public_id)}),
    # A person's own password: anyone signed in (the outsider changes theirs, not ours).
    Row("password_change"),
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
    Row("office_export", role="owner"),  # the archive itself: tests/core/test_office_archive.py reads it
    Row("places_countries"),
    Row("places_cities"),
    Row("places_city", params=lambda w: {"geonameid": w.cities["xian"].pk}, shared=True),
]
