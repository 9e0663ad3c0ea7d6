"""The use cases shared by chat, console, CLI and jobs: each takes the caller's session, none commits."""
