"""bot.domain."""
