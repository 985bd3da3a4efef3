"""Benchmark: import 10,000 field reports carrying 1 GB of attachments.

Target (intake issue): at most 5 minutes on 2 cores, memory bounded. The bench
makes everything itself: an organisation age identity, SYNTHETIC reports saved
through ``roshan.intake.report.save_report`` (so attachments really are
encrypted on the "field" side) with random attachment bytes, one bundle (and,
with ``--chunk-size``, its chunks fed in reverse order). The import and the
ledger verification each run in a child process so their peak RSS is their own.

    .venv/bin/python bench/intake_import.py [--reports N] [--attachment-total 1G]
        [--attachment-size 1M] [--chunk-size 64M] [--no-record]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _report import write_result  # noqa: E402

GIVEN = ["محمد", "علی", "حسین", "زهرا", "Mohammad", "Ali", "Zahra", "Amir", "Sara", "Maryam"]
FAMILY = ["حسینی", "رضایی", "Karimi", "Ahmadi", "Mousavi", "Rezaei", "Jafari"]
CITIES = ["Tehran", "Shiraz", "Isfahan", "Sanandaj", "Ahvaz", "Zahedan", "تهران", "کرمانشاه"]


def parse_size(text: str) -> int:
    mult = {"k": 1024, "m": 1024**2, "g": 1024**3}
    t = text.strip().lower().rstrip("b").rstrip("i")
    return int(float(t[:-1]) * mult[t[-1]]) if t[-1] in mult else int(t)


def make_field_side(
    work: Path, reports: int, att_total: int, att_size: int, seed: int = 7
) -> tuple[Path, Path, dict[str, float]]:
    """SYNTHETIC outbox → one bundle. Returns (identity file, bundle, timings)."""
    from pyrage import x25519

    from roshan.intake.bundle import pack_outbox
    from roshan.intake.report import save_report

    rng = random.Random(seed)
    ident = x25519.Identity.generate()
    id_file = work / "org-identity.txt"
    id_file.write_text(str(ident) + "\n")
    recipient = ident.to_public()
    n_att = att_total // att_size if att_size else 0
    outbox = work / "outbox"
    tmp_att = work / "att.bin"
    t0 = time.perf_counter()
    for i in range(reports):
        victim = {
            "full_name": f"SYNTHETIC {rng.choice(GIVEN)} {rng.choice(FAMILY)} {i}",
            "father_name": rng.choice(GIVEN),
            "age": str(rng.randint(12, 70)),
            "date_of_death": f"1404/10/{rng.randint(18, 30):02d}",
            "city": rng.choice(CITIES),
            "cause_of_death": "SYNTHETIC live ammunition",
        }
        atts = []
        if i < n_att:
            tmp_att.write_bytes(b"SYNTHETIC-ATTACHMENT" + os.urandom(att_size - 20))
            atts = [tmp_att]
        save_report(
            outbox,
            recipient,
            victim,
            circumstances=f"SYNTHETIC account {i}",
            witness_contact=f"SYNTHETIC contact {i}" if i % 3 == 0 else None,
            attachments=atts,
        )
    t1 = time.perf_counter()
    bundle = pack_outbox(outbox, work / "send", remove_packed=True)
    t2 = time.perf_counter()
    tmp_att.unlink(missing_ok=True)
    assert bundle.path is not None
    return (
        id_file,
        bundle.path,
        {
            "generate_s": t1 - t0,
            "pack_s": t2 - t1,
            "bundle_bytes": bundle.size,
            "attachments": n_att,
        },
    )


CHILD = """
import json, resource, sys, time
from pathlib import Path
from roshan.store.workspace import Workspace
from roshan.intake.keys import load_identity_file
phase, ws_path, id_file, *files = sys.argv[1:]
t0 = time.perf_counter()
if phase == "import":
    from roshan.intake.importer import import_bundles
    ws = Workspace.init(ws_path)
    t0 = time.perf_counter()
    s = import_bundles(ws, [Path(f) for f in files], [load_identity_file(Path(id_file))])
    out = s.to_dict()
    out.pop("bundles")
