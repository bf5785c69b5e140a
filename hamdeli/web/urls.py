from django.urls import path

from hamdeli.web import people, views

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("people/", people.people, name="people"),
    path("people/invite/", people.invite, name="people_invite"),
    path("people/<str:username>/", people.member_update, name="people_update"),
    path("people/<str:username>/deactivate/", people.member_deactivate, name="people_deactivate"),
    path("people/<str:username>/reactivate/", people.member_reactivate, name="people_reactivate"),
    path("people/<str:username>/two-factor/reset/", people.member_two_factor_reset, name="people_two_factor_reset"),
]
