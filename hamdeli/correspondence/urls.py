from django.urls import path

from hamdeli.correspondence import views, views_calendar, views_templates

app_name = "correspondence"
urlpatterns = [
    path("letters/", views.letter_list, name="list"),
    path("letters/export.csv", views.letter_export, name="export"),
    path("letters/new/", views.letter_create, name="create"),
    path("letters/new/template/", views.letter_create_template, name="create_template"),
    path("letters/<uuid:public_id>/", views.letter_detail, name="detail"),
    path("letters/<uuid:public_id>/edit/", views.letter_edit, name="edit"),
    path("letters/<uuid:public_id>/pdf/", views.letter_pdf, name="pdf"),
    path("letters/<uuid:public_id>/transition/", views.letter_transition, name="transition"),
    path("letters/<uuid:public_id>/delete/", views.letter_delete, name="delete"),
    path("letters/<uuid:public_id>/archive/", views.letter_archive, name="archive"),
    path("letters/<uuid:public_id>/restore/", views.letter_restore, name="restore"),
    path("letters/<uuid:public_id>/attachments/", views.attachment_upload, name="attachment_upload"),
    path("letters/<uuid:public_id>/attachments/<uuid:attachment_id>/", views.attachment_download,
         name="attachment"),
]
urlpatterns += [
    path("calendar/", views_calendar.calendar_page, name="calendar"),
    path("calendar/feed/new/", views_calendar.feed_create, name="feed_create"),
    path("calendar/feed/revoke/", views_calendar.feed_revoke, name="feed_revoke"),
    path("calendar/feed/<str:token>.ics", views_calendar.feed, name="feed"),
    path("calendar/reminders/", views_calendar.reminder_settings, name="reminders"),
]
urlpatterns += [
    path("letters/templates/", views_templates.template_list, name="templates"),
    path("letters/templates/new/", views_templates.template_create, name="template_create"),
    path("letters/templates/<uuid:public_id>/", views_templates.template_edit, name="template_edit"),
]
