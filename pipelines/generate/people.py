"""Fictitious Indonesian people: names by region, NIK, mobile numbers and e-mail addresses."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

# Name pools per cultural region; every person here is invented.
_JAVA_SUNDA_GIVEN_M = (
    "Budi",
    "Agus",
    "Joko",
    "Eko",
    "Bambang",
    "Dedi",
    "Hendra",
    "Rizky",
    "Fajar",
    "Ahmad",
    "Dimas",
    "Yusuf",
    "Arif",
    "Teguh",
    "Asep",
    "Ujang",
    "Andi",
    "Wahyu",
    "Bayu",
    "Rudi",
    "Iwan",
    "Taufik",
)
_JAVA_SUNDA_GIVEN_F = (
    "Siti",
    "Dewi",
    "Sri",
    "Rina",
    "Wulan",
    "Lestari",
    "Ayu",
    "Nur",
    "Fitri",
    "Indah",
    "Putri",
    "Ratna",
    "Yuliana",
    "Nining",
    "Euis",
    "Desi",
    "Anisa",
    "Rahma",
    "Kartika",
    "Intan",
    "Mega",
)
_JAVA_SUNDA_FAMILY = (
    "Santoso",
    "Wijaya",
    "Setiawan",
    "Saputra",
    "Hidayat",
    "Kurniawan",
    "Pratama",
    "Nugroho",
    "Rahmawati",
    "Susanti",
    "Permana",
    "Gunawan",
    "Firmansyah",
    "Hermawan",
    "Sulistyo",
    "Purnomo",
    "Suryani",
    "Maulana",
    "Ramadhan",
    "Lestari",
    "Wibowo",
    "Kusuma",
    "Hakim",
    "Syahputra",
)
_BALI_BIRTH_ORDER = ("Wayan", "Putu", "Gede", "Made", "Kadek", "Nyoman", "Komang", "Ketut")
_BALI_GIVEN = (
    "Sudarma",
    "Arsana",
    "Suardana",
    "Wirawan",
    "Adnyana",
    "Mahendra",
    "Sukerta",
    "Ariani",
    "Sriasih",
    "Widiastuti",
    "Yuliantari",
    "Astuti",
    "Suastika",
    "Darmawan",
    "Parwati",
    "Budiasa",
)
_SULAWESI_GIVEN_M = ("Andi", "Muhammad", "Syamsul", "Ilham", "Amir", "Rahmat", "Herman", "Akbar")
_SULAWESI_GIVEN_F = ("Andi", "Nurhayati", "Hasnah", "Rosmini", "Sitti", "Nurul", "Hartati", "Jumriah")
_SULAWESI_FAMILY = ("Mappasessu", "Daeng Ngalle", "Lallo", "Hamzah", "Basri", "Rahman", "Mattalitti", "Pawelloi")
_PAPUA_MALUKU_GIVEN_M = ("Yohanes", "Markus", "Yosias", "Petrus", "Demianus", "Otto", "Yakob", "Frans", "Elias")
_PAPUA_MALUKU_GIVEN_F = ("Maria", "Yuliana", "Naomi", "Ester", "Agustina", "Ribka", "Selvi", "Marthina")
_PAPUA_MALUKU_FAMILY = (
    "Wenda",
    "Kogoya",
    "Rumbiak",
    "Mandowen",
    "Wambrauw",
    "Yikwa",
    "Rumere",
    "Waromi",
    "Latuconsina",
    "Pattimura",
    "Sahetapy",
    "Tuhumury",
    "Karubaba",
    "Ayomi",
)
_SUMATRA_GIVEN_M = ("Rizal", "Fauzi", "Hendri", "Irwan", "Zulkifli", "Roni", "Ricky", "Daniel")
_SUMATRA_GIVEN_F = ("Nurhasanah", "Rosmawati", "Yenni", "Melati", "Sondang", "Hotmaida", "Lisna", "Nova")
_SUMATRA_FAMILY = ("Siregar", "Nasution", "Lubis", "Harahap", "Simanjuntak", "Sitompul", "Tanjung", "Chaniago")

_MOBILE_PREFIXES = (
    "0811",
    "0812",
    "0813",
    "0821",
    "0822",
    "0823",
    "0852",
    "0853",
    "0814",
    "0815",
    "0816",
    "0855",
    "0856",
    "0857",
    "0858",
    "0817",
    "0818",
    "0819",
    "0877",
    "0878",
    "0895",
    "0896",
    "0897",
    "0898",
    "0881",
    "0882",
    "0887",
)
_MAIL_DOMAINS = ("gmail.com", "gmail.com", "gmail.com", "yahoo.co.id", "yahoo.com", "ymail.com")


@dataclass(frozen=True)
class Person:
    name: str
    nik: str
    phone: str
    email: str


def _region(province: str) -> str:
    if province == "Bali":
        return "bali"
    if province in {"Papua", "Maluku", "Papua Barat"}:
        return "papua_maluku"
    if province.startswith("Sulawesi") or province == "Nusa Tenggara Barat":
        return "sulawesi"
    if province.startswith("Sumatera") or province in {"Aceh", "Riau"}:
        return "sumatra"
    return "java_sunda"


def person_name(rng: random.Random, province: str, gender: str) -> str:
    region = _region(province)
    male = gender == "L"
    if region == "bali":
        prefix = "I" if male else "Ni"
        order = rng.choice(_BALI_BIRTH_ORDER)
        if not male and order in {"Gede"}:
            order = "Luh"
        return f"{prefix} {order} {rng.choice(_BALI_GIVEN)}"
    if region == "papua_maluku":
        given = rng.choice(_PAPUA_MALUKU_GIVEN_M if male else _PAPUA_MALUKU_GIVEN_F)
        return f"{given} {rng.choice(_PAPUA_MALUKU_FAMILY)}"
    if region == "sulawesi":
        given = rng.choice(_SULAWESI_GIVEN_M if male else _SULAWESI_GIVEN_F)
        return f"{given} {rng.choice(_SULAWESI_FAMILY)}"
    if region == "sumatra":
        given = rng.choice(_SUMATRA_GIVEN_M if male else _SUMATRA_GIVEN_F)
        return f"{given} {rng.choice(_SUMATRA_FAMILY)}"
    given = rng.choice(_JAVA_SUNDA_GIVEN_M if male else _JAVA_SUNDA_GIVEN_F)
    if rng.random() < 0.2:
        return given  # many Javanese have a single name
    return f"{given} {rng.choice(_JAVA_SUNDA_FAMILY)}"


def nik(rng: random.Random, regency_code: str, gender: str, birth: date) -> str:
    # NIK layout (Permendagri 7/2019): 6-digit area (province, regency, district), birth date
    # DDMMYY with 40 added to the day for women, then a 4-digit serial.
    district = f"{rng.randint(1, 20):02d}"
    day = birth.day + (40 if gender == "P" else 0)
    return f"{regency_code}{district}{day:02d}{birth.month:02d}{birth.year % 100:02d}{rng.randint(1, 9999):04d}"


def mobile_number(rng: random.Random) -> str:
    digits = rng.choice((7, 8, 8, 8, 9))  # 11–13 digits in total, 12 the most common
    return rng.choice(_MOBILE_PREFIXES) + str(rng.randrange(10**digits)).zfill(digits)


def email_address(rng: random.Random, name: str, birth: date) -> str:
    parts = [p.lower() for p in name.replace("'", "").split() if p not in {"I", "Ni"}]
    style = rng.randint(0, 2)
    if style == 0:
        local = ".".join(parts[:2])
    elif style == 1:
        local = "".join(parts[:2]) + f"{birth.year % 100:02d}"
    else:
        local = parts[0] + f"_{rng.randint(1, 999)}"
    return f"{local}@{rng.choice(_MAIL_DOMAINS)}"


def random_person(
    rng: random.Random, province: str, regency_code: str, today: date, gender: str | None = None, age: int | None = None
) -> Person:
    gender = gender or ("L" if rng.random() < 0.48 else "P")
    age = age if age is not None else rng.randint(18, 70)
    birth = today - timedelta(days=age * 365 + rng.randint(0, 364))
    name = person_name(rng, province, gender)
    return Person(
        name=name,
        nik=nik(rng, regency_code, gender, birth),
        phone=mobile_number(rng),
        email=email_address(rng, name, birth),
    )
