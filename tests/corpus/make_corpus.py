"""How the bad-input corpus was made: `python tests/corpus/make_corpus.py` rewrites it byte for byte.

The files are committed as they are; what the pipeline must do with each one is the MANIFEST in
tests/test_bad_inputs.py (large and XLSX files are generated there, at test time). Dates avoid the
conftest landing zone's: queue and complaints in September 2026 (and 2027 for "future"), surveys in
2026-Q4. IDs carry a per-file prefix so files of one day never collide with each other.
"""

import json
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parent
QH = (
    "ticket_id,unit_id,service_code,counter_id,priority,channel,issued_at,called_at,service_start_at,service_end_at,"
    "outcome,fee_paid_idr"
)
SH = (
    "respondent_id,submitted_at,unit_id,service_code,gender,age,education,occupation,u1,u2,u3,u4,u5,u6,u7,u8,u9,"
    "suggestion"
)
SH14 = (
    "respondent_id,submitted_at,unit_id,service_code,gender,age,education,occupation,"
    + ",".join(f"u{i}" for i in range(1, 15))
    + ",suggestion"
)
AH = (
    "No Antrian;Kode Layanan;Loket;Prioritas;Jalur;Waktu Ambil;Waktu Panggil;Mulai Layanan;Selesai Layanan;Status;"
    "Biaya (Rp)"
)


def put(rel, data):
    p = ROOT / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    p.write_bytes(data)


def q(
    tid,
    day,
    unit="U1",
    svc="KTP",
    counter="L1",
    prio="false",
    ch="walk_in",
    iss="08:00:00",
    cal="08:05:00",
    st="08:06:00",
    en="08:15:00",
    out="served",
    fee="",
):
    def ts(t):
        return f"{day}T{t}" if t else ""

    return ",".join([tid, unit, svc, counter, prio, ch, ts(iss), ts(cal), ts(st), ts(en), out, fee])


def csv(header, rows, nl="\n", end=True):
    return nl.join([header, *rows]) + (nl if end else "")


# ---------------------------------------------------------------- queue / canonical
Q = "queue/canonical/"
# The evening before repeated at the top of the next day's export, whose own ticket numbers restart and recur.
put(Q + "queue_U1_evening_2026-09-22.csv", csv(QH, [q("EV-1", "2026-09-22"), q("EV-2", "2026-09-22", iss="08:01:00")]))
put(
    Q + "queue_U1_evening_2026-09-23.csv",
    csv(
        QH, [q("EV-2", "2026-09-22", iss="08:01:00"), q("EV-1", "2026-09-23"), q("EV-2", "2026-09-23", iss="08:01:00")]
    ),
)
# Three days of tickets named by the day after (the day it was exported), ticket numbers restarting every day; the
# last line's time is unreadable, and its record stays on the file's first day, beside that day's own FN-1.
put(
    Q + "queue_U1_exported_2026-09-24.csv",
    csv(
        QH,
        [
            q("FN-1", "2026-09-19"),
            q("FN-1", "2026-09-20"),
            q("FN-1", "2026-09-21"),
            q("FN-1", "2026-09-20").replace("2026-09-20T08:00:00", "kemarin", 1),
        ],
    ),
)
d = "2026-09-01"
put(
    Q + f"queue_U1_bom_{d}.csv",
    "\ufeff"
    + csv(
        QH,
        [
            q("BOM-1", d),
            q("BOM-2", d, iss="08:10:00", cal="08:40:00", st="08:41:00", en="08:50:00"),
            q("BOM-3", d, counter="", iss="09:00:00", cal="", st="", en="", out="abandoned"),
        ],
    ),
)

d = "2026-09-02"
put(
    Q + f"queue_U1_truncated_{d}.csv",
    csv(QH, [q("TRC-1", d), q("TRC-2", d, iss="08:20:00", cal="08:25:00", st="08:26:00", en="08:30:00")], end=False)
    + "\nTRC-3,U1,KTP,L2,false,walk_in,2026-09-02T08:3",
)
put(Q + f"queue_U1_header-only_{d}.csv", QH + "\n")
put(Q + f"queue_U1_empty_{d}.csv", b"")
random.seed(20260902)
put(
    Q + f"queue_U1_binary_{d}.csv",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(random.randrange(256) for _ in range(2048)),
)

