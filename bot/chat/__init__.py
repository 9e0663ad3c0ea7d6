"""bot.chat."""
