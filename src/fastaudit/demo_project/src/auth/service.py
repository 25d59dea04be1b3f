from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from src.auth.models import Address, User
from src.auth.schemas import AddressIn, UserCreate
from src.auth.security import hash_password, verify_password


async def get_user(session: AsyncSession, user_id: int) -> User | None:
    return await session.get(User, user_id)


async def get_user_by_email(session: AsyncSession, email: str) -> User | None:
    return await session.scalar(select(User).where(User.email == email.lower()))


async def create_user(session: AsyncSession, payload: UserCreate) -> User:
    user = User(
        email=payload.email.lower(),
        hashed_password=hash_password(payload.password),
        full_name=payload.full_name,
    )
    session.add(user)
    await session.commit()
    await session.refresh(user)
    return user


async def authenticate(session: AsyncSession, email: str, password: str) -> User | None:
    user = await get_user_by_email(session, email)
    if user is None or not user.is_active or not verify_password(password, user.hashed_password):
        return None
    user.last_login = datetime.now(UTC)
    await session.commit()
    return user


async def add_address(session: AsyncSession, user: User, payload: AddressIn) -> Address:
    address = Address(user_id=user.id, **payload.model_dump())
    session.add(address)
    await session.commit()
    return address


async def set_password(session: AsyncSession, user: User, password: str) -> None:
    user.hashed_password = hash_password(password)
    await session.commit()
