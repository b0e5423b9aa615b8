"""Person names in Indonesian free text, found without the record's own identity fields (UU PDP 27/2022).

A run of capitalised words is a name when a form of address or an introduction comes right before it
("Bapak", "Bu", "Sdr.", "nama saya", "atas nama", "Salam,"; then lower case counts too), when it holds a
word of the person-name list (name_lists/person_names.txt, from names-dataset) that is not also an
Indonesian word (Sastrawi's root words and stemmer), when two name words stand together, when it signs the
text off or stands before a phone number, or when a lone name word stands mid-sentence. Names that are also
words (Budi, Indah, Bagus) never count alone at the start of a sentence ("Bagus sekali.") unless a subject's
verb follows ("Budi sangat membantu"). Titles, offices, places and calendar words (name_lists/not_names.txt)
are never names, and a run right after a place word ("di", "Kota", "Jalan Ahmad Yani") is a place.
Measured on tests/name_eval/ (tests/test_pii_names.py, README "Personal data in free text").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

import polars as pl

from pipelines.name_list_build import is_word

PLACEHOLDER = "[nama]"
LISTS = Path(__file__).parent / "name_lists"

# Forms of address that precede a name: "Bapak Budi", "bu dewi", "Sdr. Rudi", "Mas Bayu", "H. Ahmad".
HONORIFICS = frozenset(
    "bapak bpk bp pak ibu bu saudara saudari sdr sdri sdra mas mbak mba bang abang kak kakak om tante dik dek adik "
    "cak ning teh aa akang kang uda uni opung ompung inang amang bli mbok nyonya tuan nona almarhum almarhumah alm "
    "almh haji hajjah h hj kyai kiai ustadz ustad ustaz ustadzah ustazah dr drg ir prof yth kpd".split()
)
# Introductions and signatures: "nama saya budi", "atas nama Rina", "Salam, Dewi", "hormat saya, Agus".
INTRODUCTIONS = frozenset(
    {
        "nama saya",
        "atas nama",
        "a.n",
        "an",
        "bernama",
        "namanya",
        "nama",
        "salam",
        "hormat saya",
        "hormat kami",
        "saya",
        "aku",
        "oleh",
        "pelapor",
        "dilayani",
    }
)
# Roles a name often follows ("petugas Rina", "calo namanya", "satpam anton").
ROLES = frozenset(
    "petugas staf staff pegawai satpam calo oknum kasir operator sopir tukang perawat bidan suster "
    "mantri tetangga suami istri anak adik kakak ayah ibunda ayahanda almarhum".split()
)
# After these a lower-case name is still a name ("nama saya budi santoso", "pak dodi").
LOWERCASE_CUES = frozenset({"nama saya", "atas nama", "a.n", "an", "bernama", "namanya", "nama"}) | HONORIFICS
# A capitalised run right after one of these is a place or a feast, not a person ("Jalan Ahmad Yani").
PLACE_CUES = frozenset(
    "kota kabupaten kab kecamatan kec kelurahan kel desa dusun kampung provinsi prov jalan jl jln gang gg "
    "perumahan perum komplek kompleks pasar terminal stasiun bandara pelabuhan masjid gereja pura vihara "
    "universitas kampus puskesmas rsud rs sekolah sd smp sma smk idul daerah wilayah".split()
)
# Prepositions before places, but also before people ("ke Agus Salim"): a run with a name-only word is a name.
PREPOSITIONS = frozenset({"di", "ke", "dari"})
# Name particles that belong to the name around them: Balinese "I"/"Ni", Arabic "bin", Dutch "van".
PARTICLES = frozenset("i ni luh bin binti bt bn van de der al el la".split())
WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")
SENTENCE_END = frozenset(".!?\n")
# Lower-case words that follow a person as the subject of a sentence, and rarely an adjective that opens one.
SUBJECT_FOLLOWERS = frozenset(
    "di dari yang sudah sedang tidak belum bilang selalu juga sangat tadi kemarin menyuruh "
    "meminta mengatakan minta bersama adalah orangnya memang".split()
)
# A name written just before a phone number: "Budi (0812...)", "Dewi [telepon]" once the number is scrubbed.
BEFORE_PHONE = re.compile(r"\s*[(,:\-]?\s*(?:\[telepon\]|\+?\d[\d\s\-]{7,})")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int

    @property
    def lower(self) -> str:
        return self.text.lower()

    @property
    def capitalised(self) -> bool:
        return self.text[0].isupper()


@cache
def _person_names() -> frozenset[str]:
    return _read_list(LISTS / "person_names.txt") | _extra_names()


@cache
def _extra_names() -> frozenset[str]:
    return _read_list(LISTS / "extra_names.txt")


@cache
def _not_names() -> frozenset[str]:
    return _read_list(LISTS / "not_names.txt")


def _read_list(path: Path) -> frozenset[str]:
    words = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            words |= {w.lower() for w in line.split()}
    return frozenset(words)


@cache
def _dictionary() -> tuple[frozenset[str], object]:
    # Sastrawi: the Indonesian root-word list and a stemmer, so "Pelayanan" is known as a word (layan).
    from Sastrawi.Stemmer.StemmerFactory import StemmerFactory

    factory = StemmerFactory()
    return frozenset(w for w in factory.get_words_from_file() if w), factory.create_stemmer()


@lru_cache(maxsize=200_000)
def _is_word(lower: str) -> bool:
    roots, stemmer = _dictionary()
    return is_word(lower, roots, stemmer)


@lru_cache(maxsize=200_000)
def _kind(text: str) -> str:
    """'stop', 'name' (a name word only), 'weak' (a name that is also a word), 'word' or 'unknown'."""
    lower = text.lower()
    if lower in _not_names() or lower in HONORIFICS or lower in PLACE_CUES or lower in PREPOSITIONS:
        return "stop"
    if len(text) == 1 and lower not in PARTICLES:
        return "stop"  # an initial says nothing by itself
    if text.isupper() and len(text) > 1 and (len(text) < 4 or lower not in _person_names() and _is_word(lower)):
        return "stop"  # acronyms (KTP, BPJS, RI) and shouting; "BUDI", "BUDIASA" stay names
    if lower in _person_names():
        return "weak" if _is_word(lower) and lower not in _extra_names() else "name"
    return "word" if _is_word(lower) else "unknown"


def _tokens(text: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in WORD.finditer(text)]


def _gap(text: str, left: Token, right: Token) -> str:
    return text[left.end : right.start]


def _joined(text: str, left: Token, right: Token) -> bool:
    """Two words of one name: only spaces between, or an initial's dot ("M. Yusuf")."""
    gap = _gap(text, left, right)
    return "\n" not in gap and (gap.strip() == "" or (gap.strip() == "." and len(left.text) <= 4))


