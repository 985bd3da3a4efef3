"""The notes the readers and the importer write about a file, as one catalog of templates.

A note is plain English text (``Table.warnings``, ``ImportResult.notes``, the message of
a row's warning): the CLI prints it, the web app shows it, and it travels through JSON
and sessions as a string. Each is made here from a template, :func:`format_note`, so that
:func:`parse_note` can read a note back into its template's key and field values — the
web app's Persian pages translate a note that way (the Persian templates are the web
app's, keyed like :data:`NOTES`). Field values are passed already written out (a sheet
name quoted, a list joined): the template only places them.
"""

from __future__ import annotations

import re
from functools import cache
from string import Formatter

__all__ = ["NOTES", "NOTE_NUMBERS", "format_note", "parse_note", "template_fields"]

#: English template of each note, by key. Fields are ``{name}`` only (no conversion or
#: format spec); a field called ``note`` holds another note of this catalog.
NOTES: dict[str, str] = {
    # readers: rows around the header
    "preamble_one": (
        "{n} row above the header (a title or blank) was not read as data; data rows are "
        "numbered from the row after the header"
    ),
    "preamble_many": (
        "{n} rows above the header (a title or blank) were not read as data; data rows are "
        "numbered from the row after the header"
    ),
    "second_header_one": (
        "the row below the header repeats the column names (headers in a second language) "
        "and was not read as data"
    ),
    "second_header_many": (
        "{n} rows below the header repeat the column names (headers in a second language) "
        "and were not read as data"
    ),
    # readers: workbooks
    "sheet_chosen": (
        "read sheet {sheet}, the first with a name column (before it: {before}); pass "
        "--sheet to read another"
    ),
    "other_sheets_one": (
        "sheet {sheets} also holds a list with other columns, not read here: import it "
        "with --sheet (same --source, or its own)"
    ),
    "other_sheets_many": (
        "sheets {sheets} also hold a list with other columns, not read here: import each "
        "with --sheet (same --source, or its own)"
    ),
    "sheet_fingerprint": (
        "read sheet {sheet} only: the import is known by the file's fingerprint and the "
        "sheet's name, so the workbook's other sheets can be imported the same way"
    ),
    "sheets_joined": (
        "read {n} sheets with the same columns as one list ({sheets}); rows are numbered on "
        "from sheet to sheet and the column {column} says which sheet each came from"
    ),
    "sheet_note": "sheet {sheet}: {note}",
    "merged_ranges": (
        "{n} merged cell ranges filled down their first column; each row a merge touched "
        "carries a note"
    ),
    "merged_ranges_across": (
        "{n} merged cell ranges filled down their first column ({across} spanning several "
        "columns: not copied across); each row a merge touched carries a note"
    ),
    "merged_cell_across": (
        "merged cell {ref}: left empty, the merged value is kept in column {column} only "
        "(not copied across columns)"
    ),
    "merged_cell_down": "merged cell {ref}: value filled down from row {row} of the sheet",
    "formula_cached": "{n} formula cells read as the values Excel cached for them",
    "formula_uncached": (
        "{n} formula cells have no cached value (the file was not saved by Excel after they "
        "were written), so they were not read; rows with one in a mapped column were "
        "rejected (rows {rows}); open and re-save the file in Excel to import them"
    ),
    # readers: JSON
    "json_wrapped": "the records were read from {path}",
    "json_arrays": (
        "a table of arrays: the first array is the header, data rows are numbered from the next"
    ),
    # importer: the columns roshan chose
    "columns_guessed": (
        "columns read by the words of their header: {columns} (pass --mapping if one is wrong)"
    ),
    "no_date_of_death_burial": (
        "no column was read as the date of death: linkage will compare the date of burial "
        "with other lists' dates of death, and otherwise rest on names, ages and places; if "
        "the file has a date of death, name it in a --mapping file"
    ),
    "no_date_of_death": (
        "no column was read as the date of death: linkage will rest on names, ages and "
        "places alone; if the file has one, name it in a --mapping file"
    ),
    "residence": (
        "{columns} is kept as extra and read as the home town: the place, for linkage, of "
        "records that give no place of death, burial place or list place"
    ),
}

#: The fields that are counts or row numbers (a translation may write their digits in
#: its own script); every other field is text from the file or a name, shown as written.
NOTE_NUMBERS: frozenset[str] = frozenset({"n", "across", "row", "rows"})

#: Fields that are one whole number (matched as digits only when a note is read back).
_INTEGERS = frozenset({"n", "across", "row"})


def template_fields(template: str) -> list[str]:
    """The ``{field}`` names of ``template``, in order."""
    return [name for _, name, _, _ in Formatter().parse(template) if name is not None]


def format_note(key: str, **fields: object) -> str:
    """The note ``key`` of :data:`NOTES` with its fields filled in."""
    return NOTES[key].format(**fields)


@cache
def _patterns() -> list[tuple[str, re.Pattern[str], bool]]:
    """Each template as a pattern that reads its fields back, the templates with the most
    fixed text first (so ``sheet {sheet}: {note}`` is tried after the others), and
    whether it ends in a ``{note}`` (then the pattern is of the text before that note)."""
    out: list[tuple[int, str, re.Pattern[str], bool]] = []
    for key, template in NOTES.items():
        nested = template.endswith("{note}")
        if nested:
            template = template.removesuffix("{note}")
        parts: list[str] = []
        fixed = 0
        for literal, name, _, _ in Formatter().parse(template):
            parts.append(re.escape(literal))
            fixed += len(literal)
            if name == "note":
                raise ValueError(f"note {key!r}: a {{note}} field must end the template")
            if name is not None:
                parts.append(f"(?P<{name}>\\d+)" if name in _INTEGERS else f"(?P<{name}>.+?)")
        out.append((fixed, key, re.compile("".join(parts), re.DOTALL), nested))
    out.sort(key=lambda item: -item[0])
    return [(key, pattern, nested) for _, key, pattern, nested in out]


def parse_note(text: str) -> tuple[str, dict[str, str]] | None:
    """The key and field values of the catalog note ``text`` (as :func:`format_note`
    wrote it), or None for any other text. A ``note`` field must itself be a note (every
    place it could start is tried: a sheet's name may hold the text around it)."""
    for key, pattern, nested in _patterns():
        if not nested:
            m = pattern.fullmatch(text)
            if m is not None:
                return key, m.groupdict()
            continue
        for end in range(1, len(text)):
            m = pattern.fullmatch(text, 0, end)
            if m is not None and parse_note(text[end:]) is not None:
                return key, {**m.groupdict(), "note": text[end:]}
    return None
