"""Submitting a batch: create it, stage the inputs, submit, monitor, download, retire.

Run it against your project::

    BOINC_PROJECT_URL=https://example.org/myproject/ BOINC_AUTHENTICATOR=... python submitting_a_batch.py

The project needs an app ``worker`` whose input template has one input file.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from boinc.submit import BatchCounts, BatchDesc, BoincServer, FileDesc, JobDesc

INPUTS = ["hello from staged file A (r3)\n", "second staged file, b (r3)\n"]


def main(url: str, authenticator: str, workdir: Path, poll_seconds: float = 60.0) -> list[str]:
    """Run one batch of two jobs from start to end; return the names of the output files."""
    with BoincServer(url, authenticator, timeout=120) as server:
        return _run(server, workdir, poll_seconds)


def _run(server: BoincServer, workdir: Path, poll_seconds: float) -> list[str]:

    # 1. An empty batch, so that the input files can be associated with it.
    batch_name = "fx_staged_r3"
    batch_id = server.create_batch("worker", batch_name)

    # 2. Stage the inputs: each becomes jf_<md5> on the server; files it has are not sent again.
    paths = []
    for i, text in enumerate(INPUTS):
        path = workdir / f"input_{i}.txt"
        path.write_text(text)
        paths.append(path)
    a_week = int(time.time()) + 7 * 86400
    staged = server.stage_files(paths, batch_id=batch_id, delete_time=a_week)

    # 3. Submit one job per input file into that batch.
    jobs = tuple(
        JobDesc(
            name=f"{batch_name}_{i}",
            rsc_fpops_est=1e9,
            command_line=f"--flag {i}" if i else None,
            input_files=(FileDesc.local_staged(f.phys_name),),
        )
        for i, f in enumerate(staged)
    )
    server.submit_batch(BatchDesc(app_name="worker", batch_id=batch_id, jobs=jobs))

    # 4. Wait until every job is done or has failed (polling more slowly while nothing changes).
    def progress(n: BatchCounts) -> None:
        print(f"batch {batch_name}: {n.done} done, {n.in_progress} running, {n.failed} failed, {n.queued} queued")

    batch = server.wait_batch(batch_id, poll_interval=poll_seconds, progress=progress)
    for job in batch.jobs:
        print(f"  {job.name}: {job.status}", ", ".join(job.errors))

    # 5. Download every output of the batch as one zip (checked, written atomically).
    archive = server.get_batch_outputs(batch_id, workdir / "outputs.zip")
    with zipfile.ZipFile(archive) as z:
        names = z.namelist()
        z.extractall(workdir / "outputs")

    # 6. Retire the batch: the project may now delete its files and records.
    server.retire_batch(batch_id)
    return names


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as tmp:
        outputs = main(os.environ["BOINC_PROJECT_URL"], os.environ["BOINC_AUTHENTICATOR"], Path(tmp))
    print("outputs:", ", ".join(outputs))
    sys.exit(0)
