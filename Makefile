# Gatehouse: `make` builds build/gatehouse; `make run` starts the demo
# (GATEHOUSE_DEMO_PORT, GATEHOUSE_DEMO_GATEWAY_PORT: other ports than 8080,
# 8081); `make test` runs every suite. Both install what is missing first,
# `make run` only what the demo needs (scripts/setup.sh demo).
# `make fuzz` runs each libFuzzer target FUZZ_SECONDS (docs/fuzzing.md).
# `make install` (PREFIX, DESTDIR) and `make deb` (docs/operations.md).
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS       ?= $(shell nproc)
CMAKE_FLAGS ?=

# make install: PREFIX=/usr puts the configuration in /etc and the units in
# /lib/systemd/system (Debian's places); any other prefix keeps all under it.
PREFIX     ?= /usr/local
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/gatehouse
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
UNITDIR    ?= $(if $(filter /usr,$(PREFIX)),/lib/systemd/system,$(PREFIX)/lib/systemd/system)

.PHONY: man install deb deb-check
.PHONY: all setup setup-demo run test unit unit-asan unit-valgrind e2e seed-check fuzz format format-check clean bench bench-smoke bench-cpu soak

all: $(BUILD)/gatehouse

$(BUILD)/build.ninja $(BUILD)/Makefile:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

$(BUILD)/gatehouse: FORCE | $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

setup:
	@scripts/setup.sh

# The demo needs only the build and the binary: no test tools, no unit tests built.
setup-demo:
	@scripts/setup.sh demo

run: setup-demo $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS) --target gatehouse
	@scripts/run-demo.sh

test: setup all
	@scripts/test.sh

unit: all
	cd $(BUILD) && ctest --output-on-failure

unit-asan:
	cmake -S . -B $(BUILD_ASAN) -DGH_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build $(BUILD_ASAN) -j $(JOBS)
	cd $(BUILD_ASAN) && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure

# Every unit test executable under valgrind memcheck (errors and leaks fail).
unit-valgrind: all
	scripts/unit-valgrind.sh $(BUILD)

e2e: all
	cd tests/e2e && node --test --test-concurrency=1 *.test.mjs

# 60 s, 1000 connections on token and userinfo: no errors, flat memory (bench/soak.sh)
soak: all
	bench/soak.sh

seed-check: all
	GH_NO_BUILD=1 ../shared/checks/seed004-flow

fuzz:
	@scripts/setup.sh fuzz
	cmake -S . -B $(BUILD_FUZZ) -DCMAKE_C_COMPILER=clang -DGH_FUZZ=ON -DGH_TESTS=OFF -DGH_WERROR=OFF
	cmake --build $(BUILD_FUZZ) -j $(JOBS) --target fuzzers
	BUILD_FUZZ=$(BUILD_FUZZ) FUZZ_SECONDS=$(FUZZ_SECONDS) scripts/fuzz.sh $(FUZZ_TARGETS)

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h')

clean:
	rm -rf $(BUILD) $(BUILD_ASAN) $(BUILD_FUZZ)

# Gatehouse beside nginx, node-oidc-provider and Glewlwyd (docs/performance.md)
bench bench-smoke: all
	@scripts/setup.sh bench
	@BENCH_SMOKE=$(if $(filter bench-smoke,$@),1,0) bench/run.sh

# CPU per request, Gatehouse and PostgreSQL counted, on both engines, every
# database row: what limits throughput on two dedicated cores, far less moved
# by other load than requests per second (docs/performance.md)
bench-cpu: all
	@scripts/setup.sh bench
	@CPU_SERVERS="$${CPU_SERVERS:-gatehouse gatehouse-pg}" bench/cpu-per-request.sh \
		$${CPU_ENDPOINTS:-token_cc userinfo userinfo_each_new introspect introspect_each_new refresh code_flow}

# gatehouse(8) and gatehouse.ini(5), from the binary's --help and settings table
man: all
	@mkdir -p $(BUILD)/man
	scripts/gen-man.py $(BUILD)/gatehouse $(BUILD)/man

# The configuration is installed only where there is none yet; the examples always.
install: man
	install -D -m 0755 $(BUILD)/gatehouse $(DESTDIR)$(SBINDIR)/gatehouse
	install -D -m 0644 $(BUILD)/man/gatehouse.8 $(DESTDIR)$(MANDIR)/man8/gatehouse.8
	install -D -m 0644 $(BUILD)/man/gatehouse.ini.5 $(DESTDIR)$(MANDIR)/man5/gatehouse.ini.5
	install -d $(DESTDIR)$(DOCDIR)/examples
	install -m 0644 contrib/gatehouse.ini contrib/gateway.ini contrib/nginx-gatehouse.conf \
	  $(DESTDIR)$(DOCDIR)/examples/
	[ -e $(DESTDIR)$(SYSCONFDIR)/gatehouse/gatehouse.ini ] || \
	  install -D -m 0644 contrib/gatehouse.ini $(DESTDIR)$(SYSCONFDIR)/gatehouse/gatehouse.ini
	install -d $(DESTDIR)$(UNITDIR)
	for unit in gatehouse gatehouse-gateway; do \
	  sed -e 's|@SBINDIR@|$(SBINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
	    contrib/systemd/$$unit.service.in >$(BUILD)/$$unit.service && \
	  install -m 0644 $(BUILD)/$$unit.service $(DESTDIR)$(UNITDIR)/ || exit 1; \
	done

# The Debian package, with Debian's own tools, into $(BUILD)/ (docs/operations.md)
deb:
	scripts/deb.sh $(BUILD)

# Installs the package on this machine (root), runs the seed 004 check against
# it, purges it (scripts/deb-check.sh)
deb-check: deb
	scripts/deb-check.sh $(BUILD)

FORCE:
