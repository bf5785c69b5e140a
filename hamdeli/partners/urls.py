from django.urls import path

from hamdeli.partners import views, views_exchange

app_name = "partners"
urlpatterns = [
    path("partners/", views.partner_list, name="list"),
    path("partners/new/", views.partner_create, name="create"),
    path("partners/import/", views_exchange.import_start, name="import"),
    path("partners/import/<uuid:public_id>/", views_exchange.import_preview, name="import_preview"),
    path("partners/import/<uuid:public_id>/record/", views_exchange.import_apply, name="import_apply"),
    path("partners/import/<uuid:public_id>/status/", views_exchange.import_status, name="import_status"),
    path("partners/import/<uuid:public_id>/unresolved/", views_exchange.import_unresolved,
         name="import_unresolved"),
    path("partners/export/", views_exchange.export, name="export"),
    path("partners/<uuid:public_id>/", views.partner_detail, name="detail"),
    path("partners/<uuid:public_id>/edit/", views.partner_edit, name="edit"),
    path("partners/<uuid:public_id>/transition/", views.partner_transition, name="transition"),
    path("partners/<uuid:public_id>/archive/", views.partner_archive, name="archive"),
    path("partners/<uuid:public_id>/restore/", views.partner_restore, name="restore"),
    path("partners/<uuid:public_id>/interactions/", views.partner_add_interaction, name="add_interaction"),
    path("partners/<uuid:public_id>/agreement/", views.partner_agreement, name="agreement"),
    path("networks/", views.networks, name="networks"),
    path("networks/memberships/new/", views.membership_create, name="membership_create"),
    path("networks/memberships/<uuid:public_id>/", views.membership_detail, name="membership"),
    path("networks/memberships/<uuid:public_id>/edit/", views.membership_edit, name="membership_edit"),
    path("networks/memberships/<uuid:public_id>/transition/", views.membership_transition,
         name="membership_transition"),
]
