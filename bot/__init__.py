"""bot package.

Set before anything imports huggingface_hub or transformers (their settings are read at import time): the
deployment never downloads models and never contacts the hub, so there is no connection attempt and no hub
log line at start-up. An operator may still override them in the environment.
"""

import os

for _name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_HUB_DISABLE_TELEMETRY", "ANONYMIZED_TELEMETRY"):
    os.environ.setdefault(_name, "1" if _name != "ANONYMIZED_TELEMETRY" else "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
