class ErrorCode:
    INVALID_TOKEN = "invalid-token"
