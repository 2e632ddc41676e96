"""Loading reference data: parse a whole file, refuse it at its first bad cell, then write it.

A load is idempotent and the file is the truth: rows are matched on their natural key, changed
rows are updated, new rows created and rows no longer in the file deleted, all in one
transaction, and the load is recorded in ``ReferenceDataset`` (file, SHA-256, rows,
completeness). Other contexts react to a reload by registering a callable in
``AFTER_LOAD_HOOKS[dataset_name]`` from their ``AppConfig.ready``; hooks run after commit.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone

from twoway.core.errors import DomainError

from .csvparse import cell_error, file_sha256, read_csv
from .datasets import BY_LIST_KIND, BY_NAME, DATA_DIR, DATASETS, Dataset, ParseContext, ParsedRow
from .models import DatasetCompleteness, ReferenceDataset, UsState

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class LoadResult:
    name: str
    file_name: str
    sha256: str
    row_count: int
    completeness: str
    created: int = 0
    updated: int = 0
    deleted: int = 0
    skipped: bool = False
    dry_run: bool = False
    reason: str = ""
    existing_count: int = 0
    added_keys: tuple[str, ...] = ()
    changed_keys: tuple[str, ...] = ()
    removed_keys: tuple[str, ...] = ()

    @property
    def drop_share(self) -> float:
        """Share of the rows in force that this load removes (0 when nothing was in force)."""
        return self.deleted / self.existing_count if self.existing_count else 0.0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted)


AfterLoadHook = Callable[[LoadResult], None]
AFTER_LOAD_HOOKS: dict[str, list[AfterLoadHook]] = {d.name: [] for d in DATASETS}


def after_load_register(*, name: str, hook: AfterLoadHook) -> None:
    """Call ``hook(result)`` after each committed load of dataset ``name`` (from AppConfig.ready)."""
    if name not in BY_NAME:
        raise DomainError.one("name", "unknown_dataset", f"Unknown reference dataset '{name}'.")
    if hook not in AFTER_LOAD_HOOKS[name]:
        AFTER_LOAD_HOOKS[name].append(hook)


def _reference_cache_clear() -> None:
    """Forget cached rows in force in this process (other processes expire theirs within
    ``selectors.CACHE_SECONDS``)."""
    from .selectors import cache_clear

    cache_clear()


def reference_load_all(*, if_changed: bool = False) -> list[LoadResult]:
    """Load every dataset shipped in ``twoway/reference/data``, in one transaction.

    With ``if_changed`` a dataset whose recorded SHA-256 equals its file's is skipped. A dataset
    last loaded from an operator's official file (``twoway loadlist``) is kept, not downgraded to
    the repo's sample; ``dataset_load(name=...)`` reloads the repo file on purpose.
    """
    _reference_cache_clear()
    results: list[LoadResult] = []
    with transaction.atomic():
        for dataset in DATASETS:
            path = dataset.shipped_file(DATA_DIR)
            record = ReferenceDataset.objects.filter(name=dataset.name).first()
            if record is not None and record.file_name not in dataset.shipped_paths:
                results.append(
                    _skipped(dataset, record, f"kept the official file {record.file_name}")
                )
                continue
            unchanged = record is not None and record.file_name == _label(dataset, path)[0]
            if (
                if_changed
                and unchanged
                and record is not None
                and record.sha256 == file_sha256(path)
            ):
                results.append(_skipped(dataset, record, "unchanged since the last load"))
                continue
            results.append(_load(dataset, path=path, dry_run=False))
    return results


def dataset_load(*, name: str, path: Path | None = None, dry_run: bool = False) -> LoadResult:
    """Load one dataset from the repo's file, or from ``path`` (an official list)."""
    _reference_cache_clear()
    dataset = BY_NAME.get(name)
    if dataset is None:
        raise DomainError.one("name", "unknown_dataset", f"Unknown reference dataset '{name}'.")
    with transaction.atomic():
        file = Path(path) if path else dataset.shipped_file(DATA_DIR)
        return _load(dataset, path=file, dry_run=dry_run)


def max_drop_share() -> float:
    """The largest share of a list's rows a reload may remove without ``allow_shrink``
    (``TWOWAY_LIST_MAX_DROP_SHARE``, default 0.10; see README "Operator commands")."""
    from django.conf import settings

    return float(getattr(settings, "TWOWAY_LIST_MAX_DROP_SHARE", 0.10))


