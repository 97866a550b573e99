"""The object store's backend: django-storages' S3 backend (settings.default_storage_from_env), with
the two things units.files asks of a backend beyond Django's storage API:

- `download_url`: a URL signed for a short time that downloads the file under the name and type
  the app chose, at the address browsers reach the store by; None when downloads stream through
  the web host (S3_DOWNLOAD_URL_SECONDS=0, the default: an intranet store is often unreachable
  from the browsers).
- `stream`: the object read as it arrives, so a download starts at once and holds one block in
  memory (the backend's own `open` reads the whole object before the first byte is sent).
"""

from __future__ import annotations

from botocore.exceptions import ClientError
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from units.files import content_disposition


class ObjectStorage(S3Storage):
    def get_default_settings(self):
        return {**super().get_default_settings(), "download_url_seconds": 0, "public_endpoint_url": None}

    def _key(self, name: str) -> str:
        return self._normalize_name(clean_name(name))

    def download_url(self, name: str, *, filename: str, content_type: str) -> str | None:
        if not self.download_url_seconds:
            return None
        params = {
            "Bucket": self.bucket_name,
            "Key": self._key(name),
            "ResponseContentDisposition": content_disposition(filename),
            "ResponseContentType": content_type,
        }
        return self._signer().generate_presigned_url("get_object", Params=params, ExpiresIn=self.download_url_seconds)

    def _signer(self):
        """A client for the public address. Signing asks nothing of the network; the signature
        covers the host, so it is made for the host the browser will send."""
        public = self.public_endpoint_url or self.endpoint_url
        if public == self.endpoint_url:
            return self.connection.meta.client
        signer = getattr(self._connections, "signer", None)
        if signer is None:
            signer = self._create_session().client(
                "s3", region_name=self.region_name, endpoint_url=public, config=self.client_config
            )
            self._connections.signer = signer
        return signer

    def stream(self, name: str) -> ObjectStream:
        try:
            answer = self.connection.meta.client.get_object(Bucket=self.bucket_name, Key=self._key(name))
        except ClientError as err:
            if err.response["ResponseMetadata"]["HTTPStatusCode"] == 404:
                raise FileNotFoundError(f"File does not exist: {name}") from err
            raise
        return ObjectStream(answer["Body"], answer["ContentLength"])


class ObjectStream:
    """An object's body for FileResponse: read in blocks, closed with the response. It has no
    `name`, so that FileResponse never looks for a local file of the key's name."""

    def __init__(self, body, size: int):
        self._body, self.size = body, size

    def read(self, amount: int = -1) -> bytes:
        return self._body.read(None if amount is None or amount < 0 else amount)

    def close(self) -> None:
        self._body.close()
