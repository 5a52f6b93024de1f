from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

from astep import health, views
from astep.accounts import views as accounts_views

# The admin signs in through allauth: the same rate limits and second factor as the portal.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("comptes/", include("allauth.urls")),
    path("confidentialite/", accounts_views.privacy, name="privacy"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mentions-legales/", views.legal_notice, name="legal_notice"),
    path("plan-du-site/", views.sitemap, name="sitemap"),
    # The language switcher works before signing in too.
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("mon-compte/", include("astep.accounts.urls")),
    path("classes/", include("astep.classes.urls")),
    path("accompagnateur/", include("astep.volunteers.urls")),
    path("appariement/", include("matching.urls")),
    path("modules/", include("astep.modules.urls")),
    path("enquete/", include("surveys.urls")),
]
