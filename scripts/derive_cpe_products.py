#!/usr/bin/env python3
"""Derive crates/cpe/data/products.tsv.gz for `zian cpe suggest` from two NVD files.

Usage: scripts/derive_cpe_products.py VENDOR_PRODUCT.csv.xz OFFICIAL_DICT_2.3.xml.xz OUT.tsv.gz \
           [NVD_CVE_API2.json.xz ...] [CVE5_RECORDS.jsonl.xz ...]

Input 1: NVD CPE vendor,product pairs (part a) as CSV with a header row, values in the
formatted-string quoting of CPE 2.3 (e.g. `notepad\\+\\+`).
Input 2: the NVD official CPE dictionary 2.3 (XML), used only for titles and version shapes.
Further inputs (optional): NVD CVE API 2.0 pages (`*.json.xz`, their
`configurations[].nodes[].cpeMatch[].criteria`) and CVE JSON 5 records, one per line
(`*.jsonl.xz`, their ADP `affected[].cpes`), used only to count CVEs per pair.

Output: gzip TSV, one line per vendor,product pair of input 1, sorted:
  vendor <TAB> product <TAB> name <TAB> shape <TAB> count <TAB> cves
  name   the most common dictionary title with the version and everything after it removed
         (e.g. "Oracle JRE"), empty when the dictionary has no title or it only repeats the
         product id;
  shape  the typical dotted version length (e.g. "3"), followed by "u" when the dictionary
         uses `update_N` update components and "y" when most versions are years; empty when
         unknown;
  count  number of dictionary entries of the pair (a weak popularity prior), empty when 0;
  cves   number of distinct CVEs whose NVD configurations or ADP CPEs name the pair (which of
         several spellings of a product NVD actually uses), empty when 0.
"""
import collections, csv, gzip, io, json, lzma, re, sys

def main():
    vp_path, dict_path, out_path = sys.argv[1:4]
    cves = count_cves(sys.argv[4:])
    with lzma.open(vp_path, "rt", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    pairs = sorted({(v, p) for v, p in rows[1:] if v and p})

    with lzma.open(dict_path, "rt", encoding="utf-8") as f:
        xml = f.read()
    items = collections.defaultdict(list)
    pat = re.compile(r'<title xml:lang="en-US">([^<]*)</title>.*?<cpe-23:cpe23-item name="([^"]*)"', re.S)
    for m in pat.finditer(xml):
        title, name = m.groups()
        parts = re.split(r"(?<!\\):", name)
        if len(parts) < 7 or parts[2] != "a":
            continue
        items[(parts[3], parts[4])].append((parts[5], parts[6], unescape_xml(title)))

    out = io.StringIO()
    for v, p in pairs:
        entries = items.get((v, p), [])
        name, shape = "", ""
        if entries:
            names = collections.Counter()
            lens = collections.Counter()
            years = 0
            upd = 0
            for ver, update, title in entries:
                ver_plain = ver.replace("\\", "")
                if re.fullmatch(r"(19|20)\d\d", ver_plain):
                    years += 1
                if re.fullmatch(r"\d+(\.\d+)*", ver_plain):
                    lens[ver_plain.count(".") + 1] += 1
                if re.fullmatch(r"update_?\d+", update):
                    upd += 1
                i = title.find(ver_plain) if ver_plain not in ("-", "*") else -1
                t = title[:i] if i > 0 else title
                t = t.strip(" ,-")
                if t:
                    names[t] += 1
            if names:
                best = names.most_common(1)[0][0]
                if simple(best) != simple(p.replace("\\", "")) and simple(best) != simple(v + " " + p):
                    name = best
            if lens:
                shape = str(lens.most_common(1)[0][0])
            if upd * 4 >= len(entries):
                shape += "u"
            if years * 2 > len(entries):
                shape += "y"
        count = str(len(entries)) if entries else ""
        ncve = len(cves.get((v, p), ()))
        for field in (v, p, name):
            assert "\t" not in field and "\n" not in field
        out.write(f"{v}\t{p}\t{name}\t{shape}\t{count}\t{ncve or ''}\n")
    with gzip.GzipFile(out_path, "wb", mtime=0) as g:
        g.write(out.getvalue().encode("utf-8"))

def cpe_pair(cpe):
    parts = re.split(r"(?<!\\):", cpe)
    if len(parts) > 5 and parts[0] == "cpe" and parts[2] == "a":
        return (parts[3], parts[4])
    return None

def count_cves(paths):
    """(vendor, product) -> set of CVE ids naming it."""
    cves = collections.defaultdict(set)
    for path in paths:
        with lzma.open(path, "rt", encoding="utf-8") as f:
            if path.endswith(".jsonl.xz"):
                for line in f:
                    rec = json.loads(line)
                    cid = rec["cveMetadata"]["cveId"]
                    for adp in rec.get("containers", {}).get("adp") or []:
                        for aff in adp.get("affected") or []:
                            for cpe in aff.get("cpes") or []:
                                pair = cpe_pair(cpe)
                                if pair:
                                    cves[pair].add(cid)
            else:
                for vuln in json.load(f)["vulnerabilities"]:
                    cve = vuln["cve"]
                    for conf in cve.get("configurations") or []:
                        for node in conf.get("nodes") or []:
                            for m in node.get("cpeMatch") or []:
                                pair = cpe_pair(m["criteria"])
                                if pair:
                                    cves[pair].add(cve["id"])
    return cves

def unescape_xml(s):
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")

def simple(s):
    return re.sub(r"[^a-z0-9+#]", "", s.lower())

if __name__ == "__main__":
    main()
