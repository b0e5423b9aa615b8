"""SKM respondents (Survei Kepuasan Masyarakat): survey days, respondent profiles and answers."""

from __future__ import annotations

import random
import zlib
from collections import defaultdict
from datetime import date, datetime, timedelta

import numpy as np
import polars as pl

from .people import Person, person_name, random_person
from .reference import ServiceStandard, Unit, services_of, standard_on
from .workdays import WorkCalendar

# PermenPANRB 14/2017, nine unsur: U1 persyaratan, U2 prosedur, U3 waktu penyelesaian, U4 biaya/tarif,
# U5 produk layanan, U6 kompetensi pelaksana, U7 perilaku pelaksana, U8 sarana dan prasarana,
# U9 penanganan pengaduan. Waiting time and facilities are the usual weak spots; fees score high
# where most services are free.
UNSUR_SHIFT_2017 = (0.1, 0.0, -0.35, 0.35, 0.05, 0.1, 0.2, -0.3, -0.15)
# KepMenPAN 25/2004, fourteen unsur: prosedur, persyaratan, kejelasan petugas, kedisiplinan petugas,
# tanggung jawab petugas, kemampuan petugas, kecepatan pelayanan, keadilan, kesopanan dan keramahan,
# kewajaran biaya, kepastian biaya, kepastian jadwal, kenyamanan lingkungan, keamanan pelayanan.
UNSUR_SHIFT_2004 = (0.0, 0.05, 0.05, -0.1, 0.05, 0.1, -0.35, 0.1, 0.2, 0.3, 0.25, -0.2, -0.3, 0.1)
# Ordered-probit cut points on a standard-normal opinion: an average unit answers
# 1/2/3/4 with probabilities 0.03/0.12/0.55/0.30.
ANSWER_CUTS = np.array([-1.881, -1.036, 0.524])
HALO_SD = 0.5  # one respondent rates all unsur alike; the rest of the spread is per unsur
MISSING_ANSWER_RATE = 0.01
SURVEY_DAYS_PER_WEEK = 2
NO_SUGGESTION_SHARE = 0.72  # most respondents leave the saran empty
PERSONAL_SUGGESTION_FROM = 0.95  # the last 5 % write their own contact details into it

EDUCATION = ("SD", "SMP", "SMA", "D1-D3", "D4-S1", "S2", "S3")
EDUCATION_WEIGHTS = (0.07, 0.11, 0.42, 0.10, 0.24, 0.05, 0.01)
OCCUPATION = ("PNS", "TNI/POLRI", "Swasta", "Wirausaha", "Pelajar/Mahasiswa", "Lainnya")
OCCUPATION_WEIGHTS_ADULT = (0.12, 0.03, 0.36, 0.26, 0.03, 0.20)
OCCUPATION_WEIGHTS_YOUNG = (0.02, 0.01, 0.22, 0.08, 0.55, 0.12)
OCCUPATION_WEIGHTS_RETIRED = (0.04, 0.01, 0.08, 0.22, 0.0, 0.65)

