# Shortcuts; the scripts under scripts/ do the work and install what they need.
.PHONY: build asan run test bench load format check-format clean

build:
	scripts/install-deps.sh
	scripts/build.sh release

asan:
	scripts/build.sh asan

run:
	scripts/run.sh

test:
	scripts/test.sh

bench: build
	build/casekeeper_bench --benchmark_min_time=0.2
	bench/http_load.sh

format:
	git ls-files '*.cc' '*.h' | xargs clang-format -i

check-format:
	scripts/check-format.sh

clean:
	rm -rf build build-asan
