"""The fast paths for clean values give exactly what the full readers give."""

from __future__ import annotations

import phonenumbers
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from leadrouter.normalize import domains, phones, ranges, readers
from leadrouter.normalize.domains import registrable_domain
from leadrouter.normalize.phones import e164
from leadrouter.normalize.ranges import parse_range

_CODES = sorted(str(code) for code in phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


@given(
    st.sampled_from(_CODES),
    st.text(alphabet="0123456789", min_size=0, max_size=14),
    st.sampled_from([None, "DE", "US", "GB", "FR", "JP"]),
)
@settings(max_examples=3000, deadline=None)
def test_e164__an_international_number_reads_as_the_library_reads_it(
    code: str, national: str, country: str | None
) -> None:
    digits = f"+{code}{national}"

    assert e164(digits, country) == phones._parse(digits, country)


@given(
    st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS)),
    st.text(alphabet="0123456789", min_size=0, max_size=15),
)
@settings(max_examples=5000, deadline=None)
def test_e164__a_national_number_reads_as_the_library_reads_it(region: str, digits: str) -> None:
    assume(not digits.startswith("00"))  # read as "+" before the library sees it

    assert e164(digits, region) == phones._parse(digits, region)


@given(
    st.sampled_from(sorted(phonenumbers.SUPPORTED_REGIONS)),
    st.text(alphabet="0123456789", min_size=0, max_size=14).map(lambda d: f"0{d}"),
)
@settings(max_examples=5000, deadline=None)
def test_e164__a_number_written_with_a_national_prefix_reads_as_the_library_reads_it(
    region: str, digits: str
) -> None:
    assume(not digits.startswith("00"))  # read as "+" before the library sees it

    assert e164(digits, region) == phones._parse(digits, region)


def test_e164__takes_clean_national_numbers_without_the_library() -> None:
    assert phones._national("301234567", "DE") == "+49301234567"
    assert phones._national("2125550199", "GB") == "+442125550199"
    assert phones._national("030123456", "DE") == "+4930123456"  # the national prefix "0"
    assert phones._national("02079460193", "GB") == "+442079460193"  # "0" of "0|180020"
    assert phones._national("18002012345", "GB") is None  # its other national prefix: the library
    assert phones._national("0612345678", "IT") is None  # a leading zero kept: the library
    assert phones._national("4930123456", "DE") is None  # the country code: the library decides
    assert phones._national("1", "DE") == ""  # too short: not a number
    assert phones._national("301234567", "ZZ") is None  # no metadata


def test_e164__takes_clean_international_numbers_without_the_library() -> None:
    assert phones._international("4930123456") is True  # Berlin
    assert phones._international("33612345678") is True  # a French mobile
    assert phones._international("44123") is False  # too short for the UK: not a number
    assert phones._international("1415555010") is False  # nine digits after +1: not a number
    assert phones._international("49030123456") is None  # national prefix: the library decides
    assert e164("+49 30 123456", "US") == "+4930123456"


def test_registrable_domain__of_name_dot_suffix_is_what_the_public_suffix_list_says() -> None:
    one_label = [suffix for suffix in domains._suffixes() if "." not in suffix]
    for suffix in one_label:
        for host in (f"acme.{suffix}", f"www.{suffix}", f"{suffix}.{suffix}", "xn--p1ai.rf"):
            parts = domains._extract()(host)
            readable = domains._host(host) is not None and parts.suffix and parts.domain
            expected = f"{parts.domain}.{parts.suffix}" if readable else None
            assert registrable_domain(host) == expected, host
    two_label = [suffix for suffix in domains._suffixes() if suffix.count(".") == 1]
    for host in two_label[:2000]:
        assert registrable_domain(host) is None, host


@given(st.text(alphabet="0123456789", min_size=1, max_size=12), st.booleans())
@settings(max_examples=500, deadline=None)
def test_parse_range__reads_a_plain_integer_as_the_full_reader_does(text: str, money: bool) -> None:
    assert parse_range(text, money) == ranges._parse_range(text, money)


_DIRECT_READERS = [
    ("company", readers._Builder.plain_text),
    ("first_name", readers._Builder.person_name),
    ("industry", readers._Builder.categorical),
    ("employees", readers._Builder.employees),
    ("revenue", readers._Builder.revenue),
    ("estimated_value", readers._Builder.number),
]


@given(
    st.sampled_from(_DIRECT_READERS),
    st.one_of(
        st.text(alphabet="0123456789", min_size=1, max_size=12),
        st.text(alphabet="0123456789 ,.$kKmM-+aZé_", min_size=1, max_size=12),
        st.text(min_size=1, max_size=12),
    ),
)
@settings(max_examples=3000, deadline=None)
def test_read_text_value__a_direct_reading_is_the_builders(
    reader: tuple[str, readers.Reader], value: str
) -> None:
    field, read = reader
    text, placeholder = readers.read_text(value)
    builder = readers._Builder("US")
    if not text:
        expected: readers.Reading = ({}, {}, ())
    elif placeholder:
        builder.placeholder(field, text)
        expected = builder.reading()
    else:
        read(builder, field, text)
        expected = builder.reading()

    assert readers.read_text_value(read, field, value, "US") == expected


