"""bot.domain.events."""
