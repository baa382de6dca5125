"""Reads a report.docx back with python-docx (Debian python3-docx) and
checks it against `analyze --json` of the same data (tests/cli/docx.sh).

usage: docx_check.py report DOCX JSON LANG   the full report
       docx_check.py unit DOCX JSON CODE      a feedback report: names no other unit
       docx_check.py pdf DOCX PDF             LibreOffice's PDF of DOCX: its words and
                                              their boxes from `pdftotext -bbox-layout`
       docx_check.py html HTML                report.html's table headers
Prints TAP lines (ok / not ok); the shell counts them."""
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import zipfile

import docx

W = '{http://schemas.openxmlformats.org/wordprocessingml/2006/main}'
X = '{http://www.w3.org/1999/xhtml}'
fails = 0


def ok(cond, desc, detail=''):
    global fails
    if cond:
        print('ok - ' + desc)
    else:
        fails += 1
        print('not ok - ' + desc)
        if detail:
            for line in str(detail).splitlines()[:10]:
                print('# ' + line)


def num(s):
    """The number a table cell shows: '▼45.2' -> 45.2, '<0.001' -> 0.0005."""
    s = s.strip().replace('▼', '').replace('−', '-')
    if s.startswith('<'):
        return float(s[1:]) / 2
    return float(s)


def tables(d):
    """Each table as (header, rows), texts stripped."""
    out = []
    for t in d.tables:
        rows = [[c.text.strip() for c in r.cells] for r in t.rows]
        out.append((rows[0], rows[1:]))
    return out


def find(tabs, first_heads):
    return [t for t in tabs if t[0][:len(first_heads)] == first_heads]


def layout(path, d):
    """Page, fonts, numbering, captions: the parts a reader sees."""
    z = zipfile.ZipFile(path)
    names = set(z.namelist())
    for part in ('[Content_Types].xml', 'word/document.xml', 'word/styles.xml', 'word/numbering.xml',
                 'word/footer1.xml', 'word/settings.xml', 'word/fontTable.xml'):
        ok(part in names, 'the package has ' + part)
    sect = d.sections[0]
    ok((sect.page_width.twips, sect.page_height.twips) == (11906, 16838), 'A4 (11906 x 16838 twips)',
       (sect.page_width.twips, sect.page_height.twips))
    text_w = sect.page_width.twips - sect.left_margin.twips - sect.right_margin.twips
    wide = []
    for i, t in enumerate(d.tables):
        grid = t._tbl.find(W + 'tblGrid')
        total = sum(int(g.get(W + 'w')) for g in grid.findall(W + 'gridCol'))
        if total > text_w:
            wide.append((i + 1, total, text_w))
        layout_el = t._tbl.tblPr.find(W + 'tblLayout')
        if layout_el is None or layout_el.get(W + 'type') != 'fixed':
            wide.append((i + 1, 'layout not fixed'))
        hdr = t.rows[0]._tr.trPr
        if hdr is None or hdr.find(W + 'tblHeader') is None:
            wide.append((i + 1, 'header row does not repeat'))
    ok(not wide, 'every table fits the text width (%d twips), fixed layout, header row repeated' % text_w, wide)
    footer = z.read('word/footer1.xml').decode()
    ok('PAGE' in footer and 'fldChar' in footer, 'the footer numbers the pages (PAGE field)')
    doc = z.read('word/document.xml').decode()
    ok('PAGEREF _Toc' in doc, 'the contents list gives pages by PAGEREF fields')
    caps = [p.text for p in d.paragraphs if p.style is not None and p.style.name.lower() == 'caption']
    ok(len(caps) == len(set(caps)) and len(caps) > 0, 'captions are written once each (%d)' % len(caps),
       [c for c in caps if caps.count(c) > 1][:5])
    ok(doc.count('SEQ Table') == len(d.tables), 'every table numbered by a SEQ field',
       (doc.count('SEQ Table'), len(d.tables)))
    pics = len(re.findall(r'<pic:pic ', doc))
    ok(doc.count('SEQ Figure') == pics, 'every figure (%d) has one numbered caption' % pics)
    media = [n for n in names if n.startswith('word/media/') and n.endswith('.png')]
    ok(len(media) == pics, 'the figures are embedded PNGs', (len(media), pics))
    # print resolution: each picture's pixels over its printed width
    low = []
    for m in re.finditer(r'<wp:extent cx="(\d+)" cy="(\d+)"/>.*?r:embed="rIdImg(\d+)"', doc):
        png = z.read('word/media/image%s.png' % m.group(3))
        px = int.from_bytes(png[16:20], 'big')
        dpi = px / (int(m.group(1)) / 914400)
        if dpi < 300:
            low.append((m.group(3), round(dpi)))
    ok(pics > 0 and not low, 'every figure prints at 300 dpi or more', low[:5])
    # a header stands over its column: right over numbers (which are set
    # right), left over text, not centred in a wide column away from its
    # digits
    off = []
    for i, t in enumerate(d.tables):
        rows = t._tbl.findall(W + 'tr')
        for c, head in enumerate(rows[0].findall(W + 'tc')):
            sides = []
            for r in rows[1:]:
                tcs = r.findall(W + 'tc')
                if c < len(tcs) and ''.join(x.text or '' for x in tcs[c].iter(W + 't')).strip():
                    sides.append(cell_jc(tcs[c]))
            want = max(set(sides), key=sides.count) if sides else None
            if want and cell_jc(head) != want:
                off.append((i + 1, ''.join(x.text or '' for x in head.iter(W + 't')), cell_jc(head), want))
    ok(not off, 'every table header is aligned as the cells below it', off[:5])
    # p in a sentence is "p = 0.713" or "p < 0.001", never "p 0.713"
    bare = [p.text[:60] for p in d.paragraphs if re.search(r'(^|[\s（(，,])p (\d|<\d)', p.text)]
    ok(not bare, 'p in running text has its = or <', bare[:3])
    # a caption says its whole text: no name cut short ("…of the Munic…")
    cut = [c for c in caps if '…' in c]
    ok(not cut, 'no caption is cut short', cut[:3])
    return doc, z


