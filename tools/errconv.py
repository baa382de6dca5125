#!/usr/bin/env python3
"""errconv.py (a one-off migration, to be deleted once applied; issue 14):
moves a gapsurvey tree from `char **err` heap messages to the
one error type of base/err.h (err_t).  Run at the root of a worktree:

    python3 tools/errconv.py [--dry-run] [ROOT]

It rewrites, in every .c/.h under base/ survey/ analysis/ cli/ tests/ and
main.c:

  1. parameters `char **err`, `char **X_err`, `char **msg` (and function
     pointer members taking them) -> `err_t *NAME`;
  2. util_seterr(E, fmt, ...) -> err_set(E, CODE, fmt, ...), the code
     guessed from the message (strerror -> ERR_IO, SQLite in store.c ->
     ERR_DB, "already exists" -> ERR_EXISTS, "no form/wave/..." ->
     ERR_NOTFOUND, a respondent's answer -> ERR_INPUT, else ERR_FAIL);
     a message starting "line %ld, column %ld: " or "line %ld: " becomes
     err_set_at(E, ERR_INPUT, LINE, COL, rest...) and po/zh_CN.po gets the
     shortened msgid (its msgstr shortened the same way);
  3. in each function, a local `char *V` that is passed as `&V` where a
     function takes its err_t * becomes `err_t V = {0};`; `free(V)` becomes
     err_clear(&V) and every other use of V becomes V.msg;
  4. in a function with an `err_t *P` parameter: `free(*P); *P = NULL;` ->
     err_clear(P), `*P = V;` (V converted as above) -> err_move(P, &V), any
     other `*P` read -> P->msg;
  5. cli_error("%s", V) for such a V -> cli_perror(&V) (prints err_text);
  6. a header using err_t gets #include "base/err.h".

Calls it rewrites are laid out again (arguments packed to 100 columns, a
long message split between words into adjacent literals: the same string
to the compiler and to xgettext).  It is idempotent (a converted tree is
left as it is) and changes no message text except to cut a position
prefix that moved into the fields.

On a branch made before base/err landed: run it, commit, merge main
(which brings base/err.[ch], cli_perror and the converted callees), then
build and fix what the compiler reports.  What it leaves to you:
  - struct members holding a `char *err` (ans_submission_t.err,
    import_t.err were such): make them err_t, free -> err_clear;
  - `*P = NULL;` / `V = x;` on an err (left untouched so they fail to
    compile): err_clear, err_set or err_move instead;
  - an error handed on with err_set(P, CODE, "%s", V.msg): err_move(P, &V)
    keeps its code and position;
  - a position that was read back out of a message (util_msg_pos,
    util_msg_at, gone): read err.line / err.col / err.file; a file name a
    caller knows goes in with err_set_file(), and err_text() or
    cli_perror() print "FILE:LINE:COL: message";
  - expr_parse(src, &e, &err, &col) lost its col: err.col;
  - csvr_error() returns the reader's const err_t *;
  - the guessed codes: ERR_FAIL where a better one fits;
  - a `char **msg` that is no error but data (seal.c's plaintext was one;
    it is called `plain` now, so the tool leaves it alone): name such an
    out-parameter otherwise before running the tool.
On a branch that merged main after the conversion landed (main has
base/err.[ch]): merge, run the tool, build, fix what the compiler reports.
"""
import os
import re
import sys

DIRS = ["base", "survey", "analysis", "cli", "tests", "main.c"]
ERR_PARAM = r"(?:err|\w+_err|msg|errmsg)"
PARAM_RE = re.compile(r"(?<![\w*])(?<!const )\bchar\s*\*\s*\*\s*(" + ERR_PARAM + r")\b(?=\s*[,)])")
ERRT_PARAM_RE = re.compile(r"\berr_t\s*\*\s*(\w+)\s*(?=[,)])")


# ---------------------------------------------------------------- lexing

