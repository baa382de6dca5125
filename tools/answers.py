#!/usr/bin/python3
"""The answers of a gapsurvey database as a table again, for reading with
plain SQL (the tests do; doc/STORAGE.md describes the packed layout this
decodes, and `gapsurvey export` is the interface meant for everyone else).

  answers.py query DB SQL    runs SQL on DB (a SQLite file, or a
                             postgresql:// URI read with psql, $PSQL or
                             on PATH) with a table answers(response, item,
                             num, text) made from responses.answers first;
                             output as sqlite3 or psql -qAtX -F'|' prints
                             it.  A statement other than SELECT/WITH that
                             changes the table writes it back, packed.
  answers.py selftest        the decoder and encoder on the layout's cases

Positions become item ids through items (form, pos).  Numbers come back
bit for bit (SQLite: stored as binary doubles; PostgreSQL: float8 text,
which round-trips)."""
import math, os, re, sqlite3, struct, subprocess, sys, tempfile


def varint(b, i):
    v = shift = 0
    while True:
        if i >= len(b) or shift > 63:
            raise ValueError('damaged: varint')
        c = b[i]
        i += 1
        v |= (c & 0x7f) << shift
        if not c & 0x80:
            return v, i
        shift += 7


def put_varint(v):
    out = bytearray()
    while True:
        c = v & 0x7f
        v >>= 7
        out.append(c | (0x80 if v else 0))
        if not v:
            return bytes(out)


def decode(b):
    """[(pos, num or None, text or None)] of a packed value (None: none)"""
    out, i, pos = [], 0, -1
    b = b or b''
    while i < len(b):
        tag = b[i]
        i += 1
        step = tag >> 4
        if step == 0:
            step, i = varint(b, i)
        kind = tag & 3
        if step == 0 or kind == 3 or tag & 12 == 12 or (tag & 8 and kind != 1):
            raise ValueError('damaged: tag')
        pos += step
        num = text = None
        if kind == 1:
            z, i = varint(b, i)
            v = (z >> 1) ^ -(z & 1)
            num = float(v)
            if tag & 8:
                text = str(v)
        elif kind == 2:
            if i + 8 > len(b):
                raise ValueError('damaged: double')
            num = struct.unpack('<d', b[i:i + 8])[0]
            i += 8
        if tag & 4:
            j = b.index(0, i)
            text = b[i:j].decode('utf-8')
            i = j + 1
        out.append((pos, num, text))
    return out


def as_int(x):
    if not math.isfinite(x) or not -2.0**63 <= x < 2.0**63 or x != int(x):
        return None
    if x == 0 and math.copysign(1, x) < 0:
        return None
    return int(x)


def encode(answers):
    """the packed value of [(pos, num, text)], positions rising"""
    out, last = bytearray(), -1
    for pos, num, text in answers:
        step = pos - last
        if step < 1:
            raise ValueError('positions must rise')
        last = pos
        v = None if num is None else as_int(num)
        tag = 0 if num is None else 1 if v is not None else 2
        if text is not None:
            tag |= 8 if v is not None and text == str(v) else 4
        out.append(tag | (step << 4 if step <= 15 else 0))
        if step > 15:
            out += put_varint(step)
        if tag & 3 == 1:
            out += put_varint(2 * v if v >= 0 else -2 * v - 1)
        elif tag & 3 == 2:
            out += struct.pack('<d', num)
        if tag & 4:
            t = text.encode('utf-8')
            if b'\0' in t:
                raise ValueError('a text holds a NUL')
            out += t + b'\0'
    return bytes(out)


def is_pg(db):
    return db.startswith('postgres://') or db.startswith('postgresql://')


def psql():
    return os.environ.get('PSQL') or 'psql'


def pg_rows(db, q):
    env = dict(os.environ, PGOPTIONS='-c search_path=gapsurvey')
    r = subprocess.run([psql(), db, '-qAtX', '-F', '\t', '-c', q], env=env,
                       stdout=subprocess.PIPE, check=True)
    return [l.split('\t') for l in r.stdout.decode('utf-8').split('\n') if l]


def load(db):
    """items {(form, pos): id}, by id {id: (form, pos)}, responses [(id, form, packed)]"""
    if is_pg(db):
        items = [(int(a), int(b), int(c)) for a, b, c in pg_rows(db, 'SELECT id, form, pos FROM items')]
        resp = [(int(a), int(b), bytes.fromhex(c)) for a, b, c in
                pg_rows(db, "SELECT id, form, coalesce(encode(answers, 'hex'), '') FROM responses")]
    else:
        c = sqlite3.connect(db)
        items = c.execute('SELECT id, form, pos FROM items').fetchall()
        resp = c.execute('SELECT id, form, answers FROM responses').fetchall()
        c.close()
    return {(f, p): i for i, f, p in items}, {i: (f, p) for i, f, p in items}, resp


def rows(db):
    by_pos, _, resp = load(db)
    for rid, form, blob in resp:
        for pos, num, text in decode(blob):
            yield rid, by_pos[(form, pos)], num, text


def pack_rows(db, ans):
    """{response: packed value} of answers rows (response, item, num, text)"""
    _, by_id, resp = load(db)
    per = {rid: [] for rid, _, _ in resp}
    for rid, item, num, text in ans:
        per.setdefault(rid, []).append((by_id[item][1], num, text))
    return {rid: encode(sorted(a, key=lambda x: x[0])) or None for rid, a in per.items()}


