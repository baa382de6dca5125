"""Checks the PDF LibreOffice made of a report.docx, as a reader sees the
pages (tests/cli/docx.sh): every table header on one line, each caption
once, no text past the margins.  Reads the words and their boxes from
`pdftotext -bbox-layout` (poppler-utils) and the tables and captions from
the .docx with python-docx.

usage: pdf_check.py DOCX PDF
Prints TAP lines (ok / not ok); the shell counts them."""
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import docx

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


def main():
    d = docx.Document(sys.argv[1])
    lines = pdf_lines(sys.argv[2])
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
    sys.exit(1 if fails else 0)


main()
