# The Chinese catalogue follows the rules a machine can check
# (tests/cli/zh_style.py): full-width punctuation in Chinese sentences, no
# space between Chinese and numbers, one word for each thing (邀请码, 轮次,
# 职工; 作答 for who answered, never 应答), 校验通过 for a passing check,
# a wave named by its year as 2025年.  The checker's selftest shows that
# each rule can fail.
. "$ROOT/tests/cli/lib.sh"
python3 "$ROOT/tests/cli/zh_style.py" selftest
python3 "$ROOT/tests/cli/zh_style.py" "$ROOT/po/zh_CN.po"
