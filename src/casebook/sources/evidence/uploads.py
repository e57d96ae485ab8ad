"""Reading uploaded files without reading too much: the evidence pages and the public form.

Django's parser reads a whole upload before any view sees it; `with_size_limit` puts a
handler in front that stops keeping a file once it passes the limit, so a 10 GB upload
costs a read, not 10 GB of disk. It must be installed before anything reads the body
(the CSRF check does: such views are `csrf_exempt` outside and `csrf_protect` inside).
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile


class SizeLimitUploadHandler(FileUploadHandler):
    """Stops reading a file as soon as it passes `limit` bytes, instead of after 10 GB.

    The rest of that file is skipped (its partial temporary file is closed, which deletes
    it) and its name is remembered so that the page can say why it was refused.
    """

    def __init__(self, request=None, limit: int | None = None):
        super().__init__(request)
        self.limit = settings.EVIDENCE_MAX_BYTES if limit is None else limit
        self.oversized: list[str] = []
        self.received = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.oversized.append(self.file_name or "file")
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None


def with_size_limit(request, limit: int | None = None) -> SizeLimitUploadHandler:
    handler = SizeLimitUploadHandler(request, limit)
    request.upload_handlers.insert(0, handler)
    return handler
