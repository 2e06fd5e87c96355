# The collection as users install it: the tarball, its test, and its docs site.

.PHONY: build test-build docs

DOCS_DIR := artifacts/docs

build: $(STAMP) ## the collection tarball users install, in artifacts/ (galaxy.yml's manifest says what ships)
	@mkdir -p artifacts
	@$(BIN)/ansible-galaxy collection build --force --output-path artifacts .

test-build: $(STAMP) ## build the tarball, install it into an empty path, ansible-doc it, run a phase from it
	@$(PYTEST) tests/build

docs: $(STAMP) ## the docs site (antsibull-docs + Sphinx, offline, warnings are errors) in artifacts/docs/html
	@rm -rf $(DOCS_DIR) && mkdir -p $(DOCS_DIR)/rst && chmod 700 $(DOCS_DIR)/rst
	@$(BIN)/python docs/site/ansible_inventory.py $(DOCS_DIR)/ansible_devel.inv
	@ANSIBLE_COLLECTIONS_PATH=$(CURDIR)/.cache/collections $(BIN)/antsibull-docs collection --use-current \
	  --squash-hierarchy --cleanup everything --dest-dir $(DOCS_DIR)/rst ecommerce_demo.platform
	@# The changelog is generated, not a collection page: it joins the index's table of contents here.
	@$(BIN)/python docs/site/changelog_page.py $(DOCS_DIR)/rst/changelog.rst
	@printf '\n.. toctree::\n  :maxdepth: 1\n  :caption: Changelog\n\n  changelog\n' >> $(DOCS_DIR)/rst/index.rst
	@ANSIBLE_DOCS_INVENTORY=$(CURDIR)/$(DOCS_DIR)/ansible_devel.inv $(BIN)/sphinx-build -q -W --keep-going \
	  -c docs/site $(DOCS_DIR)/rst $(DOCS_DIR)/html
	@echo "docs: $(DOCS_DIR)/html/index.html"
