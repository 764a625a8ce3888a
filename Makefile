# The two commands: `make run` and `make test`. Everything else is a helper for them.
BUILD      ?= build
BUILD_ASAN ?= build-asan
JOBS       ?= $(shell nproc)
DATA_DIR   ?= var
DB         ?= $(DATA_DIR)/liaison.db

.PHONY: all deps build run test bench clean

all: build

deps:
	scripts/deps.sh

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

run: build
	mkdir -p $(DATA_DIR)
	$(BUILD)/liaison init --db $(DB) --data-dir $(DATA_DIR)
	$(BUILD)/liaison calendar import data/calendar/2026.csv --db $(DB)
	$(BUILD)/liaison demo --db $(DB) --data-dir $(DATA_DIR)
	$(BUILD)/liaison serve --db $(DB) --data-dir $(DATA_DIR) --listen 127.0.0.1:8080

test: deps
	cmake -S . -B $(BUILD_ASAN) -DCMAKE_BUILD_TYPE=Debug -DLIAISON_SANITIZE=ON >/dev/null
	cmake --build $(BUILD_ASAN) -j $(JOBS)
	cd $(BUILD_ASAN) && ctest --output-on-failure -j $(JOBS)

bench: build
	bench/http.sh
	bench/station.sh
	bench/regions.sh
	bench/opinions.sh
	bench/schedule.sh
	bench/bookings.sh
	bench/league.sh

clean:
	rm -rf $(BUILD) $(BUILD_ASAN)
