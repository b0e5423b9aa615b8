"""The first indicators, against values computed by hand from the landing zone in conftest.py."""

from __future__ import annotations

import pytest


def one(con, sql, params=None):
    rows = con.execute(sql, params or []).fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def test_ikm_2017_by_hand(warehouse):
    # R1..R3 (R4 is quarantined: answer 5 is out of the 1-4 scale).
    # NRR = sum of answers / answers given for that unsur (R3 left U4 empty):
    #   u1 11/3, u2 10/3, u3 8/3, u4 8/2 = 4, u5 9/3 = 3, u6 10/3, u7 11/3, u8 8/3, u9 8/3
    # sum NRR = 29; IKM = 29 x 1/9 = 3.2222; converted = 80.5556 -> B "Baik" (76.61 <= x < 88.31).
    respondents, ikm, converted, mutu, kinerja, weakest, mode = one(
        warehouse,
        "select respondents, ikm, ikm_converted, mutu, kinerja, weakest_unsur, weight_mode "
        "from marts.mart_ikm_unit_quarter where unit_id = 'U1' and quarter = '2026-Q3'",
    )
    assert respondents == 3
    assert ikm == pytest.approx(29 / 9)
    assert converted == pytest.approx(29 / 9 * 25)
    assert (mutu, kinerja, mode) == ("B", "Baik", "exact")
    # u3, u8 and u9 tie at 8/3; the tie goes to the first in the questionnaire.
    assert weakest == "Waktu penyelesaian"


def test_nrr_per_unsur_counts_only_given_answers(warehouse):
    rows = dict(
        warehouse.execute(
            "select unsur_no, nrr from marts.mart_ikm_unsur_unit_quarter where unit_id = 'U1' order by unsur_no"
        ).fetchall()
    )
    assert rows[4] == pytest.approx(4.0)  # (4 + 4) / 2: the empty answer is not a zero
    assert rows[1] == pytest.approx(11 / 3)
    assert rows[9] == pytest.approx(8 / 3)
    ranks = warehouse.execute(
        "select unsur_no from marts.mart_ikm_unsur_unit_quarter where unit_id = 'U1' order by rank_from_weakest, "
        "unsur_no limit 3"
    ).fetchall()
    assert [r[0] for r in ranks] == [3, 8, 9]


def test_ikm_legacy_2004_method_has_its_own_weights_and_grades(warehouse):
    # 14 unsur, weight 1/14: 13 unsur at 3.0 and u14 at (3 + 4) / 2 = 3.5 -> sum 42.5, IKM 3.0357,
    # converted 75.89: grade B under KepMenPAN 25/2004 (62.51-81.25), where 2017's table would say C.
    method, ikm, converted, mutu = one(
        warehouse, "select method, ikm, ikm_converted, mutu from marts.mart_ikm_unit_quarter where unit_id = 'U2'"
    )
    assert method == "kepmenpan_25_2004"
    assert ikm == pytest.approx(42.5 / 14)
    assert converted == pytest.approx(42.5 / 14 * 25)
    assert mutu == "B"


def test_queue_day_by_hand(warehouse):
    # 5 valid tickets on 30 July (T6 called before issued, T7 unknown unit, T1's duplicate: quarantined).
    # Waits of called tickets: 10, 20, 30, 40 -> mean 25, median 25, P90 (linear) 30 + 0.7 x 10 = 37.
    # Served within the 15-minute standard valid that day: T1 only of T1, T2, T5 -> 1/3.
    row = one(
        warehouse,
        "select tickets_issued, tickets_served, tickets_no_show, tickets_abandoned, wait_mean_minutes, "
        "wait_median_minutes, wait_p90_minutes, service_mean_minutes, sla_share, no_show_rate, abandonment_rate, "
        "fee_flags "
        "from marts.mart_queue_unit_day where unit_id = 'U1' and local_date = date '2026-07-30'",
    )
    issued, served, no_show, abandoned, mean, median, p90, service, sla, no_show_rate, abandon_rate, fee_flags = row
    assert (issued, served, no_show, abandoned) == (5, 3, 1, 1)
    assert (mean, median, p90) == (pytest.approx(25), pytest.approx(25), pytest.approx(37))
    assert service == pytest.approx((10 + 5 + 10) / 3)
    assert sla == pytest.approx(1 / 3)
    assert (no_show_rate, abandon_rate) == (pytest.approx(0.2), pytest.approx(0.2))
    assert fee_flags == 1  # 10 000 paid for KTP, a free service


def test_queue_uses_the_standard_valid_on_the_day(warehouse):
    # On 3 August the KTP standard is 30 minutes: a 20-minute wait is within it (it was not in July).
    (sla,) = one(
        warehouse,
        "select sla_share from marts.mart_queue_unit_day where unit_id = 'U1' and local_date = date '2026-08-03'",
    )
    assert sla == pytest.approx(1.0)


def test_vendor_queue_profile_maps_status_words_and_decimal_comma(warehouse):
    rows = warehouse.execute(
        "select ticket_id, outcome, fee_paid_idr, priority, wait_minutes from core.fct_queue_ticket where unit_id = "
        "'U2' order by ticket_id"
    ).fetchall()
    assert rows == [
        ("B-001", "served", 50000.0, False, 12.0),
        ("B-002", "no_show", None, True, 40.0),
        ("B-003", "abandoned", None, False, None),
    ]


def test_complaint_month_by_hand(warehouse):
    # C1: received Fri 14 Aug, verified Tue 18 Aug (Mon 17 Aug is Independence Day) -> 1 working day;
    #     forwarded 18 Aug, responded Wed 26 Aug (Tue 25 Aug is the Prophet's Birthday) -> 5; closed 27 Aug -> 7.
    # C2: received Mon 3 Aug, verified Mon 10 Aug -> 5 (late); responded 2 after forwarding; closed 13 Aug -> 8.
    # C3: received 20 Aug, never verified; its deadline (26 Aug) passed before the data ends (28 Aug).
    # C4: pungli, verified the same day -> 0.
    # Verified within 3 working days: C1, C4 of C1..C4 -> 0.5; followed up within 5: C1, C2 -> 1.0.
    row = one(
        warehouse,
        "select complaints_received, complaints_closed, complaints_open, workdays_to_close_median, "
        "verified_within_limit_share, responded_within_limit_share, integrity_signals "
        "from marts.mart_complaint_unit_month where unit_id = 'U1' and month_start = date '2026-08-01'",
    )
    assert row == (4, 2, 2, pytest.approx(7.5), pytest.approx(0.5), pytest.approx(1.0), 1)


def test_working_days_per_complaint(warehouse):
    rows = dict(
        (r[0], r[1:])
        for r in warehouse.execute(
            "select complaint_id, workdays_to_verify, workdays_to_respond, workdays_to_close from core.fct_complaint"
        ).fetchall()
    )
    assert rows["C1"] == (1, 5, 7)
    assert rows["C2"] == (5, 2, 8)


def test_repeat_reporter_shares_one_pseudonym(warehouse):
    pseudonyms = dict(warehouse.execute("select complaint_id, reporter_pseudonym from core.fct_complaint").fetchall())
    assert pseudonyms["C1"] == pseudonyms["C2"] and len(pseudonyms["C1"]) == 32
    assert pseudonyms["C3"] is None
