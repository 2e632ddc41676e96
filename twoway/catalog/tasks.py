"""Background entry points of the catalogue; each calls a service.

``catalog.import_job_run`` runs one import job (sent by the seller center and the API after the
upload and after "import"); ``catalog.imports_run`` (every 2 s on the schedule) runs waiting jobs
— how the demo's in-process scheduler runs long files, and a safety net for lost messages.
"""

from __future__ import annotations

from celery import shared_task


@shared_task(name="catalog.import_job_run", ignore_result=True)
def import_job_run(job_id: int) -> str:
    from .bulk.services import import_job_run as run

    return run(job_id)


@shared_task(name="catalog.imports_run", ignore_result=True)
def imports_run() -> int:
    from .bulk.services import imports_run as run

    return run()
