-- dim_ikm_grade_band: The IKM grade bands of each survey method: service quality grade (mutu) and performance label (kinerja) by converted IKM.
-- grain: method, grade
-- column method: permenpanrb_14_2017 or kepmenpan_25_2004.
-- column grade: Service quality grade (mutu) A, B, C or D.
-- column converted_from: Lowest converted IKM (25-100 scale, two decimals) of the band; NULL for D (every value below C).
-- column converted_below: The next band's converted_from: the band holds the values below it; NULL for A.
-- column kinerja: Unit performance label of the grade: Sangat baik, Baik, Kurang baik, Tidak baik.
-- PermenPANRB 14/2017 lampiran: A 88.31-100.00, B 76.61-88.30, C 65.00-76.60, D 25.00-64.99. KepMenPAN 25/2004 (legacy,
-- 14 unsur): A 81.26-100.00, B 62.51-81.25, C 43.76-62.50, D 25.00-43.75. The bands are written to two decimals: grade
-- the converted IKM rounded to two. The one home of the bands: ind_ikm_period grades with this table, and the review
-- pack's charts and band notes read it (pipelines/grade_bands.py).
with published (method, grade, converted_from, kinerja) as (
    values
    ('permenpanrb_14_2017', 'A', 88.31, 'Sangat baik'),
    ('permenpanrb_14_2017', 'B', 76.61, 'Baik'),
    ('permenpanrb_14_2017', 'C', 65.00, 'Kurang baik'),
    ('permenpanrb_14_2017', 'D', null, 'Tidak baik'),
    ('kepmenpan_25_2004', 'A', 81.26, 'Sangat baik'),
    ('kepmenpan_25_2004', 'B', 62.51, 'Baik'),
    ('kepmenpan_25_2004', 'C', 43.76, 'Kurang baik'),
    ('kepmenpan_25_2004', 'D', null, 'Tidak baik')
)

select
    method,
    grade,
    cast(converted_from as decimal(5, 2)) as converted_from,
    cast(
        lead(converted_from) over (partition by method order by converted_from asc nulls first) as decimal(5, 2)
    ) as converted_below,
    kinerja
from published
