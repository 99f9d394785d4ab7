"""Upload handlers that shorten a file's name before it touches the disk.

Django names the temporary file of a large upload (over
FILE_UPLOAD_MAX_MEMORY_SIZE) after the upload's extension; a phone or a
hostile client can send an "extension" of hundreds of bytes, which the file
system refuses (a file name holds at most 255 bytes) and Django answers with
a 500. The name a person sees later (the photo's original_name) has no use
for more than a line of text either. Both handlers below shorten the name
the same way before Django's own handler sees it.
"""

import os

from django.core.files.uploadhandler import MemoryFileUploadHandler, TemporaryFileUploadHandler

# Counted in UTF-8 bytes, as the file system counts: a Chinese character takes three.
MAX_NAME_BYTES = 120
MAX_EXTENSION_BYTES = 16


def short_name(name):
    """`name` cut to MAX_NAME_BYTES, keeping its extension (itself cut to MAX_EXTENSION_BYTES)."""
    stem, extension = os.path.splitext(name)
    extension = _cut(extension, MAX_EXTENSION_BYTES)
    return _cut(stem, MAX_NAME_BYTES - len(extension.encode())) + extension


def _cut(text, limit):
    """The longest start of `text` that fits in `limit` UTF-8 bytes, never half a character."""
    return text.encode()[:limit].decode(errors="ignore")


class ShortNameMemoryFileUploadHandler(MemoryFileUploadHandler):
    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, short_name(file_name), *args, **kwargs)


class ShortNameTemporaryFileUploadHandler(TemporaryFileUploadHandler):
    def new_file(self, field_name, file_name, *args, **kwargs):
        super().new_file(field_name, short_name(file_name), *args, **kwargs)
