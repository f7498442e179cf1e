# LumaDB: `make run` starts the server, `make test` runs every test.
BUILD_DIR ?= build
# One clang build serves both the sanitizer test run and the libFuzzer
# targets: every library is built with ASan+UBSan and fuzzer coverage.
ASAN_DIR ?= build-asan
JOBS ?= $(shell nproc)
FUZZ_SECONDS ?= 30
DATA_DIR ?= ./data

.PHONY: all deps build run test test-asan fuzz bench clean

all: build

deps:
	@bash scripts/install-deps.sh

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=Release

build: deps $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	./$(BUILD_DIR)/bin/lumadb serve --data-dir $(DATA_DIR)

test: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j $(JOBS) --timeout 300

$(ASAN_DIR)/build.ninja:
	CXX=clang++ cmake -S . -B $(ASAN_DIR) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g1" -DLUMADB_SANITIZE=ON -DLUMADB_FUZZ=ON -DLUMADB_TESTS=ON

test-asan: deps $(ASAN_DIR)/build.ninja
	cmake --build $(ASAN_DIR) -j $(JOBS)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  LUMADB_SANITIZED=1 ctest --test-dir $(ASAN_DIR) --output-on-failure -j $(JOBS) --timeout 600

# Builds the libFuzzer targets and runs each for FUZZ_SECONDS.
fuzz: deps $(ASAN_DIR)/build.ninja
	cmake --build $(ASAN_DIR) -j $(JOBS) --target fuzz_targets
	bash tests/fuzz/run.sh $(ASAN_DIR) $(FUZZ_SECONDS)

bench: build
	bash bench/run_all.sh $(BUILD_DIR)/bin/lumadb

clean:
	rm -rf $(BUILD_DIR) $(ASAN_DIR)
