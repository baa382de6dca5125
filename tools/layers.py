#!/usr/bin/env python3
"""The layer check (doc/ARCHITECTURE.md): dependencies point one way,
base <- survey <- analysis <- cli <- main, and no two files depend on each
other in a circle.

  layers.py ROOT [BUILD]   prints TAP-style ok/not ok lines

Two views of "depends on", so that neither a stray #include nor a
declaration written by hand (an extern, a prototype copied into a .c file)
slips through:
  - includes: every #include "x/y.h" of the C files under the layer
    directories and main.c;
  - symbols: with BUILD given, `nm` of each object file BUILD/DIR/F.o: the
    symbols it uses (U) resolved to the object that defines them (T, D, B,
    R); an edge goes from the user to the definer.
An edge is wrong when it points from a lower layer to a higher one.  A file
depends on a module (F.c, F.h) as one node, and any cycle among the module
nodes of the symbol graph is reported with its path.  Sub-folders belong to
their parent's layer (survey/web is survey, analysis/report is analysis).

  layers.py selftest        runs the check on a small tree holding one
                            upward include and one cycle, and checks that
                            it says "not ok" for each
"""
import os, re, subprocess, sys, tempfile

LAYERS = ['base', 'survey', 'analysis', 'cli', 'main']


def layer_of(rel):
    """Layer rank of a path relative to the root, or None outside them."""
    if rel == 'main.c':
        return LAYERS.index('main')
    top = rel.split('/', 1)[0]
    return LAYERS.index(top) if top in LAYERS[:-1] else None


def module_of(rel):
    """F.c, F.h and F_internal.h (what F exposes to its tests only) are one
    module."""
    return re.sub(r'(_internal)?\.[ch]$', '', rel)


def sources(root):
    out = []
    for d in LAYERS[:-1]:
        for dp, _, fs in os.walk(os.path.join(root, d)):
            for f in fs:
                if f.endswith(('.c', '.h')):
                    out.append(os.path.relpath(os.path.join(dp, f), root))
    if os.path.exists(os.path.join(root, 'main.c')):
        out.append('main.c')
    return sorted(out)


def include_edges(root):
    edges = []
    for rel in sources(root):
        text = open(os.path.join(root, rel), encoding='utf-8').read()
        for n, line in enumerate(text.split('\n'), 1):
            m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
            if m:
                edges.append((rel, n, m.group(1)))
    return edges


def symbol_edges(root, build):
    """[(user module, definer module, symbol)] from nm of the objects."""
    defs, uses = {}, {}
    for rel in sources(root):
        if not rel.endswith('.c'):
            continue
        obj = os.path.join(build, rel[:-2] + '.o')
        if not os.path.exists(obj):
            continue
        out = subprocess.run(['nm', obj], capture_output=True, text=True).stdout
        mod = module_of(rel)
        for line in out.split('\n'):
            parts = line.split()
            if len(parts) == 2 and parts[0] == 'U':
                uses.setdefault(mod, set()).add(parts[1])
            elif len(parts) == 3 and parts[1] in 'TDBR':
                defs[parts[2]] = mod
    edges = []
    for mod, syms in uses.items():
        for s in sorted(syms):
            d = defs.get(s)
            if d and d != mod:
                edges.append((mod, d, s))
    return edges


def find_cycles(nodes, edges):
    """Strongly connected components of more than one node (Tarjan)."""
    adj = {}
    for a, b in edges:
        adj.setdefault(a, set()).add(b)
    index, low, stack, on, comps = {}, {}, [], set(), []
    counter = [0]
    sys.setrecursionlimit(10000)

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(adj.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(sorted(comp))
    for v in sorted(nodes):
        if v not in index:
            visit(v)
    return comps


def check(root, build=None):
    """Returns the list of (ok, description) lines."""
    lines = []
    bad = []
    for rel, n, inc in include_edges(root):
        a, b = layer_of(rel), layer_of(inc)
        if a is not None and b is not None and b > a:
            bad.append('%s:%d includes %s (%s above %s)' % (rel, n, inc, LAYERS[b], LAYERS[a]))
    lines.append((not bad, 'includes point down the layers base <- survey <- analysis <- cli <- main'
                  + ''.join('\n# ' + x for x in bad)))
    inc_mod_edges = set()
    for rel, _, inc in include_edges(root):
        if module_of(rel) != module_of(inc) and os.path.exists(os.path.join(root, inc)):
            inc_mod_edges.add((module_of(rel), module_of(inc)))
    # a header including another header is a dependency; a .c including its
    # own header is not an edge (same module)
    comps = find_cycles({m for e in inc_mod_edges for m in e}, inc_mod_edges)
    lines.append((not comps, 'no cycle among the modules\' includes'
                  + ''.join('\n# cycle: ' + ' <-> '.join(c) for c in comps)))
    if build:
        sedges = symbol_edges(root, build)
        if not sedges:
            lines.append((False, 'symbols: no object files found under %s' % build))
            return lines
        bad = []
        for a, b, s in sedges:
            la, lb = layer_of(a + '.c'), layer_of(b + '.c')
            if la is not None and lb is not None and lb > la:
                bad.append('%s uses %s from %s' % (a, s, b))
        lines.append((not bad, 'symbols (nm): no object uses a symbol of a higher layer'
                      + ''.join('\n# ' + x for x in bad[:30])))
        comps = find_cycles({m for a, b, _ in sedges for m in (a, b)},
                            {(a, b) for a, b, _ in sedges})
        detail = []
        for c in comps:
            cs = set(c)
            via = ['%s -> %s (%s)' % (a, b, s) for a, b, s in sedges if a in cs and b in cs]
            detail.append('cycle: ' + ' , '.join(c) + '\n#   ' + '\n#   '.join(via[:12]))
        lines.append((not comps, 'symbols (nm): no cycle among the modules'
                      + ''.join('\n# ' + x for x in detail)))
    return lines


def selftest():
    with tempfile.TemporaryDirectory() as d:
        def put(rel, text):
            os.makedirs(os.path.dirname(os.path.join(d, rel)) or d, exist_ok=True)
            open(os.path.join(d, rel), 'w').write(text)
        put('base/util.h', '#include "survey/form.h"\n')      # upward
        put('survey/form.h', '#include "survey/store.h"\n')
        put('survey/store.h', '#include "survey/form.h"\n')   # cycle
        put('cli/cli.c', '#include "survey/form.h"\n')          # fine
        res = check(d)
        return [(not res[0][0], 'selftest: an upward include (base -> survey) is caught'),
                (not res[1][0], 'selftest: a cycle of includes (form.h <-> store.h) is caught')]


def main():
    if sys.argv[1:2] == ['selftest']:
        res = selftest()
    else:
        res = check(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None)
    for good, desc in res:
        print(('ok - ' if good else 'not ok - ') + desc)
    return 0


if __name__ == '__main__':
    sys.exit(main())
