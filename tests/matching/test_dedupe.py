import pytest

from leadrouter.matching import DedupeKeys, KnownLead, LeadIndex, dedupe_keys
from leadrouter.model import Lead
from leadrouter.normalize import normalize_lead


def lead(**raw: str) -> Lead:
    return normalize_lead(raw)


def known(lead_id: str, **keys: str | None) -> KnownLead:
    fields: dict[str, str | None] = {
        "owner": "ana",
        "email_key": None,
        "phone": None,
        "name_key": None,
        "account_id": None,
    }
    fields.update(keys)
    return KnownLead(id=lead_id, **fields)  # type: ignore[arg-type]


def test_dedupe_keys__are_plain_strings_normalized_for_lookup() -> None:
    keys = dedupe_keys(
        lead(email="Jo.Doe+News@GoogleMail.com", phone="(415) 555-0100", country="US",
             first_name="JOSÉ", last_name="Doe")
    )  # fmt: skip

    assert keys == DedupeKeys(
        email_key="jodoe@gmail.com", phone="+14155550100", name_key="jose doe"
    )


@pytest.mark.parametrize(
    ("first", "last", "key"),
    [
        ("The", "Rock", None),  # "the rock": a leading "the" is no part of a name
        ("Jo", "The Rock", "jo the rock"),  # inside the name it is
        ("Zoë", "O'Neil-Smith", "zoe oneil smith"),
    ],
)
def test_dedupe_keys__name_key_reads_first_and_last_as_one_name(
    first: str, last: str, key: str | None
) -> None:
    assert dedupe_keys(lead(first_name=first, last_name=last)).name_key == key


@pytest.mark.parametrize(
    ("email", "why"),
    [
        ("jo.doe+webinar@acme.com", "same email (plus-addressing removed)"),
        ("JO.DOE@ACME.COM", "same email"),
    ],
)
def test_find__recognizes_the_same_mailbox(email: str, why: str) -> None:
    index = LeadIndex()
    index.add(known("L1", email_key="jo.doe@acme.com"))

    assert index.find(lead(email=email), None) == (index.find(lead(email=email), None)[0], why)  # type: ignore[index]
    assert index.find(lead(email=email), None)[0].id == "L1"  # type: ignore[index]


def test_find__ignores_dots_in_gmail_addresses() -> None:
    index = LeadIndex()
    index.add(known("L1", email_key="jodoe@gmail.com"))

    found = index.find(lead(email="jo.d.oe@googlemail.com"), None)

    assert found is not None
    assert found[1] == "same email (dots ignored, as Gmail does, googlemail.com is gmail.com)"


def test_find__keeps_dots_for_other_providers() -> None:
    index = LeadIndex()
    index.add(known("L1", email_key="jodoe@acme.com"))

    assert index.find(lead(email="jo.doe@acme.com"), None) is None


def test_find__recognizes_the_same_phone_in_e164() -> None:
    index = LeadIndex()
    index.add(known("L1", phone="+14155550100"))

    found = index.find(lead(phone="+1 (415) 555-0100"), None)

    assert found is not None and found[1] == "same phone +14155550100"


def test_find__same_name_counts_only_at_the_same_account() -> None:
    index = LeadIndex()
    index.add(known("L1", name_key="jo doe", account_id="acct-1"))
    jo = lead(first_name="Jo", last_name="Doe")

    assert index.find(jo, "acct-2") is None
    assert index.find(jo, None) is None
    found = index.find(jo, "acct-1")
    assert found is not None and found == (
        index.find(jo, "acct-1")[0],
        "same name at the same account",
    )  # type: ignore[index]


def test_find__returns_the_latest_lead_added_for_a_key() -> None:
    # Leads are added oldest first: the newest earlier lead is the one whose owner counts now,
    # as the service's newest-first lookup of stored leads finds it.
    index = LeadIndex()
    index.add(known("L1", email_key="jo@acme.com"))
    index.add(known("L2", email_key="jo@acme.com"))

    assert len(index) == 2
    assert index.find(lead(email="jo@acme.com"), None)[0].id == "L2"  # type: ignore[index]


def test_find__with_keys_given__looks_up_those_keys_and_finds_what_it_would_compute() -> None:
    index = LeadIndex()
    index.add(known("L1", phone="+14155550100"))
    index.add(known("L2", email_key="jo@acme.com"))
    jo = lead(email="Jo@Acme.com")

    assert index.find(jo, None, dedupe_keys(jo)) == index.find(jo, None)
    assert index.find(jo, None, DedupeKeys(None, "+14155550100", None)) == (
        index.find(lead(phone="+14155550100"), None)
    )
