"""Write tests/name_eval/snippets.jsonl: labelled Indonesian free text for measuring name scrubbing.

Every snippet is a survey suggestion or complaint description as citizens write them. Half hold person
names in the ways people write them (with and without a form of address, lower case, capitals, initials,
Balinese and Bugis name parts, signatures, names of staff); half hold none but are full of capitalised
words that are not names (offices, titles, places, documents, apps, feasts, Title Case sentences). Names
come from the pool below, written for this set: it deliberately includes names missing from the
pipeline's person-name list, so the figures are not measured on the recogniser's own vocabulary.

    python tests/name_eval/build_snippets.py   # deterministic (seed 14)

holdout.jsonl is a second, smaller set with its own people and templates (HOLDOUT_*), written after the
recogniser's rules and lists were settled on snippets.jsonl and measured once, to show how far the tuning
carries to text it was not tuned on.

A line: {"id": n, "text": ..., "names": [[start, end], ...], "kind": "name" | "no_name"}.
"""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

OUT = Path(__file__).parent / "snippets.jsonl"
HOLDOUT = Path(__file__).parent / "holdout.jsonl"
SEED = 14

# (given, family) pairs from across Indonesia; family may be empty (one-name Javanese).
PEOPLE = [
    ("Budi", "Santoso Wiryawan"),
    ("Siti", "Aminah"),
    ("Rudi", "Hartono"),
    ("Dewi", "Lestari"),
    ("Agus", "Salim"),
    ("Sri", "Mulyani"),
    ("Joko", ""),
    ("Slamet", ""),
    ("Sutrisno", ""),
    ("Tukiyem", ""),
    ("Suparman", ""),
    ("Rina", "Marlina"),
    ("Asep", "Sunandar"),
    ("Euis", "Komariah"),
    ("Ujang", "Supriatna"),
    ("Cecep", "Hidayat"),
    ("Hotman", "Sitorus"),
    ("Rosdiana", "Pardede"),
    ("Maruli", "Tambunan"),
    ("Togar", "Simatupang"),
    ("Yulia", "Chaniago"),
    ("Fadli", "Zulkarnain"),
    ("Andi", "Baso Mappanyukki"),
    ("Hasnawati", "Daeng Kebo"),
    ("Nurhayati", "Lallo"),
    ("Muh.", "Ilham Syarifuddin"),
    ("Yohanes", "Kogoya"),
    ("Marthen", "Wenda"),
    ("Naomi", "Rumbiak"),
    ("Frans", "Kaisiepo"),
    ("Elisabeth", "Tuhumury"),
    ("Abdul", "Gafur Latuconsina"),
    ("Liem", "Swie King"),
    ("Tjong", "Sen Hwa"),
    ("Vivi", "Tanoto"),
    ("Hendrik", "Gunadi"),
    ("Ahmad", "Fauzan"),
    ("Muhammad", "Rizky Ramadhan"),
    ("Nur", "Aisyah"),
    ("Fitriani", ""),
    ("Wahyu", "Nugroho"),
    ("Dimas", "Aditya Pratama"),
    ("Putri", "Ayu Kusumawardani"),
    ("Indah", "Permatasari"),
    ("Bayu", "Saputra"),
    ("Eko", "Prasetyo"),
    ("Teguh", "Wibisono"),
    ("Kartini", ""),
    ("Sumarni", ""),
    ("Ponirah", ""),
    ("Darsono", ""),
    ("Mulyono", ""),
    ("Bambang", "Irawan"),
    ("Yuliana", "Mandowen"),
    ("Ester", "Karubaba"),
    ("Rahmat", "Hidayatullah"),
    ("Zulkifli", "Lubis"),
    ("Syamsul", "Bahri"),
    ("Ratna", "Sari Dewi"),
    ("Lina", "Marlina"),
    ("Anisa", "Rahmawati"),
    ("Fajar", "Sidik"),
    ("Taufik", "Hidayat"),
    ("Hendra", "Gunawan"),
    ("Irwan", "Setiawan"),
    ("Melati", "Nasution"),
    ("Sondang", "Siahaan"),
    ("Rizal", "Effendi"),
]
BALINESE = [
    "I Wayan Sudarma",
    "Ni Luh Putu Ariani",
    "I Made Suardana",
    "Ni Kadek Sriasih",
    "I Ketut Budiasa",
    "I Gede Mahendra",
    "Ni Komang Yuliantari",
    "I Nyoman Suastika",
]
STAFF_FIRST = [
    "Rina",
    "Yuli",
    "Dodi",
    "Hendra",
    "Wati",
    "Sari",
    "Anton",
    "Yanti",
    "Agung",
    "Indra",
    "Desi",
    "Wawan",
    "Nining",
    "Rahmi",
    "Bambang",
    "Tini",
    "Heri",
    "Lilis",
    "Ucok",
    "Mega",
]
HONORIFICS_FORMAL = ["Bapak", "Ibu", "Sdr.", "Sdri.", "Saudara", "Pak", "Bu", "Bpk.", "Ibu Hj.", "Bapak H."]
HONORIFICS_CASUAL = ["pak", "bu", "mas", "mbak", "mba", "bang", "kak", "Mas", "Mbak", "Bang", "Kak", "Teh", "Om"]
PHONES = ["0813 2277 9012", "081234567890", "+62 857-1122-3344", "0878-9911-2233", "085212345678"]

