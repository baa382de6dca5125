#!/usr/bin/env python3
"""The adversary of tests/cli/unlink.sh: someone with a copy of the
database files (main file, -wal, -journal) who wants to link invitation
codes to responses, or read a draft's earlier answers.

    walreplay.py DB [DB ...]     each DB a copy; DB-wal / DB-journal beside it

For each copy the WAL is parsed by hand (a 32-byte header, then frames of a
24-byte header and one page; a frame whose "database size" field is not 0
ends a commit) and the database is rebuilt as it was after every commit:
the main file, then the frames of the WAL up to that commit.  Frames of an
older WAL generation (other salts) are replayed too, in file order, as far
as they go: an attacker reads what is on the disk, not what SQLite would.
A rollback journal holds the pages as they were before the transaction: it
is applied to the main file as one more state.

Between two consecutive states, a token row whose `used` went from 0 to 1
together with new response rows is a link (the code is one of those
responses); the states also show every version of every draft answer.
Printed, one per line:
    states N        database states rebuilt
    linked N        token rows seen going used 0 -> 1 next to new responses
    drafts N        distinct draft answer texts seen (plaintext) in any state
    boxes N         distinct encrypted drafts (a box: each save is a new one)
                    seen in any state: every earlier version of a draft
                    that a state still holds counts, readable with the code
    freelist N      free pages holding anything but zeros (main file)
    text T          (with --grep T...) T found in the raw bytes of a file
"""
import os
import sqlite3
import struct
import sys
import tempfile


def page_size_of(main):
    ps = struct.unpack(">H", main[16:18])[0]
    return 65536 if ps == 1 else ps


def wal_states(main, wal):
    """Yields database images: after each commit of the WAL."""
    if len(wal) < 32:
        return
    ps = struct.unpack(">I", wal[8:12])[0]
    pages = {}
    off = 32
    while off + 24 + ps <= len(wal):
        pgno, commit = struct.unpack(">II", wal[off:off + 8])
        pages[pgno] = wal[off + 24:off + 24 + ps]
        off += 24 + ps
        if commit:
            yield build(main, pages, ps, commit)


def build(main, pages, ps, npages):
    img = bytearray(main[:npages * ps].ljust(npages * ps, b"\0"))
    for pgno, data in pages.items():
        if 1 <= pgno <= npages:
            img[(pgno - 1) * ps:pgno * ps] = data
    return bytes(img)


def journal_state(main, jr):
    """The pre-transaction image a rollback journal restores (its first
    header only: enough for a hot or left-over journal)."""
    if len(jr) < 28 or jr[:8] != b"\xd9\xd5\x05\xf9\x20\xa1\x63\xd7":
        return None
    sector = struct.unpack(">I", jr[20:24])[0] or 512
    ps = struct.unpack(">I", jr[24:28])[0] or page_size_of(main)
    orig = struct.unpack(">I", jr[16:20])[0]
    pages = {}
    off = sector
    while off + 4 + ps + 4 <= len(jr):
        pgno = struct.unpack(">I", jr[off:off + 4])[0]
        if pgno == 0:
            break
        pages.setdefault(pgno, jr[off + 4:off + 4 + ps])
        off += ps + 8
    n = max(orig, len(main) // ps) or 1
    return build(main, pages, ps, n)


def read_state(img):
    """tokens {hash: used}, response ids, draft answer texts and draft
    boxes of one image."""
    with tempfile.NamedTemporaryFile(suffix=".db", delete=False) as f:
        b = bytearray(img)
        if len(b) >= 20:
            b[18] = b[19] = 1          # a plain rollback database: no -wal needed
        f.write(b)
        name = f.name
    tokens, responses, drafts, boxes = {}, set(), set(), set()
    try:
        con = sqlite3.connect("file:%s?immutable=1" % name, uri=True)
        q = lambda sql: con.execute(sql).fetchall()
        names = {r[0] for r in q("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "tokens" in names:
            tokens = {h: u for h, u in q("SELECT hash, used FROM tokens")}
        if "responses" in names:
            responses = {r[0] for r in q("SELECT id FROM responses")}
        if "draft_answers" in names:
            drafts = {r[0] for r in q("SELECT text FROM draft_answers")}
            if "drafts" in names:
                cols = {r[1] for r in q("PRAGMA table_info(drafts)")}
                if "box" in cols:
                    for (b,) in q("SELECT box FROM drafts WHERE box IS NOT NULL"):
                        (drafts if isinstance(b, str) else boxes).add(b)
        con.close()
    except sqlite3.DatabaseError:
        pass                           # a torn copy: nothing to learn from it
    finally:
        os.unlink(name)
    return tokens, responses, drafts, boxes


def freelist_dirty(main):
    """Free pages of the main file that are not all zeros (trunk pages hold
    page numbers only: their tails are checked)."""
    if len(main) < 100:
        return 0
    ps = page_size_of(main)
    trunk = struct.unpack(">I", main[32:36])[0]
    dirty, seen = 0, set()
    while trunk and trunk not in seen and trunk * ps <= len(main):
        seen.add(trunk)
        t = main[(trunk - 1) * ps:trunk * ps]
        nxt, n = struct.unpack(">II", t[:8])
        if any(t[8 + 4 * n:]):
            dirty += 1
        for i in range(n):
            leaf = struct.unpack(">I", t[8 + 4 * i:12 + 4 * i])[0]
            if leaf * ps <= len(main) and any(main[(leaf - 1) * ps:leaf * ps]):
                dirty += 1
        trunk = nxt
    return dirty


def slurp(path):
    try:
        with open(path, "rb") as f:
            return f.read()
    except OSError:
        return b""


def main():
    args = sys.argv[1:]
    grep = []
    if "--grep" in args:
        i = args.index("--grep")
        grep, args = args[i + 1:], args[:i]
    states = linked = dirty = 0
    drafts, boxes = set(), set()
    found = set()
    for db in args:
        main_b, wal, jr = slurp(db), slurp(db + "-wal"), slurp(db + "-journal")
        for t in grep:
            for blob in (main_b, wal, jr):
                if t.encode() in blob:
                    found.add(t)
        imgs = [main_b]
        js = journal_state(main_b, jr)
        if js:
            imgs.insert(0, js)
        imgs.extend(wal_states(main_b, wal))
        prev = None
        for img in imgs:
            cur = read_state(img)
            states += 1
            drafts |= cur[2]
            boxes |= cur[3]
            if prev:
                flipped = [h for h, u in cur[0].items() if u == 1 and prev[0].get(h) == 0]
                new = cur[1] - prev[1]
                if flipped and new:
                    linked += len(flipped)
            prev = cur
        dirty += freelist_dirty(main_b)
    print("states", states)
    print("linked", linked)
    print("drafts", len(drafts))
    print("boxes", len(boxes))
    print("freelist", dirty)
    for t in sorted(found):
        print("text", t)


if __name__ == "__main__":
    main()
