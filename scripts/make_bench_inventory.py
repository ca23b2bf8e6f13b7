#!/usr/bin/env python3
"""Build the 321-component benchmark inventory from real CPE names of NVD files.

Products are those a Taiwanese agency typically runs (desktop, server,
network and web software); for each, the exact versions NVD names most often
in its vulnerable `cpeMatch` criteria of the given files are taken, so every
component is a real (vendor, product, version) of the data. Components are
spread over hosts of 10-20 components. Deterministic for the same input files.

Usage: make_bench_inventory.py NVD-FILE... > inventory.csv
"""

import collections
import gzip
import json
import lzma
import sys

# (part, vendor, product, versions wanted)
PRODUCTS = [
    ("o", "microsoft", "windows_7", 3), ("o", "microsoft", "windows_server_2008", 3),
    ("o", "microsoft", "windows_server_2012", 3), ("o", "microsoft", "windows_8.1", 2),
    ("o", "microsoft", "windows_xp", 2), ("o", "microsoft", "windows_vista", 2),
    ("a", "microsoft", "internet_explorer", 8), ("a", "microsoft", "office", 5),
    ("a", "microsoft", "excel", 4), ("a", "microsoft", "word", 4),
    ("a", "microsoft", "outlook", 3), ("a", "microsoft", "sharepoint_server", 4),
    ("a", "microsoft", "exchange_server", 4), ("a", "microsoft", ".net_framework", 6),
    ("a", "microsoft", "sql_server", 4), ("a", "microsoft", "silverlight", 4),
    ("a", "microsoft", "lync", 3), ("a", "microsoft", "visio", 2),
    ("a", "adobe", "acrobat_reader", 8), ("a", "adobe", "acrobat", 6),
    ("a", "adobe", "flash_player", 12), ("a", "adobe", "air", 5),
    ("a", "adobe", "shockwave_player", 4), ("a", "adobe", "coldfusion", 4),
    ("a", "oracle", "jre", 10), ("a", "oracle", "jdk", 6), ("a", "oracle", "mysql", 8),
    ("a", "oracle", "database_server", 4), ("a", "oracle", "weblogic_server", 4),
    ("a", "oracle", "vm_virtualbox", 4), ("a", "mozilla", "firefox", 12),
    ("a", "mozilla", "firefox_esr", 6), ("a", "mozilla", "thunderbird", 8),
    ("a", "google", "chrome", 12), ("a", "apple", "safari", 4), ("a", "apple", "itunes", 4),
    ("a", "apple", "quicktime", 3), ("o", "apple", "mac_os_x", 6), ("o", "apple", "iphone_os", 4),
    ("a", "apache", "http_server", 10), ("a", "apache", "tomcat", 10),
    ("a", "apache", "struts", 6), ("a", "apache", "activemq", 3),
    ("a", "apache", "cxf", 3), ("a", "openssl", "openssl", 12),
    ("a", "openbsd", "openssh", 6), ("a", "php", "php", 12), ("a", "nginx", "nginx", 5),
    ("o", "linux", "linux_kernel", 10), ("a", "isc", "bind", 6),
    ("a", "wireshark", "wireshark", 8), ("a", "wordpress", "wordpress", 8),
    ("a", "drupal", "drupal", 6), ("a", "joomla", "joomla\\!", 5),
    ("a", "postgresql", "postgresql", 6), ("a", "python", "python", 3),
    ("a", "ruby-lang", "ruby", 3), ("a", "rubyonrails", "ruby_on_rails", 4),
    ("a", "vmware", "esxi", 4), ("a", "vmware", "vcenter_server", 3),
    ("o", "cisco", "ios", 6), ("a", "cisco", "adaptive_security_appliance_software", 5),
    ("o", "cisco", "nx-os", 3), ("a", "samba", "samba", 6), ("a", "gnu", "bash", 3),
    ("a", "gnu", "glibc", 3), ("a", "haxx", "curl", 4), ("a", "libpng", "libpng", 3),
    ("a", "xmlsoft", "libxml2", 3), ("a", "ntp", "ntp", 3), ("a", "squid-cache", "squid", 3),
    ("a", "mit", "kerberos_5", 3), ("a", "openldap", "openldap", 2), ("a", "qemu", "qemu", 3),
    ("a", "xen", "xen", 3), ("a", "ibm", "websphere_application_server", 4),
    ("a", "jenkins", "jenkins", 3), ("a", "phpmyadmin", "phpmyadmin", 4),
    ("a", "mcafee", "virusscan_enterprise", 2), ("a", "symantec", "endpoint_protection", 3),
    ("a", "trendmicro", "officescan", 2), ("a", "7-zip", "7-zip", 1),
    ("a", "rarlab", "winrar", 1), ("a", "putty", "putty", 2), ("a", "igor_sysoev", "nginx", 3),
]
TARGET = 321


def open_any(path):
    with open(path, "rb") as f:
        head = f.read(6)
    if head.startswith(b"\xfd7zXZ\x00"):
        return lzma.open(path, "rt", encoding="utf-8")
    if head.startswith(b"\x1f\x8b"):
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, "rt", encoding="utf-8")


def main():
    counts = collections.defaultdict(collections.Counter)
    for f in sys.argv[1:]:
        with open_any(f) as fh:
            doc = json.load(fh)
        for v in doc.get("vulnerabilities", []):
            for conf in v.get("cve", {}).get("configurations", []):
                for node in conf.get("nodes", []):
                    for m in node.get("cpeMatch", []):
                        if not m.get("vulnerable"):
                            continue
                        p = m.get("criteria", "").split(":")
                        if len(p) != 13 or p[5] in ("*", "-"):
                            continue
                        if any(p[i] != "*" for i in range(6, 13)):
                            continue
                        counts[(p[2], p[3], p[4])][p[5]] += 1
    rows = []
    for part, vendor, product, n in PRODUCTS:
        c = counts.get((part, vendor, product))
        if not c:
            continue
        for version, _ in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[:n]:
            rows.append((vendor, product, version, part))
    # Top up (or trim) to exactly TARGET with the next most named versions.
    if len(rows) < TARGET:
        have = set(rows)
        extra = []
        for part, vendor, product, n in PRODUCTS:
            c = counts.get((part, vendor, product)) or {}
            for version, k in sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))[n:n + 10]:
                extra.append((k, (vendor, product, version, part)))
        extra.sort(key=lambda e: (-e[0], e[1]))
        for _, r in extra:
            if len(rows) >= TARGET:
                break
            if r not in have:
                rows.append(r)
                have.add(r)
    rows = rows[:TARGET]
    out = sys.stdout
    out.write("host,vendor,product,version,cpe23\n")
    host, size = 1, 0
    for i, (vendor, product, version, part) in enumerate(rows):
        cpe = f"cpe:2.3:{part}:{vendor}:{product}:{version}:*:*:*:*:*:*:*"
        def q(s):
            return '"' + s.replace('"', '""') + '"' if ("," in s or '"' in s) else s
        out.write(f"host-{host:03d},{q(vendor)},{q(product)},{q(version)},{q(cpe)}\n")
        size += 1
        if size >= 10 + (host * 7) % 11:
            host, size = host + 1, 0
    print(f"{len(rows)} components on {host} hosts", file=sys.stderr)


if __name__ == "__main__":
    main()
