"""`twoway rotate-keys`: re-encrypt resident ID numbers and re-hash them with new keys.

Procedure (README "Security"):
1. ``twoway rotate-keys --generate`` prints two fresh keys.
2. Stop the web and worker processes (no identity may be written meanwhile).
3. With the *old* keys still in TWOWAY_ID_ENCRYPTION_KEY / TWOWAY_ID_HASH_KEY, run
   ``TWOWAY_NEW_ID_ENCRYPTION_KEY=… TWOWAY_NEW_ID_HASH_KEY=… twoway rotate-keys``
   (``--dry-run`` first to see the counts). One transaction: all rows or none.
4. Put the new keys in TWOWAY_ID_ENCRYPTION_KEY / TWOWAY_ID_HASH_KEY and start again.
The keys are read from the environment, never from the command line (shell history).
"""

from __future__ import annotations

import base64
import os
import secrets
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser

from twoway.checkout.key_rotation import keys_rotate
from twoway.identity.crypto import decode_key


class Command(BaseCommand):
    help = "Re-encrypt and re-hash resident ID numbers with new keys (one transaction)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--generate", action="store_true", help="Print two new keys and stop.")
        parser.add_argument("--dry-run", action="store_true", help="Count, change nothing.")

    def handle(self, *args: Any, generate: bool, dry_run: bool, **options: Any) -> None:
        if generate:
            for name in ("TWOWAY_NEW_ID_ENCRYPTION_KEY", "TWOWAY_NEW_ID_HASH_KEY"):
                key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
                self.stdout.write(f"{name}={key}")
            return
        try:
            new_enc = decode_key(
                os.environ.get("TWOWAY_NEW_ID_ENCRYPTION_KEY", ""), "TWOWAY_NEW_ID_ENCRYPTION_KEY"
            )
            new_hash = decode_key(
                os.environ.get("TWOWAY_NEW_ID_HASH_KEY", ""), "TWOWAY_NEW_ID_HASH_KEY"
            )
        except ImproperlyConfigured as exc:
            raise CommandError(f"{exc} (twoway rotate-keys --generate makes a pair)") from exc
        result = keys_rotate(new_encryption_key=new_enc, new_hash_key=new_hash, dry_run=dry_run)
        verb = "would re-key" if dry_run else "re-keyed"
        self.stdout.write(
            f"{verb} {result.identities} identities, {result.quota_rows} quota rows, "
            f"{result.orders} orders; {result.orphan_quota_rows} quota rows have no identity "
            "left and keep the old hash."
        )
        if not dry_run:
            self.stdout.write(
                "Now set TWOWAY_ID_ENCRYPTION_KEY and TWOWAY_ID_HASH_KEY to the "
                "new keys and restart."
            )
