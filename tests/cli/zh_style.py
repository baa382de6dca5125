#!/usr/bin/env python3
"""The rules of Chinese typography and wording that a machine can check in
po/zh_CN.po; prints one ok/not ok line per rule (tests/cli/zh_style.sh).

  zh_style.py PO           check the catalogue
  zh_style.py selftest     each rule fails on a bad translation

Rules, for every translation that holds Chinese (text in “” quotation
marks is left alone: it quotes a command line or a file format):
  punct     no ASCII , ; : ! ? next to a Chinese character, and no ASCII
            parenthesis around Chinese text (full-width ，；：！？（）)
  period    no ASCII full stop ending a Chinese sentence (。)
  spacing   no space between a Chinese character and a number or a
            numeric placeholder (8个, not 8 个), and none beside full-width
            punctuation
  range     a range of numbers is written with a dash (0–100), not an
            ASCII hyphen, in Chinese text
  terms     one word for each thing: 邀请码 (not 令牌/口令), 轮次 (not
            波次), 职工/干部职工 (not 员工), 作答/参与 for who answered and
            应参与 for who should (never 应答, "should answer"), 校验通过
            for a passing check (not 正确), 哈希值 (not 散列值), 未作答
            (not 未回答), a sealed answer (密封答卷, not a ballot 选票), and
            no word-for-word 意外的 for "unexpected" (此处不应出现)
A message that starts with the program's name ("gapsurvey: export: ...")
is prose; a line that starts with "gapsurvey COMMAND" is a command line.
  years     a wave named by its year is “2025年” or 上一轮: no “较 %s”
            with a bare name where a year reads as a number
"""
import re, sys

CJK = '\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff'
C = f'[{CJK}]'
NUM = r'(?:\d+(?:\.\d+)?|%(?:\d+\$)?[-+ #0]*\d*(?:\.\d+)?(?:hh|h|ll|l|z|j|t)?[diufgeGE])'

def unq(s):
    return bytes(s, 'utf-8').decode('unicode_escape').encode('latin-1').decode('utf-8')

def entries(path):
    out, cur, key = [], {}, None
    def flush():
        if cur.get('msgid'):
            out.append((cur['msgid'], cur.get('msgstr', '')))
    for line in open(path, encoding='utf-8').read().split('\n') + ['']:
        if not line.strip():
            flush()
            cur, key = {}, None
            continue
        if line.startswith('#'):
            continue
        m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[0\])?|msgstr\[\d+\]|msgctxt) "(.*)"$', line)
        if m:
            key = m.group(1)
            if key.startswith('msgstr['):
                key = 'msgstr' if key == 'msgstr[0]' else None
            if key:
                cur[key] = unq(m.group(2))
            continue
        m = re.match(r'^"(.*)"$', line)
        if m and key:
            cur[key] += unq(m.group(1))
    return out

def unquoted(s):
    """s without “...” quotations and without the lines of a usage text
    that show a command or an option's synopsis (command lines, not
    prose)."""
    s = re.sub(r'“[^”]*”', '“”', s)
    lines = []
    for l in s.split('\n'):
        if re.match(r'^\s*(gapsurvey(?![:：])|用法：gapsurvey|\$|--|\[)', l):
            continue
        lines.append(l)
    return '\n'.join(lines)