UNITS = [
    "Disdukcapil Kota Bandung",
    "Dinas Kependudukan dan Pencatatan Sipil Kota Surabaya",
    "Mal Pelayanan Publik Kota Denpasar",
    "Puskesmas Kecamatan Coblong",
    "DPMPTSP Kabupaten Bogor",
    "Kantor Kecamatan Kebayoran Baru",
    "Samsat Jakarta Timur",
    "Kantor Imigrasi Makassar",
    "RSUD Kota Semarang",
    "Kantor Pertanahan Kabupaten Sleman",
    "Puskesmas Kecamatan Tanah Abang",
    "Kelurahan Cipondoh",
    "MPP Kota Balikpapan",
    "Dinas Sosial Kota Medan",
    "Polsek Sentani",
]
SERVICES = [
    "KTP-el",
    "Kartu Keluarga",
    "Akta Kelahiran",
    "SIM",
    "Paspor",
    "SKCK",
    "NIB",
    "PBG",
    "BPJS Kesehatan",
    "Surat Keterangan Pindah",
    "Akta Kematian",
    "STNK",
    "IMB",
]
PLACES = [
    "Bandung",
    "Surabaya",
    "Jakarta Selatan",
    "Denpasar",
    "Cibinong",
    "Sentani",
    "Makassar",
    "Medan",
    "Kota Malang",
    "Kabupaten Gowa",
    "Sleman",
    "Balikpapan",
    "Ternate",
    "Mataram",
    "Tangerang",
]
STREETS = [
    "Jl. Sudirman",
    "Jalan Ahmad Yani",
    "Jl. Diponegoro",
    "Jalan Gatot Subroto",
    "Jl. Pahlawan",
    "Jalan Merdeka",
    "Jl. Veteran",
    "Jalan Pattimura",
    "Jl. Teuku Umar",
]
OFFICIALS = [
    "Kepala Dinas",
    "Pak Camat",
    "Bapak Lurah",
    "Ibu Kepala Puskesmas",
    "Kepala Seksi Pelayanan",
    "Sekretaris Camat",
    "Bapak Bupati",
    "Ibu Walikota",
    "Kepala Bidang Pendaftaran Penduduk",
    "Bapak Kapolsek",
    "Direktur RSUD",
    "Kepala Kantor",
    "Ibu Kadis",
    "Bapak Sekda",
]

