"""bot.wechat.testing."""
