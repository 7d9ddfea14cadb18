"""Fixtures for the OAuth tests: an RSA key pair, and FakeOAuth + FakeCoze mounted together on respx."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import respx
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from coze_client.testing import FakeCoze
from coze_client.testing.fake_oauth import FakeOAuth

BASE = "https://api.coze.cn"


@dataclass
class KeyPair:
    private_pem: str
    public_pem: str


@pytest.fixture(scope="session")
def keypair() -> KeyPair:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public_pem = key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()
    return KeyPair(private_pem, public_pem)


@dataclass
class Services:
    oauth: FakeOAuth
    api: FakeCoze
    router: respx.MockRouter


@pytest.fixture
def services() -> Iterator[Services]:
    """FakeOAuth linked to a FakeCoze: the API accepts exactly the tokens the OAuth fake issued."""
    api = FakeCoze()
    oauth = FakeOAuth(api=api, device_interval=0.01, device_expires_in=5.0)
    with oauth.mock(api) as router:  # the OAuth paths first: FakeCoze routes the whole host
        yield Services(oauth, api, router)
