from typing import Annotated

from fastapi import Depends, HTTPException, Path, status

from src.database import SessionDep
from src.notes import service
from src.notes.models import Note


async def valid_note_id(note_id: Annotated[int, Path(gt=0)], session: SessionDep) -> Note:
    note = await service.get_note(session, note_id)
    if note is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Note not found")
    return note


ValidNote = Annotated[Note, Depends(valid_note_id)]
