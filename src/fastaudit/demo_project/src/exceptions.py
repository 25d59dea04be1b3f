from fastapi import HTTPException, status


class NotFound(HTTPException):
    def __init__(self, what: str) -> None:
        super().__init__(status.HTTP_404_NOT_FOUND, f"{what} not found")


class PermissionDenied(HTTPException):
    def __init__(self, detail: str = "You are not allowed to do that") -> None:
        super().__init__(status.HTTP_403_FORBIDDEN, detail)
