# What users run: the platform against the sandbox (or real AWS with INVENTORY=inventories/demo).

.PHONY: demo teardown

INVENTORY ?= inventories/local
PLAYBOOK_ARGS ?=

demo: sandbox-up ## set everything up and run site.yml against the sandbox
	@$(BIN)/ansible-playbook -i $(INVENTORY) site.yml $(PLAYBOOK_ARGS)

teardown: $(STAMP) ## run teardown.yml (state backend included) and stop the sandbox
	@$(BIN)/python -m sandbox up aws
	@$(BIN)/ansible-playbook -i $(INVENTORY) teardown.yml -e teardown_state_backend=true $(PLAYBOOK_ARGS)
	@$(MAKE) --no-print-directory sandbox-down
