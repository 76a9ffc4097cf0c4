"""The runtime that serves Prefect: the API the flows use (:mod:`~flows.runtime.server`, import
it first), the headless local server (:mod:`~flows.runtime.local_server`) and the runs of killed
commands (:mod:`~flows.runtime.orphans`)."""