def cell_jc(tc):
    """A table cell's paragraph alignment (left when unset)."""
    jc = tc.find('.//' + W + 'pPr/' + W + 'jc')
    return jc.get(W + 'val') if jc is not None else 'left'


def check_zh_style(z):
    styles = z.read('word/styles.xml').decode()
    num_xml = z.read('word/numbering.xml').decode()
    for font in ('方正小标宋简体', '黑体', '楷体_GB2312', '仿宋_GB2312'):
        ok('w:eastAsia="%s"' % font in styles, 'zh: %s named as an East Asian font' % font)
    fonts = z.read('word/fontTable.xml').decode()
    ok('<w:altName w:val="FangSong"/>' in fonts, 'zh: 仿宋_GB2312 names its substitute FangSong')
    for t in ('%1、', '（%2）', '%3.'):
        ok('w:val="%s"' % t in num_xml, 'zh: headings numbered ' + t)
    ok('chineseCounting' in num_xml, 'zh: 一 二 三 by chineseCounting')


def check_report(path, js, lang):
    d = docx.Document(path)
    doc, z = layout(path, d)
    if lang == 'zh':
        check_zh_style(z)
    tabs = tables(d)
    heads = {'zh': ['维度', '人数', '平均分', '标准差'], 'en': ['dimension', 'n', 'mean', 'SD']}[lang]
    dims = find(tabs, heads)
    ok(len(dims) == 1, 'one table of dimension scores with header %s' % heads, [t[0] for t in tabs][:8])
    if dims:
        rows = dims[0][1]
        bad = []
        for dm, row in zip(js['dimensions'], rows):
            want = (dm['label'], round(dm['n']), round(dm['mean'], 1), round(dm['sd'], 1))
            got = (row[0], round(num(row[1])), num(row[2]), num(row[3]))
            if want != got:
                bad.append((want, got))
        ok(len(rows) == len(js['dimensions']) and not bad, 'dimension rows: label, n, mean, SD as analyze --json',
           bad)
    weak = {'zh': ['单位', '维度', '平均分'], 'en': ['unit', 'dimension', 'mean']}[lang]
    wu = [t for t in find(tabs, weak) if len(t[0]) == 5]
    want = [f for f in js['findings'] if f['kind'] == 'weak_unit']
    ok(len(wu) == 1, 'one weak-unit table: unit, dimension, mean, difference, q', [t[0] for t in tabs][:8])
    if wu:
        labels = {dm['code']: dm['label'] for dm in js['dimensions']}
        names = {g['code']: g['name'] for g in js['groups']}
        got = [(r[0], r[1], num(r[2]), num(r[3])) for r in wu[0][1]]
        exp = [('%s %s' % (f['group'], names[f['group']]), labels[f['dimension']],
                round(f['values']['mean'], 1), round(f['values']['diff'], 1)) for f in want]
        ok(got == exp, 'weak-unit rows as the weak_unit findings (%d)' % len(exp),
           '\n'.join(map(str, [x for x in zip(got, exp) if x[0] != x[1]][:5])))
    flagged = [g for g in js['gaps'] if g['flag'] != 'consistent']
    gap_heads = {'zh': ['单位', '维度', '自评'], 'en': ['unit', 'dimension', 'self']}[lang]
    gt = find(tabs, gap_heads)
    ok(len(gt) == 1, 'self-vs-staff gaps as one table', [t[0] for t in tabs][:8])
    if gt:
        got = sorted((r[0].split()[0], r[1], num(r[2]), num(r[4])) for r in gt[0][1])
        labels = {dm['code']: dm['label'] for dm in js['dimensions']}
        exp = sorted((g['unit'], labels[g['dimension']], g['self'], g['gap']) for g in flagged)
        # the table rounds to one decimal (a JSON number of 15 digits may
        # round the other way at the last half): within 0.05
        far = [(a, b) for a, b in zip(got, exp) if a[:2] != b[:2] or abs(a[2] - b[2]) > 0.0501 or
               abs(a[3] - b[3]) > 0.0501]
        ok(len(got) == len(exp) and not far, 'gap rows: unit, dimension, self, gap of every flagged pair (%d)' % len(exp),
           '\n'.join(map(str, far[:5])))
    check_points(tabs, js, lang)
    check_questions(tabs, js, lang)
    check_finding_tables(tabs, js, lang)


