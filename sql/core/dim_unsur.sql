-- dim_unsur: The survey elements (unsur) of each IKM method and their weights.
-- grain: method, unsur_no
-- column method: permenpanrb_14_2017 (9 unsur) or kepmenpan_25_2004 (14 unsur).
-- column unsur_no: Position of the unsur in the questionnaire (u1 = 1).
-- column unsur_name: Name of the unsur as the regulation words it.
-- PermenPANRB 14/2017 lampiran: nine unsur, mapped by name; KepMenPAN 25/2004: fourteen unsur.
with unsur (method, unsur_no, unsur_name) as (
    values
    ('permenpanrb_14_2017', 1, 'Persyaratan'),
    ('permenpanrb_14_2017', 2, 'Sistem, mekanisme dan prosedur'),
    ('permenpanrb_14_2017', 3, 'Waktu penyelesaian'),
    ('permenpanrb_14_2017', 4, 'Biaya/tarif'),
    ('permenpanrb_14_2017', 5, 'Produk spesifikasi jenis pelayanan'),
    ('permenpanrb_14_2017', 6, 'Kompetensi pelaksana'),
    ('permenpanrb_14_2017', 7, 'Perilaku pelaksana'),
    ('permenpanrb_14_2017', 8, 'Sarana dan prasarana'),
    ('permenpanrb_14_2017', 9, 'Penanganan pengaduan, saran dan masukan'),
    ('kepmenpan_25_2004', 1, 'Prosedur pelayanan'),
    ('kepmenpan_25_2004', 2, 'Persyaratan pelayanan'),
    ('kepmenpan_25_2004', 3, 'Kejelasan petugas pelayanan'),
    ('kepmenpan_25_2004', 4, 'Kedisiplinan petugas pelayanan'),
    ('kepmenpan_25_2004', 5, 'Tanggung jawab petugas pelayanan'),
    ('kepmenpan_25_2004', 6, 'Kemampuan petugas pelayanan'),
    ('kepmenpan_25_2004', 7, 'Kecepatan pelayanan'),
    ('kepmenpan_25_2004', 8, 'Keadilan mendapatkan pelayanan'),
    ('kepmenpan_25_2004', 9, 'Kesopanan dan keramahan petugas'),
    ('kepmenpan_25_2004', 10, 'Kewajaran biaya pelayanan'),
    ('kepmenpan_25_2004', 11, 'Kepastian biaya pelayanan'),
    ('kepmenpan_25_2004', 12, 'Kepastian jadwal pelayanan'),
    ('kepmenpan_25_2004', 13, 'Kenyamanan lingkungan'),
    ('kepmenpan_25_2004', 14, 'Keamanan pelayanan')
)

select method, unsur_no, unsur_name
from unsur
