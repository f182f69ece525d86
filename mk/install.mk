# The shared library, pkg-config file, and make install / uninstall.
#
#   make install [PREFIX=/usr/local] [DESTDIR=...]
#   make uninstall [PREFIX=/usr/local] [DESTDIR=...]
#
# Library objects are compiled with -fvisibility=hidden: the static
# archive still links every internal symbol (the CLI, unit tests and
# fuzzers use them), but libdirectboot.so exports only the DB_EXPORT
# functions, also listed in lib/libdirectboot.map.

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
LIBDIR ?= $(PREFIX)/lib
INCLUDEDIR ?= $(PREFIX)/include
MANDIR ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
PKGCONFIGDIR ?= $(LIBDIR)/pkgconfig
INSTALL ?= install

SO_MAJOR := 0
SONAME := libdirectboot.so.$(SO_MAJOR)
SO_REAL := libdirectboot.so.$(VERSION)
LIB_MAP := lib/libdirectboot.map

# The API's headers and what they include.  mptable.h and virtio.h
# describe internals and are not installed.
PUBLIC_HEADERS := $(addprefix include/directboot/,bootparam.h bzimage.h \
	directboot.h elf.h error.h export.h hvm_start_info.h image.h \
	payload.h plan.h version.h)

ALL_TARGETS += shared

$(LIB_OBJS): CFLAGS += -fvisibility=hidden

$(BUILD)/$(SO_REAL): $(LIB_OBJS) $(LIB_MAP)
	$(CC) $(LDFLAGS) -shared -Wl,-soname,$(SONAME) \
		-Wl,--version-script=$(LIB_MAP) -Wl,--no-undefined \
		-o $@ $(LIB_OBJS) $(LDLIBS)

$(BUILD)/$(SONAME) $(BUILD)/libdirectboot.so: $(BUILD)/$(SO_REAL)
	ln -sf $(SO_REAL) $@

$(BUILD)/libdirectboot.pc: lib/libdirectboot.pc.in Makefile mk/install.mk
	@mkdir -p $(@D)
	sed -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(VERSION)|' \
		$< > $@.tmp && mv $@.tmp $@

.PHONY: shared install uninstall
shared: $(BUILD)/$(SONAME) $(BUILD)/libdirectboot.so
TEST_EXTRA_TARGETS += shared

# The .pc file carries PREFIX, so it is regenerated on every install.
install: all
	rm -f $(BUILD)/libdirectboot.pc
	$(MAKE) BUILD=$(BUILD) PREFIX=$(PREFIX) $(BUILD)/libdirectboot.pc
	$(INSTALL) -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(LIBDIR) \
		$(DESTDIR)$(PKGCONFIGDIR) $(DESTDIR)$(INCLUDEDIR)/directboot \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3 \
		$(DESTDIR)$(BASHCOMPDIR)
	$(INSTALL) -m 755 $(BUILD)/directboot $(DESTDIR)$(BINDIR)/directboot
	$(INSTALL) -m 755 $(BUILD)/$(SO_REAL) $(DESTDIR)$(LIBDIR)/$(SO_REAL)
	ln -sf $(SO_REAL) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libdirectboot.so
	$(INSTALL) -m 644 $(BUILD)/libdirectboot.a $(DESTDIR)$(LIBDIR)/libdirectboot.a
	$(INSTALL) -m 644 $(BUILD)/libdirectboot.pc \
		$(DESTDIR)$(PKGCONFIGDIR)/libdirectboot.pc
	$(INSTALL) -m 644 $(PUBLIC_HEADERS) $(DESTDIR)$(INCLUDEDIR)/directboot/
	$(INSTALL) -m 644 docs/directboot.1 $(DESTDIR)$(MANDIR)/man1/directboot.1
	$(INSTALL) -m 644 docs/libdirectboot.3 \
		$(DESTDIR)$(MANDIR)/man3/libdirectboot.3
	$(INSTALL) -m 644 completion/directboot.bash \
		$(DESTDIR)$(BASHCOMPDIR)/directboot

# Removes exactly what install put there, then the directories install
# created if they are left empty.
uninstall:
	rm -f $(DESTDIR)$(BINDIR)/directboot \
		$(DESTDIR)$(LIBDIR)/$(SO_REAL) $(DESTDIR)$(LIBDIR)/$(SONAME) \
		$(DESTDIR)$(LIBDIR)/libdirectboot.so \
		$(DESTDIR)$(LIBDIR)/libdirectboot.a \
		$(DESTDIR)$(PKGCONFIGDIR)/libdirectboot.pc \
		$(DESTDIR)$(MANDIR)/man1/directboot.1 \
		$(DESTDIR)$(MANDIR)/man3/libdirectboot.3 \
		$(DESTDIR)$(BASHCOMPDIR)/directboot \
		$(addprefix $(DESTDIR)$(INCLUDEDIR)/directboot/,$(notdir $(PUBLIC_HEADERS)))
	-rmdir $(DESTDIR)$(INCLUDEDIR)/directboot $(DESTDIR)$(PKGCONFIGDIR) \
		2>/dev/null
