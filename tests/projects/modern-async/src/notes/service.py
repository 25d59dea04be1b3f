from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from src.notes.models import Note
from src.notes.schemas import NoteCreate


async def list_notes(session: AsyncSession, limit: int, offset: int) -> list[Note]:
    result = await session.scalars(select(Note).order_by(Note.id).limit(limit).offset(offset))
    return list(result)


async def get_note(session: AsyncSession, note_id: int) -> Note | None:
    return await session.get(Note, note_id)


async def create_note(session: AsyncSession, payload: NoteCreate) -> Note:
    note = Note(**payload.model_dump())
    session.add(note)
    await session.commit()
    await session.refresh(note)
    return note


async def delete_note(session: AsyncSession, note: Note) -> None:
    await session.delete(note)
    await session.commit()
