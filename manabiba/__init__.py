"""Manabiba (学び場): a city's lifelong-learning and community-activity portal."""
