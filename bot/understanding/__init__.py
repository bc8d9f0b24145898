"""Free text → the same actions as the explicit commands (DESIGN.md §6; the router's last route)."""
