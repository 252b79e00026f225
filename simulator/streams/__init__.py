"""Market streams: the publish/subscribe hub and the WebSocket endpoints in front of it."""