d = "2026-09-03"
put(
    Q + f"queue_U1_semicolon_{d}.csv",
    csv(QH.replace(",", ";"), [q("SEM-1", d).replace(",", ";"), q("SEM-2", d, iss="09:00:00").replace(",", ";")]),
)
put(
    Q + f"queue_U1_mixed-encoding_{d}.csv",
    csv(
        QH,
        [
            q("ENC-1", d, counter="Loket Utama"),
            q("ENC-2", d, counter="Loket Dua", iss="08:30:00", cal="08:35:00", st="08:36:00", en="08:40:00"),
        ],
        end=False,
    ).encode("utf-8")
    + b"\n"
    + q(
        "ENC-3", d, counter="Lok\u00e9t Tig\u00e4", iss="09:00:00", cal="09:05:00", st="09:06:00", en="09:10:00"
    ).encode("cp1252")
    + b"\n",
)
put(
    Q + f"queue_U1_renamed-header_{d}.csv",
    csv(
        QH.replace("issued_at", "waktu_ambil"),
        [q("REN-1", d), q("REN-2", d, iss="09:00:00", cal="09:05:00", st="09:06:00", en="09:10:00")],
    ),
)
put(
    Q + f"queue_U1_extra-column_{d}.csv",
    csv(
        QH + ",operator_note",
        [q("EXT-1", d) + ",pagi", q("EXT-2", d, iss="09:00:00", cal="09:05:00", st="09:06:00", en="09:10:00") + ","],
    ),
)

d = "2026-09-04"
a = q("DUP-1", d)
put(
    Q + f"queue_U1_duplicates_{d}.csv",
    csv(
        QH,
        [
            a,
            q("DUP-2", d, iss="08:30:00", cal="08:35:00", st="08:36:00", en="08:40:00"),
            a,
            q("DUP-3", d, iss="09:00:00", cal="09:05:00", st="09:06:00", en="09:10:00"),
            q("DUP-3", d, iss="09:00:00", cal="09:20:00", st="09:21:00", en="09:30:00"),
        ],
    ),
)
put(
    Q + f"queue_U1_timestamps-out-of-order_{d}.csv",
    csv(
        QH,
        [
            q("ORD-1", d, iss="10:00:00", cal="09:50:00", st="10:01:00", en="10:10:00"),
            q("ORD-2", d, iss="10:00:00", cal="10:10:00", st="10:05:00", en="10:20:00"),
            q("ORD-3", d, iss="10:00:00", cal="10:10:00", st="10:11:00", en="10:09:00"),
            q("ORD-4", d, iss="10:30:00", cal="10:35:00", st="10:36:00", en="10:45:00"),
        ],
    ),
)

d = "2026-09-07"
put(
    Q + f"queue_UX_unknown-unit_{d}.csv",
    csv(
        QH,
        [
            q("UNK-1", d, unit="UX"),
            q("UNK-2", d, unit="UX", iss="09:00:00", cal="09:05:00", st="09:06:00", en="09:10:00"),
        ],
    ),
)
put(
    Q + f"queue_U1_unknown-service_{d}.csv",
    csv(
        QH,
        [
            q("SVC-1", d, svc="PASPOR"),
            q("SVC-2", d, svc="IMB", iss="09:00:00", cal="09:05:00", st="09:06:00", en="09:10:00"),
            q("SVC-3", d, iss="09:30:00", cal="09:35:00", st="09:36:00", en="09:40:00"),
        ],
    ),
)
put(
    Q + f"queue_U1_bad-values_{d}.csv",
    csv(
        QH,
        [
            q("VAL-1", d, fee="gratis"),
            q("VAL-2", d, prio="maybe", iss="08:10:00", cal="08:15:00", st="08:16:00", en="08:20:00"),
            q("VAL-3", d, out="done", iss="08:20:00", cal="08:25:00", st="08:26:00", en="08:30:00"),
            q("VAL-4", d, iss="25:99:00", cal="08:35:00", st="08:36:00", en="08:40:00"),
            q("VAL-5", d, fee="-5000", iss="08:40:00", cal="08:45:00", st="08:46:00", en="08:50:00"),
            q("VAL-6", d, out="served", iss="08:50:00", cal="", st="", en=""),
            q("VAL-7", d, out="abandoned", iss="09:00:00", cal="09:05:00", st="", en=""),
            q("VAL-8", d, iss="09:10:00", cal="09:15:00", st="09:16:00", en="09:20:00"),
        ],
    ),
)

