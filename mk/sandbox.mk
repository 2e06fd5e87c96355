# The local sandbox: moto as AWS, the Kubernetes API emulator, PostgreSQL and Redis. See sandbox/.

.PHONY: sandbox-up sandbox-down sandbox-status sandbox-reset

sandbox-up: $(STAMP) $(BIN)/helm ## start the sandbox (idempotent) and print where everything is
	@$(BIN)/python -m sandbox up

sandbox-down: ## stop every sandbox server this project started
	@if [ -x $(BIN)/python ]; then $(BIN)/python -m sandbox down; else echo "sandbox: nothing to stop"; fi

sandbox-status: $(STAMP) ## what runs where
	@$(BIN)/python -m sandbox status

sandbox-reset: $(STAMP) ## clear all AWS resources and Kubernetes objects in the sandbox
	@$(BIN)/python -m sandbox reset aws kube
