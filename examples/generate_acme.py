"""Generate the Acme example workspace's data: `accounts.csv` and a dirty `leads.csv`.

The data is made up but shaped like a real CRM and a real web-form export: company names from
word lists and each country's legal forms, subsidiaries of multinational groups, account owners
taken from `team.yaml`, and leads with the dirt that makes routing rules fail silently (country
spellings and typos, states as names or codes, ZIP codes that lost their leading zero, employee
counts and revenue written as text ranges, local phone formats, free-mail and plus-addressed
emails, duplicates of earlier leads, and a few broken rows).

The output is a pure function of the arguments: one seeded `random.Random` per file and no
iteration over sets, so the same command always writes the same bytes, and the first N leads of a
larger run are the N leads of a smaller one. Standard library only, so it runs before
`pip install`. It must never read the network or the clock.

    python examples/generate_acme.py --out examples/acme --leads 10000 --accounts 3000 --seed 7
"""

from __future__ import annotations

import argparse
import csv
import io
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from pathlib import Path
from random import Random

# ----------------------------------------------------------------------------- accounts

ACCOUNT_COLUMNS = (
    "id",
    "name",
    "domains",
    "country",
    "owner",
    "parent",
    "type",
    "segment",
    "aliases",
    "phone",
    "last_activity",
    "employees",
    "industry",
)
LIST_SEPARATOR = ";"  # inside the `domains` and `aliases` cells


@dataclass(frozen=True, slots=True)
class AccountRow:
    id: str
    name: str
    domains: tuple[str, ...]
    country: str
    owner: str = ""
    parent: str = ""
    type: str = "prospect"
    segment: str = "smb"
    aliases: tuple[str, ...] = ()
    phone: str = ""
    last_activity: str = ""
    # Firmographics, as a CRM's account records carry them; leads of the account look alike.
    employees: int = 50
    industry: str = "Software"
    state: str = ""  # not written: where the account's leads say they are

    def cells(self) -> list[str]:
        return [
            self.id,
            self.name,
            LIST_SEPARATOR.join(self.domains),
            self.country,
            self.owner,
            self.parent,
            self.type,
            self.segment,
            LIST_SEPARATOR.join(self.aliases),
            self.phone,
            self.last_activity,
            str(self.employees),
            self.industry,
        ]


# fmt: off
# Hand-written accounts that policy.yaml names and its test cases rely on; keep them in sync.
# ACC-00001, -00006, -00009 and -00011 are the ultimate parents of the named enterprise groups.
ANCHOR_ACCOUNTS: tuple[AccountRow, ...] = (
    AccountRow("ACC-00001", "Halcyon Dynamics Corp.", ("halcyondynamics.com",), "US", "ethan",
               type="customer", segment="enterprise", aliases=("Halcyon",),
               phone="+12125550101", employees=24000, industry="Manufacturing", state="NY"),
    AccountRow("ACC-00002", "Halcyon Dynamics GmbH", ("halcyondynamics.de",), "DE", "anna",
               parent="ACC-00001", type="customer", segment="enterprise",
               phone="+4989555010", employees=2100, industry="Manufacturing"),
    AccountRow("ACC-00003", "Halcyon Dynamics UK Ltd", ("halcyondynamics.co.uk",), "GB", "james",
               parent="ACC-00001", type="customer", segment="enterprise",
               phone="+442079460101", employees=1400, industry="Manufacturing"),
    AccountRow("ACC-00004", "Halcyon Dynamics Asia Pacific Pte. Ltd.", ("halcyondynamics.sg",),
               "SG", "wei", parent="ACC-00001", type="customer", segment="mid_market",
               employees=600, industry="Manufacturing"),
    AccountRow("ACC-00005", "Halcyon Robotics Pty Ltd", ("halcyonrobotics.com.au",), "AU",
               "jack", parent="ACC-00004", type="prospect", segment="mid_market",
               employees=350, industry="Robotics"),
    AccountRow("ACC-00006", "Kessler Werke AG", ("kessler-werke.de", "kesslerwerke.com"), "DE",
               "anna", type="prospect", segment="enterprise", aliases=("Kessler",),
               phone="+4971155501", employees=18000, industry="Automotive"),
    AccountRow("ACC-00007", "Kessler Werke Inc.", ("kesslerwerke-usa.com",), "US", "claire",
               parent="ACC-00006", type="prospect", segment="enterprise",
               employees=1200, industry="Automotive", state="MI"),
    AccountRow("ACC-00008", "Kessler France SAS", ("kessler-werke.fr",), "FR", "julien",
               parent="ACC-00006", type="prospect", segment="mid_market",
               employees=450, industry="Automotive"),
    AccountRow("ACC-00009", "Tsubame Heavy Industries K.K.", ("tsubame-hi.co.jp",), "JP", "yuki",
               type="customer", segment="enterprise", aliases=("Tsubame", "THI"),
               phone="+81355550101", employees=31000, industry="Manufacturing"),
    AccountRow("ACC-00010", "Tsubame Singapore Pte. Ltd.", ("tsubame-hi.com.sg",), "SG", "wei",
               parent="ACC-00009", type="customer", segment="mid_market",
               employees=300, industry="Manufacturing"),
    AccountRow("ACC-00011", "Brightwater Holdings plc", ("brightwater-holdings.co.uk",), "GB",
               "james", type="prospect", segment="enterprise", aliases=("Brightwater",),
               employees=9000, industry="Logistics"),
    AccountRow("ACC-00012", "Brightwater Logistics B.V.", ("brightwaterlogistics.nl",), "NL",
               "amelia", parent="ACC-00011", type="prospect", segment="mid_market",
               employees=800, industry="Logistics"),
    AccountRow("ACC-00013", "Pinecrest Software Inc.", ("pinecrestsoftware.com",), "US",
               "olivia", type="customer", segment="mid_market", aliases=("Pinecrest",),
               phone="+16175550188", employees=420, industry="Software", state="MA"),
    AccountRow("ACC-00014", "Lumen Payments Ltd", ("lumenpayments.co.uk", "lumenpay.com"), "GB",
               "james", type="customer", segment="mid_market", aliases=("Lumen Pay",),
               employees=260, industry="Fintech"),
    AccountRow("ACC-00015", "Sonnenfeld Medizintechnik GmbH", ("sonnenfeld-medizin.de",), "DE",
               "lena", type="customer", segment="smb", employees=140, industry="Medical Devices"),
    AccountRow("ACC-00016", "Crescent Consulting Group LLC", ("crescentcg.com",), "US", "paul",
               type="partner", segment="smb", aliases=("Crescent CG",),
               employees=85, industry="Consulting", state="IL"),
    AccountRow("ACC-00017", "Bluefin Analytics Inc.", ("bluefinanalytics.com",), "US", "ryan",
               type="prospect", segment="smb", employees=60, industry="Software", state="CA"),
    AccountRow("ACC-00018", "Marigold Retail LLC", ("marigoldretail.com",), "US", "mike",
               type="customer", segment="mid_market", employees=700, industry="Retail",
               state="CA"),
    AccountRow("ACC-00019", "Atelier Numérique SAS", ("ateliernumerique.fr",), "FR", "camille",
               type="partner", segment="smb", employees=40, industry="Consulting"),
    AccountRow("ACC-00020", "Qantara Data Pty Ltd", ("qantaradata.com.au",), "AU", "chloe",
               type="customer", segment="smb", employees=120, industry="Software"),
)

