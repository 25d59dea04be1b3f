"""Product images: the original upload plus a square thumbnail made by ImageMagick."""

import asyncio
import subprocess
from pathlib import Path

from fastapi import UploadFile

from src.config import settings

MEDIA_ROOT = Path(settings.MEDIA_ROOT) / "products"
THUMBNAIL_SIZE = "400x400"


async def save_upload(slug: str, upload: UploadFile) -> Path:
    suffix = Path(upload.filename or "image.jpg").suffix.lower() or ".jpg"
    target = MEDIA_ROOT / f"{slug}{suffix}"
    data = await upload.read()
    with open(target, "wb") as fh:
        fh.write(data)
    return target


async def make_thumbnail(source: Path) -> Path:
    thumbnail = source.with_name(f"{source.stem}-thumb.jpg")
    subprocess.run(
        ["convert", str(source), "-thumbnail", f"{THUMBNAIL_SIZE}^", "-gravity", "center",
         "-extent", THUMBNAIL_SIZE, str(thumbnail)],
        check=True,
    )
    return thumbnail


async def strip_metadata(source: Path) -> None:
    """Remove EXIF data (camera serials, GPS) from an uploaded image."""
    process = await asyncio.create_subprocess_exec("exiftool", "-all=", "-overwrite_original", str(source))
    if await process.wait() != 0:
        raise RuntimeError(f"exiftool failed on {source.name}")


async def read_image(path: Path) -> bytes:
    return await asyncio.to_thread(path.read_bytes)
