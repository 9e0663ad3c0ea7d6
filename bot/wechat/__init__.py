"""WeChat inbound protocol: signatures, AES envelopes, safe XML, message parsing and reply rendering.

Pure functions over bytes and dicts; the FastAPI route lives in ``bot.webhook`` and the
dedup/serialisation/budget logic in ``bot.pipeline``.
"""