d = "2027-03-01"
put(
    Q + f"queue_U1_future_{d}.csv",
    csv(QH, [q("FUT-1", d), q("FUT-2", d, iss="09:00:00", cal="09:05:00", st="09:06:00", en="09:10:00")]),
)
d = "2026-09-09"
put(
    Q + f"queue_U1_unclosed-quote_{d}.csv",
    csv(QH, [q("QUO-1", d)], end=False)
    + '\nQUO-2,U1,KTP,"Loket Dua,false,walk_in,2026-09-09T09:00:00,2026-09-09T09:05:00,2026-09-09T09:06:00,'
    "2026-09-09T09:10:00,served,\n"
    + q("QUO-3", d, iss="09:30:00", cal="09:35:00", st="09:36:00", en="09:40:00")
    + "\n",
)
# '2026-9-9T8:0' has the shape of no profile format (a lenient parser reads it as 08:00)
put(
    Q + f"queue_U1_loose-timestamps_{d}.csv",
    csv(
        QH,
        [
            q("LTS-1", d).replace(f"{d}T08:00:00", "2026-9-9T8:0", 1),
            q("LTS-2", d, iss="10:00:00", cal="10:05:00", st="10:06:00", en="10:10:00"),
        ],
    ),
)
put(
    Q + f"queue_U1_long-row_{d}.csv",
    csv(
        QH,
        [
            q("LNG-1", d, iss="11:00:00", cal="11:05:00", st="11:06:00", en="11:10:00"),
            q("LNG-2", d, iss="11:30:00", cal="11:35:00", st="11:36:00", en="11:40:00") + ",catatan",
        ],
    ),
)
d = "2026-09-10"
put(
    Q + f"queue_U1_rows-on-another-day_{d}.csv",
    csv(
        QH,
        [
            q("DAY-1", "2026-09-11"),
            q("DAY-2", "2026-09-11", iss="09:00:00", cal="09:05:00", st="09:06:00", en="09:10:00"),
        ],
    ),
)
put(Q + "queue_U1_no-date.csv", csv(QH, [q("NOD-1", "2026-09-10")]))
put(Q + "queue_U1_header-only-no-date.csv", csv(QH, []))
put(Q + "queue_U1_title-row-no-date.csv", "Laporan Antrian,U1,September 2026\n" + csv(QH, [q("TTL-1", "2026-09-10")]))
d = "2026-09-14"
put(
    Q + f"queue_U1_two-bad-values_{d}.csv",
    csv(
        QH,
        [
            q("TWO-1", d),
            q("TWO-2", d, iss="09:00:00", cal="garbage", st="garbage", en="09:10:00"),
            # As Excel saves a CSV: no seconds, a space for the T.
            q("TWO-3", d, iss="10:00", cal="10:05", st="10:06", en="10:10").replace(f"{d}T", f"{d} "),
        ],
    ),
)
d = "2026-09-15"
put(
    Q + f"queue_U1_spelled-codes_{d}.csv",
    csv(
        QH,
        [
            q("SPL-1", d, unit="u1", svc="ktp"),
            q(
                "SPL-2",
                d,
                svc="Ktp",
                ch="Walk_In",
                out="Served",
                iss="09:00:00",
                cal="09:05:00",
                st="09:06:00",
                en="09:10:00",
            ),
            q("SPL-3", d, unit=" U1 ", out="SERVED", iss="10:00:00", cal="10:05:00", st="10:06:00", en="10:10:00"),
        ],
    ),
)
overlap = q("OVL-2", "2026-09-16", iss="17:00:00", cal="17:05:00", st="17:06:00", en="17:10:00")
put(Q + "queue_U1_overlap_2026-09-16.csv", csv(QH, [q("OVL-1", "2026-09-16"), overlap]))
# The next day's export repeats the evening before's last ticket.
put(Q + "queue_U1_overlap_2026-09-17.csv", csv(QH, [overlap, q("OVL-3", "2026-09-17")]))

