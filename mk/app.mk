# The storefront backend (app/storefront/backend) and the plumbing both services share
# (app/storefront/common): its tests against the local PostgreSQL and Redis, the benchmark, a local run.

.PHONY: test-app-backend bench-app bench-app-instructions app-run-backend app-images

APP_PYTHONPATH := $(CURDIR)/app
APP_DATABASE_URL ?= postgresql://postgres@127.0.0.1:5432/storefront

test-app-backend: $(STAMP) ## backend API against real PostgreSQL + Redis, incl. outages, concurrency, schemathesis
	@PYTHONPATH=$(APP_PYTHONPATH) HYPOTHESIS_STORAGE_DIRECTORY=$(CURDIR)/.cache/hypothesis \
	  $(PYTEST) tests/app/backend

bench-app: $(STAMP) /usr/bin/wrk ## wrk on loopback: bare aiohttp vs products cache HIT / MISS / via the frontend proxy
	@PYTHONPATH=$(APP_PYTHONPATH) $(BIN)/python tests/app/backend/bench.py

bench-app-instructions: $(STAMP) /usr/bin/valgrind ## callgrind: instructions per request of the hot paths vs bare aiohttp (load-independent)
	@PYTHONPATH=$(APP_PYTHONPATH) $(BIN)/python tests/app/backend/bench_instructions.py

app-run-backend: $(STAMP) ## migrate + seed $APP_DATABASE_URL, then serve the API on $HOST:$PORT (127.0.0.1:8081)
	@export PYTHONPATH=$(APP_PYTHONPATH) DATABASE_URL="$${DATABASE_URL:-$(APP_DATABASE_URL)}"; \
	  $(BIN)/python -m storefront.backend migrate --create-database \
	  && $(BIN)/python -m storefront.backend seed \
	  && exec $(BIN)/python -m storefront.backend serve

app-images: $(STAMP) ## regenerate the seed products' SVGs in app/storefront/frontend/static/products
	@PYTHONPATH=$(APP_PYTHONPATH) $(BIN)/python -m storefront.backend.seed.images

/usr/bin/valgrind:
	@echo "installing Debian's valgrind (log: .venv/valgrind-apt.log)"
	@{ apt-get install -y --no-install-recommends valgrind \
	   || { apt-get update && apt-get install -y --no-install-recommends valgrind; }; } >$(VENV)/valgrind-apt.log 2>&1 \
	  || { tail -n 40 $(VENV)/valgrind-apt.log; exit 1; }

/usr/bin/wrk:
	@echo "installing Debian's wrk (log: .venv/wrk-apt.log)"
	@{ apt-get install -y --no-install-recommends wrk \
	   || { apt-get update && apt-get install -y --no-install-recommends wrk; }; } >$(VENV)/wrk-apt.log 2>&1 \
	  || { tail -n 40 $(VENV)/wrk-apt.log; exit 1; }
