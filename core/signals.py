"""Signals the apps above core listen to (core imports no app of ours).

data_exported: personal data left the portal as a file. Sent with `request` and
`description`, a short Chinese sentence saying what ("导出 2021-05 月照片ZIP");
communities records who, what, when and from where (等保 2.0 安全审计).
"""

from django.dispatch import Signal

data_exported = Signal()