# {P} a person's name in the form the filler chooses; {S} a staff member's first name.
WITH_NAMES = [
    "Petugas ramah. WA saya {phone}, {P}, NIK 3273014509870001",
    "Saya {P}, mohon dikabari lewat WA {phone} kalau {service} sudah jadi.",
    "Pelayanan lambat. {P} ({phone})",
    "Atas nama {P}, pengajuan {service} belum ada kabar sampai sekarang.",
    "Terima kasih bapak/ibu petugas. Salam, {P}",
    "Nama saya {p}, sudah 3x datang ke {unit} tapi berkas belum selesai.",
    "nama saya {p} tolong dibantu {service} saya hilang",
    "Mohon {H} {S} di loket 3 ditegur, bicaranya kasar ke warga.",
    "Petugas loket {S} sangat membantu, terima kasih.",
    "Terima kasih kepada {H} {S} yang sudah sabar melayani orang tua saya.",
    "Saya mau komplain, petugas yang bernama {S} main HP terus waktu jam pelayanan.",
    "{H} {P} di bagian informasi sangat informatif.",
    "Tolong sampaikan ke {h} {s} berkas {service} saya sudah lengkap.",
    "Berkas a.n. {P} belum diproses padahal sudah 2 minggu.",
    "Pengambilan {service} an. {P} dikuasakan ke adik saya.",
    "Hormat saya, {P}",
    "{P} - warga {place}",
    "Pelapor: {P}, alamat {street} No. 12 {place}",
    "Dilayani oleh {H} {S}, cepat dan jelas. Mantap!",
    "Mbak {S} yang di loket pengambilan jutek sekali.",
    "Kemarin saya dilayani {h} {s}, orangnya baik banget.",
    "Anak saya {P} lahir di {place}, akta kelahirannya belum terbit.",
    "Mohon bantuan untuk orang tua saya {H} {P} yang sudah lansia.",
    "Tadi ada calo namanya {S} nawarin bisa cepat asal bayar Rp200.000.",
    "Saya {P} dari {place}, ingin menanyakan status {service}.",
    "Suami saya {P} sudah datang dua kali ke {unit} tapi disuruh pulang.",
    "Pelayanan di {unit} bagus, apalagi {H} {S}.",
    "Ijin melapor, saya {P} NIK 3578012001900003 belum menerima {service}.",
    "{P}\n{phone}",
    "Terima kasih. {P}",
    "Salam hormat,\n{P}\n{street}, {place}",
    "{S} di meja 2 ramah sekali, beda dengan petugas lain.",
    "Tolong hubungi saya {P} di {phone} ya.",
    "Mohon maaf, atas nama {P} tadi nomor antriannya terlewat.",
    "Untuk {H} {S}: terima kasih sudah membantu mengisi formulir.",
    "Dokumen {service} milik almarhum {P} belum bisa diambil ahli waris.",
    "Saya diwakilkan oleh {P} karena sedang sakit.",
    "NAMA: {PU}\nNO HP: {phone}\nKELUHAN: antrian terlalu lama",
    "SAYA {PU} MINTA {service} SEGERA DISELESAIKAN",
    "Ibu saya {P} kesulitan naik tangga di {unit}, tolong disediakan kursi roda.",
    "Sdr. {P} sudah menyerahkan berkas lengkap tanggal 12 Agustus.",
    "petugas {s} ga ramah, masa warga ditanya kenapa ga urus sendiri",
    "Pak {S} satpam di depan sangat membantu warga lansia.",
    "Kepada Yth. {H} {P}, mohon ditindaklanjuti.",
    "Sudah saya titipkan ke {P}, tetangga saya, tapi ditolak petugas.",
    "{P} sangat puas dengan pelayanan di {unit}.",
    "Keluarga {P} mengucapkan terima kasih atas bantuannya.",
    "Atas nama keluarga besar {P}, terima kasih.",
    "Tolong {P} dipanggil lagi, tadi ke toilet sebentar.",
    "Yang melayani saya tadi {S}, sabar dan teliti.",
]
WITHOUT_NAMES = [
    "Pelayanan di {unit} sudah baik, pertahankan.",
    "Antrian {service} terlalu lama, mohon tambah petugas di loket.",
    "Kepala Dinas mohon memperhatikan AC ruang tunggu yang mati.",
    "{official} mohon sidak ke loket {service}, petugas sering tidak ada.",
    "Terima Kasih Atas Pelayanan Yang Cepat Dan Ramah",
    "Pelayanan Sangat Memuaskan, Semoga Makin Baik Ke Depannya",
    "Mohon Bapak/Ibu petugas lebih ramah kepada lansia.",
    "Kantor di {street} {place} susah dicari, tidak ada papan nama.",
    "Saya warga {place}, harus ke {unit} tiga kali untuk {service}.",
    "Parkir di {street} penuh, mohon disediakan lahan parkir.",
    "Pendaftaran online lewat WhatsApp dan Website sering error.",
    "Informasi di Instagram dan Facebook {unit} tidak pernah diperbarui.",
    "Menjelang Idul Fitri antrian {service} membludak, mohon buka loket tambahan.",
    "Tanggal 17 Agustus kantor tutup tapi tidak ada pengumuman di Google Maps.",
    "Hari Senin dan Jumat selalu penuh, mohon tambah petugas.",
    "Pembayaran lewat QRIS dan Bank Mandiri berjalan lancar.",
    "Ibu hamil dan lansia harus antri berdiri, kursi kurang.",
    "Bagus sekali, pelayanan cepat dan tidak dipungut biaya.",
    "Mantap, {service} jadi dalam satu hari.",
    "Sistem antrian di {unit} sering error sejak Januari.",
    "{unit} buka hari Sabtu sangat membantu pekerja.",
    "KTP-el saya rusak, blangko di {unit} habis terus.",
    "BPJS Kesehatan dan Dukcapil sebaiknya satu loket di MPP.",
    "Ruang tunggu {unit} panas, AC tidak berfungsi sejak Desember.",
    "Petugas Satpam mengarahkan dengan jelas. Terima kasih.",
    "Mohon Pak Camat menegur petugas yang datang terlambat.",
    "Ibu Kota Nusantara katanya sudah digital, di sini masih manual.",
    "Terminal Kampung Rambutan ke {unit} tidak ada angkot.",
    "Toilet Kantor Kecamatan Tanah Abang kotor dan bau.",
    "Semoga Tuhan membalas kebaikan petugas {unit}.",
    "Alhamdulillah, Insya Allah pelayanan makin baik.",
    "Assalamualaikum, mohon info persyaratan {service} terbaru.",
    "Aplikasi Sapawarga dan Pikobar tidak bisa login.",
    "Surat Keterangan Pindah dari {place} ke {place2} prosesnya berbelit.",
    "Mohon Kepala Seksi Pelayanan hadir saat jam kerja.",
    "Pengurusan Akta Kelahiran cepat, hanya 2 hari kerja.",
    "Puskesmas Kecamatan Coblong butuh dokter tambahan di hari Sabtu.",
    "Nomor antrian dipanggil terlalu cepat, tidak terdengar.",
    "Rumah Sakit Umum Daerah {place} antriannya panjang.",
    "Tarif {service} di papan informasi berbeda dengan yang ditagihkan di kasir.",
    "Di Kelurahan Cipondoh petugasnya ramah dan cekatan.",
    "Bapak Bupati tolong perhatikan pelayanan di {unit}.",
    "Mohon Ombudsman RI dan Inspektorat memeriksa pungli di loket {service}.",
    "Layanan Jemput Bola ke Desa Sukamaju sangat membantu warga.",
    "Kantor Pos {place} lambat mengirim {service} yang sudah jadi.",
    "Saya Kecewa, Sudah Datang Pagi Tapi Tetap Disuruh Kembali Besok",
    "Sebaiknya ada loket khusus Disabilitas dan Lansia.",
    "Pelayanan Terpadu Satu Pintu {place} sudah sangat baik.",
    "Jalan menuju {unit} rusak, banyak lubang di {street}.",
    "Layanan Adminduk Keliling di Pasar Baru sangat membantu.",
    "Setelah Lebaran antrean {service} sangat panjang.",
    "Lapor! SP4N belum menindaklanjuti aduan saya sejak Maret.",
    "Kata Petugas Keamanan harus ambil nomor lewat Aplikasi.",
    "Sangat Puas. Petugas Cekatan. Ruangan Bersih.",
    "BAGUS PELAYANANNYA, CEPAT DAN TIDAK ADA PUNGLI",
    "ANTRIAN LAMA SEKALI, LOKET CUMA SATU YANG BUKA",
    "Tolong Dinas Perhubungan menertibkan parkir liar di depan {unit}.",
    "Kota {place} butuh MPP kedua di wilayah Timur.",
    "Warga Perumahan Griya Asri mengeluhkan layanan {service} yang lama.",
    "Pengambilan Paspor di Kantor Imigrasi Kelas I lancar.",
]


