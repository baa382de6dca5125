# gapsurvey — a plain Makefile.  `make` builds, `make test` runs every test,
# `make demo` runs the main job, `make deps` installs missing Debian packages.
# `make SANITIZE=1 test` builds into build-san/ with ASan+UBSan.

CC      ?= cc
PKGS    := gsl sqlite3 libpq libmicrohttpd xlsxwriter libqrencode libsodium libzip expat
CFLAGS_BASE := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror -g -MMD -MP -I.
OPT     ?= -O2

# BUILD=DIR builds elsewhere (two builds side by side: BUILD=build-x)
ifeq ($(SANITIZE),1)
BUILD   ?= build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT     := -O1
else
BUILD   ?= build
SANFLAGS :=
endif

# The libraries' flags come from pkg-config, which on a fresh machine
# knows them only after tools/deps.sh has installed the packages.  So they
# are not read while this file is parsed but kept in BUILD/config.mk, made
# by running deps.sh first; make builds it, then starts again with it read
# (tests/cli/fresh.sh plays a fresh machine to keep this so).  Goals that
# compile nothing do without it.
.DEFAULT_GOAL := all
CONFIG  := $(BUILD)/config.mk
NOCONFIG_GOALS := clean deps pot pot-file readme-ref uninstall check-deps questionnaires
ifneq ($(filter-out $(NOCONFIG_GOALS),$(or $(MAKECMDGOALS),all)),)
include $(CONFIG)
endif
$(CONFIG): tools/deps.sh Makefile
	@sh tools/deps.sh check
	@mkdir -p $(dir $@)
	@c=$$(pkg-config --cflags $(PKGS)) && l=$$(pkg-config --libs $(PKGS)) && \
	    printf 'PKG_CFLAGS := %s\nPKG_LIBS := %s\n' "$$c" "$$l" > $@.tmp && mv $@.tmp $@
CFLAGS  := $(CFLAGS_BASE) $(OPT) $(SANFLAGS) $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS  := $(PKG_LIBS) -lcsv -lreadstat -lm
LDFLAGS += $(SANFLAGS)

