# Gatehouse: `make` builds build/gatehouse; `make run` starts the demo
# (GATEHOUSE_DEMO_PORT, GATEHOUSE_DEMO_GATEWAY_PORT: other ports than 8080,
# 8081); `make test` runs every suite. Both install what is missing first,
# `make run` only what the demo needs (scripts/setup.sh demo).
# `make fuzz` runs each libFuzzer target FUZZ_SECONDS (docs/fuzzing.md).
BUILD      ?= build
BUILD_ASAN ?= build-asan
BUILD_FUZZ ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS       ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all setup setup-demo run test unit unit-asan unit-valgrind e2e seed-check fuzz format format-check clean bench bench-smoke soak

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

FORCE:
