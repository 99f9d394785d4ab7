"""gunicorn's settings for the portal: `.venv/bin/gunicorn`, run in the checkout, reads them.

Chosen by measurement on the 2-core server with bench/deadline_day.py (README, 部署):
visits arriving at 3 and at 5 a second, each logging in (Argon2id), opening pages,
uploading a 2 MB photo and submitting, on SQLite and on PostgreSQL.

- Sync workers, one more than the cores. The work is CPU (hashing a password,
  decoding a photo, rendering a page): three sync workers kept every page's p95
  under 0.5 s at 5 visits a second on SQLite, where five sync workers did a little
  worse and gthread (2 workers × 4 threads) went past 1 s, its threads taking turns
  at each process's GIL. A slow phone never holds a worker: nginx reads the whole
  request before passing it on (its default `proxy_request_buffering on`).
- A sync worker is killed when one request takes longer than `timeout`. 120 s
  covers the longest the portal does: a save sent without JavaScript with nginx's
  200 MB of photos (about 40 s of decoding on an idle core, 20 MB each at most),
  or the admin's largest Excel export (about a minute), and leaves a margin for a
  busy machine. A restart lets running requests finish for as long.
"""

import os

wsgi_app = "luoshan.wsgi"
bind = "127.0.0.1:8001"

worker_class = "sync"
workers = len(os.sched_getaffinity(0)) + 1  # 3 on the 2-core server

timeout = 120
graceful_timeout = 120
