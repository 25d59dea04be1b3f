from typing import Annotated

from fastapi import APIRouter, Query, status

from src.database import SessionDep
from src.notes import service
from src.notes.config import notes_config
from src.notes.dependencies import ValidNote
from src.notes.schemas import ErrorOut, NoteCreate, NoteOut

router = APIRouter(prefix="/notes", tags=["notes"])

NOT_FOUND = {status.HTTP_404_NOT_FOUND: {"model": ErrorOut, "description": "No such note"}}


@router.get("", summary="List notes", description="Notes in creation order, paginated.")
async def list_notes(
    session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=notes_config.MAX_PAGE_SIZE)] = 20,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[NoteOut]:
    notes = await service.list_notes(session, limit, offset)
    return [NoteOut.model_validate(note) for note in notes]


@router.get(
    "/{note_id}",
    summary="Read a note",
    description="One note by id.",
    responses=NOT_FOUND,
)
async def read_note(note: ValidNote) -> NoteOut:
    return NoteOut.model_validate(note)


@router.post(
    "",
    status_code=status.HTTP_201_CREATED,
    summary="Create a note",
    description="Stores a new note and returns it.",
)
async def create_note(payload: NoteCreate, session: SessionDep) -> NoteOut:
    note = await service.create_note(session, payload)
    return NoteOut.model_validate(note)


@router.delete(
    "/{note_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    summary="Delete a note",
    description="Removes the note for good.",
    responses=NOT_FOUND,
)
async def delete_note(note: ValidNote, session: SessionDep) -> None:
    await service.delete_note(session, note)
