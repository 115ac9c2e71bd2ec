"""Duplicate detection on text: normalised body hash, syllable shingles, MinHash signatures, LSH band keys."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence

import numpy as np

from transforms.text import comparison_key, tone_key

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
# the lead keeps ~0.88 of its shingles but only ~0.73 Jaccard. bench/dedup.py prints the curve.
NEAR_THRESHOLD = 0.8
# Short bodies (video pages, photo galleries) share boilerplate; they are never exact or near copies.
MIN_BODY_WORDS = 30

_UINT64 = np.uint64
# Which code points of the Basic Multilingual Plane belong to words (letters and digits);
# punctuation, spaces and symbols separate them. 0xFFFF is not a letter, so clipping
# code points above it marks them as separators too.
_WORD_CHARACTER = np.array([chr(code).isalnum() for code in range(0x10000)], dtype=bool)
_HEAD = 8
_TAIL = 4
_HEAD_OFFSETS = np.arange(_HEAD)
_TAIL_OFFSETS = np.arange(_TAIL)
# A word shows its character at head offset i when longer than i, at tail offset j when longer than _HEAD + j.
_POSITION_MINIMUMS = np.concatenate((_HEAD_OFFSETS, _HEAD + _TAIL_OFFSETS))


def _constant(label: str) -> int:
    """A fixed 64-bit constant derived from its label, stable across processes and numpy versions."""
    return int.from_bytes(hashlib.blake2b(label.encode(), digest_size=8).digest(), "little")


def _constants(label: str, count: int, odd: bool = False) -> np.ndarray:
    return np.array([_constant(f"{label}-{index}") | int(odd) for index in range(count)], dtype=_UINT64)


_CHARACTER_WEIGHTS = _constants("character", _HEAD + _TAIL, odd=True)
_LENGTH_WEIGHT = _UINT64(_constant("length") | 1)
_SHINGLE_WEIGHTS = _constants("shingle", SHINGLE_SIZE, odd=True)
_PERM_A = _constants("perm-a", NUM_PERM, odd=True)
_PERM_B = _constants("perm-b", NUM_PERM)
_ROW_WEIGHTS = _constants("row", ROWS, odd=True)
_BAND_WEIGHTS = _constants("band", BANDS)


def comparison_text(body: Iterable[str], captions: Iterable[str] = ()) -> str:
    """The body in comparison form (NFC, lower case, one tone placement), caption paragraphs left out."""
    # Wire photos reuse one caption across papers; counting it as body text would
    # make every syndicated story look like a near-duplicate of every other.
    caption_keys = {comparison_key(caption) for caption in captions}
    if not caption_keys:
        return tone_key("\n".join(body))
    return "\n".join(
        key for key in map(tone_key, body) if " ".join(key.split()) not in caption_keys
    )


def word_hashes(texts: Sequence[str]) -> list[np.ndarray]:
    """For each text from comparison_text, one 64-bit hash per word (run of letters and digits)."""
    if not texts:
        return []
    # The whole batch is one numpy array of code points: no Python object per word. Padding
    # lets every word's first _HEAD positions be read without running off the end.
    codes = np.frombuffer(("\n".join(texts) + "\n" * _HEAD).encode("utf-32-le"), dtype=np.uint32)
    # A leading separator makes the changes between word and separator alternate from a start:
    # even ones start words, odd ones end them (the padding ends the last word).
    in_word = np.empty(len(codes) + 1, dtype=bool)
    in_word[0] = False
    in_word[1:] = _WORD_CHARACTER[np.minimum(codes, 0xFFFF)]
    changes = np.flatnonzero(in_word[1:] != in_word[:-1])
    starts = changes[0::2]
    ends = changes[1::2]
    lengths = ends - starts
    # A syllable has at most seven letters: the first _HEAD characters, the last _TAIL and the
    # length tell words apart; longer words (names, numbers) rarely differ only in the middle.
    # One (words × positions) matrix for all of them: a few array operations instead of a dozen
    # per position, and the same sum, since uint64 arithmetic wraps in any order.
    positions = np.concatenate(
        (starts[:, None] + _HEAD_OFFSETS[None, :], ends[:, None] - 1 - _TAIL_OFFSETS[None, :]), axis=1
    )
    present = lengths[:, None] > _POSITION_MINIMUMS[None, :]
    characters = np.where(present, codes[positions], 0).astype(_UINT64)
    combined = lengths.astype(_UINT64) * _LENGTH_WEIGHT
    combined += characters @ _CHARACTER_WEIGHTS
    hashes = _mix(combined)
    # Each text is followed by one separator character in the joined string.
    text_ends = np.cumsum([len(text) + 1 for text in texts])
    return np.split(hashes, np.searchsorted(starts, text_ends[:-1]))


def body_hash(body: Iterable[str], captions: Iterable[str] = ()) -> str:
    """SHA-256 (hex) of the body's words in comparison form; captions and punctuation do not count."""
    return words_hash(word_hashes([comparison_text(body, captions)])[0])


