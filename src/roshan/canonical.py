"""The canonical casualty record: the fields every list is mapped onto.

Based on the minimum fields of Every Casualty Worldwide's *Standards for Casualty
Recording* (identity, date, place, cause, source), extended with what the
January 2026 crackdown needs (father's name, bodies withheld, forced burial).
Values here are strings exactly as the source gave them (after mapping); typed
parsing (dates, ages, names) is the normalise stage's job. docs/canonical-record.md
documents each field.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class SourceKind(str, Enum):
    """What kind of organisation or channel a list comes from."""

    NGO_LIST = "ngo_list"
    MEDIA = "media"
    HOSPITAL = "hospital"
    MORGUE = "morgue"
    CEMETERY = "cemetery"
    FAMILY_REPORT = "family_report"
    FIELD_INTAKE = "field_intake"
    OTHER = "other"


class CauseOfDeath(str, Enum):
    """Controlled vocabulary for cause of death; the free text is kept beside it."""

    LIVE_AMMUNITION = "live_ammunition"
    PELLETS = "pellets"
    BEATING = "beating"
    IN_CUSTODY = "in_custody"
    EXECUTION = "execution"
    VEHICLE = "vehicle"
    TEAR_GAS = "tear_gas"
    OTHER = "other"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class Field:
    """One canonical field: its name, a short description and whether it is sensitive.

    ``sensitive`` marks fields that can identify a source or a witness; public
    exports drop them.
    """

    name: str
    description: str
    sensitive: bool = False


FIELDS: tuple[Field, ...] = (
    Field("record_id", "The source's own identifier for the record, if it has one."),
    Field("full_name", "Full name as written by the source (any script)."),
    Field("given_name", "Given (first) name, possibly compound (e.g. Mohammad Reza)."),
    Field("family_name", "Family name (surname)."),
    Field("father_name", "Father's given name; distinguishes namesakes in Iranian records."),
    Field(
        "national_id",
        "National ID number (کد ملی) as written: morgue, hospital and cemetery registers "
        "give it. Used for linkage; dropped from internal and public exports.",
    ),
    Field("sex", "Sex as reported (Persian or English terms)."),
    Field("age", "Age at death as reported: a number, a range or words ('about 30', 'teenager')."),
    Field("date_of_birth", "Date of birth as written (Jalali or Gregorian)."),
    Field("date_of_death", "Date of death as written (Jalali or Gregorian, possibly partial)."),
    Field("place_of_death", "Place of death as written (street, hospital, detention centre...)."),
    Field("city", "City or town."),
    Field("county", "County (shahrestan)."),
    Field("province", "Province (ostan)."),
    Field("cause_of_death", "Cause of death, free text as reported."),
    Field("cause_category", "Cause of death in the controlled vocabulary (CauseOfDeath)."),
    Field("body_withheld", "Whether the authorities withheld the body (yes/no/unknown)."),
    Field("burial_place", "Place of burial."),
    Field(
        "date_of_burial",
        "Date of burial as written (a cemetery register may give no date of death).",
    ),
    Field("forced_burial", "Whether the burial was forced or at night (yes/no/unknown)."),
    Field("perpetrator", "Alleged perpetrator (unit, force) as reported."),
    Field("source_reference", "The source's reference: URL, document, interview code.", True),
    Field("witness", "Witness or informant name/contact, if a list carries it.", True),
    Field("notes", "Free-text notes.", True),
)

FIELD_NAMES: tuple[str, ...] = tuple(f.name for f in FIELDS)
SENSITIVE_FIELDS: frozenset[str] = frozenset(f.name for f in FIELDS if f.sensitive)
NAME_FIELDS: tuple[str, ...] = ("full_name", "given_name", "family_name")
