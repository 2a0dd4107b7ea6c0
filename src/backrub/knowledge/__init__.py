"""The method's knowledge as data: the back map, techniques, rules and screening table."""