# How a unit's survey tool writes the profile (data_contracts/vocabularies/survey_respondent.yaml reads them
# back): the contract's codes, an e-SKM app's labels, or paper forms typed in by hand in several ways.
SPELLING_STYLES = ("codes", "app", "paper")
APP_SPELLING = {
    "gender": {"L": "Laki-laki", "P": "Perempuan"},
    "education": {
        "SD": "SD/MI",
        "SMP": "SMP/MTs",
        "SMA": "SMA/SMK",
        "D1-D3": "D3",
        "D4-S1": "S1",
        "S2": "S2",
        "S3": "S3",
    },
    "occupation": {
        "PNS": "PNS/ASN",
        "TNI/POLRI": "TNI/Polri",
        "Swasta": "Pegawai Swasta",
        "Wirausaha": "Wiraswasta",
        "Pelajar/Mahasiswa": "Pelajar/Mahasiswa",
        "Lainnya": "Lainnya",
    },
}
PAPER_SPELLINGS = {
    "gender": {
        "L": ("L", "Laki-laki", "Laki - laki", "laki-laki", "Pria"),
        "P": ("P", "Perempuan", "perempuan", "Wanita"),
    },
    "education": {
        "SD": ("SD", "Tidak tamat SD", "Tidak sekolah"),
        "SMP": ("SMP", "SLTP"),
        "SMA": ("SMA", "SMK", "SLTA", "sma"),
        "D1-D3": ("D3", "D-III", "Diploma"),
        "D4-S1": ("S1", "Sarjana", "D4", "S-1"),
        "S2": ("S2", "Magister"),
        "S3": ("S3", "Doktor"),
    },
    "occupation": {
        "PNS": ("PNS", "ASN"),
        "TNI/POLRI": ("TNI", "POLRI"),
        "Swasta": ("Swasta", "Karyawan", "Pegawai swasta"),
        "Wirausaha": ("Wiraswasta", "Pedagang", "Wirausaha"),
        "Pelajar/Mahasiswa": ("Pelajar", "Mahasiswa", "Siswa"),
        "Lainnya": ("Lainnya", "Ibu Rumah Tangga", "Petani", "Pensiunan"),
    },
}

PLAIN_SUGGESTIONS = (
    "Pelayanan sudah baik, pertahankan.",
    "Antrian terlalu lama, mohon tambah petugas di loket.",
    "Ruang tunggu panas, AC tidak berfungsi.",
    "Petugas ramah dan membantu.",
    "Mohon informasi persyaratan dipasang lebih jelas di papan pengumuman.",
    "Parkir sempit, susah cari tempat.",
    "Sistem antrian online sering error.",
    "Kursi ruang tunggu kurang, banyak yang berdiri.",
    "Terima kasih, prosesnya cepat.",
    "Toilet kurang bersih.",
    "Jam istirahat petugas terlalu lama, loket sering kosong.",
    "Sebaiknya ada loket khusus lansia dan disabilitas.",
    "Mohon kejelasan waktu penyelesaian dokumen.",
    "Blangko sering habis, harus datang lagi.",
    "Petugas kurang senyum.",
    "Pelayanan memuaskan, semoga makin baik.",
    "Website sering tidak bisa diakses.",
    "Tolong sediakan air minum di ruang tunggu.",
    "Prosedur berbelit, harus bolak-balik ke beberapa meja.",
    "Mantap, tidak ada pungutan biaya.",
    "Nomor antrian dipanggil terlalu cepat, tidak terdengar.",
    "Perlu petunjuk arah ke loket yang lebih jelas.",
)
# Respondents do write their own contact details into the saran field; the pipeline must scrub them.
PERSONAL_SUGGESTIONS = (
    "Berkas saya belum jadi, tolong hubungi {phone}.",
    "Saya {name}, mohon dikabari lewat WA {phone} kalau dokumen sudah selesai.",
    "Kirim info ke email saya {email} ya, terima kasih.",
    "Pelayanan lambat. {name} ({phone})",
    "Atas nama {name}, NIK {nik}, pengajuan belum ada kabar sampai sekarang.",
    "Terima kasih bapak/ibu petugas. Salam, {name}",
)
# ... and other people's names, which no identity column of the row holds: staff, relatives, neighbours.
OTHER_PERSON_SENTENCES = (
    " Terima kasih untuk Ibu {other} di loket, sabar sekali.",
    " Petugas bernama {other} kurang ramah.",
    " Tolong sampaikan ke Pak {other}, berkas saya sudah lengkap.",
    " Dilayani {other}, cepat dan jelas.",
    " Pengambilan dokumen saya kuasakan kepada {other}.",
    " {other} di loket informasi sangat membantu.",
    " Mohon Bapak {other} ditegur, sering meninggalkan loket.",
)
OTHER_PERSON_SHARE = 0.3


