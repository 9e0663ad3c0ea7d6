"""bot.domain.matches."""
