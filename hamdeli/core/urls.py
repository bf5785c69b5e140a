from django.urls import path

from hamdeli.core import views

urlpatterns = [
    path("login/", views.login, name="login"),
    path("logout/", views.logout, name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("org/switch/", views.switch_org, name="switch_org"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/password/reset/", views.password_reset, name="password_reset"),
    path("account/password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("account/password/reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("account/password/reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<uuid:public_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("audit/", views.audit, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("office/", views.office, name="office"),
    path("office/export/", views.office_export, name="office_export"),
]