def list_load(
    *,
    kind: str,
    path: Path,
    dry_run: bool = False,
    allow_shrink: bool = False,
    actor: str = "",
) -> LoadResult:
    """Load an official list (positive, ilab, uflpa, tariffs) from an operator's file.

    A reload that would remove more than ``max_drop_share()`` of the rows in force (a truncated
    or header-only file would empty the list) is refused unless ``allow_shrink``. Every attempt
    (loaded, dry run, refused) is recorded in ``ListLoad`` with who, when, file hash and counts.
    """
    _reference_cache_clear()
    dataset = BY_LIST_KIND.get(kind)
    if dataset is None:
        kinds = ", ".join(sorted(BY_LIST_KIND))
        raise DomainError.one("kind", "unknown_list", f"Unknown list '{kind}' (one of {kinds}).")
    limit = max_drop_share()
    refused: LoadResult | None = None
    with transaction.atomic():
        result = _load(dataset, path=Path(path), dry_run=True)
        if result.drop_share > limit and not allow_shrink and not dry_run:
            refused = result
        elif not dry_run:
            result = _load(dataset, path=Path(path), dry_run=False)
    outcome = "refused" if refused else ("dry_run" if dry_run else "loaded")
    _list_load_record(
        kind=kind, result=result, outcome=outcome, actor=actor, allow_shrink=allow_shrink
    )
    if refused is not None:
        raise DomainError.one(
            "file",
            "shrink_refused",
            f"{refused.file_name} would remove {refused.deleted} of the {refused.existing_count} "
            f"rows of the {kind} list in force ({refused.drop_share:.0%}, more than "
            f"{limit:.0%}); nothing was changed. Check the file, or pass --allow-shrink if the "
            "official list really shrank.",
        )
    return result


def _list_load_record(
    *, kind: str, result: LoadResult, outcome: str, actor: str, allow_shrink: bool
) -> None:
    from .models import ListLoad

    ListLoad.objects.create(
        kind=kind, dataset=result.name, outcome=outcome, actor=actor[:150],
        file_name=result.file_name[:300], sha256=result.sha256, row_count=result.row_count,
        rows_before=result.existing_count, added=result.created, changed=result.updated,
        removed=result.deleted, allow_shrink=allow_shrink, loaded_at=timezone.now(),
    )  # fmt: skip


# ---------------------------------------------------------------- internals


def _skipped(dataset: Dataset, record: ReferenceDataset, reason: str) -> LoadResult:
    return LoadResult(
        name=dataset.name,
        file_name=record.file_name,
        sha256=record.sha256,
        row_count=record.row_count,
        completeness=record.completeness,
        skipped=True,
        reason=reason,
    )


def _label(dataset: Dataset, path: Path) -> tuple[str, bool]:
    """The file's name as recorded and shown in messages, and whether it is an operator's file."""
    resolved = path.resolve()
    try:
        return resolved.relative_to(DATA_DIR).as_posix(), False
    except ValueError:
        return str(resolved), True


def _load(dataset: Dataset, *, path: Path, dry_run: bool) -> LoadResult:
    label, official = _label(dataset, path)
    parsed = _parse(dataset, path=path, label=label, official=official)
    sha256 = file_sha256(path)
    model = dataset.model
    existing = {_key(obj, dataset.key): obj for obj in model._default_manager.all()}
    to_create: list[models.Model] = []
    to_update: list[tuple[models.Model, dict[str, Any]]] = []
    for row in parsed:
        current = existing.pop(row.key, None)
        if current is None:
            to_create.append(_validated(model(**row.values), row, label))
            continue
        changes = {f: v for f, v in row.values.items() if getattr(current, f) != v}
        if changes:
            for field_name, value in changes.items():
                setattr(current, field_name, value)
            to_update.append((_validated(current, row, label), changes))
    to_delete = list(existing.values())
    existing_count = len(parsed) - len(to_create) + len(to_delete)
    completeness, note = _completeness(dataset, rows=len(parsed), official=official, label=label)
    result = LoadResult(
        name=dataset.name,
        file_name=label,
        sha256=sha256,
        row_count=len(parsed),
        completeness=completeness,
        created=len(to_create),
        updated=len(to_update),
        deleted=len(to_delete),
        dry_run=dry_run,
        existing_count=existing_count,
        added_keys=tuple(_key_label(_key(o, dataset.key)) for o in to_create),
        changed_keys=tuple(_key_label(_key(o, dataset.key)) for o, _c in to_update),
        removed_keys=tuple(_key_label(_key(o, dataset.key)) for o in to_delete),
    )
    if dry_run:
        return result
    _delete(to_delete, label)
    model._default_manager.bulk_create(to_create)
    for obj, changes in to_update:
        obj.save(update_fields=list(changes))
    _record(dataset, result, note)
    for hook in AFTER_LOAD_HOOKS.get(dataset.name, []):
        transaction.on_commit(functools.partial(hook, result))
    logger.debug("reference dataset %s loaded from %s: %s", dataset.name, label, result)
    return result


