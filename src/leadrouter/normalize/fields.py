"""The standard lead fields and the raw keys (JSON keys, CSV headers) that mean each of them.

A raw key is matched after folding: case, spaces, underscores, hyphens, dots and slashes are
ignored, so "Company Name", "company_name" and "company-name" are one key. The alias table is
folded into one dict at import; `standard_field` caches per raw key string because a CSV has the
same headers on every row. This module must never decide how a value is cleaned: only which
field a key means.
"""

from __future__ import annotations

import re
from functools import lru_cache
from types import MappingProxyType
from typing import Final

from leadrouter.model import FieldType

S, N, B, L = FieldType.STRING, FieldType.NUMBER, FieldType.BOOL, FieldType.LIST

# Exactly the "Lead fields" table of docs/policy-language.md.
STANDARD_FIELDS: Final = MappingProxyType(
    {
        "email": S,
        "email_domain": S,
        "free_email": B,
        "first_name": S,
        "last_name": S,
        "name": S,
        "title": S,
        "company": S,
        "website": S,
        "website_domain": S,
        "phone": S,
        "country": S,
        "state": S,
        "postal_code": S,
        "city": S,
        "employees": N,
        "employees_min": N,
        "employees_max": N,
        "revenue": N,
        "revenue_min": N,
        "revenue_max": N,
        "industry": S,
        "source": S,
        "form": S,
        "language": S,
        "lead_type": S,
        "product_interest": L,
    }
)

# Other names for each field, as forms, CRMs and spreadsheets write them. The field's own name
# is always accepted; these are folded on load like the raw keys.
_ALIASES: dict[str, tuple[str, ...]] = {
    "email": ("e-mail", "email address", "work email", "business email", "mail", "emailaddress"),
    "first_name": ("firstname", "first", "fname", "given name", "forename"),
    "last_name": ("lastname", "last", "lname", "surname", "family name"),
    "name": ("full name", "fullname", "contact name", "contact", "lead name"),
    "title": ("job title", "jobtitle", "position", "job"),
    "company": ("company name", "organization", "organisation", "org", "account", "account name",
                "employer", "business name"),
    "website": ("url", "web", "domain", "company website", "website url", "homepage", "site",
                "web site", "company domain"),
    "phone": ("phone number", "mobile", "mobile phone", "mobile number", "telephone", "tel",
              "cell", "cell phone", "work phone", "business phone"),
    "country": ("country name", "country code", "nation", "country/region"),
    "state": ("province", "region", "state/province", "state or province", "state code",
              "county/state"),
    "postal_code": ("zip", "zipcode", "zip code", "postcode", "post code", "postal",
                    "zip/postal code", "plz"),
    "city": ("town", "locality", "city/town"),
    "employees": ("num employees", "number of employees", "employee count", "employees count",
                  "no of employees", "company size", "headcount", "head count", "size",
                  "team size", "numberofemployees"),
    "revenue": ("annual revenue", "annualrevenue", "company revenue", "yearly revenue",
                "turnover"),
    "industry": ("sector", "vertical", "industry type"),
    "source": ("lead source", "leadsource", "utm source", "utm_source", "channel"),
    "form": ("form name", "formname", "form id", "form type"),
    "language": ("lang", "locale", "preferred language", "language code"),
    "lead_type": ("leadtype", "type of lead", "lead category"),
    "product_interest": ("products", "product", "interest", "interests", "interested in",
                         "product interests"),
}  # fmt: skip

_KEY_NOISE = re.compile(r"[\s_\-./]+")


@lru_cache(maxsize=4096)
def fold_key(key: str) -> str:
    """The comparison form of a raw key: "Company Name" and "company_name" -> "companyname"."""
    return _KEY_NOISE.sub("", key.casefold())


def _build() -> dict[str, str]:
    table = {fold_key(name): name for name in STANDARD_FIELDS}
    for name, aliases in _ALIASES.items():
        for alias in aliases:
            table.setdefault(fold_key(alias), name)
    return table


_BY_KEY: dict[str, str] = _build()


@lru_cache(maxsize=4096)
def standard_field(key: str) -> str | None:
    """The standard field a raw key means, or None."""
    return _BY_KEY.get(fold_key(key))
