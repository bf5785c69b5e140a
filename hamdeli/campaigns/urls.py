from django.urls import path

from hamdeli.campaigns.views import advocacy, awareness, recognition

app_name = "campaigns"
urlpatterns = [
    path("campaigns/", awareness.overview, name="overview"),
    path("campaigns/new/", awareness.create, name="create"),
    path("campaigns/<uuid:public_id>/", awareness.detail, name="detail"),
    path("campaigns/<uuid:public_id>/edit/", awareness.edit, name="edit"),
    path("campaigns/<uuid:public_id>/transition/", awareness.transition, name="transition"),
    path("campaigns/<uuid:public_id>/design-sets/", awareness.add_design_set, name="add_design_set"),
    path("campaigns/design-sets/<uuid:public_id>/files/", awareness.upload_file, name="upload_file"),
    path("campaigns/design-sets/<uuid:public_id>/placements/", awareness.add_placement, name="add_placement"),
    path("campaigns/design-sets/<uuid:public_id>/edit/", awareness.edit_design_set, name="edit_design_set"),
    path("campaigns/design-sets/<uuid:public_id>/remove/", awareness.remove_design_set, name="remove_design_set"),
    path("campaigns/files/<uuid:public_id>/", awareness.design_file, name="design_file"),
    path("campaigns/files/<uuid:public_id>/remove/", awareness.remove_design_file, name="remove_design_file"),
    path("campaigns/placements/<uuid:public_id>/edit/", awareness.edit_placement, name="edit_placement"),
    path("campaigns/placements/<uuid:public_id>/remove/", awareness.remove_placement, name="remove_placement"),
    path("advocacy/", advocacy.advocacy_list, name="advocacy_list"),
    path("advocacy/new/", advocacy.advocacy_create, name="advocacy_create"),
    path("advocacy/<uuid:public_id>/", advocacy.advocacy_detail, name="advocacy_detail"),
    path("advocacy/<uuid:public_id>/settings/", advocacy.advocacy_settings, name="advocacy_settings"),
    path("advocacy/<uuid:public_id>/versions/", advocacy.advocacy_add_version, name="advocacy_add_version"),
    path("advocacy/<uuid:public_id>/endorsements/", advocacy.advocacy_add_endorsement,
         name="advocacy_add_endorsement"),
    path("advocacy/endorsements/<uuid:public_id>/verify/", advocacy.endorsement_verify, name="endorsement_verify"),
    path("advocacy/endorsements/<uuid:public_id>/letter/", advocacy.endorsement_letter, name="endorsement_letter"),
    path("statements/<uuid:public_id>/", advocacy.statement_public, name="statement_public"),
    path("recognition/", recognition.recognition_list, name="recognition_list"),
    path("recognition/new/", recognition.recognition_create, name="recognition_create"),
    path("recognition/recipients/", recognition.recipients, name="recipients"),
    path("recognition/recipients/new/", recognition.recipient_create, name="recipient_create"),
    path("recognition/recipients/from-aid/", recognition.recipients_from_aid, name="recipients_from_aid"),
    path("recognition/<uuid:public_id>/", recognition.recognition_detail, name="recognition_detail"),
    path("recognition/<uuid:public_id>/copies/", recognition.recognition_add_copies, name="recognition_add_copies"),
    path("recognition/copies/<uuid:public_id>/handover/", recognition.copy_handover, name="copy_handover"),
]