def unsur_count(unit: Unit) -> int:
    return 14 if unit.legacy_survey else 9


def answer_columns(unit: Unit) -> list[str]:
    return [f"u{i}" for i in range(1, unsur_count(unit) + 1)]


def survey_days(unit: Unit, calendar: WorkCalendar, rng: random.Random) -> list[date]:
    """Two weekdays per week on which the unit hands out the questionnaire, all year round."""
    weeks: dict[tuple[int, int], list[date]] = defaultdict(list)
    for day in calendar.open_days(opens_saturday=False):
        weeks[day.isocalendar()[:2]].append(day)
    chosen = []
    for week in sorted(weeks):
        days = weeks[week]
        chosen.extend(sorted(rng.sample(days, min(SURVEY_DAYS_PER_WEEK, len(days)))))
    return chosen


def draw_answers(unit: Unit, respondents: int, rng: np.random.Generator) -> np.ndarray:
    """Answers 1–4 (0 = not answered), one row per respondent, one column per unsur."""
    shifts = np.array(UNSUR_SHIFT_2004 if unit.legacy_survey else UNSUR_SHIFT_2017)
    halo = rng.normal(0.0, HALO_SD, (respondents, 1))
    own = rng.normal(0.0, np.sqrt(1 - HALO_SD**2), (respondents, len(shifts)))
    opinion = unit.traits.satisfaction + shifts[None, :] + halo + own
    answers = 1 + (opinion[..., None] > ANSWER_CUTS).sum(axis=-1)
    answers[rng.random(opinion.shape) < MISSING_ANSWER_RATE] = 0
    return answers


def _age(rng: random.Random) -> int:
    return min(75, 17 + int(rng.gammavariate(2.5, 8.0)))


def _occupation(rng: random.Random, age: int) -> str:
    if age <= 23:
        weights = OCCUPATION_WEIGHTS_YOUNG
    elif age >= 60:
        weights = OCCUPATION_WEIGHTS_RETIRED
    else:
        weights = OCCUPATION_WEIGHTS_ADULT
    return rng.choices(OCCUPATION, weights)[0]


def _education(rng: random.Random, age: int) -> str:
    if age < 20:
        return rng.choices(("SMP", "SMA"), (0.2, 0.8))[0]
    return rng.choices(EDUCATION, EDUCATION_WEIGHTS)[0]


def spelling_style(unit: Unit) -> str:
    """A unit's survey tool keeps one style; fixed by the unit id, so the answers' random streams do not move."""
    if unit.survey_profile == "eskm_xlsx":
        return "app"
    return SPELLING_STYLES[zlib.crc32(unit.unit_id.encode()) % len(SPELLING_STYLES)]


def spelled(profile: dict[str, str], style: str, rng: random.Random, gender_as_code: bool) -> dict[str, str]:
    """The respondent's gender, education and occupation as the unit's tool writes them."""
    if style == "codes":
        return profile
    out = {}
    for column, value in profile.items():
        if column == "gender" and gender_as_code:
            out[column] = value
        elif style == "app":
            out[column] = APP_SPELLING[column][value]
        else:
            out[column] = rng.choice(PAPER_SPELLINGS[column][value])
    return out


def whatsapp_number(rng: random.Random, phone: str) -> str:
    style = rng.random()
    if style < 0.7:
        return phone
    if style < 0.85:
        return "62" + phone[1:]
    return f"+62 {phone[1:4]}-{phone[4:8]}-{phone[8:]}"


def _suggestion(rng: random.Random, draw: float, person: Person | None, province: str) -> str | None:
    if draw < NO_SUGGESTION_SHARE:
        return None
    if draw < PERSONAL_SUGGESTION_FROM:
        return rng.choice(PLAIN_SUGGESTIONS)
    text = rng.choice(PERSONAL_SUGGESTIONS).format(
        name=person.name, phone=person.phone, email=person.email, nik=person.nik
    )
    return text + other_person_sentence(person.nik, province)


