"""Use cases. Every service checks the actor's permission itself, whatever called it (page, CLI, test)."""
