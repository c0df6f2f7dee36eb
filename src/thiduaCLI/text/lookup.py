"""Finding a unit or an indicator by code or by name, typed with or without diacritics."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from functools import cache, cached_property
from typing import Generic, TypeVar

from thiduaCLI.errors import LookupFailed
from thiduaCLI.text.i18n import _

T = TypeVar("T")
_NOT_WORD = re.compile(r"[^0-9a-z]+")

# The Vietnamese alphabet, letter by letter; ă, â, đ, ê, ô, ơ, ư are letters of their own.
ALPHABET = "aăâbcdđeêghiklmnoôơpqrstuưvxy"  # i18n: data
_SHAPES = {"\u0306": "ă", "\u0302": "^", "\u031b": "+"}  # i18n: data (breve, circumflex, horn)
_WITH_SHAPE = {("a", "ă"): "ă", ("a", "^"): "â", ("e", "^"): "ê", ("o", "^"): "ô"}  # i18n: data
_WITH_SHAPE |= {("o", "+"): "ơ", ("u", "+"): "ư"}  # i18n: data
# Tones in dictionary order: none, huyền, hỏi, ngã, sắc, nặng.
_TONES = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}  # i18n: data
_NUMBER = re.compile(r"(\d+)")


class _Marks(dict[int, int | None]):
    """A :meth:`str.translate` table that drops combining marks; filled as characters come."""

    def __missing__(self, code_point: int) -> int | None:
        kept = None if unicodedata.combining(chr(code_point)) else code_point
        self[code_point] = kept
        return kept


_WITHOUT_MARKS = _Marks()


def fold(text: str) -> str:
    """Lower case, no diacritics, đ as d, punctuation as single spaces: 'Khóm 3' -> 'khom 3'."""
    bare = text.casefold().replace("đ", "d")  # i18n: data
    if not bare.isascii():
        bare = unicodedata.normalize("NFD", bare).translate(_WITHOUT_MARKS)
    return _NOT_WORD.sub(" ", bare).strip()


def nfc(text: str) -> str:
    """``text`` in Unicode NFC, the one form thidua stores (typed NFD text looks the same)."""
    return unicodedata.normalize("NFC", text)


def sort_key(text: str) -> tuple[object, ...]:
    """A key that sorts names in Vietnamese alphabetical order, numbers by their value.

    Letters first (a < ă < â < b … đ after d), then tones (none, huyền, hỏi, ngã, sắc,
    nặng), then case: "Khóm 2" < "Khóm 10" < "Phòng Kinh tế" < "Phòng Văn hóa – Xã hội".
    Each character's part is worked out once (a ranking sorts thousands of names).
    """
    letters: list[tuple[int, object]] = []
    tones: list[int] = []
    cases: list[bool] = []
    for piece in _NUMBER.split(unicodedata.normalize("NFC", text)):
        if piece.isdecimal():  # isdigit() would take "²", which int() refuses
            letters.append((1, int(piece)))
            continue
        for char in piece:
            parts = _character_key(char)
            if parts is None:  # a mark standing alone: it changes the letter before it
                return _sort_key_decomposed(text)
            for letter, tone, upper in parts:
                letters.append(letter)
                tones.append(tone)
                cases.append(upper)
    return (letters, tones, cases)


@cache
def _character_key(char: str) -> tuple[tuple[tuple[int, object], int, bool], ...] | None:
    """One composed character's letters as :func:`sort_key` orders them (letter, tone,
    upper case); None for a combining mark, which belongs to the letter before it."""
    if unicodedata.combining(char):
        return None
    return tuple(_entry(base, tone) for base, tone in _letters(unicodedata.normalize("NFD", char)))


def _entry(base: str, tone: int) -> tuple[tuple[int, object], int, bool]:
    """One letter's place in :func:`sort_key`: its letter, its tone, whether upper case."""
    lower = base.lower()
    return (0, (ALPHABET.find(lower), lower)), tone, base.isupper()


def _sort_key_decomposed(text: str) -> tuple[object, ...]:
    """:func:`sort_key` letter by letter of the whole decomposed text."""
    letters: list[tuple[int, object]] = []
    tones: list[int] = []
    cases: list[bool] = []
    for piece in _NUMBER.split(unicodedata.normalize("NFD", text)):
        if piece.isdecimal():  # isdigit() would take "²", which int() refuses
            letters.append((1, int(piece)))
            continue
        for letter, tone, upper in (_entry(*found) for found in _letters(piece)):
            letters.append(letter)
            tones.append(tone)
            cases.append(upper)
    return (letters, tones, cases)


