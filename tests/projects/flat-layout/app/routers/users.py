from fastapi import APIRouter, Depends, HTTPException
from sqlalchemy.orm import Session

from app.crud import user as crud_user
from app.database import get_db
from app.schemas.user import UserCreate, UserOut

router = APIRouter(prefix="/users", tags=["users"])


@router.post("", status_code=201)
def create_user(payload: UserCreate, db: Session = Depends(get_db)) -> UserOut:
    if crud_user.get_user_by_email(db, payload.email):
        raise HTTPException(409, "Email already registered")
    return UserOut.model_validate(crud_user.create_user(db, payload))


@router.get("/{user_id}")
def read_user(user_id: int, db: Session = Depends(get_db)) -> UserOut:
    user = crud_user.get_user(db, user_id)
    if user is None:
        raise HTTPException(404, "User not found")
    return UserOut.model_validate(user)
