"""moto in server mode as the sandbox's AWS, with fidelity patches for fields real AWS returns."""