def _letters(decomposed: str) -> list[tuple[str, int]]:
    """Each base letter of NFD text with its shape folded in (a + breve = ă) and its tone."""
    found: list[tuple[str, int]] = []
    for char in decomposed:
        if not unicodedata.combining(char) or not found:
            found.append((char, 0))
            continue
        base, tone = found[-1]
        if char in _TONES:
            found[-1] = (base, _TONES[char])
        elif char in _SHAPES:
            shaped = _WITH_SHAPE.get((base.lower(), _SHAPES[char]), base.lower())
            found[-1] = (shaped.upper() if base.isupper() else shaped, tone)
    return found


def resolve(query: str, entries: Mapping[str, T], names: Mapping[str, str], what: str) -> T:
    """The entry whose code or name matches ``query``.

    Tried in order: the code exactly as written, the code (any case), the whole name, then
    names containing the query as whole words. No match, or several, raises
    :class:`LookupFailed` listing candidates.
    """
    return Index(entries, names, what).find(query)


class Index(Generic[T]):
    """Codes and names folded once, for finding many entries (:func:`resolve`'s rules)."""

    def __init__(self, entries: Mapping[str, T], names: Mapping[str, str], what: str) -> None:
        self.entries, self.names, self.what = entries, names, what
        self.by_code: dict[str, list[str]] = {}
        for code in entries:
            self.by_code.setdefault(fold(code), []).append(code)
        self.found: dict[str, T | LookupFailed] = {}

    @cached_property
    def folded_names(self) -> dict[str, str]:
        """Each code's name, folded (only when a query is not a code: folding 3,000 names
        would cost ``thidua report K03 …`` more than the rest of its lookup)."""
        return {code: fold(self.names[code]) for code in self.entries}

    @cached_property
    def by_name(self) -> dict[str, list[str]]:
        """Codes by their folded name."""
        found: dict[str, list[str]] = {}
        for code, folded_name in self.folded_names.items():
            found.setdefault(folded_name, []).append(code)
        return found

    def _matches(self, wanted: str) -> Iterator[list[str]]:
        """Codes matching the folded query: by code, by whole name, by words of the name."""
        yield self.by_code.get(wanted, [])
        yield self.by_name.get(wanted, [])
        padded = f" {wanted} "
        yield [code for code, name in self.folded_names.items() if padded in f" {name} "]

    def find(self, query: str) -> T:
        """The entry whose code or name matches ``query``, as :func:`resolve` finds it; each
        query is looked up once (an import file names the same units again and again)."""
        if query not in self.found:
            try:
                self.found[query] = self._find(query)
            except LookupFailed as error:
                self.found[query] = error
        found = self.found[query]
        if isinstance(found, LookupFailed):
            raise LookupFailed(str(found))  # a new one each time, with its own traceback
        return found

    def _find(self, query: str) -> T:
        if query in self.entries:  # a code exactly as the plan writes it is never ambiguous
            return self.entries[query]
        what, names = self.what, self.names
        wanted = fold(query)
        if not wanted:
            raise LookupFailed(
                _("không có {what} '{query}' (gõ mã hoặc tên)").format(what=what, query=query)
            )
        for found in self._matches(wanted):
            if len(found) == 1:
                return self.entries[found[0]]
            if len(found) > 1:
                raise LookupFailed(
                    _("{what} '{query}' chưa rõ, có thể là: {candidates}; hãy gõ mã").format(
                        what=what,
                        query=query,
                        candidates=_listing(sorted(found, key=lambda c: sort_key(names[c])), names),
                    )
                )
        import difflib

        labels = {fold(code): code for code in self.entries} | {
            fold(n): c for c, n in names.items()
        }
        close = difflib.get_close_matches(wanted, list(labels), n=3, cutoff=0.5)
        suggestions = list(dict.fromkeys(labels[label] for label in close))
        if suggestions:
            raise LookupFailed(
                _("không có {what} '{query}'; gần nhất: {candidates}").format(
                    what=what, query=query, candidates=_listing(suggestions, names)
                )
            )
        raise LookupFailed(_("không có {what} '{query}'").format(what=what, query=query))


def _listing(codes: list[str], names: Mapping[str, str]) -> str:
    """Candidates as ``CODE (name)``, in the order given."""
    return ", ".join(f"{code} ({names[code]})" for code in codes)
