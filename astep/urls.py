from django.contrib import admin
from django.urls import include, path

from astep import health, views
from astep.accounts import views as accounts_views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("comptes/", include("allauth.urls")),
    path("confidentialite/", accounts_views.privacy, name="privacy"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("plan-du-site/", views.sitemap, name="sitemap"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("mon-compte/", include("astep.accounts.urls")),
    path("classes/", include("astep.classes.urls")),
    path("accompagnateur/", include("astep.volunteers.urls")),
    path("appariement/", include("matching.urls")),
    path("modules/", include("astep.modules.urls")),
    path("enquete/", include("surveys.urls")),
]
