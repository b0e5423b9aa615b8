"""Reference data: the units, their published service standards (standar pelayanan) and KPI targets."""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path


@dataclass(frozen=True)
class Regency:
    code: str  # BPS regency/city code, also the first four digits of residents' NIK
    name: str
    province: str
    timezone: str
    district: str  # a kecamatan, for the Puskesmas name


REGENCIES = (
    Regency("3171", "Kota Administrasi Jakarta Selatan", "DKI Jakarta", "Asia/Jakarta", "Kebayoran Baru"),
    Regency("5171", "Kota Denpasar", "Bali", "Asia/Makassar", "Denpasar Selatan"),
    Regency("3273", "Kota Bandung", "Jawa Barat", "Asia/Jakarta", "Coblong"),
    Regency("9471", "Kota Jayapura", "Papua", "Asia/Jayapura", "Abepura"),
    Regency("3578", "Kota Surabaya", "Jawa Timur", "Asia/Jakarta", "Tambaksari"),
    Regency("7371", "Kota Makassar", "Sulawesi Selatan", "Asia/Makassar", "Panakkukang"),
    Regency("3172", "Kota Administrasi Jakarta Timur", "DKI Jakarta", "Asia/Jakarta", "Duren Sawit"),
    Regency("8171", "Kota Ambon", "Maluku", "Asia/Jayapura", "Sirimau"),
    Regency("3374", "Kota Semarang", "Jawa Tengah", "Asia/Jakarta", "Banyumanik"),
    Regency("5103", "Kabupaten Badung", "Bali", "Asia/Makassar", "Kuta Utara"),
    Regency("3471", "Kota Yogyakarta", "DI Yogyakarta", "Asia/Jakarta", "Umbulharjo"),
    Regency("1275", "Kota Medan", "Sumatera Utara", "Asia/Jakarta", "Medan Johor"),
    Regency("6472", "Kota Samarinda", "Kalimantan Timur", "Asia/Makassar", "Sungai Pinang"),
    Regency("3173", "Kota Administrasi Jakarta Pusat", "DKI Jakarta", "Asia/Jakarta", "Tanah Abang"),
    Regency("5271", "Kota Mataram", "Nusa Tenggara Barat", "Asia/Makassar", "Cakranegara"),
    Regency("3201", "Kabupaten Bogor", "Jawa Barat", "Asia/Jakarta", "Cibinong"),
    Regency("9403", "Kabupaten Jayapura", "Papua", "Asia/Jayapura", "Sentani"),
    Regency("3573", "Kota Malang", "Jawa Timur", "Asia/Jakarta", "Lowokwaru"),
    Regency("6471", "Kota Balikpapan", "Kalimantan Timur", "Asia/Makassar", "Balikpapan Selatan"),
    Regency("3174", "Kota Administrasi Jakarta Barat", "DKI Jakarta", "Asia/Jakarta", "Kembangan"),
    Regency("1371", "Kota Padang", "Sumatera Barat", "Asia/Jakarta", "Kuranji"),
    Regency("5108", "Kabupaten Buleleng", "Bali", "Asia/Makassar", "Buleleng"),
    Regency("3275", "Kota Bekasi", "Jawa Barat", "Asia/Jakarta", "Bekasi Timur"),
    Regency("7306", "Kabupaten Gowa", "Sulawesi Selatan", "Asia/Makassar", "Somba Opu"),
    Regency("3372", "Kota Surakarta", "Jawa Tengah", "Asia/Jakarta", "Banjarsari"),
    Regency("8271", "Kota Ternate", "Maluku Utara", "Asia/Jayapura", "Ternate Tengah"),
    Regency("3671", "Kota Tangerang", "Banten", "Asia/Jakarta", "Cipondoh"),
    Regency("6371", "Kota Banjarmasin", "Kalimantan Selatan", "Asia/Makassar", "Banjarmasin Utara"),
    Regency("3404", "Kabupaten Sleman", "DI Yogyakarta", "Asia/Jakarta", "Depok"),
    Regency("3515", "Kabupaten Sidoarjo", "Jawa Timur", "Asia/Jakarta", "Waru"),
    Regency("3175", "Kota Administrasi Jakarta Utara", "DKI Jakarta", "Asia/Jakarta", "Koja"),
)


@dataclass(frozen=True)
class ServiceTemplate:
    code: str
    name: str
    max_wait_minutes: int
    standard_service_minutes: int
    completion_workdays: int
    fee_idr: int
    demand_weight: float