@given(st.text(max_size=12))
@settings(max_examples=2000, deadline=None)
def test_is_placeholder__first_letter_shortcut_agrees_with_the_search(text: str) -> None:
    from leadrouter.normalize import text as module

    expected = text.casefold() in module.PLACEHOLDERS or module._ALPHANUMERIC.search(text) is None

    assert module.is_placeholder(text) == expected


_ONE_LABEL = sorted(suffix for suffix in domains._suffixes() if "." not in suffix)
_LABEL = st.text(alphabet="abcXYZ019-", min_size=1, max_size=8) | st.sampled_from(
    ["xn--p1ai", "com", "github", "-acme", "acme-", "a" * 64]
)
_EMAILS = st.one_of(
    st.emails(),
    st.builds(
        "{}{}{}.{}".format,
        st.text(alphabet="aZ09._%+'-<>: ", min_size=0, max_size=6),
        st.sampled_from(["@", "@@", "@mailto:", "", " @"]),
        _LABEL,
        _LABEL | st.sampled_from(_ONE_LABEL) | st.sampled_from(["co.uk", "github.io", "ck"]),
    ),
    st.text(alphabet="aé@.-_ <>", max_size=12),
)


@given(
    st.sampled_from([("email", readers._Builder.email), ("phone", readers._Builder.phone)]),
    st.one_of(
        _EMAILS,
        st.text(alphabet="+0123456789 ()-.x", min_size=1, max_size=16),
    ),
    st.sampled_from([None, "US", "DE", "GB", "JP"]),
)
@settings(max_examples=4000, deadline=None)
def test_read_text_value__an_email_or_phone_read_directly_is_what_the_builder_reads(
    reader: tuple[str, readers.Reader], value: str, country: str | None
) -> None:
    field, read = reader
    text, placeholder = readers.read_text(value)
    assume(text and not placeholder)
    builder = readers._Builder(country)
    read(builder, field, text)

    assert readers.read_text_value(read, field, value, country) == builder.reading()


def test_read_text_value__reads_a_plain_email_without_the_domain_extractor() -> None:
    assert readers._PLAIN_EMAIL.fullmatch("jo.smith@acme.com")
    assert not readers._PLAIN_EMAIL.fullmatch("jo@mail.acme.com")  # two names: the extractor
    assert not readers._PLAIN_EMAIL.fullmatch("mailto:jo@acme.com")  # to unwrap: the builder


@given(st.text(max_size=12) | st.text(alphabet=" \t\x1f\x85\u3000ab", max_size=8))
@settings(max_examples=3000, deadline=None)
def test_clean__printable_ascii_without_a_space_is_already_clean(text: str) -> None:
    import unicodedata

    from leadrouter.normalize import text as module

    expected = " ".join(
        unicodedata.normalize("NFKC", text).translate(module._INVISIBLE).split()
        if not (text.isascii() and text.isprintable())
        else text.split()
    )

    assert module.clean(text) == expected


@given(
    st.text(alphabet="0123456789 ()-.x+\uff0b;=:tel", min_size=0, max_size=16) | st.text(),
    st.sampled_from([None, "ZZ", "XK", "EU"]),
)
@settings(max_examples=3000, deadline=None)
def test_e164__a_number_without_a_known_region_reads_as_the_library_reads_it(
    text: str, country: str | None
) -> None:
    digits = text.translate(phones._PUNCTUATION)
    digits = "+" + digits[2:] if digits.startswith("00") else digits

    assert e164(text, country) == phones._parse(digits, country)


@given(st.text(alphabet="+0123456789 -.()/\u00a0\t x", max_size=16) | st.text(max_size=12))
@settings(max_examples=2000, deadline=None)
def test_e164__strips_punctuation_as_the_character_table_does(text: str) -> None:
    assert phones._without_punctuation(text) == text.translate(phones._PUNCTUATION)


_PREFIXES_BESIDE_ZERO = sorted(
    region
    for region in phonenumbers.SUPPORTED_REGIONS
    if phones._trunk_plan(region)
    and phonenumbers.PhoneMetadata.metadata_for_region(region).national_prefix_for_parsing != "0"
)


@given(
    st.sampled_from(_PREFIXES_BESIDE_ZERO),
    st.text(alphabet="0123456789", min_size=0, max_size=14).map(lambda d: f"0{d}")
    | st.text(alphabet="0123456789", min_size=0, max_size=15),
)
@settings(max_examples=5000, deadline=None)
def test_e164__a_national_prefix_beside_others_reads_as_the_library_reads_it(
    region: str, digits: str
) -> None:
    assume(not digits.startswith("00"))  # read as "+" before the library sees it

    assert e164(digits, region) == phones._parse(digits, region)
