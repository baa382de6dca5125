#!/usr/bin/env python3
"""Load and crash test of `gapsurvey serve` (issue #6).

Many concurrent clients submit the staff questionnaire through loopback for
DURATION seconds, each with its own one-time code: GET the form (for its
CSRF token), POST the answers, and note whether the thank-you page came
back.  While they are still submitting, the server is killed with SIGKILL.
Then the database is checked:

  lost        acknowledged submissions (thank-you page received) that are
              not in the database: must be 0
  duplicated  submissions stored more than once: must be 0
  partial     stored responses without all their answers: must be 0
  tokens      codes marked used == responses stored (same transaction)

Every submission carries a unique marker in its free-text comment; that is
how an acknowledged submission is found again without any link between a
response and its code (the schema has none).

Throughput (acknowledged submissions per second) and the latency of the
submitting POST (p50, p99) are printed and, with --record, appended to
bench/README.md.  Not part of the timed test suite: it runs for a minute.

The CPU time of the server and of the load generator (getrusage of the
reaped processes) is printed per acknowledged submission.  `--client c`
runs bench/load_serve_c (`make BUILD=DIR DIR/bench/load_serve_c`; the one
beside the --gapsurvey binary by default) as the load instead of the
Python clients: the same requests on --clients connections from one
process, which costs a fraction of the CPU, so that on a 2-core machine
the measurement is of the server rather than of the clients.  The kill and
the checks are the same.

    python3 bench/load_serve.py [--duration 60] [--clients 64] [--threads 4]
                                [--gapsurvey ./gapsurvey] [--client python|c]
                                [--record]

Only loopback is used; the run is bounded in time and stops by itself.
"""
import argparse
import http.client
import multiprocessing as mp
import os
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
LIKERT = ("po1 po2 po3 po4 po5 le1 le2 le3 le4 le5 ef1 ef2 ef3 ef4 ef5 ef6 cl1 cl2 cl3 cl4 cl5 "
          "vi1 vi2 vi3 vi4 vi5 vi6 un1 un2 un3 un4 un5 un6 pl1 pl2 pl3 pl4 pl5").split()
ANSWERS_PER_RESPONSE = len(LIKERT) + 5   # + unit, position, party, years, comment
CSRF = re.compile(rb'name="csrf" value="([0-9a-f]{64})"')


