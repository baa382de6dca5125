#!/usr/bin/python3
"""csv2xlsx: writes an XLSForm kept in pyxform's one-file CSV layout as an
Excel workbook, one sheet per CSV sheet, the way an author would have typed
it in Excel: cells that hold a plain number (a choice name 1, a version
2026112601, points -3) become number cells, everything else text.

    tools/csv2xlsx.py questionnaires/staff-opinion.csv        # -> .xlsx beside it
    tools/csv2xlsx.py -o OUT.xlsx FORM.csv

The shipped questionnaires/*.xlsx are made with it (`make questionnaires`);
tests/cli/xlsform.sh checks that gapsurvey reads each back to the same
stored form as its CSV.  Needs python3-openpyxl (Debian 12).
"""
import csv
import datetime
import io
import re
import sys
import zipfile

import openpyxl

INT = re.compile(r"-?(0|[1-9][0-9]{0,14})")


def as_cell(text):
    """The value Excel would store for what the author typed."""
    if INT.fullmatch(text):
        return int(text)
    if re.fullmatch(r"-?[0-9]+\.[0-9]+", text) and repr(float(text)) == text:
        return float(text)
    return text


def sheets_of(path):
    """[(name, rows)] in file order; rows without the layout's first column."""
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    out = []
    for row in rows:
        if not any(c.strip() for c in row):
            continue
        if row[0].strip():
            out.append((row[0].strip(), []))
        elif out:
            out[-1][1].append(row[1:])
    return out


def convert(src, dst):
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets_of(src):
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, text in enumerate(row, start=1):
                if text != "":
                    cell = ws.cell(row=r, column=c, value=as_cell(text))
                    if cell.data_type == "f":
                        cell.data_type = "s"   # text such as "=x", not a formula
    # the same CSV gives the same bytes, so the shipped workbooks change in
    # git only when their questionnaire does: fixed document dates, fixed
    # zip entry times
    when = datetime.datetime(2026, 1, 1)
    wb.properties.created = wb.properties.modified = when
    raw = io.BytesIO()
    wb.save(raw)
    with zipfile.ZipFile(raw) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2026-01-01T00:00:00Z",
                              data)
            zout.writestr(zipfile.ZipInfo(info.filename, when.timetuple()[:6]), data,
                          zipfile.ZIP_DEFLATED)


def main(argv):
    out = None
    if len(argv) >= 2 and argv[0] == "-o":
        out, argv = argv[1], argv[2:]
    if not argv or (out and len(argv) != 1):
        sys.stderr.write(__doc__)
        return 2
    for src in argv:
        dst = out or re.sub(r"\.csv$", "", src) + ".xlsx"
        convert(src, dst)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
