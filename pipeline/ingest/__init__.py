"""Ingest: everything between a file dropped in the inbox and a recording in the archive.

The consent gate, hostile-input checks, content hashing, the data-root layout, claiming,
quarantine, the audit log and retention all live here as plain functions, so the Prefect
flows in ``flows/`` only decide *when* they run.
"""
