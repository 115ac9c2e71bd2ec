"""Duplicate detection on text: normalised body hash, syllable shingles, MinHash signatures, LSH band keys."""

from __future__ import annotations

import hashlib
import re
import string
import unicodedata
from collections.abc import Iterable, Sequence
from itertools import chain

import numpy as np

# Five syllables: one changed sentence of a 300-syllable story keeps Jaccard near 0.82,
# while two unrelated stories share almost no 5-syllable run.
SHINGLE_SIZE = 5
NUM_PERM = 128
# 32 bands of 4 rows make pairs of Jaccard 0.6 candidates 99% of the time and pairs of 0.1
# almost never; the verification below, not the bands, decides what is linked.
BANDS = 32
ROWS = 4
# A near copy shares at least this much of the smaller body's shingles with the other body.
# Containment rather than Jaccard: a republished copy that drops a paragraph and rewrites
# the lead keeps ~0.84 of its shingles but only ~0.65 Jaccard. bench/dedup.py prints the curve.
NEAR_THRESHOLD = 0.8
# Short bodies (video pages, photo galleries) share boilerplate; they are never exact or near copies.
MIN_BODY_WORDS = 30

_UINT64 = np.uint64
_WORD = re.compile(r"\w+")
_PUNCTUATION = re.compile("[" + re.escape(string.punctuation + "“”‘’–—…«»·•") + "]")
# Old-style placement puts the tone on the first vowel of an open "oa", "oe", "uy";
# the new style puts it on the second. Both spellings must give one key.
_OLD_TONES = {
    old + second: plain + new
    for plain, second, olds, news in (
        ("o", "a", "òóỏõọ", "àáảãạ"),
        ("o", "e", "òóỏõọ", "èéẻẽẹ"),
        ("u", "y", "ùúủũụ", "ỳýỷỹỵ"),
    )
    for old, new in zip(olds, news)
}
_OLD_TONE = re.compile("(" + "|".join(_OLD_TONES) + r")(?!\w)")


def _constant(label: str) -> int:
    """A fixed 64-bit constant derived from its label, stable across processes and numpy versions."""
    return int.from_bytes(hashlib.blake2b(label.encode(), digest_size=8).digest(), "little")


_SHINGLE_WEIGHTS = np.array([_constant(f"shingle-{i}") | 1 for i in range(SHINGLE_SIZE)], dtype=_UINT64)
_PERM_A = np.array([_constant(f"perm-a-{i}") | 1 for i in range(NUM_PERM)], dtype=_UINT64)
_PERM_B = np.array([_constant(f"perm-b-{i}") for i in range(NUM_PERM)], dtype=_UINT64)
_ROW_WEIGHTS = np.array([_constant(f"row-{i}") | 1 for i in range(ROWS)], dtype=_UINT64)
_BAND_WEIGHTS = np.array([_constant(f"band-{i}") for i in range(BANDS)], dtype=_UINT64)


def _comparison_key(text: str) -> str:
    """NFC, lower-case, new tone placement and single spaces: equal keys mean the same text."""
    return " ".join(_spelling_key(text).split())


def _spelling_key(text: str) -> str:
    """NFC, lower-case and new tone placement; spacing left as it was."""
    key = unicodedata.normalize("NFC", text).lower()
    return _OLD_TONE.sub(lambda match: _OLD_TONES[match.group(1)], key)


def body_words(body: Iterable[str], captions: Iterable[str] = ()) -> list[str]:
    """The body's syllables in comparison form, leaving out any paragraph that repeats a caption."""
    # Wire photos reuse one caption across papers; counting it as body text would
    # make every syndicated story look like a near-duplicate of every other.
    caption_keys = {_comparison_key(caption) for caption in captions}
    words: list[str] = []
    for paragraph in body:
        key = _spelling_key(paragraph)
        if caption_keys and " ".join(key.split()) in caption_keys:
            continue
        tokens = _PUNCTUATION.sub(" ", key).split()
        if tokens:
            # Most paragraphs split into bare syllables; only rare symbols need the regex.
            if all(map(str.isalnum, tokens)):
                words.extend(tokens)
            else:
                words.extend(_WORD.findall(" ".join(tokens)))
    return words


def body_hash(body: Iterable[str], captions: Iterable[str] = ()) -> str:
    """SHA-256 (hex) of the body's words in comparison form; captions and punctuation do not count."""
    return words_hash(body_words(body, captions))


def words_hash(words: Sequence[str]) -> str:
    """SHA-256 (hex) of words from body_words: equal hashes are exact copies."""
    # Punctuation is left out because republishers swap quote styles, dashes and heading marks.
    return hashlib.sha256(" ".join(words).encode()).hexdigest()


def is_comparable(words: Sequence[str]) -> bool:
    """Whether a body is long enough to be an exact or near copy of another."""
    return len(words) >= MIN_BODY_WORDS


def _mix(values: np.ndarray) -> np.ndarray:
    # A bijective finaliser: spreads the bits of a weak linear combination over all 64.
    values = values ^ (values >> _UINT64(30))
    values = values * _UINT64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> _UINT64(27))
    values = values * _UINT64(0x94D049BB133111EB)
    return values ^ (values >> _UINT64(31))


