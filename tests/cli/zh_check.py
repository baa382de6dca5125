#!/usr/bin/env python3
"""Checks of Chinese output for tests/cli/zh_text.sh; prints ok/not ok lines.

  zh_check.py tables NAME FILE
      FILE is valid UTF-8 (a name cut inside a character is not); every
      table in it (a run of two or more lines whose cells are separated by
      two or more spaces; the first line the headings) has headings without
      English words, and each cell of a row starts or ends in the same
      display column as its heading (a Chinese character is two columns,
      so a table padded by bytes fails)
  zh_check.py words NAME FILE [ALLOWED...]
      no English word in FILE outside ALLOWED: a run of two or more Latin
      letters, as a token; tokens holding a digit (item names, unit codes),
      file names (x.csv) and Markdown link targets are identifiers, not
      words
"""
import re, sys, unicodedata

def width(s):
    w = 0
    for ch in s:
        if unicodedata.combining(ch):
            continue
        w += 2 if unicodedata.east_asian_width(ch) in 'WF' else 1
    return w

def cells(line):
    """[(text, start, end)] display columns of the cells of line."""
    out = []
    for m in re.finditer(r'\S+(?: \S+)*', line):
        start = width(line[:m.start()])
        out.append((m.group(0), start, start + width(m.group(0))))
    return out

def is_table_line(line):
    return re.search(r'\S {2,}\S', line) is not None

def read(name, path):
    data = open(path, 'rb').read()
    try:
        return data.decode('utf-8')
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b'\n') + 1
        print(f'not ok - {name}: invalid UTF-8 (a character cut?) at byte {e.start}, line {line}: '
              f'{data[max(0, e.start - 30):e.start + 10]!r}')
        return None

ENGLISH = re.compile(r'[A-Za-z]{2,}')
SYMBOLS = {'ICC'}

def tables(name, path):
    text = read(name, path)
    if text is None:
        return
    print(f'ok - {name}: valid UTF-8')
    lines = text.split('\n')
    blocks, cur = [], []
    for l in lines:
        if is_table_line(l):
            cur.append(l)
        else:
            if len(cur) >= 2:
                blocks.append(cur)
            cur = []
    if len(cur) >= 2:
        blocks.append(cur)
    if not blocks:
        print(f'not ok - {name}: no table found')
        return
    for b in blocks:
        head = cells(b[0])
        title = ' '.join(c[0] for c in head)[:40]
        bad = [c[0] for c in head if any(w not in SYMBOLS for w in ENGLISH.findall(c[0]))]
        if bad:
            print(f'not ok - {name}: English in the headings of "{title}": {bad}')
        else:
            print(f'ok - {name}: headings of "{title}" in Chinese')
        wrong = []
        for row in b[1:]:
            rc = cells(row)
            for i, (txt, s, e) in enumerate(rc[:len(head)]):
                hs, he = head[i][1], head[i][2]
                e2 = e - 2 if txt.endswith(' *') else e
                if s != hs and e2 != he and e != he:
                    wrong.append(f'{txt!r} at {s}-{e}, heading {head[i][0]!r} at {hs}-{he}: {row.strip()}')
                    break
        if wrong:
            print(f'not ok - {name}: "{title}" out of line in {len(wrong)} rows:')
            for w in wrong[:5]:
                print('#   ' + w)
        else:
            print(f'ok - {name}: "{title}" aligned in display columns ({len(b) - 1} rows)')

def words(name, path, allowed):
    text = read(name, path)
    if text is None:
        return
    allowed = set(allowed)
    found = {}
    for n, line in enumerate(text.split('\n'), 1):
        line = re.sub(r'\]\([^)]*\)', ']', line)          # Markdown link targets
        line = re.sub(r'&[a-z]+;', ' ', line)             # HTML entities
        line = re.sub(r'\\([\\`*_{}\[\]()#+.!|-])', r'\1', line)  # Markdown escapes (points\_vs.csv)
        for tok in re.findall(r"[A-Za-z0-9_][A-Za-z0-9_.'’()-]*", line):
            tok = tok.rstrip(".'’()-")
            # identifiers: unit codes, item names, file names, R's t.test
            if re.search(r'\d', tok) or re.search(r'[A-Za-z]\.[A-Za-z]', tok):
                continue
            for w in re.findall(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]", tok):
                if w not in allowed and w.strip("'’") not in allowed and tok not in allowed:
                    found.setdefault(w, (n, line.strip()))
    if found:
        print(f'not ok - {name}: English words in Chinese output: {sorted(found)[:20]}')
        for w, (n, l) in list(found.items())[:8]:
            print(f'#   line {n}: {l[:160]}')
    else:
        print(f'ok - {name}: no English words outside the allowed names and symbols')

if __name__ == '__main__':
    if sys.argv[1] == 'tables':
        tables(sys.argv[2], sys.argv[3])
    elif sys.argv[1] == 'words':
        words(sys.argv[2], sys.argv[3], sys.argv[4:])
    else:
        sys.exit('usage: zh_check.py tables|words NAME FILE [ALLOWED...]')