@dataclass(frozen=True)
class Agency:
    prefix: str
    name: str
    daily_volume: tuple[int, int]
    opens_saturday: bool
    core_services: tuple[ServiceTemplate, ...]
    optional_services: tuple[ServiceTemplate, ...]

    def unit_name(self, regency: Regency) -> str:
        if self.prefix == "DKP":
            return f"Dinas Kependudukan dan Pencatatan Sipil {regency.name}"
        if self.prefix == "DPM":
            return f"Dinas Penanaman Modal dan Pelayanan Terpadu Satu Pintu {regency.name}"
        if self.prefix == "MPP":
            return f"Mal Pelayanan Publik {regency.name}"
        return f"Puskesmas Kecamatan {regency.district}"


S = ServiceTemplate
# Adminduk documents are free of charge (UU 24/2013 Pasal 79A); licence fees and PNBP are tarif.
AGENCIES = {
    "DKP": Agency(
        "DKP",
        "Dukcapil",
        (120, 280),
        False,
        (
            S("KTP", "Perekaman dan Pencetakan KTP-el", 30, 15, 0, 0, 0.35),
            S("KK", "Penerbitan Kartu Keluarga", 30, 10, 1, 0, 0.25),
            S("AKTA", "Penerbitan Akta Kelahiran", 30, 10, 1, 0, 0.18),
        ),
        (
            S("PINDAH", "Penerbitan Surat Keterangan Pindah", 25, 10, 1, 0, 0.12),
            S("KIA", "Penerbitan Kartu Identitas Anak", 20, 8, 0, 0, 0.10),
        ),
    ),
    "MPP": Agency(
        "MPP",
        "Mal Pelayanan Publik",
        (180, 300),
        True,
        (
            S("PASPOR", "Penerbitan Paspor (Kantor Imigrasi)", 60, 20, 4, 350000, 0.25),
            S("SKCK", "Penerbitan SKCK (Polres)", 30, 10, 0, 30000, 0.25),
            S("KTP", "Layanan Dukcapil KTP-el", 30, 15, 0, 0, 0.15),
        ),
        (
            S("BPJS", "Layanan Kepesertaan BPJS Kesehatan", 30, 12, 0, 0, 0.20),
            S("NPWP", "Pendaftaran NPWP (KPP Pratama)", 20, 10, 0, 0, 0.15),
        ),
    ),
    "DPM": Agency(
        "DPM",
        "DPMPTSP",
        (60, 150),
        False,
        (
            S("NIB", "Pendampingan Perizinan Berusaha (NIB/OSS)", 20, 15, 0, 0, 0.35),
            S("PBG", "Persetujuan Bangunan Gedung", 45, 25, 14, 1250000, 0.20),
            S("SIP", "Surat Izin Praktik Tenaga Kesehatan", 30, 15, 3, 0, 0.20),
        ),
        (
            S("REKLAME", "Izin Penyelenggaraan Reklame", 30, 20, 5, 150000, 0.15),
            S("SLF", "Sertifikat Laik Fungsi", 45, 25, 10, 500000, 0.10),
        ),
    ),
    "PKM": Agency(
        "PKM",
        "Puskesmas",
        (80, 180),
        True,
        (
            S("DAFTAR", "Pendaftaran Pasien dan Rekam Medis", 15, 5, 0, 0, 0.40),
            S("POLI", "Pemeriksaan Poli Umum", 45, 12, 0, 0, 0.30),
            S("KIA", "Pelayanan Kesehatan Ibu dan Anak", 45, 15, 0, 0, 0.15),
        ),
        (
            S("GIGI", "Pelayanan Kesehatan Gigi dan Mulut", 60, 20, 0, 0, 0.08),
            S("SKS", "Penerbitan Surat Keterangan Sehat", 30, 10, 0, 15000, 0.07),
        ),
    ),
}
AGENCY_ORDER = ("DKP", "MPP", "DPM", "PKM")
# The first units are hand-picked so that even a small demo spans WIB, WITA and WIT.
LEADING_UNITS = (
    ("DKP", "3171"),
    ("MPP", "5171"),
    ("DPM", "3273"),
    ("PKM", "9471"),
    ("DKP", "5171"),
    ("MPP", "3578"),
    ("DPM", "7371"),
    ("DKP", "9471"),
)