def check_finding_tables(tabs, js, lang):
    """The findings' other tables: weak dimensions, changes, high points
    with weak staff scores, each row as its finding in analyze --json."""
    labels = {dm['code']: dm['label'] for dm in js['dimensions']}
    zh = lang == 'zh'

    def rows_of(heads, width, got_row, kinds, exp_row, what):
        # width: a header per column, None where any will do
        t = [x for x in find(tabs, heads) if len(x[0]) == len(width) and all(w in (None, h) for w, h in
                                                                             zip(width, x[0]))]
        fs = [f for f in js['findings'] if f['kind'] in kinds]
        if not fs:
            ok(not t, '%s: no table without findings' % what)
            return
        ok(len(t) == 1, '%s: one table %s' % (what, heads), [x[0] for x in tabs][:12])
        if t:
            got = sorted(got_row(r) for r in t[0][1])
            exp = sorted(exp_row(f) for f in fs)
            ok(got == exp, '%s: a row per finding as analyze --json (%d)' % (what, len(exp)),
               '\n'.join(map(str, [x for x in zip(got, exp) if x[0] != x[1]][:5] or [(len(got), len(exp))])))

    def unit(f):
        return f['group'] if f.get('group') else ('全体平均' if zh else 'all respondents')

    rows_of(['维度', '平均分', '偏差'] if zh else ['dimension', 'mean', 'deviation'], [None] * 6,
            lambda r: (r[0], num(r[1]), num(r[2]), int(r[5].split('/')[0])), ('weak_dimension',),
            lambda f: (labels[f['dimension']], round(f['values']['mean'], 1), round(f['values']['deviation'], 1),
                       f['values']['rank']), 'weak dimensions')
    rows_of(['单位', '维度'] if zh else ['unit', 'dimension'], [None] * 4 + ['变化' if zh else 'change', 'q'],
            lambda r: (r[0].split()[0] if r[0].split()[0].startswith('U') else r[0], r[1], num(r[2]), num(r[3]),
                       num(r[4])), ('declined', 'improved'),
            lambda f: (unit(f), labels[f['dimension']], round(f['values']['mean0'], 1), round(f['values']['mean'], 1),
                       round(f['values']['diff'], 1)), 'changes')
    rows_of(['单位', '维度', '净加分'] if zh else ['unit', 'dimension', 'net points'], [None] * 5,
            lambda r: (r[0].split()[0], r[1], round(num(r[2])), num(r[3]), num(r[4])), ('points_unmatched',),
            lambda f: (f['group'], labels[f['dimension']], round(f['values']['net']), round(f['values']['mean'], 1),
                       round(f['values']['diff'], 1)), 'high points, weak staff scores')