def _syllable_hashes(word_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """64-bit hashes of every syllable of every body, concatenated in order."""
    # Each distinct syllable is hashed once per call; a story repeats most of its syllables.
    every_word = list(chain.from_iterable(word_lists))
    vocabulary = {word: index for index, word in enumerate(dict.fromkeys(every_word))}
    table = np.fromiter(map(_constant, vocabulary), dtype=_UINT64, count=len(vocabulary))
    ids = np.fromiter(map(vocabulary.__getitem__, every_word), dtype=np.int64, count=len(every_word))
    return table[ids]


def _shingles_of_concatenation(syllables: np.ndarray) -> np.ndarray:
    """Hash of every run of SHINGLE_SIZE syllables starting at each position (the tail is cut off)."""
    count = len(syllables) - SHINGLE_SIZE + 1
    combined = np.zeros(max(count, 0), dtype=_UINT64)
    for offset in range(SHINGLE_SIZE):
        combined += syllables[offset : offset + count] * _SHINGLE_WEIGHTS[offset]
    return _mix(combined)


def shingles(words: Sequence[str]) -> np.ndarray:
    """Sorted distinct 64-bit hashes of the body's runs of SHINGLE_SIZE syllables."""
    if len(words) < SHINGLE_SIZE:
        return np.zeros(0, dtype=_UINT64)
    return np.unique(_shingles_of_concatenation(_syllable_hashes([words])))


def jaccard(first: np.ndarray, second: np.ndarray) -> float:
    """Exact Jaccard similarity of two shingle sets given as sorted distinct arrays."""
    if len(first) == 0 and len(second) == 0:
        return 0.0
    common = len(np.intersect1d(first, second, assume_unique=True))
    return common / (len(first) + len(second) - common)


def containment(first: np.ndarray, second: np.ndarray) -> float:
    """Share of the smaller shingle set (sorted distinct array) that the other set also holds."""
    smaller = min(len(first), len(second))
    if smaller == 0:
        return 0.0
    return len(np.intersect1d(first, second, assume_unique=True)) / smaller


def is_near_copy(first: np.ndarray, second: np.ndarray) -> bool:
    """Whether two shingle sets are verified near copies of one story."""
    return containment(first, second) >= NEAR_THRESHOLD


def signatures(word_lists: Sequence[Sequence[str]]) -> np.ndarray:
    """MinHash signatures, one row of NUM_PERM uint32 per body; every body needs SHINGLE_SIZE words."""
    lengths = np.array([len(words) for words in word_lists], dtype=np.int64)
    if len(lengths) and lengths.min() < SHINGLE_SIZE:
        raise ValueError(f"a body shorter than {SHINGLE_SIZE} words has no shingles")
    if len(lengths) == 0:
        return np.zeros((0, NUM_PERM), dtype=np.uint32)
    shingle_hashes = _shingles_of_concatenation(_syllable_hashes(word_lists))
    # Runs that straddle two bodies are dropped: keep the first len-SHINGLE_SIZE+1 of each body.
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1]))
    counts = lengths - SHINGLE_SIZE + 1
    keep = np.repeat(starts, counts) + _ranks(counts)
    keys = shingle_hashes[keep] >> _UINT64(32)
    segment_starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    return _min_hashes(keys, segment_starts)


def _ranks(counts: np.ndarray) -> np.ndarray:
    """0, 1, …, count-1 for each count, concatenated."""
    total = int(counts.sum())
    offsets = np.repeat(np.cumsum(counts) - counts, counts)
    return np.arange(total, dtype=np.int64) - offsets


def _min_hashes(keys: np.ndarray, segment_starts: np.ndarray) -> np.ndarray:
    """Per segment of 32-bit shingle keys, the minimum of each multiply-add-shift permutation."""
    minimums = np.empty((NUM_PERM, len(segment_starts)), dtype=_UINT64)
    # Blocks of whole segments keep the (permutations × shingles) matrix near the cache;
    # permutations run along rows so each reduction reads contiguous memory.
    block_columns = 4096
    bounds = np.append(segment_starts, len(keys))
    first = 0
    while first < len(segment_starts):
        last = int(np.searchsorted(bounds, bounds[first] + block_columns, side="right")) - 1
        last = max(last, first + 1)
        low, high = int(bounds[first]), int(bounds[last])
        permuted = _PERM_A[:, None] * keys[None, low:high]
        permuted += _PERM_B[:, None]
        minimums[:, first:last] = np.minimum.reduceat(permuted, bounds[first:last] - low, axis=1)
        first = last
    # The top half of a multiply-add is the well-mixed part; shifting after the minimum is
    # equivalent because the shift keeps order.
    return (minimums.T >> _UINT64(32)).astype(np.uint32)


def band_keys(signature_rows: np.ndarray) -> np.ndarray:
    """LSH keys, one int64 per band per signature; equal keys in any band make a candidate pair."""
    rows = signature_rows.reshape(len(signature_rows), BANDS, ROWS).astype(_UINT64)
    combined = (rows * _ROW_WEIGHTS[None, None, :]).sum(axis=2, dtype=_UINT64)
    # The band number is mixed in so one column can hold every band's keys.
    return _mix(combined + _BAND_WEIGHTS[None, :]).view(np.int64)


def candidate_probability(similarity: float, bands: int = BANDS, rows: int = ROWS) -> float:
    """Chance that two bodies of this Jaccard similarity share at least one band (the LSH S-curve)."""
    return 1.0 - (1.0 - similarity**rows) ** bands
