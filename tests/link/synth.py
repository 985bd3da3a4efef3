"""SYNTHETIC normalised-record frames for linkage tests (no real people).

A tiny stand-in for the normalise stage's output: persons drawn from small name
pools with Zipf-like frequencies (so common names collide, as «Mohammad
Mohammadi» does), listed by several sources in Latin or "Persian" script. The
Persian spelling is simulated by a marker prefix on the normalised text: it
differs from the Latin text but shares the cross-script key, which is what the
real normalise stage guarantees. Romanisations carry spelling noise; dates, ages
and places carry the usual reporting errors.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pandas as pd

GIVEN_M = (
    "mohammad ali reza hossein mehdi amir hamid saeed majid javad hassan abbas mostafa "
    "morteza ahmad mahmoud davood behnam kian navid pouya sina arash babak farhad omid "
    "peyman ramin shahin siavash vahid yousef zia kaveh nima parsa mani"
).split()
GIVEN_F = (
    "fatemeh zahra maryam sara nazanin mahsa neda hadis minoo parisa shirin leila "
    "azadeh elham mina nasrin"
).split()
FAMILY = (
    "mohammadi hosseini ahmadi rezaei moradi karimi jafari rahimi kazemi sadeghi "
    "hashemi ghasemi mousavi rostami akbari ebrahimi nazari mahmoudi bagheri heidari "
    "shirazi tehrani esfahani tabrizi kermani yazdi rashidi amini salehi zare "
    "kamali farahani jalali golzari mirzaei nikpour darvishi soltani hamidi abbasi "
    "khosravi norouzi sharifi taheri vaezi yazdani zamani alavi bahrami dehghan "
    "ghorbani habibi jahani kordi lotfi mansouri naderi pakzad rahmani safavi"
).split()
PROVINCES = [f"IR-{i:02d}" for i in range(1, 13)]


def key_of(name: str) -> str:
    """A toy cross-script key: drop the vowels after the first letter, collapse doubles."""
    out = []
    for i, ch in enumerate(name):
        if ch == " ":
            out.append(" ")
            continue
        if i and ch in "aeiou":
            continue
        if out and out[-1] == ch:
            continue
        out.append(ch)
    return "".join(out)


def _zipf_choice(
    rng: np.random.Generator, pool: tuple[str, ...] | list[str], n: int, s: float = 1.0
) -> np.ndarray:
    w = 1.0 / np.arange(1, len(pool) + 1) ** s
    return rng.choice(np.array(pool, dtype=object), size=n, p=w / w.sum())


def _typo(rng: np.random.Generator, s: str) -> str:
    if len(s) < 4:
        return s
    i = int(rng.integers(1, len(s) - 1))
    kind = rng.integers(0, 3)
    if kind == 0:  # vowel variant
        vowels = "aeiou"
        return s[:i] + vowels[int(rng.integers(0, 5))] + s[i + 1 :]
    if kind == 1:  # doubled letter
        return s[:i] + s[i] + s[i:]
    return s[:i] + s[i + 1 :]  # dropped letter


def make_frame(
    n_persons: int = 600,
    n_sources: int = 4,
    *,
    seed: int = 0,
    capture: float = 0.45,
    typo_rate: float = 0.08,
    dup_rate: float = 0.03,
    missing_rate: float = 0.05,
) -> tuple[pd.DataFrame, pd.Series]:
    """(normalised frame, truth: record_pk → person id). SYNTHETIC."""
    rng = np.random.default_rng(seed)
    sex = np.where(rng.random(n_persons) < 0.85, "m", "f")
    given = np.where(
        sex == "m", _zipf_choice(rng, GIVEN_M, n_persons), _zipf_choice(rng, GIVEN_F, n_persons)
    )
    compound = (sex == "m") & (rng.random(n_persons) < 0.15)
    given = np.array(
        [f"{g} reza" if c and g != "reza" else g for g, c in zip(given, compound, strict=False)],
        dtype=object,
    )
    family = _zipf_choice(rng, FAMILY, n_persons, s=0.9)
    father = _zipf_choice(rng, GIVEN_M, n_persons)
    age = rng.integers(14, 65, n_persons)
    day0 = date(2025, 12, 28)
    dod = [day0 + timedelta(days=int(d)) for d in rng.integers(0, 35, n_persons)]
    prov = rng.choice(PROVINCES, n_persons)
    city = [f"{p}-c{int(c)}" for p, c in zip(prov, rng.integers(0, 3, n_persons), strict=False)]

    rows = []
    for s in range(n_sources):
        script = "fa" if s % 2 else "latin"
        listed = np.flatnonzero(rng.random(n_persons) < capture)
        extra = listed[rng.random(len(listed)) < dup_rate]
        for pid in np.concatenate([listed, extra]):
            rows.append((s, script, int(pid)))
    rng.shuffle(rows)
    recs = []
    for pk, (s, script, pid) in enumerate(rows, start=1):

        def name_forms(name: str, script: str = script) -> tuple[str, str, str]:
            roman = _typo(rng, name) if rng.random() < typo_rate else name
            norm = ("fa:" + name) if script == "fa" else roman
            return norm, key_of(name) if rng.random() > typo_rate / 2 else key_of(roman), roman

        gn, gk, gr = name_forms(given[pid])
        fn, fk, fr = name_forms(family[pid])
        has_father = s != 1 and rng.random() > missing_rate
        an, ak, ar = name_forms(father[pid]) if has_father else (None, None, None)
        d = dod[pid]
        u = rng.random()
        prec = "day"
        if u < 0.08:
            d = d + timedelta(days=int(rng.choice([-1, 1])))
        elif u < 0.11:
            d = d + timedelta(days=int(rng.choice([-3, -2, 2, 3])))
        elif u < 0.14:
            prec = "month"
            d = d.replace(day=1)
        elif u < 0.14 + missing_rate:
            d, prec = None, None
        a = int(age[pid])
        v = rng.random()
        if v < 0.15:
            a += int(rng.choice([-1, 1]))
        elif v < 0.2:
            a += int(rng.choice([-3, -2, 2, 3]))
        amin: float | None = float(a)
        amax: float | None = float(a)
        if rng.random() < 0.08:
            amin, amax = float((a // 10) * 10), float((a // 10) * 10 + 9)
        if rng.random() < missing_rate * 2:
            amin = amax = None
        p, c = prov[pid], city[pid]
        if rng.random() < missing_rate:
            p = c = None
        sx = sex[pid] if rng.random() > missing_rate else None
        recs.append(
            dict(
                record_pk=pk,
                source=f"S{s}",
                source_kind="ngo_list",
                record_id=f"r{pk}",
                row_number=pk,
                full_name_norm=f"{gn} {fn}",
                given_norm=gn,
                family_norm=fn,
                father_norm=an,
                given_key=gk,
                family_key=fk,
                father_key=ak,
                full_key=f"{gk} {fk}",
                name_tokens=f"{gn} {fn}".split(),
                given_roman=gr,
                family_roman=fr,
                father_roman=ar,
                full_roman=f"{gr} {fr}",
                honorifics=None,
                name_script=script,
                sex=sx,
                sex_imputed=False,
                age_min=amin,
                age_max=amax,
                dod=d,
                dod_iso=d.isoformat() if d else None,
                dod_precision=prec,
                dod_calendar="gregorian" if d else None,
                dod_ambiguous=False,
                dob_iso=None,
                dob_year=None,
                city=c,
                county=c,
                province=p,
                province_code=p,
                place_confidence=1.0,
                place_unresolved=False,
                cause_category="unknown",
                body_withheld=None,
                _pid=pid,
            )
        )
    df = pd.DataFrame(recs)
    truth = pd.Series(df["_pid"].values, index=df["record_pk"].values)
    return df.drop(columns=["_pid"]), truth
