# gapsurvey — a plain Makefile.  `make` builds, `make test` runs every test,
# `make demo` runs the main job, `make deps` installs missing Debian packages.
# `make SANITIZE=1 test` builds into build-san/ with ASan+UBSan.

CC      ?= cc
PKGS    := gsl sqlite3 libmicrohttpd xlsxwriter libqrencode
CFLAGS_BASE := -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Wall -Wextra -Werror -g -MMD -MP -I. -Isurvey -Ianalysis
OPT     ?= -O2

ifeq ($(SANITIZE),1)
BUILD   := build-san
SANFLAGS := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
OPT     := -O1
else
BUILD   := build
SANFLAGS :=
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
CFLAGS  := $(CFLAGS_BASE) $(OPT) $(SANFLAGS) $(PKG_CFLAGS) $(EXTRA_CFLAGS)
LDLIBS  := $(PKG_LIBS) -lcsv -lreadstat -lm
LDFLAGS += $(SANFLAGS)

LIB_SRCS  := $(wildcard survey/*.c analysis/*.c)
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

-include $(shell find build build-san -name '*.d' 2>/dev/null)