def _key_label(key: Any) -> str:
    if isinstance(key, tuple):
        return " / ".join(str(k) for k in key)
    return str(key)


def _parse(dataset: Dataset, *, path: Path, label: str, official: bool) -> list[ParsedRow]:
    csv_file = read_csv(
        path,
        label=label,
        required=() if official and dataset.one_of else dataset.required,
        one_of=dataset.one_of,
    )
    context = ParseContext(official=official, file_name=label, today=timezone.now().date())
    if dataset.name == "state_exports_to_china":
        context.state_regions = dict(UsState.objects.values_list("code", "region"))
    parsed: list[ParsedRow] = []
    seen: dict[tuple[Any, ...], int] = {}
    for row in csv_file.rows:
        values = dataset.parse(row, context)
        if values is None:  # e.g. a heading of an official schedule, without a rate
            continue
        key = tuple(values[k] for k in dataset.key)
        if key in seen:
            raise cell_error(
                label,
                row.line,
                dataset.key[0],
                "duplicate",
                f"{_show(key)} repeats the row on line {seen[key]}",
            )
        seen[key] = row.line
        parsed.append(ParsedRow(line=row.line, key=key, values=values))
    if dataset.check is not None:
        dataset.check(label, parsed)
    return parsed


def _show(key: tuple[Any, ...]) -> str:
    return "'" + " / ".join(str(part) for part in key) + "'"


def _key(obj: models.Model, fields: tuple[str, ...]) -> tuple[Any, ...]:
    return tuple(getattr(obj, f) for f in fields)


def _validated(obj: models.Model, row: ParsedRow, label: str) -> models.Model:
    """full_clean each row; uniqueness is the natural key checked above and the database's."""
    try:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field_name, messages = next(iter(exc.message_dict.items()))
        raise cell_error(label, row.line, field_name, "invalid", "; ".join(messages)) from None
    return obj


def _delete(objects: list[models.Model], label: str) -> None:
    for obj in objects:
        try:
            obj.delete()
        except (ProtectedError, RestrictedError):
            raise DomainError.one(
                "file",
                "still_referenced",
                f"{label}: '{obj}' is no longer in the file but is still used; "
                "keep its row (with effective_to) instead of removing it",
            ) from None


def _completeness(dataset: Dataset, *, rows: int, official: bool, label: str) -> tuple[str, str]:
    size = dataset.official_size
    if not official:
        note = dataset.completeness_note.format(rows=rows, official_size=size)
        return str(dataset.completeness), note
    if size is not None and rows < size:
        return (
            str(DatasetCompleteness.PARTIAL),
            f"Official file {label}: {rows} rows, fewer than the {size} of the official list.",
        )
    return str(DatasetCompleteness.COMPLETE), f"Official file {label}: {rows} rows."


def _record(dataset: Dataset, result: LoadResult, note: str) -> None:
    record = ReferenceDataset.objects.filter(name=dataset.name).first() or ReferenceDataset(
        name=dataset.name
    )
    record.title = dataset.title
    record.file_name = result.file_name
    record.sha256 = result.sha256
    record.row_count = result.row_count
    record.completeness = result.completeness
    record.official_size = dataset.official_size
    record.completeness_note = note
    record.loaded_at = timezone.now()
    record.full_clean()
    record.save()
