#!/usr/bin/env python3
"""Writes store/src/search/lexicon.txt: the Dutch words search splits compounds into.

Source: OpenTaal's word list as Debian ships it (`apt-get install wdutch`:
/usr/share/dict/dutch). Kept: lower-case words of letters only, accents folded (as the
search analyzer folds them), 4 to 20 letters, common enough in Dutch text by wordfreq
(`pip install wordfreq`, zipf frequency >= 2.5) — rare words would split common
compounds into nonsense. Only the words are written, not their frequencies.
"""
import sys
import unicodedata

from wordfreq import zipf_frequency

MIN_ZIPF = 2.5


def fold(word: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn"
    )


def main() -> None:
    source = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/dict/dutch"
    kept = set()
    with open(source, encoding="utf-8") as words:
        for line in words:
            word = line.strip()
            if not word or not word.isalpha() or word != word.lower():
                continue
            folded = fold(word)
            if not (4 <= len(folded) <= 20) or not folded.isascii():
                continue
            if zipf_frequency(word, "nl") >= MIN_ZIPF:
                kept.add(folded)
    out = sys.argv[2] if len(sys.argv) > 2 else "store/src/search/lexicon.txt"
    with open(out, "w", encoding="utf-8") as f:
        f.write(
            "# Dutch words for splitting compounds: OpenTaal's word list (Debian wdutch; BSD / CC BY 3.0,\n"
            "# https://www.opentaal.org), lower case, accents folded, 4 to 20 letters, kept when the word\n"
            "# is common enough in Dutch text (wordfreq zipf >= 2.5). Regenerate with scripts/lexicon.py.\n"
        )
        for word in sorted(kept):
            f.write(word + "\n")


if __name__ == "__main__":
    main()