def _sentence_start(text: str, tokens: list[Token], i: int) -> bool:
    before = text[: tokens[i].start].rstrip(" \t\"'(“")
    return not before or before[-1] in SENTENCE_END


def _sentence(text: str, tokens: list[Token], i: int) -> tuple[int, int]:
    """The tokens of the sentence holding token i: tokens[lo:hi]."""
    lo = i
    while lo > 0 and not _sentence_start(text, tokens, lo):
        lo -= 1
    hi = i + 1
    while hi < len(tokens) and not _sentence_start(text, tokens, hi):
        hi += 1
    return lo, hi


def _text_end(text: str, token: Token) -> bool:
    return not re.search(r"[^\W_]", text[token.end :])


def _title_cased(text: str, tokens: list[Token], i: int) -> bool:
    """The sentence around token i capitalises most ordinary words, so capitals say nothing there
    ("Pelayanan Sangat Memuaskan, Semoga Makin Baik")."""
    lo, hi = _sentence(text, tokens, i)
    words = [t for t in tokens[lo + 1 : hi] if not t.text.isupper() and _kind(t.text) == "word"]
    return len(words) >= 2 and sum(t.capitalised for t in words) >= 0.6 * len(words)


def _cue(text: str, tokens: list[Token], i: int) -> str | None:
    """The introduction, form of address or role ending right before token i, if any."""
    if i == 0 or _gap(text, tokens[i - 1], tokens[i]).strip() not in ("", ".", ",", ":", ".,", ".:"):
        return None
    one = tokens[i - 1].lower
    two = ""
    if i >= 2:
        between = _gap(text, tokens[i - 2], tokens[i - 1]).strip()
        two = f"{tokens[i - 2].lower}{'.' if between == '.' else ' '}{one}" if between in ("", ".") else ""
    if (
        one in HONORIFICS
        and tokens[i - 1].capitalised
        and i >= 2
        and tokens[i - 2].capitalised
        and _joined(text, tokens[i - 2], tokens[i - 1])
        and _kind(tokens[i - 2].text) != "stop"
    ):
        return None  # part of a place: "Tanah Abang"
    for phrase in (two, one):
        if phrase in INTRODUCTIONS or phrase in HONORIFICS or phrase in ROLES and not tokens[i].capitalised:
            return phrase
    return None