COMPETITORS: tuple[tuple[str, str], ...] = (
    ("RouteWise", "routewise.io"),
    ("Leadspring", "leadspring.com"),
    ("Funnelcraft", "funnelcraft.com"),
    ("Pipeline Pilot", "pipelinepilot.io"),
)


# ----------------------------------------------------------------------------- countries

# US states: (code, name, first three ZIP digits low..high, region for account owners).
US_STATES: tuple[tuple[str, str, int, int, str], ...] = (
    ("NY", "New York", 100, 149, "east"),
    ("MA", "Massachusetts", 10, 27, "east"),
    ("NJ", "New Jersey", 70, 89, "east"),
    ("CT", "Connecticut", 60, 69, "east"),
    ("PA", "Pennsylvania", 150, 196, "east"),
    ("FL", "Florida", 320, 349, "east"),
    ("GA", "Georgia", 300, 319, "east"),
    ("NC", "North Carolina", 270, 289, "east"),
    ("VA", "Virginia", 220, 246, "east"),
    ("MD", "Maryland", 206, 219, "east"),
    ("OH", "Ohio", 430, 458, "east"),
    ("MI", "Michigan", 480, 499, "east"),
    ("IL", "Illinois", 600, 629, "central"),
    ("TX", "Texas", 750, 799, "central"),
    ("MN", "Minnesota", 550, 567, "central"),
    ("MO", "Missouri", 630, 658, "central"),
    ("WI", "Wisconsin", 530, 549, "central"),
    ("CO", "Colorado", 800, 816, "west"),
    ("CA", "California", 900, 961, "west"),
    ("WA", "Washington", 980, 994, "west"),
    ("OR", "Oregon", 970, 979, "west"),
    ("AZ", "Arizona", 850, 865, "west"),
    ("UT", "Utah", 840, 847, "west"),
    ("NV", "Nevada", 889, 898, "west"),
)
US_STATE_WEIGHTS = (14, 7, 5, 3, 5, 6, 4, 4, 4, 3, 3, 3, 6, 10, 3, 2, 2, 4, 16, 6, 3, 3, 2, 2)

CA_PROVINCES = (("ON", "Ontario", "M5V"), ("QC", "Quebec", "H3B"),
                ("BC", "British Columbia", "V6B"), ("AB", "Alberta", "T2P"))
AU_STATES = (("NSW", "New South Wales", "2000"), ("VIC", "Victoria", "3000"),
             ("QLD", "Queensland", "4000"), ("WA", "Western Australia", "6000"))


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    weight: int  # relative share of leads and accounts
    spellings: tuple[str, ...]  # how people type it in a form; the first is the clean name
    style: str  # word lists for names: en de fr es pt ja nl sv fi pl it in (India)
    legal_forms: tuple[str, ...]
    tlds: tuple[str, ...]
    dial: str  # international calling code
    language: str  # the language most leads from here ask for
    owners: tuple[str, ...]  # reps who own SMB and mid-market accounts here
    enterprise_owners: tuple[str, ...]


NA_EAST = ("olivia", "marcus", "priya", "jamal", "grace", "keisha", "tom")
NA_WEST = ("ryan", "sofia", "kevin", "hannah", "diego", "lauren", "mike")
NA_ENTERPRISE = ("ethan", "claire", "victor")
EMEA = ("amelia", "oliver", "fatima", "niamh")
EMEA_ENTERPRISE = ("james", "anna", "julien")
DACH = ("lukas", "jonas", "lena", "anna")
FRANCE = ("camille", "julien")
SPANISH = ("lucia", "javier", "sofia", "diego")
APAC = ("arjun", "wei", "siti")
ANZ = ("jack", "chloe")
JAPAN = ("haruto", "yuki")
APAC_ENTERPRISE = ("wei", "yuki")

COUNTRIES: tuple[Country, ...] = (
    Country("US", 420, ("United States", "USA", "US", "U.S.", "United States of America", "usa",
            "U.S.A.", "united states", "Untied States", "United Sates"), "en",
            ("Inc.", "Inc", "LLC", "Corp.", "Corporation", "Co."), (".com", ".com", ".io", ".co"),
            "1", "en", NA_EAST, NA_ENTERPRISE),
    Country("CA", 45, ("Canada", "canada", "CAN", "Cananda"), "en", ("Inc.", "Ltd.", "Corp."),
            (".ca", ".com"), "1", "en", NA_EAST, NA_ENTERPRISE),
    Country("GB", 80, ("United Kingdom", "UK", "GB", "England", "Great Britain", "U.K.",
            "United Kingdon", "Scotland"), "en", ("Ltd", "Ltd.", "Limited", "plc"),
            (".co.uk", ".com", ".uk"), "44", "en", EMEA, EMEA_ENTERPRISE),
    Country("IE", 12, ("Ireland", "IE", "Éire", "Irland"), "en", ("Ltd", "Limited", "DAC"),
            (".ie", ".com"), "353", "en", EMEA, EMEA_ENTERPRISE),
    Country("DE", 70, ("Germany", "DE", "Deutschland", "germany", "Germnay", "GER"), "de",
            ("GmbH", "AG", "GmbH & Co. KG", "SE"), (".de", ".de", ".com"), "49", "de", DACH,
            EMEA_ENTERPRISE),
    Country("AT", 10, ("Austria", "AT", "Österreich", "Osterreich"), "de", ("GmbH", "AG"),
            (".at", ".com"), "43", "de", DACH, EMEA_ENTERPRISE),
    Country("CH", 12, ("Switzerland", "CH", "Schweiz", "Suisse"), "de", ("AG", "GmbH", "SA"),
            (".ch", ".com"), "41", "de", DACH, EMEA_ENTERPRISE),
    Country("FR", 50, ("France", "FR", "france", "Frnace", "Fr"), "fr",
            ("SAS", "S.A.", "SARL"), (".fr", ".fr", ".com"), "33", "fr", FRANCE, EMEA_ENTERPRISE),
    Country("BE", 10, ("Belgium", "BE", "Belgique", "België"), "nl", ("NV", "BV", "SA"),
            (".be", ".com"), "32", "fr", EMEA, EMEA_ENTERPRISE),
    Country("NL", 22, ("Netherlands", "NL", "The Netherlands", "Holland", "Nederland"), "nl",
            ("BV", "B.V.", "N.V."), (".nl", ".com"), "31", "en", EMEA, EMEA_ENTERPRISE),
    Country("SE", 12, ("Sweden", "SE", "Sverige"), "sv", ("AB",), (".se", ".com"), "46", "en",
            EMEA, EMEA_ENTERPRISE),
    Country("FI", 8, ("Finland", "FI", "Suomi"), "fi", ("Oy", "Oyj"), (".fi", ".com"), "358",
            "en", EMEA, EMEA_ENTERPRISE),
    Country("PL", 12, ("Poland", "PL", "Polska"), "pl", ("Sp. z o.o.", "S.A."), (".pl", ".com"),
            "48", "en", EMEA, EMEA_ENTERPRISE),
    Country("IT", 14, ("Italy", "IT", "Italia"), "it", ("S.r.l.", "S.p.A."), (".it", ".com"),
            "39", "en", EMEA, EMEA_ENTERPRISE),
    Country("ES", 28, ("Spain", "ES", "España", "Espana", "spain"), "es", ("S.L.", "S.A."),
            (".es", ".com"), "34", "es", SPANISH, EMEA_ENTERPRISE),
    Country("MX", 18, ("Mexico", "MX", "México", "Mexcio"), "es", ("S.A. de C.V.", "S. de R.L."),
            (".com.mx", ".mx"), "52", "es", SPANISH, NA_ENTERPRISE),
    Country("BR", 16, ("Brazil", "BR", "Brasil"), "pt", ("Ltda.", "S.A."), (".com.br",), "55",
            "pt", SPANISH, NA_ENTERPRISE),
    Country("JP", 30, ("Japan", "JP", "日本", "japan", "Nippon"), "ja",
            ("K.K.", "Co., Ltd.", "Kabushiki Kaisha"), (".co.jp", ".jp"), "81", "ja", JAPAN,
            APAC_ENTERPRISE),
    Country("SG", 18, ("Singapore", "SG", "Singapur", "Republic of Singapore"), "en",
            ("Pte. Ltd.", "Pte Ltd"), (".com.sg", ".sg", ".com"), "65", "en", APAC,
            APAC_ENTERPRISE),
    Country("IN", 30, ("India", "IN", "Bharat", "india"), "in", ("Pvt. Ltd.", "Private Limited"),
            (".in", ".co.in", ".com"), "91", "en", APAC, APAC_ENTERPRISE),
    Country("AU", 38, ("Australia", "AU", "AUS", "australia", "Austrailia"), "en",
            ("Pty Ltd", "Pty. Ltd."), (".com.au",), "61", "en", ANZ, APAC_ENTERPRISE),
    Country("NZ", 8, ("New Zealand", "NZ", "Aotearoa"), "en", ("Limited", "Ltd"),
            (".co.nz", ".nz"), "64", "en", ANZ, APAC_ENTERPRISE),
    Country("ZA", 6, ("South Africa", "ZA", "RSA"), "en", ("(Pty) Ltd",), (".co.za",), "27",
            "en", EMEA, EMEA_ENTERPRISE),
    Country("AE", 6, ("United Arab Emirates", "UAE", "AE"), "en", ("FZ-LLC", "LLC"),
            (".ae", ".com"), "971", "en", EMEA, EMEA_ENTERPRISE),
    # Outside every territory in policy.yaml: these leads show the rest-of-world rule.
    Country("KE", 3, ("Kenya", "KE", "kenya"), "en", ("Limited", "Ltd"), (".co.ke",), "254",
            "en", EMEA, EMEA_ENTERPRISE),
    Country("NG", 3, ("Nigeria", "NG", "Nigera"), "en", ("Limited", "Ltd"), (".com.ng", ".ng"),
            "234", "en", EMEA, EMEA_ENTERPRISE),
)
COUNTRY_BY_CODE = {c.code: c for c in COUNTRIES}
COUNTRY_WEIGHTS = tuple(c.weight for c in COUNTRIES)

