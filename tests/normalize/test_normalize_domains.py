"""Registrable domains against the public suffix list's own test cases, and the free-mail test."""

from __future__ import annotations

import subprocess
import sys

import pytest

from leadrouter.normalize.domains import is_free_email_domain, registrable_domain

# checkPublicSuffix cases from publicsuffix.org's tests/test_psl.txt (input, registrable domain).
PSL_CASES: list[tuple[str, str | None]] = [
    # Mixed case.
    ("COM", None),
    ("example.COM", "example.com"),
    ("WwW.example.COM", "example.com"),
    # Leading dot.
    (".com", None),
    (".example", None),
    (".example.com", None),
    (".example.example", None),
    # Unlisted TLD.
    ("example", None),
    # TLD with only 1 rule.
    ("biz", None),
    ("domain.biz", "domain.biz"),
    ("b.domain.biz", "domain.biz"),
    ("a.b.domain.biz", "domain.biz"),
    # TLD with some 2-level rules.
    ("com", None),
    ("example.com", "example.com"),
    ("b.example.com", "example.com"),
    ("a.b.example.com", "example.com"),
    ("uk.com", None),
    ("example.uk.com", "example.uk.com"),
    ("b.example.uk.com", "example.uk.com"),
    ("a.b.example.uk.com", "example.uk.com"),
    ("test.ac", "test.ac"),
    # TLD with only 1 (wildcard) rule.
    ("mm", None),
    ("c.mm", None),
    ("b.c.mm", "b.c.mm"),
    ("a.b.c.mm", "b.c.mm"),
    # More complex TLD.
    ("jp", None),
    ("test.jp", "test.jp"),
    ("www.test.jp", "test.jp"),
    ("ac.jp", None),
    ("test.ac.jp", "test.ac.jp"),
    ("www.test.ac.jp", "test.ac.jp"),
    ("kyoto.jp", None),
    ("test.kyoto.jp", "test.kyoto.jp"),
    ("ide.kyoto.jp", None),
    ("b.ide.kyoto.jp", "b.ide.kyoto.jp"),
    ("a.b.ide.kyoto.jp", "b.ide.kyoto.jp"),
    ("c.kobe.jp", None),
    ("b.c.kobe.jp", "b.c.kobe.jp"),
    ("a.b.c.kobe.jp", "b.c.kobe.jp"),
    ("city.kobe.jp", "city.kobe.jp"),
    ("www.city.kobe.jp", "city.kobe.jp"),
    # TLD with a wildcard rule and exceptions.
    ("ck", None),
    ("test.ck", None),
    ("b.test.ck", "b.test.ck"),
    ("a.b.test.ck", "b.test.ck"),
    ("www.ck", "www.ck"),
    ("www.www.ck", "www.ck"),
    # US K12.
    ("us", None),
    ("test.us", "test.us"),
    ("www.test.us", "test.us"),
    ("ak.us", None),
    ("test.ak.us", "test.ak.us"),
    ("www.test.ak.us", "test.ak.us"),
    ("k12.ak.us", None),
    ("test.k12.ak.us", "test.k12.ak.us"),
    ("www.test.k12.ak.us", "test.k12.ak.us"),
    # IDN labels.
    ("食狮.com.cn", "食狮.com.cn"),
    ("食狮.公司.cn", "食狮.公司.cn"),
    ("www.食狮.公司.cn", "食狮.公司.cn"),
    ("shishi.公司.cn", "shishi.公司.cn"),
    ("公司.cn", None),
    ("食狮.中国", "食狮.中国"),
    ("www.食狮.中国", "食狮.中国"),
    ("shishi.中国", "shishi.中国"),
    ("中国", None),
    # Same as above, but punycoded.
    ("xn--85x722f.com.cn", "xn--85x722f.com.cn"),
    ("xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn"),
    ("www.xn--85x722f.xn--55qx5d.cn", "xn--85x722f.xn--55qx5d.cn"),
    ("shishi.xn--55qx5d.cn", "shishi.xn--55qx5d.cn"),
    ("xn--55qx5d.cn", None),
    ("xn--85x722f.xn--fiqs8s", "xn--85x722f.xn--fiqs8s"),
    ("www.xn--85x722f.xn--fiqs8s", "xn--85x722f.xn--fiqs8s"),
    ("shishi.xn--fiqs8s", "shishi.xn--fiqs8s"),
    ("xn--fiqs8s", None),
]

# The PSL's implicit "*" rule makes "example.example" registrable. We deliberately do not: a lead
# domain under a TLD nobody has delegated is a typo, and must not match or route as a company.
UNLISTED_TLD_CASES = ["example.example", "b.example.example", "a.b.example.example"]


@pytest.mark.parametrize(("host", "expected"), PSL_CASES)
def test_registrable_domain__agrees_with_the_public_suffix_list_tests(
    host: str, expected: str | None
) -> None:
    assert registrable_domain(host) == expected


@pytest.mark.parametrize("host", UNLISTED_TLD_CASES)
def test_registrable_domain__is_none_under_a_tld_the_list_does_not_know(host: str) -> None:
    assert registrable_domain(host) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("mail.eu.acme.co.uk", "acme.co.uk"),
        ("https://www.Acme.com/about", "acme.com"),
        ("jo@sub.acme.de", "acme.de"),
        ("http://user@acme.com:8080/path?q=1#top", "acme.com"),
        ("acme.com.", "acme.com"),
        ("  WWW.ACME.IO  ", "acme.io"),
        ("acme.github.io", "acme.github.io"),
    ],
)
def test_registrable_domain__reads_hosts_urls_and_emails(text: str, expected: str) -> None:
    assert registrable_domain(text) == expected


@pytest.mark.parametrize(
    "text", ["127.0.0.1", "[::1]", "localhost", "not a domain", "acme..com", "-acme.com", "", "@"]
)
def test_registrable_domain__is_none_for_ips_and_garbage(text: str) -> None:
    assert registrable_domain(text) is None


def test_registrable_domain__works_with_the_network_off() -> None:
    # A fresh interpreter that fails on any socket: the bundled suffix list must be enough.
    script = (
        "import socket\n"
        "def refuse(*a, **k):\n"
        "    raise OSError('network is off')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "socket.getaddrinfo = refuse\n"
        "from leadrouter.normalize.domains import registrable_domain\n"
        "print(registrable_domain('mail.eu.acme.co.uk'))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.strip() == "acme.co.uk"


@pytest.mark.parametrize(
    "domain",
    ["gmail.com", "GMAIL.COM", "gmx.de", "web.de", "t-online.de", "163.com", "qq.com",
     "yahoo.co.jp", "hotmail.co.uk", "orange.fr", "sfr.fr", "hey.com", "mail.yahoo.co.jp"],
)  # fmt: skip
def test_is_free_email_domain__knows_free_mail_and_isp_domains(domain: str) -> None:
    assert is_free_email_domain(domain)


@pytest.mark.parametrize("domain", ["acme.com", "acme.co.uk", "google.com", "sub.acme.de"])
def test_is_free_email_domain__is_false_for_company_domains(domain: str) -> None:
    assert not is_free_email_domain(domain)
