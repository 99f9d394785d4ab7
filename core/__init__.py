"""What every app builds on and no app owns: the admin's audited bases, Excel
files, upload names. It imports no app of the portal (see docs/architecture.md)."""
