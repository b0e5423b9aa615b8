"""Complaints (pengaduan) as an SP4N-LAPOR!-style system exports them, with their status history."""

from __future__ import annotations

import math
import random
from datetime import date, datetime, time, timedelta

from .people import Person, person_name, random_person
from .reference import ServiceStandard, Unit, services_of
from .workdays import WorkCalendar

OFFICE_OPENS = time(8, 0)
OFFICE_CLOSES = time(16, 0)

CHANNELS = ("web", "app", "sms_1708", "social_media", "walk_in", "letter")
CHANNEL_WEIGHTS = (0.35, 0.20, 0.12, 0.13, 0.15, 0.05)
TYPES = ("pengaduan", "aspirasi", "permintaan_informasi")
TYPE_WEIGHTS = (0.80, 0.12, 0.08)
CATEGORIES = (
    "time",
    "procedure",
    "facilities",
    "staff_behaviour",
    "information",
    "cost",
    "other",
    "pungli",
    "discrimination",
)
CATEGORY_WEIGHTS = (0.28, 0.22, 0.16, 0.10, 0.10, 0.05, 0.05, 0.03, 0.01)
ANONYMOUS_SHARE = 0.15
REPEAT_REPORTER_SHARE = 0.1
RATINGS = (1, 2, 3, 4, 5)
RATING_WEIGHTS = (0.15, 0.15, 0.25, 0.25, 0.20)

DESCRIPTIONS = {
    "time": (
        "Sudah menunggu {minutes} menit di {unit} untuk layanan {service} tetapi nomor antrian belum dipanggil.",
        "Pengurusan {service} dijanjikan selesai {workdays} hari kerja, sampai sekarang belum jadi.",
        "Antrian {service} sangat lama, loket yang buka hanya satu padahal pengunjung banyak.",
    ),
    "procedure": (
        "Persyaratan {service} yang diminta petugas berbeda dengan yang tertera di website {unit}.",
        "Saya harus bolak-balik tiga kali karena berkas {service} dinyatakan kurang, padahal sudah lengkap.",
        "Alur pengajuan {service} tidak jelas, petugas menyuruh ke meja lain terus.",
    ),
    "facilities": (
        "Ruang tunggu {unit} panas, AC mati dan kursi kurang.",
        "Mesin antrian di {unit} rusak sejak pagi, warga antri tanpa nomor.",
        "Toilet di {unit} kotor dan tidak ada air.",
        "Tidak ada jalur kursi roda di {unit}, orang tua saya kesulitan masuk.",
    ),
    "staff_behaviour": (
        "Petugas loket {service} berbicara kasar kepada warga lansia.",
        "Petugas sibuk bermain HP saat jam pelayanan di {unit}.",
        "Loket {service} kosong lebih dari satu jam pada jam kerja.",
    ),
    "information": (
        "Mohon informasi apakah {service} bisa diurus secara online.",
        "Nomor telepon {unit} di website tidak pernah diangkat.",
        "Informasi jadwal pelayanan {service} di media sosial tidak diperbarui.",
    ),
    "cost": (
        "Saya diminta membayar biaya {service} yang tidak sesuai dengan tarif yang diumumkan.",
        "Tarif {service} di papan informasi berbeda dengan yang ditagihkan di kasir.",
    ),
    "pungli": (
        "Ada oknum yang menawarkan percepatan {service} dengan membayar Rp{bribe}.",
        "Saya dimintai uang Rp{bribe} oleh petugas agar berkas {service} diproses hari ini.",
    ),
    "discrimination": (
        "Warga yang kenal petugas didahulukan, kami yang antri dari pagi dilewati.",
        "Penyandang disabilitas tidak dilayani di loket prioritas {unit}.",
    ),
    "other": (
        "Parkir di {unit} dipungut tukang parkir liar.",
        "Saran agar {unit} membuka layanan pada hari Sabtu.",
    ),
}
# Reporters write their own identity into the text; the pipeline has to scrub it.
PERSONAL_TAILS = (
    " Saya {name}, bisa dihubungi di {phone}.",
    " NIK saya {nik}.",
    " Mohon kabari ke {phone} atau {email}.",
    " Terima kasih. {name}",
)
# Reporters also name staff and others, names no identity field of the complaint holds.
STAFF_SENTENCES = (
    " Petugas yang melayani bernama {other}.",
    " Sudah saya sampaikan ke Ibu {other} di loket tetapi tidak ditanggapi.",
    " Oknum tersebut mengaku bernama {other}.",
    " Saya datang bersama tetangga saya, Bapak {other}.",
    " Waktu itu yang bertugas Sdr. {other}.",
)
STAFF_SHARE = 0.2


