"""Prefect flows: process one recording, watch the inbox, reprocess the archive.

Only Prefect lives here: flows that read like a script, one task per stage cached through
the result store, and the runtime that finds or starts the Prefect API. What a stage is and
computes lives in ``pipeline/`` (the engine in :mod:`pipeline.stages`). Import
:mod:`flows.runtime.server` first and call its ``start_runtime`` before importing the
flow modules, so Prefect's settings (home folder, API address) are in place.
"""