def other_person_sentence(seed: str, province: str) -> str:
    """Sometimes a sentence naming someone else; drawn from its own stream so the survey's draws stay put."""
    own = random.Random(seed)
    if own.random() >= OTHER_PERSON_SHARE:
        return ""
    other = person_name(own, province, own.choice("LP"))
    return own.choice(OTHER_PERSON_SENTENCES).format(other=other)


SURVEY_BASE_COLUMNS = (
    "respondent_id",
    "submitted_at",
    "unit_id",
    "service_code",
    "gender",
    "age",
    "education",
    "occupation",
)


def survey_schema(unit: Unit) -> dict[str, pl.DataType]:
    columns = [
        *SURVEY_BASE_COLUMNS,
        *answer_columns(unit),
        "suggestion",
        "_name",
        "_whatsapp",
    ]
    return {"_day": pl.Date, "_order": pl.Int64, **{c: pl.String for c in columns}}


def simulate_survey(
    unit: Unit,
    services: list[ServiceStandard],
    calendar: WorkCalendar,
    rng: random.Random,
    answer_rng: np.random.Generator,
) -> pl.DataFrame:
    """All respondents of `unit` in the period as canonical cells (strings), with `_day`, `_order`,
    and the respondent's name and WhatsApp number (`_name`, `_whatsapp`) that only e-SKM exports carry."""
    codes = services_of(unit, services)
    with_identity = unit.survey_profile == "eskm_xlsx"
    style = spelling_style(unit)
    # Its own stream: spelling a value must not shift the draws of answers and people.
    spelling_rng = random.Random(f"spelling:{unit.unit_id}")
    rows = []
    for day in survey_days(unit, calendar, rng):
        count = 5 + sum(rng.random() < 0.6 for _ in range(20))
        opens = unit.traits.opens_minute * 60
        closes = (unit.traits.last_ticket_minute + 60) * 60
        moments = sorted(rng.randrange(opens + 600, closes) for _ in range(count))
        answers = draw_answers(unit, count, answer_rng)
        weights = [standard_on(unit, code, day, services).demand_weight for code in codes]
        for number, (moment, given) in enumerate(zip(moments, answers, strict=False), start=1):
            age = _age(rng)
            gender = "L" if rng.random() < 0.48 else "P"
            suggestion_draw = rng.random()
            # Identity is only drawn where it lands in a file: e-SKM exports and personal suggestions.
            person = None
            if with_identity or suggestion_draw >= PERSONAL_SUGGESTION_FROM:
                person = random_person(rng, unit.province, unit.regency_code, day, gender=gender, age=age)
            submitted = datetime.combine(day, datetime.min.time()) + timedelta(seconds=moment)
            rows.append(
                {
                    "_day": day,
                    "_order": len(rows) * 4,
                    "respondent_id": f"R-{unit.unit_id}-{day:%Y%m%d}-{number:03d}",
                    "submitted_at": submitted.strftime("%Y-%m-%dT%H:%M:%S"),
                    "unit_id": unit.unit_id,
                    "service_code": rng.choices(codes, weights)[0],
                    "age": str(age),
                    # The e-SKM writer (vendor_formats.py) spells gender itself.
                    **spelled(
                        {"gender": gender, "education": _education(rng, age), "occupation": _occupation(rng, age)},
                        style,
                        spelling_rng,
                        gender_as_code=with_identity,
                    ),
                    **{
                        column: (str(int(a)) if a else None)
                        for column, a in zip(answer_columns(unit), given, strict=False)
                    },
                    "suggestion": _suggestion(rng, suggestion_draw, person, unit.province),
                    "_name": person.name if with_identity and rng.random() < 0.88 else None,
                    "_whatsapp": whatsapp_number(rng, person.phone) if with_identity and rng.random() < 0.85 else None,
                }
            )
    return pl.DataFrame(rows, schema=survey_schema(unit))