def sh(args, **kw):
    return subprocess.run(args, check=True, capture_output=True, text=True, **kw)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of load before the kill")
    ap.add_argument("--clients", type=int, default=64, help="concurrent clients (connections)")
    ap.add_argument("--threads", type=int, default=4, help="server threads (serve --threads)")
    ap.add_argument("--codes", type=int, default=0, help="codes to issue (default: enough)")
    ap.add_argument("--gapsurvey", default=os.path.join(ROOT, "gapsurvey"))
    ap.add_argument("--dir", default=None, help="work directory (default: a temporary one)")
    ap.add_argument("--record", action="store_true", help="append the result to bench/README.md")
    ap.add_argument("--client", choices=("python", "c"), default="python",
                    help="load generator: Python client threads, or bench/load_serve_c")
    ap.add_argument("--client-bin", default=None,
                    help="the C load generator (default: bench/load_serve_c beside --gapsurvey)")
    a = ap.parse_args()

    work = a.dir or tempfile.mkdtemp(prefix="gs-load-")
    os.makedirs(work, exist_ok=True)
    db = os.path.join(work, "load.db")
    env = dict(os.environ, GAPSURVEY_DB=db)
    gs = a.gapsurvey
    cbin = a.client_bin or os.path.join(os.path.dirname(os.path.realpath(gs)), "bench",
                                        "load_serve_c")
    if a.client == "c" and not os.access(cbin, os.X_OK):
        sys.exit("no C load generator at %s (make BUILD=DIR DIR/bench/load_serve_c)" % cbin)
    for f in (db, db + "-wal", db + "-shm"):
        if os.path.exists(f):
            os.remove(f)
    sh([gs, "init"], env=env)
    sh([gs, "form", "add", os.path.join(ROOT, "questionnaires", "staff-opinion.csv")], env=env)
    sh([gs, "unit", "import", os.path.join(ROOT, "questionnaires", "units-sample.csv")], env=env)
    # enough codes for the fastest rate seen with each client, so the run is
    # never capped by running out
    ncodes = a.codes or int(a.duration * (2500 if a.client == "python" else 10000)) + 5000
    units = ["U%02d" % u for u in range(1, 41)]
    codes = []
    for k, u in enumerate(units):
        n = ncodes // len(units) + (1 if k < ncodes % len(units) else 0)
        out = sh([gs, "token", "issue", "--form", "staff-opinion", "--unit", u, "--count", str(n)],
                 env=env).stdout
        codes += [line.split(",")[0] for line in out.splitlines()[1:]]
    print("issued %d codes" % len(codes), flush=True)

    # the CPU of every process reaped from here on: the server and the clients
    ru0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    serve_log = open(os.path.join(work, "serve.err"), "w")
    # --rate 0: the whole load comes from one address, far past the
    # per-address limit meant for people
    srv = subprocess.Popen([gs, "serve", "--listen", "127.0.0.1:0", "--threads", str(a.threads),
                            "--rate", "0"],
                           env=env, stdout=subprocess.PIPE, stderr=serve_log, text=True)
    line = srv.stdout.readline()
    m = re.search(r"127\.0\.0\.1:(\d+)/", line)
    if not m:
        sys.exit("server did not start: " + line)
    port = int(m.group(1))

    nproc = min(8, max(1, a.clients // 16))
    per_proc = a.clients // nproc
    # each process gets per_proc threads and a share of the codes
    stop = mp.Event()
    procs, outs = [], []
    cproc = None
    if a.client == "c":
        nproc, per_proc = 0, a.clients
        with open(os.path.join(work, "codes.txt"), "w") as f:
            f.write("\n".join(codes) + "\n")
        outs.append(os.path.join(work, "client_c.txt"))
        cout = open(os.path.join(work, "client_c.out"), "w")
        cproc = subprocess.Popen([cbin, "--port", str(port), "--codes", os.path.join(work, "codes.txt"),
                                  "--connections", str(a.clients), "--out", outs[0]],
                                 stdout=cout, stderr=subprocess.STDOUT)
    for p in range(nproc):
        share = codes[p::nproc]
        out_path = os.path.join(work, "client%d.txt" % p)
        outs.append(out_path)
        pr = mp.Process(target=client_threads, args=(port, share, stop, out_path, p, per_proc))
        pr.start()
        procs.append(pr)
    t0 = time.time()
    time.sleep(a.duration)
    elapsed = time.time() - t0
    srv.send_signal(signal.SIGKILL)          # mid-load: clients are still submitting
    _, _, ru_srv = os.wait4(srv.pid, 0)
    srv.returncode = -signal.SIGKILL
    stop.set()
    for pr in procs:
        pr.join(60)
    codes_left = None
    if cproc:
        cproc.send_signal(signal.SIGTERM)    # no new submissions; it writes its results
        if cproc.wait(60) != 0:
            sys.exit("the C load generator failed: see %s" % os.path.join(work, "client_c.out"))
        cout.close()
        with open(os.path.join(work, "client_c.out")) as f:
            for line in f:
                if line.startswith("codes_left"):
                    codes_left = int(line.split()[1])
    ru1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = lambda r: r.ru_utime + r.ru_stime
    server_cpu = cpu_s(ru_srv)
    client_cpu = cpu_s(ru1) - cpu_s(ru0) - server_cpu
    serve_log.close()

    acked, attempted, lat = set(), 0, []
    for path in outs:
        with open(path) as f:
            for line in f:
                marker, ok, dt = line.split()[:3]   # the C client adds the code
                attempted += 1
                if ok == "1":
                    acked.add(marker)
                    lat.append(float(dt))
    con = sqlite3.connect(db)
    # each response's answers are packed in responses.answers
    # (doc/STORAGE.md); tools/answers.py decodes them
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tools"))
    from answers import decode
    comment = con.execute("SELECT pos FROM items WHERE name = 'comment'").fetchone()[0]
    stored, partial = {}, 0
    for (blob,) in con.execute("SELECT answers FROM responses"):
        ans = decode(blob)
        partial += len(ans) != ANSWERS_PER_RESPONSE
        for pos, _num, text in ans:
            if pos == comment and text is not None:
                stored[text] = stored.get(text, 0) + 1
    responses = con.execute("SELECT count(*) FROM responses").fetchone()[0]
    used = con.execute("SELECT count(*) FROM tokens WHERE used = 1").fetchone()[0]
    integrity = con.execute("PRAGMA integrity_check").fetchone()[0]
    con.close()
    # the killed server's database must open and serve again at once
    srv = subprocess.Popen([gs, "serve", "--listen", "127.0.0.1:0", "--rate", "0"], env=env,
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    m = re.search(r"127\.0\.0\.1:(\d+)/", srv.stdout.readline())
    restarted = False
    if m:
        c = http.client.HTTPConnection("127.0.0.1", int(m.group(1)), timeout=10)
        c.request("GET", "/")
        restarted = c.getresponse().status == 200
        c.close()
    srv.send_signal(signal.SIGTERM)
    restarted = srv.wait(20) == 0 and restarted
    lost = sum(1 for mk in acked if mk not in stored)
    dup = sum(1 for n in stored.values() if n > 1)
    lat.sort()
    pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] * 1000 if lat else float("nan")
    rate = len(acked) / elapsed
    unacked_stored = len(stored) - (len(acked) - lost)
    report = {
        "client": a.client,
        "duration_s": round(elapsed, 1), "clients": per_proc * max(nproc, 1),
        "server_threads": a.threads,
        "attempted": attempted, "acknowledged": len(acked), "stored": responses,
        "stored_not_acknowledged": unacked_stored, "lost": lost, "duplicated": dup,
        "partial": partial, "tokens_used": used, "integrity": integrity,
        "restarts_after_kill": restarted,
        "submissions_per_s": round(rate, 1), "p50_ms": round(pct(0.50), 1),
        "p99_ms": round(pct(0.99), 1), "max_ms": round(lat[-1] * 1000, 1) if lat else None,
        "server_cpu_ms_per_submission": round(server_cpu * 1000 / len(acked), 3) if acked else None,
        "client_cpu_ms_per_submission": round(client_cpu * 1000 / len(acked), 3) if acked else None,
    }
    if codes_left == 0:
        report["codes_left"] = "0: the run ran out of codes, the rate is capped (--codes)"
    for k, v in report.items():
        print("%-24s %s" % (k, v))
    ok = (lost == 0 and dup == 0 and partial == 0 and used == responses and integrity == "ok"
          and restarted)
    print("RESULT:", "PASS" if ok else "FAIL")
    if a.record:
        cpu = "?"
        try:
            with open("/proc/cpuinfo") as f:
                cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
        except (OSError, StopIteration):
            pass
        with open(os.path.join(ROOT, "bench", "README.md"), "a") as f:
            f.write("| %s | %d | %d | %.0f | %d | %.1f | %.1f | %.1f | %d | %d | %d | %s |\n" % (
                time.strftime("%Y-%m-%d"), report["clients"], a.threads, elapsed,
                len(acked), rate, report["p50_ms"], report["p99_ms"], lost, dup,
                unacked_stored, "%d CPU, %s%s" % (os.cpu_count(), cpu,
                                                  ", C client" if a.client == "c" else "")))
    if not a.dir:
        for f in os.listdir(work):
            os.remove(os.path.join(work, f))
        os.rmdir(work)
    sys.exit(0 if ok else 1)


def client_threads(port, codes, stop, out_path, seed, nthreads):
    """Process entry: nthreads client threads over this process's codes."""
    lock = threading.Lock()
    results = []
    shares = [codes[t::nthreads] for t in range(nthreads)]

    def run(t):
        r = []
        client_loop(port, shares[t], stop, r, "%d-%d" % (seed, t))
        with lock:
            results.extend(r)

    ts = [threading.Thread(target=run, args=(t,)) for t in range(nthreads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    with open(out_path, "w") as f:
        for marker, acked, dt in results:
            f.write("%s %d %.6f\n" % (marker, acked, dt))


def client_loop(port, codes, stop, results, tag):
    conn = None
    for i, code in enumerate(codes):
        if stop.is_set():
            break
        marker = "m%s-%d" % (tag, i)
        try:
            if conn is None:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            conn.request("GET", "/?code=" + code + "&lang=en")
            r = conn.getresponse()
            page = r.read()
            m = CSRF.search(page)
            if r.status != 200 or not m:
                raise OSError("no form (%d)" % r.status)
            fields = [("code", code), ("csrf", m.group(1).decode()), ("lang", "en"),
                      ("q_position", "clerk"), ("q_party", "yes"), ("q_years", "3to10"),
                      ("q_comment", marker)]
            fields += [("q_" + q, str(1 + (i + k) % 5)) for k, q in enumerate(LIKERT)]
            body = urllib.parse.urlencode(fields)
            t0 = time.perf_counter()
            conn.request("POST", "/submit", body,
                         {"Content-Type": "application/x-www-form-urlencoded"})
            r = conn.getresponse()
            page = r.read()
            dt = time.perf_counter() - t0
            results.append((marker, r.status == 200 and b'id="thanks"' in page, dt))
        except (OSError, http.client.HTTPException):
            # the server is gone (killed) or the connection broke: this one
            # was not acknowledged
            results.append((marker, False, -1.0))
            if conn is not None:
                conn.close()
            conn = None
            if stop.is_set():
                break
            time.sleep(0.05)


if __name__ == "__main__":
    main()
