# Gatehouse: `make` builds build/gatehouse; `make run` starts the demo;
# `make test` runs every suite. Both install what is missing first.
BUILD      ?= build
BUILD_ASAN ?= build-asan
JOBS       ?= $(shell nproc)
CMAKE_FLAGS ?=
ifdef CI
CMAKE_FLAGS += -DGH_WERROR=ON
endif

.PHONY: all setup run test unit unit-asan unit-valgrind e2e seed-check format format-check clean

all: $(BUILD)/gatehouse

$(BUILD)/build.ninja $(BUILD)/Makefile:
	cmake -S . -B $(BUILD) $(CMAKE_FLAGS)

$(BUILD)/gatehouse: FORCE | $(BUILD)/Makefile
	cmake --build $(BUILD) -j $(JOBS)

setup:
	@scripts/setup.sh

run: setup all
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

seed-check: all
	GH_NO_BUILD=1 ../shared/checks/seed004-flow

format:
	clang-format -i $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h')

format-check:
	clang-format --dry-run --Werror $$(git ls-files 'src/*.c' 'src/*.h' 'tests/*.c' 'tests/*.h')

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)

FORCE:
