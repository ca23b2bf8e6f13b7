#!/usr/bin/env python3
"""Derive the demo's vulnerability feed (crates/app/data/demo-nvd.json.xz and
crates/app/data/demo-kev.json) from the reference data set.

The demo (`zian demo`) imports these into its feed store and matches the
demo register against them, so a new user sees real findings at once.

Input (read-only reference data, not needed at run time):
  shared/data/nvd/nvdcve-api2-published-2012..2015.json.xz  NVD CVE API 2.0
  shared/data/kev/known_exploited_vulnerabilities.json       CISA KEV 2025.08.25

Kept: every NVD record whose configurations name one of PRODUCTS
(vendor:product) as a vulnerable cpeMatch criterion, unchanged, written as
one API 2.0 page; the KEV entries of the kept CVE ids, unchanged, with the
catalogue's header and an adjusted count.

Usage: scripts/derive_demo_feed.py /work/shared/data crates/app/data
"""
import json
import lzma
import os
import sys

PRODUCTS = {
    "openssl:openssl",
    "apache:http_server",
    "php:php",
    "gnu:bash",
    "microsoft:sql_server",
    "oracle:jre",
    "adobe:acrobat_reader",
    "mozilla:firefox",
    "7-zip:7-zip",
    "apache:tomcat",
}
YEARS = (2012, 2013, 2014, 2015)


def products_of(cve):
    for conf in cve.get("configurations", []):
        for node in conf.get("nodes", []):
            for m in node.get("cpeMatch", []):
                if not m.get("vulnerable"):
                    continue
                parts = m.get("criteria", "").split(":")
                if len(parts) > 4:
                    yield parts[3] + ":" + parts[4]


def main():
    src, out = sys.argv[1], sys.argv[2]
    kept = []
    for year in YEARS:
        path = os.path.join(src, "nvd", f"nvdcve-api2-published-{year}.json.xz")
        with lzma.open(path, "rt", encoding="utf-8") as f:
            page = json.load(f)
        for item in page["vulnerabilities"]:
            if any(p in PRODUCTS for p in products_of(item["cve"])):
                kept.append(item)
    kept.sort(key=lambda i: i["cve"]["id"])
    page = {
        "resultsPerPage": len(kept),
        "startIndex": 0,
        "totalResults": len(kept),
        "format": "NVD_CVE",
        "version": "2.0",
        "timestamp": "2024-05-10T00:00:00.000",
        "vulnerabilities": kept,
    }
    data = json.dumps(page, ensure_ascii=False, separators=(",", ":")).encode()
    with lzma.open(os.path.join(out, "demo-nvd.json.xz"), "wb", preset=9 | lzma.PRESET_EXTREME) as f:
        f.write(data)
    ids = {i["cve"]["id"] for i in kept}
    with open(os.path.join(src, "kev", "known_exploited_vulnerabilities.json"), encoding="utf-8") as f:
        kev = json.load(f)
    kev["vulnerabilities"] = [v for v in kev["vulnerabilities"] if v["cveID"] in ids]
    kev["count"] = len(kev["vulnerabilities"])
    with open(os.path.join(out, "demo-kev.json"), "w", encoding="utf-8") as f:
        json.dump(kev, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print(f"{len(kept)} NVD records, {kev['count']} KEV entries")


if __name__ == "__main__":
    main()
