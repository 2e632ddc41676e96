"""Payment keys: the only module of the payments providers layer that reads settings.

Sandbox: two RSA-2048 key pairs are generated on first use and kept in the key directory
(``TWOWAY_PAYMENT_KEY_DIR``, default ``VAR_DIR/keys``), PEM, mode 0600 — the *wallet's* pair (the
sandbox wallet signs notifications with its private key; the merchant verifies with its public
key, standing in for "the Alipay public key" / "the WeChat Pay platform key") and the *merchant's*
pair (we sign gateway requests with it). The WeChat APIv3 key (32 characters) is generated there
too unless ``WECHAT_APIV3_KEY`` is set.

Production: point the settings (or environment variables of the same name) at the real keys —
``ALIPAY_PUBLIC_KEY_PATH`` + ``ALIPAY_APP_PRIVATE_KEY_PATH``; ``WECHAT_PLATFORM_PUBLIC_KEY_PATH``
(a PEM public key or the platform certificate) + ``WECHAT_PLATFORM_SERIAL`` +
``WECHAT_MCH_PRIVATE_KEY_PATH`` + ``WECHAT_MCH_SERIAL`` + ``WECHAT_APIV3_KEY``. Sandbox keys are
refused when ``TWOWAY_PAYMENTS_SANDBOX`` is false, which is its default under the production
settings module, so a production deployment can never accept a sandbox-signed notification.
"""

from __future__ import annotations

import functools
import os
import secrets
import string
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import rsa
from django.core.exceptions import ImproperlyConfigured

from twoway.payments.providers import alipay, wechat
from twoway.payments.providers.signing import (
    load_private_pem,
    load_public_pem,
    private_pem,
    public_key_serial,
    public_pem,
)

DEFAULT_ALIPAY_APP_ID = "2021000000000000"
DEFAULT_ALIPAY_SELLER_ID = "2088000000000001"
DEFAULT_WECHAT_APP_ID = "wx0000000000000001"
DEFAULT_WECHAT_MCH_ID = "1900000001"
APIV3_KEY_LENGTH = 32
ALIPAY_SANDBOX_GATEWAY = alipay.SANDBOX_GATEWAY_URL
ALIPAY_PRODUCTION_GATEWAY = "https://openapi.alipay.com/gateway.do"
WECHAT_SANDBOX_GATEWAY = wechat.SANDBOX_GATEWAY_URL

WALLET_PRIVATE = "payments-wallet-private.pem"
WALLET_PUBLIC = "payments-wallet-public.pem"
MERCHANT_PRIVATE = "payments-merchant-private.pem"
MERCHANT_PUBLIC = "payments-merchant-public.pem"
APIV3_KEY_FILE = "payments-wechat-apiv3-key"


def _setting(name: str, default: Any = None) -> Any:
    """``getattr(settings, name)``, then the environment variable of that name, then default."""
    from django.conf import settings

    value = getattr(settings, name, None) if settings.configured else None
    if value in (None, ""):
        value = os.environ.get(name) or None
    return default if value is None else value


def key_dir() -> Path:
    configured = _setting("TWOWAY_PAYMENT_KEY_DIR")
    if configured:
        return Path(configured)
    from django.conf import settings

    var_dir = getattr(settings, "VAR_DIR", None) if settings.configured else None
    if var_dir is None:
        raise ImproperlyConfigured("Set TWOWAY_PAYMENT_KEY_DIR or VAR_DIR for payment keys.")
    return Path(var_dir) / "keys"


def sandbox_allowed() -> bool:
    """Sandbox keys are allowed unless TWOWAY_PAYMENTS_SANDBOX says no; production defaults to no."""
    from twoway.core.sandbox import sandbox_enabled

    return sandbox_enabled()


# --- sandbox key pairs ----------------------------------------------------------------------


@dataclass(frozen=True)
class SandboxKeys:
    key_dir: Path
    alipay_app_id: str
    alipay_seller_id: str
    wechat_app_id: str
    wechat_mch_id: str
    wallet_private_key: rsa.RSAPrivateKey = field(repr=False)
    wallet_public_key: rsa.RSAPublicKey = field(repr=False)
    merchant_private_key: rsa.RSAPrivateKey = field(repr=False)
    merchant_public_key: rsa.RSAPublicKey = field(repr=False)
    wechat_apiv3_key: bytes = field(repr=False)

    @property
    def wallet_serial(self) -> str:
        """``Wechatpay-Serial`` of the sandbox platform key."""
        return public_key_serial(self.wallet_public_key)

    @property
    def merchant_serial(self) -> str:
        return public_key_serial(self.merchant_public_key)