@dataclass(frozen=True)
class Traits:
    """How a unit behaves in the simulation; not part of the reference files."""

    daily_volume: int
    counters: int
    opens_minute: int
    last_ticket_minute: int
    opens_saturday: bool
    online_share: float
    wait_level: float  # mean wait as a share of the published max wait, on an average slot
    service_pace: float  # median service time as a share of the published standard
    satisfaction: float  # tilt of survey answers; 0 = national average
    complaint_rate: float  # complaints per working day
    complaint_slowness: float  # multiplies complaint handling delays


@dataclass(frozen=True)
class Unit:
    unit_id: str
    unit_name: str
    agency: str
    province: str
    regency: str
    regency_code: str
    timezone: str
    annual_users: int
    traits: Traits
    queue_profile: str = "canonical"
    survey_profile: str = "canonical"
    legacy_survey: bool = False  # KepMenPAN 25/2004 (14 unsur) instead of PermenPANRB 14/2017


@dataclass(frozen=True)
class ServiceStandard:
    service_code: str
    unit_id: str
    service_name: str
    max_wait_minutes: int
    standard_service_minutes: int
    completion_workdays: int
    fee_idr: int
    valid_from: date
    valid_to: date | None
    demand_weight: float

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


def _unit_slots() -> list[tuple[str, Regency]]:
    by_code = {r.code: r for r in REGENCIES}
    slots = [(prefix, by_code[code]) for prefix, code in LEADING_UNITS]
    taken = set((p, r.code) for p, r in slots)
    for shift in range(len(AGENCY_ORDER)):
        for i, regency in enumerate(REGENCIES):
            prefix = AGENCY_ORDER[(i + shift) % len(AGENCY_ORDER)]
            if (prefix, regency.code) not in taken:
                taken.add((prefix, regency.code))
                slots.append((prefix, regency))
    return slots


MAX_UNITS = len(REGENCIES) * len(AGENCY_ORDER)


def build_units(count: int, rng: random.Random) -> list[Unit]:
    if not 1 <= count <= MAX_UNITS:
        raise ValueError(f"units must be between 1 and {MAX_UNITS}, got {count}")
    units = []
    for index, (prefix, regency) in enumerate(_unit_slots()[:count]):
        agency = AGENCIES[prefix]
        volume = rng.randint(*agency.daily_volume)
        opens_saturday = agency.opens_saturday and rng.random() < 0.7
        open_days_per_year = 245 + (48 if opens_saturday else 0)
        annual_users = min(60000, max(5000, round(volume * open_days_per_year * rng.uniform(0.8, 1.0), -2)))
        opens = 450 if prefix == "PKM" else rng.choice((450, 480, 480))
        last_ticket = rng.choice((840, 870)) if prefix == "PKM" else rng.choice((900, 900, 930, 960))
        traits = Traits(
            daily_volume=volume,
            counters=max(3, min(8, round(volume / 40) + rng.randint(0, 2))),
            opens_minute=opens,
            last_ticket_minute=last_ticket,
            opens_saturday=opens_saturday,
            online_share=round(rng.uniform(0.12, 0.38), 3),
            wait_level=round(rng.uniform(0.3, 0.65), 3),
            service_pace=round(rng.uniform(0.55, 0.85), 3),
            satisfaction=round(rng.uniform(-0.15, 0.75), 3),
            complaint_rate=round(0.5 + 1.5 * (volume - 60) / 240 * rng.uniform(0.7, 1.0), 3),
            complaint_slowness=round(rng.uniform(0.7, 1.5), 3),
        )
        units.append(
            Unit(
                unit_id=f"{prefix}-{regency.code}",
                unit_name=agency.unit_name(regency),
                agency=agency.name,
                province=regency.province,
                regency=regency.name,
                regency_code=regency.code,
                timezone=regency.timezone,
                annual_users=int(annual_users),
                traits=traits,
                queue_profile="antrian_id" if index == 1 else "canonical",
                survey_profile="eskm_xlsx" if index == 2 else "canonical",
                legacy_survey=count >= 6 and index == count - 1,
            )
        )
    return units


def _jittered_wait(template: ServiceTemplate, rng: random.Random) -> int:
    return max(15, min(60, template.max_wait_minutes + rng.choice((-10, -5, 0, 0, 0, 5, 10, 15))))