def _name_part(token: Token, cue: str | None, first: bool) -> bool:
    kind = _kind(token.text)
    if token.capitalised:
        return kind in ("name", "weak", "unknown") or token.lower in PARTICLES
    if cue in ROLES:
        return kind in ("name", "weak")
    return cue in LOWERCASE_CUES and kind in (("name", "weak", "unknown") if first else ("name", "weak"))


def _end_of_capitalised_run(text: str, tokens: list[Token], i: int) -> int:
    j = i + 1
    while (
        j < len(tokens)
        and tokens[j].capitalised
        and tokens[j].lower not in HONORIFICS
        and _joined(text, tokens[j - 1], tokens[j])
    ):
        j += 1
    return j


def _place(text: str, tokens: list[Token], i: int) -> int | None:
    """The end of the place name starting at token i, when a place word or preposition comes right before it."""
    if i == 0 or not tokens[i].capitalised or tokens[i].lower in HONORIFICS:
        return None
    before = tokens[i - 1].lower
    if _gap(text, tokens[i - 1], tokens[i]).strip() not in ("", ".") or before not in PLACE_CUES | PREPOSITIONS:
        return None
    end = _end_of_capitalised_run(text, tokens, i)
    kinds = [_kind(t.text) for t in tokens[i:end]]
    if before in PREPOSITIONS and ("name" in kinds or kinds.count("weak") >= 2):
        return None
    return end


def _indonesian(tokens: list[Token]) -> bool:
    """Most words are Indonesian (or too few to tell): the capitalisation cues below hold only there, not in an
    English error message quoted as evidence ("invalid Zip archive: Could not find EOCD")."""
    words = [t for t in tokens if len(t.text) > 1]
    return len(words) < 4 or sum(_kind(t.text) in ("word", "weak", "stop") for t in words) >= 0.35 * len(words)


