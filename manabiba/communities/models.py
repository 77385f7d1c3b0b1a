"""The Community Activity Information Station: groups, their posts and followers."""
