from typing import Annotated

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, status
from fastapi.security import OAuth2PasswordRequestForm
from jwt.exceptions import InvalidTokenError

from src.auth import security, service
from src.auth.config import auth_settings
from src.auth.dependencies import CurrentUser
from src.auth.schemas import AddressIn, AddressOut, PasswordReset, Token, UserCreate, UserOut
from src.database import SessionDep
from src.notifications import service as notification_service

router = APIRouter(prefix="/auth", tags=["auth"])


@router.post("/register", status_code=status.HTTP_201_CREATED)
async def register(
    payload: UserCreate, session: SessionDep, background_tasks: BackgroundTasks
) -> UserOut:
    if await service.get_user_by_email(session, payload.email):
        raise HTTPException(status.HTTP_409_CONFLICT, "An account with this email already exists")
    user = await service.create_user(session, payload)
    background_tasks.add_task(notification_service.send_welcome_email, user.email, user.full_name)
    return UserOut.model_validate(user)


@router.post("/token")
async def login(
    form: Annotated[OAuth2PasswordRequestForm, Depends()], session: SessionDep
) -> Token:
    user = await service.authenticate(session, form.username, form.password)
    if user is None:
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Wrong email or password")
    ttl = auth_settings.ACCESS_TOKEN_TTL.total_seconds()
    return Token(access_token=security.create_token(str(user.id), "access", ttl))


@router.get("/me", response_model=UserOut)
async def read_me(user: CurrentUser):
    return user


@router.post("/me/addresses")
async def add_address(payload: AddressIn, user: CurrentUser, session: SessionDep) -> AddressOut:
    address = await service.add_address(session, user, payload)
    return AddressOut.model_validate(address)


@router.post("/password-reset", status_code=status.HTTP_204_NO_CONTENT)
async def reset_password(payload: PasswordReset, session: SessionDep) -> None:
    try:
        user_id = security.decode_reset_token(payload.token)
    except InvalidTokenError as exc:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "This link has expired") from exc
    user = await service.get_user(session, int(user_id))
    if user is None:
        raise HTTPException(status.HTTP_400_BAD_REQUEST, "This link has expired")
    await service.set_password(session, user, payload.new_password)
