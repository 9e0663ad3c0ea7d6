"""bot.data."""
