from fastapi import APIRouter, Depends, Header, HTTPException
from jose import JWTError, jwt

router = APIRouter(prefix="/reports", tags=["reports"])

STAFF_SECRET = "rotate-me"


async def staff_only(authorization: str = Header()) -> str:
    try:
        claims = jwt.decode(authorization.removeprefix("Bearer "), STAFF_SECRET, algorithms=["HS256"])
    except JWTError as exc:
        raise HTTPException(401, "staff token required") from exc
    return claims["sub"]


@router.get("/daily")
async def daily_report(staff: str = Depends(staff_only)) -> dict[str, str]:
    return {"requested_by": staff, "status": "queued"}
