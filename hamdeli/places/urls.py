from django.urls import path

from hamdeli.places import views

urlpatterns = [path("places/cities/options/", views.city_options, name="city_options")]