def check_points(tabs, js, lang):
    """The points table: a row per unit with a self-assessment, net (bonus-deduction) per type."""
    pts = js.get('points', [])
    labels = {dm['code']: dm['label'] for dm in js['dimensions']}
    pdims = [p['dimension'] for p in js.get('points_vs_staff', [])]
    head = [{'zh': '单位', 'en': 'unit'}[lang]] + [labels[d] for d in pdims]
    t = [x for x in find(tabs, head) if len(x[0]) == len(head)]
    ok(len(t) == 1 and len(pdims) > 0, 'one points table: unit, then each type with points', [x[0] for x in tabs][:12])
    if not t:
        return
    want = {}
    for p in pts:
        want.setdefault(p['unit'], {})[p['dimension']] = (p['net'], p['bonus'], p['deduction'])
    bad = []
    for row in t[0][1]:
        code = row[0].split()[0]
        for d, cell in zip(pdims, row[1:]):
            m = re.match(r'([+-]?\d+)\s*[(（](\d+)−(\d+)[)）]', cell.replace('+', '+'))
            got = tuple(int(x) for x in m.groups()) if m else cell
            exp = tuple(round(v) for v in want.get(code, {}).get(d, (None, None, None))) if code in want else None
            if got != exp:
                bad.append((code, d, got, exp))
    ok(len(t[0][1]) == len(want) and not bad, 'points rows: net (bonus-deduction) of every unit as analyze --json (%d)'
       % len(want), bad[:5])
    rho = [x for x in tabs if x[0][:2] == [{'zh': '维度', 'en': 'dimension'}[lang],
                                            {'zh': '相关系数ρ', 'en': 'Spearman rho'}[lang]]]
    ok(len(rho) == 1, 'one Spearman table')
    if rho:
        got = [(r[0], num(r[1])) for r in rho[0][1]]
        exp = [(labels[p['dimension']], round(p['spearman'], 2)) for p in js['points_vs_staff']]
        ok(got == exp, 'Spearman rows: rho per type as analyze --json', (got, exp))


def check_questions(tabs, js, lang):
    """The Questions appendix: each dimension's Likert items with the percentage of each answer."""
    qs = {q['name']: q for q in js.get('questions', [])}
    # the Chinese report names a question by its label alone
    labelled = {q['label']: q for q in js.get('questions', []) if q.get('label')}
    head = {'zh': ['题目', '人数'], 'en': ['question', 'n']}[lang]
    scale = find(tabs, head)
    ok(len(scale) >= len(js['dimensions']), 'a Questions table per dimension (%d)' % len(scale))
    bad, rows = [], 0
    for h, body in scale:
        for row in body:
            q = qs.get(row[0].split()[0]) if row[0].split() else None
            if not q and lang == 'zh':
                q = labelled.get(row[0].strip())
            if not q or 'counts' not in q:
                bad.append(row[0][:20])
                continue
            rows += 1
            pct = [num(c.rstrip('%')) for c in row[2:2 + len(q['counts'])]]
            exp = [round(100 * q['counts'][c] / q['n']) for c in q['counts']]
            if round(num(row[1])) != q['n'] or pct != exp:
                bad.append((q['name'], row[1], pct, q['n'], exp))
    ok(rows > 0 and not bad, 'Questions rows: n and the %% of each answer as analyze --items (%d)' % rows, bad[:5])


