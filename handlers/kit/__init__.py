"""handlers.kit."""
