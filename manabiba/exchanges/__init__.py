"""Exchange meetings and joint training."""