def build_services(units: list[Unit], first: date, last: date, rng: random.Random) -> list[ServiceStandard]:
    """Published standards in force over the period; a few change mid-period (a new row each time)."""
    published = date(first.year - 1, 1, 2)
    change_day = first + timedelta(days=(last - first).days // 2)
    tarif_change_day = first + timedelta(days=2 * (last - first).days // 3)
    standards = []
    for index, unit in enumerate(units):
        agency = AGENCIES[unit.unit_id.split("-")[0]]
        extra = rng.randint(0, len(agency.optional_services))
        chosen = list(agency.core_services) + rng.sample(agency.optional_services, extra)
        for template in chosen:
            current = ServiceStandard(
                service_code=template.code,
                unit_id=unit.unit_id,
                service_name=template.name,
                max_wait_minutes=_jittered_wait(template, rng),
                standard_service_minutes=template.standard_service_minutes,
                completion_workdays=template.completion_workdays,
                fee_idr=template.fee_idr,
                valid_from=published,
                valid_to=None,
                demand_weight=template.demand_weight,
            )
            # A revised standard (new maklumat pelayanan) in the first unit: shorter waits promised.
            if index == 0 and template is chosen[0]:
                standards.append(replace(current, valid_to=change_day - timedelta(days=1)))
                current = replace(
                    current,
                    max_wait_minutes=max(15, current.max_wait_minutes - 10),
                    standard_service_minutes=max(5, current.standard_service_minutes - 3),
                    valid_from=change_day,
                )
            # A revised regional tariff (new Perda retribusi) on the first paid licence of the third unit.
            if index == 2 and template.fee_idr > 0 and template is next(t for t in chosen if t.fee_idr > 0):
                standards.append(replace(current, valid_to=tarif_change_day - timedelta(days=1)))
                current = replace(current, fee_idr=int(round(current.fee_idr * 1.2, -3)), valid_from=tarif_change_day)
            standards.append(current)
    return standards


def build_targets(units: list[Unit], years: range, rng: random.Random) -> list[dict]:
    rows = []
    for unit in units:
        for year in years:
            rows.append(
                {
                    "unit_id": unit.unit_id,
                    "year": year,
                    "indicator": "ikm_converted",
                    "target": f"{rng.choice(range(164, 177)) / 2:.1f}",
                }
            )
            rows.append(
                {
                    "unit_id": unit.unit_id,
                    "year": year,
                    "indicator": "queue_sla_share",
                    "target": f"{rng.randint(85, 95) / 100:.2f}",
                }
            )
            rows.append(
                {
                    "unit_id": unit.unit_id,
                    "year": year,
                    "indicator": "complaint_closed_within_limit_share",
                    "target": f"{rng.randint(80, 90) / 100:.2f}",
                }
            )
    return rows


def _write_csv(path: Path, header: list[str], rows: list[list]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_reference(out: Path, units: list[Unit], services: list[ServiceStandard], targets: list[dict]) -> int:
    folder = out / "reference"
    _write_csv(
        folder / "units.csv",
        ["unit_id", "unit_name", "agency", "province", "regency", "timezone", "annual_users"],
        [[u.unit_id, u.unit_name, u.agency, u.province, u.regency, u.timezone, u.annual_users] for u in units],
    )
    _write_csv(
        folder / "services.csv",
        [
            "service_code",
            "unit_id",
            "service_name",
            "max_wait_minutes",
            "standard_service_minutes",
            "completion_workdays",
            "fee_idr",
            "valid_from",
            "valid_to",
        ],
        [
            [
                s.service_code,
                s.unit_id,
                s.service_name,
                s.max_wait_minutes,
                s.standard_service_minutes,
                s.completion_workdays,
                s.fee_idr,
                s.valid_from.isoformat(),
                s.valid_to.isoformat() if s.valid_to else "",
            ]
            for s in services
        ],
    )
    _write_csv(
        folder / "targets.csv",
        ["unit_id", "year", "indicator", "target"],
        [[t["unit_id"], t["year"], t["indicator"], t["target"]] for t in targets],
    )
    return 3


def services_of(unit: Unit, services: list[ServiceStandard]) -> list[str]:
    """The unit's service codes in a stable order (first publication order)."""
    codes: list[str] = []
    for standard in services:
        if standard.unit_id == unit.unit_id and standard.service_code not in codes:
            codes.append(standard.service_code)
    return codes


def standard_on(unit: Unit, code: str, day: date, services: list[ServiceStandard]) -> ServiceStandard:
    for standard in services:
        if standard.unit_id == unit.unit_id and standard.service_code == code and standard.in_force(day):
            return standard
    raise LookupError(f"no standard for {unit.unit_id}/{code} on {day}")
