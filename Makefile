# ecommerce_demo.platform — every target bootstraps what it needs (the virtualenv first).
# Fragments in mk/ hold the targets of one concern each; this file ties them together.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV   := $(CURDIR)/.venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
export PATH := $(BIN):$(PATH)
export ANSIBLE_CONFIG := $(CURDIR)/ansible.cfg
PIP_QUIET := --quiet --disable-pip-version-check

.PHONY: help venv
help: ## list the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | sort | awk -F':.*## ' '{printf "  %-18s %s\n", $$1, $$2}'

venv: $(STAMP) ## create .venv with the pinned Python dependencies and link the collection in

$(STAMP): requirements.txt app/requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "installing Python dependencies into .venv (log: .venv/pip.log)"
	@$(BIN)/python -m pip install $(PIP_QUIET) --upgrade pip -r requirements.txt >$(VENV)/pip.log 2>&1 \
	  || { tail -n 40 $(VENV)/pip.log; exit 1; }
	@$(BIN)/python -c 'import ansible, moto, aiohttp' # fail here, not later, if the install did not take
	@mkdir -p .cache/collections/ansible_collections/ecommerce_demo
	@ln -sfn ../../../.. .cache/collections/ansible_collections/ecommerce_demo/platform
	@touch $@

# pytest for a tier: its temporary files in a directory of its own (--basetemp, emptied at its start).
# Every pytest session that uses the shared /tmp/pytest-of-<user> resets it to owner-only, which cuts a
# private PostgreSQL that another session started there (it runs as `nobody` when we are root) off from its
# data; tiers that run at the same time must not share it.
# Outside the checkout (tools print paths under it relative to it), one per checkout.
PYTEST_TMP := $(or $(TMPDIR),/tmp)/ecommerce-demo-pytest-$(shell printf %s '$(CURDIR)' | md5sum | cut -c1-8)
$(shell mkdir -p $(PYTEST_TMP))
PYTEST = $(BIN)/python -m pytest -p no:cacheprovider --basetemp=$(PYTEST_TMP)/$@

include mk/*.mk

.PHONY: test bench
# The tiers of `make test`, in turn (lint by its parts, so that each part is timed); `a+b` runs a and b at
# the same time: tiers that wait on servers, sandboxes and playbooks leave a core idle on their own, so
# they are paired. Tiers paired share no port, database or file (each starts what it needs privately), and
# none is paired with a tier that walks the checkout (lint-ansible's and test-build's ansible-galaxy) while
# another writes in it (sanity's .cache/sanity, docs' artifacts/docs). tests/support/tiers.py prints each
# tier's wall and CPU time at the end, and stops at the first failure (all of them with make -k).
TEST_TIERS ?= $(filter-out lint-ansible sanity,$(LINT_CHECKS)) lint-ansible+test-kube sanity+test-unit test-app \
  test-molecule+test-e2e test-build docs
test: $(STAMP) ## every tier of tests (CI runs this), then each tier's wall and CPU time
	@$(BIN)/python tests/support/tiers.py $(TEST_TIERS)
bench: bench-kube bench-app bench-converge ## benchmarks: print figures, never fail on time
