# Static checks and the tiers of tests that belong to the collection itself (roles, modules, playbooks).

.PHONY: lint lint-ansible lint-yaml lint-python lint-workflows test-unit test-app test-molecule test-e2e test-e2e-mitogen \
  test-e2e-linear

MOLECULE_ALL := $(notdir $(patsubst %/molecule.yml,%,$(wildcard molecule/*/molecule.yml)))
# The lanes take scenarios in this order: the slowest first (measured, tests/support/molecule_lanes.py
# prints each one's time), so that no lane is left running a long one alone at the end.
MOLECULE_SLOWEST := network app_deploy cache database eks addons cdn
MOLECULE_SCENARIOS := $(filter $(MOLECULE_ALL),$(MOLECULE_SLOWEST)) $(filter-out $(MOLECULE_SLOWEST),$(MOLECULE_ALL))
LINT_CHECKS := lint-yaml lint-python lint-ansible lint-dockerfiles lint-workflows sanity validate-manifests
APP_TESTS := test-app-backend test-app-frontend test-app-packaging test-browser

lint: $(LINT_CHECKS) ## every static check

lint-yaml: $(STAMP)
	@$(BIN)/yamllint --strict .

lint-python: $(STAMP)
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

lint-ansible: $(STAMP)
	@$(BIN)/ansible-lint --profile production --strict

lint-workflows: $(STAMP) ## the GitHub Actions workflows: GitHub's schema, actions pinned, OIDC and no stored keys
	@$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	@$(PYTEST) tests/unit/test_workflows.py -q

test-unit: $(STAMP) ## unit tests: module_utils, modules, role argument validation, the sandbox
	@$(PYTEST) tests/unit tests/sandbox

test-app: $(APP_TESTS) ## every storefront test

# A scenario mostly waits (playbook start-up, module calls the sandbox answers one at a time), so one lane
# keeps about one core busy: $(MOLECULE_LANES) lanes, each a private sandbox of its own (fresh ports and
# SANDBOX_HOME, whatever sandbox you have running is left alone), take the scenarios from one queue.
# MOLECULE_LANES=1 runs them in turn; `molecule test -s <scenario>` runs one against your sandbox.
MOLECULE_LANES ?= 2
test-molecule: $(STAMP) $(BIN)/helm ## every role's molecule scenario, side by side in lanes (MOLECULE_LANES=2) of private sandboxes
	@$(BIN)/python -m tests.support.molecule_lanes --lanes $(MOLECULE_LANES) $(MOLECULE_SCENARIOS)

# Every end-to-end file with the persistent interpreter (mitogen, ansible.cfg's default), and at the same
# time the site's own end-to-end file again without it (its off switch), so that both paths stay green:
# converge, no-op, --check, teardown. The other files, and the tests marked any_strategy (the sweep's
# verdicts, the teardown's plan), exercise the roles, not the strategy. Each run is on private sandboxes of its own; its
# output is printed whole when it ends. The files share one converged site (tests/e2e/conftest.py).
test-e2e: $(STAMP) $(BIN)/helm $(CHROMIUM) ## site.yml on a fresh sandbox, again, --check, drift, teardown, sweep; with and without mitogen
	@$(MAKE) --no-print-directory -j2 --output-sync=target test-e2e-mitogen test-e2e-linear

test-e2e-mitogen: $(STAMP) $(BIN)/helm $(CHROMIUM)
	@echo "== every end-to-end file, with mitogen"
	@$(PYTEST) tests/e2e

test-e2e-linear: $(STAMP) $(BIN)/helm $(CHROMIUM)
	@echo "== site.yml end to end again without mitogen (ANSIBLE_STRATEGY=linear)"
	@ANSIBLE_STRATEGY=linear $(PYTEST) tests/e2e/test_site.py -m "not any_strategy"