RULES = [
    ('punct', 'ASCII , ; : ! ? next to Chinese',
     re.compile(rf'{C}[,;:!?]|[,;:!?]{C}|{C}[,;:] ')),
    ('punct', 'ASCII parentheses around or beside Chinese (not in a formula)',
     re.compile(rf'\((?![^()\n]*[－＋×/=＝+])[^()\n]*{C}[^()\n]*\)|{C} ?\((?![^()\n]*[－＋×/=＝+])|\([^()\n]{{2,}}\) ?{C}')),
    ('period', 'ASCII full stop after Chinese',
     re.compile(rf'{C}\.(?:\s|$|\\n)')),
    ('spacing', 'a space between Chinese and a number',
     re.compile(rf'{C} {NUM}(?![A-Za-z0-9_-])|(?<![A-Za-z0-9_.-]){NUM} {C}')),
    ('spacing', 'a space beside full-width punctuation',
     re.compile(r' [，。；、：？！）]|[，。；、（] ')),
    ('range', 'a range of numbers with an ASCII hyphen in Chinese text (0–100)',
     re.compile(rf'[（{CJK}](?:\d+|%[a-z]+)-(?:\d+|%[a-z]+)|(?:\d+|%[a-z]+)-(?:\d+|%[a-z]+)[）{CJK}]|{C} \d+-\d+ {C}')),
    ('terms', '应答 (should answer) for who answered',
     re.compile(r'应答')),
    ('terms', '令牌 for 邀请码', re.compile(r'令牌')),
    ('terms', '波次 for 轮次', re.compile(r'波次')),
    ('terms', '员工 for 职工', re.compile(r'(?<!职)员工')),
    ('terms', '正确 for a passing check (校验通过)', re.compile(r'^正确|正确[：:]')),
    ('terms', '意外的 (a word-for-word "unexpected": 此处不应出现)', re.compile(r'意外的')),
    ('terms', '散列值 for 哈希值', re.compile(r'散列')),
    ('terms', '选票 (a ballot) for a sealed answer (密封答卷)', re.compile(r'选票')),
    ('terms', '未回答 for 未作答', re.compile(r'未回答')),
    ('years', 'a bare wave name after 较/与 (2025年 or 上一轮)',
     re.compile(r'[较与] ?%(?:\d+\$)?s ?(?:明显|相比|比较)')),
]

def check(items):
    """{rule: [(msgid, msgstr, match)]}"""
    bad = {}
    for mid, ms in items:
        if not re.search(C, ms):
            continue
        text = unquoted(ms)
        for name, what, rx in RULES:
            m = rx.search(text)
            if m:
                bad.setdefault((name, what), []).append((mid, ms, m.group(0)))
    return bad

def report(items, label):
    bad = check(items)
    failed = 0
    for name, what, _ in RULES:
        hits = bad.get((name, what), [])
        if hits:
            failed += 1
            print(f'not ok - {label}: {name}: {what} ({len(hits)} messages)')
            for mid, ms, m in hits[:12]:
                print(f'#   [{m}] {ms[:110]!r}')
        else:
            print(f'ok - {label}: {name}: {what}')
    return failed

def selftest():
    bad = [('a', '问卷,已保存'), ('a', '问卷 (staff) 已保存（见说明）'), ('a', '（说明(见附录)）'),
           ('a', '已保存.'), ('a', '共 %ld 份'), ('a', '共8 个'), ('a', '共 8个'), ('a', '已保存 。'),
           ('a', '应答2012人'), ('a', '令牌已发放'), ('a', '波次'), ('a', '员工'), ('a', '正确：通过'),
           ('a', '较 %s 明显下降'), ('a', 'gapsurvey: export: 注意：%ld 个答案'), ('a', '得分（0-100）'),
           ('a', '换算为 0-100 分'), ('a', '意外的“)”'), ('a', '只保存其散列值'), ('a', '密封选票'), ('a', '未回答')]
    good = [('a', '问卷“a,b”已保存'), ('a', '共%ld份（见“文件:行:列”）'), ('a', '干部职工'),
            ('a', '用法：gapsurvey form add 文件...\n  --count N  数量'), ('a', 'ICC(1)为组内相关'),
            ('a', '较上一轮（%s）明显下降'), ('a', 'Excel 97-2003 工作簿'), ('a', '得分（0–100）'),
            ('a', '日期，格式为 YYYY-MM-DD')]
    fails = check(bad)
    caught = {m for hits in fails.values() for (m, ms, _) in [(h[1], 0, 0) for h in hits]}
    missed = [ms for _, ms in bad if ms not in caught]
    passed = check(good)
    if missed:
        print(f'not ok - zh_style selftest: rules miss {missed}')
    else:
        print('ok - zh_style selftest: every rule catches its bad example')
    if passed:
        print(f'not ok - zh_style selftest: good text flagged: {[h for v in passed.values() for h in v]}')
    else:
        print('ok - zh_style selftest: good text passes')

if __name__ == '__main__':
    if sys.argv[1] == 'selftest':
        selftest()
    else:
        report(entries(sys.argv[1]), 'po/zh_CN.po')
