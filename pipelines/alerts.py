"""Failure alerts an operator can act on: one log line, a line in HOME/alerts.log, and an optional webhook."""

from __future__ import annotations

import json
import logging
import os
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger("mutu.alerts")


def send_alert(message: str, home: Path, webhook: str | None = None) -> bool:
    """Record the alert; POST it as JSON to the webhook when one is set. True when the webhook took it."""
    line = f"{datetime.now(UTC).isoformat(timespec='seconds')} {message}"
    log.error(line)
    home.mkdir(parents=True, exist_ok=True)
    with (home / "alerts.log").open("a", encoding="utf-8") as handle:
        handle.write(line + "\n")
    webhook = webhook if webhook is not None else os.environ.get("MUTU_ALERT_WEBHOOK")
    if not webhook:
        return False
    request = urllib.request.Request(
        webhook, data=json.dumps({"text": message}).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return 200 <= response.status < 300
    except (urllib.error.URLError, OSError) as exc:
        log.error(f"alert webhook {webhook} unreachable: {exc}")
        return False
