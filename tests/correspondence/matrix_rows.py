import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from hamdeli.correspondence import services
from tests.matrix import Row
from tests.sample_files import pdf_bytes

PDF = pdf_bytes(b"matrix")


def build(world):
    world.letter = services.register_letter(
        org=world.org, actor=world.officer, direction="out", subject="matrix-marker-letter",
        recipient_city=world.cities["xian"], recipient_name="Mayor of Xi'an", registered_on=dt.date(2020, 1, 26))
    world.incoming = services.register_letter(
        org=world.org, actor=world.officer, direction="in", subject="incoming", sender_city=world.cities["xian"],
        registered_on=dt.date(2020, 2, 10))
    world.archived_letter = services.archive_letter(org=world.org, actor=world.officer, letter=services.register_letter(
        org=world.org, actor=world.officer, direction="in", subject="archived", sender_city=world.cities["xian"],
        registered_on=dt.date(2020, 2, 11)))
    world.template = services.save_template(
        org=world.org, actor=world.officer, name="matrix-marker-template", occasion="greeting",
        subject={"fa": "تبریک", "en": "Greetings"}, body={"fa": "با درود به {official}", "en": "Dear {official}"})
    _feed, world.feed_token = services.create_calendar_feed(org=world.org, actor=world.officer)
    world.attachment = services.add_attachment(org=world.org, actor=world.officer, letter=world.letter,
                                               upload=SimpleUploadedFile("scan.pdf", PDF))


def _l(w):
    return {"public_id": w.letter.public_id}


def _in(w):
    return {"public_id": w.incoming.public_id}


def _al(w):
    return {"public_id": w.archived_letter.public_id}


def _a(w):
    return {"public_id": w.letter.public_id, "attachment_id": w.attachment.public_id}


def _t(w):
    return {"public_id": w.template.public_id}


TEMPLATE = {"name": "another", "occasion": "thanks", "subject": {"en": "Thanks"}, "body": {"en": "Thank you"}}


def _upload(w):
    return {"file": SimpleUploadedFile("more.pdf", PDF, content_type="application/pdf")}


DAY = dt.date(2020, 1, 27).isoformat()

ROWS = [
    Row("correspondence:list", marker=lambda w: "matrix-marker-letter"),
    Row("correspondence:export", marker=lambda w: "matrix-marker-letter"),
    Row("correspondence:export", method="post", ok=(302,)),  # prepared by a job (core.downloads)
    Row("correspondence:create"),
    Row("correspondence:create", method="post", write=True, ok=(302,),
        body=lambda w: {"direction": "out", "subject": "new", "occasion": "greeting", "language": "en",
                        "recipient_org": "UCLG"}),
    # The new-letter form's template region (HTMX): writes nothing, but needs the edit permission, so the
    # viewer is refused as for a write; the outsider's is drawn from its own office's templates only.
    Row("correspondence:create_template", method="post", write=True, marker=lambda w: "matrix-marker-template",
        body=lambda w: {"template": w.template.pk, "occasion": "greeting", "language": "en",
                        "recipient_city": w.cities["xian"].pk}),
    Row("correspondence:detail", params=_l),
    Row("correspondence:delete", method="post", write=True, params=_l, ok=(302,)),  # a draft
    Row("correspondence:archive", method="post", write=True, params=_in, ok=(302,)),
    Row("correspondence:restore", method="post", write=True, params=_al, ok=(302,), role="owner"),
    Row("correspondence:edit", params=_l),
    Row("correspondence:edit", method="post", write=True, params=_l, ok=(302,),
        body=lambda w: {"subject": "changed", "occasion": "greeting", "language": "en",
                        "recipient_city": w.cities["xian"].pk}),
    Row("correspondence:transition", method="post", write=True, params=_l, ok=(302,),
        body=lambda w: {"action": "submit", "on": "1398/11/07"}),
    Row("correspondence:attachment_upload", method="post", write=True, params=_l, ok=(302,), body=_upload),
    Row("correspondence:attachment", params=_a),
    Row("correspondence:pdf", params=_l),
    Row("correspondence:templates", marker=lambda w: "matrix-marker-template"),
    Row("correspondence:template_create"),
    Row("correspondence:template_create", method="post", write=True, ok=(302,),
        body=lambda w: {"name": "new", "occasion": "thanks", "subject_fa": "سپاس", "body_fa": "سپاس"}),
    Row("correspondence:template_edit", params=_t),
    Row("correspondence:template_edit", method="post", write=True, params=_t, ok=(302,),
        body=lambda w: {"name": "renamed", "occasion": "thanks", "subject_en": "Thanks", "body_en": "Thanks"}),
    Row("correspondence:calendar"),
    Row("correspondence:feed_create", method="post", write=True),
    Row("correspondence:feed_revoke", method="post", write=True, ok=(302,)),
    Row("correspondence:reminders"),
    Row("correspondence:reminders", method="post", write=True, ok=(302,),
        body=lambda w: {"reminder_emails": "on", "email_language": "en"}),
    # The feed is public-but-secret: the token in the URL is the credential (a wrong one is 404, tested apart).
    Row("correspondence:feed", public=True, params=lambda w: {"token": w.feed_token}),
    # API
    Row("letters_list", marker=lambda w: "matrix-marker-letter"),
    Row("letters_create", method="post", write=True, ok=(201,),
        body=lambda w: {"direction": "out", "subject": "api", "recipient_org": "UCLG"}),
    Row("letters_get", params=_l),
    Row("letters_delete", method="delete", write=True, params=_l, ok=(204,)),  # a draft
    Row("letters_archive", method="post", write=True, params=_in),
    Row("letters_restore", method="post", write=True, params=_al, role="owner"),
    Row("letters_update", method="patch", write=True, params=_l, body=lambda w: {"subject": "patched"}),
    Row("letters_transition", method="post", write=True, params=_l, body=lambda w: {"action": "submit", "on": DAY}),
    Row("letters_events", params=_l),
    Row("letters_attachments", params=_l),
    Row("letters_attachment_upload", method="post", write=True, params=_l, ok=(201,), multipart=True, body=_upload),
    Row("letters_attachment_download", params=_a),
    Row("letters_pdf", params=_l),
    Row("letter_templates_list", marker=lambda w: "matrix-marker-template"),
    Row("letter_templates_create", method="post", write=True, ok=(201,), body=lambda w: TEMPLATE),
    Row("letter_templates_get", params=_t),
    Row("letter_templates_update", method="put", write=True, params=_t, body=lambda w: TEMPLATE),
    Row("letter_templates_render", params=_t),
    Row("calendar_occasions"),
    Row("calendar_feed_create", method="post", write=True, ok=(201,)),
    Row("calendar_feed_revoke", method="delete", write=True, ok=(204,)),
]
