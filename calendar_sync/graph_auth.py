"""Signing in to Microsoft (MSAL, auth-code flow) and keeping a person's Graph tokens fresh.

The portal keeps, per connected person, the MSAL token cache as a string (`cache_state()`, stored encrypted with
`calendar_sync.crypto`) and the account id `finish()` returned. Each use builds a GraphAuth from that string, asks
`access_token(account_id)`, and stores `cache_state()` again when `changed` says a refresh happened.
"""
from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import msal
import requests

from calendar_sync.errors import AuthFailed, CalendarError, ReauthRequired, RequestFailed, Unreachable

MICROSOFT = "https://login.microsoftonline.com/common"
SCOPES = ("https://graph.microsoft.com/Calendars.ReadWrite", "https://graph.microsoft.com/User.Read")
APP_SCOPES = ("https://graph.microsoft.com/.default",)
# MSAL's answer when the refresh token is expired, revoked, or consent was withdrawn: only a new sign-in helps.
_REAUTH_ERRORS = {"invalid_grant", "interaction_required", "consent_required", "login_required"}


@dataclass(frozen=True, slots=True)
class Connection:
    """Who connected: the account id to ask tokens for, and who they are."""

    account_id: str
    username: str
    name: str
    access_token: str


class GraphAuth:
    """MSAL's ConfidentialClientApplication with a cache the portal can store as a string."""

    def __init__(self, client_id: str, client_secret: str, *, authority: str = MICROSOFT,
                 scopes: Sequence[str] = SCOPES, cache: str | None = None, http_client=None):
        self.scopes = list(scopes)
        self.cache = msal.SerializableTokenCache()
        if cache:
            self.cache.deserialize(cache)
        try:
            self.app = msal.ConfidentialClientApplication(
                client_id, client_credential=client_secret, authority=authority, token_cache=self.cache,
                # Outside Microsoft's own hosts (sovereign clouds, tests) MSAL would ask Microsoft to vouch for the
                # authority; the portal's configuration is the authority we trust.
                instance_discovery=False, http_client=http_client)
        except (requests.ConnectionError, requests.Timeout) as exc:
            raise Unreachable("Microsoft sign-in could not be reached.", detail=str(exc)[:300]) from exc
        except ValueError as exc:  # OIDC discovery refused: wrong tenant or authority
            raise RequestFailed("The Microsoft sign-in address is not valid.", detail=str(exc)[:300]) from exc

    def start(self, redirect_uri: str, *, login_hint: str | None = None, state: str | None = None,
              response_mode: str = "query") -> dict:
        """Begin a sign-in: keep the returned flow in the session, send the browser to flow['auth_uri'].

        "query" brings the code back on a GET, which carries a SameSite=Lax session cookie (Flask's default);
        "form_post" keeps the code out of URLs but arrives as a cross-site POST, which such a cookie does not
        follow, so the callback would have to find the flow another way. MSAL warns about "query"; we chose it.
        """
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="response_mode='form_post' is recommended")
            return self.app.initiate_auth_code_flow(self.scopes, redirect_uri=redirect_uri, login_hint=login_hint,
                                                    state=state, response_mode=response_mode)

    def finish(self, flow: dict, params: Mapping[str, str]) -> Connection:
        """Complete a sign-in from the query parameters Microsoft redirected back with."""
        try:
            result = self.app.acquire_token_by_auth_code_flow(flow, dict(params), scopes=self.scopes)
        except ValueError as exc:  # state mismatch, a flow used twice: start again
            raise AuthFailed("The Microsoft sign-in did not match this session; please start again.",
                             detail=str(exc)) from exc
        except requests.RequestException as exc:
            raise Unreachable("Microsoft sign-in could not be reached.", detail=str(exc)[:300]) from exc
        if "error" in result:
            raise AuthFailed("Microsoft sign-in was refused or cancelled.",
                             detail=f"{result.get('error')}: {result.get('error_description', '')}"[:300])
        claims = result.get("id_token_claims", {})
        account = self._account_for(claims)
        return Connection(account_id=account["home_account_id"], username=account.get("username", ""),
                          name=claims.get("name", ""), access_token=result["access_token"])

    def _account_for(self, claims: Mapping) -> dict:
        accounts = self.app.get_accounts()
        for account in accounts:
            if account.get("local_account_id") == claims.get("oid"):
                return account
        if accounts:
            return accounts[0]
        raise CalendarError("Microsoft sign-in gave no account.")

    def access_token(self, account_id: str, *, force_refresh: bool = False) -> str:
        """A valid access token for the account, refreshed if needed; ReauthRequired if only a sign-in helps."""
        account = next((a for a in self.app.get_accounts() if a["home_account_id"] == account_id), None)
        if account is None:
            raise ReauthRequired(detail="no cached account")
        try:
            result = self.app.acquire_token_silent_with_error(self.scopes, account=account,
                                                              force_refresh=force_refresh)
        except requests.RequestException as exc:
            raise Unreachable("Microsoft sign-in could not be reached.", detail=str(exc)[:300]) from exc
        if result is None:
            raise ReauthRequired(detail="no token in the cache")
        if "error" in result:
            detail = f"{result.get('error')}: {result.get('error_description', '')}"[:300]
            if result.get("error") in _REAUTH_ERRORS:
                raise ReauthRequired(detail=detail)
            raise RequestFailed("Microsoft sign-in refused to refresh the connection.", detail=detail)
        return result["access_token"]

    def token_provider(self, account_id: str):
        """A callable for GraphCalendar: a fresh token each call, a forced refresh when Graph answers 401."""
        return lambda force_refresh=False: self.access_token(account_id, force_refresh=force_refresh)

    def app_token(self) -> str:
        """An application token (client credentials), for tenants that granted the app calendar access."""
        try:
            result = self.app.acquire_token_for_client(list(APP_SCOPES))
        except requests.RequestException as exc:
            raise Unreachable("Microsoft sign-in could not be reached.", detail=str(exc)[:300]) from exc
        if "error" in result:
            raise AuthFailed("Microsoft refused the portal's application credentials.",
                             detail=f"{result.get('error')}: {result.get('error_description', '')}"[:300])
        return result["access_token"]

    def forget(self, account_id: str) -> None:
        """Drop a person's tokens from the cache (when they disconnect)."""
        for account in self.app.get_accounts():
            if account["home_account_id"] == account_id:
                self.app.remove_account(account)

    @property
    def changed(self) -> bool:
        """True when tokens were refreshed since loading: store `cache_state()` again (ask before calling it)."""
        return self.cache.has_state_changed

    def cache_state(self) -> str:
        """The token cache as a string, to store encrypted."""
        return self.cache.serialize()
