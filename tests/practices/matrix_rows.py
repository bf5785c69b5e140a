import io

from hamdeli.practices import services
from tests.matrix import Row
from tests.sample_files import pdf_bytes


def build(world):
    world.practice = services.create_practice(
        org=world.org, actor=world.officer, title={"en": "matrix-marker-practice street cleaning"},
        topics=["disinfection"], visibility="private")
    world.public_practice = services.create_practice(
        org=world.org, actor=world.officer, title={"en": "Open library of masks"}, topics=["education"],
        visibility="public")
    world.archived_practice = services.archive_practice(
        org=world.org, actor=world.officer, practice=services.create_practice(
            org=world.org, actor=world.officer, title={"en": "An archived practice"}, topics=["education"]))
    world.impact = services.record_impact(org=world.org, actor=world.officer, crisis="covid19",
                                          hit_on=__import__("datetime").date(2020, 2, 20), note="matrix-marker-impact")
    world.attachment = services.add_attachment(org=world.org, actor=world.officer, practice=world.practice,
                                               upload=_pdf())
    world.public_attachment = services.add_attachment(org=world.org, actor=world.officer,
                                                      practice=world.public_practice, upload=_pdf())
    world.question = services.ask_city(practice=world.public_practice, name="A visitor", email="v@example.org",
                                       message="matrix-marker-question", sender_ip="127.0.0.1")


def _p(w):
    return {"public_id": w.practice.public_id}


def _ap(w):
    return {"public_id": w.archived_practice.public_id}


def _pub(w):
    return {"public_id": w.public_practice.public_id}


def _pdf():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("note.pdf", pdf_bytes(b"test"), content_type="application/pdf")


def _pdf_upload():
    f = io.BytesIO(pdf_bytes(b"test"))
    f.name = "note.pdf"
    return f


def _att(w):
    return {"public_id": w.practice.public_id, "attachment_id": w.attachment.public_id}


def _pub_att(w):
    return {"public_id": w.public_practice.public_id, "attachment_id": w.public_attachment.public_id}


FORM = {"title_fa": "پاکسازی", "title_en": "Cleaning", "crisis": "covid19", "phase": "response",
        "topics": ["disinfection"], "instrument": "service", "visibility": "private"}
API = {"title": {"en": "Made in the matrix"}, "topics": ["transport"]}

ROWS = [
    Row("practices:list", marker=lambda w: "matrix-marker-practice"),
    Row("practices:create"),
    Row("practices:create", method="post", write=True, ok=(302,), body=lambda w: FORM),
    Row("practices:detail", params=_p),
    Row("practices:edit", params=_p),
    Row("practices:edit", method="post", write=True, params=_p, ok=(302,), body=lambda w: FORM),
    Row("practices:archive", method="post", write=True, params=_p, ok=(302,)),
    Row("practices:restore", method="post", write=True, params=_ap, ok=(302,), role="owner"),
    Row("practices:attach", method="post", write=True, params=_p, ok=(302,), body=lambda w: {"file": _pdf_upload()}),
    Row("practices:attachment", params=_att),
    Row("practices:attachment_remove", method="post", write=True, params=_att, ok=(302,)),
    Row("practices:public_attachment", public=True, params=_pub_att),
    Row("practices:ahead"),
    Row("practices:impacts", marker=lambda w: "matrix-marker-impact"),
    Row("practices:impact_record", method="post", write=True, ok=(302,),
        body=lambda w: {"crisis": "flood", "hit_on": "1399/01/05"}),
    Row("practices:export", marker=lambda w: "matrix-marker-practice"),
    Row("practices:export", method="post", ok=(302,)),  # prepared by a job (core.downloads)
    Row("practices:import"),
    Row("practices:inbox", marker=lambda w: "matrix-marker-question"),
    Row("practices:question_read", method="post", write=True, ok=(302,),
        params=lambda w: {"public_id": w.question.public_id}),
    Row("practices:public_list", public=True),
    Row("practices:public_feed", public=True),
    Row("practices:public_detail", public=True, params=_pub),
    Row("practices:public_ask", method="post", public=True, params=_pub, ok=(302,),
        body=lambda w: {"name": "N", "email": "n@example.org", "message": "How?"}),
    # API
    Row("practices_search", marker=lambda w: "matrix-marker-practice"),
    Row("practices_create", method="post", write=True, ok=(201,), body=lambda w: API),
    Row("practices_get", params=_p),
    Row("practices_update", method="patch", write=True, params=_p, body=lambda w: {"cost": 10}),
    Row("practices_delete", method="delete", write=True, params=_p, ok=(409,)),  # archived, never deleted
    Row("practices_archive", method="post", write=True, params=_p),
    Row("practices_restore", method="post", write=True, params=_ap, role="owner"),
    Row("practices_attachments", params=_p),
    Row("practices_attachment_upload", method="post", write=True, params=_p, ok=(201,), multipart=True,
        body=lambda w: {"file": _pdf_upload()}),
    Row("practices_attachment_download", params=_att),
    Row("practices_attachment_remove", method="delete", write=True, params=_att, ok=(204,)),
    Row("practices_impacts", marker=lambda w: "matrix-marker-impact"),
    Row("practices_impact_record", method="post", write=True, body=lambda w: {"crisis": "flood",
                                                                             "hit_on": "2020-03-01"}),
    Row("practices_ahead"),
    Row("practices_questions", marker=lambda w: "matrix-marker-question"),
    Row("practices_export", marker=lambda w: "matrix-marker-practice"),
    Row("practices_import", method="post", write=True, ok=(201,),
        body=lambda w: {"format": "json", "content": '[{"title": {"en": "Imported"}, "topics": ["economy"]}]'}),
    Row("practices_public_feed", public=True),
]