HOLDOUT_PEOPLE = [
    ("Sukarti", ""),
    ("Paijo", ""),
    ("Tumini", ""),
    ("Wagiman", ""),
    ("Suwarni", "Handayani"),
    ("Ikhsan", "Maulana"),
    ("Deden", "Kurnia"),
    ("Neneng", "Hasanah"),
    ("Iis", "Dahlia"),
    ("Oman", "Abdurahman"),
    ("Parlindungan", "Sihombing"),
    ("Lamhot", "Silalahi"),
    ("Rismauli", "Hutagalung"),
    ("Datuk", "Rajo Mangkuto"),
    ("Rahmi", "Yeni"),
    ("Arianto", "Tandiayu"),
    ("Frederik", "Sumual"),
    ("Meiske", "Rondonuwu"),
    ("Oktovianus", "Mote"),
    ("Yance", "Wospakrik"),
    ("Agustinus", "Fernandez"),
    ("Bonifasius", "Nggaa"),
    ("Kristina", "Liku"),
    ("Hasbullah", "Ismail"),
    ("Teuku", "Razali"),
    ("Cut", "Nyak Dhien"),
    ("Syahrul", "Ramadhani"),
    ("Baiq", "Nurhidayati"),
    ("Lalu", "Muhammad Zaini"),
    ("Ahmad", "Dhani"),
    ("Gunawan", "Tjahjadi"),
    ("Susi", "Susanti Halim"),
    ("Ferdinand", "Lumban Tobing"),
    ("Wulandari", ""),
    ("Sutarmi", ""),
]
HOLDOUT_WITH_NAMES = [
    "Sebelumnya terima kasih, saya {P} warga RT 03 ingin bertanya soal {service}.",
    "Bpk {S} di meja pendaftaran tidak ada di tempat dari jam 10.",
    "Ibunya ({P}) sudah sepuh, mohon dilayani di rumah saja.",
    "ybs an. {P} sudah meninggal, mohon KK diperbarui.",
    "Kalau berkas sudah jadi tolong WA ke {P} {phone}",
    "Terimakasih mas {s} udah dibantu foto ulang",
    "Mau tanya, pengajuan punya {P} kenapa ditolak ya?",
    "Trims {H} {S}, penjelasannya jelas sekali.",
    "Keluhan dari {P} (warga {place}): pelayanan lambat.",
    "Saya suruh anak saya {P} mengambil dokumen, tapi tidak boleh.",
    "{H} {P} mohon ditindak, sudah minta uang rokok.",
    "Yang ngeladenin tadi namanya {S}, jutek banget.",
    "Regards, {P}",
    "wassalam, {p}",
    "Atas perhatian Bapak/Ibu saya ucapkan terima kasih. {P}",
]
HOLDOUT_WITHOUT_NAMES = [
    "Wassalamualaikum Wr. Wb.",
    "Mohon Dinas Kominfo memperbaiki Website {unit} yang sering down.",
    "Pengajuan lewat Aplikasi Identitas Kependudukan Digital (IKD) susah, OTP tidak masuk.",
    "Sarana Prasarana Di Ruang Tunggu Perlu Ditingkatkan",
    "Loket Pengaduan di {unit} tutup saat Jam Istirahat.",
    "Bapak Kepala Kantor Pertanahan tolong perhatikan calo di depan kantor.",
    "Saya dari Kecamatan Sukajadi, ke {unit} jauh sekali.",
    "Seharusnya Hari Sabtu dan Minggu tetap ada Layanan Darurat.",
    "Pelayanan Prima, Petugas Sigap!",
    "Tolong Pemda {place} menambah armada Layanan Keliling.",
    "Di Jalan Kartini depan {unit} sering banjir.",
    "Kemarin di Gedung Sate juga begitu, antre sampai sore.",
    "Ada Program Jemput Bola Dukcapil di Balai Desa minggu lalu.",
    "Harap Satpol PP menertibkan PKL di depan kantor.",
    "Bank BJB di dalam MPP sangat membantu pembayaran.",
]


