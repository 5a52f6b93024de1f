"""Login and callback of ProConnect: openid_connect's views with the ProConnect adapter."""

from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse

from astep.accounts.proconnect.provider import ProConnectOAuth2Adapter


@login_not_required
def login(request: HttpRequest, provider_id: str) -> HttpResponse:
    """Send the browser to ProConnect's authorization endpoint (404 when not configured)."""
    try:
        return OAuth2LoginView.adapter_view(ProConnectOAuth2Adapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as missing:
        raise Http404 from missing


@login_not_required
def callback(request: HttpRequest, provider_id: str) -> HttpResponse:
    """Exchange ProConnect's code, verify the identity, log the user in (404 when not configured)."""
    try:
        return OAuth2CallbackView.adapter_view(ProConnectOAuth2Adapter(request, provider_id))(
            request
        )
    except SocialApp.DoesNotExist as missing:
        raise Http404 from missing