# ----------------------------------------------------------------------------- words

EN_PREFIXES = (
    "Blue", "North", "Silver", "Iron", "Cedar", "Summit", "Harbor", "Pioneer", "Granite", "Bright",
    "Red", "Oak", "Pine", "Falcon", "Atlas", "Beacon", "Crest", "Delta", "Evergreen", "Frontier",
    "Golden", "Horizon", "Keystone", "Liberty", "Maple", "Nova", "Orbit", "Prairie", "Quantum",
    "Ridge", "Sterling", "Tidal", "Vertex", "Willow", "Zenith", "Apex", "Clear", "Copper", "Echo",
    "Lake", "Stone", "Sun", "True", "West", "East", "Hill", "River", "Sky",
)
EN_SUFFIXES = ("field", "stone", "bridge", "water", "wave", "point", "gate", "view", "line",
               "works", "path", "light", "peak", "mark", "side", "wood", "")
EN_SECTORS = (
    "Analytics", "Logistics", "Software", "Systems", "Health", "Capital", "Manufacturing", "Labs",
    "Foods", "Energy", "Media", "Robotics", "Insurance", "Partners", "Solutions", "Biotech",
    "Payments", "Networks", "Retail", "Construction", "Technologies", "Group", "Holdings",
    "Consulting", "Data", "Security", "Medical", "Learning", "Freight", "Bank",
)
SURNAMES = {
    "en": ("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
           "Anderson", "Taylor", "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White",
           "Harris", "Clark", "Lewis", "Walker", "Hall", "Young", "King", "Wright", "Scott",
           "Green", "Baker", "Adams", "Nelson", "Carter", "Mitchell", "Roberts", "Turner",
           "Phillips", "Campbell", "Parker", "Evans", "Edwards", "Collins", "Stewart", "Murphy",
           "O'Brien", "Sullivan", "Patel", "Nguyen", "Kim", "Chen", "Garcia", "Lopez"),
    "de": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
           "Schulz", "Hoffmann", "Koch", "Richter", "Wolf", "Krüger", "Braun", "Zimmermann",
           "Hartmann", "Lange", "Werner", "Krause", "Schäfer", "Neumann", "Schwarz", "Vogel"),
    "fr": ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
           "Leroy", "Moreau", "Simon", "Laurent", "Lefebvre", "Michel", "Garnier", "Rousseau",
           "Fontaine", "Chevalier", "Girard", "Bonnet", "Lambert", "Faure"),
    "es": ("García", "Fernández", "González", "Rodríguez", "López", "Martínez", "Sánchez",
           "Pérez", "Gómez", "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno",
           "Álvarez", "Romero", "Navarro", "Torres", "Ramírez"),
    "pt": ("Silva", "Santos", "Oliveira", "Souza", "Rodrigues", "Ferreira", "Alves", "Pereira",
           "Lima", "Gomes", "Costa", "Ribeiro", "Carvalho", "Almeida"),
    "ja": ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura",
           "Kobayashi", "Kato", "Yoshida", "Yamada", "Sasaki", "Yamaguchi", "Matsumoto", "Inoue"),
    "nl": ("de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen",
           "Visser", "Smit", "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters"),
    "sv": ("Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson",
           "Persson", "Svensson", "Gustafsson", "Lindgren", "Nordström", "Berg", "Lindqvist"),
    "fi": ("Korhonen", "Virtanen", "Mäkinen", "Nieminen", "Mäkelä", "Hämäläinen", "Laine",
           "Heikkinen", "Koskinen", "Järvinen", "Lehtonen", "Saarinen"),
    "pl": ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski",
           "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski"),
    "it": ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
           "Marino", "Greco", "Bruno", "Gallo", "Conti", "De Luca", "Costa", "Giordano"),
    "in": ("Sharma", "Verma", "Gupta", "Patel", "Reddy", "Iyer", "Nair", "Singh", "Kumar",
           "Mehta", "Joshi", "Rao", "Desai", "Menon", "Agarwal", "Chopra"),
}
FIRST_NAMES = {
    "en": ("James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda",
           "David", "Elizabeth", "William", "Susan", "Richard", "Jessica", "Joseph", "Sarah",
           "Chris", "Karen", "Daniel", "Emily", "Matthew", "Ashley", "Anthony", "Megan", "Mark",
           "Rachel", "Steven", "Laura", "Andrew", "Nicole", "Josh", "Amanda", "Ryan", "Olivia",
           "Brian", "Sophie", "Kevin", "Grace", "Jason", "Chloe", "Wei", "Mei", "Ahmed", "Aisha"),
    "de": ("Lukas", "Anna", "Leon", "Lena", "Finn", "Laura", "Jonas", "Julia", "Felix", "Sarah",
           "Maximilian", "Katharina", "Paul", "Sophie", "Tobias", "Johanna", "Stefan", "Sabine",
           "Jürgen", "Ursula", "Matthias", "Birgit"),
    "fr": ("Louis", "Camille", "Gabriel", "Léa", "Arthur", "Manon", "Hugo", "Chloé", "Jules",
           "Inès", "Thomas", "Claire", "Nicolas", "Julie", "Antoine", "Élodie", "Mathieu",
           "Céline", "François", "Amélie"),
    "es": ("Hugo", "Lucía", "Martín", "Sofía", "Pablo", "María", "Alejandro", "Paula", "Daniel",
           "Valeria", "Javier", "Carmen", "José", "Elena", "Diego", "Isabel", "Andrés", "Ana"),
    "pt": ("João", "Maria", "Pedro", "Ana", "Lucas", "Beatriz", "Gabriel", "Mariana", "Rafael",
           "Juliana", "Thiago", "Camila"),
    "ja": ("Haruto", "Yui", "Sota", "Hina", "Yuto", "Sakura", "Ren", "Aoi", "Takumi", "Yuna",
           "Kenji", "Akiko", "Hiroshi", "Naoko", "Daisuke", "Emi"),
    "nl": ("Daan", "Emma", "Sem", "Julia", "Lucas", "Mila", "Bram", "Sanne", "Thijs", "Fleur",
           "Jeroen", "Anouk"),
    "sv": ("Erik", "Anna", "Lars", "Maria", "Karl", "Emma", "Johan", "Sara", "Anders", "Elin",
           "Oskar", "Ingrid"),
    "fi": ("Juha", "Anna", "Mikko", "Laura", "Timo", "Sanna", "Antti", "Kaisa", "Jari", "Elina"),
    "pl": ("Jakub", "Anna", "Kacper", "Zuzanna", "Piotr", "Katarzyna", "Tomasz", "Magdalena",
           "Michał", "Agnieszka"),
    "it": ("Francesco", "Giulia", "Alessandro", "Sofia", "Lorenzo", "Chiara", "Matteo",
           "Francesca", "Marco", "Elena", "Luca", "Valentina"),
    "in": ("Aarav", "Priya", "Vivaan", "Ananya", "Rohan", "Diya", "Arjun", "Kavya", "Rahul",
           "Sneha", "Vikram", "Pooja", "Sanjay", "Lakshmi"),
}

