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
               src/sign/*.c src/verify/*.c src/check/*.c src/report/*.c)
CLI_SRC   := $(wildcard src/cli/*.c)
UNIT_SRC  := $(wildcard tests/unit/test_*.c)
LIB_OBJ   := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
CLI_OBJ   := $(CLI_SRC:%.c=$(BUILD)/obj/%.o)
UNIT_BIN  := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
LIBS      := -lcrypto $(XML_LIBS)

.PHONY: all check unit-tests deps deps-test demo install uninstall clean

all: $(BUILD)/drvcat

$(BUILD)/libdrvcat.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	ar rcs $@ $^

$(BUILD)/drvcat: $(CLI_OBJ) $(BUILD)/libdrvcat.a
	$(CC) $(LDFLAGS_ALL) -o $@ $(CLI_OBJ) $(BUILD)/libdrvcat.a $(LIBS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

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

install: all
	install -d $(DESTDIR)$(BINDIR)
	install -m 755 $(BUILD)/drvcat $(DESTDIR)$(BINDIR)/drvcat

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/drvcat

clean:
	rm -rf build

-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)
