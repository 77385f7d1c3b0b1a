"""A real password hasher that counts its work, so a test can see a hash was computed."""

from typing import ClassVar

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingHasher(MD5PasswordHasher):
    algorithm = "counting_md5"
    encodings: ClassVar[list[str]] = []

    def encode(self, password: str, salt: str) -> str:
        type(self).encodings.append(password)
        return super().encode(password, salt)
