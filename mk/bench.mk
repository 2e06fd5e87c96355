# The converge benchmark: site.yml on a fresh private sandbox (tests/e2e/bench.py, docs/performance.md).

.PHONY: bench-converge

# Repetitions of each phase; the median is reported. `make bench-converge BENCH_CONVERGE_RUNS=1` is quick.
BENCH_CONVERGE_RUNS ?= 3
# Extra variables for every playbook run, e.g. BENCH_CONVERGE_ARGS="-e services_concurrent=false".
BENCH_CONVERGE_ARGS ?=

bench-converge: $(STAMP) ## site.yml first/no-op/--check and teardown.yml on a fresh sandbox: time, CPU, memory, requests
	@$(BIN)/python tests/e2e/bench.py --runs $(BENCH_CONVERGE_RUNS) --json artifacts/bench-converge.json $(BENCH_CONVERGE_ARGS)