# Words for company names in each country's own language.
LOCAL_PLACES = {
    "de": ("Rhein", "Elbe", "Main", "Isar", "Spree", "Alpen", "Nord", "Süd", "Bodensee", "Harz",
           "Schwarzwald", "Taunus", "Weser", "Mosel"),
    "fr": ("Lumière", "Atlantique", "Provence", "Alpes", "Seine", "Loire", "Horizon", "Azur",
           "Bretagne", "Rhône", "Étoile", "Garonne"),
    "es": ("Ibérica", "del Sur", "Andina", "Levante", "Hispania", "Atlántica", "Castilla",
           "Mediterránea", "Pacífico", "Sierra", "Norte", "Valle"),
    "pt": ("Paulista", "Carioca", "Horizonte", "Verde", "Atlântico", "Serra", "Cerrado",
           "Amazônia", "Sul", "Aurora"),
    "ja": ("Sakura", "Fuji", "Yamato", "Hikari", "Midori", "Kaze", "Tsubasa", "Asahi", "Nishi",
           "Higashi", "Kita", "Minami", "Hoshi", "Umi"),
    "nl": ("Noord", "Zuid", "Delta", "Polder", "Maas", "Amstel", "Rijn", "Oranje", "Duin"),
    "sv": ("Nord", "Sjö", "Fjäll", "Ek", "Björk", "Dal", "Skog", "Berg", "Älv", "Norr"),
    "fi": ("Lahti", "Koski", "Saari", "Järvi", "Metsä", "Aalto", "Kivi", "Pohjola", "Revontuli"),
    "pl": ("Wisła", "Mazowsze", "Bałtyk", "Tatry", "Polska", "Odra", "Warta", "Śląsk"),
    "it": ("Adriatica", "Tirrena", "Alpina", "Padana", "Lombarda", "Romana", "Italia", "Sole"),
    "in": ("Shakti", "Ganga", "Surya", "Indus", "Vayu", "Lotus", "Himalaya", "Kaveri", "Deccan"),
}
LOCAL_SECTORS = {
    "de": ("Maschinenbau", "Logistik", "Software", "Systeme", "Technik", "Medizintechnik",
           "Versicherung", "Energie", "Handel", "Bau", "Automation", "Datentechnik", "Bank"),
    "fr": ("Conseil", "Informatique", "Logistique", "Industries", "Santé", "Énergie",
           "Distribution", "Technologies", "Assurances", "Finance", "Numérique"),
    "es": ("Soluciones", "Logística", "Tecnologías", "Servicios", "Energía", "Construcciones",
           "Salud", "Finanzas", "Sistemas", "Distribución"),
    "pt": ("Tecnologia", "Logística", "Sistemas", "Serviços", "Energia", "Saúde", "Finanças"),
    "ja": ("Denki", "Shoji", "Kogyo", "Seiko", "Tsushin", "Software", "Systems", "Ginko",
           "Seiyaku", "Unyu"),
    "nl": ("Logistiek", "Techniek", "Software", "Groep", "Bouw", "Data", "Energie", "Zorg"),
    "sv": ("Teknik", "Data", "System", "Bygg", "Logistik", "Energi", "Vård", "Finans"),
    "fi": ("Tekniikka", "Ohjelmistot", "Logistiikka", "Data", "Systems", "Energia", "Rakennus"),
    "pl": ("Systemy", "Logistyka", "Technologie", "Software", "Budownictwo", "Energia"),
    "it": ("Tecnologie", "Logistica", "Sistemi", "Servizi", "Meccanica", "Informatica",
           "Assicurazioni", "Energia"),
    "in": ("Technologies", "Infotech", "Softech", "Logistics", "Pharma", "Finserv", "Systems",
           "Industries", "Solutions"),
}
# How a subsidiary names its country: "Halcyon Deutschland GmbH".
SUBSIDIARY_WORDS = {"US": "USA", "CA": "Canada", "GB": "UK", "IE": "Ireland", "DE": "Deutschland",
                    "AT": "Austria", "CH": "Schweiz", "FR": "France", "BE": "Belgium",
                    "NL": "Nederland", "SE": "Sverige", "FI": "Finland", "PL": "Polska",
                    "IT": "Italia", "ES": "España", "MX": "México", "BR": "Brasil",
                    "JP": "Japan", "SG": "Singapore", "IN": "India", "AU": "Australia",
                    "NZ": "New Zealand", "ZA": "South Africa", "AE": "Middle East",
                    "KE": "Kenya", "NG": "Nigeria"}

# Industry labels as people type them; canonical group first for sizing the weights.
INDUSTRIES = (
    ("Software", 14), ("Computer Software", 4), ("Information Technology", 6), ("Retail", 6),
    ("Manufacturing", 8), ("Logistics", 4), ("Construction", 3), ("Energy", 3), ("Media", 3),
    ("Telecommunications", 3), ("Consulting", 4), ("Real Estate", 2), ("Hospitality", 2),
    ("Automotive", 3), ("Fintech", 5), ("Financial Services", 5), ("Banking", 3),
    ("Payments", 2), ("Insurance", 3), ("Healthcare", 4), ("Hospital & Health Care", 2),
    ("Medical Devices", 2), ("Pharmaceuticals", 2), ("Biotech", 1), ("Government", 2),
    ("Public Sector", 2), ("Government Administration", 1), ("Defense", 1), ("Education", 2),
    ("Higher Education", 2), ("E-Learning", 1), ("Non-profit", 1),
)
INDUSTRY_LABELS = tuple(i for i, _ in INDUSTRIES)
INDUSTRY_WEIGHTS = tuple(w for _, w in INDUSTRIES)

