#!/usr/bin/env python3
"""Translation checks for tests/cli/i18n.sh; prints TAP-style ok/not ok lines.

  i18n.py coverage POT PO   every msgid of POT has a non-empty, non-fuzzy
                            msgstr in PO
  i18n.py lint ROOT ALLOW   every string literal that is the message of
                            cli_error(), printf(), puts(), fprintf(stderr, ...)
                            or fputs(..., stdout|stderr) in main.c,
                            base/, survey/, analysis/ and cli/ (every depth) is wrapped in _()
                            (or N_()), unless it has no word in it (a pure
                            format such as "%s\\n") or ALLOW lists it; and
                            no string literal there holds Chinese (CJK)
                            text unless ALLOW lists it as data: the Chinese
                            belongs in po/zh_CN.po
  i18n.py selftest          runs the lint on a directory holding a small
                            bad file and checks that it says "not ok"

The lint reads C text, not a parse tree: it sees a literal, or adjacent
literals, directly as the first argument (the second after stderr), which
is how every message in this code is written.  The CJK rule looks at
every literal outside comments, so Chinese wording chosen at run time
(zh ? "中文" : "English") is caught too.  Characters written as escapes
("\\xE3\\x80\\x81") are not: that spelling is a deliberate choice of bytes.

ALLOW holds one literal per line as it stands in the source (adjacent
literals joined), for both rules, and "pending: FILE" lines: a file still
being converted, whose findings under either rule are reported as a TODO
instead of a failure until it is clean.
"""
import glob, os, re, sys

def po_entries(path):
    """{(msgid, plural): (msgstr list, fuzzy)} from a .po/.pot file."""
    out = {}
    cur = {}
    key = None
    def flush():
        if 'msgid' in cur and not cur.get('obsolete'):
            out[(cur['msgid'], cur.get('msgid_plural'))] = (cur.get('msgstr', []), cur.get('fuzzy', False))
    def unq(s):
        return bytes(s, 'utf-8').decode('unicode_escape').encode('latin-1').decode('utf-8')
    for line in open(path, encoding='utf-8').read().split('\n'):
        if not line.strip():
            flush(); cur = {}; key = None; continue
        if line.startswith('#~'):
            cur['obsolete'] = True; continue
        if line.startswith('#,'):
            cur['fuzzy'] = cur.get('fuzzy', False) or 'fuzzy' in line; continue
        if line.startswith('#'):
            continue
        m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt) "(.*)"$', line)
        if m:
            key = m.group(1)
            val = unq(m.group(2))
            if key.startswith('msgstr'):
                cur.setdefault('msgstr', []).append(val); key = ('msgstr', len(cur['msgstr']) - 1)
            else:
                cur[key] = val
            continue
        m = re.match(r'^"(.*)"$', line)
        if m and key:
            val = unq(m.group(1))
            if isinstance(key, tuple):
                cur['msgstr'][key[1]] += val
            else:
                cur[key] += val
    flush()
    return out

def coverage(pot, po):
    want = po_entries(pot)
    have = po_entries(po)
    bad = []
    for k in want:
        if k[0] == '':
            continue
        strs, fuzzy = have.get(k, ([], False))
        if not strs or not all(strs) or fuzzy:
            bad.append(k[0])
    n = len([k for k in want if k[0]])
    if bad:
        print(f'not ok - po/zh_CN.po translates {n - len(bad)} of {n} messages; missing or fuzzy:')
        for b in bad[:60]:
            print('#   ' + repr(b)[:150])
    else:
        print(f'ok - po/zh_CN.po translates all {n} messages of the sources')
    return 0

LIT = re.compile(r'"(?:[^"\\\n]|\\.)*"')
CALL = re.compile(r'\b(cli_error\s*\(|printf\s*\(|puts\s*\(|fprintf\s*\(\s*stderr\s*,|fputs\s*\()\s*(?=")')
# Library code returns its messages instead of printing them: through
# err_set() and err_set_at(), form.c's err()/warn(), expr.c's fail(),
# analyze.c's warn(), util_diag_add() and store.c's sqlerr().  A literal
# argument of these is a message whatever its position.
LIBCALL = re.compile(r'\b(err_set|err_set_at|err|warn|fail|util_diag_add|sqlerr|bad|problem|rs)\s*\(')
SPEC = re.compile(r'%(?:\d+\$)?[-+ #0-9.*]*(?:hh|h|ll|l|z|j|t|L)?[a-zA-Z%]')

