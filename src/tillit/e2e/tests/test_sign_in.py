"""Signing in with a password and an authenticator code, then adding a passkey and signing in
with it alone, through Chromium's virtual authenticator; and a new member's first sign-in,
which sets up the authenticator app before anything else."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, hotp_value
from allauth.mfa.totp.internal.auth import yield_hotp_counters_from_time as counters

from tillit.e2e.tests.browser import Visitor
from tillit.organisations.models import Membership
from tillit.organisations.roles import Role
from tillit.testing import PASSWORD, make_member, make_organisation, make_user

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def test_a_coordinator_signs_in_with_a_code_then_with_a_passkey(visitor: Visitor) -> None:
    organisation = make_organisation("Exempelby kommun", slug="exempelby")
    user = make_member(organisation, Role.SECURITY_COORDINATOR, "samordnare@exempelby.test")
    Authenticator.objects.filter(user=user).delete()
    TOTP.activate(user, SECRET)
    page = visitor.page

    visitor.go("/")
    assert visitor.path().startswith("/accounts/login/")
    visitor.check()
    page.fill("[name=login]", user.email)
    page.fill("[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/2fa/authenticate/")
    visitor.check()
    page.fill("[name=code]", format_hotp_value(hotp_value(SECRET, next(iter(counters())))))
    page.click("main form[action$='/authenticate/'] button[type=submit]")
    page.wait_for_url("**/o/exempelby/")
    visitor.check()

    # A passkey, made by the browser's own (virtual) authenticator.
    cdp = visitor.context.new_cdp_session(page)
    cdp.send("WebAuthn.enable")
    cdp.send(
        "WebAuthn.addVirtualAuthenticator",
        {
            "options": {
                "protocol": "ctap2",
                "transport": "internal",
                "hasResidentKey": True,
                "hasUserVerification": True,
                "isUserVerified": True,
            }
        },
    )
    page.click("header a[href='/accounts/2fa/']")
    visitor.check()
    visitor.go("/accounts/2fa/webauthn/add/")
    # Adding a key asks for the password again.
    page.wait_for_url("**/accounts/reauthenticate/**")
    visitor.check()
    page.fill("[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/2fa/webauthn/add/")
    visitor.check()
    page.reload()  # the English check made a new challenge in the session
    page.fill("[name=name]", "Bärbar dator")
    page.check("[name=passwordless]")
    page.click("#mfa_webauthn_add")
    page.wait_for_url(lambda url: not url.endswith("/webauthn/add/"))
    visitor.check()
    assert Authenticator.objects.filter(user=user, type="webauthn").count() == 1

    page.click("header button:has-text('Logga ut')")
    page.wait_for_url("**/accounts/login/**")
    page.click("#passkey_login")
    page.wait_for_url("**/o/exempelby/")
    assert page.locator("header .user-email").inner_text() == user.email


def test_a_new_member_sets_up_an_authenticator_app_at_the_first_sign_in(visitor: Visitor) -> None:
    organisation = make_organisation("Exempelby kommun", slug="exempelby")
    user = make_user("ny@exempelby.test", mfa=False)
    Membership.objects.create(organisation=organisation, user=user, role=Role.SYSTEM_OWNER)
    page = visitor.page

    visitor.go("/")
    page.fill("[name=login]", user.email)
    page.fill("[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    # Nothing else until a second factor is set up.
    page.wait_for_url("**/accounts/2fa/")
    visitor.check()
    visitor.go("/o/exempelby/")
    assert visitor.path() == "/accounts/2fa/"
    page.click("main a[href='/accounts/2fa/totp/activate/']")
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.fill("[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    visitor.check()
    page.reload()  # the English check made a new secret in the session
    # The QR code is shown (an image the page itself carries) and the secret written out.
    assert page.locator("main img").evaluate("image => image.complete && image.naturalWidth > 0")
    secret = page.input_value("#authenticator_secret")
    page.fill("[name=code]", format_hotp_value(hotp_value(secret, next(iter(counters())))))
    page.click("main form[action$='/totp/activate/'] button[type=submit]")
    page.wait_for_url(lambda url: not url.endswith("/totp/activate/"))
    visitor.check()

    assert Authenticator.objects.filter(user=user, type="totp").exists()
    visitor.go("/o/exempelby/")
    assert visitor.path() == "/o/exempelby/"
