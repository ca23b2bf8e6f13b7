#!/usr/bin/env bash
# Peak RSS of `zian serve` while eight ~10 MiB evidence uploads (base64 JSON API) run at once
# (issue 8 item 9; a measurement for reports, not a test). Needs curl and python3.
# usage: scripts/upload-rss.sh PATH/TO/zian PORT   (e.g. target/debug/zian 18081)
set -euo pipefail
BIN=$1; PORT=$2
D=$(mktemp -d)
"$BIN" --data-dir "$D" demo --no-serve --admin-password 'Zian-Demo-2026!' >/dev/null 2>&1
"$BIN" --data-dir "$D" serve --bind 127.0.0.1:$PORT >/dev/null 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; rm -rf "$D"' EXIT
for i in $(seq 50); do curl -s -o /dev/null http://127.0.0.1:$PORT/healthz && break; sleep 0.3; done
python3 - "$PORT" "$PID" <<'PY'
import sys, json, base64, os, threading, time, urllib.request, http.cookiejar
port, pid = sys.argv[1], sys.argv[2]
base = f"http://127.0.0.1:{port}"
def rss():
    for l in open(f"/proc/{pid}/status"):
        if l.startswith("VmHWM:"): hwm = int(l.split()[1])
        if l.startswith("VmRSS:"): cur = int(l.split()[1])
    return cur, hwm
def call(method, path, body=None, headers={}):
    req = urllib.request.Request(base + path, data=body, method=method, headers=headers)
    with urllib.request.urlopen(req, timeout=600) as r:
        return r.status, r.read(), r.headers
# log in as the police bureau's officer, make a token
st, b, h = call("POST", "/api/v1/session", json.dumps({"username": "officer.police", "password": "Zian-Demo-2026!"}).encode(), {"content-type": "application/json"})
cookie = h["Set-Cookie"].split(";")[0]
csrf = json.loads(b)["csrf_token"]
hdr = {"cookie": cookie, "x-csrf-token": csrf, "content-type": "application/json"}
st, b, _ = call("GET", "/api/v1/orgs", None, hdr)
orgs = json.loads(b)["items"]
pol = [o for o in orgs if o.get("code") == "PIF-POL"][0]["id"]
payload = json.dumps({"filename": "big.bin", "content_type": "application/pdf",
                      "content_base64": base64.b64encode(os.urandom(10 * 1024 * 1024 - 1024)).decode()}).encode()
before = rss()
errs = []
def up():
    try:
        s, _, _ = call("POST", f"/api/v1/orgs/{pol}/evidence", payload, hdr)
        if s != 201: errs.append(s)
    except Exception as e:
        errs.append(str(e))
t0 = time.time()
ts = [threading.Thread(target=up) for _ in range(8)]
[t.start() for t in ts]; [t.join() for t in ts]
after = rss()
print(json.dumps({"rss_before_kb": before[0], "rss_after_kb": after[0], "peak_rss_kb": after[1], "seconds": round(time.time() - t0, 1), "errors": errs}))
PY