# the layers, lowest first (doc/ARCHITECTURE.md): base <- survey <- analysis <- cli <- main
LAYER_DIRS := base survey survey/import survey/export survey/web analysis analysis/report cli
LIB_SRCS  := $(foreach d,$(LAYER_DIRS),$(wildcard $(d)/*.c))
LIB_OBJS  := $(LIB_SRCS:%.c=$(BUILD)/%.o)
MAIN_OBJ  := $(BUILD)/main.o
TEST_SRCS := $(wildcard tests/unit/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
BIN       := $(BUILD)/gapsurvey

.PHONY: all test demo deps clean check-deps
# keep test objects between runs
.SECONDARY:
all: check-deps $(BIN) gapsurvey

# ./gapsurvey always points at the last build (plain or sanitized), so the
# CLI tests and the README can run one name.
gapsurvey: $(BIN)
	ln -sf $(BIN) gapsurvey

$(BIN): $(MAIN_OBJ) $(LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/tests/%: $(BUILD)/tests/unit/%.o $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS) -lcmocka

check-deps:
	@sh tools/deps.sh check

deps:
	@sh tools/deps.sh install

test: check-deps $(BIN) gapsurvey $(TEST_BINS)
	@sh tests/run.sh $(BUILD)

demo: check-deps $(BIN) gapsurvey
	./gapsurvey demo --out demo

clean:
	rm -rf build build-san gapsurvey

# the build in use, whatever its name (BUILD=build-x included), so a header
# change rebuilds what includes it
-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# --- translations, installation -------------------------------------------
# po/zh_CN.po is compiled into BUILD/locale, where the binary finds it at run
# time (i18n.c); `make pot` regenerates po/gapsurvey.pot from the sources
# and merges new messages into po/zh_CN.po for translation.
PREFIX  ?= /usr/local
BINDIR  := $(PREFIX)/bin
DATADIR := $(PREFIX)/share
MO      := $(BUILD)/locale/zh_CN/LC_MESSAGES/gapsurvey.mo
POT_SRCS = main.c $(sort $(LIB_SRCS))

POT     ?= po/gapsurvey.pot

.PHONY: pot pot-file install uninstall
all: $(MO)
test: $(MO)
demo: $(MO)

$(MO): po/zh_CN.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

pot: pot-file
	msgmerge --quiet --update --backup=none --no-fuzzy-matching po/zh_CN.po $(POT)
	msgattrib --no-obsolete -o po/zh_CN.po po/zh_CN.po

# the template alone (tests/cli/i18n.sh writes it elsewhere with POT=FILE)
pot-file:
	xgettext --from-code=UTF-8 --language=C --keyword=_ --keyword=N_ \
	    --keyword=i18n_ntext:1,2 --keyword=TR:2 \
	    --keyword=i18n_pick:2 --keyword=i18n_npick:2,3 --add-comments=TRANSLATORS: --sort-by-file \
	    --package-name=gapsurvey --msgid-bugs-address=gapsurvey -o $(POT) $(POT_SRCS)

# BUILD's binary and catalogue; not `all`, whose ./gapsurvey link would then
# point at whatever build a test installs (i18n.sh installs the one it tests)
install: check-deps $(BIN) $(MO)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(DATADIR)/man/man1 \
	    $(DESTDIR)$(DATADIR)/locale/zh_CN/LC_MESSAGES \
	    $(DESTDIR)$(DATADIR)/bash-completion/completions \
	    $(DESTDIR)$(DATADIR)/gapsurvey/questionnaires
	install -m 755 $(BIN) $(DESTDIR)$(BINDIR)/gapsurvey
	install -m 644 man/gapsurvey.1 $(DESTDIR)$(DATADIR)/man/man1/gapsurvey.1
	install -m 644 $(MO) $(DESTDIR)$(DATADIR)/locale/zh_CN/LC_MESSAGES/gapsurvey.mo
	install -m 644 completion/gapsurvey.bash $(DESTDIR)$(DATADIR)/bash-completion/completions/gapsurvey
	install -m 644 questionnaires/*.csv questionnaires/*.xlsx $(DESTDIR)$(DATADIR)/gapsurvey/questionnaires/

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/gapsurvey $(DESTDIR)$(DATADIR)/man/man1/gapsurvey.1 \
	    $(DESTDIR)$(DATADIR)/locale/zh_CN/LC_MESSAGES/gapsurvey.mo \
	    $(DESTDIR)$(DATADIR)/bash-completion/completions/gapsurvey
	rm -rf $(DESTDIR)$(DATADIR)/gapsurvey

# questionnaires/*.xlsx are the CSVs saved as Excel workbooks; edit the
# CSV, then `make questionnaires` (tests/cli/xlsform.sh fails while a
# workbook stores another form than its CSV).
.PHONY: questionnaires
questionnaires:
	/usr/bin/python3 tools/csv2xlsx.py questionnaires/staff-opinion.csv \
	    questionnaires/five-type-self-assessment.csv

# README.md's command reference is man/gapsurvey.1 rendered (groff); edit
# the man page, then `make readme-ref`.  tests/cli/docs.sh fails while the
# two differ.
.PHONY: readme-ref
readme-ref:
	@sh tools/readme-ref.sh

# ---- fuzzing (tests/fuzz/README.md) ----
# `make fuzz FUZZ_SECONDS=N` builds every libFuzzer target with clang
# (ASan+UBSan, leak checks on) into build-fuzz/ and runs each for N seconds
# on a scratch copy of its seed corpus; any crash, leak or sanitizer report
# fails the target.  Findings are written to build-fuzz/artifacts/.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 20
FUZZ_BUILD   := build-fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_CFLAGS  := $(CFLAGS_BASE) -O1 $(FUZZ_SAN) -fsanitize=fuzzer-no-link $(PKG_CFLAGS) \
                -DFUZZ_ROOT='"$(CURDIR)"'
FUZZ_TARGETS := form expr import encoding unit web packed
FUZZ_BINS    := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_BUILD)/%.o)

.PHONY: fuzz fuzz-build valgrind
fuzz-build: check-deps $(FUZZ_BINS)

$(FUZZ_BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJS)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< $(FUZZ_LIB_OBJS) $(LDLIBS)

-include $(shell find $(FUZZ_BUILD) -name '*.d' 2>/dev/null)

fuzz: fuzz-build
	@sh tests/fuzz/run.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# valgrind --leak-check=full over every CLI test (VG_TESTS=PATTERN... for
# some), on a plain -O0 build (the sanitizer build cannot run under
# valgrind) with its catalogue (the i18n tests need it); any leak or memory
# error fails the run (tests/fuzz/valgrind.sh, which lists the tests it
# leaves out and why).
valgrind: check-deps
	$(MAKE) BUILD=build-vg OPT=-O0 build-vg/gapsurvey build-vg/locale/zh_CN/LC_MESSAGES/gapsurvey.mo
	@sh tests/fuzz/valgrind.sh build-vg $(VG_TESTS)

# ---- the detectors' seed sweeps (not part of `make test`, which runs two
# seeds of each as tests/cli/detector.sh): the weak-unit detector over 100
# seeds, the self-vs-staff gap rule over 20 null and 20 overclaim cities;
# a few minutes ----
.PHONY: check-detector
check-detector: check-deps $(BIN) gapsurvey
	@python3 tests/detector/weak_units.py $(BIN) && python3 tests/detector/gaps.py $(BIN)

# ---- benchmarks (bench/README.md, issue #8; not part of `make test`) ----
# `make bench` times import, analyze and report against R, pandas and the
# floors at BENCH_N respondents (default 100000; BENCH_N=1000000 for the
# province), BENCH_REPS runs each, and prints the table.
.PHONY: bench
$(BUILD)/bench/floor: bench/floor.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $< $(LIB_OBJS) $(LDLIBS)

# the C load generator of `bench/load_serve.py --client c` (no libraries)
$(BUILD)/bench/load_serve_c: bench/load_serve_c.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $<

bench: check-deps $(BIN) gapsurvey $(BUILD)/bench/floor $(BUILD)/bench/load_serve_c
	@sh bench/run.sh $(BUILD)
