from django.urls import path

from hamdeli.practices import views

app_name = "practices"
urlpatterns = [
    path("practices/", views.practice_list, name="list"),
    path("practices/new/", views.practice_create, name="create"),
    path("practices/ahead/", views.ahead, name="ahead"),
    path("practices/impacts/", views.impacts, name="impacts"),
    path("practices/impacts/record/", views.impact_record, name="impact_record"),
    path("practices/export/", views.export, name="export"),
    path("practices/import/", views.import_page, name="import"),
    path("practices/inbox/", views.inbox, name="inbox"),
    path("practices/inbox/<uuid:public_id>/read/", views.question_read, name="question_read"),
    path("practices/<uuid:public_id>/", views.practice_detail, name="detail"),
    path("practices/<uuid:public_id>/edit/", views.practice_edit, name="edit"),
    path("practices/<uuid:public_id>/archive/", views.practice_archive, name="archive"),
    path("practices/<uuid:public_id>/restore/", views.practice_restore, name="restore"),
    path("practices/<uuid:public_id>/attachments/", views.practice_attach, name="attach"),
    path("practices/<uuid:public_id>/attachments/<uuid:attachment_id>/", views.attachment, name="attachment"),
    path("practices/<uuid:public_id>/attachments/<uuid:attachment_id>/remove/", views.attachment_remove,
         name="attachment_remove"),
    path("exchange/", views.public_list, name="public_list"),
    path("exchange/feed.json", views.public_feed, name="public_feed"),
    path("exchange/<uuid:public_id>/", views.public_detail, name="public_detail"),
    path("exchange/<uuid:public_id>/ask/", views.public_ask, name="public_ask"),
    path("exchange/<uuid:public_id>/files/<uuid:attachment_id>/", views.public_attachment, name="public_attachment"),
]
