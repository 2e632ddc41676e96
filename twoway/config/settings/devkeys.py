"""Development keys: generated once per checkout and kept in var/keys (never committed).

Production never uses these: ``production.py`` reads every key from the environment.
"""

from __future__ import annotations

import base64
import os
import secrets

from .base import VAR_DIR


def dev_key(name: str) -> str:
    env_name = "TWOWAY_DEV_" + name.upper().replace("-", "_")
    if os.environ.get(env_name):
        return os.environ[env_name]
    key_dir = VAR_DIR / "keys"
    key_dir.mkdir(parents=True, exist_ok=True)
    path = key_dir / name
    if not path.exists():
        path.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        path.chmod(0o600)
    return path.read_text().strip()