FREE_EMAIL = ("gmail.com", "gmail.com", "gmail.com", "yahoo.com", "hotmail.com",
              "outlook.com", "icloud.com", "aol.com", "proton.me", "gmx.de", "web.de",
              "yahoo.co.jp", "orange.fr", "hotmail.co.uk", "qq.com", "yahoo.co.in")
UNIVERSITIES = (("Stanbridge University", "stanbridge.edu"), ("State University", "stateu.edu"),
                ("Northfield College", "northfield.edu"), ("Lakeside University", "lakeside.edu"),
                ("University of Westbrook", "westbrook.edu"), ("Pacific Tech", "pacifictech.edu"),
                ("Riverside Community College", "rcc.edu"), ("Bayview University", "bayview.edu"))
SOURCES = (("Web", 20), ("Organic Search", 18), ("Paid Search", 12), ("LinkedIn", 8),
           ("Event", 6), ("Webinar", 7), ("Referral", 5), ("Outbound", 4),
           ("Content Syndication", 4), ("web", 3), ("organic search", 2), ("", 7))
PARTNER_SOURCES = ("Partner", "Partner Referral", "partner", "Reseller")
FORMS = (("demo_request", 22), ("Demo Request", 4), ("contact_sales", 12), ("Contact Us", 4),
         ("free_trial", 14), ("pricing_request", 6), ("ebook_download", 14),
         ("webinar_signup", 10), ("newsletter", 8), ("", 6))
PRODUCTS = ("Routing", "Scheduling", "API", "Analytics", "Enterprise SSO",
            "Salesforce integration", "HubSpot integration", "Round robin")
LANGUAGE_SPELLINGS = {
    "en": ("en", "EN", "English", "english", "en-US", "en_GB"),
    "de": ("de", "DE", "German", "Deutsch", "de-DE", "german"),
    "fr": ("fr", "FR", "French", "Français", "fr-FR", "francais"),
    "es": ("es", "ES", "Spanish", "Español", "es-MX", "spanish"),
    "ja": ("ja", "JA", "Japanese", "日本語", "ja-JP", "japanese"),
    "pt": ("pt", "PT", "Portuguese", "Português", "pt-BR"),
}

# fmt: on

LEAD_COLUMNS = (
    "First Name",
    "Last Name",
    "Email",
    "Company",
    "Website",
    "Phone",
    "Country",
    "State",
    "Zip",
    "Employees",
    "Annual Revenue",
    "Industry",
    "Lead Source",
    "Form",
    "Language",
    "Product Interest",
    "Estimated Value",
    "Pages Viewed",
    "Created At",
)
# Leads arrive from November 2026 on, oldest first, like an export sorted by creation date.
FIRST_LEAD_AT = datetime(2026, 11, 2, tzinfo=UTC)
LEADS_PER_DAY = 400


# ----------------------------------------------------------------------------- helpers


def pick(rng: Random, items: Sequence[str], weights: Sequence[int] | None = None) -> str:
    """One item, uniformly or by weight."""
    return rng.choices(items, weights)[0] if weights else rng.choice(items)


def weighted(rng: Random, pairs: Sequence[tuple[str, int]]) -> str:
    """One label from (label, weight) pairs."""
    return rng.choices([label for label, _ in pairs], [w for _, w in pairs])[0]


def ascii_slug(text: str) -> str:
    """A domain label from a company stem: "Rhein Logistik" -> "rheinlogistik"."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in folded.lower() if ch.isalnum())


def company_stem(rng: Random, style: str) -> str:
    """A company name without its legal form, in the country's naming style."""
    if style in LOCAL_PLACES and rng.random() < 0.8:
        sector = pick(rng, LOCAL_SECTORS[style])
        roll = rng.random()
        if roll < 0.45:
            return f"{pick(rng, LOCAL_PLACES[style])} {sector}"
        if roll < 0.8 and style in SURNAMES:
            return f"{pick(rng, SURNAMES[style])} {sector}"
        return f"{pick(rng, LOCAL_PLACES[style])}{pick(rng, ('', ' ', '-'))}{sector}".strip()
    roll = rng.random()
    surnames = SURNAMES["en"]
    if roll < 0.55:
        return f"{pick(rng, EN_PREFIXES)}{pick(rng, EN_SUFFIXES)} {pick(rng, EN_SECTORS)}"
    if roll < 0.75:
        return f"{pick(rng, surnames)} & {pick(rng, surnames)}"
    if roll < 0.9:
        return f"{pick(rng, surnames)} {pick(rng, EN_SECTORS)}"
    return f"{pick(rng, EN_PREFIXES)}{pick(rng, EN_SUFFIXES)}"


def us_zip(rng: Random, low: int, high: int) -> str:
    return f"{rng.randint(low, high):03d}{rng.randint(0, 99):02d}"


def employees_for(rng: Random, segment: str) -> int:
    low, high = {"smb": (2, 199), "mid_market": (200, 999), "enterprise": (1000, 60000)}[segment]
    # Log-uniform: most companies in a band sit near its small end, as in real CRMs.
    return int(low * (high / low) ** rng.random())


# Digits in a national phone number (without the trunk "0"), so that numbers have a possible
# length; countries not listed use 9. Where people dial a leading "0" at home (TRUNK_ZERO).
PHONE_LENGTHS = {"GB": 10, "DE": 10, "AT": 10, "IN": 10, "MX": 10, "BR": 11, "SG": 8, "BE": 8,
                 "NG": 10}  # fmt: skip
TRUNK_ZERO = ("GB", "DE", "AT", "CH", "FR", "BE", "NL", "SE", "FI", "IE", "JP", "AU", "NZ", "ZA",
              "AE", "IN", "BR", "KE", "NG")  # fmt: skip


def national_number(rng: Random, country: Country) -> str:
    length = PHONE_LENGTHS.get(country.code, 9)
    return str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(length - 1))


def e164(rng: Random, country: Country) -> str:
    if country.code in ("US", "CA"):
        return f"+1{rng.randint(201, 989)}5550{rng.randint(100, 199)}"
    return f"+{country.dial}{national_number(rng, country)}"


def local_phone(rng: Random, country: Country) -> str:
    """A phone number as a person types it in a form, mostly in the local format."""
    if country.code in ("US", "CA"):
        area = rng.randint(201, 989)
        line = f"01{rng.randint(0, 99):02d}"
        shapes = (f"({area}) 555-{line}", f"{area}-555-{line}", f"{area}.555.{line}",
                  f"+1 {area} 555 {line}", f"1-{area}-555-{line} ext. 12")  # fmt: skip
        return pick(rng, shapes)
    if country.code == "GB" and rng.random() < 0.5:
        return f"020 7946 0{rng.randint(100, 999)}"  # Ofcom's range for drama: never a real line
    number = national_number(rng, country)
    grouped = f"{number[:2]} {number[2:5]} {number[5:]}"
    roll = rng.random()
    if roll < 0.35:
        return f"+{country.dial} {grouped}"
    if roll < 0.45:
        return f"00{country.dial} {number}"
    if roll < 0.5:
        return f"+{country.dial} (0) {grouped}" if country.code in TRUNK_ZERO else number
    return f"0{grouped}" if country.code in TRUNK_ZERO else grouped


# ----------------------------------------------------------------------------- accounts