# ---------------------------------------------------------------- queue / antrian_id (Windows-1252, ';')
A = "queue/antrian_id/"


def ar(
    no,
    day,
    loket="Loket Satu",
    prio="Tidak",
    jalur="Langsung",
    iss="09:00",
    cal="09:10",
    st="09:11",
    en="09:30",
    status="selesai",
    fee="50.000,00",
    svc="IMB",
):
    def t(x):
        return f"{day} {x}" if x else ""

    return ";".join([no, svc, loket, prio, jalur, t(iss), t(cal), t(st), t(en), status, fee])


put(
    A + "antrian_U2_01-09-2026.csv",
    csv(
        AH,
        [
            ar("C-001", "01/09/2026", loket="Lok\u00e9t \u201cUtama\u201d \u2013 Timur"),
            ar(
                "C-002",
                "01/09/2026",
                loket="R\u00e9sepsionis \u00bd",
                prio="Ya",
                jalur="Online",
                iss="09:05",
                cal="09:45",
                st="",
                en="",
                status="dilewati",
                fee="",
            ),
        ],
        nl="\r\n",
    ).encode("cp1252"),
)
put(
    A + "antrian_U2_02-09-2026.csv",
    csv(AH, [ar("D-001", "02/09/2026", loket="Lok\u00e9t Utama")], nl="\r\n").encode("utf-8"),
)
put(
    A + "antrian_U2_03-09-2026.csv",
    csv(AH.replace(";", ","), [ar("E-001", "03/09/2026", fee="").replace(";", ",")], nl="\r\n").encode("cp1252"),
)
put(
    A + "antrian_U2_15-09-2026.csv",
    csv(
        AH,
        [
            ar("K-001", "15/09/2026", status="Selesai", svc="imb"),
            ar(
                "K-002",
                "15/09/2026",
                status="DILAYANI",
                prio="TIDAK",
                jalur="langsung",
                iss="09:10",
                cal="09:20",
                st="09:21",
            ),
        ],
        nl="\r\n",
    ).encode("cp1252"),
)
put(A + "antrian_UX_04-09-2026.csv", csv(AH, [ar("F-001", "04/09/2026")], nl="\r\n").encode("cp1252"))
put(
    A + "antrian_U2_07-09-2026.csv",
    csv(AH, [ar("G-001", "07/09/2026")], nl="\r\n").encode("cp1252").replace(b"Loket Satu", b"Loket \x81\x8d\x8f"),
)
put(
    A + "antrian_U2_08-09-2026.csv",
    csv(
        AH,
        [
            ar("H-001", "08/09/2026", status="ditunda"),
            ar("H-002", "08/09/2026", prio="Iya", iss="09:10", cal="09:20", st="09:21", en="09:40"),
            ar("H-003", "08/09/2026", fee="Rp 50.000", iss="09:20", cal="09:30", st="09:31", en="09:50"),
            ar("H-004", "08/09/2026", iss="09:30", cal="09:40", st="09:41", en="09:55"),
        ],
        nl="\r\n",
    ).encode("cp1252"),
)
put(A + "antrian_U2_31-02-2026.csv", csv(AH, [ar("I-001", "28/02/2026")], nl="\r\n").encode("cp1252"))

# ------------------------------------------------------- survey / canonical (Q4: the conftest's IKM is 2026-Q3)
S = "survey/canonical/"


def s(rid, day, unit="U1", svc="KTP", g="L", age="30", edu="SMA", occ="Swasta", ans=("3",) * 9, sug="", t="10:00:00"):
    return ",".join([rid, f"{day}T{t}", unit, svc, g, age, edu, occ, *ans, sug])


