from django.urls import path

from hamdeli.core import twofactor_views, views

urlpatterns = [
    path("login/", views.login, name="login"),
    path("login/code/", twofactor_views.login_code, name="login_code"),
    path("logout/", views.logout, name="logout"),
    path("language/", views.set_language, name="set_language"),
    path("org/switch/", views.switch_org, name="switch_org"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/password/reset/", views.password_reset, name="password_reset"),
    path("account/password/reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("account/password/reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("account/password/reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("account/two-factor/", twofactor_views.two_factor, name="two_factor"),
    path("account/two-factor/confirm/", twofactor_views.two_factor_confirm, name="two_factor_confirm"),
    path("account/two-factor/disable/", twofactor_views.two_factor_disable, name="two_factor_disable"),
    path("account/tokens/", views.tokens, name="tokens"),
    path("account/tokens/<uuid:public_id>/revoke/", views.revoke_token, name="revoke_token"),
    path("audit/", views.audit, name="audit"),
    path("audit/export.csv", views.audit_export, name="audit_export"),
    path("office/", views.office, name="office"),
    path("office/two-factor/", twofactor_views.office_two_factor, name="office_two_factor"),
    path("office/export/", views.office_export, name="office_export"),
    path("office/jobs/failed/", views.failed_jobs, name="failed_jobs"),
    path("downloads/", views.downloads_page, name="downloads"),
    path("downloads/<uuid:public_id>/", views.download, name="download"),
    path("downloads/<uuid:public_id>/file/", views.download_file, name="download_file"),
]
