# drvcat - build, test, install.  See README.md.
#   make              build build/drvcat
#   make check        install missing test dependencies, build, run every test
#                     (plain build, then ASan+UBSan), end with "N passed, N failed"
#   make demo         build and run drvcat on the bundled example package
#   make install      PREFIX=/usr/local DESTDIR=

VERSION   := 0.1.0
CC        ?= cc
BUILD     ?= build
PREFIX    ?= /usr/local
BINDIR    ?= $(PREFIX)/bin
MANDIR    ?= $(PREFIX)/share/man/man1
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR  ?= $(PREFIX)/share/zsh/site-functions

WARN      := -Wall -Wextra -Wpedantic -Wshadow -Wconversion -Wstrict-prototypes \
             -Wmissing-prototypes -Wformat=2 -Wvla
CSTD      := -std=c11 -D_XOPEN_SOURCE=700 -DDRVCAT_VERSION='"$(VERSION)"'
OPT       ?= -O2 -g
ifeq ($(SANITIZE),1)
  OPT     := -O1 -g -fno-omit-frame-pointer -fsanitize=address,undefined -fno-sanitize-recover=all
  LDSAN   := -fsanitize=address,undefined
endif
ifeq ($(WERROR),1)
  WARN    += -Werror
endif
XML_CFLAGS := $(shell pkg-config --cflags libxml-2.0 2>/dev/null || echo -I/usr/include/libxml2)
XML_LIBS   := $(shell pkg-config --libs libxml-2.0 2>/dev/null || echo -lxml2)
CFLAGS_ALL := $(CSTD) $(WARN) $(OPT) -pthread $(XML_CFLAGS) $(CFLAGS) -MMD -MP
LDFLAGS_ALL := $(LDSAN) -pthread $(LDFLAGS)

LIB_SRC   := $(wildcard src/util/*.c src/inf/*.c src/pkg/*.c src/hash/*.c src/asn1/*.c src/cat/*.c \
               src/sign/*.c src/verify/*.c src/check/*.c src/tmpl/*.c src/report/*.c)
CLI_SRC   := $(wildcard src/cli/*.c)
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
# drvcat new's templates are compiled in (scripts/embed-templates.sh) and installed for reference.
TMPL_FILES := $(sort $(wildcard inf-templates/*/*.inf.in))
TMPLDIR   ?= $(PREFIX)/share/drvcat/inf-templates
LIB_OBJ   += $(BUILD)/obj/gen/templates.o
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIBS      := -lcrypto $(XML_LIBS)

.PHONY: all docs check unit-tests deps deps-test demo install uninstall clean

all: $(BUILD)/drvcat

# The manual page and completions are generated from the command table.
DOCS := $(BUILD)/drvcat.1 $(BUILD)/completion/drvcat.bash $(BUILD)/completion/_drvcat
docs: $(DOCS)

$(BUILD)/drvcat.1: $(BUILD)/drvcat
	$(BUILD)/drvcat help --man > $@.tmp && mv $@.tmp $@

$(BUILD)/completion/drvcat.bash: $(BUILD)/drvcat
	@mkdir -p $(@D)
	$(BUILD)/drvcat help --completion bash > $@.tmp && mv $@.tmp $@

$(BUILD)/completion/_drvcat: $(BUILD)/drvcat
	@mkdir -p $(@D)
	$(BUILD)/drvcat help --completion zsh > $@.tmp && mv $@.tmp $@

$(BUILD)/libdrvcat.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	ar rcs $@ $^