def check_unit(path, js, code):
    d = docx.Document(path)
    text = '\n'.join(p.text for p in d.paragraphs)
    for t in d.tables:
        for r in t.rows:
            text += '\n' + ' '.join(c.text for c in r.cells)
    others = [g for g in js['groups'] if g['code'] != code]
    named = [g['code'] for g in others if re.search(r'(?<![\w-])%s(?![\w-])' % re.escape(g['code']), text)]
    named += [g['name'] for g in others if g['name'] and g['name'] in text]
    ok(not named, '%s: no other unit named' % code, named)
    me = next(g for g in js['groups'] if g['code'] == code)
    if me['suppressed']:
        ok(not d.tables and not re.search(r'\d+\.\d', text), '%s (suppressed): a notice without numbers' % code,
           text[:300])
    else:
        ok(len(d.tables) >= 1, '%s: has its score table' % code)
        mine = [p for p in js.get('points', []) if p['unit'] == code]
        if mine:
            labels = {dm['code']: dm['label'] for dm in js['dimensions']}
            rows = [[c.text.strip() for c in r.cells] for t in d.tables for r in t.rows]
            got = {r[0]: (num(r[1]), num(r[2]), num(r[3])) for r in rows
                   if len(r) == 5 and r[0] in labels.values() and re.match(r'^([+-]\d+|0)$', r[3])}
            exp = {labels[p['dimension']]: (round(p['bonus']), round(p['deduction']), round(p['net'])) for p in mine}
            ok(got == exp, '%s: its own points row per type' % code, (got, exp))


def flat(s):
    """Text without spaces: pdftotext splits words where the layout did."""
    return re.sub(r'\s+', '', s)


def pdf_lines(path):
    """The PDF's lines as (page, page width, xMin, xMax, text)."""
    out = subprocess.run(['pdftotext', '-bbox-layout', path, '-'], capture_output=True, check=True).stdout
    root = ET.fromstring(re.sub(rb'<!DOCTYPE[^>]*>', b'', out))
    lines = []
    for no, page in enumerate(root.iter(X + 'page'), 1):
        width = float(page.get('width'))
        for line in page.iter(X + 'line'):
            words = [w.text or '' for w in line.iter(X + 'word')]
            lines.append((no, width, float(line.get('xMin')), float(line.get('xMax')), ''.join(words)))
    return lines