def body_hashes(bodies: Sequence[Iterable[str]], chunk: int = 64) -> list[str]:
    """body_hash of each body (no captions), a chunk of bodies per numpy pass.

    For a single body the calls cost more than the hashing; a whole batch at once would hold
    word matrices of a hundred megabytes.
    """
    texts = [comparison_text(body) for body in bodies]
    return [
        words_hash(words) for first in range(0, len(texts), chunk) for words in word_hashes(texts[first : first + chunk])
    ]


def words_hash(words: np.ndarray) -> str:
    """SHA-256 (hex) of a body's word hashes: equal values are exact copies."""
    # Punctuation is left out because republishers swap quote styles, dashes and heading marks.
    return hashlib.sha256(words.astype("<u8").tobytes()).hexdigest()


def is_comparable(words: np.ndarray) -> bool:
    """Whether a body (its word hashes) is long enough to be an exact or near copy of another."""
    return len(words) >= MIN_BODY_WORDS


def _mix(values: np.ndarray) -> np.ndarray:
    # A bijective finaliser: spreads the bits of a weak linear combination over all 64.
    values = values ^ (values >> _UINT64(30))
    values = values * _UINT64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> _UINT64(27))
    values = values * _UINT64(0x94D049BB133111EB)
    return values ^ (values >> _UINT64(31))


def _shingles_of_concatenation(words: np.ndarray) -> np.ndarray:
    """Hash of every run of SHINGLE_SIZE words starting at each position (the tail is cut off)."""
    count = max(len(words) - SHINGLE_SIZE + 1, 0)
    combined = np.zeros(count, dtype=_UINT64)
    for offset in range(SHINGLE_SIZE):
        combined += words[offset : offset + count] * _SHINGLE_WEIGHTS[offset]
    return _mix(combined)


def shingles(words: np.ndarray) -> np.ndarray:
    """Sorted distinct 64-bit hashes of a body's runs of SHINGLE_SIZE words (given as word hashes)."""
    return np.unique(_shingles_of_concatenation(words))


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


def signatures(word_lists: Sequence[np.ndarray]) -> np.ndarray:
    """MinHash signatures: one row of NUM_PERM uint32 per body's word hashes (SHINGLE_SIZE words at least)."""
    lengths = np.array([len(words) for words in word_lists], dtype=np.int64)
    if len(lengths) and lengths.min() < SHINGLE_SIZE:
        raise ValueError(f"a body shorter than {SHINGLE_SIZE} words has no shingles")
    if len(lengths) == 0:
        return np.zeros((0, NUM_PERM), dtype=np.uint32)
    shingle_hashes = _shingles_of_concatenation(np.concatenate(word_lists))
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


# How far above its MinHash estimate a pair's Jaccard is allowed to be before the estimate rules
# the pair out: 4.5 standard deviations of an estimate from NUM_PERM values, plus a floor for
# estimates near 0 or 1 where the binomial deviation vanishes.
_ESTIMATE_DEVIATIONS = 4.5
_ESTIMATE_FLOOR = 0.02


def may_be_near(
    first_signatures: np.ndarray, second_signatures: np.ndarray, first_sizes: np.ndarray, second_sizes: np.ndarray
) -> np.ndarray:
    """For pairs of signature rows and shingle counts: could containment reach NEAR_THRESHOLD?

    A candidate pair from the bands is otherwise verified from both bodies, which means reading
    and hashing an old article for every candidate. The MinHash estimate of Jaccard, raised by
    several of its standard deviations, bounds the shared shingles (|A∩B| = J(|A|+|B|)/(1+J)) and
    so the containment; only pairs whose bound reaches the threshold are verified exactly. A pair
    of true containment ≥ NEAR_THRESHOLD is ruled out with a probability below one in 10⁵.
    """
    estimate = (first_signatures == second_signatures).mean(axis=1)
    deviation = np.sqrt(np.maximum(estimate * (1 - estimate), 1 / NUM_PERM) / NUM_PERM)
    upper = np.minimum(1.0, estimate + _ESTIMATE_DEVIATIONS * deviation + _ESTIMATE_FLOOR)
    first_sizes = np.asarray(first_sizes, dtype=np.float64)
    second_sizes = np.asarray(second_sizes, dtype=np.float64)
    smaller = np.maximum(np.minimum(first_sizes, second_sizes), 1.0)
    bound = upper * (first_sizes + second_sizes) / ((1 + upper) * smaller)
    return bound >= NEAR_THRESHOLD
