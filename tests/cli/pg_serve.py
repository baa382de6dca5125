#!/usr/bin/env python3
"""Submissions through `gapsurvey serve` front ends for tests/cli/pg.sh.

  pg_serve.py race URL_A URL_B CODES OUT
      every code is submitted to both front ends at the same moment (each
      with its own form and CSRF token); OUT gets one line per code:
      CODE A B, where A and B are "thanks" (the thank-you page came back)
      or "no".
  pg_serve.py load URL CODES PID N OUT
      submits the codes through URL from 16 threads and sends SIGKILL to
      PID once N of them were acknowledged, with the others under way;
      OUT gets the marker of every submission whose thank-you page came
      back (the marker is the comment answer, "mark-CODE").

Each submission answers the staff questionnaire with its comment set to
its marker, which is how a stored response is found again (nothing links
a response to its code).
"""
import http.client
import os
import re
import signal
import sys
import threading
import urllib.parse

LIKERT = ("po1 po2 po3 po4 po5 le1 le2 le3 le4 le5 ef1 ef2 ef3 ef4 ef5 ef6 cl1 cl2 cl3 "
          "cl4 cl5 vi1 vi2 vi3 vi4 vi5 vi6 un1 un2 un3 un4 un5 un6 pl1 pl2 pl3 pl4 pl5").split()


def request(url, method, path, body=None):
    u = urllib.parse.urlsplit(url)
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        c.request(method, path, body=body, headers=headers)
        r = c.getresponse()
        return r.status, r.read().decode("utf-8", "replace")
    except OSError:
        return 0, ""
    finally:
        c.close()


def form(url, code):
    """The CSRF token of code's form at url, or None."""
    st, page = request(url, "GET", "/?lang=en&code=" + urllib.parse.quote(code))
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', page)
    return m.group(1) if st == 200 and m else None


def submit(url, code, csrf):
    fields = [("code", code), ("lang", "en"), ("csrf", csrf or ""), ("q_position", "clerk"),
              ("q_party", "yes"), ("q_years", "lt3"), ("q_comment", "mark-" + code)]
    fields += [("q_" + q, "4") for q in LIKERT]
    st, page = request(url, "POST", "/submit", urllib.parse.urlencode(fields))
    return st == 200 and "Thank you!" in page


def race(a, b, codes, out):
    lines = []
    lock = threading.Lock()

    def one(code):
        ca, cb = form(a, code), form(b, code)
        got = {}
        go = threading.Barrier(2)

        def send(name, url, csrf):
            go.wait()
            got[name] = submit(url, code, csrf)

        ts = [threading.Thread(target=send, args=("a", a, ca)),
              threading.Thread(target=send, args=("b", b, cb))]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        with lock:
            lines.append("%s %s %s" % (code, "thanks" if got["a"] else "no",
                                        "thanks" if got["b"] else "no"))

    pool = [threading.Thread(target=lambda cs=codes[i::8]: [one(c) for c in cs]) for i in range(8)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    open(out, "w").write("\n".join(sorted(lines)) + "\n")


def load(url, codes, pid, kill_at, out):
    acked = []
    lock = threading.Lock()
    left = list(codes)
    killed = threading.Event()

    def worker():
        while True:
            with lock:
                if not left:
                    return
                code = left.pop()
            csrf = form(url, code)
            if csrf is None:
                return           # the server is gone
            if submit(url, code, csrf):
                with lock:
                    acked.append("mark-" + code)
                    if len(acked) >= kill_at and not killed.is_set():
                        killed.set()
                        os.kill(pid, signal.SIGKILL)

    ts = [threading.Thread(target=worker) for _ in range(16)]
    for t in ts:
        t.start()
    killed.wait(120)
    with lock:
        n = len(acked)
    for t in ts:
        t.join()
    open(out, "w").write("".join(m + "\n" for m in acked))
    print("acknowledged before the kill: %d, in all: %d" % (n, len(acked)))


def main():
    if len(sys.argv) == 6 and sys.argv[1] == "race":
        codes = open(sys.argv[4]).read().split()
        race(sys.argv[2], sys.argv[3], codes, sys.argv[5])
    elif len(sys.argv) == 7 and sys.argv[1] == "load":
        codes = open(sys.argv[3]).read().split()
        load(sys.argv[2], codes, int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    else:
        sys.exit(__doc__)


main()
