"""The local sandbox: moto as AWS, a Kubernetes API emulator as the cluster, PostgreSQL and Redis.

`python -m sandbox up|down|status|reset|env` manages it; `make sandbox-up` and friends call that.
"""