def _at(day: date, rng: random.Random, not_before: datetime | None = None) -> datetime | None:
    """A moment in office hours on `day`, after `not_before` when that is the same day."""
    opens = datetime.combine(day, OFFICE_OPENS)
    if not_before is not None and not_before.date() == day:
        opens = max(opens, not_before + timedelta(minutes=5))
    closes = datetime.combine(day, OFFICE_CLOSES)
    if opens >= closes:
        return None
    return opens + timedelta(seconds=rng.randrange(int((closes - opens).total_seconds())))


def _later(previous: datetime, workdays: int, calendar: WorkCalendar, rng: random.Random) -> datetime:
    day = calendar.add_working_days(previous.date(), workdays)
    moment = _at(day, rng, previous)
    while moment is None:
        day = calendar.add_working_days(day, 1)
        moment = _at(day, rng, previous)
    return moment


def _delay(rng: random.Random, options: tuple[int, ...], weights: tuple[float, ...], slowness: float) -> int:
    return round(rng.choices(options, weights)[0] * slowness)


def status_history(
    submitted: datetime, unit: Unit, calendar: WorkCalendar, rng: random.Random, cutoff: datetime
) -> list[dict]:
    """received → verified → forwarded → in_progress → responded → closed, or archived early;
    cut at `cutoff` (the end of the generated period), so recent complaints are still open."""
    slowness = unit.traits.complaint_slowness
    steps = [("received", submitted)]
    # SP4N-LAPOR!: verification within 3 working days, follow-up within 5 working days of forwarding.
    if rng.random() < 0.03:  # not within the unit's authority, spam, or a duplicate report
        steps.append(
            ("archived", _later(submitted, _delay(rng, (0, 1, 2, 3), (0.3, 0.3, 0.25, 0.15), 1), calendar, rng))
        )
    else:
        verified = _later(
            submitted,
            _delay(rng, (0, 1, 2, 3, 4, 6, 9), (0.2, 0.3, 0.25, 0.12, 0.06, 0.05, 0.02), slowness),
            calendar,
            rng,
        )
        steps.append(("verified", verified))
        if rng.random() < 0.02:
            steps.append(("archived", _later(verified, rng.choice((0, 1)), calendar, rng)))
        else:
            forwarded = _later(verified, _delay(rng, (0, 1, 2), (0.5, 0.35, 0.15), 1), calendar, rng)
            in_progress = _later(forwarded, _delay(rng, (0, 1, 2, 3), (0.3, 0.4, 0.2, 0.1), slowness), calendar, rng)
            response_days = _delay(
                rng, (2, 3, 4, 5, 6, 7, 9, 12), (0.12, 0.2, 0.2, 0.18, 0.12, 0.08, 0.06, 0.04), slowness
            )
            responded = _later(forwarded, response_days, calendar, rng)
            if responded <= in_progress:
                responded = _later(in_progress, 0, calendar, rng)
            closed = _later(responded, rng.choice((1, 2, 3, 5)), calendar, rng)
            steps += [("forwarded", forwarded), ("in_progress", in_progress), ("responded", responded)]
            if rng.random() < 0.95:  # a few stay "responded": the reporter never confirms
                steps.append(("closed", closed))
    return [
        {"status": status, "at": moment.strftime("%Y-%m-%dT%H:%M:%S")} for status, moment in steps if moment <= cutoff
    ]