def generate_accounts(count: int, rng: Random) -> list[AccountRow]:
    """The anchors, then generated accounts up to `count`, with groups of subsidiaries."""
    accounts = list(ANCHOR_ACCOUNTS)
    taken = {d for a in accounts for d in a.domains}
    taken.update(d for _, d in COMPETITORS)
    while len(accounts) < count:
        number = len(accounts) + 1
        country = COUNTRY_BY_CODE[pick(rng, [c.code for c in COUNTRIES], COUNTRY_WEIGHTS)]
        stem = company_stem(rng, country.style)
        domain = ascii_slug(stem) + pick(rng, country.tlds)
        # Short one-word names would be real domains (sky.com is even a free-mail provider).
        if domain in taken or len(ascii_slug(stem)) < 6:
            continue
        taken.add(domain)
        segment = pick(rng, ("smb", "mid_market", "enterprise"), (70, 22, 8))
        parent = _account(rng, number, stem, country, domain, segment, parent_id="", taken=taken)
        accounts.append(parent)
        # A multinational group: subsidiaries named after the parent, in other countries.
        if segment == "enterprise" and rng.random() < 0.45:
            for _ in range(rng.randint(1, 4)):
                if len(accounts) >= count:
                    break
                sub_country = COUNTRY_BY_CODE[
                    pick(rng, [c.code for c in COUNTRIES], COUNTRY_WEIGHTS)
                ]
                if sub_country.code == country.code:
                    continue
                sub_domain = ascii_slug(stem) + pick(rng, sub_country.tlds)
                if sub_domain in taken:
                    sub_domain = f"{ascii_slug(stem)}-{sub_country.code.lower()}.com"
                if sub_domain in taken:
                    continue
                taken.add(sub_domain)
                sub_stem = f"{stem} {SUBSIDIARY_WORDS[sub_country.code]}"
                sub_segment = pick(rng, ("mid_market", "enterprise", "smb"), (5, 3, 2))
                accounts.append(
                    _account(
                        rng,
                        len(accounts) + 1,
                        sub_stem,
                        sub_country,
                        sub_domain,
                        sub_segment,
                        parent_id=parent.id,
                        taken=taken,
                        account_type=parent.type,
                    )
                )
    return accounts


def _account(
    rng: Random,
    number: int,
    stem: str,
    country: Country,
    domain: str,
    segment: str,
    *,
    parent_id: str,
    taken: set[str],
    account_type: str | None = None,
) -> AccountRow:
    """A generated account; `taken` holds every domain already used, and gains this one's."""
    employees = employees_for(rng, segment)
    kind = account_type or pick(rng, ("prospect", "customer", "partner", "other"), (84, 11, 3, 2))
    state = ""
    if country.code == "US":
        us = rng.choices(US_STATES, US_STATE_WEIGHTS)[0]
        state = us[0]
        owners = {"east": NA_EAST, "central": NA_EAST, "west": NA_WEST}[us[4]]
    else:
        owners = country.owners
    if segment == "enterprise":
        owners = country.enterprise_owners
    # Customers, partners and enterprises always have an owner; most small prospects do not.
    owned = kind != "prospect" or segment == "enterprise" or rng.random() < 0.35
    domains = (domain,)
    second = ascii_slug(stem) + pick(rng, (".com", ".net", ".io"))
    if rng.random() < 0.12 and second not in taken:
        taken.add(second)
        domains += (second,)
    aliases: tuple[str, ...] = ()
    words = [w for w in stem.replace("&", " ").split() if w[0].isupper()]
    if len(words) >= 2 and rng.random() < 0.3:
        aliases = ("".join(w[0] for w in words),)
    active_at = FIRST_LEAD_AT - timedelta(days=rng.randint(1, 400), minutes=rng.randint(0, 1439))
    return AccountRow(
        id=f"ACC-{number:05d}",
        name=f"{stem} {pick(rng, country.legal_forms)}",
        domains=domains,
        # CRM data is mostly clean, but imports leave some country names in words.
        country=country.code if rng.random() < 0.93 else country.spellings[0],
        owner=pick(rng, owners) if owned else "",
        parent=parent_id,
        type=kind,
        segment=segment,
        aliases=aliases,
        phone=e164(rng, country) if rng.random() < 0.7 else "",
        last_activity=active_at.strftime("%Y-%m-%dT%H:%M:%SZ") if kind != "prospect" else "",
        employees=employees,
        industry=pick(rng, INDUSTRY_LABELS, INDUSTRY_WEIGHTS),
        state=state,
    )


# ----------------------------------------------------------------------------- leads


@dataclass(frozen=True, slots=True)
class Person:
    first: str
    last: str
    email: str


def person(rng: Random, style: str, domain: str) -> Person:
    names = style if style in FIRST_NAMES else "en"
    first = pick(rng, FIRST_NAMES[names])
    last = pick(rng, SURNAMES[names])
    f, la = ascii_slug(first), ascii_slug(last)
    local = pick(rng, (f"{f}.{la}", f"{f[0]}{la}", f, f"{f}_{la}", f"{f}{la[0]}"))
    return Person(first, last, f"{local}@{domain}")


def dirty_name(rng: Random, name: str) -> str:
    roll = rng.random()
    if roll < 0.06:
        return name.lower()
    if roll < 0.09:
        return name.upper()
    if roll < 0.13:
        return f"  {name} "
    return name


def dirty_email(rng: Random, email: str) -> str:
    roll = rng.random()
    if roll < 0.08:
        local, domain = email.split("@")
        return f"{local.title()}@{domain.capitalize()}"
    if roll < 0.12:
        return email.upper()
    if roll < 0.16:
        local, domain = email.split("@")
        return f"{local}+{pick(rng, ('demo', 'news', 'trial', 'web'))}@{domain}"
    if roll < 0.18:
        return f" {email} "
    return email


def noisy_company(rng: Random, account: AccountRow) -> str:
    """The company as a lead types it: the account's name with the noise of a web form."""
    name = account.name
    stem = name.rsplit(" ", 1)[0] if " " in name else name
    roll = rng.random()
    if roll < 0.3:
        return name
    if roll < 0.5:
        return stem  # legal form dropped
    if roll < 0.6:
        return name.lower()
    if roll < 0.68 and account.aliases:
        return account.aliases[0]
    if roll < 0.8 and len(stem) > 5:
        i = rng.randint(1, len(stem) - 2)
        return stem[:i] + stem[i + 1 :]  # a dropped letter
    if roll < 0.84:
        # The account's name plus a division, a place or a note, as people write where they work:
        # picked by the same roll, so that the rest of the data stays as it was.
        extra = _EXTRA_WORDS[int(roll * 10_000) % len(_EXTRA_WORDS)]
        return f"{stem} {extra}"
    if roll < 0.88:
        return name.replace(" Inc.", ", Inc.").replace(" GmbH", "  GmbH")
    return stem.upper()


# What people add to their company's name on a form.
_EXTRA_WORDS = (
    "Sales", "EMEA", "(UK)", "- Procurement", "Germany", "IT Department", "Europe", "Group",
    "Holdings", "Software", "USA", "- Finance", "Americas", "APAC", "Digital", "Labs",
)  # fmt: skip


def country_text(rng: Random, country: Country) -> str:
    roll = rng.random()
    if roll < 0.06:
        return ""
    if roll < 0.5:
        return country.spellings[0]
    return pick(rng, country.spellings)


