"""ProConnect, the state agents' OpenID Connect, as a login for teachers and staff.

allauth's `openid_connect` provider with what ProConnect needs on top: its scopes and
`acr_values`, and a userinfo endpoint that answers a signed JWT (application/jwt) instead
of JSON. Settings: the ProConnect block of astep/settings.py; README "Connexion ProConnect".
"""