d = "2026-10-01"
put(
    S + f"survey_U1_bom_{d}.csv",
    "\ufeff" + csv(SH, [s("BOM-1", d, ans=("4",) * 9), s("BOM-2", d, ans=("3",) * 9), s("BOM-3", d, ans=("2",) * 9)]),
)
d = "2026-10-02"
put(
    S + f"survey_U1_out-of-range_{d}.csv",
    csv(
        SH,
        [
            s("RNG-1", d, ans=("3", "3", "5", "3", "3", "3", "3", "3", "3")),
            s("RNG-2", d, ans=("0", "3", "3", "3", "3", "3", "3", "3", "3")),
            s("RNG-3", d, age="150"),
            s("RNG-4", d, ans=("4", "4", "4", "4", "4", "4", "4", "4", "4")),
            s("RNG-5", d, ans=("-1", "3", "3", "3", "3", "3", "3", "3", "3")),
        ],
    ),
)
put(
    S + f"survey_U1_non-numeric_{d}.csv",
    csv(
        SH,
        [
            s("NUM-1", d, ans=("3", "baik", "3", "3", "3", "3", "3", "3", "3")),
            s("NUM-2", d, ans=("3", "3", "3", "3", "3.5", "3", "3", "3", "3")),
            s("NUM-3", d, age="tiga puluh"),
            s("NUM-4", d, ans=("4", "4", "4", "4", "4", "4", "4", "4", "4")),
        ],
    ),
)
d = "2026-10-05"
put(
    S + f"survey_U1_truncated_{d}.csv",
    csv(SH, [s("TRS-1", d), s("TRS-2", d)], end=False) + "\nTRS-3,2026-10-05T11:00:00,U1,KTP,P,41,SMA,PNS,4,3,",
)
put(S + f"survey_U1_header-only_{d}.csv", SH + "\n")
put(
    S + f"survey_U1_cp1252-row_{d}.csv",
    csv(SH, [s("CPS-1", d, sug="Pelayanan cepat")], end=False).encode("utf-8")
    + b"\n"
    + s("CPS-2", d, sug="Caf\u00e9 di lobi bagus").encode("cp1252")
    + b"\n",
)
d = "2026-10-06"
r = s("DUP-1", d)
put(
    S + f"survey_U1_duplicates_{d}.csv",
    csv(SH, [r, r, s("DUP-2", d, ans=("4",) * 9), s("DUP-2", d, ans=("1",) * 9), s("DUP-3", d)]),
)
put(
    S + f"survey_U1_mixed-methods_{d}.csv",
    csv(
        SH14,
        [
            ",".join(["MIX-1", f"{d}T10:00:00", "U1", "KTP", "L", "30", "SMA", "Swasta", *["3"] * 9, *[""] * 5, ""]),
            ",".join(["MIX-2", f"{d}T10:30:00", "U1", "KTP", "P", "31", "SMA", "Swasta", *["3"] * 14, ""]),
        ],
    ),
)
d = "2026-10-07"
put(
    S + f"survey_U2_unknown-service_{d}.csv",
    csv(SH, [s("SVU-1", d, unit="U2", svc="KTP"), s("SVU-2", d, unit="U2", svc="IMB")]),
)
put(S + f"survey_UX_unknown-unit_{d}.csv", csv(SH, [s("UXU-1", d, unit="UX")]))
put(S + f"survey_U1_renamed-header_{d}.csv", csv(SH.replace("respondent_id", "no_responden"), [s("RHD-1", d)]))
put(S + f"survey_U1_tab-delimited_{d}.csv", csv(SH.replace(",", "\t"), [s("TAB-1", d).replace(",", "\t")]))
put(
    S + f"survey_U1_bad-codes_{d}.csv",
    csv(
        SH,
        [
            s("COD-1", d, g="X"),
            s("COD-2", d, edu="S4"),
            s("COD-3", d, occ="Astronaut"),
            s("COD-4", d, unit="", svc="KTP"),
            s("COD-5", d, t=""),
        ],
    ),
)


d = "2026-10-08"
put(
    S + f"survey_U1_unclosed-quote_{d}.csv",
    csv(SH, [s("UCQ-1", d), s("UCQ-2", d, sug='"Tolong hubungi saya di 081311112222'), s("UCQ-3", d)]),
)
put(
    S + f"survey_U1_stray-quotes_{d}.csv",
    csv(
        SH,
        [
            s("QTE-1", d),
            s("QTE-2", d, sug='"Antrian lama'),
            s("QTE-3", d),
            s("QTE-4", d, sug='kursi kurang"'),
            s("QTE-5", d),
        ],
    ),
)
d = "2026-10-09"
# A quoted suggestion with a delimiter, an escaped quote and a line break is one field, not a stray quote.
put(
    S + f"survey_U1_multiline-suggestion_{d}.csv",
    csv(SH, [s("MLS-1", d, sug='"Antrian lama, ""kursi"" kurang\nTambah loket"'), s("MLS-2", d)]),
)
d = "2027-01-04"
put(S + f"survey_U1_future_{d}.csv", csv(SH, [s("SFU-1", d)]))

