# Our Ansible plugins (plugins/): `ansible-test sanity` on them and their pytest unit tests.
#
# ansible-test only runs from a directory named ansible_collections/<namespace>/<name> and resolves
# symlinks, so the .cache/collections link does not do: the tree is copied (tar) to
# .cache/sanity/ansible_collections/ecommerce_demo/platform, which gets its own throwaway git index
# so that ansible-test lists the copied files (it lists files with git inside a git work tree).
# ansible-test looks for the collections we depend on next to ours, so the ones from the pinned
# `ansible` package are linked in beside the copy.
# ansible-test keeps its per-test virtualenvs under $HOME/.ansible/test; HOME points into
# .cache/sanity so all of it stays in the project. It bootstraps pip in those virtualenvs with a
# get-pip script from ci-files.testing.ansible.com, which is unreachable here: tests/tools/
# ansible_test_get_pip.py stands in for it, with the pip wheel ansible-test asks for taken from PyPI.

.PHONY: sanity

SANITY_HOME := $(CURDIR)/.cache/sanity/home
SANITY_ROOT := $(CURDIR)/.cache/sanity/ansible_collections/ecommerce_demo/platform
# The pip version ansible-test installs into its virtualenvs (ansible_test/_internal/python_requirements.py).
ANSIBLE_TEST_PIP = $(shell $(BIN)/python -c 'import types; from ansible_test._internal.python_requirements \
  import get_venv_packages; print(get_venv_packages(types.SimpleNamespace(version="3.11"))["pip"])')
ANSIBLE_TEST_CACHE := $(SANITY_HOME)/.ansible/test/cache
# No sanity test is skipped. shellcheck is not installed here, but nothing under plugins/ is a shell
# script, so that test has no target and passes; add `--skip-test shellcheck` only if one appears.

sanity: $(STAMP) ## ansible-test sanity on plugins/ (Python 3.11)
	@mkdir -p $(SANITY_ROOT) $(ANSIBLE_TEST_CACHE)
	@find $(SANITY_ROOT) -mindepth 1 -maxdepth 1 ! -name .git -exec rm -rf {} +
	@tar -c --exclude ./.git --exclude ./.venv --exclude ./.sandbox --exclude ./.cache --exclude ./.ansible \
	  --exclude ./app --exclude ./artifacts --exclude ./tests/output --exclude __pycache__ \
	  --exclude .pytest_cache --exclude .ruff_cache . | tar -x -C $(SANITY_ROOT)
	@test -d $(SANITY_ROOT)/.git || git -C $(SANITY_ROOT) init --quiet
	@installed=$$($(BIN)/python -c 'import ansible_collections.amazon.aws as c, pathlib; \
	  print(pathlib.Path(c.__path__[0]).parents[1])'); \
	  for namespace in amazon community kubernetes; do \
	    ln -sfn "$$installed/$$namespace" $(SANITY_ROOT)/../../$$namespace; \
	  done
	@pip_version=$(ANSIBLE_TEST_PIP); cache_name=get_pip_$${pip_version//./_}.py; \
	  ls $(ANSIBLE_TEST_CACHE)/pip-$$pip_version-*.whl >/dev/null 2>&1 \
	    || $(BIN)/python -m pip download $(PIP_QUIET) --no-deps --only-binary=:all: \
	         --dest $(ANSIBLE_TEST_CACHE) "pip==$$pip_version"; \
	  cp tests/tools/ansible_test_get_pip.py $(ANSIBLE_TEST_CACHE)/$$cache_name
	@cd $(SANITY_ROOT) && HOME=$(SANITY_HOME) $(BIN)/ansible-test sanity --python 3.11 --local \
	  plugins/
