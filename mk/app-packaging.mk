# Packaging of the storefront: its Dockerfiles (app/*/Dockerfile, context app/) and Helm chart (app/chart).
# No container engine runs here, so the images are linted and checked statically, never built.

.PHONY: lint-chart lint-dockerfiles test-app-packaging

lint-chart: $(BIN)/helm ## helm lint --strict; rendered chart vs Kubernetes 1.32 and the ESO CRDs
	@$(BIN)/python -m sandbox.validate_manifests app/chart

lint-dockerfiles: $(STAMP) ## hadolint the storefront Dockerfiles
	@$(BIN)/hadolint app/backend/Dockerfile app/frontend/Dockerfile

test-app-packaging: $(BIN)/helm ## pytest of the Dockerfiles and the Helm chart (tests/app/packaging)
	@$(PYTEST) tests/app/packaging