def name_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the person names in `text`."""
    tokens = _tokens(text)
    lenient = _indonesian(tokens)
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        cue = _cue(text, tokens, i)
        if (
            cue == "an"
            and tokens[i - 1].text == "an"
            and not tokens[i].capitalised
            and _kind(tokens[i].text) == "unknown"
        ):
            cue = None  # English's article ("not an archive or image"); atas nama is also AN, a.n., an. or an + a name
        place_end = None if cue else _place(text, tokens, i)
        if place_end is not None:
            i = place_end
            continue
        if not (
            _name_part(tokens[i], cue, first=True) or _introduced_word(text, tokens, i, cue)
        ) or _acronym_or_emphasis(text, tokens, i, cue):
            i += 1
            continue
        run = _run(text, tokens, i, cue)
        if _is_name(text, tokens, i, run, cue, lenient):
            spans.append((run[0].start, run[-1].end))
        i += len(run)
    return spans


def _acronym_or_emphasis(text: str, tokens: list[Token], i: int, cue: str | None) -> bool:
    """Capitals in mixed-case text are an acronym or emphasis ("DROP TABLE", "SANGAT KECEWA"), not a name,
    unless a cue introduces them ("NAMA: BUDI") or the whole sentence is written in capitals."""
    if cue is not None or not tokens[i].text.isupper() or len(tokens[i].text) < 2:
        return False
    lo, hi = _sentence(text, tokens, i)
    sentence = tokens[lo:hi]
    return sum(t.text.isupper() for t in sentence) < 0.6 * len(sentence)


def _introduced_word(text: str, tokens: list[Token], i: int, cue: str | None) -> bool:
    """A capitalised word right after a cue is a name that is also a word ("Bapak Maria", "Saya Ester Ayomi"),
    after a form of address, or after another introduction when a second capitalised word follows."""
    token = tokens[i]
    if cue is None or not token.capitalised or _kind(token.text) != "word" or _title_cased(text, tokens, i):
        return False
    if cue in LOWERCASE_CUES:
        return True
    return (
        i + 1 < len(tokens)
        and _joined(text, token, tokens[i + 1])
        and tokens[i + 1].capitalised
        and _kind(tokens[i + 1].text) != "stop"
    )


def _run(text: str, tokens: list[Token], i: int, cue: str | None) -> list[Token]:
    """The words from token i on that can belong to one name."""
    j = i + 1
    named = cue is not None or _kind(tokens[i].text) == "name"
    while j < len(tokens) and j - i < 6 and _joined(text, tokens[j - 1], tokens[j]):
        token = tokens[j]
        if token.capitalised != tokens[i].capitalised and not token.capitalised:
            break
        if not _name_part(token, cue, first=False):
            # A capitalised word inside a name ("Hasnawati Daeng Kebo") when the run is surely a name, or when
            # it ends a signature or comes before a phone number ("Terima kasih. Demianus Ayomi").
            surely = named or _signature_or_phone(text, tokens, i, token)
            if not (surely and token.capitalised and _kind(token.text) == "word" and not _title_cased(text, tokens, j)):
                break
        named = named or _kind(token.text) == "name"
        j += 1
    run = tokens[i:j]
    while len(run) > 1 and run[-1].lower in PARTICLES:
        run = run[:-1]
    return run


def _signature_or_phone(text: str, tokens: list[Token], i: int, last: Token) -> bool:
    """The words from token i to `last` sign the text off or stand before a phone number."""
    if BEFORE_PHONE.match(text, last.end):
        return True
    # A signature stands alone at the end: after a full stop, a comma or a line break ("Terima kasih. Dewi").
    signed_off = _sentence_start(text, tokens, i) or text[: tokens[i].start].rstrip(" \t").endswith((",", "\n"))
    return i > 0 and _text_end(text, last) and signed_off and not _title_cased(text, tokens, i)


def _is_name(text: str, tokens: list[Token], i: int, run: list[Token], cue: str | None, lenient: bool) -> bool:
    kinds = [_kind(t.text) if t.lower not in PARTICLES else "particle" for t in run]
    core = [k for k in kinds if k != "particle"]
    if not core:
        return False
    if cue is not None or "name" in core or run[0].text in ("I", "Ni"):  # Balinese: "I Wayan", "Ni Luh"
        return True
    if _signature_or_phone(text, tokens, i, run[-1]) and core != ["word"] * len(core):
        return True
    names = sum(k in ("name", "weak") for k in core)
    if not lenient:  # not Indonesian text: only a cue or a name-only word says "name"
        return False
    if names and len(core) >= 2:
        return names >= 2 or not _title_cased(text, tokens, i)
    if len(core) >= 2 and core.count("unknown") == len(core):  # "Jumriah Lallo", "Markus Kogoya"
        return not _title_cased(text, tokens, i)
    if core in (["weak"], ["unknown"]):
        if _sentence_start(text, tokens, i):  # "Bambang di loket ...", but "Bagus sekali."
            after = i + len(run)
            return (
                after < len(tokens)
                and tokens[after].text in SUBJECT_FOLLOWERS
                and _gap(text, run[-1], tokens[after]) == " "
            )
        return not _title_cased(text, tokens, i)
    return False


def scrub_names(text: str | None) -> str | None:
    """`text` with every person name replaced by [nama]."""
    if not text:
        return text
    for start, end in reversed(name_spans(text)):
        text = text[:start] + PLACEHOLDER + text[end:]
    return text


def scrub_names_series(texts: pl.Series) -> pl.Series:
    """scrub_names over a column, once per distinct text (survey suggestions repeat a lot)."""
    distinct = texts.drop_nulls().unique()
    if distinct.is_empty():
        return texts
    scrubbed = [scrub_names(t) for t in distinct.to_list()]
    return texts.replace(distinct, pl.Series(scrubbed, dtype=pl.String))