def literal_run(s, i):
    """Adjacent literals starting at s[i]; (text, end) or None."""
    parts = []
    j = i
    while True:
        m = LIT.match(s, j)
        if not m:
            break
        parts.append(m.group(0)[1:-1])
        j = m.end()
        k = j
        while k < len(s) and s[k] in ' \t\n':
            k += 1
        if k < len(s) and s[k] == '"':
            j = k
            continue
        break
    return ''.join(parts), j

def arg_literals(s, i):
    """Offsets of the arguments, from s[i] (just after the opening
    parenthesis) to the closing one, that start with a string literal."""
    out = []
    depth = 0
    at_start = True
    while i < len(s):
        c = s[i]
        if c in ' \t\n':
            i += 1
            continue
        if c == '"':
            if at_start and depth == 0:
                out.append(i)
            _, i = literal_run(s, i)
            at_start = False
            continue
        if c == "'":
            m = re.match(r"'(?:[^'\\]|\\.)*'", s[i:])
            i += m.end() if m else 1
            at_start = False
            continue
        if c in '([{':
            depth += 1
        elif c in ')]}':
            if depth == 0:
                break
            depth -= 1
        elif c == ',' and depth == 0:
            at_start = True
            i += 1
            continue
        elif c == ';':
            break
        at_start = False
        i += 1
    return out

def wordy(text):
    t = SPEC.sub(' ', text)
    t = re.sub(r'\\(x[0-9A-Fa-f]{2}|[0-7]{1,3}|.)', ' ', t)
    return re.search(r'[A-Za-z]{2,}', t) is not None

# Chinese characters and the CJK and full-width punctuation around them
CJK = re.compile('[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]')

def literal_runs(s):
    """(offset, text) of every run of adjacent string literals outside
    comments and character constants."""
    i, n = 0, len(s)
    while i < n:
        c = s[i]
        if s.startswith('//', i):
            j = s.find('\n', i)
            i = n if j < 0 else j
        elif s.startswith('/*', i):
            j = s.find('*/', i + 2)
            i = n if j < 0 else j + 2
        elif c == "'":
            m = re.compile(r"'(?:[^'\\\n]|\\.)*'").match(s, i)
            i = m.end() if m else i + 1
        elif c == '"':
            text, end = literal_run(s, i)
            if end == i:   # an unterminated literal: not C this lint can read
                i += 1
                continue
            yield i, text
            i = end
        else:
            i += 1

