"""The reason given when nothing matches names what the lead had, never "no email domain" for a
lead that has one."""

from leadrouter.matching import AccountIndex
from leadrouter.model import Account
from leadrouter.normalize import normalize_lead

INDEX = AccountIndex.build([Account(id="a1", name="Globex", domains=("globex.com",))])


def reason(**raw: str) -> str:
    result = INDEX.match(normalize_lead(raw))
    assert result.match is None
    return result.notes[0].message


def test_no_match__names_the_email_domain_no_account_has():
    message = reason(email="jo@tinyco.io")

    assert message == "no account matched: no account has the domain tinyco.io"


def test_no_match__names_email_and_website_domains_once_each():
    message = reason(email="jo@tinyco.io", website="https://www.tinyco.io", country="US")

    assert message == "no account matched: no account has the domain tinyco.io"


def test_no_match__says_the_lead_has_nothing_to_match_on_only_when_it_has_nothing():
    message = reason(country="US")

    assert message.endswith("the lead has no company, email domain or website to match on")