def _write_new(path: Path, data: bytes) -> None:
    """Create ``path`` (mode 0600) unless it exists; safe when two processes race."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)  # never overwrites: the first writer wins
    except FileExistsError:
        pass
    finally:
        tmp.unlink()


@functools.lru_cache(maxsize=16)
def _load_private_cached(path: str, mtime_ns: int, size: int) -> rsa.RSAPrivateKey:
    # Loading checks the RSA key (~0.1 s); cache by file identity so a request does not pay it.
    return load_private_pem(Path(path).read_bytes())


def _load_private(path: Path) -> rsa.RSAPrivateKey:
    try:
        stat = path.stat()
    except OSError as exc:
        raise ImproperlyConfigured(f"cannot read the private key {path}: {exc}") from exc
    return _load_private_cached(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def _ensure_key_pair(
    directory: Path, private_name: str, public_name: str
) -> tuple[rsa.RSAPrivateKey, rsa.RSAPublicKey]:
    private_path, public_path = directory / private_name, directory / public_name
    if not private_path.exists():
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        _write_new(private_path, private_pem(key))
    private_key = _load_private(private_path)
    public_key = private_key.public_key()
    if not public_path.exists():
        _write_new(public_path, public_pem(public_key))
    if load_public_pem(public_path.read_bytes()).public_numbers() != public_key.public_numbers():
        raise ImproperlyConfigured(f"{public_path} does not match {private_path}.")
    return private_key, public_key


def _apiv3_key(directory: Path) -> bytes:
    configured = _setting("WECHAT_APIV3_KEY")
    if configured:
        key = str(configured).encode()
    else:
        path = directory / APIV3_KEY_FILE
        if not path.exists():
            alphabet = string.ascii_letters + string.digits
            generated = "".join(secrets.choice(alphabet) for _ in range(APIV3_KEY_LENGTH))
            _write_new(path, generated.encode())
        key = path.read_bytes().strip()
    if len(key) != APIV3_KEY_LENGTH:
        raise ImproperlyConfigured("WECHAT_APIV3_KEY must be exactly 32 ASCII characters.")
    return key


def ensure_sandbox_keys(directory: Path | None = None) -> SandboxKeys:
    """Load the sandbox keys from ``directory``, generating missing ones.

    Without ``directory`` this uses the configured key dir and refuses when the sandbox is off;
    an explicit directory (tests, demo set-up) is always allowed."""
    if directory is None and not sandbox_allowed():
        raise ImproperlyConfigured("Sandbox payment keys are disabled (TWOWAY_PAYMENTS_SANDBOX).")
    directory = Path(directory) if directory is not None else key_dir()
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    wallet_private, wallet_public = _ensure_key_pair(directory, WALLET_PRIVATE, WALLET_PUBLIC)
    merchant_private, merchant_public = _ensure_key_pair(
        directory, MERCHANT_PRIVATE, MERCHANT_PUBLIC
    )
    return SandboxKeys(
        key_dir=directory,
        alipay_app_id=str(_setting("ALIPAY_APP_ID", DEFAULT_ALIPAY_APP_ID)),
        alipay_seller_id=str(_setting("ALIPAY_SELLER_ID", DEFAULT_ALIPAY_SELLER_ID)),
        wechat_app_id=str(_setting("WECHAT_APP_ID", DEFAULT_WECHAT_APP_ID)),
        wechat_mch_id=str(_setting("WECHAT_MCH_ID", DEFAULT_WECHAT_MCH_ID)),
        wallet_private_key=wallet_private,
        wallet_public_key=wallet_public,
        merchant_private_key=merchant_private,
        merchant_public_key=merchant_public,
        wechat_apiv3_key=_apiv3_key(directory),
    )


# --- what each provider needs (production paths or the sandbox) -------------------------------


@dataclass(frozen=True)
class AlipayKeys:
    app_id: str
    seller_id: str | None
    alipay_public_key: rsa.RSAPublicKey = field(repr=False)
    app_private_key: rsa.RSAPrivateKey = field(repr=False)
    gateway_url: str
    sandbox: bool


@dataclass(frozen=True)
class WechatKeys:
    app_id: str
    mch_id: str
    apiv3_key: bytes = field(repr=False)
    platform_public_keys: dict[str, rsa.RSAPublicKey] = field(repr=False)
    merchant_private_key: rsa.RSAPrivateKey = field(repr=False)
    merchant_serial: str
    gateway_url: str
    sandbox: bool


def _read(setting: str) -> bytes:
    path = Path(_require_setting(setting))
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ImproperlyConfigured(f"{setting}: cannot read {path}: {exc}") from exc


def _require_setting(name: str) -> str:
    value = _setting(name)
    if not value:
        raise ImproperlyConfigured(f"{name} must be set for the production provider.")
    return str(value)


def alipay_keys(directory: Path | None = None) -> AlipayKeys:
    """Production keys when ALIPAY_PUBLIC_KEY_PATH is set, else the sandbox keys (always the
    sandbox keys in ``directory`` when one is given)."""
    if directory is None and _setting("ALIPAY_PUBLIC_KEY_PATH"):
        _require_setting("ALIPAY_APP_PRIVATE_KEY_PATH")
        return AlipayKeys(
            app_id=_require_setting("ALIPAY_APP_ID"),
            seller_id=_require_setting("ALIPAY_SELLER_ID"),  # every notification is checked
            alipay_public_key=load_public_pem(_read("ALIPAY_PUBLIC_KEY_PATH")),
            app_private_key=_load_private(Path(_require_setting("ALIPAY_APP_PRIVATE_KEY_PATH"))),
            gateway_url=str(_setting("ALIPAY_GATEWAY_URL", ALIPAY_PRODUCTION_GATEWAY)),
            sandbox=False,
        )
    keys = ensure_sandbox_keys(directory)
    return AlipayKeys(
        app_id=keys.alipay_app_id,
        seller_id=keys.alipay_seller_id,
        alipay_public_key=keys.wallet_public_key,
        app_private_key=keys.merchant_private_key,
        gateway_url=str(_setting("ALIPAY_GATEWAY_URL", ALIPAY_SANDBOX_GATEWAY)),
        sandbox=True,
    )


def wechat_keys(directory: Path | None = None) -> WechatKeys:
    """Production keys when WECHAT_PLATFORM_PUBLIC_KEY_PATH is set, else the sandbox keys (always
    the sandbox keys in ``directory`` when one is given)."""
    if directory is None and _setting("WECHAT_PLATFORM_PUBLIC_KEY_PATH"):
        apiv3 = _require_setting("WECHAT_APIV3_KEY").encode()
        if len(apiv3) != APIV3_KEY_LENGTH:
            raise ImproperlyConfigured("WECHAT_APIV3_KEY must be exactly 32 ASCII characters.")
        return WechatKeys(
            app_id=_require_setting("WECHAT_APP_ID"),
            mch_id=_require_setting("WECHAT_MCH_ID"),
            apiv3_key=apiv3,
            platform_public_keys={
                _require_setting("WECHAT_PLATFORM_SERIAL"): load_public_pem(
                    _read("WECHAT_PLATFORM_PUBLIC_KEY_PATH")
                )
            },
            merchant_private_key=_load_private(
                Path(_require_setting("WECHAT_MCH_PRIVATE_KEY_PATH"))
            ),
            merchant_serial=_require_setting("WECHAT_MCH_SERIAL"),
            gateway_url=_require_setting("WECHAT_GATEWAY_URL"),
            sandbox=False,
        )
    keys = ensure_sandbox_keys(directory)
    return WechatKeys(
        app_id=keys.wechat_app_id,
        mch_id=keys.wechat_mch_id,
        apiv3_key=keys.wechat_apiv3_key,
        platform_public_keys={keys.wallet_serial: keys.wallet_public_key},
        merchant_private_key=keys.merchant_private_key,
        merchant_serial=keys.merchant_serial,
        gateway_url=str(_setting("WECHAT_GATEWAY_URL", WECHAT_SANDBOX_GATEWAY)),
        sandbox=True,
    )