def check_pdf(dpath, ppath):
    """The PDF LibreOffice made of dpath, as a reader sees its pages: every
    table header on one line, each caption once, no text past the margins."""
    d = docx.Document(dpath)
    lines = pdf_lines(ppath)
    texts = [t for _, _, _, _, t in lines]

    # a header cell that wraps leaves no line with its whole text; each
    # header text is on at least as many lines as tables have it (a table
    # over two pages repeats its header row)
    need = {}
    for t in d.tables:
        for c in t.rows[0].cells:
            h = flat(c.text)
            if h:
                need[h] = need.get(h, 0) + 1
    wrapped = [(h, n, sum(h in t for t in texts)) for h, n in need.items() if sum(h in t for t in texts) < n]
    ok(need and not wrapped, 'every table header is on one line in the PDF (%d headers)' % len(need), wrapped[:8])

    # numbers never wrap either ("-24.05" is not "-" over "24.0" over
    # "5"): each number of three or more characters in a cell set right is
    # on at least as many lines as cells hold it
    need = {}
    for t in d.tables:
        for r in t._tbl.findall(W + 'tr')[1:]:
            for tc in r.findall(W + 'tc'):
                s = flat(''.join(x.text or '' for x in tc.iter(W + 't')))
                if cell_jc(tc) == 'right' and len(s) >= 3 and re.fullmatch(r'[-+−<▼▲]?[\d.,%/()–−<=\s]+', s):
                    need[s] = need.get(s, 0) + 1
    # (two cells side by side may share a line of pdftotext: count each)
    wrapped = [(s, n, sum(t.count(s) for t in texts)) for s, n in need.items() if sum(t.count(s) for t in texts) < n]
    ok(need and not wrapped, 'every number in a table is on one line in the PDF (%d numbers)' % len(need),
       wrapped[:8])

    # a caption written twice (or its text again beside the number) shows
    # its text on more lines than the document has that caption
    caps = [flat(p.text) for p in d.paragraphs if p.style is not None and p.style.name.lower() == 'caption']
    twice = []
    for c in set(caps):
        bare = re.sub(r'^(表|图|Table|Figure)\d+[.．]?', '', c)
        if sum(bare in t for t in texts) > caps.count(c):
            twice.append(c)
    ok(caps and not twice, 'each caption once in the PDF (%d captions)' % len(caps), twice[:5])

    # nothing past the margins: tables fit the page.  Chinese text may
    # hang its closing punctuation (，。) into the margin, and a justified
    # line reach a few points into it
    sect = d.sections[0]
    left, right = sect.left_margin.pt, sect.right_margin.pt

    def past(w, x0, x1, t):
        hang = 17 if re.search(r'[，。、；：？！”’）》]$', t) else 6
        return x0 < left - 2 or x1 > w - right + hang
    out = [(p, t[:30], round(x0), round(x1)) for p, w, x0, x1, t in lines if past(w, x0, x1, t)]
    ok(lines and not out, 'no text past the margins (%d lines)' % len(lines), out[:5])

    # no blank page: each page has more than its number in the footer (a
    # page break that needs a line of its own, after a full page of
    # contents, left the second page empty)
    pages = {}
    for p, _, _, _, t in lines:
        pages.setdefault(p, []).append(t)
    npages = int(re.search(r'Pages:\s+(\d+)', subprocess.run(['pdfinfo', ppath], capture_output=True,
                                                               text=True).stdout).group(1))
    blank = [p for p in range(1, npages + 1)
             if all(re.fullmatch(r'—?\d+—?', flat(t)) for t in pages.get(p, []))]
    ok(npages and not blank, 'no blank page (%d pages)' % npages, blank[:5])

    # the title and the line under it: each of their lines whole on one
    # line of the PDF (a date is not parted from its day)
    heads = [p.text for p in d.paragraphs if p.style is not None and p.style.name in ('Title', 'Subtitle')]
    parted = [h for t in heads for h in t.split('\n') if flat(h) and not any(flat(h) in x for x in texts)]
    ok(heads and not parted, 'title and subtitle lines each on one line (%d)' % len(heads), parted[:3])


def check_html(path):
    """report.html's tables: a header over numbers (td class "n") is set
    right as they are (th class "n"), a header over text is not."""
    from html.parser import HTMLParser

    class P(HTMLParser):
        def __init__(self):
            super().__init__()
            self.tabs = []

        def handle_starttag(self, tag, attrs):
            cls = (dict(attrs).get('class') or '').split()
            if tag == 'table':
                self.tabs.append([])
            elif tag == 'tr' and self.tabs:
                self.tabs[-1].append([])
            elif tag in ('th', 'td') and self.tabs and self.tabs[-1]:
                self.tabs[-1][-1].append([tag, 'n' in cls, ''])

        def handle_data(self, data):
            if self.tabs and self.tabs[-1] and self.tabs[-1][-1]:
                self.tabs[-1][-1][-1][2] += data.strip()

    p = P()
    p.feed(open(path, encoding='utf-8').read())
    off = []
    for i, t in enumerate(p.tabs):
        heads, rows = t[0], t[1:]
        for c, (_, right, text) in enumerate(heads):
            kinds = [r[c][1] for r in rows if c < len(r) and r[c][2]]
            if kinds and right != (kinds.count(True) > kinds.count(False)):
                off.append((i + 1, text, right))
    ok(p.tabs and not off, 'HTML: every table header is aligned as the cells below it (%d tables)' % len(p.tabs),
       off[:5])


def main():
    mode, path = sys.argv[1:3]
    if mode == 'html':
        check_html(path)
        sys.exit(1 if fails else 0)
    if mode == 'pdf':
        check_pdf(path, sys.argv[3])
        sys.exit(1 if fails else 0)
    jpath, arg = sys.argv[3:5]
    js = json.load(open(jpath, encoding='utf-8'))
    if mode == 'report':
        check_report(path, js, arg)
    else:
        check_unit(path, js, arg)
    sys.exit(1 if fails else 0)


main()
