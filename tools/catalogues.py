"""Keep the message catalogues in step with the code, with Babel's tooling.

    python tools/catalogues.py            # extract, update both .po files, compile the .mo files
    python tools/catalogues.py --check    # exit 1 when a catalogue is stale or incomplete
    python tools/catalogues.py --merge en translations.json   # add translations from JSON

The messages in the code are Vietnamese (the source language), so a new message enters the
Vietnamese catalogue as itself and the English catalogue untranslated, for a translator to
fill in (``--check`` fails until then). Obsolete messages are dropped.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "thiduaCLI"
LOCALE_DIR = PACKAGE / "locale"
DOMAIN = "thidua"
LANGUAGES = ("vi", "en")
SOURCE_LANGUAGE = "vi"
FIXED_DATE = datetime(2026, 1, 1, tzinfo=UTC)  # the headers stay the same from run to run
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extracted() -> Catalog:
    """Every message the code marks for translation."""
    catalog = _catalog(SOURCE_LANGUAGE)
    for filename, lineno, message, comments, context in extract_from_dir(
        str(PACKAGE), keywords=KEYWORDS, comment_tags=("TRANSLATORS:",)
    ):
        catalog.add(
            message, locations=[(filename, lineno)], auto_comments=comments, context=context
        )
    return catalog


def _catalog(language: str) -> Catalog:
    return Catalog(
        locale=language,
        project="thidua",
        copyright_holder="thidua developers",
        msgid_bugs_address="the thidua issue tracker",
        last_translator="thidua developers",
        language_team=f"thidua {language}",
    )


def po_path(language: str) -> Path:
    """Where a language's editable catalogue lives."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def load(language: str) -> Catalog:
    """A language's catalogue as committed (empty when there is none yet)."""
    path = po_path(language)
    if not path.exists():
        return _catalog(language)
    with path.open("rb") as handle:
        return read_po(handle, locale=language)


def updated(language: str, template: Catalog) -> Catalog:
    """The language's catalogue with exactly the template's messages, translations kept."""
    old = load(language)
    new = _catalog(language)
    for message in template:
        if not message.id:
            continue
        kept = old.get(message.id)
        string: object = kept.string if kept is not None else ""
        plural = isinstance(message.id, tuple | list)
        if plural != isinstance(string, tuple | list):  # became (or stopped being) plural
            string = ("", "") if plural else ""
        if language == SOURCE_LANGUAGE and not _translated(string):
            string = message.id
        new[message.id] = Message(
            message.id, string, locations=message.locations, auto_comments=message.auto_comments
        )
    return new


def compiled(catalog: Catalog) -> bytes:
    """The .mo bytes of a catalogue."""
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def rendered(catalog: Catalog) -> bytes:
    """The .po text of a catalogue, without dates so that reruns change nothing."""
    buffer = io.BytesIO()
    catalog.creation_date = catalog.revision_date = FIXED_DATE
    catalog.fuzzy = False
    write_po(buffer, catalog, width=100, omit_header=False, sort_output=True, include_lineno=False)
    return buffer.getvalue()


def problems(language: str, template: Catalog) -> list[str]:
    """What is wrong with a language's committed catalogue, measured against the code.

    A message of the code missing from the catalogue, a message the code no longer has, an
    empty or fuzzy translation, a translation whose ``{placeholders}`` differ from the
    message's, and a compiled ``.mo`` that says something else than the ``.po``.
    """
    catalog = load(language)
    wanted = {_text(message.id) for message in template if message.id}
    have = {_text(message.id): message for message in catalog if message.id}
    found = [f"{language}: thiếu: {text!r}" for text in sorted(wanted - set(have))]
    found += [f"{language}: mã không còn dùng: {text!r}" for text in sorted(set(have) - wanted)]
    for text, message in sorted(have.items()):
        if not _translated(message.string) or message.fuzzy:
            found.append(f"{language}: chưa dịch: {text!r}")
        elif _placeholders(message.id) != _placeholders(message.string):
            found.append(f"{language}: chỗ điền {{…}} khác bản gốc: {text!r}")
    if compiled_messages(language) != expected_messages(catalog):
        found.append(f"{language}: {DOMAIN}.mo chưa biên dịch lại từ {DOMAIN}.po")
    return found


def compiled_messages(language: str) -> dict[object, str]:
    """What the committed .mo file says, as gettext reads it."""
    import gettext

    path = po_path(language).with_suffix(".mo")
    if not path.exists():
        return {}
    with path.open("rb") as handle:
        messages = dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]
    messages.pop("", None)
    return messages


def expected_messages(catalog: Catalog) -> dict[object, str]:
    """What the .mo compiled from ``catalog`` should say, keyed as gettext keys it."""
    messages: dict[object, str] = {}
    for message in catalog:
        if not message.id or not _translated(message.string) or message.fuzzy:
            continue
        if isinstance(message.id, tuple | list):
            for index, form in enumerate(message.string):
                messages[(message.id[0], index)] = form
        else:
            messages[message.id] = message.string
    return messages


def _placeholders(text: object) -> set[str]:
    forms = text if isinstance(text, tuple | list) else (text,)
    return {name for form in forms for name in re.findall(r"\{([^{}]*)\}", str(form))}


def _translated(string: object) -> bool:
    if isinstance(string, tuple | list):
        return all(string)
    return bool(string)


def _text(message_id: object) -> str:
    return message_id[0] if isinstance(message_id, tuple | list) else str(message_id)


def merge(language: str, source: Path) -> None:
    """Add translations from a JSON object ``{message: translation}`` to a catalogue."""
    translations = json.loads(source.read_text(encoding="utf-8"))
    catalog = load(language)
    for message in catalog:
        key = _text(message.id)
        if message.id and key in translations:
            value = translations[key]
            message.string = tuple(value) if isinstance(value, list) else value
    _write(language, catalog)


def _write(language: str, catalog: Catalog) -> None:
    path = po_path(language)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(rendered(catalog))
    path.with_suffix(".mo").write_bytes(compiled(catalog))


def main() -> int:
    """Update the catalogues, or check them with ``--check``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    parser.add_argument("--merge", nargs=2, metavar=("LANG", "JSON"))
    args = parser.parse_args()
    if args.merge:
        merge(args.merge[0], Path(args.merge[1]))
        return 0
    template = extracted()
    failures: list[str] = []
    for language in LANGUAGES:
        if not args.check:
            _write(language, updated(language, template))
        failures += problems(language, template)
    for failure in failures:
        print(failure, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