# ---------------------------------------------------------------- survey / eskm_xlsx (not spreadsheets)
E = "survey/eskm_xlsx/"
put(E + "eskm_U1_2026-10-08.xlsx", "No,Tanggal,Kode Layanan\n1,08/10/2026 10:00,KTP\n")
random.seed(20261008)
put(
    E + "eskm_U2_2026-10-08.xlsx",
    b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(random.randrange(256) for _ in range(4096)),
)
put(E + "eskm_U1_2026-10-09.xlsx", b"")

# ---------------------------------------------------------------- complaints / canonical (JSON Lines)
C = "complaints/canonical/"


def c(cid, day, unit="U1", history=None, t="09:00:00", **kw):
    at = f"{day}T{t}"
    rec = {
        "complaint_id": cid,
        "unit_id": unit,
        "service_code": "KTP",
        "channel": "web",
        "type": "pengaduan",
        "category": "time",
        "submitted_at": at,
        "status_history": history if history is not None else [{"status": "received", "at": at}],
        "reporter": None,
        "anonymous": True,
        "description": "Antrian terlalu lama",
        "rating": None,
    }
    rec.update(kw)
    return json.dumps(rec, ensure_ascii=False)


def h(*pairs):
    return [{"status": s_, "at": a} for s_, a in pairs]


def jl(lines, end=True):
    return "\n".join(lines) + ("\n" if end else "")


# A LAPOR!-style export and its update, named without a day: the update re-sends VER-1 verified.
d = "2026-09-18"
put(C + "complaints_lapor-export.jsonl", jl([c("VER-1", d)]))
put(
    C + "complaints_lapor-export-update.jsonl",
    jl(
        [
            c("VER-1", d, history=h(("received", f"{d}T09:00:00"), ("verified", f"{d}T11:00:00"))),
            c("VER-2", d, t="10:00:00"),
        ]
    ),
)
d = "2026-09-01"
good = c("MAL-1", d)
put(
    C + f"complaints_malformed-lines_{d}.jsonl",
    jl([good, c("MAL-2", d)[:-1], "{'complaint_id': 'MAL-3'}", "", c("MAL-4", d)[:60]], end=False),
)
d = "2026-09-02"
put(C + f"complaints_deeply-nested_{d}.jsonl", jl([c("NST-1", d), "[" * 100_000 + "]" * 100_000]))
put(
    C + f"complaints_not-objects_{d}.jsonl",
    jl([json.dumps([c("ARR-1", d)]), "42", '"LAPOR-2026"', "null", c("ARR-5", d)]),
)
d = "2026-09-03"
put(
    C + f"complaints_status-history_{d}.jsonl",
    jl(
        [
            c("HIS-1", d, history=h(("received", f"{d}T09:00:00"), ("forwarded", f"{d}T08:00:00"))),
            c("HIS-2", d, history=h(("verified", f"{d}T09:00:00"), ("received", f"{d}T10:00:00"))),
            c("HIS-3", d, history=[]),
            c("HIS-4", d, history=h(("received", f"{d}T11:00:00"), ("verified", f"{d}T12:00:00"))),
            c("HIS-5", d, history="received"),
            c("HIS-6", d, history=h(("received", f"{d}T09:00:00"), ("verified", "besok"))),
            c("HIS-7", d, history=h(("received", f"{d}T09:00:00"), ("verified", "2026-09-04T09:00:00"))),
        ]
    ),
)
put(
    C + f"complaints_unknown-status_{d}.jsonl",
    jl(
        [
            c("UST-1", d, history=h(("received", f"{d}T09:00:00"), ("selesai", "2026-09-04T09:00:00"))),
            c("UST-2", d, history=h(("received", f"{d}T09:00:00"), ("closed", "2026-09-04T09:00:00"))),
        ]
    ),
)
d = "2026-09-04"
x = c("DUP-1", d)
put(
    C + f"complaints_duplicates_{d}.jsonl",
    jl([x, x, c("DUP-2", d, category="cost"), c("DUP-2", d, category="pungli"), c("DUP-3", d)]),
)
bad = json.loads(c("BAD-5", d))
del bad["complaint_id"]
put(
    C + f"complaints_bad-values_{d}.jsonl",
    jl(
        [
            c("BAD-1", d, unit="UX"),
            c("BAD-2", d, rating=7),
            c("BAD-3", d, rating="lima"),
            c("BAD-4", d, channel="fax"),
            json.dumps(bad),
            c("BAD-6", d, submitted_at="kemarin"),
            c("BAD-7", d, anonymous="mungkin"),
            c("BAD-8", d, rating=5),
        ]
    ),
)
d = "2026-09-07"
put(C + f"complaints_empty_{d}.jsonl", b"")
put(C + f"complaints_blank-lines_{d}.jsonl", "\n  \n\t\n\n")
put(
    C + f"complaints_latin1_{d}.jsonl",
    (c("LAT-1", d) + "\n").encode("utf-8")
    + c("LAT-2", d, description="Petugas ramah, caf\u00e9 bersih").encode("latin-1")
    + b"\n",
)
d = "2026-09-08"
random.seed(20260908)
put(
    C + f"complaints_binary_{d}.jsonl",
    b"\x1f\x8b\x08\x00\x00\x00\x00\x00" + bytes(random.randrange(256) for _ in range(2048)),
)
renamed = [json.loads(c(f"KEY-{i}", d)) for i in (1, 2)]
for rec in renamed:
    rec["tanggal"] = rec.pop("submitted_at")
