"""WeChat inbound protocol: signatures, AES envelopes, safe XML, message parsing and reply rendering.

Pure functions over bytes and dicts; the FastAPI route lives in ``bot.web.wechat`` and the
dedup/serialisation/budget logic in ``bot.chat.pipeline``.
"""
