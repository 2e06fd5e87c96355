# What users run: the platform against the sandbox (or real AWS with INVENTORY=inventories/demo).

.PHONY: demo teardown

INVENTORY ?= inventories/local
PLAYBOOK_ARGS ?=

demo: sandbox-up ## set everything up and run site.yml against the sandbox: the shop on http://127.0.0.1:8080
	@$(BIN)/ansible-playbook -i $(INVENTORY) site.yml $(PLAYBOOK_ARGS)
	@if [ "$(INVENTORY)" = inventories/local ]; then \
	  echo "The shop: http://127.0.0.1:$${SANDBOX_SHOP_PORT:-8080}  (make teardown stops it and everything else)"; fi

teardown: $(STAMP) ## run teardown.yml (state backend included) and stop the sandbox
	@$(BIN)/python -m sandbox up
	@$(BIN)/ansible-playbook -i $(INVENTORY) teardown.yml -e teardown_state_backend=true $(PLAYBOOK_ARGS)
	@$(MAKE) --no-print-directory sandbox-down
