"""Secrets never print; credentials are validated; AES-GCM sealing is bound to its row and rotatable."""

from __future__ import annotations

import pickle

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.rsa import generate_private_key
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat

from apps.exchange.crypto import Keyring, _parse_key, generate_key_text
from apps.exchange.domain.errors import ConfigurationError
from apps.exchange.domain.secrets import CredentialFormatError, Secret, mask, validate_credential

API_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"


def _pem(key: object) -> str:
    return key.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()).decode()  # type: ignore[attr-defined]


def test_a_secret_shows_only_its_last_four_characters_however_it_is_printed() -> None:
    s = Secret(SECRET)
    for text in (str(s), repr(s), f"{s}", f"{s!r}", f"{s}", str([s]), str({"k": s})):
        assert SECRET not in text
        assert "…Tj0j" in text
    assert s.reveal() == SECRET
    assert mask("abc") == "…"


def test_a_secret_refuses_to_be_pickled_into_a_task_argument() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(Secret(SECRET))


def test_hmac_credentials_are_checked_for_format_and_length() -> None:
    material = validate_credential(api_key=API_KEY, key_type="HMAC", secret=SECRET)
    assert material.api_key.reveal() == API_KEY
    with pytest.raises(CredentialFormatError, match="16 to 128"):
        validate_credential(api_key="short", key_type="HMAC", secret=SECRET)
    with pytest.raises(CredentialFormatError, match="HMAC secret"):
        validate_credential(api_key=API_KEY, key_type="HMAC", secret="not a secret!")
    with pytest.raises(CredentialFormatError, match="HMAC or ED25519"):
        validate_credential(api_key=API_KEY, key_type="RSA", secret=SECRET)


def test_ed25519_credentials_need_an_unencrypted_ed25519_pem() -> None:
    pem = _pem(Ed25519PrivateKey.generate())
    assert validate_credential(api_key=API_KEY, key_type="ED25519", secret=pem).key_type == "ED25519"
    with pytest.raises(CredentialFormatError, match="not an Ed25519"):
        validate_credential(
            api_key=API_KEY, key_type="ED25519", secret=_pem(generate_private_key(65537, 2048))
        )
    with pytest.raises(CredentialFormatError, match="PEM"):
        validate_credential(api_key=API_KEY, key_type="ED25519", secret=SECRET)
    with pytest.raises(CredentialFormatError, match="HMAC secret was expected"):
        validate_credential(api_key=API_KEY, key_type="HMAC", secret=pem)


def test_a_format_error_never_echoes_the_value() -> None:
    with pytest.raises(CredentialFormatError) as info:
        validate_credential(api_key=API_KEY, key_type="HMAC", secret=SECRET + "!")
    assert SECRET not in str(info.value)


def test_sealed_secrets_open_only_with_the_same_row_and_field() -> None:
    ring = Keyring(_parse_key(generate_key_text(), "k"), [])
    token = ring.encrypt(Secret(SECRET), aad="row-1:secret")
    assert SECRET not in token
    assert ring.decrypt(token, aad="row-1:secret").reveal() == SECRET
    with pytest.raises(ConfigurationError, match="tampered or moved"):
        ring.decrypt(token, aad="row-2:secret")


def test_a_previous_master_key_still_opens_old_ciphertexts_after_rotation() -> None:
    old = _parse_key(generate_key_text(), "old")
    new = _parse_key(generate_key_text(), "new")
    token = Keyring(old, []).encrypt(Secret(SECRET), aad="a")
    rotated = Keyring(new, [old])
    assert rotated.decrypt(token, aad="a").reveal() == SECRET
    assert Keyring.key_id_of(rotated.encrypt(Secret(SECRET), aad="a")) == new.key_id
    with pytest.raises(ConfigurationError, match="neither TRADER_MASTER_KEY"):
        Keyring(new, []).decrypt(token, aad="a")


def test_a_master_key_of_the_wrong_size_is_refused_with_a_recipe() -> None:
    with pytest.raises(ConfigurationError, match="32 bytes"):
        _parse_key("c2hvcnQ=", "TRADER_MASTER_KEY")
    assert "MasterKey(key_id=" in repr(_parse_key(generate_key_text(), "k"))


def test_production_refuses_to_start_signing_without_a_master_key(settings: object) -> None:
    settings.TRADER_MASTER_KEY = None  # type: ignore[attr-defined]
    settings.PRODUCTION = True  # type: ignore[attr-defined]
    with pytest.raises(ConfigurationError, match="required in production"):
        Keyring.from_settings()
