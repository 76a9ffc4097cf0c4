"""Kijkwijzer library: one subpackage per pipeline stage.

Stages exchange typed data (see :mod:`pipeline.types`) and never read each
other's files; the flows in :mod:`flows` wire them together.
"""

import os

# No stage may ever reach a model hub or a telemetry endpoint. Setting these
# before any third-party import is the only reliable way to make the libraries
# behave offline, so it happens when the library is first imported.
for _key, _value in {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "PYANNOTE_METRICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "ORT_DISABLE_TELEMETRY": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
}.items():
    os.environ[_key] = _value

__version__ = "0.1.0"
