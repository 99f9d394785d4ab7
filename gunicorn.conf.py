"""gunicorn's settings for the portal: `.venv/bin/gunicorn`, run in the checkout, reads them.

Chosen by measurement on the 2-core server with bench/deadline_day.py (README, 部署):
visits arriving at 3, 4 and 5 a second, each logging in (Argon2id), opening pages,
uploading a 2 MB photo and submitting, on SQLite and on PostgreSQL.

- Sync workers, one more than the cores. The work is CPU (hashing a password,
  decoding a photo, rendering a page): the worst p95 with three sync workers, five,
  and gthread (2 workers × 4 threads, taking turns at each process's GIL) was, at 5
  visits a second on SQLite, 0.53 s, 0.62 s and 1.85 s; at 4 a second on PostgreSQL
  (its server on the same cores), 0.22 s, 0.39 s and 0.27 s. A slow phone never
  holds a worker: nginx reads the whole request before passing it on (its default
  `proxy_request_buffering on`).
- A sync worker is killed when one request takes longer than `timeout`. Behind
  nginx an upload reaches gunicorn whole, however slow the phone's link, so what
  takes time is the work: 120 s covers the longest request the portal has, a save
  sent without JavaScript carrying nginx's 200 MB of photos (27 HEIC photos, the
  slowest to decode: about 40 s on an idle core), twice over for a busy machine;
  the admin's largest Excel export takes about 15 s. A restart lets running
  requests finish for as long (`graceful_timeout`).
"""

import os

wsgi_app = "luoshan.wsgi"
bind = "127.0.0.1:8001"

worker_class = "sync"
workers = len(os.sched_getaffinity(0)) + 1  # 3 on the 2-core server

timeout = 120
graceful_timeout = 120
