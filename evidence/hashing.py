"""A photo's perceptual hash as a number, and its four bands for lookup.

The upload pipeline stores each photo's 64-bit `phash` as 16 hexadecimal digits.
Two photos are "the same picture" when their hashes differ in few bits (their
Hamming distance). Finding such pairs among hundreds of thousands of photos
without comparing every pair is multi-index hashing (Norouzi, Punjani and Fleet,
2012): the hash is cut into BANDS bands of 16 bits, each stored in an indexed
column. If two hashes differ in at most d bits, then by pigeonhole one of the
bands differs in at most d // BANDS bits; so looking up, in each band, every
value within that many bits of the photo's own finds every match, and only a
few hundred candidates to compare in full.
"""

BANDS = 4
BAND_BITS = 16
BAND_MASK = (1 << BAND_BITS) - 1
SIGN = 1 << 63


def as_number(phash):
    """The hexadecimal hash as an unsigned 64-bit integer."""
    return int(phash, 16)


def as_signed(number):
    """The same 64 bits as a signed integer, as a database's BIGINT holds them."""
    return number - (1 << 64) if number & SIGN else number


def as_unsigned(signed):
    return signed + (1 << 64) if signed < 0 else signed


def bands(number):
    """The BANDS 16-bit bands of a 64-bit hash, most significant first."""
    return [(number >> (BAND_BITS * (BANDS - 1 - n))) & BAND_MASK for n in range(BANDS)]


def distance(a, b):
    """How many bits two hashes (unsigned integers) differ in."""
    return (a ^ b).bit_count()


def columns(phash):
    """The PhotoHash columns of a stored phash: its signed value and its bands."""
    number = as_number(phash)
    return {
        "value": as_signed(number),
        **{f"band{n}": band for n, band in enumerate(bands(number))},
    }