def state_and_zip(rng: Random, country: Country, account: AccountRow | None) -> tuple[str, str]:
    if country.code == "US":
        state = next((s for s in US_STATES if account and s[0] == account.state), None)
        if state is None:
            state = rng.choices(US_STATES, US_STATE_WEIGHTS)[0]
        code, name, low, high, _ = state
        zip_code = us_zip(rng, low, high)
        roll = rng.random()
        if roll < 0.12:
            zip_code = ""
        elif roll < 0.22:
            zip_code = f"{zip_code}-{rng.randint(1000, 9999)}"  # ZIP+4
        elif zip_code.startswith("0") and roll < 0.6:
            zip_code = zip_code.lstrip("0")  # a spreadsheet ate the leading zero
        shown = pick(rng, (code, name, code, name, code.lower(), f"{name} ", ""))
        return shown, zip_code
    if country.code == "CA":
        code, name, fsa = rng.choice(CA_PROVINCES)
        return pick(rng, (code, name, "")), f"{fsa} {rng.randint(1, 9)}A{rng.randint(1, 9)}"
    if country.code == "AU":
        code, name, postcode = rng.choice(AU_STATES)
        return pick(rng, (code, name, "")), postcode[0] + f"{rng.randint(0, 999):03d}"
    if rng.random() < 0.5:
        return "", ""
    return "", postal_code(rng, country.code)


def postal_code(rng: Random, code: str) -> str:
    """A postal code in the country's own format; "" where codes are rarely used."""
    if code == "GB":
        district = pick(rng, ("SW1A", "EC2A", "M1", "B3", "EH1", "LS1"))
        return f"{district} {rng.randint(1, 9)}{pick(rng, ('AA', 'BD', 'HF', 'QT'))}"
    if code == "JP":
        return f"{rng.randint(100, 999)}-{rng.randint(0, 9999):04d}"
    if code == "NL":
        return f"{rng.randint(1000, 9999)} {pick(rng, ('AB', 'CD', 'KL'))}"
    if code == "SE":
        return f"{rng.randint(100, 999)} {rng.randint(10, 99)}"
    if code == "PL":
        return f"{rng.randint(0, 99):02d}-{rng.randint(0, 999):03d}"
    if code == "BR":
        return f"{rng.randint(1000, 99999):05d}-{rng.randint(0, 999):03d}"
    if code in ("IN", "SG"):
        return f"{rng.randint(110000, 859999)}"
    if code in ("AT", "CH", "BE", "DK", "NO", "NZ", "ZA"):
        return f"{rng.randint(1000, 9999)}"
    if code in ("IE", "AE"):
        return ""
    return f"{rng.randint(1000, 99999):05d}"


def employees_text(rng: Random, employees: int) -> str:
    """An employee count as forms and enrichment tools write it."""
    roll = rng.random()
    if roll < 0.12:
        return ""
    if roll < 0.3:
        return str(employees)
    if roll < 0.38:
        return f"{employees:,}"
    if roll < 0.65:
        bands = ((1, 10), (11, 50), (51, 200), (201, 500), (501, 1000), (1001, 5000), (5001, 10000))
        for low, high in bands:
            if employees <= high:
                return pick(rng, (f"{low}-{high}", f"{low:,}-{high:,}", f"{low} to {high}"))
        return pick(rng, ("10,001+", "10000+", "10k+"))
    if roll < 0.75 and employees >= 1000:
        return f"{round(employees / 1000)}k"
    if roll < 0.82:
        return f"{(employees // 100) * 100 or employees}+"
    if roll < 0.9:
        return pick(rng, (f"approx. {employees}", f"~{employees}", f"{employees} employees"))
    return str(employees)


def revenue_text(rng: Random, employees: int) -> str:
    roll = rng.random()
    if roll < 0.45:
        return ""
    millions = max(0.2, employees * rng.uniform(0.08, 0.3))
    if roll < 0.6:
        bands = ((1, 5), (5, 10), (10, 50), (50, 100), (100, 500), (500, 1000))
        for low, high in bands:
            if millions <= high:
                return pick(
                    rng,
                    (
                        f"${low}M–${high}M",
                        f"${low}M-${high}M",
                        f"{low}-{high}M EUR",
                        f"{low}-{high}M USD",
                    ),
                )
        return "$1B+"
    if roll < 0.75:
        return f"${millions:,.1f}M" if millions >= 1 else f"${int(millions * 1000)}K"
    if roll < 0.85:
        return f"€{round(millions)}M" if millions >= 1 else "< $1M"
    if roll < 0.92:
        return f"{int(millions * 1_000_000)}"
    return f"£{millions:.1f}m" if millions < 10 else f"£{round(millions)}m"


def language_text(rng: Random, country: Country) -> str:
    if rng.random() < 0.3:
        return ""
    language = country.language if rng.random() < 0.8 else "en"
    return pick(rng, LANGUAGE_SPELLINGS.get(language, LANGUAGE_SPELLINGS["en"]))