put(C + f"complaints_renamed-key_{d}.jsonl", jl([json.dumps(rec) for rec in renamed]))
d = "2026-09-09"
put(C + f"complaints_bom_{d}.jsonl", "\ufeff" + jl([c("CBM-1", d), c("CBM-2", d, t="10:00:00")]))
put(
    C + f"complaints_future-status_{d}.jsonl",
    jl(
        [
            c("CFS-1", d, history=h(("received", f"{d}T09:00:00"), ("verified", "2027-09-10T09:00:00"))),
            c("CFS-2", d, history=h(("received", f"{d}T09:00:00"), ("verified", "2026-09-10T09:00:00"))),
        ]
    ),
)
d = "2027-02-01"
put(
    C + f"complaints_future_{d}.jsonl",
    jl([c("CFU-1", d, history=h(("received", f"{d}T09:00:00"), ("verified", "2027-02-02T09:00:00")))]),
)
put(C + "complaints_2026-09-10.json", jl([c("JSN-1", "2026-09-10")]))
d = "2026-09-11"
put(
    C + f"complaints_mistyped-year_{d}.jsonl",
    jl(
        [
            c("CMY-1", "2023-09-11", history=h(("received", "2023-09-11T09:00:00"))),  # 2023 typed for 2026
            c("CMY-2", "2026-09-01", history=h(("received", "2026-09-01T09:00:00"))),  # exported ten days later
            c("CMY-3", "2026-09-08", history=h(("received", "2026-09-08T09:00:00"))),
            # 2024 typed for 2026: within two years of the file's first day, not of its latest
            c("CMY-4", "2024-09-03", history=h(("received", "2024-09-03T09:00:00"))),
            c("CMY-5", "2026-09-05", history=h(("received", "2026-09-05T09:00:00"))),
        ]
    ),
)
d = "2026-09-14"
put(
    C + f"complaints_future-typo_{d}.jsonl",
    jl(
        [
            c("CFT-2", "2026-09-03", history=h(("received", "2026-09-03T09:00:00"))),  # exported eleven days later
            c("CFT-4", "2026-09-05", history=h(("received", "2026-09-05T09:00:00"))),
            c("CFT-3", "2062-09-14", history=h(("received", "2062-09-14T09:00:00"))),  # 2062 typed for 2026
        ]
    ),
)
d = "2026-09-15"
put(
    C + f"complaints_stray_{d}.jsonl",
    jl(
        [
            c("CST-1", d, history=h(("received", f"{d}T09:00:00"))),
            c("CST-2", d, t="10:00:00", history=h(("received", f"{d}T10:00:00"))),
            c("CST-3", "2026-09-04", history=h(("received", "2026-09-04T09:00:00"))),  # synced late
        ]
    ),
)
