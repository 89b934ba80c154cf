import textwrap
from datetime import UTC, datetime
from pathlib import Path

import pytest

from leadrouter.errors import DataFileError
from leadrouter.matching import RowProblem, load_accounts_csv
from leadrouter.model import AccountType


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "accounts.csv"
    path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    return path


def test_load__reads_every_column_with_case_insensitive_headers(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        ID,Name,Website,Country,Owner,Parent,Type,Segment,Aliases,Phone,Last Activity
        p,Acme Group,acme.com,USA,ana,,customer,enterprise,,,
        a1,Acme Ltd,https://www.acme.co.uk/ ; mail.acme.de,United Kingdom,bob,p,Customer,mid,ACME UK;Acme Britain,020 7946 0000,2026-03-01
        """,  # noqa: E501
    )

    accounts, problems = load_accounts_csv(path)

    assert problems == []
    acme = {a.id: a for a in accounts}["a1"]
    assert acme.domains == ("acme.co.uk", "acme.de")
    assert (acme.country, acme.owner, acme.parent, acme.type) == (
        "GB",
        "bob",
        "p",
        AccountType.CUSTOMER,
    )
    assert acme.aliases == ("ACME UK", "Acme Britain")
    assert acme.phone == "+442079460000"
    assert acme.last_activity == datetime(2026, 3, 1, tzinfo=UTC)


def test_load__reports_bad_rows_by_number_and_imports_the_rest(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        id,name,domain,type,last_activity,country
        a,Alpha,alpha.com,customer,,
        a,Alpha again,,,,
        b,,beta.com,,,
        ,Nameless,,,,
        c,Gamma,bad..domain;gmail.com;gamma.io,vip,yesterday,Atlantis
        """,
    )

    accounts, problems = load_accounts_csv(path)

    assert [a.id for a in accounts] == ["a", "c"]
    gamma = accounts[1]
    assert gamma.domains == ("gamma.io",)
    assert gamma.type is AccountType.PROSPECT and gamma.last_activity is None
    assert [(p.row, p.field) for p in problems] == [
        (3, "id"),
        (4, "name"),
        (5, "id"),
        (6, "domains"),
        (6, "domains"),
        (6, "country"),
        (6, "type"),
        (6, "last_activity"),
    ]
    assert "duplicate id 'a' (first on row 2)" in problems[0].message
    assert "gmail.com is a free-mail domain" in str(problems[4])
    assert "'bad..domain' is not a domain" in problems[3].message
    assert str(problems[0]).startswith("row 3: id: ")


def test_load__rejects_each_account_in_a_hierarchy_cycle_and_unknown_parents(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        """
        id,name,parent
        top,Top,
        x,X,y
        y,Y,z
        z,Z,x
        self,Self Loop,self
        kid,Kid,x
        lost,Lost,nowhere
        """,
    )

    accounts, problems = load_accounts_csv(path)

    parents = {a.id: a.parent for a in accounts}
    assert parents == {
        "top": None,
        "x": None,
        "y": None,
        "z": None,
        "self": None,
        "kid": "x",
        "lost": None,
    }
    assert problems == [
        RowProblem(
            3, "parent", "'x' is its own ancestor (parent 'y' closes a cycle): link ignored"
        ),
        RowProblem(
            4, "parent", "'y' is its own ancestor (parent 'z' closes a cycle): link ignored"
        ),
        RowProblem(
            5, "parent", "'z' is its own ancestor (parent 'x' closes a cycle): link ignored"
        ),
        RowProblem(
            6, "parent", "'self' is its own ancestor (parent 'self' closes a cycle): link ignored"
        ),
        RowProblem(8, "parent", "unknown parent 'nowhere' of 'lost': link ignored"),
    ]


def test_load__a_file_without_id_or_name_columns_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "account,domain\nAcme,acme.com\n")

    with pytest.raises(DataFileError, match="missing column"):
        load_accounts_csv(path)


def test_load__a_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(DataFileError, match="cannot read accounts"):
        load_accounts_csv(tmp_path / "nope.csv")


def test_load__reads_firmographics_as_a_leads_fields_are_read(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
        id,name,employees,industry
        a1,Acme Ltd,"1,000-5,000",Medical Devices
        a2,Beta Ltd,a few,
        """,
    )

    accounts, problems = load_accounts_csv(path)

    acme, beta = accounts
    assert (acme.employees, acme.industry) == (3000.0, "medical_devices")
    assert beta.employees is None
    assert problems == [RowProblem(3, "employees", "'a few' is not a head count: ignored")]