def writes(q):
    return not re.match(r'\s*(select|with)\b', q, re.I)


def copy_esc(v):
    if v is None:
        return '\\N'
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else {'nan': 'NaN', 'inf': 'Infinity', '-inf': '-Infinity'}[repr(v)]
    return str(v).replace('\\', '\\\\').replace('\t', '\\t').replace('\n', '\\n').replace('\r', '\\r')


def copy_unesc(s):
    if s == '\\N':
        return None
    return re.sub(r'\\(.)', lambda m: {'t': '\t', 'n': '\n', 'r': '\r'}.get(m.group(1), m.group(1)), s)


def packed_schema(db):
    """responses has the answers column (schema 7 on): else the database
    is older, with a real answers table, and a query runs as it is"""
    if is_pg(db):
        return bool(pg_rows(db, "SELECT 1 FROM information_schema.columns WHERE table_schema = "
                               "'gapsurvey' AND table_name = 'responses' AND column_name = 'answers'"))
    c = sqlite3.connect(db)
    n = c.execute("SELECT count(*) FROM pragma_table_info('responses') WHERE name = 'answers'").fetchone()[0]
    c.close()
    return n > 0


def query_pg(db, q):
    script = ['CREATE TEMP TABLE answers(response bigint, item integer, num double precision, text text);',
              'COPY answers FROM STDIN;']
    script += ['\t'.join(copy_esc(v) for v in r) for r in rows(db)]
    script += ['\\.', q.rstrip().rstrip(';') + ';']
    w = writes(q)
    if w:
        script += ['COPY (SELECT response, item, num, text FROM answers) TO STDOUT;']
    env = dict(os.environ, PGOPTIONS='-c search_path=gapsurvey')
    r = subprocess.run([psql(), db, '-qAtX', '-F', '|', '-v', 'ON_ERROR_STOP=1', '-f', '-'],
                       input='\n'.join(script).encode('utf-8'), env=env,
                       stdout=subprocess.PIPE if w else None)
    if r.returncode or not w:
        return r.returncode
    ans = []
    for line in r.stdout.decode('utf-8').split('\n'):
        if line:
            a, b, c, d = line.split('\t')
            n = copy_unesc(c)
            ans.append((int(a), int(b), None if n is None else float(n), copy_unesc(d)))
    upd = ['BEGIN;']
    for rid, blob in pack_rows(db, ans).items():
        upd.append("UPDATE responses SET answers = %s WHERE id = %d;" %
                   ("decode('%s', 'hex')" % blob.hex() if blob else 'NULL', rid))
    upd.append('COMMIT;')
    return subprocess.run([psql(), db, '-qAtX', '-v', 'ON_ERROR_STOP=1', '-f', '-'],
                          input='\n'.join(upd).encode(), env=env, stdout=subprocess.DEVNULL).returncode


def query_sqlite(db, q):
    fd, tmp = tempfile.mkstemp(suffix='.db')
    os.close(fd)
    try:
        t = sqlite3.connect(tmp)
        t.execute('CREATE TABLE answers(response INTEGER, item INTEGER, num REAL, text TEXT, '
                  'PRIMARY KEY (response, item))')
        t.executemany('INSERT INTO answers VALUES (?, ?, ?, ?)', rows(db))
        t.commit()
        t.close()
        rc = subprocess.run(['sqlite3', '-cmd', "ATTACH '%s' AS unpacked" % tmp, db, q]).returncode
        if rc or not writes(q):
            return rc
        t = sqlite3.connect(tmp)
        ans = t.execute('SELECT response, item, num, text FROM answers').fetchall()
        t.close()
        c = sqlite3.connect(db)
        c.executemany('UPDATE responses SET answers = ? WHERE id = ?',
                      [(b, rid) for rid, b in pack_rows(db, ans).items()])
        c.commit()
        c.close()
        return 0
    finally:
        os.unlink(tmp)


def selftest():
    cases = [[(0, 3.0, '3'), (1, -0.0, '-0'), (2, 7.0, '007'), (20, None, ''), (21, 2.5, None),
              (1000, -9223372036854775808.0, '-9223372036854775808'), (1001, None, None)]]
    for a in cases:
        b = encode(a)
        got = decode(b)
        assert [(p, None if n is None else struct.pack('<d', n), t) for p, n, t in got] == \
               [(p, None if n is None else struct.pack('<d', n), t) for p, n, t in a], got
    assert encode([(0, 4.0, '4'), (1, 5.0, '5')]) == b'\x19\x08\x19\x0a'
    print('ok')


if __name__ == '__main__':
    if sys.argv[1:2] == ['selftest']:
        selftest()
    elif sys.argv[1:2] == ['query'] and len(sys.argv) == 4:
        db, q = sys.argv[2], sys.argv[3]
        if not packed_schema(db):
            if is_pg(db):
                env = dict(os.environ, PGOPTIONS='-c search_path=gapsurvey')
                sys.exit(subprocess.run([psql(), db, '-qAtX', '-F', '|', '-c', q], env=env).returncode)
            sys.exit(subprocess.run(['sqlite3', db, q]).returncode)
        sys.exit(query_pg(db, q) if is_pg(db) else query_sqlite(db, q))
    else:
        sys.exit(__doc__)
