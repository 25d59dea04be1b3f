"""DEP: FastAPI markers (``Depends``, ``Query``...) written as parameter defaults.

Since FastAPI 0.95 the marker belongs in the annotation: ``Annotated[T, Depends(f)]``.
The default slot is then free for the real default value, the function can be called
like any other, and the same ``Annotated`` alias can be shared between endpoints.

Both rules rewrite one parameter per finding with character-range edits. Dropping the
default of a positional parameter can leave it after one that keeps a default, which
Python rejects. The fix of such a parameter then also rewrites the parameters before
it when they all lose their defaults too (``db=Depends(a), user=Depends(b)``: still
safe), or else inserts a bare ``*`` (unsafe: later parameters become keyword-only).
The fixes of one signature share identical edits, which are applied once, so any
subset of them, in one round or several, leaves a valid signature (see
:class:`Signature`).
"""
