from django.urls import path

from hamdeli.aid import views

app_name = "aid"
urlpatterns = [
    path("aid/", views.home, name="home"),
    path("aid/setup/", views.setup, name="setup"),
    path("aid/items/new/", views.item_create, name="item_create"),
    path("aid/parties/new/", views.party_create, name="party_create"),
    path("aid/locations/new/", views.location_create, name="location_create"),
    path("aid/pledges/", views.pledge_list, name="pledges"),
    path("aid/pledges/new/", views.pledge_create, name="pledge_create"),
    path("aid/pledges/<uuid:public_id>/", views.pledge_detail, name="pledge"),
    path("aid/pledges/<uuid:public_id>/transition/", views.pledge_transition, name="pledge_transition"),
    path("aid/pledges/<uuid:public_id>/import/", views.consignment_import, name="consignment_import"),
    path("aid/pledges/<uuid:public_id>/report/", views.report, name="report"),
    path("aid/pledges/<uuid:public_id>/report.pdf", views.report_pdf, name="report_pdf"),
    path("aid/boxes/<uuid:public_id>/receive/", views.box_receive, name="box_receive"),
    path("aid/boxes/<uuid:public_id>/label/", views.box_label, name="box_label"),
    path("aid/consignments/<uuid:public_id>/receive-all/", views.consignment_receive_all,
         name="consignment_receive_all"),
    path("aid/consignments/<uuid:public_id>/labels/", views.consignment_labels, name="consignment_labels"),
    path("aid/intake/", views.intake, name="intake"),
    path("aid/handover/", views.handover, name="handover"),
    path("aid/dispose/", views.dispose, name="dispose"),
    path("aid/distribute/", views.distribute, name="distribute"),
    path("aid/trace/<uuid:public_id>/", views.trace, name="trace"),
    path("aid/locations/<uuid:public_id>/", views.location_detail, name="location"),
    path("aid/locations/<uuid:public_id>/grants/", views.location_grant, name="location_grant"),
    path("aid/movements/", views.movement_list, name="movements"),
    path("aid/movements/<uuid:public_id>/reverse/", views.movement_reverse, name="movement_reverse"),
    path("aid/lots/<uuid:public_id>/", views.lot_recall, name="lot"),
    path("aid/flow/", views.flow, name="flow"),
    path("aid/exports/movements/", views.export_movements, name="export_movements"),
    path("aid/exports/iati.xml", views.export_iati, name="export_iati"),
    path("aid/exports/hxl.csv", views.export_hxl, name="export_hxl"),
]