def _name_forms(rng: random.Random, people: list[tuple[str, str]] | None = None) -> tuple[str, str]:
    """(as written, upper-case variant) of one person; Balinese names a sixth of the time."""
    if people is None and rng.random() < 1 / 6:
        name = rng.choice(BALINESE)
    else:
        given, family = rng.choice(people or PEOPLE)
        name = f"{given} {family}".strip() if family and rng.random() < 0.75 else given.rstrip(".")
        if given == "Muh.":
            name = f"Muh. {family}"
    return name, name.upper()


def _fill(
    template: str, rng: random.Random, people: list[tuple[str, str]] | None = None
) -> tuple[str, list[tuple[int, int]]]:
    """The template with its fields filled; the spans of the names written into it."""
    text, spans, pos = "", [], 0
    for field in re.finditer(r"\{(\w+)\}", template):
        text += template[pos : field.start()]
        pos = field.end()
        key = field.group(1)
        name = None
        if key == "P":
            name = _name_forms(rng, people)[0]
        elif key == "PU":
            name = _name_forms(rng, people)[1]
        elif key == "p":
            name = _name_forms(rng, people)[0]
            name = name.lower() if rng.random() < 0.5 else name
        elif key in ("S", "s"):
            name = rng.choice(STAFF_FIRST) if people is None else rng.choice(people)[0]
            name = name.lower() if key == "s" and rng.random() < 0.6 else name
        if name is not None:
            spans.append((len(text), len(text) + len(name)))
            text += name
            continue
        text += {
            "H": lambda: rng.choice(HONORIFICS_FORMAL),
            "h": lambda: rng.choice(HONORIFICS_CASUAL),
            "phone": lambda: rng.choice(PHONES),
            "service": lambda: rng.choice(SERVICES),
            "unit": lambda: rng.choice(UNITS),
            "place": lambda: rng.choice(PLACES),
            "place2": lambda: rng.choice(PLACES),
            "street": lambda: rng.choice(STREETS),
            "official": lambda: rng.choice(OFFICIALS),
        }[key]()
    return text + template[pos:], spans


def build(per_kind: int = 160, holdout: bool = False) -> list[dict]:
    rng = random.Random(SEED + holdout)
    people = HOLDOUT_PEOPLE if holdout else None
    sets = (
        (("name", HOLDOUT_WITH_NAMES), ("no_name", HOLDOUT_WITHOUT_NAMES))
        if holdout
        else (("name", WITH_NAMES), ("no_name", WITHOUT_NAMES))
    )
    rows = []
    for kind, templates in sets:
        seen: set[str] = set()
        order = templates * (per_kind // len(templates) + 6)
        for template in order:
            if len([r for r in rows if r["kind"] == kind]) == per_kind:
                break
            text, spans = _fill(template, rng, people)
            if text in seen:
                continue
            seen.add(text)
            rows.append({"id": len(rows) + 1, "kind": kind, "text": text, "names": [list(s) for s in spans]})
    return rows


def main() -> None:
    for path, rows in ((OUT, build()), (HOLDOUT, build(per_kind=50, holdout=True))):
        path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        print(f"{path}: {len(rows)} snippets")


if __name__ == "__main__":
    main()
