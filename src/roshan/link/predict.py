"""Score candidate pairs with the trained model and keep what later stages need.

Splink's ``predict`` scores every pair produced by the blocking passes. The scored
table is then read through DuckDB, whatever engine scored it: on DuckDB it is the
table itself; on Spark the needed columns are written once to Parquet (in a
scratch folder) and DuckDB reads that, so nothing is recomputed and nothing large
is collected through the Spark driver.

Pairs at or above :data:`~roshan.link.settings.PAIRS_FLOOR` are returned (and saved
as ``pairs.parquet``: the review queue picks uncertain pairs from it and linkage
uncertainty samples clusterings from it). The chaining guard also needs pairs that
*clearly disagree* (very low probability and a hard disagreement such as a
different sex); those come from :meth:`ScoredPairs.disagreeing`.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd
from splink import Linker

from roshan.link.settings import PAIRS_FLOOR, ModelSpec

CHAIN_LOW = 0.01
"""A scored pair below this probability with a hard disagreement must not share a cluster."""


@dataclass
class ScoredPairs:
    """Every scored candidate pair, queryable with DuckDB SQL as table ``{scored}``."""

    con: duckdb.DuckDBPyConnection
    table: str
    columns: list[str]
    _scratch: Path | None = None
    _own_con: bool = False

    def query(self, sql: str) -> pd.DataFrame:
        return self.con.execute(sql.format(scored=self.table)).df()

    def count(self) -> int:
        return int(self.con.execute(f"select count(*) from {self.table}").fetchone()[0])

    def kept(self, floor: float = PAIRS_FLOOR) -> pd.DataFrame:
        """Pairs with probability ≥ ``floor``, in roshan's pairs.parquet shape."""
        cols = ["unique_id_l", "unique_id_r", "match_probability", "match_weight"]
        cols += [c for c in self.columns if c.startswith("gamma_")]
        cols += [c for c in ("source_l", "source_r") if c in self.columns]
        df = self.query(f"select {', '.join(cols)} from {{scored}} "
                        f"where match_probability >= {float(floor)!r}")
        return _rename(df)

    def disagreeing(self, spec: ModelSpec, components: pd.DataFrame,
                    low: float = CHAIN_LOW) -> pd.DataFrame:
        """Pairs below ``low`` with a hard disagreement, inside one of ``components``.

        ``components``: record_pk, cluster for records in multi-record clusters; only
        pairs inside one cluster can be chaining errors, so only those are fetched.
        """
        empty = pd.DataFrame({"record_pk_l": pd.Series([], dtype="int64"),
                              "record_pk_r": pd.Series([], dtype="int64")})
        conds = [f"{col} in ({', '.join(str(int(v)) for v in levels)})"
                 for col, levels in spec.disagreement.items() if col in self.columns]
        if not conds or components.empty:
            return empty
        self.con.register("roshan_components", components)
        try:
            df = self.query(
                "select p.unique_id_l as record_pk_l, p.unique_id_r as record_pk_r "
                "from {scored} p "
                "join roshan_components a on p.unique_id_l = a.record_pk "
                "join roshan_components b on p.unique_id_r = b.record_pk "
                f"where a.cluster = b.cluster and p.match_probability < {float(low)!r} "
                f"and ({' or '.join(conds)})")
        finally:
            self.con.unregister("roshan_components")
        return df.astype("int64")

    def close(self) -> None:
        if self._own_con:
            self.con.close()
        if self._scratch is not None:
            shutil.rmtree(self._scratch, ignore_errors=True)


def _rename(df: pd.DataFrame) -> pd.DataFrame:
    out = df.rename(columns={"unique_id_l": "record_pk_l", "unique_id_r": "record_pk_r"})
    out["record_pk_l"] = out["record_pk_l"].astype("int64")
    out["record_pk_r"] = out["record_pk_r"].astype("int64")
    out["match_probability"] = out["match_probability"].astype("float64")
    out["match_weight"] = out["match_weight"].astype("float64")
    for c in out.columns:
        if c.startswith("gamma_"):
            out[c] = out[c].astype("int8")
    # canonical orientation: smaller record_pk on the left, deterministic order
    swap = out["record_pk_l"] > out["record_pk_r"]
    if swap.any():
        for a, b in (("record_pk_l", "record_pk_r"), ("source_l", "source_r")):
            if a in out.columns:
                tmp = out.loc[swap, a].copy()
                out.loc[swap, a] = out.loc[swap, b]
                out.loc[swap, b] = tmp
    return out.sort_values(["record_pk_l", "record_pk_r"]).reset_index(drop=True)


def _column_names(sdf: Any) -> list[str]:
    names = [c.unquote().name if hasattr(c, "unquote") else str(c) for c in sdf.columns]
    return [n.strip('"`') for n in names]


def score_pairs(linker: Linker, engine: str) -> ScoredPairs:
    """Run Splink's predict and expose the scored pairs to DuckDB."""
    scored = linker.inference.predict(warning_mode="never")
    names = _column_names(scored)
    keep = [n for n in names if n in ("unique_id_l", "unique_id_r", "match_probability",
                                      "match_weight", "source_l", "source_r")
            or n.startswith("gamma_")]
    if engine == "duckdb":
        con = linker._db_api.duckdb_con
        return ScoredPairs(con=con, table=scored.physical_name, columns=keep)
    scratch = Path(tempfile.mkdtemp(prefix="roshan-scored-"))
    narrow = linker.misc.query_sql(f"select {', '.join(keep)} from {scored.physical_name}",
                                   output_type="splink_df")
    narrow.to_parquet(str(scratch / "scored"), overwrite=True)
    con = duckdb.connect(":memory:")
    glob = str(scratch / "scored" / "*.parquet").replace("'", "''")
    con.execute(f"create view scored as select * from read_parquet('{glob}')")
    return ScoredPairs(con=con, table="scored", columns=keep, _scratch=scratch, _own_con=True)
