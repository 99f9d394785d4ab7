"""A caption or place as the checks compare it: its words, not its typing.

Copying last month's caption and changing the date ("4月10日" → "5月12日"), a space
or a full stop is still copying. So a text is compared by its letters only: NFKC
(full-width "ＡＢＣ" is "ABC"), lower-case, and without spaces, punctuation, digits
and symbols. Chinese numerals (一, 二) are letters and stay; a changed "第一次"
is a changed text.

What is stored and looked up is a 64-bit digest of that text (evidence.models.TextKey),
so that the activities with the same text are found through an index, however many
there are; the length that decides whether the text counts at all is the same on
both sides of a match, so it is checked on the side being checked.
"""

import hashlib
import unicodedata

# Letters (L*) and the marks that belong to them (M*); everything else goes.
KEPT_CATEGORIES = ("L", "M")


def normalise(text):
    """`text` reduced to its letters, lower-case: what "the same text" means here."""
    folded = unicodedata.normalize("NFKC", text or "").casefold()
    return "".join(c for c in folded if unicodedata.category(c).startswith(KEPT_CATEGORIES))


def digest(field, normalised):
    """A signed 64-bit number for `normalised` text of `field` ("caption" or "place"):
    a caption and a place with the same words are different keys."""
    raw = hashlib.blake2b(f"{field}:{normalised}".encode(), digest_size=8).digest()
    return int.from_bytes(raw, "big", signed=True)