else:
    from roshan.intake.ledger import verify
    ws = Workspace.open(ws_path)
    r = verify(ws, [])
    out = r.to_dict()
out["seconds"] = time.perf_counter() - t0
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def child(*args: str) -> dict:
    r = subprocess.run([sys.executable, "-c", CHILD, *args], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(r.stderr)
    return json.loads(r.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--reports", type=int, default=10_000)
    ap.add_argument("--attachment-total", default="1G")
    ap.add_argument("--attachment-size", default="1M")
    ap.add_argument("--chunk-size", default=None, help="split the bundle, feed chunks reversed")
    ap.add_argument("--workdir", type=Path, default=None)
    ap.add_argument("--no-record", action="store_true", help="don't write results/docs")
    ap.add_argument(
        "--name", default=None, help="result name (default intake_import, or intake_import_chunked)"
    )
    args = ap.parse_args()
    att_total, att_size = parse_size(args.attachment_total), parse_size(args.attachment_size)
    work = Path(tempfile.mkdtemp(prefix="roshan-bench-intake-", dir=args.workdir))
    try:
        id_file, bundle, field = make_field_side(work, args.reports, att_total, att_size)
        inputs = [bundle]
        if args.chunk_size:
            from roshan.intake.chunks import split_bundle

            inputs = list(
                reversed(split_bundle(bundle, work / "chunks", parse_size(args.chunk_size)))
            )
            bundle.unlink()
        imp = child("import", str(work / "ws"), str(id_file), *map(str, inputs))
        ver = child("verify", str(work / "ws"), str(id_file))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    assert imp["reports_new"] == args.reports, imp
    # one leaf per raw row and per report, plus one per witness-contact blob (every 3rd report)
    witnesses = len(range(0, args.reports, 3))
    assert ver["problems_total"] == 0 and ver["tree_size"] == 2 * args.reports + witnesses, ver
    result = {
        "reports": args.reports,
        "attachments": field["attachments"],
        "attachment_bytes": imp["attachment_bytes"],
        "bundle_bytes": field["bundle_bytes"],
        "chunks": len(inputs) if args.chunk_size else 0,
        "field_generate_s": round(field["generate_s"], 2),
        "pack_s": round(field["pack_s"], 2),
        "import_s": round(imp["seconds"], 2),
        "import_peak_rss_mb": round(imp["peak_rss_mb"]),
        "verify_s": round(ver["seconds"], 2),
        "verify_peak_rss_mb": round(ver["peak_rss_mb"]),
        "target_import_s": 300,
        "cpu_count": os.cpu_count(),
        "python": platform.python_version(),
    }
    print(json.dumps(result, indent=2))
    if not args.no_record:
        mb = result["attachment_bytes"] / 1024**2
        name = args.name or ("intake_import_chunked" if args.chunk_size else "intake_import")
        heading = "Field intake import from chunks" if args.chunk_size else "Field intake import"
        write_result(
            name,
            result,
            heading,
            [
                f"`python bench/intake_import.py --reports {args.reports} --attachment-total "
                f"{args.attachment_total} --attachment-size {args.attachment_size}"
                + (f" --chunk-size {args.chunk_size}" if args.chunk_size else "")
                + f"` on {os.cpu_count()} shared cores.",
                (
                    f"Input: {result['chunks']} chunks fed in reverse order (spooled, reassembled, "
                    "verified). "
                    if args.chunk_size
                    else ""
                )
                + f"Import (verify bundle, decrypt {args.reports:,} reports, stream-decrypt and check "
                f"{result['attachments']:,} attachments = {mb:,.0f} MiB, ingest, ledger leaves): "
                f"**{result['import_s']} s** (target ≤ 300 s), peak RSS "
                f"{result['import_peak_rss_mb']} MB.",
                f"Ledger verify afterwards (recompute {2 * args.reports:,} leaves, re-hash every "
                f"stored blob): {result['verify_s']} s, peak RSS {result['verify_peak_rss_mb']} MB.",
                f"Field side (not part of the target): save_report for all reports "
                f"{result['field_generate_s']} s, pack {result['pack_s']} s.",
            ],
        )


if __name__ == "__main__":
    main()