def mask(text):
    """text with the inside of comments, strings and char literals blanked
    (newlines kept), so regexes see code only and offsets stay valid."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            for k in range(i, j):
                if out[k] != "\n":
                    out[k] = " "
            i = j
        elif text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            for k in range(i, j):
                out[k] = " "
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                if text[j] == "\\":
                    j += 1
                j += 1
            for k in range(i + 1, min(j, n)):
                if out[k] != "\n":
                    out[k] = " "
            i = j + 1
        elif c == "#" and (i == 0 or text[i - 1] == "\n"):
            # preprocessor line (with continuations): keep, but #include
            # strings are blanked by the string rule above anyway
            j = i
            while True:
                e = text.find("\n", j)
                if e < 0:
                    e = n
                    break
                if text[e - 1] == "\\":
                    j = e + 1
                    continue
                break
            i = e
        else:
            i += 1
    return "".join(out)


def match_paren(m, i):
    """index after the bracket closing the one at m[i]."""
    open_c = m[i]
    close_c = {"(": ")", "{": "}", "[": "]"}[open_c]
    depth = 0
    for j in range(i, len(m)):
        if m[j] == open_c:
            depth += 1
        elif m[j] == close_c:
            depth -= 1
            if depth == 0:
                return j + 1
    return len(m)


def split_args(m, start, end):
    """(begin, end) spans of the top-level comma-separated pieces of m[start:end]."""
    spans, depth, b = [], 0, start
    for j in range(start, end):
        c = m[j]
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            spans.append((b, j))
            b = j + 1
    spans.append((b, end))
    return spans


# ---------------------------------------------------------------- pass 1

def err_functions(files):
    """name -> set of parameter indices that are error outputs, from every
    prototype, definition and function-pointer member in the tree."""
    funcs = {}
    decl = re.compile(r"(?:\b(\w+)|\(\s*\*\s*(\w+)\s*\))\s*\(")
    for path, text in files.items():
        m = mask(text)
        for d in decl.finditer(m):
            name = d.group(1) or d.group(2)
            if name in ("if", "while", "for", "switch", "return", "sizeof"):
                continue
            p = d.end() - 1
            e = match_paren(m, p)
            params = split_args(m, p + 1, e - 1)
            for idx, (b, f) in enumerate(params):
                piece = m[b:f].strip()
                if re.fullmatch(r"(?:char\s*\*\s*\*\s*" + ERR_PARAM + r"|err_t\s*\*\s*\w+)", piece):
                    funcs.setdefault(name, set()).add(idx)
    funcs.pop("util_seterr", None)
    return funcs


# ---------------------------------------------------------------- codes

def guess_code(call, path, param):
    if re.search(r"\bstrerror\s*\(|gai_strerror\s*\(", call):
        return "ERR_IO"
    if path.endswith("store.c") and re.search(r"sqlite3_errmsg|\bwhat\b|\"database", call):
        return "ERR_DB"
    if "out of memory" in call:
        return "ERR_NOMEM"
    if re.search(r"already (exists|stored)|imported into %s before", call):
        return "ERR_EXISTS"
    if re.search(r"\"(no (form|wave|database|unit|such)\b|cannot find)", call):
        return "ERR_NOTFOUND"
    if param == "msg" or path.endswith("answers.c"):
        return "ERR_INPUT"
    return "ERR_FAIL"


POS2 = re.compile(r'_\(\s*"line %ld, column %ld: ')
POS1 = re.compile(r'_\(\s*"line %ld: ')


def convert_seterr(text, path, po_moves):
    """util_seterr(...) -> err_set / err_set_at."""
    m = mask(text)
    edits = []
    for s in re.finditer(r"\butil_seterr\s*\(", m):
        if re.search(r"\bvoid\s*$", m[:s.start()]):
            continue      # its own declaration or definition
        p = s.end() - 1
        e = match_paren(m, p)
        args = split_args(m, p + 1, e - 1)
        target = text[args[0][0]:args[0][1]].strip()
        param = target.lstrip("&").split("->")[-1].split(".")[-1]
        fmt_b, fmt_e = args[1]
        fmt = text[fmt_b:fmt_e]
        call = text[s.start():e]
        code = guess_code(call, path, param)
        rest = [text[b:f] for b, f in args[2:]]
        lead = re.match(r"\s*", fmt).group(0)
        body = fmt[len(lead):]
        new = None
        for rx, npos in ((POS2, 2), (POS1, 1)):
            mm = rx.match(body)
            if mm and len(rest) >= npos:
                short = '_("' + body[mm.end():]
                po_moves.append(("line %ld, column %ld: " if npos == 2 else "line %ld: ",
                                 re.sub(r'"\s*\n\s*"', "", body[mm.end():].rstrip(") \n")
                                        .rstrip('"'))))
                line = rest[0].strip()
                col = rest[1].strip() if npos == 2 else "0"
                tail = "".join("," + a for a in rest[npos:])
                new = "err_set_at(%s, ERR_INPUT, %s, %s, %s%s)" % (target, line, col, short, tail)
                break
        if new is None:
            tail = "".join("," + a for a in rest)
            new = "err_set(%s, %s,%s%s)" % (target, code, fmt, tail)
        ls = text.rfind("\n", 0, s.start()) + 1
        new = reflow(text[ls:s.start()], new)
        edits.append((s.start(), e, new))
    for b, e, new in reversed(edits):
        text = text[:b] + new + text[e:]
    return text, len(edits)


# ---------------------------------------------------------------- layout

WIDTH = 100
LITRUN = r'"(?:[^"\\\n]|\\.)*"(?:\s*"(?:[^"\\\n]|\\.)*")*'


def reflow(lead, call):
    """call (NAME(args), starting after lead on its line) laid out again:
    arguments packed up to WIDTH columns, continuation lines under the
    first argument, a long message split between words into adjacent
    literals (the same string to the compiler and to xgettext)."""
    m = mask(call)
    p = m.index("(")
    name = call[:p]
    args = [call[b:e].strip() for b, e in split_args(m, p + 1, len(call) - 1)]
    col0 = len(lead) + len(name) + 1
    lines, cur = [], lead + name + "("
    for i, a in enumerate(args):
        sep = ", " if i < len(args) - 1 else ")"
        lit = re.fullmatch(r"((?:_\(|TR\([^,()]*,\s*)?)(%s)(\)?)" % LITRUN, a, re.S)
        end = 1 if i == len(args) - 1 else 0       # the ';' after the call
        if not lit:
            parts = [x.strip() for x in a.split("\n")]
            if len(parts) > 1 and '"' not in a:
                parts = [" ".join(parts)]
            piece = parts[0] + (sep.rstrip() if len(parts) == 1 else "")
            if len(cur) + len(piece) + end > WIDTH and cur.strip() and not cur.endswith("("):
                lines.append(cur.rstrip())
                cur = " " * col0
            if len(parts) > 1:
                # a call of its own over several lines (i18n_ntext): its
                # lines stay, under its first argument
                inner = len(cur) + (parts[0].index("(") + 1 if "(" in parts[0] else 0)
                lines.append(cur + parts[0])
                for x in parts[1:-1]:
                    lines.append(" " * inner + x)
                cur = " " * inner + parts[-1] + sep.rstrip()
            else:
                cur += piece
            cur += " " if sep == ", " else ""
            continue
        head, run, tail = lit.group(1), lit.group(2), lit.group(3)
        body = "".join(re.findall(r'"((?:[^"\\\n]|\\.)*)"', run))
        whole = head + '"' + body + '"' + tail + sep.rstrip()
        if len(cur) + len(whole) + end <= WIDTH:
            cur += whole + (" " if sep == ", " else "")
            continue
        if WIDTH - len(cur) - len(head) < 24 and not cur.endswith("("):
            lines.append(cur.rstrip())
            cur = " " * col0
        cur += head + '"'
        qcol = len(cur) - 1
        words = re.findall(r"[^ ]+ *| +", body)
        chunk = ""
        for k, w in enumerate(words):
            close = 1 + (len(tail) + len(sep.rstrip()) + end if k == len(words) - 1 else 0)
            if chunk and len(cur) + len(chunk) + len(w) + close > WIDTH:
                lines.append(cur + chunk + '"')
                cur = " " * qcol + '"'
                chunk = ""
            chunk += w
        cur += chunk + '"' + tail + sep.rstrip() + (" " if sep == ", " else "")
    lines.append(cur.rstrip())
    out = "\n".join(lines)
    return out[len(lead):]


# ---------------------------------------------------------------- functions

def function_bodies(m):
    """(sig_start, brace, end) of each function definition at top level."""
    out, depth, i, last = [], 0, 0, 0
    n = len(m)
    while i < n:
        c = m[i]
        if c == "{":
            if depth == 0:
                j = i - 1
                while j >= 0 and m[j] in " \t\n":
                    j -= 1
                e = match_paren(m, i)
                if j >= 0 and m[j] == ")":
                    out.append((last, i, e))
                last = e
                i = e
                continue
            depth += 1
        elif c == "}":
            depth -= 1
        elif c == ";" and depth == 0:
            last = i + 1
        elif c == "#" and (i == 0 or m[i - 1] == "\n"):
            e = m.find("\n", i)
            last = e + 1 if e >= 0 else n
            i = last
            continue
        i += 1
    return out


def params_of(m, sig_b, brace):
    """err_t * parameter names of the signature before brace."""
    j = m.rfind(")", sig_b, brace)
    depth, k = 0, j
    while k >= sig_b:
        if m[k] == ")":
            depth += 1
        elif m[k] == "(":
            depth -= 1
            if depth == 0:
                break
        k -= 1
    return set(ERRT_PARAM_RE.findall(m[k:j + 1])), set(re.findall(r"(\w+)\s*(?=[,)])", m[k:j + 1]))


def err_locals(m, b, e, funcs):
    """names V passed as &V where a function takes its error output."""
    names = set()
    call = re.compile(r"(?:\b|->|\.)(\w+)\s*\(")
    for c in call.finditer(m, b, e):
        name = c.group(1)
        if name not in funcs:
            continue
        p = c.end() - 1
        pe = match_paren(m, p)
        args = split_args(m, p + 1, pe - 1)
        for idx in funcs[name]:
            if idx < len(args):
                a = m[args[idx][0]:args[idx][1]].strip()
                mm = re.fullmatch(r"&\s*(\w+)", a)
                if mm:
                    names.add(mm.group(1))
    return names


def convert_decls(text, m, b, e, names):
    """char * declarators of names (in [b, e)) -> separate err_t ones.
    Returns edits and the names really converted (declared as char *)."""
    edits, done = [], set()
    for st in re.finditer(r"(?m)^([ \t]*)char\s+(?=[\w*])", m[:e]):
        if st.start() < b:
            continue
        semi = m.find(";", st.end())
        decl = m[st.end():semi]
        if "(" in decl and not re.search(r"=", decl):
            continue
        pieces = split_args(m, st.end(), semi)
        keep, moved = [], []
        for pb, pe in pieces:
            d = m[pb:pe].strip()
            mm = re.fullmatch(r"\*\s*(\w+)\s*(?:=\s*NULL)?", d)
            if mm and mm.group(1) in names:
                moved.append(mm.group(1))
            else:
                keep.append(text[pb:pe].strip())
        if not moved:
            continue
        indent = st.group(1)
        new = "".join("err_t %s = {0};\n%s" % (v, indent) for v in moved)
        if keep:
            new += "char " + ", ".join(keep) + ";"
        else:
            new = new.rstrip()
            if new.endswith("\n" + indent.rstrip()) or new.endswith("\n"):
                new = new.rstrip()
        edits.append((st.start() + len(indent), semi + 1, new))
        done.update(moved)
    return edits, done


def convert_uses(text, m, b, e, locals_, params, edits):
    """uses of converted locals and err_t * params inside [b, e)."""
    taken = [(x, y) for x, y, _ in edits if b <= x < e]

    def free(s, f):
        return all(f <= x or s >= y for x, y in taken)

    for v in locals_:
        # free(V); V = NULL;  and  free(V)
        for mm in re.finditer(r"\bfree\s*\(\s*%s\s*\)(\s*[;,]\s*%s\s*=\s*NULL\b)?" % (v, v), m[:e]):
            if mm.start() < b or not free(mm.start(), mm.end()):
                continue
            edits.append((mm.start(), mm.end(), "err_clear(&%s)" % v))
            taken.append((mm.start(), mm.end()))
        # cli_error("%s", V)
        for mm in re.finditer(r'\bcli_error\s*\(\s*"\s*"\s*,\s*%s\s*\)' % v, m[:e]):
            if mm.start() < b or not free(mm.start(), mm.end()):
                continue
            if text[mm.start():mm.end()].find('"%s"') < 0:
                continue
            edits.append((mm.start(), mm.end(), "cli_perror(&%s)" % v))
            taken.append((mm.start(), mm.end()))
    for p in params:
        for mm in re.finditer(r"\bfree\s*\(\s*\*\s*%s\s*\)\s*;\s*\*\s*%s\s*=\s*NULL\b" % (p, p), m[:e]):
            if mm.start() < b or not free(mm.start(), mm.end()):
                continue
            edits.append((mm.start(), mm.end(), "err_clear(%s)" % p))
            taken.append((mm.start(), mm.end()))
        for mm in re.finditer(r"\*\s*%s\s*=\s*(\w+)\s*(?=;)" % p, m[:e]):
            if mm.start() < b or not free(mm.start(), mm.end()) or mm.group(1) not in locals_:
                continue
            edits.append((mm.start(), mm.end(), "err_move(%s, &%s)" % (p, mm.group(1))))
            taken.append((mm.start(), mm.end()))
    for v in locals_:
        for mm in re.finditer(r"\b%s\b" % v, m[:e]):
            s, f = mm.start(), mm.end()
            if s < b or not free(s, f):
                continue
            before = m[:s].rstrip()
            after = m[f:].lstrip()
            if before.endswith("&") and not before.endswith("&&"):
                continue
            if before.endswith(".") or before.endswith("->") or before.endswith("err_t"):
                continue
            if re.search(r"\b(char|int|long|void|const|struct\s+\w+|\w+_t)\s*\**$", before):
                continue          # a declaration of another err (a struct member)
            if after.startswith(".") or after.startswith("->") or after.startswith("("):
                continue
            if re.match(r"=(?!=)", after):
                continue          # V = X: left for a compile error
            edits.append((s, f, v + ".msg"))
            taken.append((s, f))
    for p in params:
        for mm in re.finditer(r"(?<![\w)\]])\*\s*%s\b" % p, m[:e]):
            s, f = mm.start(), mm.end()
            if s < b or not free(s, f):
                continue
            if re.match(r"\s*=(?!=)", m[f:]):
                continue          # *P = X: left for a compile error
            edits.append((s, f, p + "->msg"))
            taken.append((s, f))


def convert_file(path, text, funcs, po_moves):
    orig = text
    text = PARAM_RE.sub(lambda mm: "err_t *" + mm.group(1), text)
    text, nset = convert_seterr(text, path, po_moves)
    m = mask(text)
    edits = []
    for sig_b, brace, end in function_bodies(m):
        params, allparams = params_of(m, sig_b, brace)
        names = err_locals(m, brace, end, funcs) - allparams
        dedits, locals_ = convert_decls(text, m, brace, end, names)
        edits += dedits
        convert_uses(text, m, brace, end, locals_, params, edits)
    edits.sort(key=lambda x: x[0])
    prev = -1
    for b, e, new in edits:
        assert b >= prev, (path, b, prev)
        prev = e
    for b, e, new in reversed(edits):
        text = text[:b] + new + text[e:]
    if re.search(r"\berr_t\b", text) and '#include "base/err.h"' not in text and \
            path.endswith(".h") and not path.endswith("base/err.h"):
        local = list(re.finditer(r'(?m)^#include ".*\n', text))
        system = list(re.finditer(r'(?m)^#include <.*\n', text))
        if local:
            after = [x for x in local if x.group(0) < '#include "base/err.h"\n']
            at = after[-1].end() if after else local[0].start()
            inc = '#include "base/err.h"\n'
        else:
            at = (system[-1] if system else re.search(r"(?m)^#define \w+_H\n", text)).end()
            inc = '\n#include "base/err.h"\n'
        text = text[:at] + inc + text[at:]
    return text, text != orig


def po_entries(t):
    """(msgid, msgstr) of every entry of a .po text, strings joined."""
    out = {}
    for block in re.split(r"\n\s*\n", t):
        mid = re.search(r'(?ms)^msgid ((?:"(?:[^"\\]|\\.)*"\s*)+)', block)
        mst = re.search(r'(?ms)^msgstr ((?:"(?:[^"\\]|\\.)*"\s*)+)', block)
        if mid and mst:
            j = lambda x: "".join(re.findall(r'"((?:[^"\\]|\\.)*)"', x))
            out[j(mid.group(1))] = j(mst.group(1))
    return out


def update_po(root, moves):
    """the entries of the msgids that lost their position prefix: the
    msgid without it, translated as before with the translation's own
    prefix cut (or dropped, when the short msgid is there already)."""
    po = os.path.join(root, "po", "zh_CN.po")
    if not moves or not os.path.exists(po):
        return 0
    blocks = open(po, encoding="utf-8").read().split("\n\n")
    have = po_entries("\n\n".join(blocks))
    done = 0
    for prefix, rest in moves:
        for i, blk in enumerate(blocks):
            if blk is None:
                continue
            ent = po_entries(blk)
            if list(ent) != [prefix + rest]:
                continue
            zh = re.sub(r"^第 %ld 行(第 %ld 列)?：", "", ent[prefix + rest])
            notes = [x for x in blk.split("\n") if x.startswith("#")]
            blocks[i] = None if rest in have else \
                "\n".join(notes + ['msgid "%s"' % rest, 'msgstr "%s"' % zh])
            have[rest] = zh
            done += 1
    if done:
        out = "\n\n".join(b for b in blocks if b is not None)
        open(po, "w", encoding="utf-8").write(out)
    return done


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    dry = "--dry-run" in sys.argv
    root = args[0] if args else "."
    files = {}
    for d in DIRS:
        p = os.path.join(root, d)
        if os.path.isfile(p):
            files[p] = open(p, encoding="utf-8").read()
            continue
        for dp, _, fs in os.walk(p):
            for f in fs:
                if f.endswith((".c", ".h")):
                    q = os.path.join(dp, f)
                    files[q] = open(q, encoding="utf-8").read()
    funcs = err_functions(files)
    po_moves = []
    changed = 0
    for path, text in sorted(files.items()):
        if path.endswith(os.path.join("base", "err.c")):
            continue      # the type itself
        new, ch = convert_file(path, text, funcs, po_moves)
        if ch:
            changed += 1
            print("converted", os.path.relpath(path, root))
            if not dry:
                open(path, "w", encoding="utf-8").write(new)
    added = 0 if dry else update_po(root, po_moves)
    print("%d files changed, %d functions take an err_t, %d po entries moved"
          % (changed, len(funcs), added))


if __name__ == "__main__":
    main()
