#!/usr/bin/env python3
"""Fill cve-bin-tool's SQLite database from local NVD API 2.0 files.

cve-bin-tool cannot download NVD data here (no internet except package
registries), so this script builds its database (~/.cache/cve-bin-tool/cve.db
or --cachedir) from the same NVD files Zian's benchmark reads, using
cve-bin-tool's own table definitions (CVEDB.init_database), its own NVD record
conversion (NVD_Source.format_data_api2) and its own insert code
(CVEDB.populate_db), so the database is what `cve-bin-tool -u now` would build
from those records.

Usage: cbt_populate.py [--cachedir DIR] FILE.json[.xz|.gz]...
"""

import argparse
import gzip
import json
import lzma
import sys
import time
from pathlib import Path


def open_any(path):
    with open(path, "rb") as f:
        head = f.read(6)
    if head.startswith(b"\xfd7zXZ\x00"):
        return lzma.open(path, "rt", encoding="utf-8")
    if head.startswith(b"\x1f\x8b"):
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, "rt", encoding="utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cachedir", default=str(Path.home() / ".cache" / "cve-bin-tool"))
    ap.add_argument("files", nargs="+")
    args = ap.parse_args()

    from cve_bin_tool.cvedb import CVEDB
    from cve_bin_tool.data_sources.nvd_source import NVD_Source

    t0 = time.monotonic()
    entries = []
    for f in args.files:
        with open_any(f) as fh:
            doc = json.load(fh)
        vulns = doc.get("vulnerabilities", [])
        entries.extend(v for v in vulns if isinstance(v, dict) and "cve" in v)
    # cve-bin-tool 3.4's format_data_api2 crashes on a record without a CVSS
    # v2/v3 metric (its error path uses attributes that do not exist); such
    # records (rejected, or never scored) are left out, and counted.
    metric_keys = ("cvssMetricV31", "cvssMetricV30", "cvssMetricV2")
    scored = [
        v for v in entries
        if any(v["cve"].get("metrics", {}).get(k) for k in metric_keys)
    ]
    dropped = len(entries) - len(scored)
    entries = scored
    cachedir = Path(args.cachedir)
    cachedir.mkdir(parents=True, exist_ok=True)
    db = cachedir / "cve.db"
    if db.exists():
        db.unlink()
    cvedb = CVEDB(sources=[], cachedir=str(cachedir), version_check=False)
    cvedb.init_database()
    source = NVD_Source(nvd_type="api2")
    cvedb.data = [(source.format_data_api2(entries), "NVD")]
    cvedb.populate_db()
    print(
        f"cve-bin-tool database {db}: {len(entries)} NVD records "
        f"({dropped} without a CVSS v2/v3 metric left out) in {time.monotonic() - t0:.1f} s",
        file=sys.stderr,
    )


if __name__ == "__main__":
    main()