def estimated_value_text(rng: Random, employees: int) -> str:
    roll = rng.random()
    if roll < 0.55:
        return ""
    value = int(employees * rng.uniform(20, 160) // 500 * 500) + 2500
    value = min(value, 400_000)
    if roll < 0.8:
        return str(value)
    if roll < 0.9:
        return f"${value:,}"
    return f"{value // 1000}k"


def created_text(rng: Random, at: datetime) -> str:
    roll = rng.random()
    if roll < 0.8:
        return at.strftime("%Y-%m-%dT%H:%M:%SZ")
    if roll < 0.95:
        return at.strftime("%Y-%m-%d %H:%M")
    return at.strftime("%m/%d/%Y %H:%M")


def product_text(rng: Random) -> str:
    if rng.random() < 0.35:
        return ""
    chosen = rng.sample(PRODUCTS, rng.randint(1, 3))
    return pick(rng, (", ", "; ", ",")).join(chosen)


def lead_row(
    rng: Random,
    at: datetime,
    company: str,
    domain: str,
    country: Country,
    employees: int,
    industry: str,
    *,
    account: AccountRow | None = None,
    source: str | None = None,
    form: str | None = None,
    email_domain: str | None = None,
) -> list[str]:
    """One clean-ish form submission, then made dirty field by field."""
    who = person(rng, country.style, email_domain or domain)
    state, zip_code = state_and_zip(rng, country, account)
    website = ""
    if domain and rng.random() < 0.6:
        website = pick(rng, (domain, f"www.{domain}", f"https://www.{domain}/", f"http://{domain}"))
    return [
        dirty_name(rng, who.first),
        dirty_name(rng, who.last) if rng.random() > 0.03 else "",
        dirty_email(rng, who.email),
        company,
        website,
        local_phone(rng, country) if rng.random() < 0.75 else "",
        country_text(rng, country),
        state,
        zip_code,
        employees_text(rng, employees),
        revenue_text(rng, employees),
        industry if rng.random() < 0.8 else (industry.lower() if rng.random() < 0.5 else ""),
        source if source is not None else weighted(rng, SOURCES),
        form if form is not None else weighted(rng, FORMS),
        language_text(rng, country),
        product_text(rng),
        estimated_value_text(rng, employees),
        str(int(rng.expovariate(0.18))) if rng.random() < 0.8 else "",
        created_text(rng, at),
    ]


def duplicate_of(rng: Random, earlier: list[str], at: datetime) -> list[str]:
    """The same person again: another form, the email typed differently, a later time."""
    row = list(earlier)
    email = row[2].strip()
    if "@" in email:
        local, domain = email.split("@", 1)
        row[2] = pick(
            rng,
            (
                email.lower(),
                email.upper(),
                f"{local}+2@{domain}",
                email,
                f"{local.title()}@{domain}",
            ),
        )
    row[13] = weighted(rng, FORMS)
    row[17] = str(int(rng.expovariate(0.12)))
    row[18] = created_text(rng, at)
    return row


# What people and spreadsheets put in a cell that no parser can read.
NONSENSE = {
    "Employees": ("lots", "ask sales", "#VALUE!", "-12"),
    "Estimated Value": ("TBD", "big", "n/a", "1.2.3"),
    "Pages Viewed": ("many", "NaN", "#REF!"),
    "Created At": ("yesterday", "2026-13-45", "soon"),
    "Country": ("Narnia", "Atlantis", "Earth", "N/A"),
    "Email": ("john.smith at acme dot com", "no-email", "@@example"),
    "Annual Revenue": ("lots of money", "$$$", "ask me"),
}


def broken_line(rng: Random, row: list[str]) -> str:
    """A row a CSV reader must report: wrong column count or values nothing can parse."""
    roll = rng.random()
    if roll < 0.35:  # an export cut short
        return _csv_line(row[: rng.randint(3, 12)])
    if roll < 0.55:  # a comma inside an unquoted company name adds a column
        cells = [f'"{c}"' for c in row]
        cells[3] = f"{row[3] or 'Smith'}, Jones & Partners"
        return ",".join(cells) + "\n"
    bad = list(row)
    column = pick(rng, tuple(NONSENSE))
    nonsense = NONSENSE[column]
    bad[LEAD_COLUMNS.index(column)] = pick(rng, nonsense)
    return _csv_line(bad)


def _csv_line(cells: Sequence[str]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, quoting=csv.QUOTE_ALL, lineterminator="\n").writerow(cells)
    return buffer.getvalue()


def account_lead(
    rng: Random, at: datetime, accounts: Sequence[AccountRow], cum_weights: Sequence[int]
) -> list[str]:
    """Someone at an existing account, writing its name their own way."""
    account = rng.choices(accounts, cum_weights=cum_weights)[0]
    country = COUNTRY_BY_CODE.get(account.country) or rng.choice(COUNTRIES)
    domain = rng.choice(account.domains)
    # A quarter of an account's people sign up with a private address: only the company name
    # (and country) can match them to the account.
    private = rng.random() < 0.25
    return lead_row(
        rng,
        at,
        noisy_company(rng, account),
        "" if private else domain,
        country,
        account.employees,
        account.industry,
        account=account,
        email_domain=pick(rng, FREE_EMAIL) if private else None,
    )


def consumer_lead(rng: Random, at: datetime) -> list[str]:
    """A person on a free-mail address, usually without a company."""
    country = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
    company = pick(rng, ("", "", "", "Self-employed", "Freelance", "N/A", "none", "-"))
    return lead_row(
        rng,
        at,
        company,
        "",
        country,
        rng.randint(1, 5),
        "",
        email_domain=pick(rng, FREE_EMAIL),
        form=pick(rng, ("newsletter", "ebook_download", "free_trial", "demo_request")),
    )


def student_lead(rng: Random, at: datetime) -> list[str]:
    school, domain = rng.choice(UNIVERSITIES)
    return lead_row(
        rng,
        at,
        pick(rng, (school, "Student", "", school.lower())),
        "",
        COUNTRY_BY_CODE["US"],
        rng.randint(1, 3),
        pick(rng, ("Education", "")),
        email_domain=domain,
        form=pick(rng, ("free_trial", "ebook_download", "webinar_signup")),
    )


def competitor_lead(rng: Random, at: datetime) -> list[str]:
    name, domain = rng.choice(COMPETITORS)
    return lead_row(
        rng,
        at,
        name,
        domain,
        COUNTRY_BY_CODE["US"],
        rng.randint(40, 400),
        "Software",
        form=pick(rng, ("free_trial", "ebook_download", "demo_request")),
    )


def new_company_lead(rng: Random, at: datetime, known_domains: set[str]) -> list[str]:
    """Someone at a company that is not an account yet; a few come through a partner."""
    country = rng.choices(COUNTRIES, COUNTRY_WEIGHTS)[0]
    stem = company_stem(rng, country.style)
    domain = ascii_slug(stem) + pick(rng, country.tlds)
    if domain in known_domains:
        domain = f"{ascii_slug(stem)}-{country.code.lower()}{pick(rng, country.tlds)}"
    segment = pick(rng, ("smb", "mid_market", "enterprise"), (72, 20, 8))
    employees = employees_for(rng, segment)
    legal = pick(rng, country.legal_forms) if rng.random() < 0.55 else ""
    company = f"{stem} {legal}".strip() if rng.random() > 0.04 else stem.lower()
    partner = rng.random() < 0.05
    return lead_row(
        rng,
        at,
        company,
        domain,
        country,
        employees,
        pick(rng, INDUSTRY_LABELS, INDUSTRY_WEIGHTS),
        source=pick(rng, PARTNER_SOURCES) if partner else None,
    )


def generate_leads(count: int, accounts: Sequence[AccountRow], rng: Random) -> list[str]:
    """`count` CSV lines (header excluded), oldest lead first."""
    lines: list[str] = []
    rows: list[list[str]] = []
    known_domains = {d for a in accounts for d in a.domains}
    # The anchors get more leads so that the demo shows their rules; cumulative weights because
    # choices() would otherwise sum all of them for every lead.
    cum_weights = list(
        accumulate(8 if i < len(ANCHOR_ACCOUNTS) else 1 for i in range(len(accounts)))
    )
    at = FIRST_LEAD_AT
    for _ in range(count):
        at += timedelta(seconds=rng.expovariate(LEADS_PER_DAY / 86400))
        roll = rng.random()
        if roll < 0.07 and rows:  # the same person again, among the last 2,000 leads
            row = duplicate_of(rng, rows[rng.randrange(max(0, len(rows) - 2000), len(rows))], at)
        elif roll < 0.30:
            row = account_lead(rng, at, accounts, cum_weights)
        elif roll < 0.40:
            row = consumer_lead(rng, at)
        elif roll < 0.43:
            row = student_lead(rng, at)
        elif roll < 0.44:
            row = competitor_lead(rng, at)
        else:
            row = new_company_lead(rng, at, known_domains)
        rows.append(row)
        lines.append(broken_line(rng, row) if rng.random() < 0.004 else _csv_line(row))
    return lines


# ----------------------------------------------------------------------------- main


def write_workspace(out: Path, *, leads: int, accounts: int, seed: int) -> None:
    """Write accounts.csv and leads.csv into `out`, deterministically from `seed`."""
    out.mkdir(parents=True, exist_ok=True)
    # Separate streams: the accounts do not change when only the number of leads does.
    account_rows = generate_accounts(accounts, Random(f"acme-accounts-{seed}"))
    with (out / "accounts.csv").open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(ACCOUNT_COLUMNS)
        writer.writerows(a.cells() for a in account_rows)
    lead_lines = generate_leads(leads, account_rows, Random(f"acme-leads-{seed}"))
    with (out / "leads.csv").open("w", encoding="utf-8", newline="") as f:
        f.write(_csv_line(LEAD_COLUMNS))
        f.writelines(lead_lines)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "acme")
    parser.add_argument("--leads", type=int, default=10_000)
    parser.add_argument("--accounts", type=int, default=3_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    if args.accounts < len(ANCHOR_ACCOUNTS):
        parser.error(f"--accounts must be at least {len(ANCHOR_ACCOUNTS)}")
    write_workspace(args.out, leads=args.leads, accounts=args.accounts, seed=args.seed)


if __name__ == "__main__":
    main()
