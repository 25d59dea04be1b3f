from fastapi import APIRouter

from backoffice.schemas.refunds import RefundSummary
from backoffice.services.refunds import pending_refunds

router = APIRouter(tags=["refunds"])


@router.get("/pending", summary="Refunds waiting for approval")
async def list_pending_refunds() -> list[RefundSummary]:
    return await pending_refunds()
