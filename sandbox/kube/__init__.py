"""A Kubernetes API emulator for the sandbox: what kubectl, kubernetes.core and Helm 3 need, nothing more.

See docs/sandbox-kubernetes.md for what it emulates and, as importantly, what it does not.
"""
