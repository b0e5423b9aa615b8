"""Measure name scrubbing on the labelled snippets: recall of name words, share of other words removed.

python -m tests.name_eval.evaluate          # figures, then every miss and every false removal
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.names import name_spans

SNIPPETS = Path(__file__).parent / "snippets.jsonl"
HOLDOUT = Path(__file__).parent / "holdout.jsonl"
WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*")


@dataclass
class Figures:
    snippets: int = 0
    name_words: int = 0
    name_words_found: int = 0
    other_words: int = 0
    other_words_removed: int = 0
    other_capitalised: int = 0
    other_capitalised_removed: int = 0
    missed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.name_words_found / self.name_words

    @property
    def removed_share(self) -> float:
        return self.other_words_removed / self.other_words

    @property
    def capitalised_removed_share(self) -> float:
        return self.other_capitalised_removed / self.other_capitalised


def load(path: Path = SNIPPETS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def _inside(start: int, end: int, spans) -> bool:
    return any(s < end and start < e for s, e in spans)


def measure(snippets: list[dict] | None = None) -> Figures:
    figures = Figures()
    for snippet in snippets or load():
        text, labelled = snippet["text"], snippet["names"]
        found = name_spans(text)
        figures.snippets += 1
        for word in WORD.finditer(text):
            is_name = _inside(word.start(), word.end(), labelled)
            hit = _inside(word.start(), word.end(), found)
            if is_name:
                figures.name_words += 1
                figures.name_words_found += hit
                if not hit:
                    figures.missed.append(f"{word.group()!r} in {text!r}")
            else:
                figures.other_words += 1
                figures.other_words_removed += hit
                capitalised = word.group()[0].isupper()
                figures.other_capitalised += capitalised
                figures.other_capitalised_removed += hit and capitalised
                if hit:
                    figures.removed.append(f"{word.group()!r} in {text!r}")
    return figures


def main() -> None:
    for path in (SNIPPETS, HOLDOUT):
        report(path.name, measure(load(path)))


def report(name: str, figures: Figures) -> None:
    print(
        f"{name}: {figures.snippets} snippets; name words {figures.name_words}, found {figures.name_words_found} "
        f"(recall {figures.recall:.2%}); other words {figures.other_words}, removed {figures.other_words_removed} "
        f"({figures.removed_share:.2%}); capitalised other words {figures.other_capitalised}, removed "
        f"{figures.other_capitalised_removed} ({figures.capitalised_removed_share:.2%})"
    )
    print("missed:", *figures.missed, sep="\n  ")
    print("removed:", *figures.removed, sep="\n  ")


if __name__ == "__main__":
    main()
