import csv
import io
from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Query, UploadFile, status
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from src.auth.dependencies import StaffUser, require_staff
from src.catalog import cache, images, service
from src.catalog.dependencies import ValidProduct
from src.catalog.models import Product
from src.catalog.schemas import ProductCreate, ProductOut, ProductUpdate
from src.database import SessionDep, get_db

router = APIRouter(prefix="/products", tags=["catalog"])

SORT_OPTIONS = {"name": "Name (A-Z)", "price": "Price (low to high)", "-price": "Price (high to low)"}


@router.get("")
async def list_products(
    session: SessionDep,
    category: Annotated[str | None, Query(max_length=100)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[ProductOut]:
    products = await service.list_products(
        session, category=category, limit=limit, offset=offset
    )
    return [ProductOut.model_validate(product) for product in products]


# Registered before /{product_id} so "export.csv" and "sort-options" are not read as ids.
@router.get("/sort-options")
def sort_options() -> dict[str, str]:
    return SORT_OPTIONS


@router.get("/export.csv", dependencies=[Depends(require_staff)])
def export_catalog(db: Annotated[Session, Depends(get_db)]) -> StreamingResponse:
    # A plain def: FastAPI runs it in the threadpool, so the sync session is fine here.
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "slug", "name", "price", "stock"])
    for product in db.scalars(select(Product).order_by(Product.id)):
        writer.writerow([product.id, product.slug, product.name, product.price, product.stock])
    buffer.seek(0)
    return StreamingResponse(buffer, media_type="text/csv")


@router.get("/{product_id}", response_model=ProductOut)
async def get_product(product_id: int, product: ValidProduct) -> ProductOut:
    cached = await cache.get_product(product_id)
    if cached is not None:
        return cached
    out = ProductOut.model_validate(product)
    await cache.put_product(out)
    return out


@router.post("", status_code=status.HTTP_201_CREATED)
async def create_product(
    payload: ProductCreate, session: SessionDep, _: StaffUser
) -> ProductOut:
    try:
        product = await service.create_product(session, payload)
    except service.DuplicateSlug as exc:
        raise HTTPException(status.HTTP_409_CONFLICT, str(exc)) from exc
    return ProductOut.model_validate(product)


@router.patch("/{product_id}", response_model=ProductOut)
async def update_product(
    product: ValidProduct, payload: ProductUpdate, session: SessionDep, _: StaffUser
):
    product = await service.update_product(session, product, payload)
    await cache.forget_product(product.id)
    return product


@router.put("/{product_id}/image", dependencies=[Depends(require_staff)])
async def upload_image(
    product: ValidProduct,
    session: SessionDep,
    file: UploadFile = File(...),
) -> dict[str, str]:
    if file.content_type not in {"image/jpeg", "image/png", "image/webp"}:
        raise HTTPException(status.HTTP_415_UNSUPPORTED_MEDIA_TYPE, "JPEG, PNG or WebP only")
    path = await images.save_upload(product.slug, file)
    await images.strip_metadata(path)
    thumbnail = await images.make_thumbnail(path)
    product.image_path = str(path)
    await session.commit()
    await cache.forget_product(product.id)
    return {"image": str(path), "thumbnail": str(thumbnail)}
