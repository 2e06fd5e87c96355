# Static checks and the tiers of tests that belong to the collection itself (roles, modules, playbooks).

.PHONY: lint lint-ansible lint-yaml lint-python lint-workflows test-unit test-app test-molecule test-e2e

MOLECULE_SCENARIOS := $(notdir $(patsubst %/molecule.yml,%,$(wildcard molecule/*/molecule.yml)))

lint: lint-yaml lint-python lint-ansible lint-dockerfiles lint-workflows sanity validate-manifests ## every static check

lint-yaml: $(STAMP)
	@$(BIN)/yamllint --strict .

lint-python: $(STAMP)
	@$(BIN)/ruff check .
	@$(BIN)/ruff format --check .

lint-ansible: $(STAMP)
	@$(BIN)/ansible-lint --profile production --strict

lint-workflows: $(STAMP) ## the GitHub Actions workflows: GitHub's schema, actions pinned, OIDC and no stored keys
	@$(BIN)/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml
	@$(BIN)/python -m pytest tests/unit/test_workflows.py -p no:cacheprovider -q

test-unit: $(STAMP) ## unit tests: module_utils, modules, role argument validation, the sandbox
	@$(BIN)/python -m pytest tests/unit tests/sandbox -p no:cacheprovider

test-app: test-app-backend test-app-frontend test-app-packaging test-browser ## every storefront test

test-molecule: sandbox-up ## every role's molecule scenario against the sandbox
	@for scenario in $(MOLECULE_SCENARIOS); do \
	  echo "== molecule test -s $$scenario"; \
	  $(BIN)/molecule test -s $$scenario || exit 1; \
	done

# With the persistent interpreter (mitogen, ansible.cfg's default), then the site's own end-to-end run
# again without it (its off switch), so that both paths stay green; the other end-to-end files exercise
# the roles, not the strategy, and run once to keep `make test` within its time.
test-e2e: $(STAMP) $(BIN)/helm $(CHROMIUM) ## a fresh sandbox: site.yml twice, --check, teardown.yml, sweep; with and without mitogen
	@$(BIN)/python -m pytest tests/e2e -p no:cacheprovider
	@echo "== site.yml end to end again without mitogen (ANSIBLE_STRATEGY=linear)"
	@ANSIBLE_STRATEGY=linear $(BIN)/python -m pytest tests/e2e/test_site.py -p no:cacheprovider
