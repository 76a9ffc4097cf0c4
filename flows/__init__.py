"""Prefect flows: process one recording, watch the inbox, reprocess the archive.

Flows and tasks here only orchestrate: which stage runs when, with which inputs, where its
result is cached, what happens on failure. What a stage computes lives in ``pipeline/``.
Import :mod:`flows.runtime` first and call :func:`flows.runtime.start_runtime` before
importing the flow modules, so Prefect's settings (home folder, API address) are in place.
"""
