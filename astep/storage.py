"""A file storage with no public address, for personal documents."""

from django.core.files.storage import FileSystemStorage


class PrivateFileSystemStorage(FileSystemStorage):
    """Files on disk that no URL serves: a view that checks the reader streams them."""

    def url(self, name: str) -> str:
        raise ValueError("Private files have no URL: serve them through a view that checks access.")
