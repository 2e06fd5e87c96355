# Kubernetes: the pinned Helm/kubectl binaries, static manifest validation, the emulator's conformance
# suite and its benchmark. See sandbox/helm.py, sandbox/validate_manifests.py and tests/kube/.

.PHONY: helm validate-manifests test-kube bench-kube

helm: $(BIN)/helm ## install the pinned Helm 3.17.2 and kubectl 1.32.3 into .venv/bin

# One extraction installs both binaries; kubectl rides on helm's target.
$(BIN)/helm $(BIN)/kubectl &: $(STAMP) sandbox/helm.py
	@$(BIN)/python -m sandbox.helm install --dest $(BIN)
	@touch $(BIN)/helm $(BIN)/kubectl

validate-manifests: $(BIN)/helm ## render every chart and validate it against Kubernetes 1.32 and known CRDs
	@$(BIN)/python -m sandbox.validate_manifests

test-kube: $(BIN)/helm ## the Kubernetes API emulator conformance suite (kubectl, kubernetes.core, Helm, client)
	@$(PYTEST) tests/kube

bench-kube: $(BIN)/helm ## print the emulator's start time, memory (idle, after 5,000 ConfigMaps) and GET/PATCH/POST rates
	@$(BIN)/python tests/kube/bench.py