def _description(category: str, unit: Unit, service: ServiceStandard, person: Person | None, rng: random.Random) -> str:
    text = rng.choice(DESCRIPTIONS[category]).format(
        unit=unit.unit_name,
        service=service.service_name,
        minutes=rng.choice((90, 120, 150, 180, 240)),
        workdays=max(1, service.completion_workdays),
        bribe=rng.choice(("50.000", "100.000", "150.000", "250.000")),
    )
    if person is not None and rng.random() < 0.25:
        text += rng.choice(PERSONAL_TAILS).format(
            name=person.name, phone=person.phone, nik=person.nik, email=person.email
        )
    return text + _staff_sentence(text, unit)


def _staff_sentence(text: str, unit: Unit) -> str:
    """Sometimes a sentence naming staff; drawn from its own stream so the complaints' draws stay put."""
    own = random.Random(f"{unit.unit_id}|{text}")
    if own.random() >= STAFF_SHARE:
        return ""
    return own.choice(STAFF_SENTENCES).format(other=person_name(own, unit.province, own.choice("LP")))


def simulate_complaints(
    unit: Unit, services: list[ServiceStandard], calendar: WorkCalendar, rng: random.Random
) -> list[dict]:
    """Complaints about `unit` received on working days of the period (ids assigned later)."""
    cutoff = datetime.combine(calendar.last, OFFICE_CLOSES)
    codes = services_of(unit, services)
    regulars: list[Person] = []
    records = []
    for day in calendar.working_days:
        for _ in range(_poisson(rng, unit.traits.complaint_rate)):
            code = rng.choice(codes)
            service = next(
                s for s in services if s.unit_id == unit.unit_id and s.service_code == code and s.in_force(day)
            )
            anonymous = rng.random() < ANONYMOUS_SHARE
            person = None
            if not anonymous:
                if regulars and rng.random() < REPEAT_REPORTER_SHARE:
                    person = rng.choice(regulars)
                else:
                    person = random_person(rng, unit.province, unit.regency_code, day)
                    regulars.append(person)
            submitted = _at(day, rng)
            category = rng.choices(CATEGORIES, CATEGORY_WEIGHTS)[0]
            history = status_history(submitted, unit, calendar, rng, cutoff)
            closed = history[-1]["status"] == "closed"
            records.append(
                {
                    "_day": day,
                    "complaint_id": None,
                    "unit_id": unit.unit_id,
                    "service_code": code,
                    "channel": rng.choices(CHANNELS, CHANNEL_WEIGHTS)[0],
                    "type": rng.choices(TYPES, TYPE_WEIGHTS)[0],
                    "category": category,
                    "submitted_at": submitted.strftime("%Y-%m-%dT%H:%M:%S"),
                    "status_history": history,
                    "reporter": None
                    if person is None
                    else {"name": person.name, "nik": person.nik, "phone": person.phone, "email": person.email},
                    "anonymous": anonymous,
                    "description": _description(category, unit, service, person, rng),
                    "rating": rng.choices(RATINGS, RATING_WEIGHTS)[0] if closed and rng.random() < 0.65 else None,
                }
            )
    return records


def number_complaints(records: list[dict]) -> list[dict]:
    """Sort all units' complaints by receipt and give them yearly running ids, LAPOR-YYYY-nnnnnn."""
    ordered = sorted(records, key=lambda r: (r["submitted_at"], r["unit_id"]))
    counters: dict[str, int] = {}
    for record in ordered:
        year = record["submitted_at"][:4]
        counters[year] = counters.get(year, 0) + 1
        record["complaint_id"] = f"LAPOR-{year}-{counters[year]:06d}"
    return ordered


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: exact for the small daily means used here.
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count
