"""Finding a unit or an indicator by code or by name, typed with or without diacritics."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Mapping
from typing import TypeVar

from thiduaCLI.errors import LookupFailed

T = TypeVar("T")
_NOT_WORD = re.compile(r"[^0-9a-z]+")


def fold(text: str) -> str:
    """Lower case, no diacritics, đ as d, punctuation as single spaces: 'Khóm 3' -> 'khom 3'."""
    decomposed = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _NOT_WORD.sub(" ", bare).strip()


def resolve(query: str, entries: Mapping[str, T], names: Mapping[str, str], what: str) -> T:
    """The entry whose code or name matches ``query``.

    Tried in order: the code (any case), the whole name, then names containing the query as
    whole words. No match, or several, raises :class:`LookupFailed` listing candidates.
    """
    wanted = fold(query)
    if not wanted:
        raise LookupFailed(f"không có {what} '{query}' (gõ mã hoặc tên)")
    by_code = [code for code in entries if fold(code) == wanted]
    by_name = [code for code in entries if fold(names[code]) == wanted]
    partial = [code for code in entries if f" {wanted} " in f" {fold(names[code])} "]
    for found in (by_code, by_name, partial):
        if len(found) == 1:
            return entries[found[0]]
        if len(found) > 1:
            raise LookupFailed(
                f"{what} '{query}' chưa rõ, có thể là: {_listing(found, names)}; hãy gõ mã"
            )
    labels = {fold(code): code for code in entries} | {fold(n): c for c, n in names.items()}
    close = difflib.get_close_matches(wanted, list(labels), n=3, cutoff=0.5)
    suggestions = list(dict.fromkeys(labels[label] for label in close))
    hint = f"; gần nhất: {_listing(suggestions, names)}" if suggestions else ""
    raise LookupFailed(f"không có {what} '{query}'{hint}")


def _listing(codes: list[str], names: Mapping[str, str]) -> str:
    return ", ".join(f"{code} ({names[code]})" for code in codes)