def lint(root, allow_path):
    allow = set()
    pending = set()
    for line in open(allow_path, encoding='utf-8'):
        line = line.rstrip('\n')
        if line.startswith('pending: '):
            pending.add(line[len('pending: '):])
        elif line and not line.startswith('#'):
            allow.add(line)
    files = [os.path.join(root, 'main.c')] * os.path.exists(os.path.join(root, 'main.c')) + \
        sorted(f for d in ('base', 'survey', 'analysis', 'cli')
               for f in glob.glob(os.path.join(root, d, '**', '*.c'), recursive=True))
    total = 0
    used = set()
    for f in files:
        path = f if os.path.isabs(f) else os.path.join(root, f)
        rel = os.path.relpath(path, root)
        s = open(path, encoding='utf-8').read()
        bad = []
        for m in CALL.finditer(s):
            text, end = literal_run(s, m.end())
            if m.group(1).startswith('fputs'):
                rest = s[end:end + 40].lstrip()
                if not re.match(r',\s*(stdout|stderr)\s*\)', rest):
                    continue
            if not wordy(text):
                continue
            if text in allow:
                used.add(text)
                continue
            bad.append((s.count('\n', 0, m.start()) + 1, text))
        for m in LIBCALL.finditer(s):
            for start in arg_literals(s, m.end()):
                text, end = literal_run(s, start)
                if not wordy(text):
                    continue
                if text in allow:
                    used.add(text)
                    continue
                bad.append((s.count('\n', 0, start) + 1, text))
        cjk = []
        for start, text in literal_runs(s):
            if not CJK.search(text):
                continue
            if text in allow:
                used.add(text)
                continue
            cjk.append((s.count('\n', 0, start) + 1, text))
        bad.sort()
        total += len(bad) + len(cjk)
        if (bad or cjk) and rel in pending:
            print(f'ok - {rel}: # TODO {len(bad)} message(s) still to be marked for translation, '
                  f'{len(cjk)} Chinese literal(s) to move to po/zh_CN.po')
            continue
        if rel in pending:
            print(f'not ok - {rel}: fully converted; take it off the pending list')
            continue
        if bad:
            print(f'not ok - {rel}: {len(bad)} message(s) not marked for translation')
            for line, text in bad[:15]:
                print(f'#   {rel}:{line}: "{text[:100]}"')
        else:
            print(f'ok - {rel}: every message is marked for translation')
        if cjk:
            print(f'not ok - {rel}: {len(cjk)} string literal(s) hold Chinese; write the English '
                  f'in the source and the Chinese in po/zh_CN.po (data: list it in the allowlist)')
            for line, text in cjk[:15]:
                print(f'#   {rel}:{line}: "{text[:100]}"')
        else:
            print(f'ok - {rel}: no Chinese in its string literals')
    for a in sorted(allow - used):
        print(f'not ok - allowlist entry no longer used: "{a}"')
    return 0

def selftest():
    """The lint must catch what it is for: an unmarked message and a
    Chinese literal, each in a file of its own, while leaving a marked
    message, a data literal on the allowlist, Chinese in a comment and a
    pending file alone."""
    import io, tempfile, contextlib
    with tempfile.TemporaryDirectory() as d:
        os.mkdir(os.path.join(d, 'survey'))
        os.mkdir(os.path.join(d, 'analysis'))
        def put(name, text):
            with open(os.path.join(d, name), 'w', encoding='utf-8') as f:
                f.write(text)
        put('survey/unmarked.c', 'void f(void) { cli_error("cannot open the file"); }\n')
        put('survey/chinese.c', 'const char *g(int zh) { return zh ? "打开" : "open"; }\n')
        put('survey/good.c', '/* 中文 in a comment is fine */\n'
            'void h(void) { cli_error(_("cannot open %s"), "x"); }\n'
            'static const char *const heads[] = {"序号", NULL};\n')
        put('survey/waiting.c', 'void k(void) { cli_error("not yet"); puts("还没有"); }\n')
        put('allow.txt', '# data\n序号\npending: survey/waiting.c\n')
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            lint(d, os.path.join(d, 'allow.txt'))
        got = out.getvalue()
    want = [('not ok - survey/unmarked.c: 1 message(s) not marked', 'an unmarked message'),
            ('not ok - survey/chinese.c: 1 string literal(s) hold Chinese', 'a Chinese literal'),
            ('ok - survey/good.c: every message is marked', 'a marked message passes'),
            ('ok - survey/good.c: no Chinese in its string literals',
             'allowlisted data and Chinese in a comment pass'),
            ('ok - survey/waiting.c: # TODO 1 message(s) still to be marked for translation, '
             '1 Chinese literal(s)', 'a pending file is a TODO under both rules')]
    for text, what in want:
        if text in got:
            print(f'ok - lint self-test: {what}')
        else:
            print(f'not ok - lint self-test: {what}')
            for line in got.splitlines():
                print('#   ' + line)
    return 0

if __name__ == '__main__':
    if len(sys.argv) == 2 and sys.argv[1] == 'selftest':
        sys.exit(selftest())
    if len(sys.argv) == 4 and sys.argv[1] == 'coverage':
        sys.exit(coverage(sys.argv[2], sys.argv[3]))
    if len(sys.argv) == 4 and sys.argv[1] == 'lint':
        sys.exit(lint(sys.argv[2], sys.argv[3]))
    sys.stderr.write(__doc__)
    sys.exit(2)
