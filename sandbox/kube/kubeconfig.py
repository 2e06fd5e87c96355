"""The emulator's credentials and client configuration: bearer token, self-signed certificate, kubeconfigs."""

from __future__ import annotations

import base64
import datetime
import ipaddress
import secrets
import sys
from pathlib import Path

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

CLUSTER_NAME = "ecommerce-demo"
TOKEN_FILE = "token"  # noqa: S105 - a file name, not a secret
CERT_FILE = "apiserver.crt"
KEY_FILE = "apiserver.key"


def ensure_token(state_dir: Path) -> str:
    path = state_dir / TOKEN_FILE
    if not path.exists():
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def ensure_certificate(state_dir: Path) -> tuple[Path, Path]:
    """A self-signed serving certificate for 127.0.0.1/localhost, made once and kept with the state."""
    cert_path, key_path = state_dir / CERT_FILE, state_dir / KEY_FILE
    if cert_path.exists() and key_path.exists():
        return cert_path, key_path
    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kube-apiserver")])
    now = datetime.datetime.now(datetime.UTC)
    certificate = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=3650))
        .add_extension(
            x509.SubjectAlternativeName(
                [
                    x509.DNSName("localhost"),
                    x509.DNSName("kubernetes.default.svc"),
                    x509.IPAddress(ipaddress.ip_address("127.0.0.1")),
                ]
            ),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    key_path.chmod(0o600)
    cert_path.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
    return cert_path, key_path


def _document(server: str, ca_path: Path | None, user: dict) -> dict:
    cluster: dict = {"server": server}
    if ca_path is not None:
        cluster["certificate-authority-data"] = base64.b64encode(ca_path.read_bytes()).decode()
    return {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": CLUSTER_NAME, "cluster": cluster}],
        "contexts": [{"name": CLUSTER_NAME, "context": {"cluster": CLUSTER_NAME, "user": CLUSTER_NAME}}],
        "current-context": CLUSTER_NAME,
        "preferences": {},
        "users": [{"name": CLUSTER_NAME, "user": user}],
    }


def write_kubeconfigs(state_dir: Path, server: str, token: str, ca_path: Path | None) -> tuple[Path, Path]:
    """<state>/kubeconfig (bearer token) and <state>/kubeconfig-exec (an EKS-style exec credential plugin)."""
    plain = state_dir / "kubeconfig"
    exec_variant = state_dir / "kubeconfig-exec"
    plain.write_text(yaml.safe_dump(_document(server, ca_path, {"token": token}), sort_keys=False))
    exec_user = {
        "exec": {
            "apiVersion": "client.authentication.k8s.io/v1beta1",
            "command": sys.executable,
            "args": ["-m", "sandbox.kube", "token", "--state-dir", str(state_dir.resolve())],
            "env": [{"name": "PYTHONPATH", "value": str(Path(__file__).resolve().parents[2])}],
            "interactiveMode": "Never",
            "provideClusterInfo": False,
        }
    }
    exec_variant.write_text(yaml.safe_dump(_document(server, ca_path, exec_user), sort_keys=False))
    for path in (plain, exec_variant):
        path.chmod(0o600)
    return plain, exec_variant


def exec_credential(state_dir: Path) -> dict:
    """What `aws eks get-token` prints, with the emulator's token."""
    expiry = datetime.datetime.now(datetime.UTC) + datetime.timedelta(minutes=14)
    return {
        "kind": "ExecCredential",
        "apiVersion": "client.authentication.k8s.io/v1beta1",
        "spec": {},
        "status": {
            "expirationTimestamp": expiry.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "token": (state_dir / TOKEN_FILE).read_text().strip(),
        },
    }
