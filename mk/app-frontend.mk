# The storefront frontend: its tests against a fake backend, the browser test against the real services,
# and the command that runs it locally.

.PHONY: test-app-frontend test-browser app-run-frontend

FRONTEND_PYTHONPATH := $(CURDIR)/app
CHROMIUM := /usr/bin/chromium
# Playwright (pinned in requirements.txt) drives Debian's Chromium; `playwright install` is never run.

test-app-frontend: $(STAMP) ## frontend pages, hashed static assets and the /api proxy, against a fake backend
	@PYTHONPATH=$(FRONTEND_PYTHONPATH) $(PYTEST) tests/app/frontend

test-browser: $(STAMP) $(CHROMIUM) ## headless Chromium buys a product (real backend, PostgreSQL, Redis)
	@PYTHONPATH=$(FRONTEND_PYTHONPATH) $(PYTEST) tests/app/browser
	@echo "screenshot: artifacts/order-confirmation.png"

app-run-frontend: $(STAMP) ## serve the frontend on $HOST:$PORT (127.0.0.1:8080), backend at $BACKEND_URL
	@PYTHONPATH=$(FRONTEND_PYTHONPATH) $(BIN)/python -m storefront.frontend serve

$(CHROMIUM):
	@echo "installing Debian's chromium (log: .venv/chromium-apt.log)"
	@{ apt-get install -y --no-install-recommends chromium \
	   || { apt-get update && apt-get install -y --no-install-recommends chromium; }; } >$(VENV)/chromium-apt.log 2>&1 \
	  || { tail -n 40 $(VENV)/chromium-apt.log; exit 1; }