$(BUILD)/drvcat: $(CLI_OBJ) $(BUILD)/libdrvcat.a
	$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJ) $(BUILD)/libdrvcat.a $(LIBS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/gen/templates.c: $(TMPL_FILES) scripts/embed-templates.sh
	@mkdir -p $(@D)
	scripts/embed-templates.sh $@ $(TMPL_FILES)

$(BUILD)/obj/gen/templates.o: $(BUILD)/gen/templates.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Isrc/tmpl -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libdrvcat.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Wno-missing-prototypes -o $@ $< $(BUILD)/libdrvcat.a $(LIBS) -lcmocka $(LDFLAGS_ALL)

unit-tests: $(UNIT_BIN)

deps:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

check: deps-test
	@tests/check.sh

demo: deps
	@$(MAKE) --no-print-directory all
	@scripts/demo.sh $(BUILD)/drvcat

install: all docs
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR) $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR)
	install -m 755 $(BUILD)/drvcat $(DESTDIR)$(BINDIR)/drvcat
	install -m 644 $(BUILD)/drvcat.1 $(DESTDIR)$(MANDIR)/drvcat.1
	install -m 644 $(BUILD)/completion/drvcat.bash $(DESTDIR)$(BASHCOMPDIR)/drvcat
	install -m 644 $(BUILD)/completion/_drvcat $(DESTDIR)$(ZSHCOMPDIR)/_drvcat
	for f in inf-templates/README.md $(TMPL_FILES); do \
		install -d "$(DESTDIR)$(TMPLDIR)/$$(dirname "$${f#inf-templates/}")" && \
		install -m 644 "$$f" "$(DESTDIR)$(TMPLDIR)/$${f#inf-templates/}" || exit 1; done

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/drvcat $(DESTDIR)$(MANDIR)/drvcat.1 \
	      $(DESTDIR)$(BASHCOMPDIR)/drvcat $(DESTDIR)$(ZSHCOMPDIR)/_drvcat
	rm -rf $(DESTDIR)$(TMPLDIR)

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# --- fuzzing (issue 6; tests/fuzz/README.md) ---------------------------------
#   make fuzz          libFuzzer targets with clang + ASan + UBSan in $(FUZZ_BUILD):
#                      fuzz_inf, fuzz_pe, fuzz_cat, fuzz_verify (own objects, any BUILD)
#   make fuzz-replay   every committed seed and crash reproducer through the same
#                      targets, compiled by the plain unit-test build (also part of
#                      tests/check.sh as the unit test test_fuzz_replay)
FUZZ_CC       ?= clang
FUZZ_BUILD    ?= build/fuzz
FUZZ_TARGETS  := inf pe cat verify
FUZZ_MODULES  := util inf pkg hash asn1 cat verify report
FUZZ_LIB_SRC  := $(wildcard $(FUZZ_MODULES:%=src/%/*.c))
FUZZ_LIB_OBJ  := $(FUZZ_LIB_SRC:%.c=$(FUZZ_BUILD)/obj/%.o)
FUZZ_BIN      := $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/fuzz_%)
FUZZ_SAN      := -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_CFLAGS   := $(CSTD) $(WARN) -O1 -g -fno-omit-frame-pointer $(FUZZ_SAN) \
                 -fsanitize=fuzzer-no-link -pthread $(XML_CFLAGS) -MMD -MP

.PHONY: fuzz fuzz-replay
# keep the objects (pattern-chained, make would delete them as intermediate)
.SECONDARY: $(FUZZ_LIB_OBJ) $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/obj/tests/fuzz/fuzz_%.o)

fuzz: $(FUZZ_BIN)

$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -c -o $@ $<

$(FUZZ_BUILD)/fuzz_%: $(FUZZ_BUILD)/obj/tests/fuzz/fuzz_%.o $(FUZZ_LIB_OBJ)
	$(FUZZ_CC) $(FUZZ_SAN) -fsanitize=fuzzer -pthread -o $@ $^ $(LIBS)

fuzz-replay: $(BUILD)/tests/test_fuzz_replay
	$(BUILD)/tests/test_fuzz_replay

-include $(FUZZ_LIB_OBJ:.o=.d) $(FUZZ_TARGETS:%=$(FUZZ_BUILD)/obj/tests/fuzz/fuzz_%.d)
