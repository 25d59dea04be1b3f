"""SEC: security mistakes a FastAPI app makes in its own code.

Configuration that opens the app to other sites (CORS with credentials for any origin),
debug pages in production, tokens decoded without verification, secrets written into
the code, SQL assembled from strings, and request data trusted as a path, a URL, an
error message or a serialised object. Each rule names the peer rules it overlaps.
"""
