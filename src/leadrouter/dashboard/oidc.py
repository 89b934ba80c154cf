"""Dashboard sign-in with an OpenID Connect provider (the authorization code flow, with authlib).

`start` sends the browser to the provider with a fresh state, nonce and PKCE verifier, which a
short-lived HttpOnly cookie keeps for the way back; `finish` checks the returned state against
that cookie, exchanges the code at the provider's token endpoint (the client secret never leaves
the server), verifies the id_token's signature against the provider's JWKS, its issuer,
audience, expiry and nonce, and hands back the claims. Which user they name is
`users.service.sign_in_oidc`'s business. This module never logs or renders a token or secret.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import httpx

from leadrouter.settings import Settings
from leadrouter.users.schemas import Role

if TYPE_CHECKING:
    from authlib.integrations.httpx_client import OAuth2Client

# authlib is imported by the two legs of a sign-in only: a dashboard without single sign-on (and
# every service start) should not pay for it, nor print its deprecation warnings.

OIDC_COOKIE = "leadrouter_oidc"  # state, nonce and PKCE verifier between the two legs
CALLBACK = "/login/oidc/callback"
TIMEOUT = 10.0
_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]


class OidcError(Exception):
    """A sign-in the provider did not vouch for; the message is safe to show."""


@dataclass(frozen=True)
class Identity:
    subject: str
    email: str | None
    name: str | None
    role: Role | None  # from the role claim, else the default role, else None


def configured(settings: Settings) -> bool:
    return bool(settings.oidc_issuer and settings.oidc_client_id and settings.oidc_client_secret)


def _discover(settings: Settings) -> dict[str, Any]:
    issuer = (settings.oidc_issuer or "").rstrip("/")
    url = issuer if "/.well-known/" in issuer else f"{issuer}/.well-known/openid-configuration"
    try:
        answer = httpx.get(url, timeout=TIMEOUT)
        answer.raise_for_status()
        return answer.json()
    except (httpx.HTTPError, ValueError) as error:
        raise OidcError(f"the provider cannot be reached ({type(error).__name__})") from None


def _client(settings: Settings, redirect: str) -> OAuth2Client:
    from authlib.integrations.httpx_client import OAuth2Client

    return OAuth2Client(
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        scope=settings.oidc_scopes,
        redirect_uri=redirect,
        code_challenge_method="S256",
        timeout=TIMEOUT,
    )


def start(settings: Settings, redirect: str) -> tuple[str, str]:
    """The provider's authorization URL to send the browser to, and the cookie value to keep."""
    meta = _discover(settings)
    from authlib.common.security import generate_token

    state, nonce, verifier = generate_token(32), generate_token(32), generate_token(48)
    with _client(settings, redirect) as client:
        url, _ = client.create_authorization_url(
            meta["authorization_endpoint"], state=state, nonce=nonce, code_verifier=verifier
        )
    return url, f"{state}.{nonce}.{verifier}"


def finish(settings: Settings, redirect: str, kept: str, params: dict[str, str]) -> Identity:
    """The identity the provider vouched for on its way back to the callback."""
    if params.get("error"):
        raise OidcError(f"the sign-in provider refused: {params['error'][:100]}")
    parts = kept.split(".")
    state = params.get("state", "")
    if len(parts) != 3 or not state or not secrets.compare_digest(state, parts[0]):
        raise OidcError("the sign-in expired or did not start here: try again")
    _, nonce, verifier = parts
    from authlib.jose import JsonWebKey, JsonWebToken
    from authlib.jose.errors import JoseError

    meta = _discover(settings)
    try:
        with _client(settings, redirect) as client:
            token = client.fetch_token(
                meta["token_endpoint"], code=params.get("code", ""), code_verifier=verifier
            )
        keys = JsonWebKey.import_key_set(httpx.get(meta["jwks_uri"], timeout=TIMEOUT).json())
        claims = JsonWebToken(_ALGORITHMS).decode(
            token["id_token"],
            keys,
            claims_options={
                "iss": {"essential": True, "value": meta.get("issuer", settings.oidc_issuer)},
                "aud": {"essential": True, "value": settings.oidc_client_id},
                "sub": {"essential": True},
                "exp": {"essential": True},
                "nonce": {"essential": True, "value": nonce},
            },
        )
        claims.validate(now=int(time.time()), leeway=60)
    except (httpx.HTTPError, KeyError, ValueError, JoseError) as error:
        raise OidcError(f"the sign-in could not be verified ({type(error).__name__})") from None
    return Identity(
        subject=str(claims["sub"]),
        email=claims.get("email") if claims.get("email_verified", True) else None,
        name=claims.get("name"),
        role=_role(settings, claims),
    )


def _role(settings: Settings, claims: dict[str, Any]) -> Role | None:
    """The highest role the role claim names (a string or a list), else the default role."""
    given = claims.get(settings.oidc_role_claim) if settings.oidc_role_claim else None
    values = {given} if isinstance(given, str) else set(given or ())
    for role in (Role.ADMIN, Role.MANAGER, Role.VIEWER):
        if role.value in values:
            return role
    return Role(settings.oidc_default_role) if settings.oidc_default_role else None
