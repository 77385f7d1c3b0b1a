"""Applications for programmes: first come, lottery, waiting list, attendance."""
